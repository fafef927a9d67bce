#include "duckpart/retry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <new>
#include <thread>

#include "db/error.h"
#include "duckpart/error.h"
#include "util/format.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

bool Contains(const std::string& text, const char* needle) {
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find(needle) != std::string::npos;
}

bool MentionsFullDisk(const std::string& message) {
  return Contains(message, "no space left on device") || Contains(message, "disk is full") ||
         Contains(message, "disk full") || Contains(message, "max_temp_directory_size") ||
         Contains(message, "disk quota exceeded");
}

// The first line of a message, without DuckDB's advice that follows it.
std::string FirstLine(const std::string& message) {
  std::string line = message.substr(0, message.find('\n'));
  if (line.size() > 300) line = line.substr(0, 297) + "...";
  return line;
}

int ResolvedThreads(int threads) {
  if (threads > 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

std::string Settings(const Attempt& a) {
  std::string s = fmt::format("{} thread{}", a.threads, a.threads == 1 ? "" : "s");
  if (a.force_sorted) s += ", sorted writes";
  if (a.flush_threshold > 0) s += fmt::format(", flush every {} rows", a.flush_threshold);
  if (a.max_open_files > 0) s += fmt::format(", at most {} open files", a.max_open_files);
  return s;
}

std::string SpaceNote(const RetryPolicy& policy) {
  std::string note;
  const int64_t needed = policy.space_needed ? policy.space_needed() : 0;
  if (needed > 0)
    note = fmt::format("; the job needs about {} (estimate)", util::FormatBytes(needed));
  if (!policy.space_path.empty()) {
    std::error_code ec;
    fs::path probe = policy.space_path;
    while (!probe.empty() && !fs::exists(probe, ec)) probe = probe.parent_path();
    const auto space = fs::space(probe.empty() ? fs::path(".") : probe, ec);
    if (!ec) {
      note +=
          fmt::format("{} {} is free on the file system of {}", needed > 0 ? " and" : ";",
                      util::FormatBytes(static_cast<int64_t>(space.available)), policy.space_path);
    }
  }
  return note;
}

[[noreturn]] void Rethrow(std::exception_ptr e, FailureClass c, const RetryPolicy& policy,
                          int attempts, const Attempt& last) {
  std::string message, e_what;
  try {
    std::rethrow_exception(e);
  } catch (const Error& ex) {
    // InputError and CheckFailed keep their exit codes and words; so do runtime failures
    // of other classes. Memory, disk, IO and interrupts get what they need and left.
    const bool explained = c == FailureClass::kOutOfMemory || c == FailureClass::kDiskFull ||
                           c == FailureClass::kIo || c == FailureClass::kInterrupted;
    if (!explained) throw;
    e_what = ex.what();
    message = FirstLine(e_what);
  } catch (const std::exception& ex) {
    e_what = ex.what();
    message = FirstLine(e_what);
  } catch (...) {
    throw;
  }
  const std::string outcome = policy.outcome_note.empty() ? "" : "; " + policy.outcome_note;
  switch (c) {
    case FailureClass::kOutOfMemory:
      throw RuntimeFailure(
          FailureClass::kOutOfMemory,
          fmt::format("out of memory{}: {}{}; raise --memory-limit or lower --threads",
                      attempts > 1 ? fmt::format(" after {} attempts (the last with {})", attempts,
                                                 Settings(last))
                                   : std::string(""),
                      message, outcome));
    case FailureClass::kDiskFull:
      if (Contains(e_what, "max_temp_directory_size")) {
        // DuckDB names the cap only in its advice lines, which `message` leaves out.
        throw RuntimeFailure(
            FailureClass::kDiskFull,
            "out of spill space: the cap on spilled data (--max-temp-size, DuckDB's "
            "max_temp_directory_size) was reached: " +
                message + outcome);
      }
      throw RuntimeFailure(FailureClass::kDiskFull,
                           "out of disk space: " + message + SpaceNote(policy) + outcome);
    case FailureClass::kIo:
      throw RuntimeFailure(FailureClass::kIo, message + outcome);
    case FailureClass::kInterrupted:
      throw Interrupted("interrupted" + outcome);
    default:
      std::rethrow_exception(e);  // invalid input, integrity, other: as they are
  }
}

}  // namespace

const char* FailureClassName(FailureClass c) {
  switch (c) {
    case FailureClass::kOutOfMemory:
      return "out of memory";
    case FailureClass::kDiskFull:
      return "disk full";
    case FailureClass::kIo:
      return "IO error";
    case FailureClass::kInterrupted:
      return "interrupted";
    case FailureClass::kIntegrity:
      return "integrity failure";
    case FailureClass::kInvalidInput:
      return "invalid input";
    case FailureClass::kOther:
      return "failure";
  }
  return "failure";
}

FailureClass ClassifyFailure(const std::exception& e) {
  if (const auto* own = dynamic_cast<const Error*>(&e)) return own->failure();
  if (dynamic_cast<const std::bad_alloc*>(&e)) return FailureClass::kOutOfMemory;
  const std::string message = e.what();
  if (const auto* db = dynamic_cast<const db::DbError*>(&e)) {
    switch (db->kind()) {
      case db::ErrorKind::kOutOfMemory:
        // The spill cap (max_temp_directory_size) is reported as out of memory by DuckDB,
        // but fewer threads will not make the temp folder bigger.
        return MentionsFullDisk(message) ? FailureClass::kDiskFull : FailureClass::kOutOfMemory;
      case db::ErrorKind::kIo:
      case db::ErrorKind::kPermission:
        return MentionsFullDisk(message) ? FailureClass::kDiskFull : FailureClass::kIo;
      case db::ErrorKind::kInterrupt:
        return FailureClass::kInterrupted;
      case db::ErrorKind::kParser:
      case db::ErrorKind::kBinder:
      case db::ErrorKind::kCatalog:
      case db::ErrorKind::kConversion:
      case db::ErrorKind::kInvalidInput:
        return FailureClass::kInvalidInput;
      default:
        return MentionsFullDisk(message) ? FailureClass::kDiskFull : FailureClass::kOther;
    }
  }
  if (const auto* fe = dynamic_cast<const fs::filesystem_error*>(&e)) {
    return fe->code() == std::errc::no_space_on_device || MentionsFullDisk(message)
               ? FailureClass::kDiskFull
               : FailureClass::kIo;
  }
  return MentionsFullDisk(message) ? FailureClass::kDiskFull : FailureClass::kOther;
}

FailureClass ClassifyFailure(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ClassifyFailure(ex);
  } catch (...) {
    return FailureClass::kOther;
  }
}

bool IsRetryable(FailureClass c) { return c == FailureClass::kOutOfMemory; }

Attempt MakeAttempt(const RetryPolicy& policy, int number, const std::string& reason) {
  Attempt a;
  a.number = std::max(1, number);
  a.retry_reason = a.number > 1 ? reason : "";
  if (a.number == 1) {
    a.threads = policy.initial_threads;
    return a;
  }
  // Each retry halves the threads (each thread holds its own buffers), sorts the input
  // by partition (few partitions' buffers filled at a time) and flushes much smaller
  // batches: a partitioned write holds a buffer block (256 KiB) for every partition
  // among the rows it has not yet flushed, so the flush threshold, not the row count,
  // bounds its memory when partitions are many and small.
  const int shift = std::min(a.number - 1, 30);
  a.threads = std::max(1, ResolvedThreads(policy.initial_threads) >> shift);
  a.force_sorted = true;
  a.flush_threshold = std::max<int64_t>(1024, int64_t{131072} >> std::min(2 * shift, 62));
  a.max_open_files = std::max<int64_t>(8, int64_t{100} >> shift);
  return a;
}

std::chrono::milliseconds BackoffBefore(const RetryPolicy& policy, int number) {
  if (number < 2) return std::chrono::milliseconds(0);
  const double ms = static_cast<double>(policy.initial_backoff.count()) *
                    std::pow(std::max(1.0, policy.backoff_factor), number - 2);
  const double capped = std::min(ms, static_cast<double>(policy.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(capped)));
}

void ApplyAttempt(const Attempt& attempt, EngineOptions& engine, RunOptions& run) {
  if (attempt.threads > 0) engine.threads = attempt.threads;
  if (attempt.force_sorted) run.sorted_write_threshold = 0;
}

std::string AttemptSettingsSql(const Attempt& attempt) {
  std::string sql;
  if (attempt.flush_threshold > 0) {
    sql += fmt::format("SET partitioned_write_flush_threshold = {}; ", attempt.flush_threshold);
  }
  if (attempt.max_open_files > 0) {
    sql += fmt::format("SET partitioned_write_max_open_files = {}; ", attempt.max_open_files);
  }
  return sql;
}

RunResult RunWithRetries(const std::function<RunResult(const Attempt&)>& attempt,
                         const RetryPolicy& policy,
                         const std::function<void(const std::string&)>& log) {
  const int max_attempts = std::max(1, policy.max_attempts);
  Attempt current = MakeAttempt(policy, 1);
  for (int n = 1;; ++n) {
    std::exception_ptr failure;
    try {
      return attempt(current);
    } catch (...) {
      failure = std::current_exception();
    }
    const FailureClass c = ClassifyFailure(failure);
    if (!IsRetryable(c) || n >= max_attempts) Rethrow(failure, c, policy, n, current);
    if (policy.interrupted && policy.interrupted())
      Rethrow(failure, FailureClass::kInterrupted, policy, n, current);

    std::string why;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      why = FirstLine(e.what());
    } catch (...) {
      why = "unknown failure";
    }
    const Attempt next = MakeAttempt(policy, n + 1, std::string(FailureClassName(c)) + ": " + why);
    const auto wait = BackoffBefore(policy, n + 1);
    if (log) {
      log(fmt::format("attempt {} of {} failed ({}); retrying in {:.1f} s with {}", n, max_attempts,
                      next.retry_reason, static_cast<double>(wait.count()) / 1000.0,
                      Settings(next)));
    }
    if (policy.sleep) {
      policy.sleep(wait);
    } else {
      // Sleep in short steps so that Ctrl-C during the backoff stops at once.
      const auto until = std::chrono::steady_clock::now() + wait;
      while (std::chrono::steady_clock::now() < until) {
        if (policy.interrupted && policy.interrupted()) break;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
      }
    }
    if (policy.interrupted && policy.interrupted())
      Rethrow(failure, FailureClass::kInterrupted, policy, n, current);
    current = next;
  }
}

void RunVoidWithRetries(const std::function<void(const Attempt&)>& attempt,
                        const RetryPolicy& policy,
                        const std::function<void(const std::string&)>& log) {
  RunWithRetries(
      [&](const Attempt& a) {
        attempt(a);
        return RunResult{};
      },
      policy, log);
}

}  // namespace duckpart

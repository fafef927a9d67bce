// Errors that end a duckpart operation, each with the exit code the CLI returns.
//
//   throw InputError("unknown column 'ts2' in table events");   // exit 2
//   throw CheckFailed("2 partitions differ from the manifest");  // exit 1
//   throw BusyError("another duckpart process is writing to 'out/events'");  // exit 4
//
// Exit codes (the CLI's contract, also in the README and every command's help):
//   0 success, 1 a check failed, 2 usage or input error (nothing changed),
//   3 runtime failure, 4 busy (another process holds the lock; nothing changed, try
//   again later), 130 interrupted (Ctrl-C or SIGTERM; what was begun is rolled back).
//
// DuckDB's own failures arrive as db::DbError and are mapped at the CLI boundary.
#pragma once

#include <stdexcept>
#include <string>

namespace duckpart {

enum class ExitCode : int {
  kOk = 0,
  kCheckFailed = 1,
  kUsage = 2,
  kRuntime = 3,
  kBusy = 4,
  kInterrupted = 130,  // 128 + SIGINT, as shells report a process ended by Ctrl-C
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  const ExitCode code_;
};

// Bad input found before any work: nothing was changed.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message) : Error(ExitCode::kUsage, message) {}
};

// A check (validation, integrity) did not hold.
class CheckFailed : public Error {
 public:
  explicit CheckFailed(const std::string& message) : Error(ExitCode::kCheckFailed, message) {}
};

// The work itself failed (IO, out of memory after retries, interrupted).
class RuntimeFailure : public Error {
 public:
  explicit RuntimeFailure(const std::string& message) : Error(ExitCode::kRuntime, message) {}
};

// Another process holds the lock on the target (a duckpart writer, or DuckDB's own lock
// on a database file): nothing was changed; the same command may succeed later.
class BusyError : public Error {
 public:
  explicit BusyError(const std::string& message) : Error(ExitCode::kBusy, message) {}
};

// The user interrupted the operation (Ctrl-C, SIGTERM); what it had begun was rolled back.
class InterruptedError : public Error {
 public:
  explicit InterruptedError(const std::string& message) : Error(ExitCode::kInterrupted, message) {}
};

// A stable lower-case name of an exit code, for JSON ("check_failed", "usage", "runtime",
// "busy", "interrupted"; "ok" for 0).
inline const char* ExitCodeName(ExitCode code) {
  switch (code) {
    case ExitCode::kOk: return "ok";
    case ExitCode::kCheckFailed: return "check_failed";
    case ExitCode::kUsage: return "usage";
    case ExitCode::kRuntime: return "runtime";
    case ExitCode::kBusy: return "busy";
    case ExitCode::kInterrupted: return "interrupted";
  }
  return "runtime";
}

}  // namespace duckpart

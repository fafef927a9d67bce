// Failure classification and retries for the long-running jobs.
//
//   RetryPolicy policy{.max_attempts = 3, .initial_threads = engine.threads};
//   RunResult r = RunWithRetries(
//       [&](const Attempt& a) {
//         EngineOptions e = engine;  RunOptions o = options;
//         ApplyAttempt(a, e, o);                       // threads, sorted strategy
//         Workspace ws(source, e);                     // a fresh session per attempt
//         ws.conn().Execute(AttemptSettingsSql(a));    // flush threshold, open files
//         return RunToParquet(ws, spec, o);
//       },
//       policy, [](const std::string& line) { std::cerr << "duckpart: " << line << "\n"; });
//
// What is retried and what is not:
//   out of memory        retried with half the threads, the sorted strategy and smaller
//                        write buffers, after an exponential backoff, up to max_attempts;
//                        then RuntimeFailure (exit 3)
//   disk full            never retried: RuntimeFailure naming the space needed and free
//                        (DuckDB's spill cap, max_temp_directory_size, counts as disk full)
//   IO error             never retried: RuntimeFailure
//   interrupt            never retried: RuntimeFailure ("interrupted; ...")
//   integrity failure    never retried: the CheckFailed is rethrown as it is (exit 1)
//   invalid input        never retried: the InputError (or DuckDB's binder, parser, ...
//                        error) is rethrown as it is
//   anything else        never retried: rethrown as it is
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "duckpart/error.h"
#include "duckpart/run.h"
#include "duckpart/source.h"

namespace duckpart {

// "out of memory", "disk full", "IO error", "interrupted", "integrity failure",
// "invalid input", "failure".
const char* FailureClassName(FailureClass c);

// Classifies an exception (DuckDB's error class first, then the message).
FailureClass ClassifyFailure(const std::exception& e);
FailureClass ClassifyFailure(std::exception_ptr e);
// Whether a failure of this class is worth another attempt (only out of memory).
bool IsRetryable(FailureClass c);

// What one attempt should use. The first attempt uses the caller's settings; each
// retry after an out-of-memory halves the threads and asks for more spilling.
struct Attempt {
  int number = 1;               // 1-based
  int threads = 0;              // 0 = the caller's own setting (first attempt only)
  bool force_sorted = false;    // sort the input by partition before writing
  int64_t flush_threshold = 0;  // rows a writer thread buffers before a flush; 0 = default
  int64_t max_open_files = 0;   // partition files open at once; 0 = default
  std::string retry_reason;     // why this attempt is a retry; empty on the first
};

struct RetryPolicy {
  int max_attempts = 3;
  // Backoff before attempt n+1 is initial_backoff * factor^(n-1), capped at max_backoff.
  std::chrono::milliseconds initial_backoff{1000};
  double backoff_factor = 2.0;
  std::chrono::milliseconds max_backoff{30000};
  // The threads of the first attempt (0 = all cores); retries halve it, down to 1.
  int initial_threads = 0;
  // Injectable for tests; the default sleeps for real.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Checked before each retry and after each backoff: true stops with an interrupt.
  std::function<bool()> interrupted;
  // For disk-full messages: the bytes the job needs (e.g. Plan::est_bytes; 0 = unknown),
  // and a path on the file system that filled up (its free space is reported).
  std::function<int64_t()> space_needed;
  std::string space_path;
  // Appended to final failure messages: what state the failure left.
  std::string outcome_note = "nothing was published and the previous version is intact";
};

// The settings of attempt `number` (1-based) under the policy, with its reason.
Attempt MakeAttempt(const RetryPolicy& policy, int number, const std::string& reason = "");
// The backoff before attempt `number` (>= 2).
std::chrono::milliseconds BackoffBefore(const RetryPolicy& policy, int number);

// Applies an attempt's threads and strategy to the options of a run.
void ApplyAttempt(const Attempt& attempt, EngineOptions& engine, RunOptions& run);
// SET statements for the session of an attempt (write buffers); "" when none apply.
std::string AttemptSettingsSql(const Attempt& attempt);

// Runs `attempt` until it succeeds, fails in a way not worth retrying, or
// max_attempts are used. `log` receives one line per retry (why, what changes, when)
// and must not throw. Throws as described at the top of this file.
RunResult RunWithRetries(const std::function<RunResult(const Attempt&)>& attempt,
                         const RetryPolicy& policy,
                         const std::function<void(const std::string&)>& log);

// The same for any job that returns nothing (backup, restore, ...).
void RunVoidWithRetries(const std::function<void(const Attempt&)>& attempt,
                        const RetryPolicy& policy,
                        const std::function<void(const std::string&)>& log);

}  // namespace duckpart

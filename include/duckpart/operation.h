// What every command that changes a target has in common: one operation, run by one
// driver through the same phases, with the same proofs.
//
//   CancelToken cancel;                       // e.g. cancelled from a SIGINT handler
//   OperationControl control{.cancel = &cancel,
//                            .on_phase = [](Phase p) { std::cerr << PhaseName(p) << "\n"; }};
//   RunReport r = RunDataset(request, control);   // see run.h
//   if (r.outcome.committed) ...                  // published, whatever came after
//
// Phases, in order:
//   plan     the operation computes the change against the source and the target's
//            current state (nothing is written yet; bad input is found here)
//   stage    the target takes its lock and prepares a place no reader sees
//   write    the target writes the change's partitions there
//   verify   the target reads them back and proves them against the change (rows,
//            content checksums, placement)
//   commit   the target publishes the new version in one atomic step (the commit point)
// A failure or a cancel before the commit point leaves the previous version intact and
// removes what was staged; the outcome of a finished operation says whether the commit
// point was passed, so a cancel that arrives during the commit is reported truthfully.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace duckpart {

enum class Phase { kPlan, kStage, kWrite, kVerify, kCommit };

// "plan", "stage", "write", "verify", "commit".
const char* PhaseName(Phase phase);

// A request to stop an operation. Cancel() is async-signal-safe (it only sets a
// lock-free atomic), so a signal handler may call it. The driver checks the token
// before every phase and interrupts the running DuckDB query once it is set; it is not
// honoured once the commit phase has begun.
class CancelToken {
 public:
  void Cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
  static_assert(std::atomic<bool>::is_always_lock_free);
};

// How far the running phase is, as the driver sees it (called from a watcher thread
// about ten times a second, and once when the phase ends).
//
// The phases that work through rows (write, verify, and the stage of partition tables)
// count their work in rows: `work_total` rows of work (the plan's rows, plus the rows of
// partitions rewritten after the write), of which `work_done` are finished and
// `work_running` belong to the step running now (one DuckDB query: a write pass, a
// table, a batch of files), whose own progress is `fraction` (DuckDB's, often useless
// near the end of a query) or `work_seen` (what duckpart sees finished inside the
// step, e.g. the partitions a sorted write has reached). Other phases leave them 0.
struct ProgressSnapshot {
  Phase phase = Phase::kPlan;
  double phase_seconds = 0;
  std::optional<double> fraction;  // DuckDB's progress of the running query, in [0, 1]
  int64_t rows_total = 0;          // the rows the phase writes or verifies (the plan's total)
  int64_t work_total = 0;          // rows of work in the phase (0: the phase counts none)
  int64_t work_done = 0;           // finished steps' rows
  int64_t work_running = 0;        // the running step's rows
  int64_t work_seen = 0;           // of those, the rows duckpart sees finished already
  int64_t bytes_written = 0;       // bytes of files written so far in the phase
  std::string step;                // the running step, e.g. "pass 2/5", "merge 3/10"
};

struct PhaseTime {
  Phase phase = Phase::kPlan;
  double seconds = 0;
};

// The time of one kind of step inside a phase, all its occurrences together: "stats",
// "fields", "keys" and "partitions" of a run's plan, "copy", "pass", "place", "merge",
// "sort", "split" of a Parquet write, "batch" of its verification, "table" and "catalog"
// of partition tables.
struct StepTime {
  Phase phase = Phase::kPlan;
  std::string step;
  double seconds = 0;
};

// What happened to an operation that returned (operations that fail throw).
struct Outcome {
  bool committed = false;  // the commit point was passed: the new version is published
  bool cancelled_during_commit = false;  // a cancel arrived once the commit had begun
  int64_t version = 0;                   // the version published
  int attempts = 1;                      // attempts used (retries after out of memory)
  std::vector<PhaseTime> phases;         // in order, as run by the last attempt
  std::vector<StepTime> steps;           // within those phases, in the order first begun
  double total_seconds = 0;              // all attempts, backoffs included
  std::vector<std::string> warnings;     // e.g. housekeeping after the commit that failed
  double seconds(Phase phase) const;     // the time of one phase (0 when it did not run)
};

// The largest number of attempts an operation accepts.
inline constexpr int kMaxAttempts = 10;

// How the caller steers an operation.
struct OperationControl {
  const CancelToken* cancel = nullptr;
  std::function<void(Phase)> on_phase;                       // a phase begins
  std::function<void(const ProgressSnapshot&)> on_progress;  // from a watcher thread
  // A phase ended (its last snapshot: seconds, rows, bytes), on the thread that runs it.
  std::function<void(const ProgressSnapshot&)> on_phase_done;
  std::function<void(const std::string&)> on_warning;  // retries and other notes
  int max_attempts = 3;  // attempts when out of memory (each with half the threads), 1..10
};

}  // namespace duckpart

// What a target tells the driver about the work of the running phase, in rows, so that
// progress can be shown truthfully where DuckDB's own query progress says nothing useful
// (a sorted partitioned COPY stands at 93% while it writes its partitions; a phase of
// many queries restarts at 0 with each).
//
//   meter.Begin(plan.total_rows);                 // the driver, as write begins
//   meter.AddWork(rows_to_merge);                 // the target finds more work
//   meter.StartStep("pass", i, passes, rows_in_pass);
//   meter.See(rows_of_partitions_started);        // from a probe, while the step runs
//   meter.FinishStep();                           // its rows are done
//   meter.TakeSteps(Phase::kWrite);               // the driver: seconds per kind of step
//
// Each kind of step ("pass", "merge", ...) is timed from its StartStep to its FinishStep,
// or to the next StartStep or TakeSteps when it was not finished.
//
// Thread-safe: the target updates it on the phase's thread (and probes on theirs), the
// driver's watcher reads it.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "duckpart/operation.h"

namespace duckpart::ops {

class WorkMeter {
 public:
  // A new phase working through `rows` rows (0: a phase that counts no rows). The whole
  // phase is one step of `rows` rows until the target says otherwise.
  void Begin(int64_t rows) {
    std::lock_guard<std::mutex> lock(mu_);
    rows_ = total_ = running_ = rows;
    done_ = seen_ = bytes_ = 0;
    step_.clear();
    timing_.clear();
    timed_ = kNone;
  }
  // `rows` more rows of work in this phase (rows rewritten after the write).
  void AddWork(int64_t rows) {
    std::lock_guard<std::mutex> lock(mu_);
    total_ += rows;
  }
  // Step `index` (0-based) of `count` begins, working through `rows` rows.
  void StartStep(const char* what, int64_t index, int64_t count, int64_t rows) {
    std::lock_guard<std::mutex> lock(mu_);
    StopClock();
    timed_ = IndexOf(what);
    started_ = Clock::now();
    running_ = rows;
    seen_ = 0;
    step_ = std::string(what) +
            (count > 1 ? " " + std::to_string(index + 1) + "/" + std::to_string(count) : "");
  }
  // The running step is finished: its rows are done.
  void FinishStep() {
    std::lock_guard<std::mutex> lock(mu_);
    StopClock();
    done_ += running_;
    running_ = seen_ = 0;
  }
  // Rows of the running step seen finished (never more than the step's, never less
  // than said before).
  void See(int64_t rows) {
    std::lock_guard<std::mutex> lock(mu_);
    if (rows > seen_) seen_ = rows < running_ ? rows : running_;
  }
  // Bytes written so far in the phase (kept when less than said before).
  void SetBytes(int64_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    if (bytes > bytes_) bytes_ = bytes;
  }
  void AddBytes(int64_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    bytes_ += bytes;
  }
  // Copies the counters into `s`.
  void Fill(ProgressSnapshot& s) const {
    std::lock_guard<std::mutex> lock(mu_);
    s.rows_total = rows_;
    s.work_total = total_;
    s.work_done = done_;
    s.work_running = running_;
    s.work_seen = seen_;
    s.bytes_written = bytes_;
    s.step = step_;
  }
  // The seconds of each kind of step of the phase so far, as steps of `phase`, in the
  // order first begun; the running step's clock stops here.
  std::vector<StepTime> TakeSteps(Phase phase) {
    std::lock_guard<std::mutex> lock(mu_);
    StopClock();
    std::vector<StepTime> out = std::move(timing_);
    for (auto& t : out) t.phase = phase;
    timing_.clear();
    return out;
  }

 private:
  mutable std::mutex mu_;
  int64_t rows_ = 0;     // guarded by mu_
  int64_t total_ = 0;    // guarded by mu_
  int64_t done_ = 0;     // guarded by mu_
  int64_t running_ = 0;  // guarded by mu_
  int64_t seen_ = 0;     // guarded by mu_
  int64_t bytes_ = 0;    // guarded by mu_
  std::string step_;     // guarded by mu_

  using Clock = std::chrono::steady_clock;
  // Callers hold mu_.
  static constexpr size_t kNone = static_cast<size_t>(-1);
  size_t IndexOf(const char* what) {
    for (size_t i = 0; i < timing_.size(); ++i) {
      if (timing_[i].step == what) return i;
    }
    timing_.push_back(StepTime{.step = what});
    return timing_.size() - 1;
  }
  void StopClock() {
    if (timed_ != kNone)
      timing_[timed_].seconds += std::chrono::duration<double>(Clock::now() - started_).count();
    timed_ = kNone;
  }
  std::vector<StepTime> timing_;  // guarded by mu_
  size_t timed_ = kNone;          // the running step's index in timing_; guarded by mu_
  Clock::time_point started_;     // guarded by mu_
};

}  // namespace duckpart::ops

// What the progress line says, computed from the driver's snapshots (pure: no output,
// no clock), so that it can be proven: the percentage of a phase never goes back, it
// moves whenever any measure of the work moves, it is 100 only when the phase ended,
// and the ETA comes from the rows still to do at the rate seen so far.
//
//   ProgressModel model;
//   ProgressView v = model.Update(snapshot);   // while a phase runs
//   ProgressView v = model.Finish(snapshot);   // the phase ended: 100%
//
// The work done is the finished steps' rows plus the running step's share: the larger
// of what duckpart sees finished in it and DuckDB's fraction of its rows. Where that
// estimate goes back (a new query restarts DuckDB's fraction, or merges add work after
// the write), the percentage does not: what remains of the bar is spread over the work
// that remains from there. Known work fills kRunningShare of the bar.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "duckpart/operation.h"

namespace duckpart::cli {

// The share of the bar the known work of a running phase fills: the rest is kept for work
// found later (merges after a write, a phase's last steps), so that the bar still moves
// through it instead of standing at 99.9%.
inline constexpr double kRunningShare = 0.97;

struct ProgressView {
  Phase phase = Phase::kPlan;
  double seconds = 0;          // in this phase
  bool counted = false;        // the phase counts rows; otherwise only time passes
  double percent = 0;          // 0..100, non-decreasing within a phase
  int64_t rows_done = 0;       // rows written or verified (estimated inside a step)
  int64_t rows_total = 0;      // of the plan's rows
  int64_t bytes = 0;           // bytes written so far
  double rows_per_second = 0;  // rows of work per second, over the phase so far
  std::optional<double> eta;   // seconds still to go; nullopt while there is no rate
  std::string step;            // e.g. "pass 2/5"
};

class ProgressModel {
 public:
  // The view of a running phase. A snapshot of another phase than the last one starts
  // that phase afresh.
  ProgressView Update(const ProgressSnapshot& s);
  // The view of a phase that has ended: all its work done, 100%. Later snapshots of the
  // same phase (taken before it ended) return this view.
  ProgressView Finish(const ProgressSnapshot& s);

 private:
  // Work done in the snapshot's phase: finished steps plus the running one's share.
  static double WorkDone(const ProgressSnapshot& s);
  void Enter(Phase phase);

  bool started_ = false;
  Phase phase_ = Phase::kPlan;
  double shown_ = 0;         // the fraction shown last
  double last_raw_ = 0;      // the estimate of the last snapshot (work done / total)
  double anchor_shown_ = 0;  // where the bar stood when the estimate last went back
  double anchor_raw_ = 0;    // and the estimate then
  int64_t rows_shown_ = 0;
  int64_t bytes_shown_ = 0;
  std::optional<ProgressView> finished_;  // the phase ended with this view
};

// "45.2%  9,040,000 of 20,000,000 rows  182.0 MiB  2.1M rows/s  pass 2/5  3s  eta 5s",
// the text after the bar (the bar itself is drawn by the caller).
std::string DescribeProgress(const ProgressView& v);

// One plain line for a phase that ended, e.g.
// "write: 20,000,000 rows, 412.3 MiB in 3.2 s (6.3M rows/s)".
std::string DescribePhaseDone(const ProgressView& v);

}  // namespace duckpart::cli

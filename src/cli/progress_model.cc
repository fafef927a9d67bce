#include "cli/progress_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "util/format.h"

namespace duckpart::cli {
namespace {

// The most a running phase shows: 100% is kept for the phase's end.
constexpr double kMaxRunning = 0.999;

std::string Duration(double seconds) {
  if (seconds < 1) return "<1s";
  const auto s = static_cast<int64_t>(std::lround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

}  // namespace

double ProgressModel::WorkDone(const ProgressSnapshot& s) {
  if (s.work_total <= 0) return 0;
  const auto running = static_cast<double>(s.work_running);
  double share = static_cast<double>(s.work_seen);
  if (s.fraction) share = std::max(share, std::clamp(*s.fraction, 0.0, 1.0) * running);
  share = std::clamp(share, 0.0, running);
  return std::min(static_cast<double>(s.work_done) + share, static_cast<double>(s.work_total));
}

void ProgressModel::Enter(Phase phase) {
  *this = ProgressModel();
  started_ = true;
  phase_ = phase;
}

ProgressView ProgressModel::Update(const ProgressSnapshot& s) {
  if (!started_ || s.phase != phase_) Enter(s.phase);
  // A snapshot taken before the phase ended may arrive after it: the end stands.
  if (finished_) return *finished_;
  ProgressView v{.phase = s.phase, .seconds = s.phase_seconds, .step = s.step};
  v.counted = s.work_total > 0;
  const double done = WorkDone(s);
  if (v.counted) {
    const double raw = kRunningShare * done / static_cast<double>(s.work_total);
    if (raw < last_raw_) {  // the estimate went back: re-anchor what remains of the bar
      anchor_shown_ = shown_;
      anchor_raw_ = raw;
    }
    last_raw_ = raw;
    const double display =
        anchor_raw_ >= 1
            ? shown_
            : anchor_shown_ + (1 - anchor_shown_) * (raw - anchor_raw_) / (1 - anchor_raw_);
    shown_ = std::min(std::max(shown_, display), kMaxRunning);
    if (s.phase_seconds > 0) v.rows_per_second = done / s.phase_seconds;
    if (v.rows_per_second > 0 && done > 0)
      v.eta = (static_cast<double>(s.work_total) - done) / v.rows_per_second;
  }
  v.percent = shown_ * 100;
  rows_shown_ = std::max(rows_shown_, std::min(static_cast<int64_t>(done), s.rows_total));
  bytes_shown_ = std::max(bytes_shown_, s.bytes_written);
  v.rows_done = rows_shown_;
  v.rows_total = s.rows_total;
  v.bytes = bytes_shown_;
  return v;
}

ProgressView ProgressModel::Finish(const ProgressSnapshot& s) {
  ProgressView v = Update(s);
  v.percent = 100;
  v.rows_done = s.rows_total;
  v.eta = 0;
  v.step.clear();
  if (s.phase_seconds > 0) v.rows_per_second = static_cast<double>(s.rows_total) / s.phase_seconds;
  shown_ = 1;
  finished_ = v;
  return v;
}

std::string DescribeProgress(const ProgressView& v) {
  std::string out;
  if (v.counted) {
    out = fmt::format("{:5.1f}%  {} of {} rows", v.percent, util::FormatCount(v.rows_done),
                      util::FormatCount(v.rows_total));
    if (v.bytes > 0) out += "  " + util::FormatBytes(v.bytes);
    if (v.rows_per_second > 0)
      out += "  " + util::FormatCount(std::llround(v.rows_per_second)) + " rows/s";
  }
  if (!v.step.empty()) out += (out.empty() ? "" : "  ") + v.step;
  out += (out.empty() ? "" : "  ") + Duration(v.seconds);
  if (v.counted && v.percent < 100) out += "  eta " + (v.eta ? Duration(*v.eta) : "?");
  return out;
}

std::string DescribePhaseDone(const ProgressView& v) {
  std::string out = std::string(PhaseName(v.phase)) + ":";
  if (v.counted) {
    out += " " + util::FormatCount(v.rows_total) + " rows";
    if (v.bytes > 0) out += ", " + util::FormatBytes(v.bytes);
  }
  out += fmt::format("{} in {:.1f} s", v.counted ? "" : " done", v.seconds);
  if (v.counted && v.rows_per_second > 0)
    out += " (" + util::FormatCount(std::llround(v.rows_per_second)) + " rows/s)";
  return out;
}

}  // namespace duckpart::cli

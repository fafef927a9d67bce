#include "cli/progress.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

#include "cli/command.h"
#include "db/database.h"

namespace duckpart::cli {
namespace {

CancelToken g_cancel;

extern "C" void OnSignal(int) { g_cancel.Cancel(); }

constexpr int kWidth = 30;

// Columns of the terminal on stderr (80 when it cannot tell).
size_t TerminalWidth() {
  struct winsize ws {};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return 80;
}

void DrawBar(const char* phase, double secs, std::optional<double> fraction) {
  if (fraction) {
    const int done = static_cast<int>(*fraction * kWidth);
    // No ETA before there is a rate to tell it from (never "eta 0s" at 0%).
    const std::string eta =
        *fraction > 0.01 ? fmt::format("{:.0f}s", secs / *fraction - secs) : std::string("?");
    std::fprintf(stderr, "\r\033[K%-8s [%s%s] %5.1f%%  %.0fs  eta %s", phase,
                 std::string(static_cast<size_t>(done), '#').c_str(),
                 std::string(static_cast<size_t>(kWidth - done), '.').c_str(), *fraction * 100,
                 secs, eta.c_str());
  } else {
    std::fprintf(stderr, "\r\033[K%-8s %.0fs", phase, secs);
  }
  std::fflush(stderr);
}

}  // namespace

SignalCancel::SignalCancel() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

SignalCancel::~SignalCancel() {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

const CancelToken& SignalCancel::token() const { return g_cancel; }

ProgressLine::Mode ProgressModeFor(bool quiet, bool json) {
  if (quiet || json) return ProgressLine::Mode::kNone;
  return StderrIsTerminal() ? ProgressLine::Mode::kTerminal : ProgressLine::Mode::kLines;
}

OperationControl LineControl(ProgressLine& line, SignalCancel& signals, int max_attempts) {
  return OperationControl{
      .cancel = &signals.token(),
      .on_progress = [&line](const ProgressSnapshot& s) { line.Draw(s); },
      .on_phase_done = [&line](const ProgressSnapshot& s) { line.PhaseDone(s); },
      .on_warning = [&line](const std::string& w) { line.Warn(w); },
      .max_attempts = max_attempts};
}

void ProgressLine::Draw(const ProgressSnapshot& s) {
  if (mode_ != Mode::kTerminal) return;
  std::lock_guard<std::mutex> lock(mu_);
  DrawLocked(model_.Update(s));
}

void ProgressLine::PhaseDone(const ProgressSnapshot& s) {
  if (mode_ == Mode::kNone) return;
  std::lock_guard<std::mutex> lock(mu_);
  const ProgressView v = model_.Finish(s);
  if (mode_ == Mode::kTerminal) {
    DrawLocked(v);
  } else {
    std::fprintf(stderr, "duckpart: %s\n", DescribePhaseDone(v).c_str());
    std::fflush(stderr);
  }
}

void ProgressLine::DrawLocked(const ProgressView& v) {
  static constexpr const char* kSpin = "|/-\\";
  std::string line = fmt::format("{:<7}", PhaseName(v.phase));
  if (v.counted) {
    const int done = std::clamp(static_cast<int>(v.percent / 100 * kWidth), 0, kWidth);
    line += " [" + std::string(static_cast<size_t>(done), '#') +
            std::string(static_cast<size_t>(kWidth - done), '.') + "] ";
  } else {
    line += fmt::format(" {} ", kSpin[frame_++ % 4]);
  }
  line += DescribeProgress(v);
  const size_t width = TerminalWidth();
  if (line.size() >= width) line.resize(width - 1);  // a wrapped line could not be redrawn
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::Warn(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "duckpart: warning: %s\n", line.c_str());
}

void ProgressLine::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

ProgressReporter::ProgressReporter(db::Connection& conn, bool show) : conn_(conn), show_(show) {
  thread_ = std::thread([this] { Loop(); });
}

ProgressReporter::~ProgressReporter() {
  stop_ = true;
  thread_.join();
  if (show_) std::fprintf(stderr, "\r\033[K");
}

bool ProgressReporter::Interrupted() { return g_cancel.cancelled(); }

void ProgressReporter::Phase(const std::string& name) {
  // A Ctrl-C that arrived between queries interrupted none of them; no later phase
  // (publish included) may start after it.
  if (Interrupted()) throw db::DbError(db::ErrorKind::kInterrupt, "interrupted before " + name);
  std::lock_guard<std::mutex> lock(mu_);
  phase_ = name;
  phase_start_ = std::chrono::steady_clock::now();
  shown_ = 0;
}

void ProgressReporter::Loop() {
  while (!stop_) {
    // Repeated while the command runs: DuckDB forgets an interrupt that arrives between
    // two queries, and the next query must be stopped too.
    if (Interrupted()) conn_.Interrupt();
    if (show_) Draw();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void ProgressReporter::Draw() {
  const std::optional<double> progress = conn_.Progress();
  std::string phase;
  double secs;
  std::optional<double> fraction;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (phase_.empty()) return;
    phase = phase_;
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - phase_start_).count();
    // A phase of several queries restarts DuckDB's fraction with each: never show it going back.
    if (progress) shown_ = std::max(shown_, std::clamp(*progress, 0.0, 1.0));
    if (progress || shown_ > 0) fraction = shown_;
  }
  DrawBar(phase.c_str(), secs, fraction);
}

}  // namespace duckpart::cli

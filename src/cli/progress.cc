#include "cli/progress.h"

#include <fmt/format.h>

#include <csignal>
#include <cstdio>

#include "db/database.h"

namespace duckpart::cli {
namespace {

CancelToken g_cancel;

extern "C" void OnSignal(int) { g_cancel.Cancel(); }

constexpr int kWidth = 30;

void DrawBar(const char* phase, double secs, std::optional<double> fraction) {
  if (fraction) {
    const int done = static_cast<int>(*fraction * kWidth);
    const double eta = *fraction > 0.01 ? secs / *fraction - secs : 0;
    std::fprintf(stderr, "\r\033[K%-8s [%s%s] %5.1f%%  %.0fs  eta %.0fs", phase,
                 std::string(static_cast<size_t>(done), '#').c_str(),
                 std::string(static_cast<size_t>(kWidth - done), '.').c_str(), *fraction * 100,
                 secs, eta);
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

void ProgressLine::Draw(const ProgressSnapshot& s) {
  if (!show_) return;
  std::lock_guard<std::mutex> lock(mu_);
  DrawBar(PhaseName(s.phase), s.phase_seconds, s.fraction);
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
  std::string phase;
  double secs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (phase_.empty()) return;
    phase = phase_;
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - phase_start_).count();
  }
  DrawBar(phase.c_str(), secs, conn_.Progress());
}

}  // namespace duckpart::cli

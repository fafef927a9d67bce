#include "cli/progress.h"

#include <csignal>
#include <cstdio>
#include <fmt/format.h>

#include "db/database.h"

namespace duckpart::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnSigint(int) { g_interrupted = true; }

}  // namespace

ProgressReporter::ProgressReporter(db::Connection& conn, bool show) : conn_(conn), show_(show) {
  struct sigaction sa {};
  sa.sa_handler = OnSigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  thread_ = std::thread([this] { Loop(); });
}

ProgressReporter::~ProgressReporter() {
  stop_ = true;
  thread_.join();
  if (show_) std::fprintf(stderr, "\r\033[K");
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

bool ProgressReporter::Interrupted() { return g_interrupted; }

void ProgressReporter::Phase(const std::string& name) {
  // A Ctrl-C that arrived between queries interrupted none of them; no later phase
  // (publish included) may start after it.
  if (g_interrupted) throw db::DbError(db::ErrorKind::kInterrupt, "interrupted before " + name);
  std::lock_guard<std::mutex> lock(mu_);
  phase_ = name;
  phase_start_ = std::chrono::steady_clock::now();
}

void ProgressReporter::Loop() {
  while (!stop_) {
    // Repeated while the command runs: DuckDB forgets an interrupt that arrives between
    // two queries, and the next query must be stopped too.
    if (g_interrupted) conn_.Interrupt();
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
  const auto p = conn_.Progress();
  constexpr int kWidth = 30;
  if (p) {
    const int done = static_cast<int>(*p * kWidth);
    const double eta = *p > 0.01 ? secs / *p - secs : 0;
    std::fprintf(stderr, "\r\033[K%-8s [%s%s] %5.1f%%  %.0fs  eta %.0fs", phase.c_str(),
                 std::string(static_cast<size_t>(done), '#').c_str(),
                 std::string(static_cast<size_t>(kWidth - done), '.').c_str(), *p * 100, secs, eta);
  } else {
    std::fprintf(stderr, "\r\033[K%-8s %.0fs", phase.c_str(), secs);
  }
  std::fflush(stderr);
}

}  // namespace duckpart::cli

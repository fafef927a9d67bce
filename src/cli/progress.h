// A progress line on stderr while a long query runs, and Ctrl-C handling: SIGINT
// interrupts the running DuckDB query and every later one, and Phase() refuses to start
// a new phase (the command then cleans up and fails with an interrupt error); the
// progress line is drawn only on a terminal.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace duckpart::db {
class Connection;
}

namespace duckpart::cli {

class ProgressReporter {
 public:
  // `show` false: no output, but Ctrl-C still interrupts.
  ProgressReporter(db::Connection& conn, bool show);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // Marks the start of a phase. Throws db::DbError (ErrorKind::kInterrupt) once Ctrl-C
  // was pressed, so that no phase starts after it.
  void Phase(const std::string& name);
  // True once Ctrl-C was pressed.
  static bool Interrupted();

 private:
  void Loop();
  void Draw();

  db::Connection& conn_;
  const bool show_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::string phase_;  // guarded by mu_
  std::chrono::steady_clock::time_point phase_start_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace duckpart::cli

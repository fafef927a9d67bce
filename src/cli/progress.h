// What a person sees while a long command runs, and Ctrl-C.
//
// SignalCancel: while it lives, SIGINT and SIGTERM cancel one CancelToken (the driver
// then interrupts DuckDB and stops before the next phase).
// ProgressLine: draws the driver's progress snapshots on one line of stderr (only on a
// terminal).
// ProgressReporter: the same for commands that do not run through the driver yet
// (backup, restore, the demo): it interrupts its connection once Ctrl-C was pressed.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "duckpart/operation.h"

namespace duckpart::db {
class Connection;
}

namespace duckpart::cli {

class SignalCancel {
 public:
  SignalCancel();
  ~SignalCancel();
  SignalCancel(const SignalCancel&) = delete;
  SignalCancel& operator=(const SignalCancel&) = delete;
  // The token SIGINT and SIGTERM cancel (one for the whole process).
  const CancelToken& token() const;
};

class ProgressLine {
 public:
  explicit ProgressLine(bool show) : show_(show) {}
  ~ProgressLine() { Clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Redraws the line (thread-safe).
  void Draw(const ProgressSnapshot& snapshot);
  // Prints a warning on a line of its own, above the progress line.
  void Warn(const std::string& line);
  // Clears the line.
  void Clear();

 private:
  const bool show_;
  std::mutex mu_;
  bool drawn_ = false;  // guarded by mu_
};

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
  SignalCancel signals_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::string phase_;                                  // guarded by mu_
  std::chrono::steady_clock::time_point phase_start_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace duckpart::cli

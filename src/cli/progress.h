// What a person sees while a long command runs, and Ctrl-C.
//
// SignalCancel: while it lives, SIGINT and SIGTERM cancel one CancelToken (the driver
// then interrupts DuckDB and stops before the next phase).
// ProgressLine: draws the driver's progress snapshots as a bar on one line of stderr
// on a terminal (cli/progress_model.h says what it shows), or one plain line per phase.
// ProgressReporter: the same for commands that do not run through the driver yet
// (backup, restore, the demo): it interrupts its connection once Ctrl-C was pressed.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "cli/progress_model.h"
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
  enum class Mode {
    kNone,      // nothing (--quiet, --json)
    kTerminal,  // a bar on one line of stderr, redrawn in place
    kLines,     // one plain line per phase as it ends (stderr is not a terminal)
  };
  explicit ProgressLine(Mode mode) : mode_(mode) {}
  ~ProgressLine() { Clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Redraws the line from a running phase's snapshot (thread-safe).
  void Draw(const ProgressSnapshot& snapshot);
  // A phase ended: the terminal's bar shows its 100%; kLines prints its line.
  void PhaseDone(const ProgressSnapshot& snapshot);
  // Prints a warning on a line of its own, above the progress line.
  void Warn(const std::string& line);
  // Clears the line.
  void Clear();

 private:
  void DrawLocked(const ProgressView& view);

  const Mode mode_;
  std::mutex mu_;
  ProgressModel model_;  // guarded by mu_
  bool drawn_ = false;   // guarded by mu_
  int frame_ = 0;        // guarded by mu_
};

// The progress mode for a command's global flags and its stderr.
ProgressLine::Mode ProgressModeFor(bool quiet, bool json);

// The control of a writing command: cancelled by `signals`, its progress and warnings drawn
// on `line` (which must outlive the operation), retried up to `max_attempts`.
OperationControl LineControl(ProgressLine& line, SignalCancel& signals, int max_attempts);

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
  double shown_ = 0;                                   // guarded by mu_: the fraction shown
  std::thread thread_;
};

}  // namespace duckpart::cli

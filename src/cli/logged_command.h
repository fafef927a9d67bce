// What the writing commands (run, append, retain, repartition) share for --log-file: the
// option, an OperationControl that draws progress and logs every phase and warning, and
// the log's last line (done or failed) around the command's work.
//
//   RunLog log(args.log_file);
//   log.Start("append", {{"target", dir}});
//   return Logged(log, signals, [&] { ...; return result_json; });   // the done line
#pragma once

#include <CLI/CLI.hpp>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/failure.h"
#include "cli/progress.h"
#include "cli/run_log.h"
#include "duckpart/operation.h"

namespace duckpart::cli {

// Adds --log-file FILE (the configuration's log_file) to `sub`.
void AddLogFileOption(CLI::App& sub, std::string& path);

// LineControl (cli/progress.h) that also writes each finished phase and each warning to `log`.
OperationControl LoggedControl(ProgressLine& line, SignalCancel& signals, RunLog& log,
                               int max_attempts);

// Calls `work` (which returns the command's --json result), writes the log's done line with
// it and returns 0; when `work` throws, writes the failed line and rethrows.
template <typename Work>
int Logged(RunLog& log, const SignalCancel& signals, Work&& work) {
  try {
    log.Done(work());
  } catch (...) {
    log.Failed(DescribeFailure(std::current_exception(), signals.token().cancelled()));
    throw;
  }
  return 0;
}

}  // namespace duckpart::cli

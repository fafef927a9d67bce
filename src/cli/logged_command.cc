#include "cli/logged_command.h"

namespace duckpart::cli {

void AddLogFileOption(CLI::App& sub, std::string& path) {
  sub.add_option("--log-file", path,
                 "Append one JSON line per phase and per warning (and one at the start and the "
                 "end) to FILE, for unattended runs");
}

OperationControl LoggedControl(ProgressLine& line, SignalCancel& signals, RunLog& log,
                               int max_attempts) {
  OperationControl control = LineControl(line, signals, max_attempts);
  control.on_phase_done = [&line, &log](const ProgressSnapshot& s) {
    line.PhaseDone(s);
    log.Phase(s);
  };
  control.on_warning = [&line, &log](const std::string& w) {
    line.Warn(w);
    log.Warning(w);
  };
  return control;
}

}  // namespace duckpart::cli

// Running a measured child: fork, exec, wait4 with a timeout, and what the kernel says the
// child used (wall time from fork to exit, peak RSS, user and system CPU seconds).
//
//   ProcResult p = RunProcess({"/bin/true"}, "out.txt", "err.txt", 60);
//   if (p.exit_code == 0) use(p.wall_s, p.maxrss_bytes, p.cpu_s());
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace bench {

struct ProcResult {
  bool started = false;
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  bool timed_out = false;
  bool interrupted = false;
  double wall_s = 0;
  int64_t maxrss_bytes = 0;  // ru_maxrss of the child (its largest process)
  double user_s = 0, sys_s = 0;
  // CPU seconds of the child and its waited-for descendants: user + system.
  double cpu_s() const { return user_s + sys_s; }
};

// Makes SIGINT and SIGTERM set the interrupted flag instead of ending the harness.
void InstallInterruptHandlers();

// Whether SIGINT or SIGTERM arrived since InstallInterruptHandlers().
bool Interrupted();

// Runs argv (argv[0] a path) in its own process group with stdin from /dev/null and
// stdout/stderr to the files; waits up to timeout_s, then kills the group. On interrupt the
// child is killed too. Never throws; started is false when fork failed.
ProcResult RunProcess(const std::vector<std::string>& argv, const std::filesystem::path& out_file,
                      const std::filesystem::path& err_file, double timeout_s);

// The last line of the file parsed as JSON; nullopt when it is missing or not JSON.
std::optional<nlohmann::json> ParseLastJsonLine(const std::filesystem::path& p);

// This process's resident set size in KiB (VmRSS), 0 when unknown.
int64_t SelfRssKb();

// The 1-minute load average.
double LoadAverage1();

}  // namespace bench

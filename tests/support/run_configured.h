// Runs the duckpart binary in a chosen folder with a chosen environment (HOME, XDG and
// DUCKPART_* variables of the test process removed) and optionally a lower open-file limit.
//
//   RunResult r = RunConfigured({.cwd = dir / "project", .env = {"DUCKPART_THREADS=2"}},
//                               {"config", "--json"});
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "support/run_binary.h"

extern char** environ;

namespace duckpart::testing {

struct RunSetup {
  std::string cwd;               // "" = the test's working folder
  std::vector<std::string> env;  // "NAME=value" added to the cleaned environment
  long open_files = -1;          // soft RLIMIT_NOFILE for the child; -1 = unchanged
};

inline std::vector<std::string> CleanEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (entry.rfind("DUCKPART_", 0) == 0 || entry.rfind("HOME=", 0) == 0 ||
        entry.rfind("XDG_CONFIG_HOME=", 0) == 0) {
      continue;
    }
    env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

inline RunResult RunConfigured(const RunSetup& setup, const std::vector<std::string>& args) {
  TempDir io;
  std::vector<std::string> env = CleanEnvironment(setup.env);
  std::vector<char*> envp, argv;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string binary = DUCKPART_BINARY;
  std::vector<std::string> args_copy = args;
  argv.push_back(binary.data());
  for (auto& a : args_copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out = io / "out", err = io / "err";
  const pid_t pid = fork();
  if (pid == 0) {
    if (!setup.cwd.empty() && chdir(setup.cwd.c_str()) != 0) _exit(126);
    if (setup.open_files >= 0) {
      struct rlimit limit {};
      getrlimit(RLIMIT_NOFILE, &limit);
      limit.rlim_cur = static_cast<rlim_t>(setup.open_files);
      if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(126);
    }
    const int in_fd = open("/dev/null", O_RDONLY);
    const int out_fd = open(out.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    const int err_fd = open(err.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

}  // namespace duckpart::testing

// Runs the duckpart binary as a child process and captures what it prints. Every wait
// is bounded: a child still running after kRunTimeout is killed (SIGKILL) and reported
// as such, so a broken interrupt or a stuck run fails its test instead of hanging it.
//
//   RunResult r = RunDuckpart({"plan", "--db", db, "--table", "events", "--by", "month(ts)"});
//   ChildRun c = SpawnDuckpart(args, dir / "out", dir / "err");
//   ChildExit e = WaitBounded(c.pid, kRunTimeout);  // e.rusage.ru_maxrss: the child's peak RSS
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

extern char** environ;

namespace duckpart::testing {

// No single child run of a test may take longer than this (ctest's per-test TIMEOUT in
// tests/CMakeLists.txt bounds the whole test the same way).
inline constexpr std::chrono::seconds kRunTimeout{60};
// The bound of one run in the heavy trials (tests/CMakeLists.txt: kTrials), whose runs
// write tens of thousands of files.
inline constexpr std::chrono::seconds kTrialRunTimeout{600};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Starts DUCKPART_BINARY with args (each one argument, never re-split), stdin from
// /dev/null, stdout and stderr to the given files. Returns the child's pid; throws
// std::runtime_error when it cannot start.
inline pid_t SpawnDuckpart(const std::vector<std::string>& args, const std::string& out_path,
                           const std::string& err_path, const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv_s{DUCKPART_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // The process's environment plus `env` ("NAME=value" each).
  std::vector<std::string> env_s(env);
  for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv_s[0].c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("posix_spawn of " + argv_s[0] + " failed");
  return pid;
}

struct ChildExit {
  int exit_code = -1;       // the exit code, or 128 + signal when a signal ended the child
  bool timed_out = false;   // killed by WaitBounded after the timeout
  struct rusage rusage {};  // the child's resource use (ru_maxrss: peak RSS in KiB)
};

// Blocks until the child exits (no polling: a pidfd wakes the wait), at most `timeout`;
// past it the child is killed with SIGKILL and timed_out is set. Reaps the child.
inline ChildExit WaitBounded(pid_t pid, std::chrono::milliseconds timeout) {
  ChildExit e;
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    struct pollfd p {
      pidfd, POLLIN, 0
    };
    int r = 0;
    while ((r = ::poll(&p, 1, static_cast<int>(timeout.count()))) < 0 && errno == EINTR) {
    }
    ::close(pidfd);
    if (r == 0) {
      ::kill(pid, SIGKILL);
      e.timed_out = true;
    }
  }
  int status = 0;
  while (::wait4(pid, &status, 0, &e.rusage) < 0 && errno == EINTR) {
  }
  e.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return e;
}

// Runs DUCKPART_BINARY with args to its end (at most kRunTimeout) and returns its exit
// code and output; a run killed at the timeout says so at the end of `err`.
inline RunResult RunDuckpart(const std::vector<std::string>& args,
                             const std::vector<std::string>& env = {}) {
  TempDir io;
  const ChildExit e = WaitBounded(SpawnDuckpart(args, io / "out", io / "err", env), kRunTimeout);
  RunResult r{e.exit_code, ReadFile(io / "out"), ReadFile(io / "err")};
  if (e.timed_out)
    r.err += "\n[test helper: killed after " + std::to_string(kRunTimeout.count()) + " s]\n";
  return r;
}

}  // namespace duckpart::testing

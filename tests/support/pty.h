// Runs the duckpart binary on a pseudo-terminal, as a person at a terminal would: its
// stdin, stdout and stderr are the terminal (forkpty), so isatty() is true for all three
// and the progress bar is drawn. Returns everything the terminal received. The run is
// bounded like RunDuckpart's (kRunTimeout); past it the child is killed.
//
//   PtyRun r = RunDuckpartOnPty({"run", "--db", db, "--table", "events", "--by", "day(ts)",
//                                "--to", dir / "out"});
//   r.exit_code; r.output;   // with "\r" and the ANSI erase sequences as drawn
#pragma once

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "support/run_binary.h"

namespace duckpart::testing {

struct PtyRun {
  int exit_code = -1;
  bool timed_out = false;
  std::string output;
};

inline PtyRun RunDuckpartOnPty(const std::vector<std::string>& args, int columns = 200) {
  std::vector<std::string> argv_s{DUCKPART_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  struct winsize size {};
  size.ws_row = 50;
  size.ws_col = static_cast<unsigned short>(columns);
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) throw std::runtime_error("forkpty failed");
  if (pid == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  PtyRun r;
  const auto deadline = std::chrono::steady_clock::now() + kRunTimeout;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      r.timed_out = true;
      break;
    }
    struct pollfd p {
      master, POLLIN, 0
    };
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    const ssize_t got = ::read(master, buf, sizeof buf);
    if (got > 0) {
      r.output.append(buf, static_cast<size_t>(got));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    break;  // EIO: every process holding the terminal has closed it
  }
  ::close(master);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace duckpart::testing

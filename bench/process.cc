#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iostream>

#include "text.h"

namespace bench {
namespace {

volatile sig_atomic_t g_interrupted = 0;
void OnSignal(int) { g_interrupted = 1; }

double TimevalSeconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

// In the forked child: own process group, redirections, exec. Never returns.
[[noreturn]] void ExecChild(std::vector<char*>& cargv, const fs::path& out_file,
                            const fs::path& err_file) {
  setpgid(0, 0);
  const int in = open("/dev/null", O_RDONLY);
  const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in >= 0) dup2(in, 0);
  if (out >= 0) dup2(out, 1);
  if (err >= 0) dup2(err, 2);
  execv(cargv[0], cargv.data());
  const char msg[] = "duckpart_bench: exec failed\n";
  (void)!write(2, msg, sizeof msg - 1);
  _exit(127);
}

// Waits for pid until it exits, the timeout passes or an interrupt arrives (then kills it).
void WaitFor(pid_t pid, Clock::time_point t0, double timeout_s, int* status, rusage* ru,
             ProcResult* r) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  for (;;) {
    if (wait4(pid, status, WNOHANG, ru) == pid) break;
    if (Since(t0) > timeout_s || g_interrupted) {
      r->timed_out = !g_interrupted;
      r->interrupted = g_interrupted != 0;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      wait4(pid, status, 0, ru);
      break;
    }
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      poll(&p, 1, 200);
    } else {
      usleep(1000);
    }
  }
  if (pidfd >= 0) close(pidfd);
}

}  // namespace

void InstallInterruptHandlers() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
}

bool Interrupted() { return g_interrupted != 0; }

ProcResult RunProcess(const std::vector<std::string>& argv, const fs::path& out_file,
                      const fs::path& err_file, double timeout_s) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  ProcResult r;
  std::cout.flush();
  std::cerr.flush();
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) return r;
  if (pid == 0) ExecChild(cargv, out_file, err_file);
  setpgid(pid, pid);
  r.started = true;
  int status = 0;
  rusage ru{};
  WaitFor(pid, t0, timeout_s, &status, &ru, &r);
  r.wall_s = Since(t0);
  kill(-pid, SIGKILL);  // anything the child left running in its group
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.maxrss_bytes = static_cast<int64_t>(ru.ru_maxrss) * 1024;
  r.user_s = TimevalSeconds(ru.ru_utime);
  r.sys_s = TimevalSeconds(ru.ru_stime);
  return r;
}

std::optional<nlohmann::json> ParseLastJsonLine(const fs::path& p) {
  const std::string line = LastLine(ReadFile(p));
  if (line.empty()) return std::nullopt;
  try {
    return nlohmann::json::parse(line);
  } catch (...) {
    return std::nullopt;
  }
}

int64_t SelfRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

double LoadAverage1() {
  std::ifstream in("/proc/loadavg");
  double v = 0;
  in >> v;
  return v;
}

}  // namespace bench

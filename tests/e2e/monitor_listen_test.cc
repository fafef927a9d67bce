// `duckpart monitor --listen` over loopback with a real HTTP client (httplib's): /metrics and
// /health (200, 503 on a critical check), re-checks every interval, a clean stop on SIGTERM
// and SIGINT; in process, the service itself, and a Monitor's memory over 1,000 cycles.
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "duckpart/monitor.h"
#include "monitor/http_service.h"
#include "support/dataset.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

using nlohmann::json;
constexpr std::chrono::seconds kLineTimeout{30};

const std::vector<std::string> kCalm = {"DUCKPART_SMALL_FILE_SIZE=1B", "DUCKPART_FREE_SPACE_MIN=1B",
                                        "DUCKPART_FREE_SPACE_CRITICAL=1B"};

MonitorThresholds CalmThresholds() {
  return {.small_file_size = 1, .free_space_min = 1, .free_space_critical = 1};
}

std::string MakeDataset(const TempDir& dir, int rows) {
  const std::string db = MakeDemo(dir / "src", rows);
  const std::string ds = dir / "ds";
  const RunResult r = RunDuckpart(
      {"run", "--db", db, "--table", "events", "--by", "bucket(4, id)", "--to", ds, "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return ds;
}

// The binary with stdout and stderr on pipes, so the test reads its lines as they come.
class PipedChild {
 public:
  PipedChild(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    int out[2], err[2];
    if (::pipe(out) != 0 || ::pipe(err) != 0) throw std::runtime_error("pipe");
    std::vector<std::string> argv_s{DUCKPART_BINARY};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s(env);
    for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
    for (int fd : {out[0], out[1], err[0], err[1]}) posix_spawn_file_actions_addclose(&fa, fd);
    const int rc = posix_spawn(&pid_, argv_s[0].c_str(), &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
    if (rc != 0) throw std::runtime_error("posix_spawn failed");
  }
  ~PipedChild() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      WaitBounded(pid_, kRunTimeout);
    }
    ::close(out_);
    ::close(err_);
  }
  PipedChild(const PipedChild&) = delete;
  PipedChild& operator=(const PipedChild&) = delete;

  // The next line of stdout (or stderr), waiting at most kLineTimeout; "" at its end.
  std::string OutLine() { return Line(out_, out_buf_); }
  std::string ErrLine() { return Line(err_, err_buf_); }
  void Signal(int sig) { ::kill(pid_, sig); }
  int Wait() {
    reaped_ = true;
    return WaitBounded(pid_, kRunTimeout).exit_code;
  }
  // Whatever is left on stderr after the child exited.
  std::string RestOfErr() {
    std::string all = err_buf_;
    for (std::string l; !(l = ErrLine()).empty();) all += l + "\n";
    return all;
  }

 private:
  static std::string Line(int fd, std::string& buf) {
    const auto deadline = std::chrono::steady_clock::now() + kLineTimeout;
    for (;;) {
      const size_t nl = buf.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      struct pollfd p {
        fd, POLLIN, 0
      };
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
      char chunk[4096];
      const ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n <= 0) return "";
      buf.append(chunk, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  std::string out_buf_, err_buf_;
  bool reaped_ = false;
};

// The port of "duckpart monitor: listening on http://127.0.0.1:PORT ...", or -1.
int PortOf(const std::string& line) {
  const std::string mark = "http://127.0.0.1:";
  const size_t at = line.find(mark);
  return at == std::string::npos ? -1 : std::atoi(line.c_str() + at + mark.size());
}

httplib::Client Client(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(10);
  c.set_read_timeout(10);
  return c;
}

TEST(MonitorListen, ServesMetricsAndHealthRechecksAndStopsCleanlyOnSigterm) {
  TempDir dir;
  const std::string ds = MakeDataset(dir, 1000);
  PipedChild child({"monitor", ds, "--listen", "127.0.0.1:0", "--interval", "1s", "--json"}, kCalm);
  const std::string listening = child.ErrLine();
  const int port = PortOf(listening);
  ASSERT_GT(port, 0) << listening;
  const json first = json::parse(child.OutLine());
  EXPECT_EQ(first["cycle"], 1);
  httplib::Client c = Client(port);
  const auto health = c.Get("/health");
  ASSERT_TRUE(health) << "httplib error " << static_cast<int>(health.error());
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body)["status"], "ok");
  // The next cycle comes by itself, one interval later.
  const json second = json::parse(child.OutLine());
  EXPECT_EQ(second["cycle"], 2);
  const auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->get_header_value("Content-Type").find("version=0.0.4"), std::string::npos);
  EXPECT_NE(metrics->body.find("duckpart_rows{target=\"" + ds + "\",kind=\"parquet\"} 1000"),
            std::string::npos)
      << metrics->body;
  EXPECT_EQ(metrics->body.find("duckpart_monitor_cycles_total 1\n"), std::string::npos);
  EXPECT_EQ(c.Get("/other")->status, 404);
  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(), 0);
  EXPECT_NE(child.RestOfErr().find("stopped by SIGTERM"), std::string::npos);
}

TEST(MonitorListen, HealthIs503WhileACheckIsCriticalAndSigintStopsWithZero) {
  TempDir dir;
  const std::string ds = MakeDataset(dir, 500);
  PipedChild child({"monitor", ds, "--listen", "127.0.0.1:0", "--quiet"},
                   {"DUCKPART_FREE_SPACE_MIN=1000TB", "DUCKPART_FREE_SPACE_CRITICAL=1000TB"});
  const int port = PortOf(child.ErrLine());
  ASSERT_GT(port, 0);
  httplib::Client c = Client(port);
  const auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 503);
  EXPECT_EQ(json::parse(health->body)["status"], "critical");
  child.Signal(SIGINT);
  EXPECT_EQ(child.Wait(), 0);
}

TEST(MonitorListen, AnAddressNotOfThisMachineIsBadInput) {
  TempDir dir;
  const std::string ds = MakeDataset(dir, 500);
  // 203.0.113.1 is TEST-NET-3 (RFC 5737): never an address of this machine.
  const RunResult r = RunDuckpart({"monitor", ds, "--listen", "203.0.113.1:0"}, kCalm);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cannot listen there"), std::string::npos) << r.err;
}

TEST(MonitorService, AnswersFromTheLastPublishedReport) {
  TempDir dir;
  const std::string ds = MakeDataset(dir, 1000);
  Monitor calm(MonitorOptions{.targets = {{.dir = ds}}, .thresholds = CalmThresholds()});
  MonitorThresholds full = CalmThresholds();
  full.free_space_min = full.free_space_critical = int64_t{1} << 60;
  Monitor critical(MonitorOptions{.targets = {{.dir = ds}}, .thresholds = full});
  monitor::MonitorService http(monitor::ListenAddress{.host = "127.0.0.1", .port = 0});
  http.Publish(calm.Check());
  http.Start();
  httplib::Client c = Client(http.port());
  EXPECT_EQ(c.Get("/health")->status, 200);
  http.Publish(critical.Check());
  const auto res = c.Get("/health");
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(json::parse(res->body)["targets"][0]["status"], "critical");
  http.Stop();
  EXPECT_FALSE(c.Get("/health")) << "served after Stop()";
}

int64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

TEST(MonitorMemory, AThousandCyclesOverParquetAndTablesKeepRssFlat) {
  TempDir dir;
  const std::string ds = MakeDataset(dir, 2000);
  const std::string tables = dir / "parts.db";
  ASSERT_EQ(RunDuckpart({"run", "--db", dir / "src/demo.db", "--table", "events", "--by",
                         "bucket(4, id)", "--to-db", tables, "--quiet"})
                .exit_code,
            0);
  Monitor monitor(MonitorOptions{.targets = {{.dir = ds}, {.database = tables}},
                                 .thresholds = CalmThresholds(),
                                 .engine = {.memory_limit = "256MB", .threads = 1}});
  auto cycle = [&] {
    const MonitorReport r = monitor.Check();
    ASSERT_EQ(r.Worst(), Health::kOk) << ToJson(r).dump();
    ASSERT_FALSE(ToPrometheus(r).empty());
  };
  for (int i = 0; i < 50; ++i) cycle();  // warm-up: DuckDB's caches, the allocator's arenas
  const int64_t before = RssBytes();
  for (int i = 0; i < 1000; ++i) cycle();
  const int64_t growth = RssBytes() - before;
  RecordProperty("rss_growth_bytes", std::to_string(growth));
  std::printf("RSS over 1,000 cycles: %lld -> %lld bytes (growth %lld)\n",
              static_cast<long long>(before), static_cast<long long>(before + growth),
              static_cast<long long>(growth));
  EXPECT_LT(growth, 8 << 20) << "a leak of about " << growth / 1000 << " bytes per cycle";
}

}  // namespace
}  // namespace duckpart::testing

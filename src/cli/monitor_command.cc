// duckpart monitor: health checks of datasets with alerts; human text, --json, a Prometheus
// file (--prometheus FILE), or an HTTP endpoint that keeps running (--listen HOST:PORT).
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/config_options.h"
#include "config/value_rules.h"
#include "duckpart/config.h"
#include "duckpart/error.h"
#include "duckpart/monitor.h"
#include "monitor/http_service.h"

namespace duckpart::cli {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kMaxInterval = 86400;

struct MonitorArgs {
  std::vector<std::string> dirs;
  std::string to_db, schema, prometheus, listen;
  std::string interval = "60s";
  bool deep = false;
  EngineOptions engine{.memory_limit = "256MB", .threads = 1};
};

MonitorOptions Options(const MonitorArgs& a, const Config& config) {
  if (!a.schema.empty() && a.to_db.empty()) throw InputError("--schema needs --to-db FILE");
  MonitorOptions o{.thresholds = ThresholdsFromConfig(config), .deep = a.deep, .engine = a.engine};
  for (const auto& d : a.dirs) o.targets.push_back({.dir = d});
  if (!a.to_db.empty()) o.targets.push_back({.database = a.to_db, .schema = a.schema});
  return o;
}

void CheckPrometheusPath(const std::string& path) {
  if (path.empty()) return;
  const fs::path parent = fs::absolute(path).parent_path();
  if (!fs::is_directory(parent))
    throw InputError("--prometheus " + path + ": the folder " + parent.string() +
                     " does not exist");
  if (fs::is_directory(path))
    throw InputError("--prometheus " + path +
                     " is a folder; give a file name such as duckpart.prom");
}

int64_t IntervalSeconds(const std::string& text) {
  const auto s = config::ParseSeconds(text);
  if (!s || *s < 1 || *s > kMaxInterval)
    throw InputError("--interval '" + text + "': give a duration from 1s to 1d (e.g. 30s, 5m)");
  return *s;
}

void PrintReport(const MonitorReport& r) {
  int counts[3] = {0, 0, 0};
  for (const auto& t : r.targets) {
    std::cout << t.target << " (" << t.kind;
    if (t.readable)
      std::cout << fmt::format(", version {}): {} partitions, {} rows{}", t.version,
                               FormatCount(t.partitions), FormatCount(t.rows),
                               t.bytes ? ", " + FormatBytes(*t.bytes) : "");
    else
      std::cout << ")";
    std::cout << ": " << HealthName(t.Worst()) << "\n";
    for (const auto& c : t.checks) {
      ++counts[static_cast<int>(c.health)];
      std::cout << fmt::format("  {:<9} {:<12} {}\n", HealthName(c.health), c.name, c.detail);
      if (!c.advice.empty()) std::cout << fmt::format("  {:<9} {:<12} -> {}\n", "", "", c.advice);
    }
  }
  std::cout << fmt::format("{} target{}: {} ok, {} warning, {} critical\n", r.targets.size(),
                           r.targets.size() == 1 ? "" : "s", counts[0], counts[1], counts[2]);
}

void Emit(const MonitorReport& r, const MonitorArgs& args, const GlobalOptions& global) {
  if (!args.prometheus.empty()) WriteFileAtomically(args.prometheus, ToPrometheus(r));
  if (global.json) {
    PrintJson(ToJson(r));
  } else if (!global.quiet || args.listen.empty()) {
    PrintReport(r);
    std::cout << std::flush;  // a --listen monitor's log reaches its journal at once
  }
}

// Waits up to `seconds` for SIGINT or SIGTERM (blocked in every thread, see Listen); returns
// the signal, or 0 when the time passed.
int WaitForStop(int64_t seconds) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds(0)) return 0;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    const timespec ts{.tv_sec = ns / 1'000'000'000, .tv_nsec = ns % 1'000'000'000};
    const int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig > 0) return sig;
    if (errno != EINTR && errno != EAGAIN) return 0;
  }
}

// --listen: serves /metrics and /health, re-checks every interval, and stops (exit 0) on
// SIGINT or SIGTERM. The signals are blocked before any thread starts (DuckDB's, httplib's),
// so only the wait below receives them.
int Listen(const MonitorArgs& args, MonitorOptions options, const GlobalOptions& global) {
  const monitor::ListenAddress address = monitor::ParseListen(args.listen);
  const int64_t interval = IntervalSeconds(args.interval);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Monitor monitor(std::move(options));
  monitor::MonitorService http(address);
  MonitorReport report = monitor.Check();
  http.Publish(report);
  http.Start();
  // Always said, also with --quiet: with port 0 it is the only way to learn the port.
  std::cerr << fmt::format(
                   "duckpart monitor: listening on http://{}:{} (/metrics, /health), "
                   "checking every {}s\n",
                   address.host, http.port(), interval)
            << std::flush;
  Emit(report, args, global);
  int sig = 0;
  while ((sig = WaitForStop(interval)) == 0) {
    report = monitor.Check();
    http.Publish(report);
    Emit(report, args, global);
  }
  http.Stop();
  if (!global.quiet)
    std::cerr << "duckpart monitor: stopped by " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << "\n";
  return 0;
}

int RunMonitor(const MonitorArgs& args, const GlobalOptions& global) {
  MonitorOptions options = Options(args, *global.config);
  CheckPrometheusPath(args.prometheus);
  if (!args.listen.empty()) return Listen(args, std::move(options), global);
  Monitor monitor(std::move(options));
  const MonitorReport report = monitor.Check();
  Emit(report, args, global);
  return report.Worst() == Health::kOk ? 0 : static_cast<int>(ExitCode::kCheckFailed);
}

}  // namespace

Command AddMonitorCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "monitor",
      "Health checks of datasets (balance, small files, leftovers of an interrupted write, stale "
      "lock, freshness, free space, versions kept; --deep: a full validate), each ok, warning or "
      "critical against the configuration's thresholds. Exit 0 when all are ok, 1 on any warning "
      "or critical, 2 for bad input. With --listen it keeps running, serves /metrics and /health "
      "and exits 0 on SIGINT or SIGTERM");
  sub->footer(
      "Checks and thresholds (duckpart config lists the keys): balance (cv_warn, cv_critical), "
      "small_files (small_file_size, small_file_ratio), files, leftovers, lock (lock_max_age), "
      "freshness (freshness_max_age, freshness_critical_age), free_space (free_space_min, "
      "free_space_critical), versions (versions_max), failures (failures_warn, "
      "failures_critical: failed writes since the last successful one), slow_operations "
      "(slow_operation_warn, slow_operation_critical), memory (memory_warn_ratio, "
      "memory_critical_ratio: recorded peak memory against its limit; both over the last "
      "recent_operations recorded operations), validate (--deep).\n"
      "monitor exits 0 when every check is ok, 1 on any warning or critical, 2 for bad input; "
      "with --listen, 0 after SIGINT or SIGTERM.");
  auto args = std::make_shared<MonitorArgs>();
  sub->add_option("dir", args->dirs, "Dataset folders (Parquet datasets written by `run --to`)");
  sub->add_option("--to-db", args->to_db, "Also: the DuckDB file holding partition tables");
  sub->add_option("--schema", args->schema,
                  "With --to-db: their schema (default: the only duckpart schema)");
  sub->add_flag("--deep", args->deep, "Also run a full validate of every dataset (reads the data)");
  sub->add_option("--prometheus", args->prometheus,
                  "Also write the Prometheus text format to FILE, atomically (node_exporter's "
                  "textfile collector: a FILE ending in .prom)");
  sub->add_option("--listen", args->listen,
                  "Keep running and serve /metrics and /health on HOST:PORT (port 0: any free "
                  "port, printed on start)");
  sub->add_option("--interval", args->interval,
                  "With --listen: time between check cycles, 1s to 1d (config: monitor_interval)")
      ->capture_default_str();
  sub->add_option("--memory-limit", args->engine.memory_limit,
                  "Memory limit of the monitor's DuckDB instance")
      ->check(SizeCheck())
      ->capture_default_str();
  sub->add_option("--threads", args->engine.threads, "Threads of the monitor's DuckDB instance")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  return {sub, [args, &global] { return RunMonitor(*args, global); }};
}

}  // namespace duckpart::cli

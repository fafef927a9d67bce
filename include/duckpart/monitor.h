// Health checks of datasets for unattended use (cron, systemd timers, Prometheus): the
// answer of `duckpart monitor`.
//
//   Monitor monitor(MonitorOptions{.targets = {{.dir = "out/events"}},
//                                  .thresholds = ThresholdsFromConfig(config)});
//   MonitorReport r = monitor.Check();          // one cycle; call again for the next
//   if (r.Worst() != Health::kOk) ...           // exit 1 in the command
//   std::string text = ToPrometheus(r);         // the text exposition format
//
// Each target gets these checks, each `ok`, `warning` or `critical` against a threshold of
// the configuration (`duckpart config` lists them):
//   readable    the manifest (or the partition tables' catalog) can be read: critical if not
//   balance     CV of rows per partition: warning over cv_warn, critical over cv_critical
//   small_files the share of files under small_file_size over small_file_ratio, when the
//               dataset's bytes would fit in fewer files: warning (Parquet only)
//   files       files the manifest lists that are missing on disk: critical (Parquet only)
//   leftovers   what an interrupted operation left in the store (staging folders, versions
//               the link never pointed to, ...), while no live writer holds the lock:
//               warning, fixed by `duckpart recover` (Parquet only)
//   lock        the store's lock: held by a live writer longer than lock_max_age: warning;
//               held while the process its lock file names is dead: critical (a stale lock:
//               a process that inherited the lock keeps every writer out) (Parquet only)
//   freshness   time since the last successful write: warning over freshness_max_age,
//               critical over freshness_critical_age
//   free_space  free bytes on the target's filesystem: warning under free_space_min,
//               critical under free_space_critical
//   versions    versions kept in the store: warning over versions_max (Parquet only)
//   failures    operations that failed (run, append, retain, repartition, logged in the
//               store: ops/failure_log.h) since the last successful write: warning from
//               failures_warn, critical from failures_critical (Parquet only)
//   slow_operations  the longest of the last recent_operations recorded operations: warning
//               over slow_operation_warn, critical over slow_operation_critical (Parquet only)
//   memory      the highest peak memory of those operations against the limit each ran
//               under: warning over memory_warn_ratio, critical over memory_critical_ratio
//               (Parquet only; operations recorded before memory was sampled are skipped)
//   validate    with `deep`: a full `duckpart validate` (critical on any problem)
//
// One Monitor holds one DuckDB instance and one connection for its whole life (partition
// tables are attached read-only for a check and detached after it, so writers are never
// kept out between cycles); a Parquet check reads only metadata, never the rows, except
// with `deep`, whose validate opens validate's own session.
//
// Thread safety: one thread at a time may call Check() on a Monitor.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "duckpart/source.h"

namespace duckpart {

class Config;

enum class Health { kOk, kWarning, kCritical };

// "ok", "warning", "critical".
const char* HealthName(Health health);

// The thresholds of the checks (the configuration's `thresholds` keys).
struct MonitorThresholds {
  double cv_warn = 0.5, cv_critical = 1.5;
  int64_t small_file_size = int64_t{8} << 20;
  double small_file_ratio = 0.3;
  int64_t freshness_max_age = 26 * 3600, freshness_critical_age = 7 * 86400;  // seconds
  int64_t free_space_min = int64_t{1} << 30, free_space_critical = int64_t{256} << 20;
  int64_t versions_max = 3;
  int64_t lock_max_age = 6 * 3600;  // seconds
  // The history checks (Parquet only): failed operations since the last successful write,
  // and the slowest and the most memory-hungry of the last recent_operations operations.
  int64_t failures_warn = 1, failures_critical = 3;
  int64_t slow_operation_warn = 3600, slow_operation_critical = 6 * 3600;  // seconds
  double memory_warn_ratio = 0.8, memory_critical_ratio = 0.95;            // peak / limit
  int64_t recent_operations = 10;
};

// The thresholds of `config`. Throws InputError when a critical threshold is milder than
// its warning one (cv_critical < cv_warn, freshness_critical_age < freshness_max_age,
// free_space_critical > free_space_min, failures_critical < failures_warn,
// slow_operation_critical < slow_operation_warn, memory_critical_ratio < memory_warn_ratio),
// naming both keys.
MonitorThresholds ThresholdsFromConfig(const Config& config);

// One dataset to watch: a Parquet dataset folder, or the partition tables of `schema` (empty:
// the only duckpart schema) in the DuckDB file `database`.
struct MonitorTarget {
  std::string dir;
  std::string database, schema;
  // "out/events", or "analytics.db schema events_parts" (the schema as given, if any).
  std::string Name() const;
};

struct MonitorOptions {
  std::vector<MonitorTarget> targets;
  MonitorThresholds thresholds;
  bool deep = false;     // also run a full validate of every target
  EngineOptions engine;  // the monitor's DuckDB instance (memory limit, threads)
  // The wall clock (freshness); empty: std::chrono::system_clock::now.
  std::function<std::chrono::system_clock::time_point()> now;
};

struct HealthCheck {
  std::string name;  // "balance", "freshness", ...
  Health health = Health::kOk;
  std::string detail;  // what was found, with the figures and the threshold
  std::string advice;  // one line: what to do; empty when ok
};

struct TargetHealth {
  std::string target;  // MonitorTarget::Name()
  std::string kind;    // "parquet" or "tables"
  bool readable = false;
  int64_t version = 0, partitions = 0, rows = 0, files = 0, small_files = 0;
  std::optional<int64_t> bytes;  // Parquet: bytes of the data files; tables: unknown
  double rows_cv = 0;
  std::string last_write_at;               // UTC, ISO 8601 ("" when unknown)
  std::optional<int64_t> last_write_unix;  // seconds since the epoch
  std::optional<int64_t> age_seconds;      // since the last successful write
  std::optional<int64_t> free_bytes;       // on the target's filesystem
  int64_t versions_kept = 0;
  int64_t leftovers = 0, leftover_bytes = 0;
  bool locked = false;            // a live process holds the store's lock now
  int64_t failed_operations = 0;  // logged failures since the last successful write
  // Of the recent recorded operations (Parquet): the newest one's duration, and the highest
  // peak memory (with its share of that operation's limit) and spill.
  std::optional<double> last_operation_seconds, peak_memory_ratio;
  std::optional<int64_t> peak_memory_bytes, spill_bytes;
  std::vector<HealthCheck> checks;
  Health Worst() const;
};

struct MonitorReport {
  std::vector<TargetHealth> targets;
  std::string checked_at;    // UTC, ISO 8601
  int64_t checked_unix = 0;  // seconds since the epoch
  double seconds = 0;        // how long the cycle took
  int64_t cycle = 0;         // 1 for a Monitor's first Check()
  Health Worst() const;
};

class Monitor {
 public:
  // Checks the options before any work: at least one target, every folder and database
  // present (InputError naming it otherwise), and opens the DuckDB instance.
  explicit Monitor(MonitorOptions options);
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // One check cycle over every target. A target that cannot be read (its manifest gone, a
  // database locked by a writer) gets a critical `readable` check; nothing is thrown for it.
  MonitorReport Check();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The report as JSON: {checked_at, seconds, status, targets: [{target, kind, status, ...,
// checks: [{name, status, detail, advice}]}]}.
nlohmann::json ToJson(const MonitorReport& report);

// The report in Prometheus's text exposition format (version 0.0.4), every family with its
// HELP and TYPE lines, label values escaped (backslash, double quote, newline). Families:
// duckpart_up, duckpart_partitions, duckpart_rows, duckpart_bytes, duckpart_files,
// duckpart_small_files, duckpart_partition_rows_cv, duckpart_version,
// duckpart_versions_kept, duckpart_last_write_timestamp_seconds,
// duckpart_last_write_age_seconds, duckpart_filesystem_free_bytes, duckpart_leftovers,
// duckpart_leftover_bytes, duckpart_store_locked, duckpart_failed_operations,
// duckpart_last_operation_duration_seconds, duckpart_operation_peak_memory_bytes,
// duckpart_operation_peak_memory_ratio, duckpart_operation_spill_bytes,
// duckpart_check_status{check},
// duckpart_alerts{check,severity}, duckpart_monitor_cycle_seconds,
// duckpart_monitor_last_check_timestamp_seconds, duckpart_monitor_cycles_total.
std::string ToPrometheus(const MonitorReport& report);

// Writes `text` to `path` atomically for node_exporter's textfile collector: a temporary
// file beside it (not ending in .prom), fsync, rename over `path`. Throws RuntimeFailure.
void WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace duckpart

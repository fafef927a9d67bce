// The configuration keys, their defaults and their rules: the one table `duckpart config`,
// the file checks and the command layer read.
#include "config/config_keys.h"

#include <algorithm>
#include <cctype>

namespace duckpart {
namespace {

constexpr double kMaxBytes = 1e15;             // 1 PB: any larger size is a typo
constexpr double kMaxSeconds = 366.0 * 86400;  // a year

ConfigKey Size(std::string name, std::string section, std::string def, std::string flag,
               std::string doc) {
  return {.name = std::move(name),
          .section = std::move(section),
          .type = ConfigType::kSize,
          .default_value = std::move(def),
          .description = std::move(doc),
          .flag = std::move(flag),
          .min = 0,
          .max = kMaxBytes};
}

ConfigKey Int(std::string name, std::string section, std::string def, std::string flag, double lo,
              double hi, std::string doc) {
  return {.name = std::move(name),
          .section = std::move(section),
          .type = ConfigType::kInteger,
          .default_value = std::move(def),
          .description = std::move(doc),
          .flag = std::move(flag),
          .min = lo,
          .max = hi};
}

ConfigKey Ratio(std::string name, std::string def, double hi, std::string doc) {
  return {.name = std::move(name),
          .section = "thresholds",
          .type = ConfigType::kNumber,
          .default_value = std::move(def),
          .description = std::move(doc),
          .min = 0,
          .max = hi};
}

ConfigKey Seconds(std::string name, std::string def, std::string doc) {
  return {.name = std::move(name),
          .section = "thresholds",
          .type = ConfigType::kDuration,
          .default_value = std::move(def),
          .description = std::move(doc),
          .min = 0,
          .max = kMaxSeconds};
}

ConfigKey Feature(const std::string& name, bool on, std::vector<std::string> deps,
                  std::string doc) {
  return {.name = "features." + name,
          .section = "features",
          .type = ConfigType::kBool,
          .default_value = on ? "true" : "false",
          .description = std::move(doc),
          .depends_on = std::move(deps)};
}

// The engine: memory, threads, spilling, the time zone.
std::vector<ConfigKey> EngineKeys() {
  return {
      Size("memory_limit", "engine", "1GB", "--memory-limit", "DuckDB memory limit"),
      Int("threads", "engine", "0", "--threads", 0, 1024, "worker threads (0 = all cores)"),
      {.name = "temp_dir",
       .section = "engine",
       .type = ConfigType::kString,
       .description = "where DuckDB spills (unset: beside the target)",
       .flag = "--temp-dir"},
      Size("max_temp_size", "engine", "", "--max-temp-size",
           "cap on spilled bytes (unset: DuckDB's default)"),
      {.name = "timezone",
       .section = "engine",
       .type = ConfigType::kString,
       .default_value = "UTC",
       .description = "zone for time transforms of TIMESTAMPTZ columns",
       .flag = "--timezone"},
  };
}

// How the writing commands write, verify, retry and keep versions.
std::vector<ConfigKey> WritingKeys() {
  return {
      {.name = "compression",
       .section = "writing",
       .type = ConfigType::kChoice,
       .default_value = "snappy",
       .description = "Parquet compression",
       .flag = "--compression",
       .choices = {"snappy", "zstd", "gzip", "lz4", "uncompressed", "brotli"}},
      Size("target_file_size", "writing", "512MiB", "--target-file-size",
           "a partition's files below this in all are merged into one (no command has the flag "
           "yet)"),
      {.name = "verify",
       .section = "writing",
       .type = ConfigType::kBool,
       .default_value = "true",
       .description = "read written data back and prove it before publishing",
       .flag = "--no-verify",
       .flag_inverted = true},
      Int("max_attempts", "writing", "3", "--max-attempts", 1, 100, "attempts when out of memory"),
      Int("keep_versions", "writing", "1", "--keep-versions", 1, 1000,
          "versions a write keeps, the current one included"),
      {.name = "version_grace",
       .section = "writing",
       .type = ConfigType::kDuration,
       .default_value = "10m",
       .description = "how long a superseded version stays for readers in flight",
       .flag = "--version-grace",
       .min = 0,
       .max = kMaxSeconds},
      {.name = "log_file",
       .section = "writing",
       .type = ConfigType::kString,
       .description = "file that writing commands append JSON lines to: one per phase and per "
                      "warning (unset: none)",
       .flag = "--log-file"},
  };
}

// The thresholds of plan, analyze and monitor over partitions, files and operations.
std::vector<ConfigKey> ThresholdKeys() {
  return {
      Ratio("cv_warn", "0.5", 100, "partition row-count CV above which balance warns"),
      Ratio("cv_critical", "1.5", 100, "partition row-count CV above which balance is critical"),
      Size("small_file_size", "thresholds", "8MiB", "", "files smaller than this count as small"),
      Ratio("small_file_ratio", "0.3", 1, "share of small files above which a dataset warns"),
      Int("max_partitions", "thresholds", "10000", "", 1, 10'000'000,
          "partition count above which a plan warns"),
      Ratio("memory_warn_ratio", "0.8", 1,
            "share of the memory limit above which a recorded operation's peak memory makes "
            "monitor warn"),
      Ratio("memory_critical_ratio", "0.95", 1,
            "share of the memory limit above which a recorded operation's peak memory is "
            "critical in monitor"),
      Int("failures_warn", "thresholds", "1", "", 1, 1000,
          "failed operations since the last successful write from which monitor warns"),
      Int("failures_critical", "thresholds", "3", "", 1, 1000,
          "failed operations since the last successful write from which monitor is critical"),
      Seconds("slow_operation_warn", "1h",
              "duration of a recent operation above which monitor warns"),
      Seconds("slow_operation_critical", "6h",
              "duration of a recent operation above which monitor is critical"),
      Int("recent_operations", "thresholds", "10", "", 1, 1000,
          "how many of the newest recorded operations the slow and memory checks read"),
  };
}

// The thresholds of the machine and the store (space, open files, freshness, versions,
// locks) and the monitor's interval.
std::vector<ConfigKey> MachineKeys() {
  return {
      Size("free_space_min", "thresholds", "1GiB", "",
           "free space on a target or temp filesystem below which it warns"),
      Ratio("open_files_ratio", "0.5", 1,
            "share of the open-file limit a spec's partitions may take"),
      {.name = "freshness_max_age",
       .section = "thresholds",
       .type = ConfigType::kDuration,
       .default_value = "26h",
       .description = "age of the last successful write above which a dataset is stale",
       .min = 1,
       .max = kMaxSeconds},
      {.name = "freshness_critical_age",
       .section = "thresholds",
       .type = ConfigType::kDuration,
       .default_value = "7d",
       .description = "age of the last successful write above which staleness is critical",
       .min = 1,
       .max = kMaxSeconds},
      Size("free_space_critical", "thresholds", "256MiB", "",
           "free space on a target's filesystem below which monitor is critical"),
      Int("versions_max", "thresholds", "3", "", 1, 100000,
          "versions kept in a dataset's store above which monitor warns"),
      {.name = "lock_max_age",
       .section = "thresholds",
       .type = ConfigType::kDuration,
       .default_value = "6h",
       .description = "how long a live writer may hold a dataset's lock before monitor warns",
       .min = 1,
       .max = kMaxSeconds},
      {.name = "monitor_interval",
       .section = "monitor",
       .type = ConfigType::kDuration,
       .default_value = "60s",
       .description = "monitor --listen: seconds between two check cycles",
       .flag = "--interval",
       .min = 1,
       .max = 86400},
  };
}

// The feature flags and their dependencies.
std::vector<ConfigKey> FeatureKeys() {
  return {
      Feature("analysis", true, {}, "balance statistics and recommendations"),
      Feature("monitoring", true, {"features.analysis"}, "health checks and alerts"),
      Feature("auto_rebalance", false, {"features.analysis"}, "rebalance when analysis says so"),
      Feature("retries", true, {}, "retry out-of-memory failures (off: --max-attempts 1)"),
      Feature("verification", true, {},
              "verify before publishing (off: --no-verify, with a warning)"),
      Feature("history", true, {}, "record committed operations"),
      Feature("backup_before_replace", false, {}, "back up a dataset before --replace"),
  };
}

std::vector<ConfigKey> MakeKeys() {
  std::vector<ConfigKey> keys;
  for (auto group : {EngineKeys, WritingKeys, ThresholdKeys, MachineKeys, FeatureKeys}) {
    for (auto& k : group()) keys.push_back(std::move(k));
  }
  return keys;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = MakeKeys();
  return keys;
}

const ConfigKey* FindConfigKey(const std::string& name) {
  for (const auto& k : ConfigKeys()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string ConfigEnvName(const ConfigKey& key) {
  std::string env = "DUCKPART_";
  for (char c : key.name)
    env += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return env;
}

namespace config {

std::string NearestKeyName(const std::string& name, const std::string& section) {
  std::string best;
  size_t best_distance = name.size() / 2 + 1;
  for (const auto& k : ConfigKeys()) {
    if ((k.section == "features") != (section == "features")) continue;
    const std::string candidate =
        section == "features" ? k.name.substr(std::string("features.").size()) : k.name;
    const size_t d = EditDistance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace config
}  // namespace duckpart

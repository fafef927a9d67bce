// The monitor report in Prometheus's text exposition format, and its atomic file.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>

#include "duckpart/error.h"
#include "duckpart/monitor.h"

namespace duckpart {
namespace {

// A label value as the format asks: backslash, double quote and newline escaped.
std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// Whole numbers as integers ("1700000000", not "1.7e+09"), others in the shortest form.
std::string Number(double v) {
  if (std::abs(v) < 9.0e15 && v == std::floor(v)) return std::to_string(static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

using Labels = std::vector<std::pair<std::string, std::string>>;

class Exposition {
 public:
  // Starts a family; every sample of it follows at once (the format wants them together).
  void Family(const std::string& name, const char* type, const std::string& help) {
    name_ = name;
    text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void Sample(const Labels& labels, double value) {
    std::string l;
    for (const auto& [k, v] : labels)
      l += (l.empty() ? "" : ",") + k + "=\"" + EscapeLabel(v) + "\"";
    text_ += fmt::format("{}{}{} {}\n", name_, l.empty() ? "" : "{", l.empty() ? l : l + "}",
                         Number(value));
  }
  std::string text() const { return text_; }

 private:
  std::string name_, text_;
};

using Value = std::function<std::optional<double>(const TargetHealth&)>;

struct PerTarget {
  const char* name;
  const char* help;
  Value value;
};

std::optional<double> Optional(const std::optional<int64_t>& v) {
  return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

const std::vector<PerTarget>& Gauges() {
  static const std::vector<PerTarget> g = {
      {"duckpart_partitions", "Partitions of the dataset's published version.",
       [](const TargetHealth& t) { return std::optional<double>(t.partitions); }},
      {"duckpart_rows", "Rows of the dataset's published version.",
       [](const TargetHealth& t) { return std::optional<double>(t.rows); }},
      {"duckpart_bytes", "Bytes of the dataset's Parquet files (not given for partition tables).",
       [](const TargetHealth& t) {
         return t.bytes ? std::optional<double>(*t.bytes) : std::nullopt;
       }},
      {"duckpart_files", "Data files of the dataset (partition tables: tables).",
       [](const TargetHealth& t) { return std::optional<double>(t.files); }},
      {"duckpart_small_files", "Data files under the small_file_size threshold.",
       [](const TargetHealth& t) { return std::optional<double>(t.small_files); }},
      {"duckpart_partition_rows_cv", "Coefficient of variation of rows per partition.",
       [](const TargetHealth& t) { return std::optional<double>(t.rows_cv); }},
      {"duckpart_version", "The dataset's published version number.",
       [](const TargetHealth& t) { return std::optional<double>(t.version); }},
      {"duckpart_versions_kept", "Versions kept in the dataset's store.",
       [](const TargetHealth& t) { return std::optional<double>(t.versions_kept); }},
      {"duckpart_last_write_timestamp_seconds", "Unix time of the dataset's last successful write.",
       [](const TargetHealth& t) {
         return t.last_write_unix ? std::optional<double>(*t.last_write_unix) : std::nullopt;
       }},
      {"duckpart_last_write_age_seconds", "Seconds since the dataset's last successful write.",
       [](const TargetHealth& t) {
         return t.age_seconds ? std::optional<double>(*t.age_seconds) : std::nullopt;
       }},
      {"duckpart_filesystem_free_bytes", "Free bytes on the filesystem holding the dataset.",
       [](const TargetHealth& t) {
         return t.free_bytes ? std::optional<double>(*t.free_bytes) : std::nullopt;
       }},
      {"duckpart_leftovers", "Leftovers of an interrupted operation in the store.",
       [](const TargetHealth& t) { return std::optional<double>(t.leftovers); }},
      {"duckpart_leftover_bytes", "Bytes of the leftovers of an interrupted operation.",
       [](const TargetHealth& t) { return std::optional<double>(t.leftover_bytes); }},
      {"duckpart_store_locked", "1 while a live process holds the store's lock.",
       [](const TargetHealth& t) { return std::optional<double>(t.locked ? 1 : 0); }},
      {"duckpart_failed_operations", "Failed operations since the last successful write.",
       [](const TargetHealth& t) {
         return t.kind == "parquet" ? std::optional<double>(t.failed_operations) : std::nullopt;
       }},
      {"duckpart_last_operation_duration_seconds", "Seconds the newest recorded operation took.",
       [](const TargetHealth& t) { return t.last_operation_seconds; }},
      {"duckpart_operation_peak_memory_bytes",
       "Highest peak DuckDB memory of the recent recorded operations.",
       [](const TargetHealth& t) { return Optional(t.peak_memory_bytes); }},
      {"duckpart_operation_peak_memory_ratio",
       "That peak memory as a share of the memory limit its operation ran under.",
       [](const TargetHealth& t) { return t.peak_memory_ratio; }},
      {"duckpart_operation_spill_bytes",
       "Highest bytes spilled to the temp directory by the recent recorded operations.",
       [](const TargetHealth& t) { return Optional(t.spill_bytes); }},
  };
  return g;
}

Labels Of(const TargetHealth& t) { return {{"target", t.target}, {"kind", t.kind}}; }

void AddChecks(const MonitorReport& r, Exposition& e) {
  e.Family("duckpart_check_status", "gauge",
           "State of each health check: 0 ok, 1 warning, 2 critical.");
  for (const auto& t : r.targets) {
    for (const auto& c : t.checks) {
      Labels l = Of(t);
      l.emplace_back("check", c.name);
      e.Sample(l, static_cast<int>(c.health));
    }
  }
  e.Family("duckpart_alerts", "gauge",
           "1 when a check is at this severity now, else 0 (one series per severity).");
  for (const auto& t : r.targets) {
    for (const auto& c : t.checks) {
      for (Health s : {Health::kWarning, Health::kCritical}) {
        Labels l = Of(t);
        l.emplace_back("check", c.name);
        l.emplace_back("severity", HealthName(s));
        e.Sample(l, c.health == s ? 1 : 0);
      }
    }
  }
}

}  // namespace

std::string ToPrometheus(const MonitorReport& r) {
  Exposition e;
  e.Family("duckpart_up", "gauge", "1 when the dataset's metadata could be read.");
  for (const auto& t : r.targets) e.Sample(Of(t), t.readable ? 1 : 0);
  for (const auto& g : Gauges()) {
    e.Family(g.name, "gauge", g.help);
    for (const auto& t : r.targets) {
      if (!t.readable) continue;
      if (const auto v = g.value(t)) e.Sample(Of(t), *v);
    }
  }
  AddChecks(r, e);
  e.Family("duckpart_monitor_cycle_seconds", "gauge", "Seconds the last check cycle took.");
  e.Sample({}, r.seconds);
  e.Family("duckpart_monitor_last_check_timestamp_seconds", "gauge",
           "Unix time of the last check cycle.");
  e.Sample({}, static_cast<double>(r.checked_unix));
  e.Family("duckpart_monitor_cycles_total", "counter", "Check cycles this monitor has run.");
  e.Sample({}, static_cast<double>(r.cycle));
  return e.text();
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw RuntimeFailure("cannot write " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = done == text.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::error_code ec;
    fs::remove(tmp, ec);
    throw RuntimeFailure("cannot write " + path + ": " + why);
  }
}

}  // namespace duckpart

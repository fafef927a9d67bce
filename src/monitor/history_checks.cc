#include "monitor/history_checks.h"

#include <fmt/format.h>

#include <algorithm>

#include "monitor/checks.h"
#include "util/format.h"

namespace duckpart::monitor {
namespace {

HealthCheck Make(const char* name, Health h, std::string detail, std::string advice) {
  return {.name = name,
          .health = h,
          .detail = std::move(detail),
          .advice = h == Health::kOk ? "" : std::move(advice)};
}

Health Grade(double value, double warn, double critical) {
  return value > critical ? Health::kCritical : value > warn ? Health::kWarning : Health::kOk;
}

double Ratio(const HistoryRecord& r) {
  return static_cast<double>(r.peak_memory_bytes) / static_cast<double>(r.memory_limit_bytes);
}

// The record with the highest peak against its limit, or nullptr when none has both.
const HistoryRecord* HungriestOf(const std::vector<HistoryRecord>& recent) {
  const HistoryRecord* top = nullptr;
  for (const auto& r : recent) {
    if (r.peak_memory_bytes <= 0 || r.memory_limit_bytes <= 0) continue;
    if (!top || Ratio(r) > Ratio(*top)) top = &r;
  }
  return top;
}

std::vector<ops::FailedOperation> Since(const std::vector<ops::FailedOperation>& failures,
                                        int64_t current_version) {
  std::vector<ops::FailedOperation> since;
  for (const auto& f : failures) {
    if (f.version == current_version) since.push_back(f);
  }
  return since;
}

}  // namespace

HealthCheck CheckFailures(const std::vector<ops::FailedOperation>& failures,
                          int64_t current_version, const MonitorThresholds& t) {
  const std::vector<ops::FailedOperation> since = Since(failures, current_version);
  const auto n = static_cast<int64_t>(since.size());
  const Health h = n >= t.failures_critical ? Health::kCritical
                   : n >= t.failures_warn   ? Health::kWarning
                                            : Health::kOk;
  std::string detail = fmt::format(
      "{} failed operation{} since the last successful write (warning from {}, critical from {})",
      n, n == 1 ? "" : "s", t.failures_warn, t.failures_critical);
  if (n > 0) {
    const ops::FailedOperation& last = since.back();
    detail += fmt::format("; the last: {} at {}, {} (exit {}): {}", last.operation, last.time,
                          last.kind, last.exit_code, last.message);
  }
  return Make("failures", h, detail,
              "read the job's log (--log-file) and fix the cause; the next successful write "
              "clears this");
}

HealthCheck CheckSlowOperations(const std::vector<HistoryRecord>& recent,
                                const MonitorThresholds& t) {
  if (recent.empty()) return Make("slow_operations", Health::kOk, "no recorded operations", "");
  const auto slowest =
      std::max_element(recent.begin(), recent.end(),
                       [](const auto& a, const auto& b) { return a.seconds < b.seconds; });
  const auto secs = static_cast<int64_t>(slowest->seconds);
  return Make("slow_operations",
              Grade(slowest->seconds, static_cast<double>(t.slow_operation_warn),
                    static_cast<double>(t.slow_operation_critical)),
              fmt::format("the longest of the last {} operations: {} of version {} took {} "
                          "(warning above {}, critical above {})",
                          recent.size(), slowest->operation, slowest->version, FormatAge(secs),
                          FormatAge(t.slow_operation_warn), FormatAge(t.slow_operation_critical)),
              "see `duckpart analyze` (too many partitions or small files) and the machine's "
              "load; `duckpart doctor` checks the environment");
}

HealthCheck CheckPeakMemory(const std::vector<HistoryRecord>& recent, const MonitorThresholds& t) {
  const HistoryRecord* top = HungriestOf(recent);
  if (!top) {
    return Make("memory", Health::kOk,
                "no recent operation recorded its peak memory (written before it was sampled)", "");
  }
  return Make("memory", Grade(Ratio(*top), t.memory_warn_ratio, t.memory_critical_ratio),
              fmt::format("the highest peak memory of the last {} operations: {} of version {} "
                          "used {} of its {} limit ({:.0f}%; warning above {:.0f}%, critical "
                          "above {:.0f}%), spilled {}",
                          recent.size(), top->operation, top->version,
                          util::FormatBytes(top->peak_memory_bytes),
                          util::FormatBytes(top->memory_limit_bytes), Ratio(*top) * 100,
                          t.memory_warn_ratio * 100, t.memory_critical_ratio * 100,
                          util::FormatBytes(top->spill_bytes)),
              "raise memory_limit (--memory-limit) before the data grows, or lower threads");
}

std::vector<HistoryRecord> RecentOperations(const std::vector<HistoryRecord>& history,
                                            const MonitorThresholds& t) {
  const auto n = std::min<size_t>(history.size(),
                                  static_cast<size_t>(std::max<int64_t>(1, t.recent_operations)));
  return {history.end() - static_cast<std::ptrdiff_t>(n), history.end()};
}

void AddHistoryChecks(const std::vector<HistoryRecord>& history,
                      const std::vector<ops::FailedOperation>& failures, const MonitorThresholds& t,
                      TargetHealth& h) {
  const std::vector<HistoryRecord> recent = RecentOperations(history, t);
  h.failed_operations = static_cast<int64_t>(Since(failures, h.version).size());
  if (!recent.empty()) h.last_operation_seconds = recent.back().seconds;
  if (const HistoryRecord* top = HungriestOf(recent)) {
    h.peak_memory_bytes = top->peak_memory_bytes;
    h.peak_memory_ratio = Ratio(*top);
  }
  for (const auto& r : recent) {
    if (r.memory_limit_bytes > 0)
      h.spill_bytes = std::max(h.spill_bytes.value_or(0), r.spill_bytes);
  }
  h.checks.push_back(CheckFailures(failures, h.version, t));
  h.checks.push_back(CheckSlowOperations(recent, t));
  h.checks.push_back(CheckPeakMemory(recent, t));
}

}  // namespace duckpart::monitor

// The monitor report as JSON (`monitor --json`, and /health of `monitor --listen`).
#include <nlohmann/json.hpp>

#include "duckpart/monitor.h"

namespace duckpart {
namespace {

template <typename T>
nlohmann::json OrNull(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json CheckJson(const HealthCheck& c) {
  return {{"name", c.name},
          {"status", HealthName(c.health)},
          {"detail", c.detail},
          {"advice", c.advice}};
}

nlohmann::json TargetJson(const TargetHealth& t) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : t.checks) checks.push_back(CheckJson(c));
  return {{"target", t.target},
          {"kind", t.kind},
          {"status", HealthName(t.Worst())},
          {"readable", t.readable},
          {"version", t.readable ? nlohmann::json(t.version) : nlohmann::json(nullptr)},
          {"partitions", t.partitions},
          {"rows", t.rows},
          {"bytes", OrNull(t.bytes)},
          {"files", t.files},
          {"small_files", t.small_files},
          {"rows_cv", t.rows_cv},
          {"last_write_at",
           t.last_write_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.last_write_at)},
          {"age_seconds", OrNull(t.age_seconds)},
          {"free_bytes", OrNull(t.free_bytes)},
          {"versions_kept", t.versions_kept},
          {"leftovers", t.leftovers},
          {"leftover_bytes", t.leftover_bytes},
          {"locked", t.locked},
          {"failed_operations", t.failed_operations},
          {"last_operation_seconds", OrNull(t.last_operation_seconds)},
          {"peak_memory_bytes", OrNull(t.peak_memory_bytes)},
          {"peak_memory_ratio", OrNull(t.peak_memory_ratio)},
          {"spill_bytes", OrNull(t.spill_bytes)},
          {"checks", checks}};
}

}  // namespace

nlohmann::json ToJson(const MonitorReport& r) {
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& t : r.targets) targets.push_back(TargetJson(t));
  return {{"status", HealthName(r.Worst())},
          {"checked_at", r.checked_at},
          {"cycle", r.cycle},
          {"seconds", r.seconds},
          {"targets", targets}};
}

}  // namespace duckpart

#include "duckpart/history.h"

#include <nlohmann/json.hpp>

#include "duckpart/error.h"
#include "duckpart/manifest.h"

namespace duckpart {

using nlohmann::json;

json ToJson(const HistoryRecord& h) {
  json j = {{"version", h.version},
            {"operation", h.operation},
            {"time", h.time},
            {"source", h.source},
            {"batch_id", h.batch_id},
            {"rows_added", h.rows_added},
            {"rows_removed", h.rows_removed},
            {"bytes_added", h.bytes_added},
            {"bytes_removed", h.bytes_removed},
            {"checksum_added", h.checksum_added},
            {"partitions_touched", h.partitions_touched},
            {"seconds", h.seconds},
            {"peak_memory_bytes", h.peak_memory_bytes},
            {"spill_bytes", h.spill_bytes},
            {"memory_limit_bytes", h.memory_limit_bytes}};
  if (!h.columns_added.empty()) j["columns_added"] = h.columns_added;
  return j;
}

HistoryRecord HistoryRecordFromJson(const json& j) {
  try {
    HistoryRecord h;
    h.version = j.at("version").get<int64_t>();
    h.operation = j.at("operation").get<std::string>();
    h.time = j.at("time").get<std::string>();
    h.source = j.value("source", "");
    h.batch_id = j.value("batch_id", "");
    h.rows_added = j.value("rows_added", int64_t{0});
    h.rows_removed = j.value("rows_removed", int64_t{0});
    h.bytes_added = j.value("bytes_added", int64_t{0});
    h.bytes_removed = j.value("bytes_removed", int64_t{0});
    h.checksum_added = j.value("checksum_added", "0");
    h.partitions_touched = j.value("partitions_touched", int64_t{0});
    h.columns_added = j.value("columns_added", std::vector<std::string>{});
    h.seconds = j.value("seconds", 0.0);
    h.peak_memory_bytes = j.value("peak_memory_bytes", int64_t{0});
    h.spill_bytes = j.value("spill_bytes", int64_t{0});
    h.memory_limit_bytes = j.value("memory_limit_bytes", int64_t{0});
    return h;
  } catch (const json::exception& e) {
    throw InputError(std::string("malformed history record in the manifest: ") + e.what());
  }
}

const HistoryRecord* FindBatch(const std::vector<HistoryRecord>& history,
                               const std::string& batch_id) {
  if (batch_id.empty()) return nullptr;
  for (const auto& h : history) {
    if (h.batch_id == batch_id) return &h;
  }
  return nullptr;
}

std::vector<HistoryRecord> HistoryOf(const Manifest& m) {
  if (!m.history.empty()) return m.history;
  return {HistoryRecord{.version = m.version,
                        .operation = "run",
                        .time = m.created_at,
                        .source = m.source,
                        .rows_added = m.total_rows,
                        .bytes_added = m.total_bytes,
                        .checksum_added = m.total_checksum,
                        .partitions_touched = static_cast<int64_t>(m.partitions.size())}};
}

std::vector<HistoryRecord> ReadHistory(const std::string& dataset_dir) {
  return HistoryOf(ReadManifest(dataset_dir));
}

}  // namespace duckpart

// The history of a dataset: one record per committed operation (run, append, retain, ...),
// kept in the manifest of every version, oldest first.
//
//   Manifest m = ReadManifest("out/events");
//   for (const HistoryRecord& h : m.history) std::cout << h.version << " " << h.operation;
//
// Each version's manifest carries the records of the versions before it plus its own, so a
// version folder is self-contained. A manifest written before history existed has none; the
// next operation starts the history there.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace duckpart {

struct Manifest;

struct HistoryRecord {
  int64_t version = 0;
  std::string operation;  // "run", "append", "retain"
  std::string time;       // UTC, ISO 8601: when the version was made
  std::string source;     // where the rows came from (empty for retain)
  std::string batch_id;   // append --batch-id; empty when none was given
  int64_t rows_added = 0, rows_removed = 0;
  int64_t bytes_added = 0, bytes_removed = 0;
  std::string checksum_added = "0";        // content checksum of the rows added
  int64_t partitions_touched = 0;          // partitions written, created or dropped
  std::vector<std::string> columns_added;  // append --allow-new-columns: the new columns
  double seconds = 0;                      // from planning to the commit
  // Sampled by the driver from planning to the end of verification (ops/memory_sampler.h):
  // the highest DuckDB memory use and spilled bytes seen, and the memory limit (0: unknown).
  int64_t peak_memory_bytes = 0, spill_bytes = 0, memory_limit_bytes = 0;
  bool operator==(const HistoryRecord&) const = default;
};

nlohmann::json ToJson(const HistoryRecord& h);
// Throws InputError naming the missing or malformed field.
HistoryRecord HistoryRecordFromJson(const nlohmann::json& j);

// The record of an earlier append with this batch id, or nullptr.
const HistoryRecord* FindBatch(const std::vector<HistoryRecord>& history,
                               const std::string& batch_id);

// The history of a manifest; for one written before history existed, one record of the run
// that made it, from the manifest's own totals.
std::vector<HistoryRecord> HistoryOf(const Manifest& m);

// The history of the dataset at DIR (empty for a dataset written before history existed).
// Throws InputError when DIR holds no dataset.
std::vector<HistoryRecord> ReadHistory(const std::string& dataset_dir);

}  // namespace duckpart

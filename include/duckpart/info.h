// What a dataset is, from its own metadata: the answer of `duckpart info`. Read-only:
// nothing is locked, created or changed, and no data file is read (files are only
// looked up, to count the ones the manifest lists and the disk lacks).
//
//   DatasetInfo i = DescribeDataset("out/events");
//   std::cout << i.spec << ": " << i.partitions << " partitions, " << i.rows << " rows\n";
//
//   DatasetInfo t = DescribeTables("analytics.db", "events_parts", EngineOptions{});
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "duckpart/manifest.h"
#include "duckpart/source.h"

namespace duckpart {

struct DatasetInfo {
  std::string target;   // the dataset folder, or the DuckDB file of partition tables
  std::string kind;     // "parquet" or "tables"
  std::string schema;   // tables: the partition schema; "" for parquet
  std::string view;     // tables: the view over all partitions, "main.<name>"; "" for parquet
  std::string spec;     // as written by ToString(Spec)
  int64_t version = 0;  // the published version
  std::vector<int64_t> kept_versions;  // version folders in the store, ascending (current included)
  int64_t partitions = 0;
  int64_t rows = 0;
  std::optional<int64_t> bytes;  // parquet: bytes of the data files; tables: unknown (nullopt)
  int64_t files = 0;             // parquet: data files; tables: partition tables
  int64_t missing_files = 0;     // parquet: files the manifest lists that are not on disk
  std::string checksum;          // order-independent content checksum of all rows (decimal)
  int64_t min_partition_rows = 0, median_partition_rows = 0, max_partition_rows = 0;
  std::vector<ColumnInfo> columns;
  // The operation that published the current version.
  std::string last_operation = "run";
  std::string last_operation_at;      // UTC, ISO 8601
  std::string source;                 // what it read, e.g. "table events in analytics.db"
  std::optional<int64_t> writer_pid;  // parquet: a live process holds the store's lock now
  std::vector<std::string>
      leftovers;  // parquet: what an interrupted operation left (see recover.h)
};

// Describes the Parquet dataset at `dir`. Throws InputError when `dir` holds no dataset or
// its manifest cannot be read.
DatasetInfo DescribeDataset(const std::string& dir);
// The same from `manifest`, the dataset's current manifest as the caller read it (so that a
// caller that needs the manifest too reads it once).
DatasetInfo DescribeDataset(const std::string& dir, const Manifest& manifest);

// Describes the partition tables of `schema` in the DuckDB file `database` (an empty
// schema: the only duckpart schema there). Throws InputError when there is no such file or
// schema; a file locked by a writer fails as DuckDB reports it.
DatasetInfo DescribeTables(const std::string& database, const std::string& schema,
                           const EngineOptions& engine);

}  // namespace duckpart

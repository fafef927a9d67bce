// The planner: from a source and a spec to the exact list of partitions.
//
//   Workspace ws(source, engine);
//   Plan plan = MakePlan(ws, ParseSpec("month(ts)"), PlanOptions{});
//   for (const auto& p : plan.partitions) std::cout << p.path << " " << p.rows << "\n";
//
// Every row maps to exactly one partition through a pure SQL expression of the row
// (ResolvedField::key_sql), so gaps and overlaps are impossible by construction. NULL
// keys form their own partition. The planning pass also records, per partition, the
// order-independent content checksum of its rows: the writer and the validator prove
// conservation against it.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "duckpart/source.h"
#include "duckpart/spec.h"

namespace duckpart {

// The version of the transforms' SQL that a plan uses and a manifest records.
//   1: bucket(N, c) is DuckDB's hash(c) % N (not stable across types or DuckDB releases);
//      truncate of a DECIMAL steps by W in the column's units; years are labelled unpadded.
//   2: the transforms of Apache Iceberg: bucket is Iceberg's Murmur3 bucket (the SQL function
//      duckpart_bucket), truncate of a DECIMAL steps by W units of its last digit (the
//      unscaled value), and year/month/day/hour labels are Iceberg's (4-digit years).
// A dataset keeps the version it was written with: its manifest holds each field's SQL.
inline constexpr int kTransformVersion = 2;
inline constexpr int kFirstTransformVersion = 1;

// One boundary of a range or quantile field: rows with `column < sql` (or `<=` when
// inclusive) fall below it. Cuts are in ascending order; a heavy value h of a quantile
// field gives two cuts, `< h` and `<= h`, so [h, h] is a partition of its own.
struct Cut {
  bool inclusive = false;
  std::string sql;   // a literal of the column's type, e.g. CAST('2024-01-01' AS DATE)
  std::string text;  // the value for people, e.g. 2024-01-01
  bool operator==(const Cut&) const = default;
};

// A spec field bound to a column of the source.
struct ResolvedField {
  Field field;
  std::string column_type;
  // SQL giving the field's key from a row (columns referenced by quoted name). Typed:
  // DATE for month/day, TIMESTAMP for hour, INTEGER year, BIGINT bucket/range/quantile
  // index, the column's type for identity and truncate. NULL for NULL input.
  std::string key_sql;
  // SQL giving the VARCHAR path value from the key, with the key written as `$k`.
  std::string label_sql;
  // range and quantile: the ordered cuts; the field's key is the index of the first
  // cut the value falls below (0..cuts.size()).
  std::vector<Cut> cuts;
  int64_t heavy_values = 0;  // quantile: values that got a partition of their own
  // quantile: "exact" or "approximate (...)".
  std::string quantile_method;
};

// One file of a partition (Parquet targets), relative to the dataset root.
struct PartitionFile {
  std::string path;  // e.g. "ts_month=2024-01/data_0.parquet"
  int64_t rows = 0;
  int64_t bytes = 0;
  bool operator==(const PartitionFile&) const = default;
};

// One partition, the same record through plan, write, manifest and both targets: the
// planner fills the key, rows and checksum; a target adds where the rows went (files of
// a Parquet dataset, or the table of a partition-tables target).
struct Partition {
  int64_t id = 0;                                // dense, in key order, NULLs last
  std::vector<std::optional<std::string>> keys;  // per field, the path value; nullopt = NULL
  std::string path;                              // Hive path "ts_month=2024-01/..."
  // range/quantile fields: human-readable bounds of this partition's range, per field
  // ("[10, 20)"); empty for other transforms.
  std::vector<std::string> ranges;
  int64_t rows = 0;
  std::string checksum = "0";        // decimal sum of 64-bit row hashes (HUGEINT)
  int64_t est_bytes = 0;             // the plan's estimate of uncompressed bytes
  int64_t bytes = 0;                 // bytes written (Parquet files)
  std::vector<PartitionFile> files;  // Parquet target: the partition's files
  std::string table;                 // partition-tables target: the table's name
};

struct ColumnStats {
  std::string column, type;
  int64_t nulls = 0;
  int64_t distinct_estimate = 0;
  std::string min, max;  // as text; empty when all NULL
};

struct Balance {
  int64_t partitions = 0;
  double mean = 0, median = 0, stddev = 0, cv = 0, max_over_median = 0;
  std::string verdict;                // "balanced", "skewed", "empty"
  std::vector<std::string> warnings;  // each a sentence with advice
};

struct PlanOptions {
  int64_t max_partitions_warning = 10000;
  int64_t small_partition_rows = 0;              // 0 = derived: warn below 1/1000 of the mean
  int64_t exact_quantile_max_rows = 50'000'000;  // above this, approximate quantiles
  // The transforms' SQL: kTransformVersion for new datasets, a dataset's own for its data.
  int transform_version = kTransformVersion;
  // An estimate of the distinct values of each spec column (ColumnStats), for what `plan`
  // shows; a run does without it (a hash of every value: 0.3 to 0.4 s of 20M timestamps).
  bool distinct_estimates = true;
  // Called as each step of the planning begins: "stats" (the column statistics), "fields"
  // (resolving the spec: quantile boundaries), "keys" (the pass that enumerates the
  // partitions), "partitions" (reading them back).
  std::function<void(const char* step)> on_step;
};

struct Plan {
  Spec spec;
  std::string source;  // SourceOptions::Describe()
  std::vector<ColumnInfo> schema;
  std::vector<ResolvedField> fields;
  std::vector<ColumnStats> stats;  // per spec column
  std::vector<Partition> partitions;
  int64_t total_rows = 0;
  std::string total_checksum = "0";
  int64_t est_bytes = 0;
  Balance balance;
  int transform_version = kTransformVersion;  // of the fields' SQL (PlanOptions)
};

// Analyses the source, resolves the spec and enumerates the partitions in one pass
// over the source (plus one for quantile boundaries). Creates the temporary table
// `__duckpart_keys` (key columns k0..kn, pid, rows, checksum) in the workspace for
// the writer. Throws InputError when the spec does not fit the source (unknown
// column, a transform that does not fit the type, unparseable dates).
Plan MakePlan(Workspace& ws, const Spec& spec, const PlanOptions& options);

// Balance statistics over partition row counts.
Balance ComputeBalance(const std::vector<int64_t>& rows, const PlanOptions& options);

nlohmann::json ToJson(const Plan& plan);
nlohmann::json ToJson(const ResolvedField& field);
ResolvedField ResolvedFieldFromJson(const nlohmann::json& json);

}  // namespace duckpart

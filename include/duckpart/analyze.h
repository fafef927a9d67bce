// Balance analysis of an existing dataset, from its metadata only: the manifest (and,
// where the manifest lists no files for a partition, the Parquet footers of the files in
// that partition's folder, read with DuckDB's parquet_file_metadata()); never a scan of
// the rows. Partition tables (`run --to-db`) are read from their catalog tables
// (_duckpart_spec, _duckpart_partitions) and DuckDB's storage metadata.
//
//   AnalysisReport r = AnalyzeDataset("out/events", AnalyzeOptions{}, EngineOptions{});
//   r.rows.cv;                       // coefficient of variation of rows per partition
//   r.verdict;                       // "good", "uneven" or "empty"
//   for (const Finding& f : r.findings) std::cout << f.message << "\n  " << f.command;
//
// Cost: time and memory are proportional to the number of partitions and files (the
// manifest), independent of the rows and bytes of the data: 23,000 partitions take well
// under a second (see analyze_test and the report of the branch).
//
// Findings and the command that fixes each (commands of `duckpart rebalance` and
// `duckpart repartition`):
//   split        partitions over split_over_target x the target rows or over
//                split_over_median x the median: range/quantile specs `rebalance DIR
//                --target-rows N`, other specs `repartition DIR --by "<finer spec>"`
//   merge        partitions under merge_under_target x the target rows: `rebalance` for
//                range/quantile specs, else `repartition` with a coarser spec
//   compact      files below small_file_ratio or above large_file_ratio x the target file
//                size (Iceberg's rule) where a rewrite can help (a partition holding two
//                or more small files, or an oversized file): `rebalance DIR --compact
//                [--partition PATH]`
//   empty        partitions without rows: `repartition DIR --by "<same spec>"` drops them
//   too_many_partitions  more than max_partitions, or a median partition under
//                min_median_partition_bytes: a coarser spec
//   too_few_partitions   the mean partition over split_over_target x the target rows:
//                a finer spec
//   skewed_key   the largest partition over split_over_median x the median: a better spec
//                (a finer time transform, e.g. day(ts) for one heavy month; bucket(N, col)
//                nested under a heavy identity or bucket value; rebalance for ranges)
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "duckpart/manifest.h"
#include "duckpart/source.h"

namespace duckpart {

struct AnalyzeOptions {
  int64_t target_file_bytes = int64_t{512} << 20;  // Iceberg's and DuckLake's default
  // 0 = derived: the rows of one target-size file at the dataset's bytes per row
  // (target_file_bytes * total_rows / total_bytes).
  int64_t target_rows = 0;
  double uneven_cv = 0.3;  // verdict "good" below this CV of rows per partition
  double split_over_target = 2.0;
  double split_over_median = 5.0;
  double merge_under_target = 0.5;
  double small_file_ratio = 0.75;
  double large_file_ratio = 1.8;
  int64_t max_partitions = 10'000;
  int64_t min_median_partition_bytes = int64_t{1} << 20;
  size_t max_listed = 20;  // partitions named in each finding (the count is always exact)
};

// Summary statistics of one quantity over the partitions (population statistics).
struct Distribution {
  int64_t count = 0;
  double sum = 0, mean = 0, stddev = 0, cv = 0, median = 0, min = 0, max = 0;
  double max_over_median = 0;  // 0 when the median is 0
  double gini = 0;             // 0 = all equal, toward 1 = one holds everything
};

// Mean, standard deviation, CV, median (mean of the middle two for an even count),
// max/median and Gini coefficient of `values`. An empty input gives all zeros.
Distribution Describe(std::vector<double> values);

struct PartitionStats {
  int64_t id = 0;
  std::string path;  // Hive path
  std::vector<std::optional<std::string>> keys;
  int64_t rows = 0, bytes = 0, files = 0;
  int64_t smallest_file = 0, largest_file = 0;  // bytes; 0 without files
  std::vector<int64_t> file_sizes;              // bytes of each file
  std::string table;                            // partition tables: the table's name; else empty
};

enum class Severity { kInfo, kWarning };
const char* SeverityName(Severity s);  // "info", "warning"

struct Finding {
  std::string kind;  // split, merge, compact, empty, too_many_partitions, ...
  Severity severity = Severity::kWarning;
  std::string message;  // one sentence for people, with the figures
  std::string command;  // the exact duckpart command that fixes it; empty when none can
  int64_t count = 0;    // partitions (or files, for compact) concerned
  std::vector<std::string> partitions;  // up to max_listed of their paths
};

struct FileBand {
  int64_t files = 0, below = 0, within = 0, above = 0;  // against the target band
  int64_t low_bytes = 0, high_bytes = 0;                // the band's edges
};

struct AnalysisReport {
  std::string target;                 // "out/events" or "analytics.db schema events_parts"
  std::string kind;                   // "parquet" or "tables"
  std::string dir, database, schema;  // how commands name the target
  int64_t version = 0;
  std::string spec, source, created_at;
  int64_t total_rows = 0, total_bytes = 0, total_files = 0;
  int64_t target_rows = 0, target_file_bytes = 0;
  bool target_rows_derived = false;
  std::vector<PartitionStats> partitions;  // in key order (manifest order)
  Distribution rows, bytes;                // over partitions
  FileBand file_band;
  std::string verdict;  // "good", "uneven", "empty"
  std::vector<Finding> findings;
  AnalyzeOptions options;    // the thresholds applied
  int64_t footer_files = 0;  // files whose figures came from Parquet footers
  double seconds = 0;
  // True when a finding of warning level exists.
  bool HasWarnings() const;
};

// The analysis of a loaded manifest and its per-partition statistics; the core used by
// both targets (pure: no IO). `report` arrives with target, kind, names, partitions and
// file sizes filled; this fills totals, distributions, the band, verdict and findings.
// `manifest` gives the spec, its fields and the schema, used for advice.
void AnalyzeLoaded(const Manifest& manifest, const AnalyzeOptions& options, AnalysisReport& report);

// Analyzes the Parquet dataset at `dir`. Throws InputError when `dir` is missing or
// holds no duckpart dataset, or an option is out of range (see CheckOptions).
AnalysisReport AnalyzeDataset(const std::string& dir, const AnalyzeOptions& options,
                              const EngineOptions& engine);

// Analyzes the partition tables of `schema` in the DuckDB file `database` (opened
// read-only; an empty schema means the only duckpart schema there). Table bytes are the
// storage blocks each table uses. Throws InputError for a missing database or schema.
AnalysisReport AnalyzeTables(const std::string& database, const std::string& schema,
                             const AnalyzeOptions& options, const EngineOptions& engine);

// Throws InputError naming the option when a threshold is out of range (target file size
// between 1 KiB and 1 TiB, target rows at most 10^12, ratios positive and ordered).
void CheckOptions(const AnalyzeOptions& options);

// The report as JSON: summary, distributions, file band, findings, and per partition
// path, rows, bytes, files, smallest and largest file.
nlohmann::json ToJson(const AnalysisReport& report);

// A self-contained HTML page (no network, no external scripts or styles): summary,
// findings with their commands, an inline SVG bar per partition of rows in key order,
// and the file size distribution against the target band.
std::string RenderHtml(const AnalysisReport& report);

}  // namespace duckpart

// Granularities: the partition specs the benchmark measures, as duckpart specs and as what a
// person would write for DuckDB's native COPY and for one COPY ... WHERE per partition.
//
//   Granularity g = MustGranularity("bucket1024");  // g.spec == "bucket(1024, user_id)"
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bench {

struct Granularity {
  enum class Kind { kTime, kHash, kQuantile };
  std::string id;     // "month", "day", "hour", "bucket1024", "quantile16", "wide_day", "idbucketN"
  std::string label;  // shown in the tables
  std::string table;
  std::string spec;   // duckpart run --by
  std::string field;  // the Hive partition column in the native output
  Kind kind = Kind::kTime;
  std::string unit;    // time: date_trunc unit
  std::string format;  // time: strftime format of the key
  std::string column;  // hash, quantile: the column
  int64_t n = 0;       // hash: buckets; quantile: quantiles
};

// The granularity named `id`, or nullopt for an unknown id (or a count that is not positive).
std::optional<Granularity> MakeGranularity(const std::string& id);

// As MakeGranularity; throws std::invalid_argument for an unknown id.
Granularity MustGranularity(const std::string& id);

}  // namespace bench

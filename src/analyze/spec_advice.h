// Advice on a dataset's spec: a finer one for partitions that are too large or skewed,
// a coarser one for partitions that are too small or too many. The field changed is the
// spec's last (finest) field; time transforms step one unit (year, month, day, hour),
// buckets and quantiles change their count, identity and bucket keys with a heavy value
// get a nested bucket(N, col) over another column of the schema.
#pragma once

#include <cstdint>
#include <optional>

#include "duckpart/manifest.h"
#include "duckpart/spec.h"

namespace duckpart::analyze {

struct SpecFigures {
  int64_t partitions = 0;
  double total_rows = 0, median_rows = 0, max_rows = 0;
  int64_t target_rows = 0;  // 0 when unknown
  int64_t max_partitions = 10'000;
};

// A spec whose partitions are smaller than the largest today, or nullopt when the last
// field is a range or quantile (which `rebalance` re-cuts) or nothing fits.
std::optional<Spec> FinerSpec(const Manifest& m, const SpecFigures& f);
// A spec with fewer, larger partitions, or nullopt (range fields, one coarse field).
std::optional<Spec> CoarserSpec(const Manifest& m, const SpecFigures& f);
// True when the spec has a range or quantile field, whose cuts `rebalance` can move.
bool HasRangeField(const Spec& spec);
// The column a nested bucket should hash: not in the spec, an id-like column first
// ("id", "*_id"), then any integer, string or UUID column. Empty when none.
std::string BucketColumn(const Manifest& m);
// Power of two in [2, 1024] bringing `rows` to at most `goal` per bucket.
int64_t BucketCount(double rows, double goal);

}  // namespace duckpart::analyze

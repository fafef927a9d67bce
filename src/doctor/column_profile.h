// What `duckpart doctor` learns about a source column in one scan, and what it means for
// partitioning.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duckpart/doctor.h"
#include "duckpart/source.h"
#include "duckpart/spec.h"
#include "plan/column_types.h"

namespace duckpart::doctor {

struct ColumnProfile {
  std::string name, type;
  plan::TypeClass type_class = plan::TypeClass::kOther;
  std::string nullable = "unknown";  // "yes", "no" (a NOT NULL table column), "unknown"
  int64_t rows = 0, nulls = 0, distinct = 0;
  std::string min, max;  // as text; empty when all NULL or not comparable
  // VARCHAR columns: values that CAST AS TIMESTAMP accepts (-1 for other types).
  int64_t castable_to_timestamp = -1;
  // Time columns and VARCHAR dates: hours between the first and the last finite value (-1 none).
  int64_t span_hours = -1;
  // A VARCHAR column whose values are mostly dates.
  bool LooksLikeDates() const;
  // Non-NULL values CAST AS TIMESTAMP would refuse (0 unless LooksLikeDates()).
  int64_t BadDates() const;
};

// At most this many columns are profiled in one doctor run; --column picks one.
inline constexpr size_t kMaxProfiledColumns = 400;

// One scan of the source for the given columns (NULLs, min, max, approximate distinct
// values, VARCHAR values that cast to TIMESTAMP), plus nullability from the catalog when
// the source is a table.
std::vector<ColumnProfile> ProfileColumns(Workspace& ws, const std::vector<ColumnInfo>& columns);

// The transforms that fit the column, e.g. {"month", "day", "bucket", "quantile"}.
std::vector<std::string> FittingTransforms(const ColumnProfile& column);

// The check of one column: PASS, or WARN for VARCHAR dates that would not cast, an all-NULL
// column, or identity over more than `max_partitions` values (named in the advice).
DoctorCheck ColumnCheck(const ColumnProfile& column, int64_t max_partitions);

// A spec for the source (month(ts), bucket(8, user_id)), with no fields when none fits:
// a time column first, at the finest of year/month/day/hour that keeps at least 10,000 rows
// per partition within `max_partitions`; else identity of a column with at most 64 values;
// else a bucket of the column with the most distinct values.
Spec SuggestSpec(const std::vector<ColumnProfile>& columns, int64_t max_partitions);

}  // namespace duckpart::doctor

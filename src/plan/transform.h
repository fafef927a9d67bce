// Binds spec fields to source columns: the key and label SQL of each transform, and
// the cuts of range and quantile fields.
#pragma once

#include <cstdint>
#include <string>

#include "duckpart/plan.h"
#include "duckpart/source.h"
#include "plan/range_key.h"

namespace duckpart::plan {

// Resolves one field. `nonnull_rows` is the column's count of non-NULL values (for
// quantile). Throws InputError when the transform does not fit the column.
ResolvedField ResolveField(Workspace& ws, const Field& field, int64_t nonnull_rows,
                           const PlanOptions& options);

// Replaces every `$k` in label_sql by key_sql.
std::string LabelOf(const std::string& label_sql, const std::string& key_sql);

// The range of a range or quantile field's partition `index` for people: "[10, 20)".
std::string RangeText(const std::vector<Cut>& cuts, int64_t index);

// True for time transforms (year, month, day, hour).
bool IsTimeTransform(Transform t);

}  // namespace duckpart::plan

// What other readers cannot read back exactly, found from a plan's partition values.
//
//   for (auto& w : plan::ReaderWarnings(ws, plan.fields)) plan.balance.warnings.push_back(w);
//
// The files hold every source column, and no field is named like one (field_names.h), so a
// Hive read returns the source's columns exactly. The partition columns a reader adds from
// the paths are another matter, whatever the path says (measured, see README "Readers"):
// - Polars and DuckDB 1.4 decode a path before comparing it with __HIVE_DEFAULT_PARTITION__,
//   so the string '__HIVE_DEFAULT_PARTITION__' reads back as the NULL partition;
// - DuckDB (1.4, 1.5) infers DATE when every value of a field is a date, so
//   '2024-1-1' reads back as 2024-01-01; it keeps VARCHAR for '007';
// - Polars (hive partitioning on, its default for a folder) infers Int64 or Float64 when
//   every value is a number, so '007' reads back as 7, and parses dates and timestamps.
#pragma once

#include <string>
#include <vector>

#include "duckpart/plan.h"
#include "duckpart/source.h"

namespace duckpart::plan {

// One warning per field and kind of loss, naming up to three values, the readers and the
// exact way to read them. Reads the label columns of the keys table (__dp_l<i>) that
// MakePlan builds in `ws`; empty when every reader reads every value exactly.
std::vector<std::string> ReaderWarnings(Workspace& ws, const std::vector<ResolvedField>& fields);

}  // namespace duckpart::plan

// The new cuts of a rebalanced range or quantile field: the old cuts around the groups it
// keeps, none inside a merged group, and cuts at a split group's own quantiles.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/database.h"
#include "duckpart/manifest.h"
#include "ops/rebalance_layout.h"

namespace duckpart::ops {

// The cuts that split `rows_sql` (typed rows of one group, `rows` of them) into about
// `pieces` ranges of the field's column: at its quantiles (exact up to the planner's
// exact_quantile_max_rows, approximate above except for strings), and around every value
// holding `heavy_rows` or more rows (a range of its own, between a cut at the value and one
// at the next value). All exclusive, ascending, strictly inside the rows' values.
std::vector<Cut> SplitCuts(db::Connection& conn, const std::string& rows_sql,
                           const ResolvedField& field, int64_t rows, int64_t pieces,
                           int64_t heavy_rows);

// The field's cuts for the new layout: for each group of non-NULL partitions in order its
// `inner` cuts, then (except after the last) the old upper cut of its last member; empty
// ranges between groups go to the group after. `first_index` receives, per group, the new
// range index of its first piece (-1 for the NULL partition's group).
std::vector<Cut> LayoutCuts(const Manifest& m, const std::vector<LayoutGroup>& groups,
                            const std::vector<std::vector<Cut>>& inner,
                            std::vector<int64_t>& first_index);

// The field with `cuts`: key and label SQL, and the spec's bounds (range) or N (quantile)
// to match.
ResolvedField WithCuts(const ResolvedField& field, std::vector<Cut> cuts);

// The range index a partition's key names (its zero-padded label); -1 for NULL.
int64_t RangeIndex(const Partition& p);

}  // namespace duckpart::ops

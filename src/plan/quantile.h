// Cuts for range and quantile fields.
#pragma once

#include <cstdint>
#include <string>

#include "duckpart/plan.h"
#include "duckpart/source.h"

namespace duckpart::plan {

// Checks that every cut casts to the column's type and that they strictly increase.
// Throws InputError naming the first bad bound.
void CheckCutsIncrease(Workspace& ws, const ResolvedField& field);

// Computes the cuts of quantile(N, column) so that the N ranges hold about equal rows.
// A value holding more than 1/N of the non-NULL rows becomes a partition of its own
// (two cuts, `< h` and `<= h`); the other values get N minus that many partitions,
// shared among the segments between heavy values in proportion to their rows, so the
// count stays near N. Exact (quantile_disc) up to options.exact_quantile_max_rows,
// approximate (approx_quantile) above, except for strings (always exact).
void ComputeQuantileCuts(Workspace& ws, ResolvedField& field, int64_t nonnull_rows,
                         const PlanOptions& options);

// Label SQL for a range index: zero-padded to the width of the largest index.
std::string IndexLabelSql(size_t cuts);

}  // namespace duckpart::plan

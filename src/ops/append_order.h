// The partition ids of an append that creates partitions, in key order as `run` numbers them
// (ops/append_operation.h): new partitions take their place among the old ones in the
// manifest, the listing and the catalog, instead of coming after them.
#pragma once

#include <cstdint>
#include <vector>

#include "db/database.h"
#include "ops/target.h"

namespace duckpart::ops {

// Renumbers change.plan.partitions densely in key order (per field: typed values of identity
// and truncate fields, numbers of bucket, range and quantile fields, the zero-padded labels of
// time fields; NULL last) and sorts them so; Change::shared_files, Change::written and `ids`
// (partition ids of the append's key groups) follow.
void RenumberInKeyOrder(db::Connection& conn, const std::vector<ResolvedField>& fields,
                        Change& change, std::vector<int64_t>& ids);

}  // namespace duckpart::ops

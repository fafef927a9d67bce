// The comparison of a written target with its source, shared by both targets'
// validators: one pass over the source through the stored key expressions gives rows and
// content checksum per partition key, compared with the target's partitions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "duckpart/manifest.h"
#include "duckpart/source.h"
#include "duckpart/validate.h"

namespace duckpart::check {

// Rows and content checksum per partition key (the path values), the source's rows hashed
// as the dataset of `schema` hashes them (its added columns: RowHashSql).
using KeyCounts =
    std::map<std::vector<std::optional<std::string>>, std::pair<int64_t, std::string>>;
KeyCounts SourceKeyCounts(Workspace& ws, const std::vector<ResolvedField>& fields,
                          const std::vector<ColumnInfo>& schema);

// hash(CAST(r.c1 AS T1), ...): the row hash of the planner, over values read back.
std::string CastRowHashSql(const std::vector<ColumnInfo>& columns);

// Problems, one sentence each, where `partitions` (of a target described as `what`,
// e.g. "the dataset") differ from the source: a partition whose rows or checksum differ,
// one the source has no rows for, source rows no partition holds, and columns whose name
// or type differ from `m.schema`.
std::vector<ValidationProblem> CompareWithSource(Workspace& ws, const Manifest& m,
                                                 const std::vector<Partition>& partitions,
                                                 const std::string& what);

}  // namespace duckpart::check

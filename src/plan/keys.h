// The SQL pieces that tie rows to partitions and prove their content, shared by the
// planner, both targets, the verifiers and the validators.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "duckpart/plan.h"

namespace duckpart {

// SQL of the order-independent content checksum over the given columns:
// coalesce(sum(hash(c1, c2, ...)::HUGEINT), 0).
std::string ChecksumSql(const std::vector<ColumnInfo>& columns, const std::string& qualifier = "");
// hash(c1, c2, ...): the 64-bit hash of one row. Columns added to a dataset after its
// first version (ColumnInfo::added_in) count only up to the last one that is not NULL:
//   CASE WHEN a2 IS NOT NULL THEN hash(c1, c2, a1, a2) WHEN a1 IS NOT NULL THEN
//   hash(c1, c2, a1) ELSE hash(c1, c2) END
// so a row written before a column was added hashes as it did then, and the checksums of
// unchanged partitions stay true without reading them again.
std::string RowHashSql(const std::vector<ColumnInfo>& columns, const std::string& qualifier = "");
// The same over expressions of the columns (e.g. each cast to its type).
std::string RowHashSqlOf(const std::vector<ColumnInfo>& columns,
                         const std::function<std::string(const ColumnInfo&)>& expr);
// Whether any column was added after the first version: the dataset's files then differ
// in their columns, and a reader unites them by name.
bool HasAddedColumns(const std::vector<ColumnInfo>& columns);

// " JOIN (SELECT __dp_k0.., pid AS __dp_pid FROM __duckpart_keys) AS k ON <keys match>":
// joins the source (aliased `s`, its columns referenced unqualified) to the keys table of
// MakePlan, exposing only __dp_-prefixed columns so no source column can clash; each row
// then has its partition id as k.__dp_pid.
std::string KeysJoinSql(const std::vector<ResolvedField>& fields);

// "SELECT s.*, k.__dp_pid FROM <relation> AS s JOIN ...": every source row with the id
// of its partition.
std::string RowsWithPartitionSql(const std::string& relation,
                                 const std::vector<ResolvedField>& fields);

}  // namespace duckpart

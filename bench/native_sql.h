// The SQL a person would write for DuckDB's own partitioned writes of a granularity: the key
// expression for COPY ... PARTITION_BY, and one WHERE filter per partition.
#pragma once

#include <string>
#include <vector>

#include "db/database.h"
#include "granularity.h"

namespace bench {

// The SQL expression of the partition key, as a person would write it for PARTITION_BY.
// Quantile keys read the column's boundaries from the table. Throws db::DbError.
std::string KeySql(duckpart::db::Connection& conn, const Granularity& g);

struct PartitionFilter {
  std::string label;      // the folder's value
  std::string predicate;  // WHERE clause
};

// One filter per non-empty partition, as people write them by hand: a half-open time range,
// a hash equality, a value range between quantile boundaries. Throws db::DbError.
std::vector<PartitionFilter> PartitionFilters(duckpart::db::Connection& conn, const Granularity& g);

}  // namespace bench

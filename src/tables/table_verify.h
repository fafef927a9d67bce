// Proves partition tables in a DuckDB database against what they should hold: per table
// the row count, the order-independent content checksum and placement (every row's key,
// recomputed through the spec, is the key of its table); the set of tables (none missing,
// none extra); each table's columns and types; the totals; and the view over them.
// Used inside the writer's transaction (before COMMIT) and by `validate`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/database.h"
#include "duckpart/manifest.h"
#include "duckpart/table_run.h"
#include "duckpart/validate.h"

namespace duckpart::tables {

struct TableVerifyReport {
  std::vector<ValidationProblem> problems;  // each naming the partition or table
  int64_t tables = 0;                       // expected tables found
  int64_t rows = 0;                         // rows read back from them
  std::string checksum = "0";
  bool ok() const { return problems.empty(); }
};

// `catalog`.`schema` holds the tables; `m` gives fields, column schema and totals;
// `expected` the partitions with their table names, rows and checksums. An empty
// `view_name` skips the view check. Unreadable tables are reported, not thrown
// (interrupts are rethrown).
TableVerifyReport VerifyTables(db::Connection& conn, const std::string& catalog,
                               const std::string& schema, const Manifest& m,
                               const std::vector<Partition>& expected,
                               const std::string& view_schema, const std::string& view_name);

// Decimal text of a HUGEINT sum and its parse, for totals of per-partition checksums.
std::string AddDecimal(const std::string& a, const std::string& b);

}  // namespace duckpart::tables

// Finds a --table in the source database as DuckDB finds a name: `events`, `EVENTS` and
// `main.events` are the same table; `s2.t` is table t of schema s2. A table whose own name
// holds a dot (`"a.b"`) is found by that name first.
//
//   const auto t = FindSourceTable(conn, "src", "s2.T");   // {"s2", "t"}
#pragma once

#include <optional>
#include <string>

#include "db/database.h"

namespace duckpart::plan {

struct TableName {
  std::string schema;
  std::string table;  // as the catalog spells them
};

// The table or view `name` of catalog `database`, or nullopt when there is none. Tried in
// order: the exact name in schema main, the name in main ignoring case, then
// SCHEMA.TABLE ignoring case.
std::optional<TableName> FindSourceTable(db::Connection& conn, const std::string& database,
                                         const std::string& name);

}  // namespace duckpart::plan

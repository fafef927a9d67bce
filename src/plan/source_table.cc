#include "plan/source_table.h"

#include "db/sql.h"

namespace duckpart::plan {
namespace {

// The first object of `database` (tables, then views) matching the condition on
// (schema_name, name), best match first.
std::optional<TableName> First(db::Connection& conn, const std::string& database,
                               const std::string& where) {
  db::Result r = conn.Query(
      "SELECT schema_name, name FROM (SELECT database_name, schema_name, table_name AS name FROM "
      "duckdb_tables() UNION ALL SELECT database_name, schema_name, view_name FROM "
      "duckdb_views()) WHERE database_name = " +
      db::QuoteLiteral(database) + " AND " + where + " ORDER BY schema_name, name LIMIT 1");
  if (r.RowCount() == 0) return std::nullopt;
  return TableName{r.GetString(0, 0), r.GetString(0, 1)};
}

}  // namespace

std::optional<TableName> FindSourceTable(db::Connection& conn, const std::string& database,
                                         const std::string& name) {
  const std::string lit = db::QuoteLiteral(name);
  if (auto t = First(conn, database, "schema_name = 'main' AND name = " + lit)) return t;
  if (auto t = First(conn, database, "schema_name = 'main' AND lower(name) = lower(" + lit + ")"))
    return t;
  const size_t dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) return std::nullopt;
  return First(conn, database,
               "lower(schema_name) = lower(" + db::QuoteLiteral(name.substr(0, dot)) +
                   ") AND lower(name) = lower(" + db::QuoteLiteral(name.substr(dot + 1)) + ")");
}

}  // namespace duckpart::plan

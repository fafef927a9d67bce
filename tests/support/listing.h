// Before/after listings for tests that prove a command changed nothing it did not make:
// every file under a folder with its size and content hash, and every object of a DuckDB
// database with its kind, definition or row count and content checksum.
//
//   const auto before = FileListing(dir);
//   ... a command that must leave dir alone ...
//   EXPECT_EQ(FileListing(dir), before);
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "db/database.h"
#include "db/sql.h"

namespace duckpart::testing {

// Relative path → "dir", "link -> target" or "<size> bytes, hash <h>" for each entry.
inline std::map<std::string, std::string> FileListing(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  if (!fs::exists(fs::symlink_status(root))) return out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string rel = it->path().lexically_relative(root).string();
    if (it->is_symlink()) {
      out[rel] = "link -> " + fs::read_symlink(it->path()).string();
    } else if (it->is_directory()) {
      out[rel] = "dir";
    } else {
      std::ifstream in(it->path(), std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      const std::string data = bytes.str();
      out[rel] = std::to_string(data.size()) + " bytes, hash " +
                 std::to_string(std::hash<std::string>{}(data));
    }
  }
  return out;
}

// "schema.name" → "table: <rows> rows, checksum <c>" or "view: <sql>" (and sequences,
// macros and types by name) of every non-internal object in the database file.
inline std::map<std::string, std::string> ObjectListing(const std::string& database) {
  db::Database d(db::DatabaseOptions{.path = database, .access = db::Access::kReadOnly});
  db::Connection conn(d);
  std::map<std::string, std::string> out;
  db::Result tables = conn.Query(
      "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = "
      "current_database() AND NOT internal");
  for (uint64_t i = 0; i < tables.RowCount(); ++i) {
    const std::string name = db::QualifiedName(tables.GetString(i, 0), tables.GetString(i, 1));
    db::Result c = conn.Query(
        "SELECT count(*), CAST(coalesce(sum(hash(t)::HUGEINT), 0) AS "
        "VARCHAR) FROM " +
        name + " AS t");
    out[name] =
        "table: " + std::to_string(c.GetInt64(0, 0)) + " rows, checksum " + c.GetString(0, 1);
  }
  db::Result others = conn.Query(
      "SELECT schema_name || '.' || view_name, 'view: ' || sql FROM duckdb_views() WHERE "
      "database_name = current_database() AND NOT internal UNION ALL SELECT schema_name || '.' "
      "|| sequence_name, 'sequence' FROM duckdb_sequences() WHERE database_name = "
      "current_database() UNION ALL SELECT DISTINCT schema_name || '.' || function_name, 'macro' "
      "FROM duckdb_functions() WHERE database_name = current_database() AND NOT internal");
  for (uint64_t i = 0; i < others.RowCount(); ++i)
    out[others.GetString(i, 0)] = others.GetString(i, 1);
  return out;
}

}  // namespace duckpart::testing

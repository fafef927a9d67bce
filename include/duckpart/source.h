// Where rows come from, and the DuckDB session that reads them.
//
//   Workspace ws(SourceOptions{.db_path = "analytics.db", .table = "events"},
//                EngineOptions{.memory_limit = "1GB", .threads = 2});
//   ws.columns();    // the source's columns and types
//
// The workspace is an in-memory DuckDB with the source database ATTACHed READ_ONLY as
// "src", so the source is never modified. Files are read with read_parquet, read_csv or
// read_json by their extension.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace duckpart {
namespace db {
class Database;
class Connection;
}  // namespace db

struct SourceOptions {
  std::string db_path;  // --db
  std::string table;    // --table (with --db)
  std::string query;    // --query (with --db, or alone over files named in it)
  std::string from;     // --from: a path or glob of Parquet, CSV or JSON files
  // --date-format COL=FORMAT: VARCHAR column COL holds dates in DuckDB strptime FORMAT.
  std::vector<std::string> date_formats;
  // When set, what Describe() says (e.g. "version 3 of dataset out/events").
  std::string description;
  // A short human description ("table events in analytics.db").
  std::string Describe() const;
};

struct EngineOptions {
  std::string memory_limit = "1GB";  // DuckDB syntax
  int threads = 0;                   // 0 = all cores
  std::string temp_directory;        // spill folder; empty = a folder beside the target
  std::string max_temp_size;         // empty = DuckDB's default
  std::string timezone = "UTC";      // for TIMESTAMPTZ time transforms
};

struct ColumnInfo {
  std::string name;
  std::string type;  // DuckDB's type name, e.g. "TIMESTAMP WITH TIME ZONE", "DECIMAL(12,2)"
  // In a dataset's schema: the version whose append added the column (append
  // --allow-new-columns), 0 for a column of the first version. Added columns come last, in
  // the order added; files written before hold no such column (read as NULL), and the
  // row checksum leaves out trailing added columns that are NULL (see RowHashSql).
  int64_t added_in = 0;
};

class Workspace {
 public:
  // Opens the session and checks that the source exists. Throws InputError for a
  // missing database, table or file, or a query that does not bind.
  Workspace(const SourceOptions& source, const EngineOptions& engine);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // A SQL relation (a parenthesised subquery or a quoted name) reading the source.
  const std::string& relation() const { return relation_; }
  const std::vector<ColumnInfo>& columns() const { return columns_; }
  const SourceOptions& source() const { return source_; }
  const EngineOptions& engine() const { return engine_; }
  // The column with this exact name, or nullptr.
  const ColumnInfo* FindColumn(const std::string& name) const;
  // A comma-separated column list ("ts, id") as names, each checked to exist. Throws
  // InputError naming `option` and the first unknown column.
  std::vector<std::string> ColumnList(const std::string& list, const std::string& option) const;

 private:
  // The library's own code reaches the session through src/plan/workspace_access.h.
  friend db::Connection& WorkspaceConnection(Workspace& ws);
  SourceOptions source_;
  EngineOptions engine_;
  std::unique_ptr<db::Database> database_;
  std::unique_ptr<db::Connection> conn_;
  std::string relation_;
  std::vector<ColumnInfo> columns_;
};

}  // namespace duckpart

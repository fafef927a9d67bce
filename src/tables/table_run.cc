// Resolving the names of a partition-tables target, and listing the datasets of a
// database. The run itself is tables/tables_target.h driven by ops/driver.h.
#include "duckpart/table_run.h"

#include <filesystem>

#include "db/database.h"
#include "db/database_file.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "tables/table_layout.h"
#include "util/format.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

using util::Lower;

void CheckNames(const TableRunOptions& o) {
  static const char* kReserved[] = {"main",   "temp", "information_schema", "pg_catalog", "memory",
                                    "system", "src",  kTableTargetAlias};
  for (const char* r : kReserved) {
    if (Lower(o.schema) == r)
      throw InputError("--schema may not be '" + o.schema + "'; choose a schema of its own");
  }
  for (const auto* name : {&o.schema, &o.view}) {
    if (name->find('\0') != std::string::npos) throw InputError("names may not contain NUL bytes");
  }
  if (o.view.find('.') != std::string::npos) {
    throw InputError("--view '" + o.view +
                     "' has a dot: the view is created in the main schema, give its name alone");
  }
  // DuckDB names a database after its file's stem when it is opened; a schema of the same
  // name makes every `schema.table` in the view ambiguous for that reader.
  const std::string stem = fs::path(o.database).stem().string();
  if (!stem.empty() && Lower(o.schema) == Lower(stem)) {
    throw InputError("--schema '" + o.schema + "' has the name DuckDB gives the database '" +
                     o.database + "' when it is opened, so its view could not tell them apart; " +
                     "choose another --schema");
  }
}

// A target that exists must be a DuckDB database: DuckDB would otherwise open a Parquet
// or CSV file as an empty database in memory and save nothing.
void CheckTargetFile(const std::string& database) {
  const db::FileKind kind = db::KindOfFile(database);
  if (kind == db::FileKind::kMissing || kind == db::FileKind::kDuckDb) return;
  if (kind == db::FileKind::kNotAFile && fs::is_directory(database))
    throw InputError("--to-db '" + database + "' is a directory");
  throw InputError("--to-db '" + database + "' is " + db::Describe(kind) +
                   ", not a DuckDB database; name a new file or an existing database");
}

}  // namespace

std::string DatabaseSpillFolder(const std::string& database) { return database + ".duckpart-tmp"; }

TableRunOptions ResolveTableTarget(const TableRunOptions& options, const SourceOptions& source) {
  TableRunOptions o = options;
  if (o.database.empty()) throw InputError("--to-db FILE is required");
  const bool default_schema = o.schema.empty();
  if (default_schema) {
    if (source.table.empty())
      throw InputError("--schema NAME is required when the source is not a --table");
    o.schema = source.table + "_parts";
  }
  // Named after the table with the default schema, else after the schema given (so that
  // one table can be partitioned several ways side by side).
  if (o.view.empty()) o.view = (default_schema ? source.table : o.schema) + "_partitioned";
  CheckNames(o);
  CheckTargetFile(o.database);
  const fs::path parent = fs::absolute(o.database).parent_path();
  if (!fs::is_directory(parent))
    throw InputError("the folder of --to-db '" + o.database + "' does not exist");
  return o;
}

std::vector<std::string> ListTableDatasets(const std::string& database,
                                           const EngineOptions& engine) {
  if (!fs::exists(database)) throw InputError("database '" + database + "' does not exist");
  db::Database mem(db::DatabaseOptions{.memory_limit = engine.memory_limit,
                                       .threads = engine.threads,
                                       .temp_directory = engine.temp_directory});
  db::Connection conn(mem);
  tables::AttachReadOnly(conn, database);
  db::Result r =
      conn.Query("SELECT DISTINCT schema_name FROM duckdb_tables() WHERE database_name = " +
                 db::QuoteLiteral(kTableTargetAlias) +
                 " AND table_name = " + db::QuoteLiteral(kTableSpecTable) + " ORDER BY 1");
  std::vector<std::string> out;
  for (uint64_t i = 0; i < r.RowCount(); ++i) out.push_back(r.GetString(i, 0));
  return out;
}

}  // namespace duckpart

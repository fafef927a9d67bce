// RestoreTable: a backup file proved against its own metadata, then written into a table
// in one transaction that is proved against the file before COMMIT.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "db/database.h"
#include "db/session.h"
#include "db/sql.h"
#include "duckpart/backup.h"
#include "duckpart/error.h"
#include "ops/backup_file.h"
#include "plan/keys.h"
#include "store/fault.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;
using ops::FileStats;

// The checks that need nothing opened: the paths exist and are not the same file.
fs::path CheckRestoreInputs(const RestoreOptions& o) {
  if (o.from.empty()) throw InputError("--from FILE is required");
  if (o.db_path.empty()) throw InputError("--db FILE is required");
  if (o.table.empty()) throw InputError("--table NAME is required");
  std::error_code ec;
  if (!fs::exists(o.from, ec)) throw InputError("backup file '" + o.from + "' does not exist");
  if (!fs::is_regular_file(o.from, ec)) throw InputError("backup '" + o.from + "' is not a file");
  const fs::path db_path = fs::absolute(o.db_path).lexically_normal();
  if (!fs::is_directory(db_path.parent_path(), ec)) {
    throw InputError("the folder of database '" + o.db_path + "' does not exist");
  }
  if (fs::is_directory(db_path, ec)) throw InputError("--db '" + o.db_path + "' is a folder");
  if (fs::exists(db_path, ec) && fs::equivalent(db_path, o.from, ec)) {
    throw InputError("--from and --db name the same file");
  }
  return db_path;
}

db::DatabaseOptions EngineDatabase(const EngineOptions& engine, std::string path = "") {
  return db::DatabaseOptions{.path = std::move(path),
                             .memory_limit = engine.memory_limit,
                             .threads = engine.threads,
                             .temp_directory = engine.temp_directory,
                             .max_temp_directory_size = engine.max_temp_size};
}

// The file's key-value metadata and the columns it holds.
struct BackupFile {
  std::map<std::string, std::string> meta;
  std::vector<ColumnInfo> columns;
  bool HasRecord() const {
    return meta.contains("duckpart_rows") && meta.contains("duckpart_checksum") &&
           meta.contains("duckpart_schema");
  }
};

BackupFile ReadBackupFile(db::Connection& sc, const std::string& file, const std::string& shown) {
  BackupFile f;
  try {
    db::Result kv = sc.Query("SELECT decode(key), decode(value) FROM parquet_kv_metadata(" +
                             db::QuoteLiteral(file) + ")");
    for (uint64_t i = 0; i < kv.RowCount(); ++i) f.meta[kv.GetString(i, 0)] = kv.GetString(i, 1);
    db::Result d = sc.Query("DESCRIBE SELECT * FROM read_parquet(" + db::QuoteLiteral(file) +
                            ", hive_partitioning = false)");
    for (uint64_t i = 0; i < d.RowCount(); ++i)
      f.columns.push_back({d.GetString(i, 0), d.GetString(i, 1)});
  } catch (const db::DbError& e) {
    throw InputError("cannot read '" + shown + "' as Parquet: " + e.what());
  }
  return f;
}

// A type named by a file's metadata, checked to be one type and nothing else: it is
// pasted into SQL, so it must bind alone in a single statement with a single column.
void CheckTypeName(db::Connection& conn, const std::string& type) {
  bool ok = type.find(';') == std::string::npos && !type.empty();
  if (ok) {
    try {
      db::Result d = conn.Query("DESCRIBE SELECT CAST(NULL AS " + type + ") AS x");
      ok = d.RowCount() == 1;
    } catch (const db::DbError&) {
      ok = false;
    }
  }
  if (!ok) throw InputError("the backup's metadata names an invalid column type '" + type + "'");
}

// The recorded count, checksum and schema of a duckpart backup; the schema must name the
// file's own columns in order, each with a type that binds.
FileStats ReadRecord(db::Connection& sc, const BackupFile& f, const std::string& shown,
                     std::vector<ColumnInfo>& schema) {
  FileStats recorded;
  try {
    recorded = FileStats{std::stoll(f.meta.at("duckpart_rows")), f.meta.at("duckpart_checksum")};
    schema.clear();
    for (const auto& c : nlohmann::json::parse(f.meta.at("duckpart_schema"))) {
      schema.push_back({c.at("name").get<std::string>(), c.at("type").get<std::string>()});
    }
  } catch (const std::exception& e) {
    throw InputError("the duckpart metadata of '" + shown + "' is malformed: " + e.what());
  }
  if (schema.size() != f.columns.size()) {
    throw CheckFailed(
        fmt::format("backup '{}' is damaged: its metadata lists {} columns, the file has {}", shown,
                    schema.size(), f.columns.size()));
  }
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].name != f.columns[i].name) {
      throw CheckFailed("backup '" + shown + "' is damaged: column " + f.columns[i].name +
                        " is not the recorded " + schema[i].name);
    }
    CheckTypeName(sc, schema[i].type);
  }
  return recorded;
}

// Step 1: the file read back, proved against its record when it carries one. Fills the
// result's schema and returns what the table must hold.
FileStats ProveFile(const RestoreOptions& o, const std::string& file, RestoreResult& result) {
  db::Database scratch(EngineDatabase(o.engine));
  db::Connection sc(scratch);
  const BackupFile f = ReadBackupFile(sc, file, o.from);
  result.schema = f.columns;
  result.from_backup = f.HasRecord();
  std::optional<FileStats> recorded;
  if (result.from_backup) recorded = ReadRecord(sc, f, o.from, result.schema);
  if (result.schema.empty()) throw InputError("'" + o.from + "' has no columns");
  FileStats in_file;
  try {
    in_file = ops::ReadFileStats(sc, file, result.schema);
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kOutOfMemory || e.kind() == db::ErrorKind::kInterrupt) throw;
    throw CheckFailed("backup '" + o.from + "' cannot be read back as recorded: " + e.what());
  }
  if (recorded && *recorded != in_file) {
    throw CheckFailed(fmt::format(
        "backup '{}' is damaged: it holds {} rows with checksum {}, its metadata says {} "
        "and {}; the database was not touched",
        o.from, in_file.rows, in_file.checksum, recorded->rows, recorded->checksum));
  }
  return recorded.value_or(in_file);
}

bool TableExists(db::Connection& conn, const std::string& database, const std::string& table,
                 bool* is_view) {
  const std::string where =
      " WHERE database_name = " + db::QuoteLiteral(database) + " AND schema_name = 'main' AND ";
  const int64_t tables = conn.Query("SELECT count(*) FROM duckdb_tables()" + where +
                                    "table_name = " + db::QuoteLiteral(table))
                             .GetInt64(0, 0);
  const int64_t views = conn.Query("SELECT count(*) FROM duckdb_views()" + where +
                                   "view_name = " + db::QuoteLiteral(table))
                            .GetInt64(0, 0);
  *is_view = views > 0 && tables == 0;
  return tables + views > 0;
}

// Step 2: whether the table exists, asked read-only so a refusal changes nothing; a view
// of that name, or a table without `replace`, is refused.
bool ExistingTable(const fs::path& db_path, const RestoreOptions& o) {
  bool exists = false, is_view = false;
  try {
    db::Database ro(db::DatabaseOptions{.path = db_path.string(), .access = db::Access::kReadOnly});
    db::Connection c(ro);
    exists =
        TableExists(c, c.Query("SELECT current_database()").GetString(0, 0), o.table, &is_view);
  } catch (const db::DbError& e) {
    throw InputError("cannot open database '" + o.db_path + "': " + e.what());
  }
  if (is_view)
    throw InputError("'" + o.table + "' is a view in " + o.db_path +
                     "; restore only replaces tables");
  if (exists && !o.replace) {
    throw InputError("table '" + o.table + "' exists in " + o.db_path +
                     "; add --replace to replace it");
  }
  return exists;
}

std::string CastSelect(const std::vector<ColumnInfo>& schema) {
  std::string select;
  for (const auto& c : schema) {
    select += (select.empty() ? "" : ", ") + std::string("CAST(r.") + db::QuoteIdent(c.name) +
              " AS " + c.type + ") AS " + db::QuoteIdent(c.name);
  }
  return select;
}

// The statements of step 3 inside the open transaction: drop, create, fill, prove.
void FillTable(db::Connection& conn, const std::string& file, const RestoreResult& result,
               bool exists, const FileStats& want) {
  const std::string name = "main." + db::QuoteIdent(result.table);
  if (exists) conn.Execute("DROP TABLE " + name);
  conn.Execute("CREATE TABLE " + name + " AS SELECT " + CastSelect(result.schema) +
               " FROM read_parquet(" + db::QuoteLiteral(file) +
               ", hive_partitioning = false) AS r");
  db::Result got = conn.Query("SELECT count(*), CAST(" + ChecksumSql(result.schema) +
                              " AS VARCHAR) FROM " + name);
  const FileStats table{got.GetInt64(0, 0), got.GetString(0, 1)};
  if (table != want) {
    throw CheckFailed(
        fmt::format("the restored table holds {} rows with checksum {}, the backup {} and {}; "
                    "rolled back, the database is as it was",
                    table.rows, table.checksum, want.rows, want.checksum));
  }
}

// Step 3: one transaction that commits only a proved table.
void WriteTable(const fs::path& db_path, const std::string& file, const RestoreOptions& o,
                const RestoreResult& result, bool exists, const FileStats& want) {
  std::optional<db::Database> database;
  try {
    database.emplace(EngineDatabase(o.engine, db_path.string()));
  } catch (const db::DbError& e) {
    throw InputError("cannot open database '" + o.db_path + "' for writing: " + e.what());
  }
  db::Connection conn(*database);
  db::Transaction tx(conn);  // rolled back unless committed
  FillTable(conn, file, result, exists, want);
  store::Step(store::StepKind::kCommit, "restore " + result.table);
  tx.Commit();
}

}  // namespace

RestoreResult RestoreTable(const RestoreOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path db_path = CheckRestoreInputs(o);
  const std::string file = fs::absolute(o.from).string();
  RestoreResult result{.table = o.table};
  const FileStats want = ProveFile(o, file, result);
  result.rows = want.rows;
  result.checksum = want.checksum;
  std::error_code ec;
  result.created_database = !fs::exists(db_path, ec);
  const bool exists = !result.created_database && ExistingTable(db_path, o);
  ops::FileGuard new_db(result.created_database ? db_path.string() : "");
  WriteTable(db_path, file, o, result, exists, want);
  new_db.Dismiss();
  result.replaced = exists;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace duckpart

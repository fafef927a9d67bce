#include "duckpart/backup.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "check/source_compare.h"
#include "db/database.h"
#include "db/database_file.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/plan.h"
#include "duckpart/retry.h"
#include "plan/keys.h"
#include "plan/workspace_access.h"
#include "store/fs.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Stats {
  int64_t rows = 0;
  std::string checksum = "0";
};

// Count and checksum of a Parquet file read back, each column cast to its recorded type.
Stats FileStats(db::Connection& conn, const std::string& file,
                const std::vector<ColumnInfo>& schema) {
  db::Result r =
      conn.Query("SELECT count(*), CAST(coalesce(sum(CAST(" + check::CastRowHashSql(schema) +
                 " AS HUGEINT)), 0) AS VARCHAR) FROM read_parquet(" + db::QuoteLiteral(file) +
                 ", hive_partitioning = false) AS r");
  return {r.GetInt64(0, 0), r.GetString(0, 1)};
}

// Removes a file unless dismissed.
class FileGuard {
 public:
  explicit FileGuard(std::string path) : path_(std::move(path)) {}
  ~FileGuard() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove(path_, ec);
    fs::remove(path_ + ".wal", ec);
  }
  void Dismiss() { path_.clear(); }

 private:
  std::string path_;
};

std::string SchemaJson(const std::vector<ColumnInfo>& schema) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : schema) j.push_back({{"name", c.name}, {"type", c.type}});
  return j.dump();
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

// A killed backup leaves "<to>.duckpart-tmp-<pid>" beside its target: a name only
// duckpart uses, with the pid of the process that wrote it. Those of processes no longer
// alive are removed by the next backup to the same file.
void RemoveStaleTemps(const fs::path& to) {
  const std::string prefix = to.filename().string() + ".duckpart-tmp-";
  std::error_code ec;
  for (auto it = fs::directory_iterator(to.parent_path(), ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0 || !it->is_regular_file()) continue;
    std::string pid_text = name.substr(prefix.size());
    if (pid_text.size() > 4 && pid_text.ends_with(".wal")) pid_text.resize(pid_text.size() - 4);
    if (pid_text.empty() || pid_text.size() > 9 ||
        pid_text.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive or unsure
    std::error_code rm_ec;
    fs::remove(it->path(), rm_ec);
  }
}

}  // namespace

BackupResult BackupTable(const BackupOptions& o) {
  const auto start = Clock::now();
  if (o.db_path.empty()) throw InputError("--db FILE is required");
  if (o.table.empty()) throw InputError("--table NAME is required");
  if (o.to.empty()) throw InputError("--to FILE is required");
  const fs::path to = fs::absolute(o.to).lexically_normal();
  std::error_code ec;
  if (!fs::is_directory(to.parent_path(), ec)) {
    throw InputError("the folder of '" + o.to + "' does not exist");
  }
  if (fs::is_directory(to, ec)) throw InputError("--to '" + o.to + "' is a folder; name a file");
  if (db::IsFileOfDatabase(o.to, o.db_path)) {
    throw InputError("--to '" + o.to + "' is the source database or one of its own files " +
                     "(its write-ahead log or spill folder); name a file of its own");
  }
  if (fs::exists(fs::symlink_status(to, ec)) && !o.replace) {
    throw InputError("'" + o.to + "' exists; add --replace to overwrite it");
  }
  Workspace ws(SourceOptions{.db_path = o.db_path, .table = o.table}, o.engine);

  BackupResult result{.file = o.to, .schema = ws.columns()};
  db::Result s =
      WorkspaceConnection(ws).Query("SELECT count(*), CAST(" + ChecksumSql(ws.columns(), "s") +
                                    " AS VARCHAR) FROM " + ws.relation() + " AS s");
  result.rows = s.GetInt64(0, 0);
  result.checksum = s.GetString(0, 1);

  RemoveStaleTemps(to);
  const std::string tmp = to.string() + ".duckpart-tmp-" + std::to_string(::getpid());
  FileGuard guard(tmp);
  const std::string metadata =
      "{'duckpart_rows': " + db::QuoteLiteral(std::to_string(result.rows)) +
      ", 'duckpart_checksum': " + db::QuoteLiteral(result.checksum) +
      ", 'duckpart_schema': " + db::QuoteLiteral(SchemaJson(result.schema)) +
      ", 'duckpart_table': " + db::QuoteLiteral(o.table) + "}";
  WorkspaceConnection(ws).Execute("COPY (SELECT * FROM " + ws.relation() + ") TO " +
                                  db::QuoteLiteral(tmp) + " (FORMAT parquet, COMPRESSION " +
                                  db::QuoteIdent(o.compression) + ", KV_METADATA " + metadata +
                                  ")");
  const Stats back = FileStats(WorkspaceConnection(ws), tmp, result.schema);
  if (back.rows != result.rows || back.checksum != result.checksum) {
    throw CheckFailed(
        fmt::format("the backup read back differs from table {} ({} rows and checksum {} in the "
                    "file, {} and {} in the table); nothing was written",
                    o.table, back.rows, back.checksum, result.rows, result.checksum));
  }
  store::SyncFile(tmp);
  fs::rename(tmp, to);
  guard.Dismiss();
  store::SyncDirectory(to.parent_path().string());
  result.bytes = static_cast<int64_t>(fs::file_size(to));
  result.seconds = Since(start);
  return result;
}

RestoreResult RestoreTable(const RestoreOptions& o) {
  const auto start = Clock::now();
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
  const std::string file = fs::absolute(o.from).string();

  // 1. The file, proved against its own metadata, in a scratch session.
  db::Database scratch(db::DatabaseOptions{.memory_limit = o.engine.memory_limit,
                                           .threads = o.engine.threads,
                                           .temp_directory = o.engine.temp_directory,
                                           .max_temp_directory_size = o.engine.max_temp_size});
  db::Connection sc(scratch);
  std::map<std::string, std::string> meta;
  std::vector<ColumnInfo> file_schema;
  try {
    db::Result kv = sc.Query("SELECT decode(key), decode(value) FROM parquet_kv_metadata(" +
                             db::QuoteLiteral(file) + ")");
    for (uint64_t i = 0; i < kv.RowCount(); ++i) meta[kv.GetString(i, 0)] = kv.GetString(i, 1);
    db::Result d = sc.Query("DESCRIBE SELECT * FROM read_parquet(" + db::QuoteLiteral(file) +
                            ", hive_partitioning = false)");
    for (uint64_t i = 0; i < d.RowCount(); ++i)
      file_schema.push_back({d.GetString(i, 0), d.GetString(i, 1)});
  } catch (const db::DbError& e) {
    throw InputError("cannot read '" + o.from + "' as Parquet: " + e.what());
  }
  RestoreResult result{.table = o.table};
  std::optional<Stats> recorded;
  result.schema = file_schema;
  if (meta.count("duckpart_rows") && meta.count("duckpart_checksum") &&
      meta.count("duckpart_schema")) {
    result.from_backup = true;
    try {
      recorded = Stats{std::stoll(meta["duckpart_rows"]), meta["duckpart_checksum"]};
      result.schema.clear();
      for (const auto& c : nlohmann::json::parse(meta["duckpart_schema"])) {
        result.schema.push_back({c.at("name").get<std::string>(), c.at("type").get<std::string>()});
      }
    } catch (const std::exception& e) {
      throw InputError("the duckpart metadata of '" + o.from + "' is malformed: " + e.what());
    }
    if (result.schema.size() != file_schema.size()) {
      throw CheckFailed(
          fmt::format("backup '{}' is damaged: its metadata lists {} columns, the file has {}",
                      o.from, result.schema.size(), file_schema.size()));
    }
    for (size_t i = 0; i < result.schema.size(); ++i) {
      if (result.schema[i].name != file_schema[i].name) {
        throw CheckFailed("backup '" + o.from + "' is damaged: column " + file_schema[i].name +
                          " is not the recorded " + result.schema[i].name);
      }
      CheckTypeName(sc, result.schema[i].type);
    }
  }
  if (result.schema.empty()) throw InputError("'" + o.from + "' has no columns");
  const Stats in_file = [&] {
    try {
      return FileStats(sc, file, result.schema);
    } catch (const db::DbError& e) {
      if (e.kind() == db::ErrorKind::kOutOfMemory || e.kind() == db::ErrorKind::kInterrupt) throw;
      throw CheckFailed("backup '" + o.from + "' cannot be read back as recorded: " + e.what());
    }
  }();
  if (recorded && (recorded->rows != in_file.rows || recorded->checksum != in_file.checksum)) {
    throw CheckFailed(fmt::format(
        "backup '{}' is damaged: it holds {} rows with checksum {}, its metadata says {} "
        "and {}; the database was not touched",
        o.from, in_file.rows, in_file.checksum, recorded->rows, recorded->checksum));
  }
  const Stats want = recorded.value_or(in_file);
  result.rows = want.rows;
  result.checksum = want.checksum;

  // 2. The table must not exist (without replace); asked read-only so a refusal changes nothing.
  result.created_database = !fs::exists(db_path, ec);
  bool exists = false, is_view = false;
  if (!result.created_database) {
    try {
      db::Database ro(
          db::DatabaseOptions{.path = db_path.string(), .access = db::Access::kReadOnly});
      db::Connection c(ro);
      exists =
          TableExists(c, c.Query("SELECT current_database()").GetString(0, 0), o.table, &is_view);
    } catch (const db::DbError& e) {
      throw InputError("cannot open database '" + o.db_path + "': " + e.what());
    }
  }
  if (is_view)
    throw InputError("'" + o.table + "' is a view in " + o.db_path +
                     "; restore only replaces tables");
  if (exists && !o.replace) {
    throw InputError("table '" + o.table + "' exists in " + o.db_path +
                     "; add --replace to replace it");
  }

  // 3. One transaction: drop, create, fill, prove, commit.
  FileGuard new_db(result.created_database ? db_path.string() : "");
  std::string select;
  for (const auto& c : result.schema) {
    select += (select.empty() ? "" : ", ") + std::string("CAST(r.") + db::QuoteIdent(c.name) +
              " AS " + c.type + ") AS " + db::QuoteIdent(c.name);
  }
  {
    std::optional<db::Database> database;
    try {
      database.emplace(db::DatabaseOptions{.path = db_path.string(),
                                           .memory_limit = o.engine.memory_limit,
                                           .threads = o.engine.threads,
                                           .temp_directory = o.engine.temp_directory,
                                           .max_temp_directory_size = o.engine.max_temp_size});
    } catch (const db::DbError& e) {
      throw InputError("cannot open database '" + o.db_path + "' for writing: " + e.what());
    }
    db::Connection conn(*database);
    const std::string name = "main." + db::QuoteIdent(o.table);
    conn.Execute("BEGIN TRANSACTION");
    try {
      if (exists) conn.Execute("DROP TABLE " + name);
      conn.Execute("CREATE TABLE " + name + " AS SELECT " + select + " FROM read_parquet(" +
                   db::QuoteLiteral(file) + ", hive_partitioning = false) AS r");
      db::Result got = conn.Query("SELECT count(*), CAST(" + ChecksumSql(result.schema) +
                                  " AS VARCHAR) FROM " + name);
      const Stats table{got.GetInt64(0, 0), got.GetString(0, 1)};
      if (table.rows != want.rows || table.checksum != want.checksum) {
        throw CheckFailed(
            fmt::format("the restored table holds {} rows with checksum {}, the backup {} and {}; "
                        "rolled back, the database is as it was",
                        table.rows, table.checksum, want.rows, want.checksum));
      }
      conn.Execute("COMMIT");
    } catch (...) {
      try {
        conn.Execute("ROLLBACK");
      } catch (const db::DbError&) {
      }
      throw;
    }
  }
  new_db.Dismiss();
  result.replaced = exists;
  result.seconds = Since(start);
  return result;
}

namespace {

RetryPolicy PolicyFor(const OperationControl& control, int threads, std::string note,
                      std::string space) {
  RetryPolicy policy{.max_attempts = control.max_attempts, .initial_threads = threads};
  if (control.cancel)
    policy.interrupted = [cancel = control.cancel] { return cancel->cancelled(); };
  policy.outcome_note = std::move(note);
  policy.space_path = std::move(space);
  return policy;
}

}  // namespace

BackupResult RunBackup(const BackupOptions& o, const OperationControl& control) {
  BackupResult r;
  RunVoidWithRetries(
      [&](const Attempt& a) {
        BackupOptions attempt = o;
        if (a.threads > 0) attempt.engine.threads = a.threads;
        r = BackupTable(attempt);
      },
      PolicyFor(control, o.engine.threads, "nothing was written", o.to), control.on_warning);
  return r;
}

RestoreResult RunRestore(const RestoreOptions& o, const OperationControl& control) {
  RestoreResult r;
  RunVoidWithRetries(
      [&](const Attempt& a) {
        RestoreOptions attempt = o;
        if (a.threads > 0) attempt.engine.threads = a.threads;
        r = RestoreTable(attempt);
      },
      PolicyFor(control, o.engine.threads, "the database is as it was", o.db_path),
      control.on_warning);
  return r;
}

}  // namespace duckpart

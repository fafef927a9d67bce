#include <chrono>
#include <map>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "check/table_verify.h"
#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/table_run.h"
#include "duckpart/version.h"
#include "write/table_layout.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Changes settings of the session and puts them back (Restore, or when it goes out of
// scope). Declare it before a Transaction, so that it restores after the ROLLBACK: SET
// fails inside an aborted transaction.
class SessionSettings {
 public:
  explicit SessionSettings(db::Connection& conn) : conn_(conn) {}
  ~SessionSettings() {
    for (const auto& [name, value] : saved_) {
      try {
        conn_.Execute("SET " + name + " = " + db::QuoteLiteral(value));
      } catch (...) {
      }
    }
  }
  SessionSettings(const SessionSettings&) = delete;
  SessionSettings& operator=(const SessionSettings&) = delete;

  void Set(const std::string& name, const std::string& value) {
    if (!saved_.count(name)) {
      saved_[name] = conn_.Query("SELECT CAST(current_setting(" + db::QuoteLiteral(name) + ") AS VARCHAR)")
                         .GetString(0, 0);
    }
    conn_.Execute("SET " + name + " = " + db::QuoteLiteral(value));
  }
  void Restore(const std::string& name) {
    auto it = saved_.find(name);
    if (it == saved_.end()) return;
    conn_.Execute("SET " + name + " = " + db::QuoteLiteral(it->second));
    saved_.erase(it);
  }

 private:
  db::Connection& conn_;
  std::map<std::string, std::string> saved_;
};

constexpr const char* kStageTable = "__duckpart_stage";
// Partitions below this many rows are written single-threaded (see RunToTables).
constexpr int64_t kSmallTableRows = 100'000;

// The current default database of the connection ("memory", or "src" for a query source).
std::string CurrentDatabase(db::Connection& conn) {
  return conn.Query("SELECT current_database()").GetString(0, 0);
}

// The target database inside the workspace. For a separate file it is ATTACHed as
// __dp_target (and DETACHed at the end). For the source's own file, the read-only `src`
// is swapped for a read-write `src` just before the transaction, and swapped back at the
// end, so the source relation keeps its name and is never open for writing while it is
// read.
class TargetDb {
 public:
  TargetDb(db::Connection& conn, std::string path, bool same_file)
      : conn_(conn), path_(std::move(path)), same_(same_file),
        alias_(same_file ? "src" : kTableTargetAlias) {}
  ~TargetDb() {
    try {
      if (same_ && writable_) Reattach(false);
      else if (!same_ && attached_) conn_.Execute("DETACH " + db::QuoteIdent(alias_));
    } catch (...) {
    }
  }
  TargetDb(const TargetDb&) = delete;
  TargetDb& operator=(const TargetDb&) = delete;

  const std::string& alias() const { return alias_; }
  bool readable() const { return same_ || attached_; }

  // Attaches a separate file read-write (creating it when missing).
  void Attach() {
    if (same_ || attached_) return;
    try {
      conn_.Execute("ATTACH " + db::QuoteLiteral(path_) + " AS " + db::QuoteIdent(alias_));
    } catch (const db::DbError& e) {
      if (e.kind() == db::ErrorKind::kInterrupt) throw;
      throw InputError("cannot open target database '" + path_ + "': " + e.what());
    }
    attached_ = true;
  }
  // Makes the source's own file writable (same file only).
  void MakeWritable() {
    if (!same_ || writable_) return;
    Reattach(true);
    writable_ = true;
  }

 private:
  void Reattach(bool writable) {
    const bool was_default = CurrentDatabase(conn_) == "src";
    if (was_default) conn_.Execute("USE memory");
    conn_.Execute("DETACH src");
    try {
      conn_.Execute("ATTACH " + db::QuoteLiteral(path_) + " AS src" + (writable ? "" : " (READ_ONLY)"));
    } catch (const db::DbError& e) {
      if (!writable) throw;
      // Put the read-only source back before reporting.
      conn_.Execute("ATTACH " + db::QuoteLiteral(path_) + " AS src (READ_ONLY)");
      if (was_default) conn_.Execute("USE src");
      if (e.kind() == db::ErrorKind::kInterrupt) throw;
      throw InputError("cannot open database '" + path_ + "' for writing: " + e.what());
    }
    if (was_default) conn_.Execute("USE src");
  }

  db::Connection& conn_;
  const std::string path_;
  const bool same_;
  const std::string alias_;
  bool attached_ = false;
  bool writable_ = false;
};

// What the target holds now under our names.
struct TargetState {
  bool schema_exists = false;
  std::string stored_schema;    // the schema's name as stored
  std::string old_view_schema;  // the view recorded by the schema's catalog
  std::string old_view_name;
  int64_t old_version = 0;
};

TargetState InspectTarget(db::Connection& conn, const std::string& alias, const TableRunOptions& o) {
  TargetState s;
  const std::string where = "'" + o.database + "'";
  s.schema_exists = write::SchemaExists(conn, alias, o.schema, &s.stored_schema);
  if (s.schema_exists) {
    if (!o.replace) {
      throw InputError("schema " + s.stored_schema + " already exists in " + where + "; add --replace to replace it");
    }
    if (!write::IsDuckpartSchema(conn, alias, s.stored_schema)) {
      throw InputError("schema " + s.stored_schema + " in " + where +
                       " is not a duckpart partition schema; choose another --schema");
    }
    write::TableCatalog old = write::ReadTableCatalog(conn, alias, s.stored_schema);
    s.old_view_schema = old.view_schema;
    s.old_view_name = old.view_name;
    s.old_version = old.manifest.version;
  }
  const std::string lit_view = db::QuoteLiteral(o.view);
  db::Result tables = conn.Query("SELECT count(*) FROM duckdb_tables() WHERE database_name = " +
                                 db::QuoteLiteral(alias) + " AND schema_name = 'main' AND lower(table_name) = lower(" +
                                 lit_view + ")");
  if (tables.GetInt64(0, 0) > 0) {
    throw InputError("main." + o.view + " in " + where + " is a table; choose another --view");
  }
  db::Result views = conn.Query("SELECT count(*) FROM duckdb_views() WHERE database_name = " +
                                db::QuoteLiteral(alias) + " AND schema_name = 'main' AND lower(view_name) = lower(" +
                                lit_view + ")");
  const bool ours = s.schema_exists && Lower(s.old_view_schema) == "main" && Lower(s.old_view_name) == Lower(o.view);
  if (views.GetInt64(0, 0) > 0 && !ours) {
    throw InputError("view main." + o.view + " already exists in " + where +
                     " and is not this dataset's view; choose another --view");
  }
  return s;
}

// One pass of the source: every row with its partition id, into a temporary table of
// the workspace (which spills to the temp directory under the memory limit).
void Stage(Workspace& ws, const Plan& plan, bool sorted) {
  SessionSettings settings(ws.conn());
  settings.Set("preserve_insertion_order", sorted ? "true" : "false");
  ws.conn().Execute("CREATE OR REPLACE TEMP TABLE " + std::string(kStageTable) + " AS SELECT s.*, k.__dp_pid FROM " +
                    ws.relation() + " AS s" + KeysJoinSql(plan.fields) + (sorted ? " ORDER BY k.__dp_pid" : ""));
}

// How many times the staged rows all partition scans would read together: per row group
// (122,880 rows), its rows times the partition ids its zonemap [min, max] admits.
constexpr const char* kAmplificationSql =
    "SELECT coalesce(sum((hi - lo + 1) * n) / nullif(sum(n), 0), 0) FROM (SELECT min(__dp_pid) AS lo, "
    "max(__dp_pid) AS hi, count(*) AS n FROM ";

double ScanAmplification(db::Connection& conn) {
  return conn.Query(kAmplificationSql + std::string(kStageTable) + " GROUP BY rowid // 122880)").GetDouble(0, 0);
}

// The same estimate from a source table's own row groups (staging keeps their order
// closely), before staging, reading only the key columns: so the sort, when needed, is
// done while staging. nullopt when the source has no rowid (a view, a query, files).
std::optional<double> SourceScanAmplification(Workspace& ws, const Plan& plan) {
  if (ws.source().table.empty()) return std::nullopt;
  try {
    return ws.conn()
        .Query(kAmplificationSql + std::string("(SELECT k.__dp_pid, s.__dp_group FROM (SELECT *, rowid // 122880 AS ") +
               "__dp_group FROM " + ws.relation() + ") AS s" + KeysJoinSql(plan.fields) + ") GROUP BY __dp_group)")
        .GetDouble(0, 0);
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kInterrupt) throw;
    return std::nullopt;
  }
}

// Sorts the staged rows by partition id (a second copy while it runs).
void SortStage(db::Connection& conn) {
  SessionSettings settings(conn);
  settings.Set("preserve_insertion_order", "true");
  const std::string sorted = std::string(kStageTable) + "_sorted";
  conn.Execute("CREATE OR REPLACE TEMP TABLE " + sorted + " AS SELECT * FROM " + kStageTable + " ORDER BY __dp_pid");
  conn.Execute("DROP TABLE " + std::string(kStageTable));
  conn.Execute("ALTER TABLE " + sorted + " RENAME TO " + kStageTable);
}

// Drops the staged rows when the run ends.
class StageGuard {
 public:
  explicit StageGuard(db::Connection& conn) : conn_(conn) {}
  ~StageGuard() {
    try {
      conn_.Execute("DROP TABLE IF EXISTS temp.main." + std::string(kStageTable));
      conn_.Execute("DROP TABLE IF EXISTS temp.main." + std::string(kStageTable) + "_sorted");
    } catch (...) {
    }
  }

 private:
  db::Connection& conn_;
};

// BEGIN on construction; ROLLBACK on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(db::Connection& conn) : conn_(conn) { conn_.Execute("BEGIN TRANSACTION"); }
  ~Transaction() {
    if (open_) {
      try {
        conn_.Execute("ROLLBACK");
      } catch (...) {
      }
    }
  }
  void Commit() {
    conn_.Execute("COMMIT");
    open_ = false;
  }

 private:
  db::Connection& conn_;
  bool open_ = true;
};

std::vector<TablePartition> NameTables(const Plan& plan) {
  std::vector<TablePartition> out;
  const size_t width = write::PidWidth(plan.partitions.size());
  for (const auto& p : plan.partitions) {
    out.push_back({.id = p.id, .path = p.path, .table = write::PartitionTableName(p.id, p.keys, plan.fields, width),
                   .keys = p.keys, .ranges = p.ranges, .rows = p.rows, .checksum = p.checksum});
  }
  return out;
}

Manifest MakeManifest(const Plan& plan, const std::vector<TablePartition>& tables, int64_t version) {
  Manifest m{.version = version, .created_at = NowUtc(), .source = plan.source, .spec = plan.spec,
             .fields = plan.fields, .schema = plan.schema, .total_rows = plan.total_rows,
             .total_checksum = plan.total_checksum};
  m.transform_version = plan.transform_version;
  for (const auto& t : tables) {
    m.partitions.push_back({.id = t.id, .path = t.path, .keys = t.keys, .ranges = t.ranges, .rows = t.rows,
                            .checksum = t.checksum});
  }
  return m;
}

std::map<std::string, std::string> SpecRows(const Manifest& m, const TableRunOptions& o) {
  return {{"format", "duckpart-tables"}, {"format_version", "1"}, {"version", std::to_string(m.version)},
          {"spec", ToString(m.spec)}, {"source", m.source}, {"created_at", m.created_at},
          {"view_schema", "main"}, {"view_name", o.view}, {"duckpart_version", kVersion},
          {"manifest", ToJson(m).dump()}};
}

// Removes a database file this run created, when the run fails.
class CreatedFileGuard {
 public:
  void Arm(std::string path) { path_ = std::move(path); }
  void Dismiss() { path_.clear(); }
  ~CreatedFileGuard() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove(path_, ec);
    fs::remove(path_ + ".wal", ec);
  }

 private:
  std::string path_;
};

// DuckDB keeps about 25 KB per column of every table created in a transaction in memory
// that it cannot evict until COMMIT (measured with DuckDB 1.4.4: 171 KB per 7-column
// table). One transaction for all tables therefore bounds the partition count by the
// memory limit; a run that would pass it is refused before any write.
constexpr int64_t kPinnedBytesPerColumn = 26 * 1024;
constexpr double kPinnedShareOfLimit = 0.8;

// "953.6 MiB" (DuckDB's current_setting('memory_limit')) in bytes; 0 when unknown.
int64_t ParseByteSize(const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (...) {
    return 0;
  }
  std::string unit = Lower(text.substr(used));
  unit.erase(0, unit.find_first_not_of(' '));
  static const std::map<std::string, double> kUnits = {
      {"", 1}, {"bytes", 1}, {"b", 1}, {"kib", 1024.0}, {"mib", 1024.0 * 1024}, {"gib", 1024.0 * 1024 * 1024},
      {"tib", 1024.0 * 1024 * 1024 * 1024}, {"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12}};
  auto it = kUnits.find(unit);
  return it == kUnits.end() ? 0 : static_cast<int64_t>(value * it->second);
}

std::string Mib(double bytes) { return std::to_string(static_cast<int64_t>(bytes / (1024 * 1024)) + 1) + " MiB"; }

void CheckTransactionMemory(db::Connection& conn, const Plan& plan) {
  const int64_t limit = ParseByteSize(conn.Query("SELECT current_setting('memory_limit')").GetString(0, 0));
  const auto tables = static_cast<double>(plan.partitions.size());
  const double need = tables * static_cast<double>(plan.schema.size()) * kPinnedBytesPerColumn;
  if (limit <= 0 || need <= kPinnedShareOfLimit * static_cast<double>(limit)) return;
  throw InputError(std::to_string(plan.partitions.size()) + " partition tables of " +
                   std::to_string(plan.schema.size()) + " columns need about " + Mib(need) +
                   " of memory in one transaction, more than the memory limit allows; raise --memory-limit to " +
                   Mib(need / kPinnedShareOfLimit) + " or more, choose a spec with fewer partitions, or write a "
                   "Parquet dataset (--to)");
}

void CheckNames(const TableRunOptions& o) {
  static const char* kReserved[] = {"main", "temp", "information_schema", "pg_catalog", "memory", "system",
                                    "src", kTableTargetAlias};
  for (const char* r : kReserved) {
    if (Lower(o.schema) == r) throw InputError("--schema may not be '" + o.schema + "'; choose a schema of its own");
  }
  for (const auto* name : {&o.schema, &o.view}) {
    if (name->find('\0') != std::string::npos) throw InputError("names may not contain NUL bytes");
  }
}

}  // namespace

TableRunOptions ResolveTableTarget(const TableRunOptions& options, const SourceOptions& source) {
  TableRunOptions o = options;
  if (o.database.empty()) throw InputError("--to-db FILE is required");
  const bool default_schema = o.schema.empty();
  if (default_schema) {
    if (source.table.empty()) throw InputError("--schema NAME is required when the source is not a --table");
    o.schema = source.table + "_parts";
  }
  // Named after the table with the default schema, else after the schema given (so that
  // one table can be partitioned several ways side by side).
  if (o.view.empty()) o.view = (default_schema ? source.table : o.schema) + "_partitioned";
  CheckNames(o);
  if (fs::is_directory(o.database)) throw InputError("--to-db '" + o.database + "' is a directory");
  const fs::path parent = fs::absolute(o.database).parent_path();
  if (!fs::is_directory(parent)) throw InputError("the folder of --to-db '" + o.database + "' does not exist");
  return o;
}

TableRunResult RunToTables(Workspace& ws, const Spec& spec, const TableRunOptions& options,
                           const PhaseCallback& on_phase) {
  const auto start = Clock::now();
  auto phase = [&](const char* name) { if (on_phase) on_phase(name); };
  const TableRunOptions o = ResolveTableTarget(options, ws.source());
  if (o.staging != "auto" && o.staging != "scan" && o.staging != "sorted") {
    throw InputError("staging must be auto, scan or sorted, not '" + o.staging + "'");
  }
  ws.ColumnList(o.sort_by, "--sort-by");  // checked before any work
  db::Connection& conn = ws.conn();
  TableRunResult result;
  result.database = o.database;
  result.schema = o.schema;
  result.view = "main." + o.view;
  result.same_file = write::SameDatabaseFile(ws.source().db_path, o.database);
  const bool existed = fs::exists(o.database);

  // Check the target before any work. A separate existing file is attached read-write
  // now (DuckDB's file lock then keeps other writers out for the whole run); a new file
  // is created only once the plan and staging succeeded (and removed if the run fails;
  // declared first, so the file is detached before it is removed).
  CreatedFileGuard created;
  TargetDb target(conn, o.database, result.same_file);
  if (existed) target.Attach();
  TargetState state;
  if (target.readable()) state = InspectTarget(conn, target.alias(), o);

  phase("plan");
  auto t = Clock::now();
  result.plan = MakePlan(ws, spec, o.plan);
  result.plan_seconds = Since(t);
  result.tables = NameTables(result.plan);
  CheckTransactionMemory(conn, result.plan);

  phase("stage");
  t = Clock::now();
  StageGuard stage_guard(conn);
  bool sorted = o.staging == "sorted";
  const bool decide = o.staging == "auto" && result.plan.partitions.size() > 1;
  std::optional<double> amplification;
  if (decide) amplification = SourceScanAmplification(ws, result.plan);
  if (amplification) sorted = *amplification > o.max_scan_amplification;
  if (!result.plan.partitions.empty()) Stage(ws, result.plan, sorted);
  if (decide && !amplification) {  // no rowid in the source: measure the staged rows
    amplification = ScanAmplification(conn);
    if (*amplification > o.max_scan_amplification) {
      SortStage(conn);
      sorted = true;
    }
  }
  result.scan_amplification = amplification.value_or(0);
  result.strategy = sorted ? "sorted" : "scan";
  result.stage_seconds = Since(t);

  if (!existed && !result.same_file) {
    target.Attach();
    created.Arm(o.database);
  }
  target.MakeWritable();
  state = InspectTarget(conn, target.alias(), o);  // again, now that we hold the write lock
  result.manifest = MakeManifest(result.plan, result.tables, state.old_version + 1);

  const std::string cat = db::QuoteIdent(target.alias());
  const std::string schema_q = cat + "." + db::QuoteIdent(o.schema);
  std::string cols;
  for (const auto& c : result.plan.schema) cols += (cols.empty() ? "" : ", ") + db::QuoteIdent(c.name);
  std::string order;
  for (const auto& c : ws.ColumnList(o.sort_by, "--sort-by")) order += (order.empty() ? " ORDER BY " : ", ") + db::QuoteIdent(c);

  phase("write");
  t = Clock::now();
  SessionSettings settings(conn);  // before the transaction: restored after its ROLLBACK
  // Row order inside a table matters only with --sort-by.
  settings.Set("preserve_insertion_order", order.empty() ? "false" : "true");
  Transaction tx(conn);
  if (state.schema_exists) {
    if (!state.old_view_name.empty()) {
      conn.Execute("DROP VIEW IF EXISTS " + cat + "." + db::QuoteIdent(state.old_view_schema) + "." +
                   db::QuoteIdent(state.old_view_name));
    }
    conn.Execute("DROP SCHEMA " + cat + "." + db::QuoteIdent(state.stored_schema) + " CASCADE");
  }
  conn.Execute("CREATE SCHEMA " + schema_q);
  auto write_table = [&](const TablePartition& p) {
    conn.Execute("CREATE TABLE " + schema_q + "." + db::QuoteIdent(p.table) + " AS SELECT " + cols + " FROM " +
                 kStageTable + " WHERE __dp_pid = " + std::to_string(p.id) + order);
  };
  // Small tables are written first on one thread: their statements are dominated by
  // scheduling, which one thread does ~1.5x faster; large ones then use all threads.
  settings.Set("threads", "1");
  for (const auto& p : result.tables) {
    if (p.rows < kSmallTableRows) write_table(p);
  }
  settings.Restore("threads");
  for (const auto& p : result.tables) {
    if (p.rows >= kSmallTableRows) write_table(p);
  }
  std::vector<std::string> names;
  for (const auto& p : result.tables) names.push_back(p.table);
  for (const auto& sql : write::CatalogSql(target.alias(), o.schema, SpecRows(result.manifest, o),
                                           result.plan.fields, result.tables)) {
    conn.Execute(sql);
  }
  conn.Execute("CREATE VIEW " + cat + ".main." + db::QuoteIdent(o.view) + " AS " +
               write::ViewSelectSql(o.schema, names, result.plan.schema));
  result.write_seconds = Since(t);

  if (o.before_verify) o.before_verify(conn, target.alias());
  if (o.verify) {
    phase("verify");
    t = Clock::now();
    const check::TableVerifyReport report = check::VerifyTables(conn, target.alias(), o.schema, result.manifest,
                                                                result.tables, "main", o.view);
    if (!report.ok()) {
      std::string what = "the written tables do not match the source; rolled back, nothing was published: " +
                         report.problems.front();
      if (report.problems.size() > 1) what += " (and " + std::to_string(report.problems.size() - 1) + " more)";
      throw CheckFailed(what);
    }
    result.verify_seconds = Since(t);
  }
  phase("publish");
  t = Clock::now();
  tx.Commit();  // the commit point
  created.Dismiss();
  result.commit_seconds = Since(t);
  result.total_seconds = Since(start);
  return result;
}

std::vector<std::string> ListTableDatasets(const std::string& database, const EngineOptions& engine) {
  if (!fs::exists(database)) throw InputError("database '" + database + "' does not exist");
  db::Database mem(db::DatabaseOptions{.memory_limit = engine.memory_limit, .threads = engine.threads,
                                       .temp_directory = engine.temp_directory});
  db::Connection conn(mem);
  try {
    conn.Execute("ATTACH " + db::QuoteLiteral(database) + " AS " + db::QuoteIdent(kTableTargetAlias) + " (READ_ONLY)");
  } catch (const db::DbError& e) {
    throw InputError("cannot open database '" + database + "': " + e.what());
  }
  db::Result r = conn.Query("SELECT DISTINCT schema_name FROM duckdb_tables() WHERE database_name = " +
                            db::QuoteLiteral(kTableTargetAlias) + " AND table_name = " +
                            db::QuoteLiteral(kTableSpecTable) + " ORDER BY 1");
  std::vector<std::string> out;
  for (uint64_t i = 0; i < r.RowCount(); ++i) out.push_back(r.GetString(i, 0));
  return out;
}

}  // namespace duckpart

#include "tables/tables_target.h"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "db/session.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/version.h"
#include "manifest/from_plan.h"
#include "plan/keys.h"
#include "plan/workspace_access.h"
#include "plan/write_budget.h"
#include "store/fault.h"
#include "tables/table_delta.h"
#include "tables/table_layout.h"
#include "tables/table_verify.h"
#include "tables/target_db.h"
#include "util/format.h"

namespace duckpart::tables {
namespace {

namespace fs = std::filesystem;

using util::Lower;

constexpr const char* kStageTable = "__duckpart_stage";
// The _duckpart_spec key holding the view's SQL as DuckDB stored it when duckpart made it.
constexpr const char* kViewSqlKey = "view_sql";
// Partitions below this many rows are written single-threaded (see Write).
constexpr int64_t kSmallTableRows = 100'000;

// What the target holds now under our names.
struct TargetState {
  bool schema_exists = false;
  std::string stored_schema;    // the schema's name as stored
  std::string old_view_schema;  // the view recorded by the schema's catalog
  std::string old_view_name;
  int64_t old_version = 0;
};

// The objects in a duckpart schema that its catalog does not name: tables, views,
// sequences, macros and types a user created there. A replace drops the schema, so it is
// refused while any exist (the user's objects are never dropped).
std::vector<std::string> ForeignObjects(db::Connection& conn, const std::string& alias,
                                        const std::string& schema, const TableCatalog& old) {
  std::string ours =
      db::QuoteLiteral(kTableSpecTable) + ", " + db::QuoteLiteral(kTablePartitionsTable);
  for (const auto& p : old.partitions) ours += ", " + db::QuoteLiteral(p.table);
  const std::string in = "database_name = " + db::QuoteLiteral(alias) +
                         " AND schema_name = " + db::QuoteLiteral(schema);
  db::Result r = conn.Query(
      "SELECT 'table ' || table_name FROM duckdb_tables() WHERE " + in +
      " AND table_name NOT IN (" + ours +
      ") UNION ALL SELECT 'view ' || view_name FROM duckdb_views() WHERE " + in +
      " AND NOT internal UNION ALL SELECT 'sequence ' || sequence_name FROM duckdb_sequences() "
      "WHERE " +
      in +
      " UNION ALL SELECT DISTINCT 'macro ' || function_name FROM "
      "duckdb_functions() WHERE " +
      in +
      " AND NOT internal UNION ALL SELECT 'type ' || type_name "
      "FROM duckdb_types() WHERE " +
      in + " AND NOT internal ORDER BY 1");
  std::vector<std::string> out;
  for (uint64_t i = 0; i < r.RowCount(); ++i) out.push_back(r.GetString(i, 0));
  return out;
}

void RefuseForeignObjects(db::Connection& conn, const std::string& alias, const std::string& schema,
                          const TableCatalog& old, const std::string& where) {
  const std::vector<std::string> foreign = ForeignObjects(conn, alias, schema, old);
  if (foreign.empty()) return;
  std::string names;
  for (size_t i = 0; i < foreign.size() && i < 5; ++i) names += (i ? ", " : "") + foreign[i];
  if (foreign.size() > 5) names += " and " + std::to_string(foreign.size() - 5) + " more";
  throw InputError("schema " + schema + " in " + where + " holds " +
                   std::to_string(foreign.size()) + " object" + (foreign.size() == 1 ? "" : "s") +
                   " duckpart did not make (" + names +
                   "); duckpart rewrites only schemas it holds whole (a replace drops the schema, "
                   "append and retain remake its catalog): move them to another schema, or "
                   "write to another --schema");
}

// The SQL DuckDB stores for main.<view>, or nullopt when there is no such view.
std::optional<std::string> ViewSql(db::Connection& conn, const std::string& alias,
                                   const std::string& schema, const std::string& view) {
  db::Result r =
      conn.Query("SELECT sql FROM duckdb_views() WHERE database_name = " + db::QuoteLiteral(alias) +
                 " AND schema_name = " + db::QuoteLiteral(schema) +
                 " AND view_name = " + db::QuoteLiteral(view));
  if (r.RowCount() == 0) return std::nullopt;
  return r.GetString(0, 0);
}

// A dataset's view that a user redefined is theirs now: a replace would drop it.
// (Datasets written before the view's SQL was recorded are not checked.)
void RefuseChangedView(db::Connection& conn, const std::string& alias, const TableCatalog& old,
                       const std::string& where) {
  const auto recorded = old.spec.find(kViewSqlKey);
  if (recorded == old.spec.end() || old.view_name.empty()) return;
  const auto now = ViewSql(conn, alias, old.view_schema, old.view_name);
  if (!now || *now == recorded->second) return;
  throw InputError("view " + old.view_schema + "." + old.view_name + " in " + where +
                   " was redefined since duckpart made it; a replace would drop it: rename it "
                   "(ALTER VIEW ... RENAME TO), or drop it yourself if it is no longer needed");
}

TargetState InspectTarget(db::Connection& conn, const std::string& alias,
                          const TableRunOptions& o) {
  TargetState s;
  const std::string where = "'" + o.database + "'";
  s.schema_exists = SchemaExists(conn, alias, o.schema, &s.stored_schema);
  if (s.schema_exists) {
    if (!o.replace) {
      throw InputError("schema " + s.stored_schema + " already exists in " + where +
                       "; add --replace to replace it");
    }
    if (!IsDuckpartSchema(conn, alias, s.stored_schema)) {
      throw InputError("schema " + s.stored_schema + " in " + where +
                       " is not a duckpart partition schema; choose another --schema");
    }
    TableCatalog old = ReadTableCatalog(conn, alias, s.stored_schema);
    s.old_view_schema = old.view_schema;
    s.old_view_name = old.view_name;
    s.old_version = old.manifest.version;
    RefuseForeignObjects(conn, alias, s.stored_schema, old, where);
    RefuseChangedView(conn, alias, old, where);
  }
  const std::string lit_view = db::QuoteLiteral(o.view);
  db::Result tables = conn.Query(
      "SELECT count(*) FROM duckdb_tables() WHERE database_name = " + db::QuoteLiteral(alias) +
      " AND schema_name = 'main' AND lower(table_name) = lower(" + lit_view + ")");
  if (tables.GetInt64(0, 0) > 0) {
    throw InputError("main." + o.view + " in " + where + " is a table; choose another --view");
  }
  db::Result views = conn.Query(
      "SELECT count(*) FROM duckdb_views() WHERE database_name = " + db::QuoteLiteral(alias) +
      " AND schema_name = 'main' AND lower(view_name) = lower(" + lit_view + ")");
  const bool ours = s.schema_exists && Lower(s.old_view_schema) == "main" &&
                    Lower(s.old_view_name) == Lower(o.view);
  if (views.GetInt64(0, 0) > 0 && !ours) {
    throw InputError("view main." + o.view + " already exists in " + where +
                     " and is not this dataset's view; choose another --view");
  }
  return s;
}

// One pass of the source: every row with its partition id, into a temporary table of
// the workspace (which spills to the temp directory under the memory limit).
void StageRows(db::Connection& conn, const std::string& rows_sql, bool sorted) {
  db::SessionSettings settings(conn);
  settings.Set("preserve_insertion_order", sorted ? "true" : "false");
  conn.Execute("CREATE OR REPLACE TEMP TABLE " + std::string(kStageTable) + " AS SELECT * FROM (" +
               rows_sql + ")" + (sorted ? " ORDER BY __dp_pid" : ""));
}

// How many times the staged rows all partition scans would read together: per row group
// (122,880 rows), its rows times the partition ids its zonemap [min, max] admits.
constexpr const char* kAmplificationSql =
    "SELECT coalesce(sum((hi - lo + 1) * n) / nullif(sum(n), 0), 0) FROM (SELECT min(__dp_pid) AS "
    "lo, "
    "max(__dp_pid) AS hi, count(*) AS n FROM ";

double ScanAmplification(db::Connection& conn) {
  return conn.Query(kAmplificationSql + std::string(kStageTable) + " GROUP BY rowid // 122880)")
      .GetDouble(0, 0);
}

// The same estimate from a source table's own row groups (staging keeps their order
// closely), before staging, reading only the key columns: so the sort, when needed, is
// done while staging. nullopt when the source has no rowid (a view, a query, files).
std::optional<double> SourceScanAmplification(Workspace& ws, const Plan& plan) {
  if (ws.source().table.empty()) return std::nullopt;
  try {
    return WorkspaceConnection(ws)
        .Query(kAmplificationSql +
               std::string("(SELECT k.__dp_pid, s.__dp_group FROM (SELECT *, rowid // 122880 AS ") +
               "__dp_group FROM " + ws.relation() + ") AS s" + KeysJoinSql(plan.fields) +
               ") GROUP BY __dp_group)")
        .GetDouble(0, 0);
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kInterrupt) throw;
    return std::nullopt;
  }
}

// Sorts the staged rows by partition id (a second copy while it runs).
void SortStage(db::Connection& conn) {
  db::SessionSettings settings(conn);
  settings.Set("preserve_insertion_order", "true");
  const std::string sorted = std::string(kStageTable) + "_sorted";
  conn.Execute("CREATE OR REPLACE TEMP TABLE " + sorted + " AS SELECT * FROM " + kStageTable +
               " ORDER BY __dp_pid");
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

std::vector<Partition> NameTables(const Plan& plan) {
  std::vector<Partition> out = plan.partitions;
  const size_t width = PidWidth(plan.partitions.size());
  for (auto& p : out) p.table = PartitionTableName(p.id, p.keys, plan.fields, width);
  return out;
}

std::map<std::string, std::string> SpecRows(const Manifest& m, const TableRunOptions& o) {
  return {{"format", "duckpart-tables"},
          {"format_version", "1"},
          {"version", std::to_string(m.version)},
          {"spec", ToString(m.spec)},
          {"source", m.source},
          {"created_at", m.created_at},
          {"view_schema", "main"},
          {"view_name", o.view},
          {"duckpart_version", kVersion},
          {"manifest", ToJson(m).dump()}};
}

// DuckDB keeps about 25 KB per column of every table created in a transaction in memory
// that it cannot evict until COMMIT (measured with DuckDB 1.4.4: 171 KB per 7-column
// table). One transaction for all tables therefore bounds the partition count by the
// memory limit; a run that would pass it is refused before any write.
constexpr int64_t kPinnedBytesPerColumn = 26 * 1024;
constexpr double kPinnedShareOfLimit = 0.8;

std::string Mib(double bytes) {
  return std::to_string(static_cast<int64_t>(bytes / (1024 * 1024)) + 1) + " MiB";
}

void CheckTransactionMemory(db::Connection& conn, const Plan& plan) {
  const int64_t limit = plan::MemoryLimitBytes(conn);
  const auto tables = static_cast<double>(plan.partitions.size());
  const double need = tables * static_cast<double>(plan.schema.size()) * kPinnedBytesPerColumn;
  if (limit <= 0 || need <= kPinnedShareOfLimit * static_cast<double>(limit)) return;
  throw InputError(
      std::to_string(plan.partitions.size()) + " partition tables of " +
      std::to_string(plan.schema.size()) + " columns need about " + Mib(need) +
      " of memory in one transaction, more than the memory limit allows; raise --memory-limit to " +
      Mib(need / kPinnedShareOfLimit) +
      " or more, choose a spec with fewer partitions, or write a "
      "Parquet dataset (--to)");
}

// Staging decision: sort the staged rows by partition id when per-partition scans would
// read more than max_scan_amplification times the staged rows.
struct StagingChoice {
  bool sorted = false;
  double amplification = 0;
};

StagingChoice StageChange(Workspace& ws, const ops::Change& change, const TableRunOptions& o) {
  db::Connection& conn = WorkspaceConnection(ws);
  StagingChoice choice{.sorted = o.staging == "sorted"};
  const bool decide = o.staging == "auto" && change.plan.partitions.size() > 1;
  std::optional<double> amplification;
  if (decide) amplification = SourceScanAmplification(ws, change.plan);
  if (amplification) choice.sorted = *amplification > o.max_scan_amplification;
  if (!change.plan.partitions.empty()) StageRows(conn, change.rows_sql, choice.sorted);
  if (decide && !amplification) {  // no rowid in the source: measure the staged rows
    amplification = ScanAmplification(conn);
    if (*amplification > o.max_scan_amplification) {
      SortStage(conn);
      choice.sorted = true;
    }
  }
  choice.amplification = amplification.value_or(0);
  return choice;
}

std::string OrderBySql(const std::vector<std::string>& columns) {
  std::string order;
  for (const auto& c : columns) order += (order.empty() ? " ORDER BY " : ", ") + db::QuoteIdent(c);
  return order;
}

// The new rows of a change built on a base version (none for retain), sorted by partition
// id when several partitions get rows, so each INSERT reads only its own row groups.
StagingChoice StageDelta(db::Connection& conn, const ops::Change& change) {
  StagingChoice choice{.sorted = change.written.size() > 1};
  if (!change.written.empty()) StageRows(conn, change.rows_sql, choice.sorted);
  return choice;
}

}  // namespace

// Declared in destruction order: the transaction rolls back first, then the settings are
// restored (SET fails inside an aborted transaction), the staged rows dropped, the target
// detached, and a target file this run created removed.
struct TablesTarget::State {
  explicit State(db::Connection& conn, const TableRunOptions& o, bool same_file)
      : target(conn, o.database, same_file), stage(conn), settings(conn) {}
  CreatedFileGuard created;
  TargetDb target;
  StageGuard stage;
  TargetState inspected;
  db::SessionSettings settings;
  std::optional<db::Transaction> tx;
};

TablesTarget::TablesTarget(Workspace& ws, const TableRunOptions& options)
    : ws_(ws), options_(options) {}

TablesTarget::~TablesTarget() = default;

void TablesTarget::Check() {
  options_ = ResolveTableTarget(options_, ws_.source());
  if (options_.staging != "auto" && options_.staging != "scan" && options_.staging != "sorted") {
    throw InputError("staging must be auto, scan or sorted, not '" + options_.staging + "'");
  }
  ws_.ColumnList(options_.sort_by, "--sort-by");
  same_file_ = SameDatabaseFile(ws_.source().db_path, options_.database);
  existed_ = fs::exists(options_.database);
  // A separate existing file is attached read-write now (DuckDB's file lock then keeps
  // other writers out for the whole run); a new file is created only once the plan and
  // staging succeeded.
  state_ = std::make_unique<State>(WorkspaceConnection(ws_), options_, same_file_);
  if (existed_) state_->target.Attach();
  if (state_->target.readable()) {
    state_->inspected = InspectTarget(WorkspaceConnection(ws_), state_->target.alias(), options_);
  }
}

void TablesTarget::Stage(ops::Change& change) {
  db::Connection& conn = WorkspaceConnection(ws_);
  const bool delta = change.base_version.has_value();
  if (!delta) tables_ = NameTables(change.plan);
  CheckTransactionMemory(conn, delta ? DeltaWritePlan(change) : change.plan);
  meter().Begin(delta ? ops::RowsToWrite(change) : change.plan.total_rows);  // one query
  const StagingChoice choice =
      delta ? StageDelta(conn, change) : StageChange(ws_, change, options_);
  scan_amplification_ = choice.amplification;
  change.strategy = choice.sorted ? "sorted" : "scan";
  if (!existed_ && !same_file_) {
    state_->target.Attach();
    state_->created.Arm(options_.database);
  }
  state_->target.MakeWritable();
  state_->inspected =
      InspectTarget(conn, state_->target.alias(), options_);  // again, holding the write lock
  change.version = state_->inspected.old_version + 1;
  if (delta) StageOnBase(change);
  manifest_ = ManifestFromPlan(change.plan, tables_, change.version);
  for (auto& p : manifest_.partitions) p.table.clear();  // names live in the catalog table
  if (delta) RecordDeltaHistory(manifest_, change);
}

// A new schema (the old one and its view dropped first) with one table per partition.
void TablesTarget::WriteAllTables(const std::string& cols, const std::string& order) {
  db::Connection& conn = WorkspaceConnection(ws_);
  const std::string cat = db::QuoteIdent(state_->target.alias());
  const std::string schema_q = cat + "." + db::QuoteIdent(options_.schema);
  const TargetState& old = state_->inspected;
  if (old.schema_exists) {
    if (!old.old_view_name.empty()) {
      conn.Execute("DROP VIEW IF EXISTS " + cat + "." + db::QuoteIdent(old.old_view_schema) + "." +
                   db::QuoteIdent(old.old_view_name));
    }
    conn.Execute("DROP SCHEMA " + cat + "." + db::QuoteIdent(old.stored_schema) + " CASCADE");
  }
  conn.Execute("CREATE SCHEMA " + schema_q);
  ops::WorkMeter& work = meter();
  int64_t written = 0;
  auto write_table = [&](const Partition& p) {
    work.StartStep("table", written++, static_cast<int64_t>(tables_.size()), p.rows);
    conn.Execute("CREATE TABLE " + schema_q + "." + db::QuoteIdent(p.table) + " AS SELECT " + cols +
                 " FROM " + kStageTable + " WHERE __dp_pid = " + std::to_string(p.id) + order);
    work.FinishStep();
  };
  // Small tables are written first on one thread: their statements are dominated by
  // scheduling, which one thread does ~1.5x faster; large ones then use all threads.
  state_->settings.Set("threads", "1");
  for (const auto& p : tables_) {
    if (p.rows < kSmallTableRows) write_table(p);
  }
  state_->settings.Restore("threads");
  for (const auto& p : tables_) {
    if (p.rows >= kSmallTableRows) write_table(p);
  }
}

void TablesTarget::Write(ops::Change& change) {
  db::Connection& conn = WorkspaceConnection(ws_);
  const TableRunOptions& o = options_;
  const std::string cat = db::QuoteIdent(state_->target.alias());
  const std::string schema_q = cat + "." + db::QuoteIdent(o.schema);
  std::string cols;
  for (const auto& c : change.plan.schema)
    cols += (cols.empty() ? "" : ", ") + db::QuoteIdent(c.name);
  const std::string order = OrderBySql(ws_.ColumnList(o.sort_by, "--sort-by"));
  // Row order inside a table matters only with --sort-by.
  state_->settings.Set("preserve_insertion_order", order.empty() ? "false" : "true");
  state_->tx.emplace(conn);
  if (change.base_version) {
    WriteDeltaTables(conn, Place(), change, tables_, base_tables_, kStageTable, cols, meter());
    RecordDeltaSeconds(manifest_, change);
  } else {
    WriteAllTables(cols, order);
  }
  ops::WorkMeter& work = meter();
  work.StartStep("catalog", 0, 1, 0);
  std::vector<std::string> names;
  for (const auto& p : tables_) names.push_back(p.table);
  for (const auto& sql : CatalogSql(state_->target.alias(), o.schema, SpecRows(manifest_, o),
                                    change.plan.fields, tables_)) {
    conn.Execute(sql);
  }
  conn.Execute("CREATE VIEW " + cat + ".main." + db::QuoteIdent(o.view) + " AS " +
               ViewSelectSql(o.schema, names, change.plan.schema));
  conn.Execute("INSERT INTO " + schema_q + "." + db::QuoteIdent(kTableSpecTable) + " SELECT " +
               db::QuoteLiteral(kViewSqlKey) + ", sql FROM duckdb_views() WHERE database_name = " +
               db::QuoteLiteral(state_->target.alias()) +
               " AND schema_name = 'main' AND view_name = " + db::QuoteLiteral(o.view));
  if (o.before_verify) o.before_verify(conn, state_->target.alias());
}

void TablesTarget::Verify(ops::Change& change) {
  db::Connection& conn = WorkspaceConnection(ws_);
  const TableVerifyReport report =
      change.base_version ? VerifyDeltaTables(conn, Place(), manifest_, change, tables_)
                          : VerifyTables(conn, state_->target.alias(), options_.schema, manifest_,
                                         tables_, "main", options_.view);
  if (report.ok()) return;
  std::string what =
      "the written tables do not match the source; rolled back, nothing was published: " +
      report.problems.front().message;
  if (report.problems.size() > 1)
    what += " (and " + std::to_string(report.problems.size() - 1) + " more)";
  throw CheckFailed(what);
}

void TablesTarget::Commit(ops::Change&) {
  store::Step(store::StepKind::kCommit, "COMMIT of " + options_.database);
  state_->tx->Commit();  // the commit point
  state_->created.Dismiss();
}

bool TablesTarget::Committed(const ops::Change& change) noexcept {
  try {
    state_->tx->Rollback();  // a failed COMMIT leaves the transaction to be ended
    db::Connection& conn = WorkspaceConnection(ws_);
    if (!SchemaExists(conn, state_->target.alias(), options_.schema)) return false;
    const bool committed =
        ReadTableCatalog(conn, state_->target.alias(), options_.schema).manifest.version ==
        change.version;
    if (committed) state_->created.Dismiss();
    return committed;
  } catch (...) {
    return false;
  }
}

TablesPlace TablesTarget::Place() const {
  return {.catalog = state_->target.alias(), .schema = options_.schema, .view = options_.view};
}

Manifest TablesTarget::ReadBase() {
  if (!state_ || !state_->target.readable())
    throw InputError("no database '" + options_.database +
                     "'; create it with duckpart run --to-db");
  return ReadTablesBase(WorkspaceConnection(ws_), Place());
}

// Holding the write lock: the base the operation planned on must still be the current
// version; its tables are read again for naming and dropping.
void TablesTarget::StageOnBase(ops::Change& change) {
  if (state_->inspected.old_version != *change.base_version) {
    throw BusyError("schema " + options_.schema + " in '" + options_.database +
                    "' changed to version " + std::to_string(state_->inspected.old_version) +
                    " while this operation planned on version " +
                    std::to_string(*change.base_version) + "; run it again");
  }
  base_tables_ = ReadTablesBase(WorkspaceConnection(ws_), Place()).partitions;
  tables_ = NameDeltaTables(change, base_tables_);
}

void TablesTarget::Finish(const ops::Change&, std::vector<std::string>&) noexcept {}

}  // namespace duckpart::tables

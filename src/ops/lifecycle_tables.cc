#include "ops/lifecycle_tables.h"

#include <filesystem>
#include <memory>

#include "db/database.h"
#include "db/database_file.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "ops/append_operation.h"
#include "ops/driver.h"
#include "ops/preflight.h"
#include "ops/retain_archive.h"
#include "ops/retain_operation.h"
#include "plan/workspace_access.h"
#include "tables/table_layout.h"
#include "tables/tables_target.h"

namespace duckpart::ops {
namespace {

namespace fs = std::filesystem;

// Retain reads no rows: its workspace needs a source only to exist.
const SourceOptions kNoRows{.query = "SELECT 1 AS no_rows"};

void CheckDatabaseFile(const std::string& database) {
  const db::FileKind kind = db::KindOfFile(database);
  if (kind == db::FileKind::kMissing)
    throw InputError("database '" + database + "' does not exist; create the dataset with " +
                     "duckpart run --to-db " + database);
  if (kind != db::FileKind::kDuckDb)
    throw InputError("--to-db '" + database + "' is " + db::Describe(kind) +
                     ", not a DuckDB database");
}

std::string OnlySchema(const std::string& database, const EngineOptions& engine) {
  const std::vector<std::string> all = ListTableDatasets(database, engine);
  if (all.size() == 1) return all.front();
  if (all.empty())
    throw InputError("database '" + database + "' holds no duckpart partition schema; " +
                     "create one with duckpart run --to-db " + database);
  std::string names;
  for (const auto& s : all) names += (names.empty() ? "" : ", ") + s;
  throw InputError("database '" + database + "' holds " + std::to_string(all.size()) +
                   " duckpart schemas (" + names + "); name one with --schema");
}

EngineOptions WithSpill(EngineOptions engine, const std::string& database) {
  if (engine.temp_directory.empty()) engine.temp_directory = DatabaseSpillFolder(database);
  return engine;
}

DriveOptions TablesDrive(const OperationControl& control, bool verify,
                         const std::string& database) {
  DriveOptions drive{.control = control, .verify = verify};
  drive.space_path = fs::absolute(database).parent_path().string();
  drive.outcome_note = "the transaction was rolled back and the database is as it was";
  return drive;
}

// The factory of TablesTargets over `options`, and the loader that reads the base version
// through the target of the running attempt (whose attachment holds the file).
struct TablesBinding {
  explicit TablesBinding(TableRunOptions o) : options(std::move(o)) {}
  TableRunOptions options;
  tables::TablesTarget* current = nullptr;

  BaseLoader Loader() {
    return [this] {
      if (!current) throw RuntimeFailure("no target to read the base version from");
      Manifest m = current->ReadBase();
      const int64_t version = m.version;
      return BaseVersion{std::move(m), version};
    };
  }
  TargetFactory Factory() {
    return [this](Workspace& ws, const Attempt&) -> std::unique_ptr<Target> {
      auto target = std::make_unique<tables::TablesTarget>(ws, options);
      current = target.get();
      return target;
    };
  }
};

void SumDropped(RetainReport& report) {
  report.rows_dropped = report.bytes_dropped = 0;
  for (const auto& p : report.dropped) {
    report.rows_dropped += p.rows;
    report.bytes_dropped += p.bytes;
  }
}

}  // namespace

TableRunOptions OpenTablesDataset(const std::string& database, const std::string& schema,
                                  const EngineOptions& engine, Manifest* manifest) {
  CheckDatabaseFile(database);
  TableRunOptions o{.database = database, .schema = schema, .replace = true};
  if (o.schema.empty()) o.schema = OnlySchema(database, engine);
  db::Database mem(db::DatabaseOptions{.memory_limit = engine.memory_limit, .threads = 1});
  db::Connection conn(mem);
  tables::AttachReadOnly(conn, database);
  const Manifest m =
      tables::ReadTablesBase(conn, {.catalog = kTableTargetAlias, .schema = o.schema});
  const tables::TableCatalog cat = tables::ReadTableCatalog(conn, kTableTargetAlias, o.schema);
  o.view = cat.view_name;
  if (manifest) *manifest = m;
  return o;
}

AppendReport AppendToTables(const AppendRequest& request, const OperationControl& control) {
  AppendReport report;
  Manifest base;
  TablesBinding binding(OpenTablesDataset(request.to_db, request.schema, request.engine, &base));
  binding.options.verify = request.parquet.verify;
  if (const HistoryRecord* h = FindBatch(base.history, request.batch_id); h && request.if_new) {
    report.skipped = true;
    report.skipped_version = h->version;
    report.manifest = base;
    return report;
  }
  AppendOperation op(binding.Loader(), {.batch_id = request.batch_id,
                                        .allow_new_columns = request.allow_new_columns,
                                        .small_files_warning = kMaxSmallFilesWarning,
                                        .small_file_bytes = 0});
  report.outcome =
      Drive(request.source, WithSpill(request.engine, request.to_db), op, binding.Factory(),
            TablesDrive(control, request.parquet.verify, request.to_db),
            [&](Target& t, Change& change, const Outcome&) {
              report.manifest = static_cast<tables::TablesTarget&>(t).manifest();
              report.rows_added = change.record.rows_added;
              report.columns_added = change.record.columns_added;
            });
  report.partitions_touched = op.touched();
  report.partitions_created = op.created();
  report.files_added = report.partitions_created;  // tables created
  report.warnings = op.warnings();
  return report;
}

// The dropped partition tables' rows, read through a union of the tables themselves (the
// database as a read-only source), in the manifest's types: partition tables keep them.
DroppedRows DroppedTableRows(const RetainRequest& r, const std::string& schema,
                             const std::vector<Partition>& dropped, const Manifest& base) {
  std::vector<std::string> names;
  for (const auto& p : dropped) names.push_back(p.table);
  return {r.to_db + "#" + schema,
          {.db_path = r.to_db, .query = tables::ViewSelectSql(schema, names, base.schema)}};
}

RetainReport RetainTables(const RetainRequest& request, const OperationControl& control) {
  RetainReport report;
  report.dry_run = request.dry_run;
  Manifest base;
  TablesBinding binding(OpenTablesDataset(request.to_db, request.schema, request.engine, &base));
  binding.options.verify = request.verify;
  const EngineOptions engine = WithSpill(request.engine, request.to_db);
  {
    Workspace ws(kNoRows, engine);
    report.dropped =
        DroppedPartitions(WorkspaceConnection(ws), base, request.window, request.allow_empty);
  }
  SumDropped(report);
  report.manifest = base;
  const bool archive = !request.archive.empty();
  if (archive) CheckArchive(request.to_db, base, request.archive);
  if (request.dry_run || report.dropped.empty()) return report;
  if (archive) {
    const BaseVersion at{base, base.version};
    report.archive =
        ArchiveDropped(DroppedTableRows(request, binding.options.schema, report.dropped, base), at,
                       report.dropped, request.archive, request.engine, control);
  }
  BaseLoader load = binding.Loader();
  if (archive) load = ArchivedVersionOnly(load, base.version, "schema " + binding.options.schema);
  RetainOperation op(load, request.window, request.allow_empty);
  report.outcome = Drive(kNoRows, engine, op, binding.Factory(),
                         TablesDrive(control, request.verify, request.to_db),
                         [&](Target& t, Change&, const Outcome&) {
                           report.manifest = static_cast<tables::TablesTarget&>(t).manifest();
                         });
  report.dropped = op.dropped();
  SumDropped(report);
  return report;
}

std::vector<HistoryRecord> ReadTablesHistory(const std::string& database,
                                             const std::string& schema) {
  Manifest m;
  OpenTablesDataset(database, schema, EngineOptions{}, &m);
  return HistoryOf(m);
}

}  // namespace duckpart::ops

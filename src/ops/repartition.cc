// repartition: the dataset's current version as the source of a run over the dataset.
#include "duckpart/repartition.h"

#include <fmt/format.h>

#include <filesystem>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/manifest.h"
#include "ops/run_drive.h"
#include "ops/run_operation.h"
#include "plan/keys.h"
#include "plan/type_table.h"
#include "plan/workspace_access.h"
#include "store/version_pin.h"
#include "tables/table_layout.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

// The files the manifest of the pinned version lists, by their paths under its own folder,
// read back in the manifest's types (plan/type_table: ENUM from VARCHAR, ...).
std::string ParquetVersionSql(const std::string& dataset, const fs::path& root, const Manifest& m) {
  std::string files;
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) {
      files += (files.empty() ? "" : ", ") + db::QuoteLiteral((root / f.path).string());
    }
  }
  if (files.empty()) throw InputError("dataset '" + dataset + "' holds no rows to repartition");
  return "SELECT " + plan::ReadBackSelectSql(m.schema) + " FROM read_parquet([" + files +
         "], hive_partitioning = false, union_by_name = true)";
}

struct VersionSource {
  Manifest manifest;
  std::string sql;   // the rows, typed as the manifest records them
  std::string view;  // partition tables: the dataset's view in schema main
};

// The partition tables the catalog of `schema` names, read through a union of them
// (never through the view, which a user may have changed).
VersionSource TablesVersion(const RepartitionRequest& r) {
  if (!fs::is_regular_file(r.database)) {
    throw InputError("database '" + r.database + "' does not exist");
  }
  db::Database d(db::DatabaseOptions{.path = r.database, .access = db::Access::kReadOnly});
  db::Connection conn(d);
  const std::string catalog = conn.Query("SELECT current_database()").GetString(0, 0);
  std::string stored;
  if (!tables::SchemaExists(conn, catalog, r.schema, &stored) ||
      !tables::IsDuckpartSchema(conn, catalog, stored)) {
    throw InputError("schema " + r.schema + " in '" + r.database +
                     "' holds no duckpart partition tables");
  }
  const tables::TableCatalog cat = tables::ReadTableCatalog(conn, catalog, stored);
  if (!cat.problems.empty()) {
    throw CheckFailed("schema " + stored + " is damaged (" + cat.problems.front() +
                      "); nothing was changed: run `duckpart validate` on it");
  }
  std::vector<std::string> names;
  for (const auto& p : cat.partitions) names.push_back(p.table);
  if (names.empty()) throw InputError("schema " + stored + " holds no rows to repartition");
  // Partition tables keep every type exactly: their union is the rows as recorded.
  return {cat.manifest, tables::ViewSelectSql(stored, names, cat.manifest.schema), cat.view_name};
}

VersionSource ParquetVersion(const RepartitionRequest& r) {
  // The link is resolved once: a replace publishing meanwhile does not move the read.
  const fs::path root = store::PinVersion(r.dataset).root;
  Manifest m = ReadManifest(root.string());
  std::string sql = ParquetVersionSql(r.dataset, root, m);
  return {std::move(m), std::move(sql), ""};
}

// The run operation, held to the manifest's totals once the source is planned.
class RepartitionOperation : public ops::Operation {
 public:
  RepartitionOperation(const RunRequest& run, Manifest old)
      : run_(run.spec, run.parquet ? run.parquet->plan : run.tables->plan), old_(std::move(old)) {}

  ops::Change Plan(Workspace& ws, ops::WorkMeter& meter) override {
    ops::Change change = run_.Plan(ws, meter);
    change.record.operation = "repartition";
    std::string checksum = change.plan.total_checksum;
    if (HasAddedColumns(old_.schema)) {
      // The manifest's checksums leave out trailing added columns that are NULL (RowHashSql);
      // the new dataset's hash every column, as its files all hold them.
      checksum = WorkspaceConnection(ws)
                     .Query("SELECT CAST(" + ChecksumSql(old_.schema, "s") + " AS VARCHAR) FROM " +
                            ws.relation() + " AS s")
                     .GetString(0, 0);
    }
    if (change.plan.total_rows != old_.total_rows || checksum != old_.total_checksum) {
      throw CheckFailed(fmt::format(
          "the dataset's data does not match its manifest (version {}: {} rows, checksum {}; "
          "read {} rows, checksum {}); nothing was changed: run `duckpart validate` on it",
          old_.version, old_.total_rows, old_.total_checksum, change.plan.total_rows, checksum));
    }
    return change;
  }

 private:
  ops::RunOperation run_;
  const Manifest old_;
};

std::string Described(const RepartitionRequest& r, const VersionSource& v) {
  const std::string where =
      r.dataset.empty() ? "schema " + r.schema + " in " + r.database : "dataset " + r.dataset;
  return fmt::format("version {} of {} (repartitioned from {})", v.manifest.version, where,
                     ToString(v.manifest.spec));
}

RunRequest RunFor(const RepartitionRequest& r, const VersionSource& v) {
  RunRequest run{.engine = r.engine, .spec = r.spec};
  if (!r.dataset.empty()) {
    run.source = SourceOptions{.query = v.sql, .description = Described(r, v)};
    run.parquet = r.write;
    run.parquet->target = r.dataset;
    run.parquet->replace = true;
  } else {
    run.source =
        SourceOptions{.db_path = r.database, .query = v.sql, .description = Described(r, v)};
    run.tables = TableRunOptions{.database = r.database,
                                 .schema = r.schema,
                                 .view = v.view,
                                 .replace = true,
                                 .verify = r.write.verify,
                                 .sort_by = r.write.sort_by,
                                 .plan = r.write.plan};
  }
  return run;
}

VersionSource CurrentVersion(const RepartitionRequest& r) {
  if (r.dataset.empty() == r.database.empty()) {
    throw InputError("give exactly one dataset: a Parquet dataset folder or a database file");
  }
  if (!r.database.empty() && r.schema.empty()) {
    throw InputError("the partition schema of the database is required");
  }
  return r.dataset.empty() ? TablesVersion(r) : ParquetVersion(r);
}

}  // namespace

RunRequest RepartitionRun(const RepartitionRequest& request) {
  return RunFor(request, CurrentVersion(request));
}

RunReport RepartitionDataset(const RepartitionRequest& request, const OperationControl& control) {
  const VersionSource version = CurrentVersion(request);
  const RunRequest run = ResolveRunRequest(RunFor(request, version));
  RepartitionOperation op(run, version.manifest);
  return ops::DriveRun(run, op, control, "repartition");
}

}  // namespace duckpart

// `retain` on a Parquet dataset: the RetainOperation driven over a ParquetTarget.
#include "duckpart/retain.h"

#include "duckpart/error.h"
#include "duckpart/run.h"
#include "ops/lifecycle_tables.h"
#include "ops/parquet_base.h"
#include "ops/retain_archive.h"
#include "ops/retain_operation.h"
#include "plan/workspace_access.h"

namespace duckpart {
namespace {

// Retain reads no rows: its workspace needs a source only to exist.
const SourceOptions kNoRows{.query = "SELECT 1 AS no_rows"};

void Sum(RetainReport& report) {
  for (const auto& p : report.dropped) {
    report.rows_dropped += p.rows;
    report.bytes_dropped += p.bytes;
  }
}

std::vector<Partition> Drops(const Manifest& m, const RetainRequest& r, const EngineOptions& e) {
  Workspace ws(kNoRows, e);
  return ops::DroppedPartitions(WorkspaceConnection(ws), m, r.window, r.allow_empty);
}

}  // namespace

std::string RetainWindow::Describe() const {
  std::string d = !older_than.empty() ? "--older-than " + older_than
                  : !keep.empty()     ? "--keep " + keep
                                      : "--where \"" + where + "\"";
  return field.empty() ? d : d + " --field " + field;
}

RetainReport RetainDataset(const RetainRequest& request, const OperationControl& control) {
  if (request.target.empty() == request.to_db.empty())
    throw InputError("give the dataset to retain: DIR or --to-db FILE, one of them");
  if (!request.to_db.empty()) return ops::RetainTables(request, control);
  const EngineOptions engine = ops::WithDatasetSpill(request.engine, request.target);
  RetainReport report;
  report.dry_run = request.dry_run;
  const ops::BaseVersion base = ops::CurrentParquetVersion(request.target);
  const bool archive = !request.archive.empty();
  if (archive) ops::CheckArchive(request.target, base.manifest, request.archive);
  report.dropped = Drops(base.manifest, request, engine);
  Sum(report);
  report.manifest = base.manifest;
  if (request.dry_run || report.dropped.empty()) return report;
  if (archive) {
    report.archive =
        ops::ArchiveDropped(ops::DroppedParquetRows(request.target, base, report.dropped), base,
                            report.dropped, request.archive, request.engine, control);
  }
  const RunOptions options{.target = request.target, .replace = true, .verify = request.verify};
  const std::string target = request.target;
  ops::BaseLoader load = [target] { return ops::CurrentParquetVersion(target); };
  if (archive) load = ops::ArchivedVersionOnly(load, base.version, "dataset '" + target + "'");
  ops::RetainOperation op(load, request.window, request.allow_empty);
  report.outcome =
      ops::DriveOnParquet(kNoRows, engine, op, options, control, "retain",
                          [&](const Manifest& m, ops::Change&) { report.manifest = m; });
  report.dropped = op.dropped();
  report.rows_dropped = report.bytes_dropped = 0;
  Sum(report);
  return report;
}

}  // namespace duckpart

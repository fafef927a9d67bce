// `retain` on a Parquet dataset: the RetainOperation driven over a ParquetTarget.
#include "duckpart/retain.h"

#include "duckpart/error.h"
#include "duckpart/run.h"
#include "ops/driver.h"
#include "ops/parquet_base.h"
#include "ops/retain_operation.h"
#include "parquet/parquet_target.h"
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

}  // namespace

std::string RetainWindow::Describe() const {
  std::string d = !older_than.empty() ? "--older-than " + older_than
                  : !keep.empty()     ? "--keep " + keep
                                      : "--where \"" + where + "\"";
  return field.empty() ? d : d + " --field " + field;
}

RetainReport RetainDataset(const RetainRequest& request, const OperationControl& control) {
  if (request.target.empty()) throw InputError("give the dataset to retain");
  EngineOptions engine = request.engine;
  if (engine.temp_directory.empty())
    engine.temp_directory = ops::DefaultTempDirectory(request.target);
  RetainReport report;
  report.dry_run = request.dry_run;
  const ops::BaseVersion base = ops::CurrentParquetVersion(request.target);
  {
    Workspace ws(kNoRows, engine);
    report.dropped = ops::DroppedPartitions(WorkspaceConnection(ws), base.manifest, request.window,
                                            request.allow_empty);
  }
  Sum(report);
  report.manifest = base.manifest;
  if (request.dry_run || report.dropped.empty()) return report;
  const RunOptions options{.target = request.target, .replace = true, .verify = request.verify};
  const std::string target = request.target;
  ops::RetainOperation op([target] { return ops::CurrentParquetVersion(target); }, request.window,
                          request.allow_empty);
  ops::DriveOptions drive{.control = control, .verify = request.verify};
  drive.space_path = StoreDirOf(target);
  drive.failure_log = target;
  drive.operation = "retain";
  report.outcome = ops::Drive(
      kNoRows, engine, op,
      [&](Workspace& ws, const Attempt& a) -> std::unique_ptr<ops::Target> {
        return std::make_unique<parquet::ParquetTarget>(ws, options, a);
      },
      drive,
      [&](ops::Target& t, ops::Change&, const Outcome&) {
        report.manifest = static_cast<parquet::ParquetTarget&>(t).manifest();
      });
  report.dropped = op.dropped();
  report.rows_dropped = report.bytes_dropped = 0;
  Sum(report);
  return report;
}

}  // namespace duckpart

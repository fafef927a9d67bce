// `run` on either target: the RunOperation driven over a ParquetTarget or a TablesTarget.
#include <filesystem>

#include "duckpart/error.h"
#include "duckpart/run_request.h"
#include "ops/driver.h"
#include "ops/preflight.h"
#include "ops/run_drive.h"
#include "ops/run_operation.h"
#include "parquet/parquet_target.h"
#include "tables/tables_target.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

ops::DriveOptions DriveOptionsFor(const OperationControl& control, bool verify) {
  ops::DriveOptions o{.control = control, .verify = verify};
  return o;
}

OperationControl ControlOf(const PhaseCallback& on_phase) {
  OperationControl c;
  if (on_phase) c.on_phase = [on_phase](Phase p) { on_phase(PhaseName(p)); };
  return c;
}

RunResult ParquetResult(const parquet::ParquetTarget& t, ops::Change change,
                        const Outcome& outcome) {
  RunResult r;
  r.manifest = t.manifest();
  r.strategy = change.strategy;
  r.files = t.files();
  r.merged_partitions = t.rewritten_partitions();
  r.plan = std::move(change.plan);
  r.plan_seconds = outcome.seconds(Phase::kPlan);
  r.write_seconds = outcome.seconds(Phase::kStage) + outcome.seconds(Phase::kWrite);
  r.verify_seconds = outcome.seconds(Phase::kVerify);
  r.total_seconds = outcome.total_seconds;
  r.outcome = outcome;
  return r;
}

TableRunResult TablesResult(const tables::TablesTarget& t, ops::Change change,
                            const Outcome& outcome) {
  TableRunResult r;
  r.manifest = t.manifest();
  r.database = t.options().database;
  r.schema = t.options().schema;
  r.view = "main." + t.options().view;
  r.tables = t.tables();
  r.same_file = t.same_file();
  r.strategy = change.strategy;
  r.scan_amplification = t.scan_amplification();
  r.plan = std::move(change.plan);
  r.plan_seconds = outcome.seconds(Phase::kPlan);
  r.stage_seconds = outcome.seconds(Phase::kStage);
  r.write_seconds = outcome.seconds(Phase::kWrite);
  r.verify_seconds = outcome.seconds(Phase::kVerify);
  r.commit_seconds = outcome.seconds(Phase::kCommit);
  r.total_seconds = outcome.total_seconds;
  r.outcome = outcome;
  return r;
}

}  // namespace

RunResult RunToParquet(Workspace& ws, const Spec& spec, const RunOptions& options,
                       const PhaseCallback& on_phase) {
  ops::RunOperation op(spec, options.plan);
  parquet::ParquetTarget target(ws, options, MakeAttempt(RetryPolicy{}, 1));
  ops::Change change;
  const Outcome outcome =
      ops::DriveOnce(ws, op, target, DriveOptionsFor(ControlOf(on_phase), options.verify), &change);
  return ParquetResult(target, std::move(change), outcome);
}

TableRunResult RunToTables(Workspace& ws, const Spec& spec, const TableRunOptions& options,
                           const PhaseCallback& on_phase) {
  ops::RunOperation op(spec, options.plan);
  tables::TablesTarget target(ws, options);
  ops::Change change;
  const Outcome outcome =
      ops::DriveOnce(ws, op, target, DriveOptionsFor(ControlOf(on_phase), options.verify), &change);
  return TablesResult(target, std::move(change), outcome);
}

RunRequest ResolveRunRequest(RunRequest r) {
  if (r.parquet.has_value() == r.tables.has_value()) {
    throw InputError(
        "give exactly one target: a Parquet dataset folder or a DuckDB database for partition "
        "tables");
  }
  ops::CheckTempDirectory(r.engine.temp_directory);
  if (r.parquet) {
    CheckParquetTarget(*r.parquet, r.source);
    ops::CheckWritableFolder(ops::FolderOf(r.parquet->target),
                             "target '" + r.parquet->target + "'");
    if (r.engine.temp_directory.empty())
      r.engine.temp_directory = (fs::path(StoreDirOf(r.parquet->target)) / "tmp").string();
  } else {
    *r.tables = ResolveTableTarget(*r.tables, r.source);
    ops::CheckWritableFolder(ops::FolderOf(r.tables->database),
                             "database '" + r.tables->database + "'");
    if (r.engine.temp_directory.empty())
      r.engine.temp_directory = DatabaseSpillFolder(r.tables->database);
  }
  return r;
}

RunReport RunDataset(const RunRequest& unresolved, const OperationControl& control) {
  const RunRequest request = ResolveRunRequest(unresolved);
  ops::RunOperation op(request.spec,
                       request.parquet ? request.parquet->plan : request.tables->plan);
  return ops::DriveRun(request, op, control);
}

namespace ops {

RunReport DriveRun(const RunRequest& request, Operation& op, const OperationControl& control,
                   const char* operation) {
  const bool parquet = request.parquet.has_value();
  ops::DriveOptions options =
      DriveOptionsFor(control, parquet ? request.parquet->verify : request.tables->verify);
  if (parquet) {
    options.space_path = StoreDirOf(request.parquet->target);
    options.failure_log = request.parquet->target;
    options.operation = operation;
  } else {
    options.space_path = fs::absolute(request.tables->database).parent_path().string();
    options.outcome_note = "the transaction was rolled back and the database is as it was";
  }
  RunReport report;
  report.outcome = ops::Drive(
      request.source, request.engine, op,
      [&](Workspace& ws, const Attempt& a) -> std::unique_ptr<ops::Target> {
        if (parquet) return std::make_unique<parquet::ParquetTarget>(ws, *request.parquet, a);
        return std::make_unique<tables::TablesTarget>(ws, *request.tables);
      },
      options,
      [&](ops::Target& target, ops::Change& change, const Outcome& outcome) {
        if (parquet) {
          report.parquet = ParquetResult(static_cast<parquet::ParquetTarget&>(target),
                                         std::move(change), outcome);
        } else {
          report.tables =
              TablesResult(static_cast<tables::TablesTarget&>(target), std::move(change), outcome);
        }
      });
  report.parquet.outcome = report.tables.outcome = report.outcome;
  report.parquet.total_seconds = report.tables.total_seconds = report.outcome.total_seconds;
  return report;
}

}  // namespace ops

}  // namespace duckpart

// `duckpart run` as one call: the source, the engine, the spec and exactly one target,
// run by the operation driver with retries, cancellation and progress.
//
//   RunRequest request{.source = {.db_path = "analytics.db", .table = "events"},
//                      .spec = ParseSpec("day(ts)"),
//                      .parquet = RunOptions{.target = "out/events"}};
//   CancelToken cancel;
//   RunReport report = RunDataset(request, OperationControl{.cancel = &cancel});
//   report.outcome.committed;  // true: published (also when a cancel came during the commit)
#pragma once

#include <optional>

#include "duckpart/operation.h"
#include "duckpart/run.h"
#include "duckpart/table_run.h"

namespace duckpart {

struct RunRequest {
  SourceOptions source;
  EngineOptions engine;  // an empty temp_directory means the target's own spill folder
  Spec spec;
  std::optional<RunOptions> parquet;      // a Parquet dataset (--to), or
  std::optional<TableRunOptions> tables;  // partition tables in a DuckDB database (--to-db)
};

struct RunReport {
  Outcome outcome;
  RunResult parquet;      // when the request had `parquet`
  TableRunResult tables;  // when the request had `tables`
};

// Checks the request before any work (exactly one target; the target's own checks) and
// fills the defaults that depend on it (the spill folder). Throws InputError.
RunRequest ResolveRunRequest(RunRequest request);

// Runs the request: out of memory is retried up to control.max_attempts (each attempt
// with half the threads, the sorted write and smaller buffers), every other failure
// ends it. Throws InputError (exit 2), CheckFailed (exit 1), Interrupted or
// RuntimeFailure (exit 3); nothing was published then. Returns once the commit point
// was passed (outcome.committed), with later problems in outcome.warnings.
RunReport RunDataset(const RunRequest& request, const OperationControl& control);

}  // namespace duckpart

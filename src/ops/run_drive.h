// The run's drive over either target with any operation whose change is a whole new
// version (run, repartition): retries, cancellation, progress and the run's report.
#pragma once

#include "duckpart/run_request.h"
#include "ops/target.h"

namespace duckpart::ops {

// Drives `op` over the request's target (resolved by ResolveRunRequest) with the
// request's source and engine; throws and returns like RunDataset. A failure is logged
// under `operation` in a Parquet dataset's store (ops/failure_log.h).
RunReport DriveRun(const RunRequest& request, Operation& op, const OperationControl& control,
                   const char* operation = "run");

}  // namespace duckpart::ops

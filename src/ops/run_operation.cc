#include "ops/run_operation.h"

#include "plan/keys.h"

namespace duckpart::ops {

Change RunOperation::Plan(Workspace& ws, WorkMeter& meter) {
  Change change;
  PlanOptions options = options_;
  options.distinct_estimates = false;  // shown by `plan`, not used by a write
  options.on_step = [&meter](const char* step) { meter.StartStep(step, 0, 1, 0); };
  change.plan = MakePlan(ws, spec_, options);
  change.rows_sql = RowsWithPartitionSql(ws.relation(), change.plan.fields);
  change.record = {.operation = "run",
                   .source = change.plan.source,
                   .rows_added = change.plan.total_rows,
                   .checksum_added = change.plan.total_checksum,
                   .partitions_touched = static_cast<int64_t>(change.plan.partitions.size())};
  return change;
}

}  // namespace duckpart::ops

#include "ops/run_operation.h"

#include "plan/keys.h"

namespace duckpart::ops {

Change RunOperation::Plan(Workspace& ws) {
  Change change;
  change.plan = MakePlan(ws, spec_, options_);
  change.rows_sql = RowsWithPartitionSql(ws.relation(), change.plan.fields);
  return change;
}

}  // namespace duckpart::ops

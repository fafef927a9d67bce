// The `run` operation: every row of the source into the partitions of a spec, as a new
// version that replaces the target's previous one (if any) whole.
#pragma once

#include "duckpart/plan.h"
#include "duckpart/spec.h"
#include "ops/target.h"

namespace duckpart::ops {

class RunOperation : public Operation {
 public:
  RunOperation(Spec spec, PlanOptions options) : spec_(std::move(spec)), options_(options) {}
  // Plans the source (one pass: keys, rows and checksums per partition); the rows to
  // write are the source's joined to their partition ids.
  Change Plan(Workspace& ws, WorkMeter& meter) override;

 private:
  const Spec spec_;
  const PlanOptions options_;
};

}  // namespace duckpart::ops

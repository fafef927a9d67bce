// The operation driver: plan -> stage -> write -> verify -> commit, with phases and
// timings, cancellation, retries by failure class and an outcome that says whether the
// commit point was passed.
//
//   RunOperation op(spec, plan_options);
//   Outcome o = Drive(source, engine, op,
//                     [&](Workspace& ws, const Attempt& a) { return MakeParquetTarget(ws, a,
//                     options); }, DriveOptions{.control = control});
#pragma once

#include <functional>
#include <memory>

#include "duckpart/operation.h"
#include "duckpart/retry.h"
#include "duckpart/source.h"
#include "ops/target.h"

namespace duckpart::ops {

struct DriveOptions {
  OperationControl control;
  bool verify = true;  // run the verify phase
  // Spill space for disk-full messages, and what a final failure left (see RetryPolicy).
  std::string space_path;
  std::string outcome_note = "nothing was published and the previous version is intact";
  // The dataset whose store logs the operation when it fails from its stage phase on
  // (ops/failure_log.h), under the name `operation`; empty: no log (partition tables).
  std::string failure_log;
  std::string operation = "run";
};

// Runs one attempt over an existing workspace. Throws (InputError, CheckFailed,
// Interrupted, RuntimeFailure, db::DbError) when the commit point was not passed; once it
// was, returns, with later problems as warnings.
// `change`, when given, receives the change that was committed.
Outcome DriveOnce(Workspace& ws, Operation& op, Target& target, const DriveOptions& options,
                  Change* change = nullptr);

using TargetFactory = std::function<std::unique_ptr<Target>(Workspace& ws, const Attempt& attempt)>;
// Called once the commit point was passed, while the attempt's workspace and target live,
// with the committed change: the place to collect what the target wrote.
using CommittedCallback =
    std::function<void(Target& target, Change& change, const Outcome& outcome)>;

// Runs the operation with a fresh workspace per attempt; out of memory is retried with
// half the threads and smaller write buffers (see duckpart/retry.h), up to
// control.max_attempts. Every other failure ends it at once, with a duckpart Error whose
// FailureClass says why.
Outcome Drive(const SourceOptions& source, const EngineOptions& engine, Operation& op,
              const TargetFactory& make_target, const DriveOptions& options,
              const CommittedCallback& on_committed = {});

}  // namespace duckpart::ops

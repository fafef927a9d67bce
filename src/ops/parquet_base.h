// The current version of a Parquet dataset as the operations that build on it read it.
#pragma once

#include <functional>
#include <string>

#include "duckpart/run.h"
#include "ops/append_operation.h"

namespace duckpart::ops {

// The dataset's current version and its manifest, read through its store (not the link,
// which another process may swap meanwhile). Throws InputError when `target` holds no
// duckpart dataset, naming `run` as the way to make one.
BaseVersion CurrentParquetVersion(const std::string& target);

// `engine` with the dataset's own spill folder (in its store) when it names none.
EngineOptions WithDatasetSpill(EngineOptions engine, const std::string& target);

// Drives `op` (ops/driver.h) over a ParquetTarget on `options.target` on a base version:
// the store as the space disk-full messages name, a failure from the stage phase on logged
// in the store under `operation` (ops/failure_log.h). `committed` gets the new version's
// manifest and the committed change while the attempt's target lives.
Outcome DriveOnParquet(const SourceOptions& source, const EngineOptions& engine, Operation& op,
                       const RunOptions& options, const OperationControl& control,
                       const std::string& operation,
                       const std::function<void(const Manifest&, Change&)>& committed);

}  // namespace duckpart::ops

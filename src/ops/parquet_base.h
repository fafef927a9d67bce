// The current version of a Parquet dataset as the operations that build on it read it.
#pragma once

#include <string>

#include "ops/append_operation.h"

namespace duckpart::ops {

// The dataset's current version and its manifest, read through its store (not the link,
// which another process may swap meanwhile). Throws InputError when `target` holds no
// duckpart dataset, naming `run` as the way to make one.
BaseVersion CurrentParquetVersion(const std::string& target);

// Drive options for an operation on a Parquet dataset: its store as the spill space.
std::string DefaultTempDirectory(const std::string& target);

}  // namespace duckpart::ops

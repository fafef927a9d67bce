// The manifest of a new version, made from the plan that produced it.
#pragma once

#include <cstdint>
#include <vector>

#include "duckpart/manifest.h"

namespace duckpart {

// The manifest of version `version` holding `partitions` (the plan's partitions with
// what the target wrote for each): spec, fields, schema and totals from the plan, bytes
// summed from the partitions, created now.
Manifest ManifestFromPlan(const Plan& plan, std::vector<Partition> partitions, int64_t version);

}  // namespace duckpart

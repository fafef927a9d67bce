// Before any write to a Parquet dataset: every folder a plan's partitions name must fit the
// filesystem's limit on a name (255 bytes on Linux filesystems), or the write fails midway
// with "File name too long".
//
//   CheckPathSegments(plan);  // throws InputError naming the field and the value
#pragma once

#include <cstddef>

#include "duckpart/plan.h"

namespace duckpart::plan {

inline constexpr size_t kMaxNameBytes = 255;  // NAME_MAX of ext4, xfs, btrfs, tmpfs

// Throws InputError for the first partition folder `field=value` (escaped as on disk)
// longer than kMaxNameBytes, naming the field, the value (cut at 80 bytes) and the fix.
void CheckPathSegments(const Plan& plan);

}  // namespace duckpart::plan

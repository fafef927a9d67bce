// A version built on the current one (append, retain): the files it shares with the base
// version are hard links in its own folder, so every version folder stays self-contained
// (readers pinned to a version, `recover` and `cleanup` see whole folders, and removing a
// superseded version only drops its names), and an append costs what its new rows cost.
// Where the file system refuses hard links, the shared files are copied.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "duckpart/manifest.h"
#include "ops/target.h"

namespace duckpart::parquet {

// The change's partitions of the new version, each with its shared files linked from
// `base` into `root` (one fault-seam step per partition) and the files written for it
// (`fresh`, by partition id). Throws RuntimeFailure on an IO error.
std::vector<Partition> ShareFiles(const ops::Change& change, const std::vector<Partition>& fresh,
                                  const std::filesystem::path& base,
                                  const std::filesystem::path& root);

// The plan of what the change writes: its written partitions alone, for the write budget
// and the partitioned COPY.
Plan WrittenPlan(const ops::Change& change);

// What verification must read of the new version `built`, as a manifest of those files
// and the rows and checksum they must hold: of a partition whose shared files are all the
// base version's own (same file, same size), only the files written for it, against the
// change's written rows (an append's new rows; the shared files are proved by identity,
// and the base version was proved when it was made); of any other partition (a shared
// file copied or damaged) every file, against the partition's whole rows.
Manifest FilesToVerify(const ops::Change& change, const Manifest& built,
                       const std::filesystem::path& base, const std::filesystem::path& root);

}  // namespace duckpart::parquet

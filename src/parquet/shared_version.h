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

// The partitions verification must read: the written ones, and any whose files are not
// the base version's own (same file, same size) — copies, or damage. The others are
// proved equal to the base manifest by identity.
std::vector<int64_t> PartitionsToRead(const ops::Change& change, const Manifest& built,
                                      const std::filesystem::path& base,
                                      const std::filesystem::path& root);

}  // namespace duckpart::parquet

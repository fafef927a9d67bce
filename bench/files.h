// The outputs on disk: counting what a case wrote, and deleting it between runs fast.
#pragma once

#include <cstdint>
#include <filesystem>

namespace bench {

struct DiskUse {
  int64_t parquet_files = 0;
  int64_t other_files = 0;
  int64_t bytes = 0;  // of all regular files
};

// Everything under `root`, symbolic links not followed: duckpart's target is a link into a
// hidden store beside it (.<name>.duckpart/), which this counts once, with its manifest,
// lock and any leftovers. Zero for a missing root.
DiskUse CountFiles(const std::filesystem::path& root);

// Deletes a tree (nothing when it is missing). On a file system mounted with `discard` every
// unlink and rmdir waits ~3 ms for the device, and a run may leave 20,000+ files in as many
// folders, so files and then folders (deepest level first) are removed 16 at a time. The
// threads are joined before returning: the caller is single-threaded again when it forks.
void RemoveAll(const std::filesystem::path& root);

// Seconds spent in RemoveAll so far (outside every measurement).
double CleanupSeconds();

}  // namespace bench

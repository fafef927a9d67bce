// The files of written partitions at about a target size (rebalance): each partition's
// freshly written files become round(bytes / target) files, at least one, rows spread by
// their content hash so every file is written in one pass and the result does not depend
// on thread scheduling.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "db/database.h"
#include "duckpart/plan.h"
#include "ops/work_meter.h"

namespace duckpart::parquet {

struct FileSplit {
  int64_t file_bytes = 0;  // the target size of one file
  std::string compression;
  int64_t version = 0;  // names the files part-vN-fI.parquet
};

// How many files a partition of `bytes` gets: round(bytes / file_bytes), 1..rows, at most
// 10,000.
int64_t FilesFor(int64_t bytes, int64_t rows, int64_t file_bytes);

// Rewrites each partition's files under `root` (paths relative to it) as FilesFor files of
// about split.file_bytes and updates the partitions' file lists and bytes. Every durable
// step goes through the fault seam. Returns how many partitions it rewrote.
int64_t SplitFiles(db::Connection& conn, std::vector<Partition>& parts,
                   const std::vector<ColumnInfo>& schema, const std::filesystem::path& root,
                   const FileSplit& split, ops::WorkMeter& meter);

}  // namespace duckpart::parquet

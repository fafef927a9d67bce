// `duckpart rebalance` as one call: even out a Parquet dataset's partitions and files, as a
// new version published like `run`'s (verified, one atomic step, kill -9 safe) that shares
// every partition it does not touch with the version before (hard links, as append does).
//
//   RebalanceRequest request{.target = "out/events", .target_rows = 2'000'000};
//   RebalanceReport report = RebalanceDataset(request, OperationControl{});
//   for (const auto& g : report.groups) std::cout << g.kind << " " << g.to.size() << "\n";
//
// With target_rows (or target_bytes), a spec of one range or quantile field gets new cuts:
// a partition over 2x the target is split at its own quantiles (a value holding more than
// the target gets a partition of its own), a run of adjacent partitions under 0.5x the
// target is merged, so every new partition lands within [0.5, 2] x the target where the
// data allows it. Other specs (identity, bucket, time transforms) keep their partitions and
// are only compacted, which the report's notes say. In every mode the files of each
// partition are compacted toward target_file_bytes: partitions holding two or more files
// under 0.75x of it, or one over 1.8x (Iceberg's band), are rewritten as files of about the
// target size. Each rewritten partition is verified against the rows it took from the old
// ones (rows and content checksum), and the totals against the old version's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "duckpart/manifest.h"
#include "duckpart/operation.h"
#include "duckpart/source.h"

namespace duckpart {

// Upper bounds on what a request may ask (each refused with an InputError).
inline constexpr int64_t kMaxRebalanceTargetRows = int64_t{1} << 50;
inline constexpr int64_t kMinRebalanceFileBytes = int64_t{1} << 10;  // 1 KiB
inline constexpr int64_t kMaxRebalanceFileBytes = int64_t{1} << 40;  // 1 TiB
inline constexpr size_t kMaxRebalancePartitionArgs = 10'000;
// The most partitions one split may make (plan/range_key.h bounds the cuts in all).
inline constexpr int64_t kMaxSplitPieces = 10'000;

struct RebalanceRequest {
  std::string target;    // the dataset folder
  std::string database;  // --to-db: not supported yet (refused)
  EngineOptions engine;  // an empty temp_directory means the dataset's own spill folder
  std::optional<int64_t> target_rows;   // rows per partition
  std::optional<int64_t> target_bytes;  // bytes per partition (at the dataset's bytes per row)
  bool compact = false;                 // compact files only, partitions unchanged
  int64_t target_file_bytes = int64_t{512} << 20;
  std::vector<std::string> partitions;  // paths to limit the work to; empty = all
  bool dry_run = false;                 // say what would change; change nothing
  bool verify = true;
};

// One partition of the new version that is written, or a run of old partitions rewritten
// into new ones.
struct RebalanceGroup {
  std::string kind;               // "split", "merge", "compact"
  std::vector<std::string> from;  // the old partitions' paths, in key order
  std::vector<std::string> to;    // the new partitions' paths, in key order
  int64_t rows = 0;
  int64_t files_before = 0;
  int64_t bytes = 0;  // of the old files
};

struct RebalanceReport {
  Outcome outcome;
  bool dry_run = false;
  int64_t target_rows = 0;  // the target used for re-cuts (0: compaction only)
  int64_t target_file_bytes = 0;
  std::vector<RebalanceGroup> groups;  // what is (or would be) rewritten, in key order
  int64_t partitions_before = 0, partitions_after = 0, partitions_shared = 0;
  int64_t rows_rewritten = 0;
  std::vector<std::string> notes;  // e.g. a spec rebalance cannot re-cut: compaction only
  Manifest manifest;  // the new version (the current one for a dry run or nothing to do)
};

// Checks the request before any work and throws InputError (exit 2, nothing changed) for a
// missing dataset, --to-db, both or neither of target_rows/target_bytes/compact, a count
// out of bounds or an unknown partition. Nothing to rewrite publishes nothing
// (outcome.committed false). CheckFailed (exit 1) when the data does not match the manifest
// or the new version does not prove; otherwise as RunDataset (run_request.h).
RebalanceReport RebalanceDataset(const RebalanceRequest& request, const OperationControl& control);

}  // namespace duckpart

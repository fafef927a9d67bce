// The `rebalance` operation: a new version of a Parquet dataset whose range partitions are
// re-cut (split, merged) and whose files are compacted, sharing every partition it does not
// touch with the base version.
//
//   RebalanceOperation op(base, root, settings);
//   Drive(no_rows_source, engine, op, make_target, options);   // ops/driver.h
//
// Plan groups the base's partitions (ops/rebalance_layout.h), computes a split group's cuts
// at its own quantiles and the rows and checksum of each of its pieces from its files (held
// to the base manifest's figures for the group before anything is written), and yields the
// rows of every rewritten group from the base version's files with the id of its new
// partition. Kept partitions keep their files (renamed folders when their range index
// moved: Change::moved_files); the written ones are rewritten as files of about the target
// file size (Change::file_bytes).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "duckpart/rebalance.h"
#include "ops/append_operation.h"
#include "ops/rebalance_layout.h"
#include "ops/target.h"

namespace duckpart::ops {

struct RebalanceSettings {
  LayoutSettings layout;  // target_rows 0: compaction only
  std::string describe;   // the request for the history: "--target-rows 1000000"
};

class RebalanceOperation : public Operation {
 public:
  // `root` is the base version's folder (the files' paths are relative to it).
  RebalanceOperation(BaseVersion base, std::filesystem::path root, RebalanceSettings settings)
      : base_(std::move(base)), root_(std::move(root)), settings_(std::move(settings)) {}
  // Throws InputError when the new cuts exceed the bounds of plan/range_key.h, CheckFailed
  // when a split group's files do not hold the rows and checksum the manifest records.
  Change Plan(Workspace& ws, WorkMeter& /*meter*/) override;
  // From the last Plan: what is rewritten, in key order.
  const std::vector<RebalanceGroup>& groups() const { return groups_; }

 private:
  const BaseVersion base_;
  const std::filesystem::path root_;
  const RebalanceSettings settings_;
  std::vector<RebalanceGroup> groups_;
};

}  // namespace duckpart::ops

// The Parquet dataset target: a Hive-layout folder whose path is a link to its current
// version in a hidden store beside it (see store/dataset_store.h).
//
// Stage takes the store's lock and makes a staging folder in the store; Write runs one
// partitioned COPY of the change's rows on the dense partition id (sorted by it above a
// threshold, so memory stays bounded at any partition count), moves each partition to
// its Hive path and merges split files; Verify reads the staged files back once and
// proves rows, checksums and placement; Commit writes the manifest, makes the staging
// folder version N and swaps the link (the commit point); Finish records the publication and
// removes the superseded versions the retention policy no longer keeps
// (store/version_retention.h). A change on a base version (append, retain) writes only its new
// rows and shares the base's files (parquet/shared_version.h); Verify then reads the written
// partitions and proves the shared ones by identity. Any failure before the swap leaves the
// previous version untouched and the destructor removes the staging folder.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "duckpart/retry.h"
#include "duckpart/run.h"
#include "ops/target.h"
#include "plan/write_budget.h"
#include "store/dataset_store.h"
#include "store/version_retention.h"

namespace duckpart::parquet {

// The retention policy a run asks for (--keep-versions, --version-grace).
store::RetentionPolicy RetentionOf(const RunOptions& options);

class ParquetTarget : public ops::Target {
 public:
  // `options.target` is the dataset path; the attempt may force the sorted write.
  ParquetTarget(Workspace& ws, const RunOptions& options, const Attempt& attempt);
  ~ParquetTarget() override;

  void Check() override;
  void CheckPlan(const ops::Change& change) override;
  void Stage(ops::Change& change) override;
  void Write(ops::Change& change) override;
  void Verify(ops::Change& change) override;
  void Commit(ops::Change& change) override;
  bool Committed(const ops::Change& change) noexcept override;
  void Finish(const ops::Change& change, std::vector<std::string>& warnings) noexcept override;

  // What was written (valid after Write; file rows after Verify).
  const Manifest& manifest() const { return manifest_; }
  int64_t files() const;
  int64_t rewritten_partitions() const { return rewritten_; }

 private:
  void WriteOnBase(ops::Change& change);
  void ReplacedHistory(ops::Change& change) const;
  void RecordHistory(const ops::Change& change, int64_t bytes_added);

  Workspace& ws_;
  const RunOptions options_;
  const bool force_sorted_;
  store::DatasetStore store_;
  std::unique_ptr<store::StoreLock> lock_;
  std::filesystem::path staging_;  // removed by the destructor unless published
  bool made_store_ = false;        // Stage created the store: removed too if nothing was published
  std::filesystem::path data_;
  plan::WriteBudget budget_;  // set by Stage
  Manifest manifest_;
  int64_t rewritten_ = 0;
};

}  // namespace duckpart::parquet

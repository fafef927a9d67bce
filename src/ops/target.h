// The two seams of the operation pipeline: an Operation computes a Change, a Target
// stages, writes, proves and commits it. Every command that changes a target is one
// Operation (ops/run_operation.h, ...) run by the driver (ops/driver.h) over one of the
// two Targets (parquet/parquet_target.h, tables/tables_target.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "duckpart/history.h"
#include "duckpart/plan.h"
#include "duckpart/source.h"
#include "ops/work_meter.h"

namespace duckpart::ops {

// What an operation asks a target to publish: the partitions of the new version with
// the rows and content checksum each must hold, and where their rows come from.
struct Change {
  // Fields, schema and the partitions of the new version, with expected rows and
  // checksums per partition and in total.
  Plan plan;
  // A SQL relation yielding every row to write: the source's columns plus __dp_pid,
  // the id of the partition (in plan.partitions) the row belongs to.
  std::string rows_sql;
  // Set by the target in Stage(): the version the commit will publish.
  int64_t version = 0;
  // Set by the target: how it wrote ("direct", "sorted", "scan").
  std::string strategy;

  // Operations that build on the current version (append, retain; unset for run, which
  // replaces it whole): the version they planned against, which the target refuses to
  // build on once another has been published (BusyError).
  std::optional<int64_t> base_version;
  // With base_version: per partition id of plan.partitions, the files of the base version
  // the new one shares unchanged (paths relative to the dataset root).
  std::map<int64_t, std::vector<PartitionFile>> shared_files;
  // With base_version: the partitions rows_sql writes into (ids of plan.partitions), each
  // with the rows and checksum of the new rows alone; empty when nothing is written.
  std::vector<Partition> written;
  // With base_version: shared files whose path in the new version differs from the base's
  // (rebalance renumbers range partitions), new path -> base path, both relative.
  std::map<std::string, std::string> moved_files;
  // With base_version: when set, the written partitions' files are about this size
  // (parquet/file_split.h: rebalance); 0 writes one file per written partition.
  int64_t file_bytes = 0;

  // The history of the base version and this operation's record (duckpart/history.h):
  // the operation fills operation, source, batch id, rows and partitions; the target
  // adds version, time, bytes added and the duration.
  std::vector<HistoryRecord> history;
  HistoryRecord record;
  // Set by the driver: when the attempt began (for the record's duration).
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// The rows a target's write handles: the whole plan for a new version, the new rows alone
// for one built on a base version. Progress counts them.
inline int64_t RowsToWrite(const Change& change) {
  if (!change.base_version) return change.plan.total_rows;
  int64_t rows = 0;
  for (const auto& p : change.written) rows += p.rows;
  return rows;
}

// The rows the verification reads: the whole plan, or the written partitions of the new
// version whole (their old rows and the new ones; shared files are proved by identity).
inline int64_t RowsToVerify(const Change& change) {
  if (!change.base_version) return change.plan.total_rows;
  std::unordered_set<int64_t> written;
  for (const auto& w : change.written) written.insert(w.id);
  int64_t rows = 0;
  for (const auto& p : change.plan.partitions) {
    if (written.count(p.id)) rows += p.rows;
  }
  return rows;
}

// A place partitions are published to. One object serves one attempt of one operation,
// over the attempt's workspace. The driver calls, in order: Check, (the operation plans),
// Stage, Write, Verify (unless verification is off), Commit, then Finish; a failure at
// any step before Commit returned leaves the previous version intact, and the
// destructor removes whatever was staged.
class Target {
 public:
  virtual ~Target() = default;

  // Before any work: throws InputError when the target cannot take the operation
  // (exists without replace, is not duckpart's, is unusable). Changes nothing.
  virtual void Check() = 0;
  // Right after the operation planned, inside the plan phase: throws InputError when the
  // target cannot hold the planned partitions (e.g. a folder name too long). Changes nothing.
  virtual void CheckPlan(const Change& /*change*/) {}
  // Takes the target's lock and prepares a place no reader sees; sets change.version.
  virtual void Stage(Change& change) = 0;
  // Writes every partition of the change into the staging place.
  virtual void Write(Change& change) = 0;
  // Reads the staged partitions back and proves them against the change (rows,
  // content checksum and placement per partition, totals). Throws CheckFailed.
  virtual void Verify(Change& change) = 0;
  // The commit point: publishes the staged version in one atomic step.
  virtual void Commit(Change& change) = 0;
  // After Commit threw: whether the new version was published nevertheless (a commit
  // that succeeded and then reported a failure). Must not throw.
  virtual bool Committed(const Change& change) noexcept = 0;
  // After the commit point: housekeeping (superseded versions, staging). Problems are
  // appended to `warnings`, never thrown: the new version is already published.
  virtual void Finish(const Change& change, std::vector<std::string>& warnings) noexcept = 0;

  // Where the target counts the work of the running phase (the driver begins each phase
  // on it and reads it for progress; see ops/work_meter.h).
  WorkMeter& meter() { return meter_; }

 private:
  WorkMeter meter_;
};

// Computes the change of one command (run, append, retain, ...) from the workspace's
// source and the target's current state.
class Operation {
 public:
  virtual ~Operation() = default;
  // The change; throws InputError when the request does not fit the source or target.
  // `meter` times the planning's steps (ops/work_meter.h).
  virtual Change Plan(Workspace& ws, WorkMeter& meter) = 0;
};

}  // namespace duckpart::ops

// The partition-tables target: one table per partition in a schema of a DuckDB
// database, catalog tables and a view, all written in ONE transaction of the target
// database whose COMMIT is the commit point (layout in duckpart/table_run.h).
//
// Check attaches an existing target file and checks its schema and view names; Stage
// names the tables, refuses runs whose transaction would not fit the memory limit, and
// stages every row with its partition id in a TEMP table of the workspace (sorted by it
// when the partition scans would over-read); Write begins the transaction, drops the
// replaced schema and view and creates the tables, the catalog and the view; Verify
// proves them inside the transaction; Commit COMMITs. Anything before COMMIT is rolled
// back by the destructor, and a target file this run created is removed.
//
// A change built on a base version (append, retain: Change::base_version) keeps the schema:
// inside the same one transaction only the written tables get rows, dropped partitions'
// tables are dropped, and the catalog and view are made again (tables/table_delta.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "duckpart/table_run.h"
#include "ops/target.h"
#include "tables/table_delta.h"

namespace duckpart::tables {

class TablesTarget : public ops::Target {
 public:
  TablesTarget(Workspace& ws, const TableRunOptions& options);
  ~TablesTarget() override;

  void Check() override;
  void Stage(ops::Change& change) override;
  void Write(ops::Change& change) override;
  void Verify(ops::Change& change) override;
  void Commit(ops::Change& change) override;
  bool Committed(const ops::Change& change) noexcept override;
  void Finish(const ops::Change& change, std::vector<std::string>& warnings) noexcept override;

  const TableRunOptions& options() const { return options_; }
  const Manifest& manifest() const { return manifest_; }
  const std::vector<Partition>& tables() const { return tables_; }
  bool same_file() const { return same_file_; }
  double scan_amplification() const { return scan_amplification_; }
  // After Check: the current version as its catalog holds it, each partition with its table
  // (for operations that build on it). Throws InputError when there is none.
  Manifest ReadBase();

 private:
  TablesPlace Place() const;
  void WriteAllTables(const std::string& cols, const std::string& order);
  void StageOnBase(ops::Change& change);

  struct State;  // the attachment, staging, settings and transaction, in destruction order

  Workspace& ws_;
  TableRunOptions options_;
  bool same_file_ = false;
  bool existed_ = false;
  Manifest manifest_;
  std::vector<Partition> tables_;
  std::vector<Partition> base_tables_;  // built on a base version: its tables
  double scan_amplification_ = 0;
  std::unique_ptr<State> state_;
};

}  // namespace duckpart::tables

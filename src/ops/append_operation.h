// The `append` operation: new rows into an existing dataset under the dataset's own spec
// and cuts, as a new version that shares every file of the current one.
//
//   AppendOperation op(load_base, AppendSettings{.batch_id = "2024-06-01"});
//   Drive(source, engine, op, make_target, options);   // ops/driver.h
//
// Plan reads the base version (its manifest: spec, fields with their cuts, schema,
// partitions), checks the new rows' schema against it, and groups the new rows by the
// dataset's keys in one pass. Range and quantile fields keep the dataset's cuts, so a value
// beyond the outer cuts falls into the outer range. A key the dataset has is a touched
// partition (its expected rows and checksum are the old ones plus the new rows'); a key it
// lacks is a new partition; then every partition is numbered again in key order, as a run
// numbers them (ops/append_order.h), so new ones take their place among the old. The
// change's rows_sql yields only the new rows; the target writes them as one new file per
// touched partition and shares the base version's files (Change::shared_files).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "duckpart/manifest.h"
#include "ops/target.h"

namespace duckpart::ops {

// The version an operation builds on, as its target holds it.
struct BaseVersion {
  Manifest manifest;
  int64_t version = 0;
};
// Reads the target's current version; throws InputError when there is none.
using BaseLoader = std::function<BaseVersion()>;

struct AppendSettings {
  std::string batch_id;  // recorded in the history; refused when already there
  // Columns of the new rows the dataset lacks are added (nullable; older rows read NULL)
  // instead of refused.
  bool allow_new_columns = false;
  // A partition holding more files than this under small_file_bytes is named in a warning.
  int64_t small_files_warning = 16;
  int64_t small_file_bytes = 32LL * 1024 * 1024;
};

class AppendOperation : public Operation {
 public:
  AppendOperation(BaseLoader load_base, AppendSettings settings)
      : load_base_(std::move(load_base)), settings_(std::move(settings)) {}
  // Throws InputError (nothing changed) for a batch id already appended, a missing or
  // extra column, or a column whose values do not cast losslessly to the dataset's type.
  Change Plan(Workspace& ws, WorkMeter& /*meter*/) override;
  // Notes for the user from the last Plan: small files, an identical re-append.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // From the last Plan: partitions touched that existed before, and new ones.
  int64_t touched() const { return touched_; }
  int64_t created() const { return created_; }

 private:
  void Warn(const Change& change);

  const BaseLoader load_base_;
  const AppendSettings settings_;
  std::vector<std::string> warnings_;
  int64_t touched_ = 0, created_ = 0;
};

// Whether, and as of which version, columns the dataset lacks may be added.
struct NewColumns {
  bool allow = false;
  int64_t version = 0;  // ColumnInfo::added_in of an added column
};

// The new rows conformed to the dataset: `sql`, a relation with exactly the columns of
// `schema` in its order (the dataset's, each cast to the dataset's type, then any added
// ones, with added_in = new_columns.version).
struct ConformedRows {
  std::string sql;
  std::vector<ColumnInfo> schema;
};

// Throws InputError naming the first column that is missing, extra (unless
// new_columns.allow; an extra one named like a partition field always), or whose values
// do not cast losslessly (an example value in the message).
ConformedRows ConformRows(Workspace& ws, const Manifest& m, const NewColumns& new_columns);

}  // namespace duckpart::ops

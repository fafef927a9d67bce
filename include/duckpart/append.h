// `duckpart append` as one call: new rows from any source into an existing dataset, under
// the dataset's own spec and cuts, as a new version published like `run`'s (verified, one
// atomic step, kill -9 safe) that shares every unchanged file with the version before.
//
//   AppendRequest request{.source = {.db_path = "analytics.db", .table = "events_today"},
//                         .parquet = RunOptions{.target = "out/events"},
//                         .batch_id = "2024-06-01"};
//   AppendReport report = AppendDataset(request, OperationControl{});
//   report.skipped;   // with if_new: the batch was appended before, nothing was done
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "duckpart/manifest.h"
#include "duckpart/operation.h"
#include "duckpart/run.h"
#include "duckpart/source.h"

namespace duckpart {

// The largest number of small files a partition may hold before append warns (the bound
// of small_files_warning).
inline constexpr int64_t kMaxSmallFilesWarning = 1'000'000;

struct AppendRequest {
  SourceOptions source;
  EngineOptions engine;  // an empty temp_directory means the dataset's own spill folder
  // The dataset: `target` (its folder), `verify`, `compression`; `replace` is implied.
  RunOptions parquet;
  // Or partition tables (run --to-db): the database file and the dataset's schema (empty:
  // the database's only duckpart schema); parquet.target stays empty then.
  std::string to_db, schema;
  std::string batch_id;  // recorded in the history; a batch id seen before is refused
  bool if_new = false;   // a batch id seen before: do nothing and succeed
  // Columns of the new rows the dataset lacks are added as nullable columns (rows written
  // before read them as NULL; readers of the files unite them by name) instead of refused.
  bool allow_new_columns = false;
  // A partition holding more than this many files under small_file_bytes gets a warning.
  int64_t small_files_warning = 16;
  int64_t small_file_bytes = 32LL * 1024 * 1024;
};

struct AppendReport {
  Outcome outcome;
  bool skipped = false;         // if_new and the batch id was seen before
  int64_t skipped_version = 0;  // the version that appended it
  Manifest manifest;            // the new version (the current one when skipped)
  int64_t rows_added = 0;
  int64_t partitions_touched = 0;  // existing partitions that got rows
  int64_t partitions_created = 0;  // new partitions
  int64_t files_added = 0;
  std::vector<std::string> columns_added;  // allow_new_columns: the columns added
  std::vector<std::string> warnings;       // small files, an identical re-append
};

// Checks the request before any work: the dataset exists and is duckpart's, the batch id
// is new (or if_new), the bounds hold. Throws InputError (exit 2; nothing changed) then,
// also for a missing or extra column, or one whose values do not cast losslessly to the
// dataset's type; CheckFailed (exit 1) when the written data does not prove; BusyError
// when another process writes the dataset; RuntimeFailure (exit 3). Returns once the new
// version is published (outcome.committed), or at once when skipped.
AppendReport AppendDataset(const AppendRequest& request, const OperationControl& control);

}  // namespace duckpart

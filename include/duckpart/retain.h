// `duckpart retain` as one call: drop the partitions of a dataset past a retention window,
// as a new version (the others shared with the version before), published like `run`'s.
//
//   RetainRequest request{.target = "out/events", .window = {.older_than = "2024-01-01"}};
//   RetainReport report = RetainDataset(request, OperationControl{});
//   report.dropped;   // the partitions that went, with rows and bytes
//
// Windows (exactly one):
//   older_than  "2024-01-01": partitions of the time field whose whole range lies before it
//   keep        "12" (units of the time field's transform), "90d", "36h", "8w", "6m", "2y":
//               the current unit and the N-1 before it stay (in the engine's time zone)
//   where       "field < value" (<, <=, >, >=, =, <>): over partition values only, on an
//               identity field or the column of a time field; refused when a partition
//               holds rows on both sides. The NULL partition never matches.
// The time field is the dataset's first year/month/day/hour field (or identity of a DATE
// or TIMESTAMP column) unless `field` names one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duckpart/manifest.h"
#include "duckpart/operation.h"
#include "duckpart/source.h"

namespace duckpart {

// The largest N of --keep.
inline constexpr int64_t kMaxKeep = 1'000'000;

struct RetainWindow {
  std::string older_than;
  std::string keep;
  std::string where;
  std::string field;  // the time field for older_than and keep; empty = the first one
  // A description for people and the history: "--older-than 2024-01-01".
  std::string Describe() const;
};

struct RetainRequest {
  std::string target;  // the dataset folder
  // Or partition tables (run --to-db): the database file and the dataset's schema (empty:
  // the database's only duckpart schema); target stays empty then.
  std::string to_db, schema;
  EngineOptions engine;
  RetainWindow window;
  // Another Parquet dataset the dropped partitions' rows go to, verified and published
  // there before they leave (created with the dataset's spec when missing); see --help.
  std::string archive;
  bool allow_empty = false;  // may drop every partition
  bool dry_run = false;      // say what would go; change nothing
  bool verify = true;
};

// What retain --archive did.
struct ArchiveReport {
  std::string dest;
  bool skipped = false;  // the batch was archived before (a re-run after a crash)
  int64_t version = 0;   // DEST's version holding the batch
  std::string batch_id;
};

struct RetainReport {
  Outcome outcome;
  bool dry_run = false;
  std::vector<Partition> dropped;  // as the base version's manifest lists them
  int64_t rows_dropped = 0, bytes_dropped = 0;
  Manifest manifest;      // the new version (the current one for a dry run or nothing dropped)
  ArchiveReport archive;  // with request.archive (not for a dry run)
};

// Checks the request and the window before any work; throws InputError (exit 2, nothing
// changed) for a missing dataset, a window that is malformed, names no time field, would
// split a partition, or would drop every partition without allow_empty. Dropping nothing
// publishes nothing (outcome.committed false). Otherwise as RunDataset (run_request.h).
RetainReport RetainDataset(const RetainRequest& request, const OperationControl& control);

}  // namespace duckpart

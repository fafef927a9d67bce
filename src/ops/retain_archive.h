// retain --archive DEST: the rows of the partitions a retain drops go into another Parquet
// dataset, verified and published there, BEFORE the retain publishes the source without them.
//
//   CheckArchive(source, base.manifest, dest);               // before any work
//   ArchiveReport a = ArchiveDropped(source, base, dropped, dest, engine, control);
//   ... then the retain, on the same base version ...
//
// Exactly once: the archive's batch id names the source, its base version and the dropped
// rows (count and checksum), so the archive appends a batch at most once. A crash after the
// archive published and before the source did leaves the rows in both; running the same
// retain again finds the batch in DEST's history, appends nothing, and completes the retain.
// A crash before the archive published leaves DEST as it was (`recover DEST` tidies it).
#pragma once

#include <string>
#include <vector>

#include "duckpart/operation.h"
#include "duckpart/retain.h"
#include "ops/append_operation.h"

namespace duckpart::ops {

// Throws InputError (nothing changed) when DEST is the source itself (a dataset folder or a
// database file), exists and is not a duckpart dataset, or is one with another spec than
// the source's.
void CheckArchive(const std::string& source, const Manifest& manifest, const std::string& dest);

// Where the dropped rows are read from: the dataset they leave (its folder, or its
// database file and schema; it names the archive's batch) and the rows themselves, in the
// manifest's types.
struct DroppedRows {
  std::string dataset;
  SourceOptions rows;
};

// The dropped partitions of a Parquet dataset, read from the base version's own folder.
DroppedRows DroppedParquetRows(const std::string& source_dir, const BaseVersion& base,
                               const std::vector<Partition>& dropped);

// `load`, refused (BusyError: nothing dropped) unless the version it reads is `archived`,
// so that the retain after an archive drops exactly the partitions that were archived.
// `what` names the dataset in the message ("dataset 'out/events'", "schema ev").
BaseLoader ArchivedVersionOnly(BaseLoader load, int64_t archived, std::string what);

// Puts the dropped rows into DEST: appended under its spec (columns the dataset added are
// added there too), or DEST created by a run with the source's spec; nothing when DEST's
// history holds the batch already. Then proves DEST's record of the batch holds exactly
// the dropped partitions' rows and checksum (CheckFailed otherwise). Throws as
// AppendDataset and RunDataset do.
ArchiveReport ArchiveDropped(const DroppedRows& from, const BaseVersion& base,
                             const std::vector<Partition>& dropped, const std::string& dest,
                             const EngineOptions& engine, const OperationControl& control);

}  // namespace duckpart::ops

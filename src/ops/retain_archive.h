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

// Throws InputError (nothing changed) when DEST is the source itself, exists and is not a
// duckpart dataset, or is one with another spec than the source's.
void CheckArchive(const std::string& source_dir, const Manifest& source, const std::string& dest);

// Puts the rows of `dropped` (partitions of `base`, read from its own version folder in the
// manifest's types) into DEST: appended under its spec, or DEST created by a run with the
// source's spec; nothing when DEST's history holds the batch already. Then proves DEST's
// record of the batch holds exactly the dropped rows and checksum (CheckFailed otherwise).
// Throws as AppendDataset and RunDataset do.
ArchiveReport ArchiveDropped(const std::string& source_dir, const BaseVersion& base,
                             const std::vector<Partition>& dropped, const std::string& dest,
                             const EngineOptions& engine, const OperationControl& control);

}  // namespace duckpart::ops

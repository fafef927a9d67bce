// The analyses of duckpart/analyze.h over a caller's DuckDB connection and an already-read
// manifest, so that a long-running caller (`duckpart monitor --listen`) reuses one DuckDB
// instance and reads each manifest once.
#pragma once

#include <string>

#include "db/database.h"
#include "duckpart/analyze.h"

namespace duckpart::analyze {

// The analysis of the partition tables of `schema` (empty: the only duckpart schema) in the
// database attached as `alias` on `conn`; `database` is the file's name for messages and the
// report. Throws InputError as AnalyzeTables does for a missing or foreign schema.
AnalysisReport AnalyzeAttachedTables(db::Connection& conn, const std::string& alias,
                                     const std::string& database, const std::string& schema,
                                     const AnalyzeOptions& options);

// AnalyzeDataset of the Parquet dataset at `dir` from its manifest `manifest` (read by the
// caller); Parquet footers, where the manifest lists no files, are read through `conn`.
AnalysisReport AnalyzeManifest(const std::string& dir, const Manifest& manifest,
                               const AnalyzeOptions& options, db::Connection& conn);

}  // namespace duckpart::analyze

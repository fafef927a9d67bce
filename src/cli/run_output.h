// What `run` (and the commands that publish a whole new version like it: repartition)
// prints: the human summary, the JSON report, and the outcome's warnings.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "duckpart/operation.h"
#include "duckpart/run.h"
#include "duckpart/table_run.h"

namespace duckpart::cli {

// The JSON report of a Parquet run published at `target`.
nlohmann::json ResultJson(const RunResult& r, const std::string& target);
// "Published TARGET (version N): ..." and the plan's balance warnings, on stdout.
void PrintResult(const RunResult& r, const std::string& target, bool verified);
// The JSON report of a partition-tables run.
nlohmann::json TableResultJson(const TableRunResult& r);
// "Published schema S in FILE (version N): ..." and the balance warnings, on stdout.
void PrintTableResult(const TableRunResult& r, bool verified);
// The outcome's warnings (and an interrupt during the commit), on stderr.
void PrintWarnings(const Outcome& outcome);

}  // namespace duckpart::cli

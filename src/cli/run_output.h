// What `run` (and the commands that publish a whole new version like it: repartition)
// prints: the human summary, the JSON report, and the outcome's warnings.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "duckpart/operation.h"
#include "duckpart/run.h"
#include "duckpart/table_run.h"

namespace duckpart::cli {

class RunLog;

// Seconds per phase, in pipeline order.
nlohmann::ordered_json PhaseSeconds(const Outcome& o);
// Seconds per kind of step within each phase: {"plan": {"stats": s, "keys": s, ...},
// "write": {"copy": s, "place": s, "merge": s}, "verify": {"batch": s}, ...}.
nlohmann::ordered_json StepSeconds(const Outcome& o);
// The JSON report of a Parquet run published at `target` (README: Output contract).
nlohmann::ordered_json ResultJson(const RunResult& r, const Outcome& o, const std::string& target);
// "Published TARGET (version N): ..." and the plan's balance warnings, on stdout.
void PrintResult(const RunResult& r, const std::string& target, bool verified);
// The JSON report of a partition-tables run.
nlohmann::ordered_json TableResultJson(const TableRunResult& r, const Outcome& o);
// "Published schema S in FILE (version N): ..." and the balance warnings, on stdout.
void PrintTableResult(const TableRunResult& r, bool verified);
// The outcome's warnings (and an interrupt during the commit) on stderr, and into `log`.
void PrintWarnings(const Outcome& outcome, RunLog* log = nullptr);
// Other warnings of a command (an operation's own notes) on stderr, and into `log`.
void PrintWarnings(const std::vector<std::string>& warnings, RunLog* log = nullptr);

}  // namespace duckpart::cli

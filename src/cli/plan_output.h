// What `duckpart plan` prints, shared with `duckpart run --dry-run` (the same arguments
// give the same output, text and --json).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "duckpart/plan.h"
#include "duckpart/source.h"

namespace duckpart::cli {

// Partitions listed in the text output unless --show says otherwise.
inline constexpr int64_t kDefaultShownPartitions = 40;

// The plan as --json prints it (see "Output contract" in README.md).
nlohmann::ordered_json PlanJson(const Plan& plan);

// Plans `by` over the source (reading it, changing nothing) and prints the plan: the
// first `show` partitions as text, or the JSON with --json. Returns the exit code (0).
int PlanAndPrint(const SourceOptions& source, const EngineOptions& engine, const std::string& by,
                 int64_t show, const GlobalOptions& global);

}  // namespace duckpart::cli

// The parent's side of a measurement: making the data, inspecting it, and running each case
// once per round in a child process (this binary in a child mode, or build/duckpart), with
// its failure classified (timeout, signal, out of memory, exit code) as the case's, never the
// harness's.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cases.h"

namespace bench {

// Makes the data file when it is missing (in a child); false, with *why set, when there is
// not enough disk or the generation failed.
bool EnsureData(const Config& c, int64_t rows, int64_t wide_rows, std::string* why);

// ChildInfo's JSON for the database, or nullopt (with the reason on stderr) when it failed.
std::optional<json> Inspect(const Config& c, const fs::path& db_path,
                            const std::vector<std::string>& grans);

// Runs every case not skipped, unavailable or stopped, `runs` rounds round-robin, until an
// interrupt; appends a RunRecord per run to the case and prints a line per run on stderr.
void RunRounds(const Config& c, std::vector<Case>& cases, int runs);

// The 1-minute load averages sampled before every measured run so far.
const std::vector<double>& LoadSamples();

}  // namespace bench

// The scaling sweep as two standalone SVG charts, drawn from the "sweep" cases of a
// results.json: median wall seconds against rows, and against partitions, one line per
// method, both axes logarithmic; a failed or skipped point is a cross on the axis.
//
//   WriteSweepCharts(doc, results_dir);   // sweep-rows.svg, sweep-partitions.svg
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace bench {

// The chart of the sweep cases of `section` ("sweep_rows" or "sweep_partitions") with `x`
// ("rows" or "partitions") on the horizontal axis. Empty when the section has no case.
std::string SweepChart(const nlohmann::json& cases, const std::string& section,
                       const std::string& x, const std::string& title);

// Writes sweep-rows.svg and sweep-partitions.svg into `dir` from a results document;
// returns the files written (none when the document has no sweep).
std::vector<std::filesystem::path> WriteSweepCharts(const nlohmann::json& doc,
                                                    const std::filesystem::path& dir);

}  // namespace bench

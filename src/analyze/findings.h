// The findings of an analysis, each with the command that fixes it (see analyze.h for
// the rules). Pure: from the report's figures and the manifest's spec and schema.
#pragma once

#include <vector>

#include "duckpart/analyze.h"

namespace duckpart::analyze {

// Findings in a fixed order: skewed_key, split, merge, too_many_partitions,
// too_few_partitions, compact, empty. `r` must have its totals, target and
// distributions filled.
std::vector<Finding> FindFindings(const Manifest& m, const AnalyzeOptions& o,
                                  const AnalysisReport& r);

}  // namespace duckpart::analyze

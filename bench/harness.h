// The parent process of duckpart_bench: the main matrix and the optional scaling sweep, run
// case by case in child processes, then results.md and results.json (and latest.*) written
// and the Markdown printed on stdout.
#pragma once

#include "cases.h"

namespace bench {

// Runs the benchmark configured in c. Returns the process exit code: 0, 1 when the data
// cannot be made or inspected, 130 after SIGINT/SIGTERM (partial results are still written).
int RunParent(Config& c);

}  // namespace bench

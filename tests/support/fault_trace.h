// The fault seam's trace for trials that fail or crash every durable step (src/store/fault.h):
// how many steps a command takes.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "support/run_binary.h"

namespace duckpart::testing {

// Runs the command with DUCKPART_FAULT_TRACE=trace (it must succeed) and returns the durable
// steps it took: one line of the trace each.
inline int CountSteps(const std::vector<std::string>& args, const std::string& trace) {
  const RunResult r = RunDuckpart(args, {"DUCKPART_FAULT_TRACE=" + trace});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(ReadFile(trace));
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

}  // namespace duckpart::testing

// The duckpart binary as a child whose peak resident memory is measured by the kernel:
// wait4() returns the child's rusage, and ru_maxrss is the high-water mark of its RSS.
// Memory, unlike time, does not become noisy on a loaded machine, so tests can hold a
// run to a bound.
//
//   MeasuredRun m = RunDuckpartMeasured({"run", ..., "--memory-limit", "256MB"});
//   EXPECT_LE(m.peak_rss_bytes, 256 * kMiB + kFixedOverhead);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {

inline constexpr int64_t kMiB = 1024 * 1024;

struct MeasuredRun {
  RunResult result;
  int64_t peak_rss_bytes = 0;  // the child's peak RSS (ru_maxrss), in bytes
};

// Runs DUCKPART_BINARY with args to its end (at most kRunTimeout, then killed and said so
// in result.err) and returns what it printed, its exit code and its peak RSS.
inline MeasuredRun RunDuckpartMeasured(const std::vector<std::string>& args,
                                       std::chrono::seconds timeout = kRunTimeout) {
  TempDir io;
  const ChildExit e = WaitBounded(SpawnDuckpart(args, io / "out", io / "err"), timeout);
  MeasuredRun m{{e.exit_code, ReadFile(io / "out"), ReadFile(io / "err")},
                e.rusage.ru_maxrss * 1024};
  if (e.timed_out)
    m.result.err += "\n[test helper: killed after " + std::to_string(timeout.count()) + " s]\n";
  return m;
}

}  // namespace duckpart::testing

// The node readers of tests/readers (DuckDB 1.5's node bindings and nodejs-polars, pinned
// there and installed by scripts/install-deps.sh): each script reads a dataset and writes
// what it read as one Parquet file, for the suite to compare with DuckDB 1.4.
//   if (!HaveNode()) GTEST_SKIP() << ...;
//   RunNode("read_polars.js", {out, glob, R"({"hivePartitioning": true})"});
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {

inline bool HaveNode() { return std::system("command -v node >/dev/null 2>&1") == 0; }

inline std::string ReadersDir() { return DUCKPART_READERS_DIR; }

// Runs `node SCRIPT args...` in tests/readers; "" on success, else what it printed.
inline std::string RunNode(const std::string& script, const std::vector<std::string>& args) {
  TempDir io;
  std::string cmd = "cd " + ShellQuote(ReadersDir()) + " && node " + ShellQuote(script);
  for (const auto& a : args) cmd += " " + ShellQuote(a);
  cmd += " >" + ShellQuote(io / "out") + " 2>" + ShellQuote(io / "err") + " </dev/null";
  if (std::system(cmd.c_str()) == 0) return "";
  return "node " + script + " failed: " + ReadFile(io / "err") + ReadFile(io / "out");
}

}  // namespace duckpart::testing

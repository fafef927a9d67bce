// The retention flags of the commands that publish a version of a Parquet dataset
// (`run --to`, and every later writing command): --keep-versions N and --version-grace D.
#pragma once

#include <CLI/CLI.hpp>

#include "duckpart/run.h"

namespace duckpart::cli {

// Adds --keep-versions (1..1000, into run.keep_versions) and --version-grace (a duration such
// as 90s, 10m, 2h, 0s; into run.version_grace_seconds) to `sub`. Both are also configuration
// keys (keep_versions, version_grace).
void AddVersionOptions(CLI::App& sub, RunOptions& run);

// The sentence of --help that says what is kept, for the commands' footers.
extern const char* const kVersionRetentionHelp;

}  // namespace duckpart::cli

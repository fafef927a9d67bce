// Options shared by commands: the source, the engine settings, the spec.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "duckpart/source.h"

namespace duckpart::cli {

void AddSourceOptions(CLI::App& sub, SourceOptions& source);
void AddEngineOptions(CLI::App& sub, EngineOptions& engine);

// Human-readable sizes and counts: "1.5 MiB", "12,345".
std::string FormatBytes(int64_t bytes);
std::string FormatCount(int64_t n);

}  // namespace duckpart::cli

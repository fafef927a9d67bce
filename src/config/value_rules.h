// The rules a configuration value follows, by type: one place for the config file, the
// environment and the command-line flags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "duckpart/config.h"

namespace duckpart::config {

// Checks `text` against the key's type and bounds. On success returns nullopt and stores the
// normalised value in *normalized ("true"/"false" for booleans, trimmed otherwise); on
// failure returns a sentence naming the value and the valid choices.
std::optional<std::string> CheckValue(const ConfigKey& key, const std::string& text,
                                      std::string* normalized);

// Bytes of a size as DuckDB reads them ("300MB", "1.5GiB", "4096B"); nullopt when `text`
// is not one (also a bare number: DuckDB needs the unit). Units: B, KB, MB, GB, TB (powers of 1000)
// and KiB, MiB, GiB, TiB (of 1024).
std::optional<int64_t> ParseBytes(const std::string& text);
// Seconds of a duration ("90s", "15m", "26h", "7d"); nullopt when `text` is not one.
std::optional<int64_t> ParseSeconds(const std::string& text);
// The sentence listing what a size may be, for error messages.
std::string SizeRule();

}  // namespace duckpart::config

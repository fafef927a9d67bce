// When a dataset was last written successfully: what the freshness check measures.
//
// Every writing command (run, append, retain, rebalance, repartition) publishes a new
// version, so the time the current version was published (the manifest's `created_at`) is
// the time of the last successful write; the history's newest record says the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "duckpart/manifest.h"
#include "util/utc_time.h"

namespace duckpart::monitor {

struct LastWriteTime {
  std::string at;                    // UTC, ISO 8601, as recorded
  std::optional<int64_t> unix_time;  // nullopt when `at` does not parse
};

// The last successful write recorded in `manifest`.
LastWriteTime LastWrite(const Manifest& manifest);

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ" (also "...SS.fffZ" and "+00:00");
// nullopt for anything else.
std::optional<int64_t> ParseUtc(const std::string& iso);

// "YYYY-MM-DDTHH:MM:SSZ" of seconds since the epoch (util::FormatUtc).
using util::FormatUtc;

}  // namespace duckpart::monitor

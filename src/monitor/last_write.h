// When a dataset was last written successfully: what the freshness check measures.
//
// The seam for the operation history: today a dataset records only the time its current
// version was published (the manifest's `created_at`), which is the last successful write of
// every writing command (run, and later append, rebalance, retain), since each publishes a
// new version. When the manifest gains its `history` of operations (branch `lifecycle`),
// LastWrite should take the newest committed operation from it instead (and skip operations
// that change no data, should any be recorded); callers need no change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "duckpart/manifest.h"

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

// "YYYY-MM-DDTHH:MM:SSZ" of seconds since the epoch.
std::string FormatUtc(int64_t unix_time);

}  // namespace duckpart::monitor

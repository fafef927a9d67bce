// Times as duckpart records them: UTC, to the second, ISO 8601 ("2024-02-29T12:00:01Z").
#pragma once

#include <cstdint>
#include <string>

namespace duckpart::util {

// The Unix time `unix_seconds` as "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatUtc(int64_t unix_seconds);
// Now, as FormatUtc prints it.
std::string NowUtc();

}  // namespace duckpart::util

// Sizes people type: "512MB", "1.5GiB", "4096" (bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace duckpart::util {

// Bytes of a size in DuckDB's convention: B, KB/MB/GB/TB as powers of 1000, KiB/MiB/GiB/TiB
// as powers of 1024 (case-insensitive, spaces allowed before the unit, no unit = bytes).
// nullopt when the text is not such a size or is above 2^62 bytes.
std::optional<int64_t> ParseByteSize(const std::string& text);

}  // namespace duckpart::util

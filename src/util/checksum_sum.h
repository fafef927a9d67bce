// Arithmetic on content checksums as duckpart stores them: the decimal text of a sum of
// 64-bit row hashes (a DuckDB HUGEINT, see ChecksumSql in plan/keys.h). Sums are additive:
// the checksum of two sets of rows together is the sum of their checksums.
#pragma once

#include <string>

namespace duckpart::util {

// a + b, both decimal texts of 128-bit integers. Throws std::invalid_argument on text that
// is not one.
std::string AddChecksums(const std::string& a, const std::string& b);
// a - b.
std::string SubtractChecksums(const std::string& a, const std::string& b);

}  // namespace duckpart::util

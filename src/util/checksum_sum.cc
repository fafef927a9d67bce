#include "util/checksum_sum.h"

#include <algorithm>
#include <stdexcept>

namespace duckpart::util {
namespace {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

Int128 Parse(const std::string& text) {
  if (text.empty()) throw std::invalid_argument("an empty checksum");
  const bool negative = text[0] == '-';
  const size_t start = negative ? 1 : 0;
  if (start == text.size() || text.size() - start > 39)
    throw std::invalid_argument("not a checksum: " + text);
  Int128 v = 0;
  for (size_t i = start; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') throw std::invalid_argument("not a checksum: " + text);
    v = v * 10 + (text[i] - '0');
  }
  return negative ? -v : v;
}

std::string Print(Int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  UInt128 u = negative ? static_cast<UInt128>(-(v + 1)) + 1 : static_cast<UInt128>(v);
  std::string out;
  while (u > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

std::string AddChecksums(const std::string& a, const std::string& b) {
  return Print(Parse(a) + Parse(b));
}

std::string SubtractChecksums(const std::string& a, const std::string& b) {
  return Print(Parse(a) - Parse(b));
}

}  // namespace duckpart::util

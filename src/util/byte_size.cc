#include "util/byte_size.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace duckpart::util {
namespace {

std::optional<double> UnitFactor(std::string unit) {
  std::transform(unit.begin(), unit.end(), unit.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  static const std::pair<const char*, double> kUnits[] = {{"", 1},
                                                          {"bytes", 1},
                                                          {"b", 1},
                                                          {"kb", 1e3},
                                                          {"mb", 1e6},
                                                          {"gb", 1e9},
                                                          {"tb", 1e12},
                                                          {"kib", 1024.0},
                                                          {"mib", 1048576.0},
                                                          {"gib", 1073741824.0},
                                                          {"tib", 1099511627776.0}};
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) return factor;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> ParseByteSize(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  if (i == 0 || std::count(text.begin(), text.begin() + static_cast<long>(i), '.') > 1)
    return std::nullopt;
  const double number = std::strtod(text.substr(0, i).c_str(), nullptr);
  size_t u = i;
  while (u < text.size() && text[u] == ' ') ++u;
  const auto factor = UnitFactor(text.substr(u));
  if (!factor) return std::nullopt;
  const double bytes = std::round(number * *factor);
  if (!(bytes >= 0) || bytes > std::ldexp(1.0, 62)) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

}  // namespace duckpart::util

#include "config/value_rules.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "util/format.h"

namespace duckpart::config {
namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

using util::Lower;

// A finite decimal number at the start of `s`; the rest goes to *rest.
std::optional<double> LeadingNumber(const std::string& s, std::string* rest) {
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.'))
    return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(v)) return std::nullopt;
  *rest = Trim(std::string(end));
  return v;
}

std::string Bounds(const ConfigKey& key) {
  return fmt::format("from {:g} to {:g}", key.min, key.max);
}

std::optional<std::string> CheckNumber(const ConfigKey& key, const std::string& v, bool whole) {
  std::string rest;
  const auto n = LeadingNumber(v.size() > 1 && v[0] == '-' ? v.substr(1) : v, &rest);
  const double x = n && v[0] == '-' ? -*n : n.value_or(0);
  const char* what = whole ? "a whole number" : "a number";
  if (!n || !rest.empty() || (whole && x != std::floor(x)) || x < key.min || x > key.max) {
    return fmt::format("'{}' is not {} {}", v, what, Bounds(key));
  }
  return std::nullopt;
}

std::optional<std::string> CheckBool(const std::string& v, std::string* normalized) {
  const std::string l = Lower(v);
  if (l == "true" || l == "yes" || l == "on" || l == "1") {
    *normalized = "true";
  } else if (l == "false" || l == "no" || l == "off" || l == "0") {
    *normalized = "false";
  } else {
    return fmt::format("'{}' is not a boolean: true or false (also yes/no, on/off, 1/0)", v);
  }
  return std::nullopt;
}

std::optional<std::string> CheckChoice(const ConfigKey& key, const std::string& v) {
  for (const auto& c : key.choices) {
    if (c == v) return std::nullopt;
  }
  return fmt::format("'{}' is not one of {}", v, fmt::join(key.choices, ", "));
}

std::optional<std::string> CheckSize(const ConfigKey& key, const std::string& v) {
  const auto bytes = ParseBytes(v);
  if (!bytes) return fmt::format("'{}' is not a size: {}", v, SizeRule());
  if (static_cast<double>(*bytes) < key.min || static_cast<double>(*bytes) > key.max) {
    return fmt::format("'{}' is out of range: at most 1PB", v);
  }
  return std::nullopt;
}

std::optional<std::string> CheckDuration(const ConfigKey& key, const std::string& v) {
  const auto s = ParseSeconds(v);
  if (!s)
    return fmt::format("'{}' is not a duration: a number and s, m, h or d (e.g. 90s, 26h, 7d)", v);
  if (static_cast<double>(*s) < key.min || static_cast<double>(*s) > key.max) {
    return fmt::format("'{}' is out of range: from {}s to 366d", v, key.min);
  }
  return std::nullopt;
}

}  // namespace

std::string SizeRule() {
  return "a number and a unit B, KB, MB, GB, TB, KiB, MiB, GiB or TiB (e.g. 300MB, 4GiB)";
}

std::optional<int64_t> ParseBytes(const std::string& text) {
  static const std::array<std::pair<const char*, double>, 9> kUnits = {{{"b", 1.0},
                                                                        {"kb", 1e3},
                                                                        {"mb", 1e6},
                                                                        {"gb", 1e9},
                                                                        {"tb", 1e12},
                                                                        {"kib", 1024.0},
                                                                        {"mib", 1048576.0},
                                                                        {"gib", 1073741824.0},
                                                                        {"tib", 1099511627776.0}}};
  std::string rest;
  const auto n = LeadingNumber(Trim(text), &rest);
  if (!n) return std::nullopt;
  double factor = 0.0;  // DuckDB refuses a size without a unit
  for (const auto& [unit, f] : kUnits) {
    if (Lower(rest) == unit) factor = f;
  }
  const double bytes = *n * factor;
  if (factor == 0.0 || bytes > 9e18) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

std::optional<int64_t> ParseSeconds(const std::string& text) {
  std::string rest;
  const auto n = LeadingNumber(Trim(text), &rest);
  if (!n) return std::nullopt;
  const std::string u = Lower(rest);
  double factor = 0;
  if (u == "s") factor = 1;
  if (u == "m") factor = 60;
  if (u == "h") factor = 3600;
  if (u == "d") factor = 86400;
  if (factor == 0 || *n * factor > 9e18) return std::nullopt;
  return static_cast<int64_t>(*n * factor);
}

std::optional<std::string> CheckValue(const ConfigKey& key, const std::string& text,
                                      std::string* normalized) {
  const std::string v = Trim(text);
  *normalized = v;
  if (v.empty() && key.default_value.empty())
    return std::nullopt;  // unset is allowed where unset is the default
  if (v.empty()) return fmt::format("an empty value is not allowed for {}", key.name);
  switch (key.type) {
    case ConfigType::kSize:
      return CheckSize(key, v);
    case ConfigType::kInteger:
      return CheckNumber(key, v, true);
    case ConfigType::kNumber:
      return CheckNumber(key, v, false);
    case ConfigType::kBool:
      return CheckBool(v, normalized);
    case ConfigType::kChoice:
      return CheckChoice(key, v);
    case ConfigType::kDuration:
      return CheckDuration(key, v);
    case ConfigType::kString:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace duckpart::config

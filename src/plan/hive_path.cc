#include "duckpart/hive_path.h"

#include <cstdio>

namespace duckpart {
namespace {

bool NeedsEscape(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

void AppendEscaped(std::string& out, unsigned char c) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%%%02X", c);
  out += buf;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string EscapeHiveValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  const bool reserved = value == "NULL" || value == kHiveNull;
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (NeedsEscape(c) || (i == 0 && reserved)) {
      AppendEscaped(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string UnescapeHiveValue(std::string_view escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '%' && i + 2 < escaped.size()) {
      const int hi = HexDigit(escaped[i + 1]), lo = HexDigit(escaped[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += escaped[i];
  }
  return out;
}

std::string HiveSegment(std::string_view name, const std::optional<std::string>& value) {
  std::string out = EscapeHiveValue(name);
  out += '=';
  out += value ? EscapeHiveValue(*value) : std::string(kHiveNull);
  return out;
}

}  // namespace duckpart

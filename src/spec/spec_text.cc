#include "spec/spec_text.h"

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace duckpart::spec_text {

// ---------------------------------------------------------------------------
// Characters and names

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c); }

char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The transform a keyword names, case-insensitively.
std::optional<Transform> TransformFromName(std::string_view word) {
  std::string lower;
  for (char c : word) lower += ToLower(c);
  for (Transform t : kAllTransforms) {
    if (lower == TransformName(t)) return t;
  }
  return std::nullopt;
}

std::string TransformList() {
  std::string list;
  for (Transform t : kAllTransforms) {
    if (!list.empty()) list += ", ";
    list += TransformName(t);
  }
  return list;
}

bool TakesParam(Transform t) {
  return t == Transform::kBucket || t == Transform::kTruncate || t == Transform::kQuantile;
}
int64_t MinParam(Transform t) { return t == Transform::kQuantile ? 2 : 1; }

std::string ParamExpectation(Transform t) {
  switch (t) {
    case Transform::kBucket:
      return "expected a bucket count > 0 (an integer)";
    case Transform::kTruncate:
      return "expected a truncate width > 0 (an integer)";
    default:
      return "expected a quantile count >= 2 (an integer)";
  }
}

// Makes text safe for a one-line message: control characters become escapes.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

// Wraps text in `quote`, doubling any quote inside.
std::string Quote(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    out += c;
    if (c == quote) out += quote;
  }
  out += quote;
  return out;
}

bool IsBareColumn(std::string_view name) {
  if (name.empty() || !IsWordStart(name[0])) return false;
  for (char c : name) {
    if (!IsWordChar(c)) return false;
  }
  return !TransformFromName(name).has_value();
}

std::string PrintColumn(const std::string& column) {
  return IsBareColumn(column) ? column : Quote(column, '"');
}

std::string PrintLiteral(const Literal& literal) {
  return literal.kind == Literal::Kind::kNumber ? literal.text : Quote(literal.text, '\'');
}

// ---------------------------------------------------------------------------
// Exact comparison of numbers as written: value = 0.digits * 10^exponent.

namespace {

struct Decimal {
  int sign = 0;        // -1, 0 or 1
  std::string digits;  // no leading or trailing zeros; empty for zero
  int64_t exponent = 0;
};

// Reads the exponent digits, saturating far beyond any useful magnitude.
int64_t ReadExponent(std::string_view text) {
  int64_t sign = 1;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    sign = text[0] == '-' ? -1 : 1;
    text.remove_prefix(1);
  }
  int64_t value = 0;
  for (char c : text) {
    if (value < 1'000'000'000'000) value = value * 10 + (c - '0');
  }
  return sign * value;
}

// `text` is a valid number: -?digits[.digits][e[+-]digits].
Decimal ToDecimal(std::string_view text) {
  Decimal d;
  const bool negative = text[0] == '-';
  if (negative) text.remove_prefix(1);
  const size_t exp_at = text.find_first_of("eE");
  const std::string_view mantissa = text.substr(0, exp_at);
  const size_t dot = mantissa.find('.');
  const std::string_view whole = mantissa.substr(0, dot);
  d.digits = std::string(whole);
  if (dot != std::string_view::npos) d.digits += mantissa.substr(dot + 1);
  d.exponent = static_cast<int64_t>(whole.size());
  if (exp_at != std::string_view::npos) d.exponent += ReadExponent(text.substr(exp_at + 1));
  const size_t first = d.digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};
  d.digits = d.digits.substr(first, d.digits.find_last_not_of('0') + 1 - first);
  d.exponent -= static_cast<int64_t>(first);
  d.sign = negative ? -1 : 1;
  return d;
}

}  // namespace

// <0, 0, >0 as a < b, a == b, a > b.
int CompareNumbers(std::string_view a_text, std::string_view b_text) {
  const Decimal a = ToDecimal(a_text);
  const Decimal b = ToDecimal(b_text);
  if (a.sign != b.sign) return a.sign < b.sign ? -1 : 1;
  int magnitude = 0;
  if (a.exponent != b.exponent) {
    magnitude = a.exponent < b.exponent ? -1 : 1;
  } else {
    magnitude = a.digits.compare(b.digits);
  }
  return a.sign * magnitude;
}

// The index of the first bound not greater than the one before, if all are numbers.
std::optional<size_t> FirstNotIncreasing(const std::vector<Literal>& bounds) {
  for (const Literal& b : bounds) {
    if (b.kind != Literal::Kind::kNumber) return std::nullopt;
  }
  for (size_t i = 1; i < bounds.size(); ++i) {
    if (CompareNumbers(bounds[i - 1].text, bounds[i].text) >= 0) return i;
  }
  return std::nullopt;
}

}  // namespace duckpart::spec_text

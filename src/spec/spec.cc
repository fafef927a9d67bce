#include "duckpart/spec.h"

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace duckpart {
namespace {

using nlohmann::json;

constexpr std::array<Transform, 9> kAllTransforms = {
    Transform::kIdentity, Transform::kYear,  Transform::kMonth,
    Transform::kDay,      Transform::kHour,  Transform::kBucket,
    Transform::kTruncate, Transform::kRange, Transform::kQuantile};

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

// ---------------------------------------------------------------------------
// Tokenizer

enum class TokenKind { kEnd, kWord, kQuoted, kNumber, kString, kPunct, kOther };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t pos = 0;
  std::string text;  // word as written, quoted value, number as written, or the punctuation
  bool Is(char punct) const { return kind == TokenKind::kPunct && text[0] == punct; }
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  const Token& Peek() {
    if (!has_peeked_) peeked_ = Lex();
    has_peeked_ = true;
    return peeked_;
  }
  Token Next() {
    Peek();
    has_peeked_ = false;
    return std::move(peeked_);
  }

 private:
  Token Lex();
  Token LexWord();
  Token LexNumber();
  Token LexQuoted(TokenKind kind);
  void ExpectDigits(const char* where);
  bool AtDigit() const { return pos_ < text_.size() && IsDigit(text_[pos_]); }

  std::string_view text_;
  size_t pos_ = 0;
  Token peeked_;
  bool has_peeked_ = false;
};

Token Lexer::Lex() {
  while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  if (pos_ == text_.size()) return Token{TokenKind::kEnd, pos_, ""};
  const char c = text_[pos_];
  if (IsWordStart(c)) return LexWord();
  if (IsDigit(c) || c == '-') return LexNumber();
  if (c == '"') return LexQuoted(TokenKind::kQuoted);
  if (c == '\'') return LexQuoted(TokenKind::kString);
  const std::string_view puncts = "(),[]";
  const TokenKind kind =
      puncts.find(c) != std::string_view::npos ? TokenKind::kPunct : TokenKind::kOther;
  return Token{kind, pos_++, std::string(1, c)};
}

Token Lexer::LexWord() {
  const size_t start = pos_;
  while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
  return Token{TokenKind::kWord, start, std::string(text_.substr(start, pos_ - start))};
}

void Lexer::ExpectDigits(const char* where) {
  if (!AtDigit()) throw SpecError(pos_, fmt::format("expected a digit {}", where));
  while (AtDigit()) ++pos_;
}

Token Lexer::LexNumber() {
  const size_t start = pos_;
  if (text_[pos_] == '-') ++pos_;
  ExpectDigits("in the number");
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    ExpectDigits("after '.'");
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    ExpectDigits("in the exponent");
  }
  return Token{TokenKind::kNumber, start, std::string(text_.substr(start, pos_ - start))};
}

// A "quoted name" or a 'string literal'; a doubled quote stands for one quote.
Token Lexer::LexQuoted(TokenKind kind) {
  const size_t start = pos_;
  const char quote = text_[pos_++];
  const char* what = kind == TokenKind::kQuoted ? "name" : "string";
  std::string value;
  while (true) {
    if (pos_ == text_.size()) {
      const char* closing = quote == '"' ? "'\"'" : "\"'\"";
      throw SpecError(pos_, fmt::format("expected a closing {} for the quoted {} opened at "
                                        "position {}",
                                        closing, what, start));
    }
    const char c = text_[pos_++];
    if (c == '\0') throw SpecError(pos_ - 1, fmt::format("expected no NUL byte in a {}", what));
    if (c == quote && (pos_ == text_.size() || text_[pos_] != quote)) break;
    if (c == quote) ++pos_;
    value += c;
  }
  return Token{kind, start, std::move(value)};
}

bool IsNumberText(std::string_view text) {
  try {
    Lexer lexer(text);
    const Token token = lexer.Next();
    return token.kind == TokenKind::kNumber && token.pos == 0 && token.text.size() == text.size();
  } catch (const SpecError&) {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Parser

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) {}
  Spec ParseSpec();

 private:
  Field ParseNamedField();
  Field ParseField();
  Field ParseArguments(Transform transform);
  std::string ParseColumn();
  int64_t ParseParam(Transform transform);
  std::vector<Literal> ParseBounds();
  Literal ParseLiteral();
  bool Accept(char punct);
  void Expect(char punct, std::string_view expected);

  Lexer lexer_;
};

Spec Parser::ParseSpec() {
  Spec spec;
  std::set<std::string> names;
  do {
    const size_t pos = lexer_.Peek().pos;
    Field field = ParseNamedField();
    if (!names.insert(field.Name()).second) {
      throw SpecError(pos, fmt::format("expected each field name once, got duplicate field '{}'",
                                       field.Name()));
    }
    spec.fields.push_back(std::move(field));
  } while (Accept(','));
  if (lexer_.Peek().kind != TokenKind::kEnd) {
    throw SpecError(lexer_.Peek().pos, "expected ',', AS or the end of the spec");
  }
  return spec;
}

bool IsAsKeyword(const Token& token) {
  return token.kind == TokenKind::kWord && token.text.size() == 2 &&
         ToLower(token.text[0]) == 'a' && ToLower(token.text[1]) == 's';
}

// field ["AS" name]; a name equal to the default is kept as no name.
Field Parser::ParseNamedField() {
  Field field = ParseField();
  if (!IsAsKeyword(lexer_.Peek())) return field;
  lexer_.Next();
  const Token& token = lexer_.Peek();
  if (token.kind == TokenKind::kQuoted && token.text.empty()) {
    throw SpecError(token.pos, "expected a non-empty field name after AS");
  }
  if (token.kind != TokenKind::kWord && token.kind != TokenKind::kQuoted) {
    throw SpecError(token.pos, "expected a field name after AS (m or \"double-quoted\")");
  }
  std::string name = lexer_.Next().text;
  if (name != field.DefaultName()) field.name = std::move(name);
  return field;
}

Field Parser::ParseField() {
  const Token& token = lexer_.Peek();
  if (token.kind == TokenKind::kQuoted) return Field{Transform::kIdentity, ParseColumn()};
  if (token.kind != TokenKind::kWord) {
    throw SpecError(token.pos, "expected a field: a column name or a transform like month(ts)");
  }
  const Token word = lexer_.Next();
  if (!lexer_.Peek().Is('(')) return Field{Transform::kIdentity, word.text};
  const std::optional<Transform> transform = TransformFromName(word.text);
  if (!transform) {
    throw SpecError(word.pos,
                    fmt::format("expected a transform ({}), got '{}'", TransformList(), word.text));
  }
  lexer_.Next();
  return ParseArguments(*transform);
}

// Everything after "<transform>(".
Field Parser::ParseArguments(Transform transform) {
  Field field;
  field.transform = transform;
  if (TakesParam(transform)) {
    field.param = ParseParam(transform);
    Expect(',', fmt::format("',' after the {} argument", TransformName(transform)));
  }
  field.column = ParseColumn();
  if (transform == Transform::kRange) {
    Expect(',', "',' and the bounds after the column name, e.g. range(x, [10, 20])");
    field.bounds = ParseBounds();
    Expect(')', "')' after the bounds");
  } else {
    Expect(')', "')' after the column name");
  }
  return field;
}

std::string Parser::ParseColumn() {
  const Token& token = lexer_.Peek();
  if (token.kind == TokenKind::kQuoted && token.text.empty()) {
    throw SpecError(token.pos, "expected a non-empty column name");
  }
  if (token.kind != TokenKind::kWord && token.kind != TokenKind::kQuoted) {
    throw SpecError(token.pos, "expected a column name (user_id or \"double-quoted\")");
  }
  return lexer_.Next().text;
}

int64_t Parser::ParseParam(Transform transform) {
  const Token& token = lexer_.Peek();
  const bool digits_only = token.kind == TokenKind::kNumber &&
                           token.text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits_only) throw SpecError(token.pos, ParamExpectation(transform));
  int64_t value = 0;
  for (char c : token.text) {
    if (value > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10) {
      throw SpecError(token.pos, fmt::format("expected an integer no larger than {}",
                                             std::numeric_limits<int64_t>::max()));
    }
    value = value * 10 + (c - '0');
  }
  if (value < MinParam(transform)) throw SpecError(token.pos, ParamExpectation(transform));
  lexer_.Next();
  return value;
}

std::vector<Literal> Parser::ParseBounds() {
  Expect('[', "'[' to start the range bounds, e.g. [10, 20]");
  if (lexer_.Peek().Is(']')) throw SpecError(lexer_.Peek().pos, "expected at least one bound");
  std::vector<Literal> bounds;
  std::vector<size_t> positions;
  do {
    positions.push_back(lexer_.Peek().pos);
    bounds.push_back(ParseLiteral());
  } while (Accept(','));
  Expect(']', "',' or ']' after a bound");
  if (const std::optional<size_t> bad = FirstNotIncreasing(bounds)) {
    throw SpecError(positions[*bad],
                    fmt::format("expected bounds in strictly increasing order, but {} is not "
                                "greater than {}",
                                bounds[*bad].text, bounds[*bad - 1].text));
  }
  return bounds;
}

Literal Parser::ParseLiteral() {
  const Token& token = lexer_.Peek();
  if (token.kind != TokenKind::kNumber && token.kind != TokenKind::kString) {
    throw SpecError(token.pos, "expected a bound: a number or a 'single-quoted string'");
  }
  const Literal::Kind kind =
      token.kind == TokenKind::kNumber ? Literal::Kind::kNumber : Literal::Kind::kString;
  return Literal{kind, lexer_.Next().text};
}

bool Parser::Accept(char punct) {
  if (!lexer_.Peek().Is(punct)) return false;
  lexer_.Next();
  return true;
}

void Parser::Expect(char punct, std::string_view expected) {
  if (!Accept(punct)) throw SpecError(lexer_.Peek().pos, fmt::format("expected {}", expected));
}

// ---------------------------------------------------------------------------
// JSON

[[noreturn]] void BadJson(const std::string& message) {
  throw InputError("invalid spec JSON: " + OneLine(message));
}

const json& Member(const json& object, const char* key, bool (json::*is_type)() const,
                   const char* type) {
  const auto it = object.find(key);
  if (it == object.end() || !((*it).*is_type)()) {
    BadJson(fmt::format("expected \"{}\" to be {}", key, type));
  }
  return *it;
}

std::string StringMember(const json& object, const char* key) {
  return Member(object, key, &json::is_string, "a string").get<std::string>();
}

json LiteralToJson(const Literal& literal) {
  return json{{literal.kind == Literal::Kind::kNumber ? "number" : "string", literal.text}};
}

Literal LiteralFromJson(const json& j) {
  if (!j.is_object() || j.size() != 1) BadJson("expected a bound to be {\"number\": ...}");
  if (j.contains("string")) return Literal{Literal::Kind::kString, StringMember(j, "string")};
  Literal literal{Literal::Kind::kNumber, StringMember(j, "number")};
  if (!IsNumberText(literal.text)) BadJson(fmt::format("'{}' is not a number", literal.text));
  return literal;
}

json FieldToJson(const Field& field) {
  json j = {{"transform", TransformName(field.transform)},
            {"column", field.column},
            {"name", field.Name()}};
  if (TakesParam(field.transform)) j["param"] = field.param;
  if (field.transform == Transform::kRange) {
    json bounds = json::array();
    for (const Literal& b : field.bounds) bounds.push_back(LiteralToJson(b));
    j["bounds"] = std::move(bounds);
  }
  return j;
}

int64_t ParamFromJson(const json& j) {
  const json& param = Member(j, "param", &json::is_number_integer, "an integer");
  if (param.is_number_unsigned() &&
      param.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    BadJson("expected \"param\" to fit in 64 bits");
  }
  return param.get<int64_t>();
}

Field FieldFromJson(const json& j) {
  if (!j.is_object()) BadJson("expected each field to be an object");
  const std::string name = StringMember(j, "transform");
  const std::optional<Transform> transform = TransformFromName(name);
  if (!transform || name != TransformName(*transform)) {
    BadJson(fmt::format("expected a transform ({}), got '{}'", TransformList(), name));
  }
  Field field{*transform, StringMember(j, "column")};
  if (TakesParam(field.transform)) field.param = ParamFromJson(j);
  if (field.transform == Transform::kRange) {
    for (const json& b : Member(j, "bounds", &json::is_array, "an array")) {
      field.bounds.push_back(LiteralFromJson(b));
    }
  }
  if (j.contains("name")) {
    field.name = StringMember(j, "name");
    if (field.name.empty()) BadJson("expected \"name\" to be a non-empty string");
    if (field.name == field.DefaultName()) field.name.clear();
  }
  return field;
}

}  // namespace

// ---------------------------------------------------------------------------
// Public interface

const char* TransformName(Transform t) {
  switch (t) {
    case Transform::kIdentity:
      return "identity";
    case Transform::kYear:
      return "year";
    case Transform::kMonth:
      return "month";
    case Transform::kDay:
      return "day";
    case Transform::kHour:
      return "hour";
    case Transform::kBucket:
      return "bucket";
    case Transform::kTruncate:
      return "truncate";
    case Transform::kRange:
      return "range";
    case Transform::kQuantile:
      return "quantile";
  }
  return "unknown";
}

std::string Field::DefaultName() const { return column + "_" + TransformName(transform); }

std::string Field::Name() const { return name.empty() ? DefaultName() : name; }

bool Field::operator==(const Field& other) const {
  return transform == other.transform && column == other.column && param == other.param &&
         bounds == other.bounds && Name() == other.Name();
}

SpecError::SpecError(size_t position, const std::string& message)
    : InputError(fmt::format("invalid spec at position {}: {}", position, OneLine(message))),
      position_(position) {}

Spec ParseSpec(std::string_view text) { return Parser(text).ParseSpec(); }

std::string ToString(const Field& field) {
  std::string out = fmt::format("{}(", TransformName(field.transform));
  if (TakesParam(field.transform)) out += fmt::format("{}, ", field.param);
  out += PrintColumn(field.column);
  if (field.transform == Transform::kRange) {
    out += ", [";
    for (size_t i = 0; i < field.bounds.size(); ++i) {
      out += (i == 0 ? "" : ", ") + PrintLiteral(field.bounds[i]);
    }
    out += "]";
  }
  out += ")";
  if (field.Name() != field.DefaultName()) out += " AS " + PrintColumn(field.name);
  return out;
}

std::string ToString(const Spec& spec) {
  std::string out;
  for (const Field& field : spec.fields) {
    if (!out.empty()) out += ", ";
    out += ToString(field);
  }
  return out;
}

json ToJson(const Spec& spec) {
  json fields = json::array();
  for (const Field& field : spec.fields) fields.push_back(FieldToJson(field));
  return json{{"fields", std::move(fields)}};
}

// Reads the fields, then holds them to the text grammar's rules by a round trip.
Spec SpecFromJson(const json& j) {
  if (!j.is_object()) BadJson("expected an object with \"fields\"");
  Spec spec;
  for (const json& field : Member(j, "fields", &json::is_array, "an array")) {
    spec.fields.push_back(FieldFromJson(field));
  }
  const std::string text = ToString(spec);
  try {
    if (ParseSpec(text) == spec) return spec;
  } catch (const SpecError& e) {
    BadJson(fmt::format("{} (as text: {})", e.what(), text));
  }
  BadJson(fmt::format("the fields do not survive a round trip through text: {}", text));
}

}  // namespace duckpart

// The spec grammar: a tokenizer and a recursive-descent parser (see duckpart/spec.h).
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

#include "duckpart/spec.h"
#include "spec/spec_text.h"

namespace duckpart {
namespace {

using namespace spec_text;  // NOLINT: the shared helpers of this folder

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

}  // namespace

namespace spec_text {

bool IsNumberText(std::string_view text) {
  try {
    Lexer lexer(text);
    const Token token = lexer.Next();
    return token.kind == TokenKind::kNumber && token.pos == 0 && token.text.size() == text.size();
  } catch (const SpecError&) {
    return false;
  }
}

}  // namespace spec_text

SpecError::SpecError(size_t position, const std::string& message)
    : InputError(
          fmt::format("invalid spec at position {}: {}", position, spec_text::OneLine(message))),
      position_(position) {}

Spec ParseSpec(std::string_view text) { return Parser(text).ParseSpec(); }

}  // namespace duckpart

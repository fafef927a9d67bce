#include "db/sql.h"

#include <stdexcept>

namespace duckpart::db {
namespace {

std::string Quote(std::string_view text, char quote) {
  if (text.find('\0') != std::string_view::npos) {
    throw std::invalid_argument("SQL text may not contain a NUL byte");
  }
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back(quote);
  for (char c : text) {
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

}  // namespace

std::string QuoteIdent(std::string_view name) { return Quote(name, '"'); }

std::string QuoteLiteral(std::string_view text) { return Quote(text, '\''); }

std::string QualifiedName(std::string_view schema, std::string_view table) {
  return QuoteIdent(schema) + "." + QuoteIdent(table);
}

std::string QuoteIdentList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += QuoteIdent(n);
  }
  return out;
}

}  // namespace duckpart::db

// Building SQL text safely: identifiers are double-quoted, literals single-quoted,
// embedded quotes doubled. User text never reaches SQL any other way.
//
//   std::string sql = "SELECT count(*) FROM " + QuoteIdent(table) +
//                     " WHERE k = " + QuoteLiteral(value);
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace duckpart::db {

// "name" with embedded double quotes doubled. Throws std::invalid_argument on a NUL byte.
std::string QuoteIdent(std::string_view name);
// 'text' with embedded single quotes doubled. Throws std::invalid_argument on a NUL byte.
std::string QuoteLiteral(std::string_view text);
// schema.table where either part may hold any character.
std::string QualifiedName(std::string_view schema, std::string_view table);
// "a", "b", "c"
std::string QuoteIdentList(const std::vector<std::string>& names);

}  // namespace duckpart::db

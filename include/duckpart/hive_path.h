// Hive-style path segments, escaped as Spark and Hive do, with NULL, 'NULL' and ''
// kept apart.
//
//   HiveSegment("tag", "a/b")          == "tag=a%2Fb"
//   HiveSegment("tag", std::nullopt)   == "tag=__HIVE_DEFAULT_PARTITION__"   (SQL NULL)
//   HiveSegment("tag", "NULL")         == "tag=%4EULL"   (the string, never read as NULL)
//   HiveSegment("tag", "")             == "tag="
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace duckpart {

inline constexpr std::string_view kHiveNull = "__HIVE_DEFAULT_PARTITION__";

// Escapes a partition value: control characters, '"', '#', '%', '\'', '*', '/', ':', '=',
// '?', '\\', DEL, '{', '[', ']', '^' as %XX (Spark's set); the strings "NULL" and
// "__HIVE_DEFAULT_PARTITION__" get their first character escaped so that no reader
// takes them for NULL. Other bytes, unicode included, stay as they are.
std::string EscapeHiveValue(std::string_view value);
// Inverse of EscapeHiveValue (any %XX is decoded).
std::string UnescapeHiveValue(std::string_view escaped);
// "name=escaped value", NULL as __HIVE_DEFAULT_PARTITION__.
std::string HiveSegment(std::string_view name, const std::optional<std::string>& value);

}  // namespace duckpart

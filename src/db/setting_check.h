// Whether DuckDB accepts a value for one of its settings, asked of DuckDB itself (a
// configuration object, no database opened), so that a bad --memory-limit is caught while
// the arguments are parsed and named by its flag.
//
//   IsValidSetting("memory_limit", "4GB")    // true
//   IsValidSetting("memory_limit", "lots")   // false
#pragma once

#include <string>

namespace duckpart::db {

bool IsValidSetting(const std::string& name, const std::string& value);

}  // namespace duckpart::db

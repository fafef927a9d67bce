// Text for people and for names: "1.5 MiB", "12,345", lower-cased ASCII.
#pragma once

#include <cstdint>
#include <string>

namespace duckpart::util {

std::string FormatBytes(int64_t bytes);
std::string FormatCount(int64_t n);
// `s` with ASCII letters lower-cased (DuckDB matches catalog names so).
std::string Lower(std::string s);

}  // namespace duckpart::util

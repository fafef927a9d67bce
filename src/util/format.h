// Numbers for people: "1.5 MiB", "12,345".
#pragma once

#include <cstdint>
#include <string>

namespace duckpart::util {

std::string FormatBytes(int64_t bytes);
std::string FormatCount(int64_t n);

}  // namespace duckpart::util

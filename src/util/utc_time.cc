#include "util/utc_time.h"

#include <ctime>

namespace duckpart::util {

std::string FormatUtc(int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string NowUtc() { return FormatUtc(static_cast<int64_t>(std::time(nullptr))); }

}  // namespace duckpart::util

#include "util/byte_size.h"

#include <gtest/gtest.h>

namespace duckpart::util {
namespace {

TEST(ParseByteSize, UnitsFollowDuckdbConvention) {
  EXPECT_EQ(ParseByteSize("4096"), 4096);
  EXPECT_EQ(ParseByteSize("512MB"), 512'000'000);
  EXPECT_EQ(ParseByteSize("512MiB"), int64_t{512} << 20);
  EXPECT_EQ(ParseByteSize("1.5 GiB"), int64_t{3} << 29);
  EXPECT_EQ(ParseByteSize("64kib"), 65536);
  EXPECT_EQ(ParseByteSize("2TB"), 2'000'000'000'000);
}

TEST(ParseByteSize, RejectsWhatIsNotASize) {
  EXPECT_FALSE(ParseByteSize(""));
  EXPECT_FALSE(ParseByteSize("MB"));
  EXPECT_FALSE(ParseByteSize("12 parsecs"));
  EXPECT_FALSE(ParseByteSize("1.2.3MB"));
  EXPECT_FALSE(ParseByteSize("-5MB"));
  EXPECT_FALSE(ParseByteSize("99999999999TiB"));
}

}  // namespace
}  // namespace duckpart::util

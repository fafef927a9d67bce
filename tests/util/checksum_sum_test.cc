#include "util/checksum_sum.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace duckpart::util {
namespace {

TEST(ChecksumSum, AddsBeyondSixtyFourBits) {
  EXPECT_EQ(AddChecksums("18446744073709551615", "18446744073709551615"), "36893488147419103230");
  EXPECT_EQ(AddChecksums("0", "0"), "0");
  EXPECT_EQ(AddChecksums("123", "-23"), "100");
}

TEST(ChecksumSum, SubtractionUndoesAddition) {
  const std::string a = "98765432109876543210987654321", b = "12345678901234567890";
  EXPECT_EQ(SubtractChecksums(AddChecksums(a, b), b), a);
  EXPECT_EQ(SubtractChecksums("5", "7"), "-2");
}

TEST(ChecksumSum, RefusesTextThatIsNoChecksum) {
  EXPECT_THROW(AddChecksums("", "1"), std::invalid_argument);
  EXPECT_THROW(AddChecksums("12a", "1"), std::invalid_argument);
  EXPECT_THROW(AddChecksums("-", "1"), std::invalid_argument);
}

}  // namespace
}  // namespace duckpart::util

// Iceberg's hash against the values the Iceberg table spec publishes (appendix B) and the
// reference vectors of Murmur3 x86 32-bit.
#include "util/iceberg_hash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace duckpart::util {
namespace {

std::vector<int> Bytes(Int128 v) {
  unsigned char out[16];
  const size_t n = MinimalBigEndianBytes(v, out);
  return std::vector<int>(out, out + n);
}

TEST(Murmur3, ReferenceVectors) {
  EXPECT_EQ(Murmur3X86_32("", 0, 0), 0);
  EXPECT_EQ(static_cast<uint32_t>(Murmur3X86_32("", 0, 1)), 0x514E28B7u);
  EXPECT_EQ(static_cast<uint32_t>(Murmur3X86_32("", 0, 0xffffffff)), 0x81F16F39u);
  const unsigned char ones[] = {0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(static_cast<uint32_t>(Murmur3X86_32(ones, 4, 0)), 0x76293B50u);
  const unsigned char word[] = {0x21, 0x43, 0x65, 0x87};
  EXPECT_EQ(static_cast<uint32_t>(Murmur3X86_32(word, 4, 0)), 0xF55B516Bu);
  // tails of 1, 2 and 3 bytes
  const unsigned char tail[] = {0x21, 0x43, 0x65};
  EXPECT_EQ(static_cast<uint32_t>(Murmur3X86_32(tail, 3, 0)), 0x7E4A8634u);
  EXPECT_EQ(static_cast<uint32_t>(Murmur3X86_32(tail, 2, 0)), 0xA0F7B07Au);
  EXPECT_EQ(static_cast<uint32_t>(Murmur3X86_32(tail, 1, 0)), 0x72661CF4u);
}

TEST(IcebergHash, SpecTestValues) {
  EXPECT_EQ(IcebergHashLong(34), 2017239379);                 // int and long 34
  EXPECT_EQ(IcebergHashDecimal(1420), -500754589);            // decimal 14.20
  EXPECT_EQ(IcebergHashLong(17486), -653330422);              // date 2017-11-16
  EXPECT_EQ(IcebergHashLong(81068000000), -662762989);        // time 22:31:08
  EXPECT_EQ(IcebergHashLong(1510871468000000), -2047944441);  // timestamp(tz) 2017-11-16T22:31:08Z
  EXPECT_EQ(IcebergHashBytes("iceberg"), 1210000089);         // string
  EXPECT_EQ(IcebergHashUuid(0xf79c3e09677c4bbdULL, 0xa4793f349cb785e7ULL), 1488055340);
  EXPECT_EQ(IcebergHashBytes(std::string("\x00\x01\x02\x03", 4)), -188683207);  // binary
}

TEST(IcebergHash, IntAndLongHashAlike) {
  for (int64_t v :
       {int64_t{0}, int64_t{-1}, int64_t{127}, int64_t{-2147483648LL}, int64_t{1} << 40}) {
    EXPECT_EQ(IcebergHashLong(static_cast<int32_t>(v & 0x7fffffff)),
              IcebergHashLong(v & 0x7fffffff));
  }
}

TEST(IcebergHash, DecimalBytesAreMinimalTwosComplement) {
  EXPECT_EQ(Bytes(0), (std::vector<int>{0x00}));
  EXPECT_EQ(Bytes(127), (std::vector<int>{0x7f}));
  EXPECT_EQ(Bytes(128), (std::vector<int>{0x00, 0x80}));
  EXPECT_EQ(Bytes(-1), (std::vector<int>{0xff}));
  EXPECT_EQ(Bytes(-128), (std::vector<int>{0x80}));
  EXPECT_EQ(Bytes(-129), (std::vector<int>{0xff, 0x7f}));
  EXPECT_EQ(Bytes(1420), (std::vector<int>{0x05, 0x8c}));
  const Int128 big = static_cast<Int128>(1) << 100;  // 2^100: 0x10 followed by 12 zero bytes
  std::vector<int> want(13, 0);
  want[0] = 0x10;
  EXPECT_EQ(Bytes(big), want);
  EXPECT_EQ(Bytes(-big).size(), 13u);
}

TEST(IcebergHash, BucketIsNonNegativeModulo) {
  EXPECT_EQ(IcebergBucket(IcebergHashLong(34), 100),
            79);                         // bucket[100] of 34 (Velox's documented value)
  EXPECT_EQ(IcebergBucket(-1, 16), 15);  // the sign bit is masked, not negated
  EXPECT_EQ(IcebergBucket(IcebergHashBytes("iceberg"), 1), 0);
}

TEST(IcebergHash, FloorDivRoundsTowardNegativeInfinity) {
  EXPECT_EQ(FloorDiv(1999, 1000), 1);
  EXPECT_EQ(FloorDiv(-1, 1000), -1);
  EXPECT_EQ(FloorDiv(-1000, 1000), -1);
  EXPECT_EQ(FloorDiv(-1001, 1000), -2);
}

}  // namespace
}  // namespace duckpart::util

#include "util/iceberg_hash.h"

#include <cstring>

namespace duckpart::util {
namespace {

constexpr uint32_t kC1 = 0xcc9e2d51;
constexpr uint32_t kC2 = 0x1b873593;

uint32_t RotateLeft(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// One 4-byte block (or the zero-padded tail) scrambled into a value to mix in.
uint32_t Scramble(uint32_t k) { return RotateLeft(k * kC1, 15) * kC2; }

uint32_t FinalMix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >> 16);
}

// Reads 4 bytes as a little-endian word, whatever the machine's byte order.
uint32_t LittleEndianWord(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

}  // namespace

int32_t Murmur3X86_32(const void* data, size_t size, uint32_t seed) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  uint32_t h = seed;
  const size_t blocks = size / 4;
  for (size_t i = 0; i < blocks; ++i) {
    h ^= Scramble(LittleEndianWord(bytes + 4 * i));
    h = RotateLeft(h, 13) * 5 + 0xe6546b64;
  }
  const unsigned char* tail = bytes + 4 * blocks;
  uint32_t k = 0;
  switch (size & 3) {
    case 3:
      k ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      h ^= Scramble(k);
      break;
    default:
      break;
  }
  h ^= static_cast<uint32_t>(size);
  return static_cast<int32_t>(FinalMix(h));
}

int32_t IcebergHashLong(int64_t value) {
  unsigned char bytes[8];
  auto u = static_cast<uint64_t>(value);
  for (unsigned char& b : bytes) {
    b = static_cast<unsigned char>(u & 0xff);
    u >>= 8;
  }
  return Murmur3X86_32(bytes, sizeof bytes);
}

int32_t IcebergHashBytes(std::string_view bytes) {
  return Murmur3X86_32(bytes.data(), bytes.size());
}

size_t MinimalBigEndianBytes(Int128 value, unsigned char out[16]) {
  unsigned char full[16];
  __extension__ typedef unsigned __int128 UInt128;
  auto u = static_cast<UInt128>(value);
  for (int i = 15; i >= 0; --i) {
    full[i] = static_cast<unsigned char>(u & 0xff);
    u >>= 8;
  }
  // Drop a leading byte while it only repeats the sign of the byte after it.
  size_t start = 0;
  while (start < 15 && ((full[start] == 0x00 && (full[start + 1] & 0x80) == 0) ||
                        (full[start] == 0xff && (full[start + 1] & 0x80) != 0))) {
    ++start;
  }
  std::memcpy(out, full + start, 16 - start);
  return 16 - start;
}

int32_t IcebergHashDecimal(Int128 unscaled) {
  unsigned char bytes[16];
  const size_t n = MinimalBigEndianBytes(unscaled, bytes);
  return Murmur3X86_32(bytes, n);
}

int32_t IcebergHashUuid(uint64_t high, uint64_t low) {
  unsigned char bytes[16];
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<unsigned char>(high & 0xff);
    bytes[8 + i] = static_cast<unsigned char>(low & 0xff);
    high >>= 8;
    low >>= 8;
  }
  return Murmur3X86_32(bytes, sizeof bytes);
}

int32_t IcebergBucket(int32_t hash, int32_t buckets) { return (hash & INT32_MAX) % buckets; }

int64_t FloorDiv(int64_t value, int64_t divisor) {
  const int64_t q = value / divisor;
  return (value % divisor != 0 && ((value < 0) != (divisor < 0))) ? q - 1 : q;
}

}  // namespace duckpart::util

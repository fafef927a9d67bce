// Apache Iceberg's 32-bit hash and bucket (Iceberg table spec, appendix B), as pure
// functions of a value's canonical form, so any engine that follows the spec computes the
// same bucket:
//
//   IcebergBucket(IcebergHashLong(34), 100)        == 79
//   IcebergBucket(IcebergHashBytes("iceberg"), 16) == (1210000089 & INT32_MAX) % 16
//
// The hash is Murmur3 x86 32-bit with seed 0 over the canonical bytes:
//   int, long, date (days), time (micros from midnight), timestamp and timestamptz
//     (micros from the Unix epoch, UTC)     -> 8-byte little-endian long
//   decimal                                  -> the unscaled value, minimal big-endian
//                                               two's-complement bytes (scale not hashed)
//   string                                   -> its UTF-8 bytes
//   uuid                                     -> its 16 bytes, big-endian
//   binary, fixed                            -> the bytes as they are
// All functions are thread-safe and allocate nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace duckpart::util {

__extension__ typedef __int128 Int128;

// Murmur3 x86 32-bit of `size` bytes at `data`, as Java's signed int.
int32_t Murmur3X86_32(const void* data, size_t size, uint32_t seed = 0);

// The hash of an int or long (equal for equal values whatever the width).
int32_t IcebergHashLong(int64_t value);
// The hash of a string's UTF-8 bytes or of binary data.
int32_t IcebergHashBytes(std::string_view bytes);
// The hash of a decimal's unscaled value (12.30 of DECIMAL(9,2) is 1230).
int32_t IcebergHashDecimal(Int128 unscaled);
// The hash of a UUID given as its high and low 64 bits (the first 8 bytes of its
// canonical text form are the high half).
int32_t IcebergHashUuid(uint64_t high, uint64_t low);

// The minimal big-endian two's-complement bytes of `value` (at least one byte, as Java's
// BigInteger.toByteArray): writes them to `out` (room for 16) and returns how many.
size_t MinimalBigEndianBytes(Int128 value, unsigned char out[16]);

// The bucket of a hash among `buckets` (> 0): (hash & INT32_MAX) % buckets.
int32_t IcebergBucket(int32_t hash, int32_t buckets);

// Floor division, as Iceberg converts nanoseconds to microseconds (-1 ns is -1 us).
int64_t FloorDiv(int64_t value, int64_t divisor);

}  // namespace duckpart::util

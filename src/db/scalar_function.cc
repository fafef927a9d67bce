#include "db/scalar_function.h"

#include <cstdint>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "db/error.h"
#include "util/iceberg_hash.h"

namespace duckpart::db {
namespace {

using util::IcebergHashBytes;
using util::IcebergHashLong;

// Owns a logical type from the C API.
struct LogicalType {
  duckdb_logical_type t;
  ~LogicalType() { duckdb_destroy_logical_type(&t); }
};

// Seconds or milliseconds to microseconds; infinities (DuckDB keeps them as +-INT64_MAX in
// every unit) stay infinities, and out-of-range values saturate like them.
int64_t ToMicros(int64_t v, int64_t factor) {
  constexpr int64_t kInf = std::numeric_limits<int64_t>::max();
  if (v == kInf || v == -kInf) return v;
  const util::Int128 m = static_cast<util::Int128>(v) * factor;
  if (m >= kInf) return kInf;
  if (m <= -kInf) return -kInf;
  return static_cast<int64_t>(m);
}

std::string_view StringAt(duckdb_string_t* data, idx_t row) {
  return {duckdb_string_t_data(&data[row]), duckdb_string_t_length(data[row])};
}

// The hash of an ENUM value is the hash of its text; each dictionary entry is hashed once.
class EnumHasher {
 public:
  EnumHasher(duckdb_logical_type type, void* data)
      : type_(type), data_(data), internal_(duckdb_enum_internal_type(type)) {}
  int32_t operator()(idx_t row) {
    const uint32_t index = Index(row);
    auto it = cache_.find(index);
    if (it != cache_.end()) return it->second;
    char* text = duckdb_enum_dictionary_value(type_, index);
    const int32_t h = IcebergHashBytes(text);
    duckdb_free(text);
    return cache_.emplace(index, h).first->second;
  }

 private:
  uint32_t Index(idx_t row) const {
    switch (internal_) {
      case DUCKDB_TYPE_UTINYINT:
        return static_cast<const uint8_t*>(data_)[row];
      case DUCKDB_TYPE_USMALLINT:
        return static_cast<const uint16_t*>(data_)[row];
      default:
        return static_cast<const uint32_t*>(data_)[row];
    }
  }
  duckdb_logical_type type_;
  void* data_;
  duckdb_type internal_;
  std::unordered_map<uint32_t, int32_t> cache_;
};

int32_t DecimalHashAt(duckdb_type internal, void* data, idx_t row) {
  switch (internal) {
    case DUCKDB_TYPE_SMALLINT:
      return util::IcebergHashDecimal(static_cast<const int16_t*>(data)[row]);
    case DUCKDB_TYPE_INTEGER:
      return util::IcebergHashDecimal(static_cast<const int32_t*>(data)[row]);
    case DUCKDB_TYPE_BIGINT:
      return util::IcebergHashDecimal(static_cast<const int64_t*>(data)[row]);
    default: {
      const duckdb_hugeint h = static_cast<const duckdb_hugeint*>(data)[row];
      return util::IcebergHashDecimal((static_cast<util::Int128>(h.upper) << 64) | h.lower);
    }
  }
}

// One chunk: the bucket counts, the values and the output, with NULLs carried over.
struct Chunk {
  idx_t size;
  const int64_t* buckets;
  uint64_t* bucket_validity;
  void* values;
  uint64_t* value_validity;
  int32_t* out;
  uint64_t* out_validity;
};

// Writes the bucket of every row through `hash(row)`; false (with the error set) when a
// bucket count is out of range.
template <typename Hash>
bool BucketRows(duckdb_function_info info, const Chunk& c, Hash&& hash) {
  for (idx_t row = 0; row < c.size; ++row) {
    if (!duckdb_validity_row_is_valid(c.bucket_validity, row) ||
        !duckdb_validity_row_is_valid(c.value_validity, row)) {
      duckdb_validity_set_row_invalid(c.out_validity, row);
      continue;
    }
    const int64_t n = c.buckets[row];
    if (n < 1 || n > std::numeric_limits<int32_t>::max()) {
      duckdb_scalar_function_set_error(
          info, "duckpart_bucket: the bucket count must be in [1, 2147483647]");
      return false;
    }
    c.out[row] = util::IcebergBucket(hash(row), static_cast<int32_t>(n));
  }
  return true;
}

template <typename T>
auto LongAt(void* data) {
  return [p = static_cast<const T*>(data)](idx_t row) {
    return IcebergHashLong(static_cast<int64_t>(p[row]));
  };
}

auto MicrosAt(void* data, int64_t factor) {
  return [p = static_cast<const int64_t*>(data), factor](idx_t row) {
    return IcebergHashLong(ToMicros(p[row], factor));
  };
}

auto NanosAt(void* data) {
  return [p = static_cast<const int64_t*>(data)](idx_t row) {
    return IcebergHashLong(util::FloorDiv(p[row], 1000));
  };
}

// The integer, date and time types, hashed as Iceberg's long; false for any other type.
bool BucketIntegerChunk(duckdb_function_info info, const Chunk& c, duckdb_type type_id) {
  void* d = c.values;
  switch (type_id) {
    case DUCKDB_TYPE_TINYINT:
      BucketRows(info, c, LongAt<int8_t>(d));
      break;
    case DUCKDB_TYPE_SMALLINT:
      BucketRows(info, c, LongAt<int16_t>(d));
      break;
    case DUCKDB_TYPE_INTEGER:
      BucketRows(info, c, LongAt<int32_t>(d));
      break;
    case DUCKDB_TYPE_DATE:
      BucketRows(info, c, LongAt<int32_t>(d));
      break;
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_TIME:
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      BucketRows(info, c, LongAt<int64_t>(d));
      break;
    case DUCKDB_TYPE_UTINYINT:
      BucketRows(info, c, LongAt<uint8_t>(d));
      break;
    case DUCKDB_TYPE_USMALLINT:
      BucketRows(info, c, LongAt<uint16_t>(d));
      break;
    case DUCKDB_TYPE_UINTEGER:
      BucketRows(info, c, LongAt<uint32_t>(d));
      break;
    case DUCKDB_TYPE_TIMESTAMP_S:
      BucketRows(info, c, MicrosAt(d, 1000000));
      break;
    case DUCKDB_TYPE_TIMESTAMP_MS:
      BucketRows(info, c, MicrosAt(d, 1000));
      break;
    case DUCKDB_TYPE_TIMESTAMP_NS:
      BucketRows(info, c, NanosAt(d));
      break;
    default:
      return false;
  }
  return true;
}

// Dispatches on the value type (checked at bind time, so every case here is supported).
void BucketChunk(duckdb_function_info info, const Chunk& c, duckdb_logical_type type) {
  void* d = c.values;
  const duckdb_type type_id = duckdb_get_type_id(type);
  if (BucketIntegerChunk(info, c, type_id)) return;
  switch (type_id) {
    case DUCKDB_TYPE_DECIMAL: {
      const duckdb_type internal = duckdb_decimal_internal_type(type);
      BucketRows(info, c, [&](idx_t row) { return DecimalHashAt(internal, d, row); });
      break;
    }
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB: {
      auto* s = static_cast<duckdb_string_t*>(d);
      BucketRows(info, c, [s](idx_t row) { return IcebergHashBytes(StringAt(s, row)); });
      break;
    }
    case DUCKDB_TYPE_UUID: {
      auto* u = static_cast<const duckdb_hugeint*>(d);
      // DuckDB stores a UUID with its top bit flipped (so that it sorts as text does).
      BucketRows(info, c, [u](idx_t row) {
        return util::IcebergHashUuid(static_cast<uint64_t>(u[row].upper) ^ (uint64_t{1} << 63),
                                     u[row].lower);
      });
      break;
    }
    case DUCKDB_TYPE_ENUM:
      BucketRows(info, c, EnumHasher(type, d));
      break;
    default:  // SQLNULL: every value is NULL
      for (idx_t row = 0; row < c.size; ++row) duckdb_validity_set_row_invalid(c.out_validity, row);
  }
}

void BucketFunction(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  duckdb_vector buckets = duckdb_data_chunk_get_vector(input, 0);
  duckdb_vector values = duckdb_data_chunk_get_vector(input, 1);
  duckdb_vector_ensure_validity_writable(output);
  const Chunk c{.size = duckdb_data_chunk_get_size(input),
                .buckets = static_cast<const int64_t*>(duckdb_vector_get_data(buckets)),
                .bucket_validity = duckdb_vector_get_validity(buckets),
                .values = duckdb_vector_get_data(values),
                .value_validity = duckdb_vector_get_validity(values),
                .out = static_cast<int32_t*>(duckdb_vector_get_data(output)),
                .out_validity = duckdb_vector_get_validity(output)};
  LogicalType type{duckdb_vector_get_column_type(values)};
  BucketChunk(info, c, type.t);
}

void BucketBind(duckdb_bind_info info) {
  if (duckdb_scalar_function_bind_get_argument_count(info) != 2) {
    duckdb_scalar_function_bind_set_error(info, "duckpart_bucket takes (N, value)");
    return;
  }
  duckdb_expression arg = duckdb_scalar_function_bind_get_argument(info, 1);
  LogicalType type{duckdb_expression_return_type(arg)};
  duckdb_destroy_expression(&arg);
  const std::string why = BucketRefusal(duckdb_get_type_id(type.t));
  if (!why.empty())
    duckdb_scalar_function_bind_set_error(info, ("duckpart_bucket: " + why).c_str());
}

}  // namespace

std::string BucketRefusal(duckdb_type type) {
  switch (type) {
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_DECIMAL:
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_ENUM:
    case DUCKDB_TYPE_BLOB:
    case DUCKDB_TYPE_UUID:
    case DUCKDB_TYPE_DATE:
    case DUCKDB_TYPE_TIME:
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
    case DUCKDB_TYPE_SQLNULL:
      return "";
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
    case DUCKDB_TYPE_BIGNUM:
      return "Iceberg's bucket hashes integers as 64-bit longs, and this type holds values beyond "
             "BIGINT";
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_BOOLEAN:
      return "Iceberg does not bucket floating-point or boolean values";
    default:
      return "Iceberg's bucket has no canonical form for this type (it takes integers, decimals, "
             "strings, binary, UUIDs, dates, times and timestamps)";
  }
}

void RegisterFunctions(duckdb_connection conn) {
  duckdb_scalar_function f = duckdb_create_scalar_function();
  duckdb_scalar_function_set_name(f, kBucketFunction);
  LogicalType bigint{duckdb_create_logical_type(DUCKDB_TYPE_BIGINT)};
  LogicalType any{duckdb_create_logical_type(DUCKDB_TYPE_ANY)};
  LogicalType integer{duckdb_create_logical_type(DUCKDB_TYPE_INTEGER)};
  duckdb_scalar_function_add_parameter(f, bigint.t);
  duckdb_scalar_function_add_parameter(f, any.t);
  duckdb_scalar_function_set_return_type(f, integer.t);
  duckdb_scalar_function_set_bind(f, BucketBind);
  duckdb_scalar_function_set_function(f, BucketFunction);
  const duckdb_state state = duckdb_register_scalar_function(conn, f);
  duckdb_destroy_scalar_function(&f);
  if (state == DuckDBError) {
    throw DbError(ErrorKind::kInternal,
                  std::string("cannot register the SQL function ") + kBucketFunction);
  }
}

}  // namespace duckpart::db

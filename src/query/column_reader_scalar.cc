// The scalar (non-nested) values of a ColumnReader: text and JSON.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

#include "query/column_reader.h"

namespace duckpart::query {
namespace {

template <typename T>
T At(const void* data, idx_t row) {
  return static_cast<const T*>(data)[row];
}

std::string StringAt(void* data, idx_t row) {
  auto* s = &static_cast<duckdb_string_t*>(data)[row];
  return std::string(duckdb_string_t_data(s), duckdb_string_t_length(*s));
}

std::string Owned(char* text) {
  std::string out = text ? text : "";
  duckdb_free(text);
  return out;
}

// DuckDB's text of a value made by duckdb_create_* (its VARCHAR cast); takes ownership of `value`.
std::string TextOf(duckdb_value value) {
  if (value == nullptr) return "";
  std::string out = Owned(duckdb_get_varchar(value));
  duckdb_destroy_value(&value);
  return out;
}

duckdb_hugeint Widen(int64_t v) { return duckdb_hugeint{static_cast<uint64_t>(v), v < 0 ? -1 : 0}; }

duckdb_hugeint DecimalValue(duckdb_logical_type type, const void* data, idx_t row) {
  switch (duckdb_decimal_internal_type(type)) {
    case DUCKDB_TYPE_SMALLINT:
      return Widen(At<int16_t>(data, row));
    case DUCKDB_TYPE_INTEGER:
      return Widen(At<int32_t>(data, row));
    case DUCKDB_TYPE_BIGINT:
      return Widen(At<int64_t>(data, row));
    default:
      return At<duckdb_hugeint>(data, row);
  }
}

uint64_t EnumIndex(duckdb_logical_type type, const void* data, idx_t row) {
  switch (duckdb_enum_internal_type(type)) {
    case DUCKDB_TYPE_UTINYINT:
      return At<uint8_t>(data, row);
    case DUCKDB_TYPE_USMALLINT:
      return At<uint16_t>(data, row);
    default:
      return At<uint32_t>(data, row);
  }
}

// The types whose text DuckDB formats (dates, decimals, floats, ...): as a duckdb_value.
duckdb_value MakeValue(duckdb_type id, duckdb_logical_type type, void* data, idx_t row) {
  switch (id) {
    case DUCKDB_TYPE_HUGEINT:
      return duckdb_create_hugeint(At<duckdb_hugeint>(data, row));
    case DUCKDB_TYPE_UHUGEINT:
      return duckdb_create_uhugeint(At<duckdb_uhugeint>(data, row));
    case DUCKDB_TYPE_FLOAT:
      return duckdb_create_float(At<float>(data, row));
    case DUCKDB_TYPE_DOUBLE:
      return duckdb_create_double(At<double>(data, row));
    case DUCKDB_TYPE_DECIMAL:
      return duckdb_create_decimal(duckdb_decimal{
          duckdb_decimal_width(type), duckdb_decimal_scale(type), DecimalValue(type, data, row)});
    case DUCKDB_TYPE_DATE:
      return duckdb_create_date(At<duckdb_date>(data, row));
    case DUCKDB_TYPE_TIME:
      return duckdb_create_time(At<duckdb_time>(data, row));
    case DUCKDB_TYPE_TIME_NS:
      return duckdb_create_time_ns(At<duckdb_time_ns>(data, row));
    case DUCKDB_TYPE_TIME_TZ:
      return duckdb_create_time_tz_value(At<duckdb_time_tz>(data, row));
    case DUCKDB_TYPE_TIMESTAMP:
      return duckdb_create_timestamp(At<duckdb_timestamp>(data, row));
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return duckdb_create_timestamp_tz(At<duckdb_timestamp>(data, row));
    case DUCKDB_TYPE_TIMESTAMP_S:
      return duckdb_create_timestamp_s(At<duckdb_timestamp_s>(data, row));
    case DUCKDB_TYPE_TIMESTAMP_MS:
      return duckdb_create_timestamp_ms(At<duckdb_timestamp_ms>(data, row));
    case DUCKDB_TYPE_TIMESTAMP_NS:
      return duckdb_create_timestamp_ns(At<duckdb_timestamp_ns>(data, row));
    case DUCKDB_TYPE_INTERVAL:
      return duckdb_create_interval(At<duckdb_interval>(data, row));
    case DUCKDB_TYPE_UUID: {  // stored with the top bit flipped (so that it sorts as text)
      const auto h = At<duckdb_hugeint>(data, row);
      return duckdb_create_uuid(
          duckdb_uhugeint{h.lower, static_cast<uint64_t>(h.upper) ^ (uint64_t{1} << 63)});
    }
    case DUCKDB_TYPE_BLOB: {
      const std::string bytes = StringAt(data, row);
      return duckdb_create_blob(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    }
    case DUCKDB_TYPE_BIT: {
      std::string bits = StringAt(data, row);
      return duckdb_create_bit(duckdb_bit{reinterpret_cast<uint8_t*>(bits.data()), bits.size()});
    }
    default:
      return nullptr;
  }
}

}  // namespace

std::string ColumnReader::ScalarText(idx_t row) const {
  switch (id_) {
    case DUCKDB_TYPE_BOOLEAN:
      return At<bool>(data_, row) ? "true" : "false";
    case DUCKDB_TYPE_TINYINT:
      return std::to_string(At<int8_t>(data_, row));
    case DUCKDB_TYPE_SMALLINT:
      return std::to_string(At<int16_t>(data_, row));
    case DUCKDB_TYPE_INTEGER:
      return std::to_string(At<int32_t>(data_, row));
    case DUCKDB_TYPE_BIGINT:
      return std::to_string(At<int64_t>(data_, row));
    case DUCKDB_TYPE_UTINYINT:
      return std::to_string(At<uint8_t>(data_, row));
    case DUCKDB_TYPE_USMALLINT:
      return std::to_string(At<uint16_t>(data_, row));
    case DUCKDB_TYPE_UINTEGER:
      return std::to_string(At<uint32_t>(data_, row));
    case DUCKDB_TYPE_UBIGINT:
      return std::to_string(At<uint64_t>(data_, row));
    case DUCKDB_TYPE_VARCHAR:
      return StringAt(data_, row);
    case DUCKDB_TYPE_ENUM:
      return Owned(duckdb_enum_dictionary_value(type_, EnumIndex(type_, data_, row)));
    case DUCKDB_TYPE_SQLNULL:
      return "";
    default:
      return TextOf(MakeValue(id_, type_, data_, row));
  }
}

nlohmann::ordered_json ColumnReader::ScalarJson(idx_t row) const {
  switch (id_) {
    case DUCKDB_TYPE_BOOLEAN:
      return At<bool>(data_, row);
    case DUCKDB_TYPE_TINYINT:
      return At<int8_t>(data_, row);
    case DUCKDB_TYPE_SMALLINT:
      return At<int16_t>(data_, row);
    case DUCKDB_TYPE_INTEGER:
      return At<int32_t>(data_, row);
    case DUCKDB_TYPE_BIGINT:
      return At<int64_t>(data_, row);
    case DUCKDB_TYPE_UTINYINT:
      return At<uint8_t>(data_, row);
    case DUCKDB_TYPE_USMALLINT:
      return At<uint16_t>(data_, row);
    case DUCKDB_TYPE_UINTEGER:
      return At<uint32_t>(data_, row);
    case DUCKDB_TYPE_UBIGINT:
      return At<uint64_t>(data_, row);
    case DUCKDB_TYPE_SQLNULL:
      return nullptr;
    case DUCKDB_TYPE_HUGEINT: {
      const auto h = At<duckdb_hugeint>(data_, row);
      const bool fits = (h.upper == 0 && h.lower <= uint64_t{INT64_MAX}) ||
                        (h.upper == -1 && h.lower > uint64_t{INT64_MAX});
      if (fits) return static_cast<int64_t>(h.lower);
      return ScalarText(row);
    }
    case DUCKDB_TYPE_UHUGEINT: {
      const auto h = At<duckdb_uhugeint>(data_, row);
      if (h.upper == 0) return h.lower;
      return ScalarText(row);
    }
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE: {
      const double v = id_ == DUCKDB_TYPE_FLOAT ? At<float>(data_, row) : At<double>(data_, row);
      if (!std::isfinite(v)) return ScalarText(row);  // "nan", "inf", "-inf"
      // A FLOAT as DuckDB prints it (0.1, not 0.10000000149011612).
      return id_ == DUCKDB_TYPE_FLOAT ? std::stod(ScalarText(row)) : v;
    }
    case DUCKDB_TYPE_DECIMAL:
      // Up to 15 digits a double holds the decimal exactly, and prints it back the same.
      if (duckdb_decimal_width(type_) <= 15) return std::stod(ScalarText(row));
      return ScalarText(row);
    default:
      return ScalarText(row);
  }
}

std::string EscapeCell(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[5];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace duckpart::query

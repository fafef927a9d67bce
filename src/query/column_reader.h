// Reads the values of one column of a DuckDB data chunk, of any type (nested ones
// included), through the C API, for `duckpart query`'s two outputs:
//   Text(row)  DuckDB's text form of the value; nested values as literals in which strings
//              are quoted ('it''s') and NULL is NULL, so every value reads unambiguously.
//   Json(row)  a typed JSON value: numbers as numbers, BOOLEAN as true/false, LIST and
//              ARRAY as arrays, STRUCT as objects in field order, MAP as objects keyed by
//              the keys' text, UNION as its member's value, NULL as null. Integers beyond
//              64 bits and DECIMALs of more than 15 digits are strings, to stay exact;
//              NaN and infinities are the strings "nan", "inf", "-inf"; dates, times,
//              intervals, UUIDs and BLOBs are strings in DuckDB's text form.
//
//   ColumnReader col(duckdb_data_chunk_get_vector(chunk, 0), type);   // type borrowed
//   if (!col.IsNull(0)) std::cout << col.Text(0);
#pragma once

#include <duckdb.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace duckpart::query {

// Throws InputError naming `column` when its type cannot be printed (BIGNUM, or types a
// result cannot have); the message says to CAST it to VARCHAR.
void CheckPrintable(duckdb_logical_type type, const std::string& column);

class ColumnReader {
 public:
  // `vector` belongs to a data chunk and `type` to the caller; both must outlive the reader.
  ColumnReader(duckdb_vector vector, duckdb_logical_type type);
  ~ColumnReader();
  ColumnReader(const ColumnReader&) = delete;
  ColumnReader& operator=(const ColumnReader&) = delete;

  bool IsNull(idx_t row) const;
  // The value's text ("" for NULL: check IsNull first). Strings are returned as they are.
  std::string Text(idx_t row) const;
  nlohmann::ordered_json Json(idx_t row) const;

 private:
  std::string NestedText(idx_t row) const;  // as an element of a nested value: strings quoted
  std::string ScalarText(idx_t row) const;
  nlohmann::ordered_json ScalarJson(idx_t row) const;
  std::string ListText(idx_t offset, idx_t length, const ColumnReader& child) const;
  std::string StructText(idx_t row) const;
  std::string MapText(idx_t row) const;
  nlohmann::ordered_json StructJson(idx_t row) const;
  nlohmann::ordered_json MapJson(idx_t row) const;
  idx_t UnionMember(idx_t row) const;
  void AddChild(duckdb_vector vector, duckdb_logical_type type, const std::string& name);

  duckdb_vector vector_;
  duckdb_logical_type type_;
  duckdb_type id_;
  void* data_;
  uint64_t* validity_;
  idx_t array_size_ = 0;
  std::vector<duckdb_logical_type> owned_types_;  // child types, destroyed with the reader
  std::vector<std::unique_ptr<ColumnReader>> children_;
  std::vector<std::string> child_names_;
};

// `text` as one cell of tab-separated output: backslash, tab, newline, carriage return and
// other control characters escaped (\\, \t, \n, \r, \xHH); everything else as it is.
std::string EscapeCell(const std::string& text);

// The cell of a NULL in tab-separated output: \N (as PostgreSQL's text format writes it),
// which no escaped string can be.
inline constexpr const char* kNullCell = "\\N";

}  // namespace duckpart::query

// Partition specs: an ordered list of fields, each a transform of one column.
//
//   Spec spec = ParseSpec("month(ts), bucket(8, user_id)");
//   ToString(spec)  == "month(ts), bucket(8, user_id)"      // round trip
//   spec.fields[1].Name() == "user_id_bucket"                // the field's name on disk
//   ParseSpec("month(ts) AS m").fields[0].Name() == "m"      // a name of one's own
//
// Grammar (whitespace is free between tokens; keywords are case-insensitive):
//   spec      := named ("," named)*
//   named     := field ["AS" name]
//   field     := "identity" "(" column ")"
//              | ("year" | "month" | "day" | "hour") "(" column ")"
//              | "bucket" "(" int ">0" "," column ")"
//              | "truncate" "(" int ">0" "," column ")"
//              | "range" "(" column "," "[" literal ("," literal)* "]" ")"
//              | "quantile" "(" int ">=2" "," column ")"
//   column    := bare identifier [A-Za-z_][A-Za-z0-9_]* | "double-quoted, "" for a quote"
//   name      := the same as column: the field's name in paths, given instead of the default
//   literal   := number (-?digits[.digits][e[+-]digits]) | 'single-quoted, '' for a quote'
// A bare column (e.g. "channel") is shorthand for identity(channel).
// Two fields may not have the same Name(). An "AS" name equal to the default name is the
// same field as none (it prints without "AS"). Range literals must be strictly increasing
// where they can be compared as written (all numbers); otherwise the planner checks them.
// Clarifications: numbers are compared by exact decimal value (1.0 equals 1); a quoted
// column may not be empty; a keyword not followed by "(" is a column ("month" is
// identity(month)); NUL bytes are rejected in quoted names and strings.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "duckpart/error.h"

namespace duckpart {

enum class Transform {
  kIdentity,
  kYear,
  kMonth,
  kDay,
  kHour,
  kBucket,
  kTruncate,
  kRange,
  kQuantile
};

// "identity", "year", ..., "quantile".
const char* TransformName(Transform t);

struct Literal {
  enum class Kind { kNumber, kString };
  Kind kind = Kind::kNumber;
  std::string text;  // the number as written, or the string's value (unquoted)
  bool operator==(const Literal&) const = default;
};

struct Field {
  Transform transform = Transform::kIdentity;
  std::string column;
  int64_t param = 0;            // N for bucket and quantile, W for truncate; else 0
  std::vector<Literal> bounds;  // range only: the boundaries b1 < b2 < ...
  std::string name;             // given with "AS name"; empty = DefaultName()

  // "<column>_<transform>" for every transform (tag_identity, ts_month, user_id_bucket,
  // amount_quantile, name_truncate). Identity fields are not named after their column:
  // Hive readers take a path's value over the file's column of the same name, so a
  // field named like a column would replace the column's exact values with the path's.
  std::string DefaultName() const;
  // The field's name in paths and outputs: `name` when given, else DefaultName().
  std::string Name() const;
  // Equal fields compute the same key under the same Name(), however the name was given.
  bool operator==(const Field& other) const;
};

struct Spec {
  std::vector<Field> fields;
  bool operator==(const Spec&) const = default;
};

// A spec that does not parse. what() is one line naming the 0-based character
// position and what was expected there, e.g.
//   "invalid spec at position 9: expected ')' after the column name"
// The position is a byte offset into the text. `message` is the part after the colon
// ("expected ..."); control characters in it are escaped to keep what() on one line.
class SpecError : public InputError {
 public:
  SpecError(size_t position, const std::string& message);
  size_t position() const { return position_; }

 private:
  size_t position_;
};

// Parses the text form. Throws SpecError.
Spec ParseSpec(std::string_view text);
// Prints the canonical text form; ParseSpec(ToString(s)) == s.
std::string ToString(const Spec& spec);
std::string ToString(const Field& field);
// The stable JSON form: {"fields": [{"transform": "bucket", "column": "user_id",
// "param": 8, "name": "user_id_bucket"}, {"transform": "range", "column": "amount",
// "bounds": [{"number": "10"}, {"string": "x"}], ...}]}. "name" is always Name().
nlohmann::json ToJson(const Spec& spec);
// "param" is present only for bucket, truncate and quantile, "bounds" only for range;
// "name", when present, is the field's name (as "AS name"; absent = the default).
// Inverse of ToJson. Throws InputError on malformed JSON, and on any spec that ParseSpec
// would reject (bad param, duplicate name, ...).
Spec SpecFromJson(const nlohmann::json& json);

}  // namespace duckpart

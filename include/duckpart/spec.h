// Partition specs: an ordered list of fields, each a transform of one column.
//
//   Spec spec = ParseSpec("month(ts), bucket(8, user_id)");
//   ToString(spec)  == "month(ts), bucket(8, user_id)"      // round trip
//   spec.fields[1].Name() == "user_id_bucket"                // the field's name on disk
//
// Grammar (whitespace is free between tokens; keywords are case-insensitive):
//   spec      := field ("," field)*
//   field     := "identity" "(" column ")"
//              | ("year" | "month" | "day" | "hour") "(" column ")"
//              | "bucket" "(" int ">0" "," column ")"
//              | "truncate" "(" int ">0" "," column ")"
//              | "range" "(" column "," "[" literal ("," literal)* "]" ")"
//              | "quantile" "(" int ">=2" "," column ")"
//   column    := bare identifier [A-Za-z_][A-Za-z0-9_]* | "double-quoted, "" for a quote"
//   literal   := number (-?digits[.digits][e[+-]digits]) | 'single-quoted, '' for a quote'
// A bare column (e.g. "channel") is shorthand for identity(channel).
// Two fields may not have the same Name(). Range literals must be strictly increasing
// where they can be compared as written (all numbers); otherwise the planner checks them.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "duckpart/error.h"

namespace duckpart {

enum class Transform { kIdentity, kYear, kMonth, kDay, kHour, kBucket, kTruncate, kRange, kQuantile };

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
  int64_t param = 0;             // N for bucket and quantile, W for truncate; else 0
  std::vector<Literal> bounds;   // range only: the boundaries b1 < b2 < ...

  // The field's name in paths and outputs: the column for identity, else
  // "<column>_<transform>" (ts_month, user_id_bucket, amount_quantile, name_truncate).
  std::string Name() const;
  bool operator==(const Field&) const = default;
};

struct Spec {
  std::vector<Field> fields;
  bool operator==(const Spec&) const = default;
};

// A spec that does not parse. what() is one line naming the 0-based character
// position and what was expected there, e.g.
//   "invalid spec at position 9: expected ')' after the column name"
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
// "bounds": [{"number": "10"}, {"string": "x"}], ...}]}.
nlohmann::json ToJson(const Spec& spec);
// Inverse of ToJson. Throws InputError on malformed JSON.
Spec SpecFromJson(const nlohmann::json& json);

}  // namespace duckpart

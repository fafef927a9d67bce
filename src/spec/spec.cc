#include "duckpart/spec.h"

#include <fmt/format.h>

#include <string>

#include "spec/spec_text.h"

namespace duckpart {

using spec_text::PrintColumn;
using spec_text::PrintLiteral;
using spec_text::TakesParam;

// ---------------------------------------------------------------------------
// Public interface

const char* TransformName(Transform t) {
  switch (t) {
    case Transform::kIdentity:
      return "identity";
    case Transform::kYear:
      return "year";
    case Transform::kMonth:
      return "month";
    case Transform::kDay:
      return "day";
    case Transform::kHour:
      return "hour";
    case Transform::kBucket:
      return "bucket";
    case Transform::kTruncate:
      return "truncate";
    case Transform::kRange:
      return "range";
    case Transform::kQuantile:
      return "quantile";
  }
  return "unknown";
}

std::string Field::DefaultName() const { return column + "_" + TransformName(transform); }

std::string Field::Name() const { return name.empty() ? DefaultName() : name; }

bool Field::operator==(const Field& other) const {
  return transform == other.transform && column == other.column && param == other.param &&
         bounds == other.bounds && Name() == other.Name();
}

std::string ToString(const Field& field) {
  std::string out = fmt::format("{}(", TransformName(field.transform));
  if (TakesParam(field.transform)) out += fmt::format("{}, ", field.param);
  out += PrintColumn(field.column);
  if (field.transform == Transform::kRange) {
    out += ", [";
    for (size_t i = 0; i < field.bounds.size(); ++i) {
      out += (i == 0 ? "" : ", ") + PrintLiteral(field.bounds[i]);
    }
    out += "]";
  }
  out += ")";
  if (field.Name() != field.DefaultName()) out += " AS " + PrintColumn(field.name);
  return out;
}

std::string ToString(const Spec& spec) {
  std::string out;
  for (const Field& field : spec.fields) {
    if (!out.empty()) out += ", ";
    out += ToString(field);
  }
  return out;
}

}  // namespace duckpart

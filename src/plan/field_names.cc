#include "plan/field_names.h"

#include <string>

#include "duckpart/error.h"

namespace duckpart::plan {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// A name that is free: the field's default (or given) name with a suffix no column has.
std::string FreeName(const std::vector<ColumnInfo>& columns, const Field& field) {
  for (int i = 0;; ++i) {
    std::string candidate = field.Name() + (i == 0 ? "_part" : "_part" + std::to_string(i));
    bool taken = false;
    for (const auto& c : columns) taken |= SameName(c.name, candidate);
    if (!taken) return candidate;
  }
}

}  // namespace

bool SameName(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

void CheckFieldNames(const std::vector<ColumnInfo>& columns, const Spec& spec) {
  for (const auto& field : spec.fields) {
    for (const auto& c : columns) {
      if (!SameName(c.name, field.Name())) continue;
      Field renamed = field;
      renamed.name = FreeName(columns, field);
      throw InputError("source column '" + c.name + "' has the name of the partition field of " +
                       ToString(field) +
                       ": Hive readers would read the path's value instead of "
                       "the column's; name the field with AS, e.g. --by \"" +
                       ToString(renamed) + "\"");
    }
  }
}

}  // namespace duckpart::plan

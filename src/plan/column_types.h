// Classifies DuckDB type names (as DESCRIBE prints them) for the transforms.
#pragma once

#include <string>

namespace duckpart::plan {

enum class TypeClass {
  kInteger,
  kDecimal,
  kFloat,
  kString,
  kDate,
  kTimestamp,
  kTimestampTz,
  kTime,
  kBoolean,
  kBlob,
  kNested,
  kOther
};

TypeClass ClassifyType(const std::string& type);
bool IsOrderable(TypeClass c);
// The scale of "DECIMAL(p,s)" (s), or 0 when the type names none.
int DecimalScale(const std::string& type);

}  // namespace duckpart::plan

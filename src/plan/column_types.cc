#include "plan/column_types.h"

#include <array>
#include <string_view>

namespace duckpart::plan {

TypeClass ClassifyType(const std::string& type) {
  const std::string_view t(type);
  if (t.find('[') != std::string_view::npos || t.starts_with("STRUCT") || t.starts_with("MAP") ||
      t.starts_with("UNION")) {
    return TypeClass::kNested;
  }
  static constexpr std::array<std::string_view, 9> kIntegers = {"TINYINT",   "SMALLINT", "INTEGER",
                                                                "BIGINT",    "HUGEINT",  "UTINYINT",
                                                                "USMALLINT", "UINTEGER", "UBIGINT"};
  for (auto i : kIntegers) {
    if (t == i) return TypeClass::kInteger;
  }
  if (t == "UHUGEINT") return TypeClass::kInteger;
  if (t.starts_with("DECIMAL")) return TypeClass::kDecimal;
  if (t == "FLOAT" || t == "DOUBLE") return TypeClass::kFloat;
  if (t == "VARCHAR" || t.starts_with("ENUM")) return TypeClass::kString;
  if (t == "DATE") return TypeClass::kDate;
  if (t == "TIMESTAMP WITH TIME ZONE") return TypeClass::kTimestampTz;
  if (t.starts_with("TIMESTAMP")) return TypeClass::kTimestamp;  // _S, _MS, _NS, plain
  if (t.starts_with("TIME")) return TypeClass::kTime;
  if (t == "BOOLEAN") return TypeClass::kBoolean;
  if (t == "BLOB" || t == "BIT") return TypeClass::kBlob;
  return TypeClass::kOther;
}

int DecimalScale(const std::string& type) {
  const size_t comma = type.find(',');
  if (!type.starts_with("DECIMAL") || comma == std::string::npos) return 0;
  int scale = 0;
  size_t i = comma + 1;
  while (i < type.size() && type[i] == ' ') ++i;
  for (; i < type.size() && type[i] >= '0' && type[i] <= '9'; ++i) {
    scale = scale * 10 + (type[i] - '0');
  }
  return scale;
}

bool IsOrderable(TypeClass c) {
  switch (c) {
    case TypeClass::kInteger:
    case TypeClass::kDecimal:
    case TypeClass::kFloat:
    case TypeClass::kString:
    case TypeClass::kDate:
    case TypeClass::kTimestamp:
    case TypeClass::kTimestampTz:
    case TypeClass::kTime:
      return true;
    default:
      return false;
  }
}

}  // namespace duckpart::plan

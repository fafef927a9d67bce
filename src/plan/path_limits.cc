#include "plan/path_limits.h"

#include <string>

#include "duckpart/error.h"
#include "duckpart/hive_path.h"

namespace duckpart::plan {
namespace {

std::string Cut80(const std::string& value) {
  return value.size() > 80 ? value.substr(0, 80) + "..." : value;
}

[[noreturn]] void TooLong(const ResolvedField& f, const std::string& segment,
                          const std::optional<std::string>& value) {
  const std::string name = f.field.Name();
  if (name.size() + 1 > kMaxNameBytes) {
    throw InputError("field name '" + Cut80(name) + "' is " + std::to_string(name.size()) +
                     " bytes; a partition folder name holds at most " +
                     std::to_string(kMaxNameBytes) + ": name the field shorter with AS");
  }
  throw InputError("field " + name + ": the value '" + Cut80(value.value_or("")) + "' makes a " +
                   std::to_string(segment.size()) + "-byte folder name (at most " +
                   std::to_string(kMaxNameBytes) + "); partition by truncate(W, " + f.field.column +
                   ") or bucket(N, " + f.field.column + ") instead");
}

}  // namespace

void CheckPathSegments(const Plan& plan) {
  for (const auto& p : plan.partitions) {
    for (size_t i = 0; i < plan.fields.size() && i < p.keys.size(); ++i) {
      const std::string segment = HiveSegment(plan.fields[i].field.Name(), p.keys[i]);
      if (segment.size() > kMaxNameBytes) TooLong(plan.fields[i], segment, p.keys[i]);
    }
  }
}

}  // namespace duckpart::plan

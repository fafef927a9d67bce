#include "plan/range_key.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "db/sql.h"

namespace duckpart::plan {
namespace {

std::string BelowSql(const std::string& v, const Cut& cut) {
  return v + (cut.inclusive ? " <= " : " < ") + cut.sql;
}

// How many cuts of [first, last) the value is not below (it is below the block's last).
std::string OffsetSql(const std::string& v, const std::vector<Cut>& cuts, size_t first, size_t last,
                      const std::string& type) {
  std::vector<std::string> exclusive, inclusive;
  for (size_t i = first; i < last; ++i)
    (cuts[i].inclusive ? inclusive : exclusive).push_back(cuts[i].text);
  std::string sql = std::to_string(first);
  // __dp_x: no source column has a name starting with __dp_, so none is shadowed.
  if (!exclusive.empty())
    sql +=
        " + len(list_filter(" + CutListSql(exclusive, type) + ", __dp_x -> __dp_x <= " + v + "))";
  if (!inclusive.empty())
    sql += " + len(list_filter(" + CutListSql(inclusive, type) + ", __dp_x -> __dp_x < " + v + "))";
  return sql;
}

std::string LinearSql(const std::string& v, const std::vector<Cut>& cuts) {
  std::string sql = "CASE WHEN " + v + " IS NULL THEN NULL";
  for (size_t i = 0; i < cuts.size(); ++i)
    sql += " WHEN " + BelowSql(v, cuts[i]) + " THEN " + std::to_string(i);
  return sql + " ELSE " + std::to_string(cuts.size()) + " END";
}

}  // namespace

std::string CutListSql(const std::vector<std::string>& texts, const std::string& type) {
  return "CAST(CAST(CAST(" + db::QuoteLiteral(nlohmann::json(texts).dump()) +
         " AS JSON) AS VARCHAR[]) AS " + type + "[])";
}

std::string RangeKeySql(const std::string& v, const std::vector<Cut>& cuts,
                        const std::string& type) {
  if (cuts.size() <= kLinearCuts) return LinearSql(v, cuts);
  const auto block = static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(cuts.size()))));
  std::string sql = "CASE WHEN " + v + " IS NULL THEN NULL";
  for (size_t first = 0; first < cuts.size(); first += block) {
    const size_t last = std::min(cuts.size(), first + block);
    sql +=
        " WHEN " + BelowSql(v, cuts[last - 1]) + " THEN " + OffsetSql(v, cuts, first, last, type);
  }
  return sql + " ELSE " + std::to_string(cuts.size()) + " END";
}

}  // namespace duckpart::plan

#include "ops/rebalance_cuts.h"

#include <algorithm>

#include "db/sql.h"
#include "plan/quantile.h"
#include "plan/range_key.h"

namespace duckpart::ops {
namespace {

// i/pieces for i in 1..pieces-1, as one constant list.
std::string Fractions(int64_t pieces) {
  std::string out;
  for (int64_t i = 1; i < pieces; ++i) {
    out += (out.empty() ? "" : ", ") +
           std::to_string(static_cast<double>(i) / static_cast<double>(pieces));
  }
  return "[" + out + "]::DOUBLE[]";
}

Cut Exclusive(const std::string& text, const std::string& type) {
  return {false, "CAST(" + db::QuoteLiteral(text) + " AS " + type + ")", text};
}

// quantile_disc holds every value in memory: above the planner's exact limit, numbers and
// times take approx_quantile (bounded memory), strings stay exact as in the planner.
std::string QuantileFunction(const ResolvedField& field, int64_t rows) {
  const bool text = field.column_type == "VARCHAR" || field.column_type.rfind("ENUM", 0) == 0;
  return rows > PlanOptions{}.exact_quantile_max_rows && !text ? "approx_quantile"
                                                               : "quantile_disc";
}

}  // namespace

std::vector<Cut> SplitCuts(db::Connection& conn, const std::string& rows_sql,
                           const ResolvedField& field, int64_t rows, int64_t pieces,
                           int64_t heavy_rows) {
  const std::string c = db::QuoteIdent(field.field.column);
  // The candidates: quantiles, heavy values and the value after each; a cut at the smallest
  // value would leave an empty first range.
  db::Result r = conn.Query(
      "WITH s AS MATERIALIZED (SELECT " + c + " AS v FROM (" + rows_sql + ") WHERE " + c +
      " IS NOT NULL), h AS (SELECT v FROM s GROUP BY v HAVING count(*) >= " +
      std::to_string(heavy_rows) + "), cand AS (SELECT unnest(" + QuantileFunction(field, rows) +
      "(v, " + Fractions(pieces) +
      ")) AS v FROM s UNION SELECT v FROM h UNION SELECT (SELECT min(s.v) FROM s WHERE s.v > h.v) "
      "FROM h) SELECT CAST(v AS VARCHAR) FROM cand WHERE v IS NOT NULL AND v > (SELECT min(v) "
      "FROM s) ORDER BY v");
  std::vector<Cut> cuts;
  for (uint64_t i = 0; i < r.RowCount(); ++i)
    cuts.push_back(Exclusive(r.GetString(i, 0), field.column_type));
  return cuts;
}

int64_t RangeIndex(const Partition& p) {
  const auto& key = p.keys.at(0);
  return key ? std::stoll(*key) : -1;
}

std::vector<Cut> LayoutCuts(const Manifest& m, const std::vector<LayoutGroup>& groups,
                            const std::vector<std::vector<Cut>>& inner,
                            std::vector<int64_t>& first_index) {
  const std::vector<Cut>& old = m.fields.at(0).cuts;
  size_t last = groups.size();  // the last group of non-NULL partitions
  for (size_t g = 0; g < groups.size(); ++g) {
    if (RangeIndex(m.partitions[groups[g].members[0]]) >= 0) last = g;
  }
  std::vector<Cut> cuts;
  first_index.assign(groups.size(), -1);
  for (size_t g = 0; g < groups.size(); ++g) {
    const int64_t upper = RangeIndex(m.partitions[groups[g].members.back()]);
    if (upper < 0) continue;
    first_index[g] = static_cast<int64_t>(cuts.size());
    cuts.insert(cuts.end(), inner[g].begin(), inner[g].end());
    if (g != last) cuts.push_back(old.at(static_cast<size_t>(upper)));
  }
  return cuts;
}

ResolvedField WithCuts(const ResolvedField& field, std::vector<Cut> cuts) {
  ResolvedField f = field;
  f.cuts = std::move(cuts);
  f.key_sql = plan::RangeKeySql(db::QuoteIdent(f.field.column), f.cuts, f.column_type);
  f.label_sql = plan::IndexLabelSql(f.cuts.size());
  if (f.field.transform == Transform::kQuantile) {
    // quantile(N, c) asks for N >= 2 ranges, whatever its cuts now hold.
    f.field.param =
        std::clamp<int64_t>(static_cast<int64_t>(f.cuts.size()) + 1, 2, plan::kMaxQuantiles);
    return f;
  }
  const Literal::Kind kind =
      field.field.bounds.empty() ? Literal::Kind::kNumber : field.field.bounds[0].kind;
  f.field.bounds.clear();
  for (const auto& c : f.cuts) f.field.bounds.push_back({kind, c.text});
  return f;
}

}  // namespace duckpart::ops

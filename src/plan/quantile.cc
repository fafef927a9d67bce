#include "plan/quantile.h"

#include <algorithm>
#include <cmath>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"

namespace duckpart::plan {
namespace {

std::string Literal(const std::string& text, const std::string& type) {
  return "CAST(" + db::QuoteLiteral(text) + " AS " + type + ")";
}

std::string FractionList(int64_t parts) {
  std::string list = "[";
  for (int64_t i = 1; i < parts; ++i) {
    list += (i > 1 ? ", " : "") + std::to_string(static_cast<double>(i) / static_cast<double>(parts));
  }
  return list + "]";
}

// The distinct values of a list result, as text, in order.
std::vector<std::string> ListValues(db::Connection& conn, const std::string& list_sql) {
  db::Result r = conn.Query("SELECT CAST(v AS VARCHAR) FROM (SELECT DISTINCT unnest(" + list_sql +
                            ") AS v) WHERE v IS NOT NULL ORDER BY v");
  std::vector<std::string> out;
  for (uint64_t i = 0; i < r.RowCount(); ++i) out.push_back(r.GetString(i, 0));
  return out;
}

std::string InList(const std::vector<std::string>& values, const std::string& type) {
  std::string sql;
  for (const auto& v : values) sql += (sql.empty() ? "" : ", ") + Literal(v, type);
  return sql;
}

std::string QuantileAgg(const std::string& column, int64_t parts, bool exact) {
  return std::string(exact ? "quantile_disc(" : "approx_quantile(") + column + ", " +
         FractionList(parts) + ")";
}

// Values holding more than 1/N of the rows. Such a value spans more than one quantile
// step, so it is always among the quantile values: only those are counted.
std::vector<std::string> HeavyValues(Workspace& ws, const ResolvedField& f, int64_t rows,
                                     bool exact) {
  const std::string c = db::QuoteIdent(f.field.column);
  const auto candidates = ListValues(
      ws.conn(), "(SELECT " + QuantileAgg(c, f.field.param, exact) + " FROM " + ws.relation() + ")");
  if (candidates.empty()) return {};
  db::Result r = ws.conn().Query(
      "SELECT CAST(" + c + " AS VARCHAR) FROM " + ws.relation() + " WHERE " + c + " IN (" +
      InList(candidates, f.column_type) + ") GROUP BY " + c + " HAVING count(*) * " +
      std::to_string(f.field.param) + " > " + std::to_string(rows) + " ORDER BY " + c);
  std::vector<std::string> heavy;
  for (uint64_t i = 0; i < r.RowCount(); ++i) heavy.push_back(r.GetString(i, 0));
  return heavy;
}

}  // namespace

std::string IndexLabelSql(size_t cuts) {
  const auto width = std::to_string(cuts).size();
  return "lpad(CAST($k AS VARCHAR), " + std::to_string(width) + ", '0')";
}

void CheckCutsIncrease(Workspace& ws, const ResolvedField& f) {
  for (const auto& cut : f.cuts) {
    try {
      ws.conn().Execute("SELECT " + cut.sql);
    } catch (const db::DbError&) {
      throw InputError("range bound '" + cut.text + "' is not a valid " + f.column_type +
                       " for column '" + f.field.column + "'");
    }
  }
  for (size_t i = 1; i < f.cuts.size(); ++i) {
    db::Result r = ws.conn().Query("SELECT " + f.cuts[i - 1].sql + " < " + f.cuts[i].sql);
    if (!r.GetBool(0, 0)) {
      throw InputError("range bounds must strictly increase: '" + f.cuts[i - 1].text +
                       "' is not below '" + f.cuts[i].text + "'");
    }
  }
}

void ComputeQuantileCuts(Workspace& ws, ResolvedField& f, int64_t nonnull_rows,
                         const PlanOptions& options) {
  const bool exact = nonnull_rows <= options.exact_quantile_max_rows;
  f.quantile_method = exact ? "exact" : "approximate (t-digest, rank error about 1%)";
  if (nonnull_rows == 0) return;
  const std::string c = db::QuoteIdent(f.field.column);
  const auto heavy = HeavyValues(ws, f, nonnull_rows, exact);
  const int64_t parts = std::max<int64_t>(1, f.field.param - static_cast<int64_t>(heavy.size()));
  std::string filter = c + " IS NOT NULL";
  if (!heavy.empty()) filter += " AND " + c + " NOT IN (" + InList(heavy, f.column_type) + ")";
  auto regular = parts > 1 ? ListValues(ws.conn(), "(SELECT " + QuantileAgg(c, parts, exact) +
                                                       " FILTER (WHERE " + filter + ") FROM " +
                                                       ws.relation() + ")")
                           : std::vector<std::string>{};
  // Merge in value order (by DuckDB's comparison, not text order): a regular cut at or
  // next to a heavy value is dropped, so the heavy partition replaces a regular one.
  std::string values = "SELECT v, 0 AS heavy FROM (SELECT unnest([" + InList(regular, f.column_type) +
                       "]::" + f.column_type + "[]) AS v)";
  if (!heavy.empty()) {
    values += " UNION ALL SELECT v, 1 FROM (SELECT unnest([" + InList(heavy, f.column_type) + "]::" +
              f.column_type + "[]) AS v)";
  }
  db::Result r = ws.conn().Query("SELECT CAST(v AS VARCHAR), heavy FROM (" + values +
                                 ") WHERE v IS NOT NULL ORDER BY v, heavy DESC");
  std::vector<std::pair<std::string, bool>> merged;
  for (uint64_t i = 0; i < r.RowCount(); ++i) merged.emplace_back(r.GetString(i, 0), r.GetInt64(i, 1));
  std::vector<bool> drop(merged.size(), false);
  for (size_t i = 0; i < merged.size(); ++i) {
    if (!merged[i].second) continue;
    // drop the regular cut equal to h, else the next regular one above it
    for (size_t j = i + 1; j < merged.size(); ++j) {
      if (!merged[j].second && !drop[j]) {
        drop[j] = true;
        break;
      }
    }
  }
  for (size_t i = 0; i < merged.size(); ++i) {
    if (drop[i] && !merged[i].second) continue;
    const auto& [text, is_heavy] = merged[i];
    const std::string sql = Literal(text, f.column_type);
    if (is_heavy) {
      f.cuts.push_back({false, sql, text});
      f.cuts.push_back({true, sql, text});
    } else if (f.cuts.empty() || f.cuts.back().text != text) {
      f.cuts.push_back({false, sql, text});
    }
  }
  f.heavy_values = static_cast<int64_t>(heavy.size());
}

}  // namespace duckpart::plan

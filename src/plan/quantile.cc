#include "plan/quantile.h"

#include <algorithm>
#include <cmath>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "plan/column_types.h"
#include "plan/transform.h"
#include "plan/workspace_access.h"

namespace duckpart::plan {
namespace {

std::string Literal(const std::string& text, const std::string& type) {
  return "CAST(" + db::QuoteLiteral(text) + " AS " + type + ")";
}

std::string FractionList(int64_t parts) {
  std::string list = "[";
  for (int64_t i = 1; i < parts; ++i) {
    list +=
        (i > 1 ? ", " : "") + std::to_string(static_cast<double>(i) / static_cast<double>(parts));
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
  const auto candidates =
      ListValues(WorkspaceConnection(ws), "(SELECT " + QuantileAgg(c, f.field.param, exact) +
                                              " FROM " + ws.relation() + ")");
  if (candidates.empty()) return {};
  db::Result r = WorkspaceConnection(ws).Query(
      "SELECT CAST(" + c + " AS VARCHAR) FROM " + ws.relation() + " WHERE " + c + " IN (" +
      InList(candidates, f.column_type) + ") GROUP BY " + c + " HAVING count(*) * " +
      std::to_string(f.field.param) + " > " + std::to_string(rows) + " ORDER BY " + c);
  std::vector<std::string> heavy;
  for (uint64_t i = 0; i < r.RowCount(); ++i) heavy.push_back(r.GetString(i, 0));
  return heavy;
}

// Partitions per segment for k regular partitions in all, in proportion to the rows.
std::vector<int64_t> SegmentParts(const std::vector<int64_t>& segment_rows, int64_t regular_rows,
                                  int64_t k) {
  std::vector<int64_t> parts;
  for (auto rows : segment_rows) {
    const double share = static_cast<double>(rows) / static_cast<double>(regular_rows);
    const int64_t n = std::llround(share * static_cast<double>(k));
    parts.push_back(rows == 0 ? 0 : std::max<int64_t>(1, n));
  }
  return parts;
}

// Coefficient of variation of the partition sizes that SegmentParts gives.
double SegmentCv(const std::vector<int64_t>& segment_rows, const std::vector<int64_t>& parts) {
  double total = 0, count = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    total += static_cast<double>(segment_rows[i]);
    count += static_cast<double>(parts[i]);
  }
  const double mean = total / count;
  double var = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == 0) continue;
    const double size = static_cast<double>(segment_rows[i]) / static_cast<double>(parts[i]);
    var += static_cast<double>(parts[i]) * (size - mean) * (size - mean);
  }
  return std::sqrt(var / count) / mean;
}

}  // namespace

std::string IndexLabelSql(size_t cuts) {
  const auto width = std::to_string(cuts).size();
  return "lpad(CAST($k AS VARCHAR), " + std::to_string(width) + ", '0')";
}

void CheckCutsIncrease(Workspace& ws, const ResolvedField& f) {
  for (const auto& cut : f.cuts) {
    try {
      WorkspaceConnection(ws).Execute("SELECT " + cut.sql);
    } catch (const db::DbError& e) {
      if (e.kind() == db::ErrorKind::kInterrupt) throw;
      throw InputError("range bound '" + cut.text + "' is not a valid " + f.column_type +
                       " for column '" + f.field.column + "'");
    }
  }
  for (size_t i = 1; i < f.cuts.size(); ++i) {
    db::Result r =
        WorkspaceConnection(ws).Query("SELECT " + f.cuts[i - 1].sql + " < " + f.cuts[i].sql);
    if (!r.GetBool(0, 0)) {
      throw InputError("range bounds must strictly increase: '" + f.cuts[i - 1].text +
                       "' is not below '" + f.cuts[i].text + "'");
    }
  }
}

void ComputeQuantileCuts(Workspace& ws, ResolvedField& f, int64_t nonnull_rows,
                         const PlanOptions& options) {
  // DuckDB has no approximate quantile of strings: those are always exact.
  const bool exact = nonnull_rows <= options.exact_quantile_max_rows ||
                     ClassifyType(f.column_type) == TypeClass::kString;
  f.quantile_method = exact ? "exact" : "approximate (t-digest, rank error about 1%)";
  if (nonnull_rows == 0) return;
  const std::string c = db::QuoteIdent(f.field.column);
  const auto heavy = HeavyValues(ws, f, nonnull_rows, exact);
  std::string filter = c + " IS NOT NULL";
  if (!heavy.empty()) filter += " AND " + c + " NOT IN (" + InList(heavy, f.column_type) + ")";

  // The heavy values split the other values into segments (below the first, between two,
  // above the last). Each segment gets regular partitions in proportion to its rows, cut
  // at its own quantiles, so that the regular partitions hold about equal rows wherever
  // the heavy values lie.
  std::vector<Cut> heavy_cuts;
  for (const auto& h : heavy) heavy_cuts.push_back({false, Literal(h, f.column_type), h});
  const std::string segment = heavy.empty() ? "0" : RangeKeySql(c, heavy_cuts);
  std::vector<int64_t> segment_rows(heavy.size() + 1, 0);
  if (heavy.empty()) {
    segment_rows[0] = nonnull_rows;
  } else {
    db::Result r =
        WorkspaceConnection(ws).Query("SELECT " + segment + " AS seg, count(*) FROM " +
                                      ws.relation() + " WHERE " + filter + " GROUP BY seg");
    for (uint64_t i = 0; i < r.RowCount(); ++i) {
      segment_rows[static_cast<size_t>(r.GetInt64(i, 0))] = r.GetInt64(i, 1);
    }
  }
  int64_t regular_rows = 0;
  for (auto rows : segment_rows) regular_rows += rows;
  // About N - heavy regular partitions: of the counts from one fewer to `heavy` more, the
  // one whose split over the segments gives the most even sizes (the nearest on ties).
  const auto heavy_count = static_cast<int64_t>(heavy.size());
  const int64_t parts = std::max<int64_t>(1, f.field.param - heavy_count);
  std::vector<int64_t> best = SegmentParts(segment_rows, regular_rows, parts);
  if (regular_rows > 0 && heavy_count > 0) {
    double best_cv = SegmentCv(segment_rows, best);
    for (int64_t step = 1; step <= heavy_count; ++step) {
      for (int64_t k : {parts + step, parts - step}) {
        if (k < 1 || k < parts - 1) continue;
        auto candidate = SegmentParts(segment_rows, regular_rows, k);
        const double cv = SegmentCv(segment_rows, candidate);
        if (cv < best_cv - 1e-9) {
          best_cv = cv;
          best = std::move(candidate);
        }
      }
    }
  }
  std::string aggs, unions;
  for (size_t i = 0; i < segment_rows.size(); ++i) {
    const int64_t segment_parts = best[i];
    if (segment_parts < 2) continue;
    const std::string n = std::to_string(i);
    aggs += (aggs.empty() ? "" : ", ") + QuantileAgg(c, segment_parts, exact) + " FILTER (WHERE " +
            filter + " AND " + segment + " = " + n + ") AS l" + n;
    unions += (unions.empty() ? "" : " UNION ALL ") + std::string("SELECT ") + n +
              " AS seg, unnest(l" + n + ") AS v FROM q";
  }
  std::vector<std::vector<std::string>> regular(segment_rows.size());
  if (!aggs.empty()) {
    db::Result r = WorkspaceConnection(ws).Query(
        "WITH q AS MATERIALIZED (SELECT " + aggs + " FROM " + ws.relation() +
        ") SELECT seg, CAST(v AS VARCHAR) FROM (" + unions +
        ") WHERE v IS NOT NULL GROUP BY seg, v ORDER BY seg, v");
    for (uint64_t i = 0; i < r.RowCount(); ++i) {
      regular[static_cast<size_t>(r.GetInt64(i, 0))].push_back(r.GetString(i, 1));
    }
  }
  // Regular cuts lie strictly between the heavy values around them, so all cuts ascend.
  for (size_t i = 0; i < regular.size(); ++i) {
    for (const auto& text : regular[i]) {
      f.cuts.push_back({false, Literal(text, f.column_type), text});
    }
    if (i < heavy.size()) {
      f.cuts.push_back({false, Literal(heavy[i], f.column_type), heavy[i]});
      f.cuts.push_back({true, Literal(heavy[i], f.column_type), heavy[i]});
    }
  }
  f.heavy_values = static_cast<int64_t>(heavy.size());
}

}  // namespace duckpart::plan

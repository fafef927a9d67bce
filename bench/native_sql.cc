#include "native_sql.h"

#include <fmt/format.h>

#include <algorithm>

#include "db/sql.h"

namespace bench {

namespace db = duckpart::db;

namespace {

// The quantile boundaries b1 < ... < b(n-1) of the column, as SQL literals.
std::vector<std::string> QuantileBounds(db::Connection& conn, const Granularity& g) {
  std::string fractions;
  for (int64_t k = 1; k < g.n; ++k) {
    if (!fractions.empty()) fractions += ", ";
    fractions += fmt::format("{:.17g}", static_cast<double>(k) / static_cast<double>(g.n));
  }
  db::Result r = conn.Query(
      fmt::format("SELECT DISTINCT unnest(quantile_disc({}, [{}]))::VARCHAR AS b FROM {}",
                  db::QuoteIdent(g.column), fractions, db::QuoteIdent(g.table)));
  std::vector<std::string> bounds;
  for (uint64_t i = 0; i < r.RowCount(); ++i) bounds.push_back(r.GetString(i, 0));
  std::sort(bounds.begin(), bounds.end(),
            [](const std::string& a, const std::string& b) { return std::stod(a) < std::stod(b); });
  return bounds;
}

std::vector<PartitionFilter> TimeFilters(db::Connection& conn, const Granularity& g) {
  std::vector<PartitionFilter> out;
  db::Result r = conn.Query(fmt::format(
      "SELECT v::VARCHAR, strftime(v, '{}') FROM (SELECT DISTINCT date_trunc('{}', ts) AS v "
      "FROM {}) ORDER BY v",
      g.format, g.unit, db::QuoteIdent(g.table)));
  for (uint64_t i = 0; i < r.RowCount(); ++i) {
    const std::string v = r.GetString(i, 0);
    out.push_back(
        {r.GetString(i, 1), fmt::format("ts >= TIMESTAMP '{0}' AND ts < TIMESTAMP '{0}' + "
                                        "INTERVAL 1 {1}",
                                        v, g.unit)});
  }
  return out;
}

std::vector<PartitionFilter> HashFilters(db::Connection& conn, const Granularity& g) {
  std::vector<PartitionFilter> out;
  const std::string key = KeySql(conn, g);
  db::Result r = conn.Query(
      fmt::format("SELECT DISTINCT {} AS v FROM {} ORDER BY v", key, db::QuoteIdent(g.table)));
  for (uint64_t i = 0; i < r.RowCount(); ++i) {
    const std::string v = r.GetString(i, 0);
    out.push_back({v, fmt::format("{} = {}", key, v)});
  }
  return out;
}

std::vector<PartitionFilter> QuantileFilters(db::Connection& conn, const Granularity& g) {
  std::vector<PartitionFilter> out;
  const std::string col = db::QuoteIdent(g.column);
  const auto b = QuantileBounds(conn, g);
  for (size_t i = 0; i <= b.size(); ++i) {
    std::string pred;
    if (i == 0) {
      pred = fmt::format("{} < {}", col, b[0]);
    } else if (i == b.size()) {
      pred = fmt::format("{} >= {}", col, b[i - 1]);
    } else {
      pred = fmt::format("{0} >= {1} AND {0} < {2}", col, b[i - 1], b[i]);
    }
    out.push_back({std::to_string(i), pred});
  }
  return out;
}

}  // namespace

std::string KeySql(db::Connection& conn, const Granularity& g) {
  switch (g.kind) {
    case Granularity::Kind::kTime:
      if (g.unit == "day") return "CAST(ts AS DATE)";
      return fmt::format("strftime(ts, '{}')", g.format);
    case Granularity::Kind::kHash:
      return fmt::format("hash({}) % {}", db::QuoteIdent(g.column), g.n);
    case Granularity::Kind::kQuantile: {
      const auto bounds = QuantileBounds(conn, g);
      std::string sql = "CASE";
      for (size_t i = 0; i < bounds.size(); ++i) {
        sql += fmt::format(" WHEN {} < {} THEN {}", db::QuoteIdent(g.column), bounds[i], i);
      }
      return sql + fmt::format(" ELSE {} END", bounds.size());
    }
  }
  return {};
}

std::vector<PartitionFilter> PartitionFilters(db::Connection& conn, const Granularity& g) {
  switch (g.kind) {
    case Granularity::Kind::kTime:
      return TimeFilters(conn, g);
    case Granularity::Kind::kHash:
      return HashFilters(conn, g);
    case Granularity::Kind::kQuantile:
      return QuantileFilters(conn, g);
  }
  return {};
}

}  // namespace bench

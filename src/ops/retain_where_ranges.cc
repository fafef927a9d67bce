// retain --where on fields whose partitions hold ranges of values: range and quantile (the
// dataset's own cuts: partition i holds the values between cut i-1 and cut i) and truncate
// of a number (partition k holds [k, k + W)). A partition goes when every value of its range
// satisfies "column OP value", stays when none does, and the window is refused when some
// may and some may not (it would split the partition). Decided by DuckDB in the column's
// type, from the bounds alone; the NULL partition never matches.
#include <string>
#include <vector>

#include "db/sql.h"
#include "duckpart/error.h"
#include "ops/retain_window.h"

namespace duckpart::ops {
namespace {

// One partition's range as typed SQL: [lo or (lo, hi) or hi]; NULL bound = unbounded.
struct Bounds {
  std::string lo = "NULL", hi = "NULL";
  bool lo_closed = true, hi_closed = false;
};

std::string Typed(const std::string& sql, const std::string& type) {
  return "CAST(" + sql + " AS " + type + ")";
}

bool IsInteger(const std::string& type) {
  return type.find("INT") != std::string::npos && type.find("INTERVAL") == std::string::npos;
}

// On an integer column an open bound is the closed one next to it, so "n <= 9" decides [0, 10).
Bounds Closed(Bounds b, const std::string& type) {
  if (!IsInteger(type)) return b;
  if (!b.lo_closed && b.lo != "NULL") b.lo = "(" + Typed(b.lo, type) + " + 1)";
  if (!b.hi_closed && b.hi != "NULL") b.hi = "(" + Typed(b.hi, type) + " - 1)";
  b.lo_closed = b.hi_closed = true;
  return b;
}

std::optional<Bounds> BoundsOf(const ResolvedField& f, const std::optional<std::string>& key) {
  if (!key) return std::nullopt;
  Bounds b;
  if (f.field.transform == Transform::kTruncate) {
    b.lo = Typed(db::QuoteLiteral(*key), f.column_type);
    b.hi = "(" + b.lo + " + " + std::to_string(f.field.param) + ")";
    return Closed(b, f.column_type);
  }
  const auto i = static_cast<size_t>(std::stoll(*key));
  if (i > 0) {
    b.lo = f.cuts[i - 1].sql;
    b.lo_closed = !f.cuts[i - 1].inclusive;
  }
  if (i < f.cuts.size()) {
    b.hi = f.cuts[i].sql;
    b.hi_closed = f.cuts[i].inclusive;
  }
  return Closed(b, f.column_type);
}

// "all" and "none" of `column OP v` over the range (l, lc, h, hc) as SQL; unbounded sides
// compare as NULL, which coalesce turns to false (undecided on that side).
std::pair<std::string, std::string> Verdict(const std::string& op) {
  if (op == "<") return {"CASE WHEN hc THEN h < v ELSE h <= v END", "l >= v"};
  if (op == "<=") return {"h <= v", "CASE WHEN lc THEN l > v ELSE l >= v END"};
  if (op == ">") return {"CASE WHEN lc THEN l > v ELSE l >= v END", "h <= v"};
  if (op == ">=") return {"l >= v", "CASE WHEN hc THEN h < v ELSE h <= v END"};
  const std::string point = "(lc AND hc AND l = v AND h = v)";
  const std::string outside = "(v < l OR (v = l AND NOT lc) OR v > h OR (v = h AND NOT hc))";
  if (op == "=") return {point, outside};
  return {outside, point};  // <>
}

std::string Row(size_t index, const Bounds& b, const std::string& type) {
  return "(" + std::to_string(index) + ", " + Typed(b.lo, type) + ", " +
         (b.lo_closed ? "true" : "false") + ", " + Typed(b.hi, type) + ", " +
         (b.hi_closed ? "true" : "false") + ")";
}

}  // namespace

std::vector<size_t> RangeDrops(db::Connection& conn, const Manifest& m, size_t field,
                               const std::string& op, const std::string& value) {
  const ResolvedField& f = m.fields[field];
  const std::string v = Typed(db::QuoteLiteral(value), f.column_type);
  if (conn.Query("SELECT TRY_" + v + " IS NULL").GetBool(0, 0)) {
    throw InputError("--where value '" + value + "' is not a " + f.column_type + " (the type of " +
                     f.field.column + ")");
  }
  const auto [all, none] = Verdict(op);
  std::vector<size_t> out;
  constexpr size_t kBatch = 1000;
  for (size_t start = 0; start < m.partitions.size(); start += kBatch) {
    std::string rows;
    for (size_t i = start; i < std::min(m.partitions.size(), start + kBatch); ++i) {
      const auto b = BoundsOf(f, m.partitions[i].keys[field]);
      if (b) rows += (rows.empty() ? "" : ", ") + Row(i, *b, f.column_type);
    }
    if (rows.empty()) continue;
    db::Result r = conn.Query("SELECT i, coalesce(" + all + ", false), coalesce(" + none +
                              ", false) FROM (SELECT *, " + v + " AS v FROM (VALUES " + rows +
                              ") AS t(i, l, lc, h, hc)) ORDER BY i");
    for (uint64_t row = 0; row < r.RowCount(); ++row) {
      const auto i = static_cast<size_t>(r.GetInt64(row, 0));
      if (r.GetBool(row, 1)) {
        out.push_back(i);
      } else if (!r.GetBool(row, 2)) {
        throw InputError("--where \"" + f.field.column + " " + op + " " + value +
                         "\" would split partition " + m.partitions[i].path +
                         " (values on both sides); give a value on a partition boundary");
      }
    }
  }
  return out;
}

}  // namespace duckpart::ops

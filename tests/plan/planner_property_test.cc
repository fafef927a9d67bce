// Property: for random data and random specs, the plan conserves rows and checksums and
// each row lands in exactly one partition, the one an independent GROUP BY gives it.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "db/database.h"
#include "duckpart/hive_path.h"
#include "duckpart/plan.h"
#include "plan/plan_test_support.h"
#include "plan/workspace_access.h"

namespace duckpart {
namespace {

using testing::Keys;

// How one column of the random table is filled.
struct ColumnShape {
  std::string dist;       // uniform, skewed, few, constant, heavy
  int null_permille = 0;  // share of NULLs, 0..1000
};

struct RandomCase {
  int64_t rows = 0;
  int64_t seed = 0;
  std::map<std::string, ColumnShape> columns;
  std::string timezone;
  Spec spec;
};

void showValue(const RandomCase& c, std::ostream& os) {
  os << "rows=" << c.rows << " seed=" << c.seed << " timezone=" << c.timezone << " spec='"
     << ToString(c.spec) << "' columns:";
  for (const auto& [name, shape] : c.columns) {
    os << " " << name << "(" << shape.dist << ", nulls " << shape.null_permille << "/1000)";
  }
}

// The column names and what they hold.
//   n BIGINT, m DECIMAL(12,2), x DOUBLE, s VARCHAR (awkward path text), d DATE (1900-2499),
//   ts TIMESTAMP (1950-2051), tz TIMESTAMPTZ, sd VARCHAR of dates and timestamps; with the
//   "extreme" distribution, x also holds -inf and NaN and the time columns +-infinity.
const std::vector<std::string> kColumns = {"n", "m", "x", "s", "d", "ts", "tz", "sd"};

std::string UnitSql(const std::string& column, int64_t seed, const std::string& salt) {
  return "(CAST(hash(i, " + std::to_string(seed) + ", '" + column + salt +
         "') % 1000003 AS DOUBLE) / 1000003)";
}

// A value in [0, 1] with the chosen distribution.
std::string ShapeSql(const std::string& column, int64_t seed, const std::string& dist) {
  const std::string u = UnitSql(column, seed, "");
  if (dist == "skewed") return "pow(" + u + ", 3)";
  if (dist == "few") return "(floor(" + u + " * 4) / 4)";
  if (dist == "constant") return "0.5";
  if (dist == "heavy")
    return "(CASE WHEN " + u + " < 0.4 THEN 0.37 ELSE " + UnitSql(column, seed, "2") + " END)";
  // below 0 and above 1: the type's extremes (infinities, NaN) where it has them
  if (dist == "extreme")
    return "(CASE WHEN " + u + " < 0.1 THEN -1 WHEN " + u + " > 0.9 THEN 2 ELSE " + u + " END)";
  return u;
}

std::string ValueSql(const std::string& column, const std::string& f);

// The value for `raw` in [0, 1], or an extreme for raw < 0 and raw > 1.
std::string ValueOrExtremeSql(const std::string& column, const std::string& raw) {
  const std::string value = ValueSql(column, "greatest(0.0, least(1.0, " + raw + "))");
  std::string low, high;
  if (column == "d") low = "DATE '-infinity'", high = "DATE 'infinity'";
  if (column == "ts") low = "TIMESTAMP '-infinity'", high = "TIMESTAMP 'infinity'";
  if (column == "tz") low = "TIMESTAMPTZ '-infinity'", high = "TIMESTAMPTZ 'infinity'";
  if (column == "sd") low = "'-infinity'", high = "'infinity'";
  if (column == "x") low = "CAST('-inf' AS DOUBLE)", high = "CAST('nan' AS DOUBLE)";
  if (low.empty()) return value;
  return "CASE WHEN " + raw + " < 0 THEN " + low + " WHEN " + raw + " > 1 THEN " + high + " ELSE " +
         value + " END";
}

std::string ValueSql(const std::string& column, const std::string& f) {
  if (column == "n") return "CAST(floor(" + f + " * 2000) - 1000 AS BIGINT)";
  if (column == "m") return "CAST(" + f + " * 20000 - 10000 AS DECIMAL(12,2))";
  if (column == "x") return "(" + f + " * 1000000 - 500000)";
  if (column == "s") {
    const std::string k = "CAST(floor(" + f + " * 100000) AS BIGINT)";
    return "(['', 'NULL', 'a', 'a/b', 'b=c', '100%', 'Zeta', 'zeta', 'ünï', '日本', 'x:y', "
           "'line' || chr(10) || 'break'][1 + CAST(floor(" +
           f +
           " * 11.99) AS BIGINT)] || "
           "CASE WHEN " +
           k + " % 3 = 0 THEN CAST(" + k + " % 13 AS VARCHAR) ELSE '' END)";
  }
  if (column == "d") return "(DATE '1900-01-01' + CAST(floor(" + f + " * 219000) AS INTEGER))";
  if (column == "ts") {
    return "(TIMESTAMP '1950-01-01' + to_microseconds(CAST(" + f + " * 3.2e15 AS BIGINT)))";
  }
  if (column == "tz") {
    return "(TIMESTAMPTZ '1950-01-01 00:00:00+00' + to_microseconds(CAST(" + f +
           " * 3.2e15 AS BIGINT)))";
  }
  // sd
  return "CASE WHEN " + f + " < 0.5 THEN strftime(DATE '1900-01-01' + CAST(floor(" + f +
         " * 400000) AS INTEGER), '%Y-%m-%d') ELSE strftime(TIMESTAMP '1950-01-01' + "
         "to_microseconds(CAST(" +
         f + " * 3.2e15 AS BIGINT)), '%Y-%m-%d %H:%M:%S') END";
}

std::string TableSql(const RandomCase& c) {
  std::string sql = "CREATE TABLE t AS SELECT i";
  for (const auto& [name, shape] : c.columns) {
    const std::string value = ValueOrExtremeSql(name, ShapeSql(name, c.seed, shape.dist));
    sql += ", CASE WHEN hash(i, " + std::to_string(c.seed) + ", '" + name + "null') % 1000 < " +
           std::to_string(shape.null_permille) + " THEN NULL ELSE " + value + " END AS " + name;
  }
  return sql + " FROM range(" + std::to_string(c.rows) + ") r(i)";
}

Literal Num(std::string text) { return Literal{Literal::Kind::kNumber, std::move(text)}; }
Literal Str(std::string text) { return Literal{Literal::Kind::kString, std::move(text)}; }

std::string Format(const char* fmt, int a, int b, int c = 0, int d = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, a, b, c, d);
  return buf;
}

// Strictly increasing range bounds that fit the column.
rc::Gen<std::vector<Literal>> BoundsFor(const std::string& column) {
  return rc::gen::exec([column] {
    std::vector<Literal> out;
    const auto set_of = [](int lo, int hi) {
      return *rc::gen::resize(
          6, rc::gen::nonEmpty(rc::gen::container<std::set<int>>(rc::gen::inRange(lo, hi))));
    };
    if (column == "n") {
      for (int v : set_of(-1100, 1100)) out.push_back(Num(std::to_string(v)));
    } else if (column == "m") {
      for (int v : set_of(-22000, 22000)) out.push_back(Num(std::to_string(v / 2.0)));
    } else if (column == "x") {
      for (int v : set_of(-600, 600)) out.push_back(Num(std::to_string(v * 1000)));
    } else if (column == "s") {
      const auto word = rc::gen::map(
          rc::gen::resize(
              3, rc::gen::container<std::vector<std::string>>(rc::gen::element<std::string>(
                     "a", "Z", "z", "/", "%", "_", "1", " ", "\u00fc"))),
          [](const std::vector<std::string>& chars) {
            std::string w;
            for (const auto& ch : chars) w += ch;
            return w;
          });
      for (const auto& w : *rc::gen::nonEmpty(rc::gen::container<std::set<std::string>>(word))) {
        out.push_back(Str(w));
      }
    } else if (column == "d") {
      for (int v : set_of(1880 * 12, 2520 * 12))
        out.push_back(Str(Format("%04d-%02d-01", v / 12, v % 12 + 1)));
    } else {  // ts, tz: year, month, day 1..28, hour
      for (int v : set_of(0, 120 * 12 * 28 * 24)) {
        const int hour = v % 24, day = v / 24 % 28 + 1, month = v / 24 / 28 % 12 + 1,
                  year = 1940 + v / 24 / 28 / 12;
        std::string text = Format("%04d-%02d-%02d %02d:00:00", year, month, day, hour);
        out.push_back(Str(column == "tz" ? text + "+00" : text));
      }
    }
    return out;
  });
}

rc::Gen<Field> FieldGen() {
  return rc::gen::exec([] {
    Field f;
    f.column = *rc::gen::elementOf(kColumns);
    std::vector<Transform> fits = {Transform::kIdentity};
    if (f.column != "x") fits.push_back(Transform::kBucket);  // Iceberg does not bucket a DOUBLE
    const bool number = f.column == "n" || f.column == "m" || f.column == "x";
    if (number || f.column == "s") fits.push_back(Transform::kTruncate);
    if (f.column != "sd") {
      fits.push_back(Transform::kRange);
      fits.push_back(Transform::kQuantile);
    }
    if (f.column == "d" || f.column == "ts" || f.column == "tz" || f.column == "sd") {
      fits.insert(fits.end(), {Transform::kYear, Transform::kMonth, Transform::kDay});
      if (f.column != "d") fits.push_back(Transform::kHour);
    }
    f.transform = *rc::gen::elementOf(fits);
    switch (f.transform) {
      case Transform::kBucket:
        f.param = *rc::gen::inRange<int64_t>(1, 17);
        break;
      case Transform::kQuantile:
        f.param = *rc::gen::inRange<int64_t>(2, 13);
        break;
      case Transform::kTruncate:
        f.param = f.column == "s"   ? *rc::gen::inRange<int64_t>(1, 4)
                  : f.column == "x" ? *rc::gen::inRange<int64_t>(1, 100000)
                                    : *rc::gen::inRange<int64_t>(1, 3000);
        break;
      case Transform::kRange:
        f.bounds = *BoundsFor(f.column);
        break;
      default:
        break;
    }
    return f;
  });
}

rc::Gen<RandomCase> CaseGen() {
  return rc::gen::exec([] {
    RandomCase c;
    c.rows = *rc::gen::weightedOneOf<int64_t>({{2, rc::gen::just<int64_t>(0)},
                                               {2, rc::gen::just<int64_t>(1)},
                                               {8, rc::gen::inRange<int64_t>(2, 400)}});
    c.seed = *rc::gen::inRange<int64_t>(0, 1'000'000);
    c.timezone = *rc::gen::element<std::string>("UTC", "America/New_York", "Asia/Kolkata",
                                                "Australia/Lord_Howe", "Pacific/Chatham");
    const Field first = *FieldGen();
    c.spec.fields.push_back(first);
    if (*rc::gen::arbitrary<bool>()) {
      const Field second = *FieldGen();
      if (second.Name() != first.Name()) c.spec.fields.push_back(second);
    }
    for (const auto& name : kColumns) {
      ColumnShape shape;
      shape.dist = *rc::gen::element<std::string>("uniform", "skewed", "few", "constant", "heavy",
                                                  "extreme");
      shape.null_permille = *rc::gen::weightedOneOf<int>(
          {{3, rc::gen::just(0)}, {1, rc::gen::just(1000)}, {4, rc::gen::inRange(0, 1001)}});
      c.columns[name] = shape;
    }
    return c;
  });
}

// The path value of a field, written independently of the planner's key_sql.
std::string OracleLabel(const ResolvedField& rf, const std::string& zone) {
  const Field& f = rf.field;
  const std::string c = "s.\"" + f.column + "\"";
  const std::string ifnull = "CASE WHEN " + c + " IS NULL THEN NULL ELSE ";
  std::string t = c;
  if (f.column == "tz") t = "timezone('" + zone + "', " + c + ")";
  if (f.column == "sd") t = "CAST(" + c + " AS TIMESTAMP)";
  switch (f.transform) {
    case Transform::kIdentity:
      return "CAST(" + c + " AS VARCHAR)";
    case Transform::kYear:
      return "strftime(" + t + ", '%Y')";
    case Transform::kMonth:
      return "strftime(" + t + ", '%Y-%m')";
    case Transform::kDay:
      return "strftime(" + t + ", '%Y-%m-%d')";
    case Transform::kHour:
      return "strftime(" + t + ", '%Y-%m-%d-%H')";
    case Transform::kBucket:
      // Iceberg's bucket; its hash is checked against the spec's values in util/iceberg_hash_test
      return "CAST(duckpart_bucket(" + std::to_string(f.param) + ", " + c + ") AS VARCHAR)";
    case Transform::kTruncate: {
      const std::string w = std::to_string(f.param);
      if (f.column == "s") return "left(" + c + ", " + w + ")";
      if (f.column == "n")
        return "CAST(CAST(floor(" + c + " / " + w + ") AS BIGINT) * " + w + " AS VARCHAR)";
      if (f.column == "m") {
        // W counts units of the last digit (0.01), as Iceberg truncates the unscaled value
        return "CAST(CAST(floor(CAST(" + c + " * 100 AS BIGINT) / " + w + ".0) * " + w +
               " / 100 AS DECIMAL(38,2)) AS VARCHAR)";
      }
      return "CAST(floor(" + c + " / " + w + ") * " + w + " AS VARCHAR)";
    }
    case Transform::kRange: {
      std::string list;
      for (const auto& b : f.bounds) {
        list += (list.empty() ? "" : ", ") + std::string("CAST('") + b.text + "' AS " +
                rf.column_type + ")";
      }
      const std::string width = std::to_string(std::to_string(f.bounds.size()).size());
      return ifnull + "lpad(CAST(len(list_filter([" + list + "], b -> b <= " + c +
             ")) AS VARCHAR), " + width + ", '0') END";
    }
    case Transform::kQuantile: {
      // the number of cuts the value is not below
      std::string count = "0";
      for (const auto& cut : rf.cuts) {
        count +=
            " + CASE WHEN " + c + (cut.inclusive ? " <= " : " < ") + cut.sql + " THEN 0 ELSE 1 END";
      }
      const std::string width = std::to_string(std::to_string(rf.cuts.size()).size());
      return ifnull + "lpad(CAST(" + count + " AS VARCHAR), " + width + ", '0') END";
    }
  }
  return "";
}

struct GroupStats {
  int64_t rows = 0;
  std::string checksum;
  bool operator==(const GroupStats&) const = default;
};

std::map<Keys, GroupStats> QueryGroups(Workspace& ws, const std::vector<std::string>& exprs) {
  std::string select, group, cols;
  for (size_t i = 0; i < exprs.size(); ++i) {
    select += exprs[i] + " AS __g" + std::to_string(i) + ", ";
    group += (i ? ", " : "") + std::string("__g") + std::to_string(i);
  }
  for (const auto& c : ws.columns())
    cols += (cols.empty() ? "" : ", ") + std::string("s.\"") + c.name + "\"";
  db::Result r = WorkspaceConnection(ws).Query(
      "SELECT " + select + "count(*), CAST(sum(CAST(hash(" + cols +
      ") AS HUGEINT)) AS VARCHAR) FROM " + ws.relation() + " AS s GROUP BY " + group);
  std::map<Keys, GroupStats> out;
  for (uint64_t row = 0; row < r.RowCount(); ++row) {
    Keys keys;
    for (size_t i = 0; i < exprs.size(); ++i) keys.push_back(r.GetOptionalString(row, i));
    out[keys] = {r.GetInt64(row, exprs.size()), r.GetString(row, exprs.size() + 1)};
  }
  return out;
}

std::string Describe(const std::map<Keys, GroupStats>& groups) {
  std::string out = "{";
  for (const auto& [keys, stats] : groups) {
    out += " (";
    for (size_t i = 0; i < keys.size(); ++i)
      out += (i ? ", " : "") + (keys[i] ? "'" + *keys[i] + "'" : "NULL");
    out += "): " + std::to_string(stats.rows) + " rows, checksum " + stats.checksum + ";";
  }
  return out + " }";
}

void CheckCase(const RandomCase& c) {
  testing::TempDir dir;
  const std::string path = testing::MakeSourceDb(dir, TableSql(c));
  Workspace ws(SourceOptions{.db_path = path, .table = "t"}, testing::TestEngine(c.timezone));
  const Plan plan = MakePlan(ws, c.spec, PlanOptions{});

  // Conservation of rows and checksums.
  RC_ASSERT(plan.total_rows == c.rows);
  RC_ASSERT(testing::SumRows(plan) == c.rows);
  const std::string source_checksum = testing::SourceChecksum(ws);
  RC_ASSERT(plan.total_checksum == source_checksum);
  RC_ASSERT(testing::SumChecksums(plan) == source_checksum);

  // Dense ids in order, distinct paths, no empty partitions.
  std::set<std::string> paths;
  for (size_t i = 0; i < plan.partitions.size(); ++i) {
    const auto& p = plan.partitions[i];
    RC_ASSERT(p.id == static_cast<int64_t>(i));
    RC_ASSERT(p.rows > 0);
    RC_ASSERT(paths.insert(p.path).second);
    RC_ASSERT(p.keys.size() == c.spec.fields.size());
  }

  // The plan's own key_sql, grouped over the source: one group per partition, with the
  // same counts (the keys stay typed: only the counts leave DuckDB).
  std::string keys;
  for (const auto& rf : plan.fields) keys += (keys.empty() ? "" : ", ") + rf.key_sql;
  db::Result by_key = WorkspaceConnection(ws).Query("SELECT count(*) AS n FROM " + ws.relation() +
                                                    " AS s GROUP BY " + keys + " ORDER BY n");
  RC_ASSERT(by_key.RowCount() == plan.partitions.size());
  std::vector<int64_t> key_counts, plan_counts;
  for (uint64_t i = 0; i < by_key.RowCount(); ++i) key_counts.push_back(by_key.GetInt64(i, 0));
  for (const auto& p : plan.partitions) plan_counts.push_back(p.rows);
  std::sort(plan_counts.begin(), plan_counts.end());
  RC_ASSERT(key_counts == plan_counts);

  // An independent GROUP BY over hand-written labels: the same groups, counts and checksums.
  std::vector<std::string> oracle;
  for (const auto& rf : plan.fields) oracle.push_back(OracleLabel(rf, c.timezone));
  const auto expected = QueryGroups(ws, oracle);
  std::map<Keys, GroupStats> actual;
  for (const auto& p : plan.partitions) actual[p.keys] = {p.rows, p.checksum};
  if (actual != expected)
    RC_FAIL("plan " + Describe(actual) + "\n  hand GROUP BY " + Describe(expected));

  // Quantile cuts strictly increase (a heavy value's pair: `< h` then `<= h`).
  for (const auto& rf : plan.fields) {
    for (size_t i = 1; i < rf.cuts.size(); ++i) {
      const auto& a = rf.cuts[i - 1];
      const auto& b = rf.cuts[i];
      const bool increasing =
          WorkspaceConnection(ws).Query("SELECT " + a.sql + " < " + b.sql).GetBool(0, 0) ||
          (a.sql == b.sql && !a.inclusive && b.inclusive);
      RC_ASSERT(increasing);
    }
  }
}

TEST(PlannerProperty, RowsAndChecksumsAreConservedAndEveryRowHasOneKey) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(testing::CheckProperty(
      "plans of random data conserve rows and checksums and match an independent GROUP BY", 25, 100,
      [] { CheckCase(*CaseGen()); }));
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("seconds", std::to_string(seconds));
}

}  // namespace
}  // namespace duckpart

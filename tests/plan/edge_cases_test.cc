// Plans of small, awkward sources: empty, one row, all NULL, one value; every column type
// the transforms accept; dates far from 1970; time zones across DST changes.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "duckpart/hive_path.h"
#include "duckpart/plan.h"
#include "plan/plan_test_support.h"

namespace duckpart {
namespace {

using testing::K;
using testing::KeyCounts;
using testing::PlanCounts;
using testing::Scenario;

std::vector<std::string> Paths(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& p : plan.partitions) out.push_back(p.path);
  return out;
}

// ---- empty, one row, all NULL, one distinct value ----

TEST(EdgePlan, EmptySourceHasNoPartitions) {
  Scenario s("CREATE TABLE t (ts TIMESTAMP, n INTEGER)", "n");
  for (const char* spec : {"month(ts)", "n", "bucket(4, n)", "truncate(10, n)", "range(n, [1, 2])",
                           "quantile(4, n)", "month(ts), quantile(3, n)"}) {
    const Plan plan = s.Replan(spec);
    EXPECT_TRUE(plan.partitions.empty()) << spec;
    EXPECT_EQ(plan.total_rows, 0) << spec;
    EXPECT_EQ(plan.total_checksum, "0") << spec;
    EXPECT_EQ(plan.balance.verdict, "empty") << spec;
    EXPECT_EQ(plan.est_bytes, 0) << spec;
  }
}

TEST(EdgePlan, OneRowIsOnePartition) {
  Scenario s("CREATE TABLE t AS SELECT TIMESTAMP '2024-05-06 07:08:09' AS ts, 42 AS n",
             "month(ts), quantile(4, n)");
  ASSERT_EQ(s.plan().partitions.size(), 1u);
  const auto& p = s.plan().partitions[0];
  EXPECT_EQ(p.rows, 1);
  EXPECT_EQ(p.path, "ts_month=2024-05/n_quantile=1");
  EXPECT_EQ(p.ranges, (std::vector<std::string>{"", "[42, 42]"}));
  EXPECT_EQ(p.checksum, testing::SourceChecksum(s.ws()));
  EXPECT_NE(p.checksum, "0");
  EXPECT_EQ(s.plan().total_checksum, p.checksum);
  EXPECT_EQ(s.plan().balance.verdict, "balanced");
}

TEST(EdgePlan, AllNullIsOneNullPartition) {
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(NULL AS TIMESTAMP) AS ts, CAST(NULL AS INTEGER) AS n, "
      "CAST(NULL AS VARCHAR) AS sd FROM range(3)",
      "n");
  for (const char* spec : {"month(ts)", "hour(ts)", "n", "bucket(4, n)", "truncate(10, n)",
                           "range(n, [1, 2])", "quantile(4, n)", "year(sd)"}) {
    const Plan plan = s.Replan(spec);
    ASSERT_EQ(plan.partitions.size(), 1u) << spec;
    const auto& p = plan.partitions[0];
    EXPECT_EQ(p.keys, K(std::nullopt)) << spec;
    EXPECT_EQ(p.rows, 3) << spec;
    EXPECT_EQ(p.path.substr(p.path.find('=') + 1), "__HIVE_DEFAULT_PARTITION__") << spec;
    EXPECT_EQ(plan.stats[0].nulls, 3) << spec;
    EXPECT_EQ(plan.stats[0].min, "") << spec;
    EXPECT_EQ(plan.stats[0].max, "") << spec;
  }
}

TEST(EdgePlan, QuantileOfAllNullHasNoCuts) {
  Scenario s("CREATE TABLE t AS SELECT CAST(NULL AS DOUBLE) AS v FROM range(10)", "quantile(4, v)");
  EXPECT_TRUE(s.plan().fields[0].cuts.empty());
  EXPECT_EQ(s.plan().fields[0].heavy_values, 0);
}

TEST(EdgePlan, OneDistinctValueIsOnePartition) {
  Scenario s("CREATE TABLE t AS SELECT 7 AS n FROM range(100)", "quantile(4, n)");
  ASSERT_EQ(s.plan().partitions.size(), 1u);
  EXPECT_EQ(s.plan().partitions[0].ranges, std::vector<std::string>{"[7, 7]"});
  EXPECT_EQ(s.plan().fields[0].heavy_values, 1);
  for (const char* spec : {"n", "bucket(16, n)", "truncate(5, n)", "range(n, [0, 100])"}) {
    const Plan plan = s.Replan(spec);
    ASSERT_EQ(plan.partitions.size(), 1u) << spec;
    EXPECT_EQ(plan.partitions[0].rows, 100) << spec;
  }
}

TEST(EdgePlan, OneDistinctValueWithNullsIsTwoPartitions) {
  Scenario s(
      "CREATE TABLE t AS SELECT CASE WHEN i % 4 = 0 THEN NULL ELSE 'x' END AS tag "
      "FROM range(100) r(i)",
      "quantile(3, tag)");
  EXPECT_EQ(PlanCounts(s.plan()), (KeyCounts{{K("1"), 75}, {K(std::nullopt), 25}}));
}

// ---- dates far from 1970, leap days ----

TEST(EdgePlan, DatesBefore1970AndFarFuture) {
  Scenario s(
      "CREATE TABLE t AS SELECT * FROM (VALUES (DATE '1969-12-31'), (DATE '1900-01-01'), "
      "(DATE '1969-01-01'), (DATE '1970-01-01'), (DATE '2500-06-15'), (DATE '2500-06-30'), "
      "(DATE '1583-10-15')) v(d)",
      "month(d)");
  EXPECT_EQ(PlanCounts(s.plan()), (KeyCounts{{K("1583-10"), 1},
                                             {K("1900-01"), 1},
                                             {K("1969-01"), 1},
                                             {K("1969-12"), 1},
                                             {K("1970-01"), 1},
                                             {K("2500-06"), 2}}));
  Scenario y(
      "CREATE TABLE t AS SELECT * FROM (VALUES (DATE '1969-12-31'), (DATE '1900-01-01'), "
      "(DATE '2500-06-15')) v(d)",
      "year(d)");
  EXPECT_EQ(Paths(y.plan()),
            (std::vector<std::string>{"d_year=1900", "d_year=1969", "d_year=2500"}));
}

TEST(EdgePlan, TimestampsBefore1970AndFarFuture) {
  Scenario s(
      "CREATE TABLE t AS SELECT * FROM (VALUES (TIMESTAMP '1969-12-31 23:59:59.999999'), "
      "(TIMESTAMP '1960-07-04 00:00:00'), (TIMESTAMP '2500-12-31 23:59:59'), "
      "(TIMESTAMP '2500-12-31 23:00:00')) v(ts)",
      "hour(ts)");
  EXPECT_EQ(PlanCounts(s.plan()),
            (KeyCounts{{K("1960-07-04-00"), 1}, {K("1969-12-31-23"), 1}, {K("2500-12-31-23"), 2}}));
}

TEST(EdgePlan, LeapDayIsItsOwnDay) {
  Scenario s(
      "CREATE TABLE t AS SELECT * FROM (VALUES (TIMESTAMP '2024-02-28 23:59:59'), "
      "(TIMESTAMP '2024-02-29 00:00:00'), (TIMESTAMP '2024-02-29 23:30:00'), "
      "(TIMESTAMP '2024-03-01 00:00:00'), (TIMESTAMP '2000-02-29 12:00:00')) v(ts)",
      "day(ts)");
  EXPECT_EQ(
      PlanCounts(s.plan()),
      (KeyCounts{
          {K("2000-02-29"), 1}, {K("2024-02-28"), 1}, {K("2024-02-29"), 2}, {K("2024-03-01"), 1}}));
  Scenario m("CREATE TABLE t AS SELECT DATE '2024-02-29' AS d", "month(d), day(d), year(d)");
  EXPECT_EQ(Paths(m.plan()),
            std::vector<std::string>{"d_month=2024-02/d_day=2024-02-29/d_year=2024"});
}

TEST(EdgePlan, InfiniteDatesAreNotNull) {
  // 'infinity' is a value, not a NULL: it must not share the NULL partition.
  Scenario s(
      "CREATE TABLE t AS SELECT * FROM (VALUES (DATE 'infinity'), (DATE '-infinity'), "
      "(DATE '2024-01-01'), (NULL)) v(d), (VALUES (TIMESTAMP 'infinity')) w(ts)",
      "d");
  const std::map<std::string, KeyCounts> expected = {
      {"year(d)", {{K("-infinity"), 1}, {K("2024"), 1}, {K("infinity"), 1}, {K(std::nullopt), 1}}},
      {"month(d)",
       {{K("-infinity"), 1}, {K("2024-01"), 1}, {K("infinity"), 1}, {K(std::nullopt), 1}}},
      {"day(d)",
       {{K("-infinity"), 1}, {K("2024-01-01"), 1}, {K("infinity"), 1}, {K(std::nullopt), 1}}},
      {"year(ts)", {{K("infinity"), 4}}},
  };
  for (const auto& [spec, counts] : expected) {
    const Plan plan = s.Replan(spec);
    EXPECT_EQ(PlanCounts(plan), counts) << spec;
    // -infinity sorts first, infinity last before NULL
    if (spec != "year(ts)") {
      EXPECT_EQ(plan.partitions.front().keys[0], "-infinity") << spec;
      EXPECT_EQ(plan.partitions[2].keys[0], "infinity") << spec;
    }
  }
}

// ---- time zones ----

constexpr const char* kDstData =
    "CREATE TABLE t AS SELECT CAST(v AS TIMESTAMPTZ) AS tz FROM (VALUES "
    "('2024-03-10 04:30:00+00'), "  // 2024-03-09 23:30 EST
    "('2024-03-10 06:30:00+00'), "  // 01:30 EST, before spring forward
    "('2024-03-10 07:30:00+00'), "  // 03:30 EDT, after: there is no 02 hour
    "('2024-11-03 03:59:59+00'), "  // 2024-11-02 23:59:59 EDT
    "('2024-11-03 05:30:00+00'), "  // 01:30 EDT
    "('2024-11-03 06:30:00+00')"    // 01:30 EST again, after fall back
    ") v(v)";

TEST(TimeZonePlan, HourFollowsLocalClockAcrossDst) {
  Scenario s(kDstData, "hour(tz)", testing::TestEngine("America/New_York"));
  EXPECT_EQ(PlanCounts(s.plan()), (KeyCounts{{K("2024-03-09-23"), 1},
                                             {K("2024-03-10-01"), 1},
                                             {K("2024-03-10-03"), 1},
                                             {K("2024-11-02-23"), 1},
                                             {K("2024-11-03-01"), 2}}));
}

TEST(TimeZonePlan, DayFollowsLocalDate) {
  Scenario s(kDstData, "day(tz)", testing::TestEngine("America/New_York"));
  EXPECT_EQ(
      PlanCounts(s.plan()),
      (KeyCounts{
          {K("2024-03-09"), 1}, {K("2024-03-10"), 2}, {K("2024-11-02"), 1}, {K("2024-11-03"), 2}}));
}

TEST(TimeZonePlan, UtcIsTheDefault) {
  Scenario s(kDstData, "hour(tz)");
  EXPECT_EQ(PlanCounts(s.plan()), (KeyCounts{{K("2024-03-10-04"), 1},
                                             {K("2024-03-10-06"), 1},
                                             {K("2024-03-10-07"), 1},
                                             {K("2024-11-03-03"), 1},
                                             {K("2024-11-03-05"), 1},
                                             {K("2024-11-03-06"), 1}}));
}

TEST(TimeZonePlan, HalfHourZoneMovesMonthBoundary) {
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(v AS TIMESTAMPTZ) AS tz FROM (VALUES "
      "('2024-01-31 18:29:59+00'), ('2024-01-31 18:30:00+00')) v(v)",
      "month(tz), year(tz)", testing::TestEngine("Asia/Kolkata"));
  EXPECT_EQ(PlanCounts(s.plan()),
            (KeyCounts{{K("2024-01", "2024"), 1}, {K("2024-02", "2024"), 1}}));
}

TEST(TimeZonePlan, ZoneDoesNotChangePlainTimestamps) {
  Scenario s("CREATE TABLE t AS SELECT TIMESTAMP '2024-03-10 02:30:00' AS ts", "hour(ts)",
             testing::TestEngine("America/New_York"));
  EXPECT_EQ(PlanCounts(s.plan()), (KeyCounts{{K("2024-03-10-02"), 1}}));
}

TEST(TimeZonePlan, UnknownZoneIsAnInputError) {
  testing::TempDir dir;
  const std::string path = testing::MakeSourceDb(dir, "CREATE TABLE t AS SELECT 1 AS n");
  const std::string msg = testing::InputErrorOf([&] {
    Workspace ws(SourceOptions{.db_path = path, .table = "t"}, testing::TestEngine("Mars/Olympus"));
  });
  EXPECT_NE(msg.find("unknown --timezone 'Mars/Olympus'"), std::string::npos) << msg;
}

// ---- column types ----

TEST(TypePlan, IntegerTypesIdentityAndTruncate) {
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(v AS TINYINT) AS a, CAST(v AS SMALLINT) AS b, "
      "CAST(v * 1000000000000 AS BIGINT) AS c, CAST(v AS HUGEINT) * 1000000000000000000000 AS h "
      "FROM (VALUES (-11), (-10), (-1), (0), (9), (10), (NULL)) v(v)",
      "truncate(10, a)");
  EXPECT_EQ(
      PlanCounts(s.plan()),
      (KeyCounts{{K("-20"), 1}, {K("-10"), 2}, {K("0"), 2}, {K("10"), 1}, {K(std::nullopt), 1}}));
  Scenario b(
      "CREATE TABLE t AS SELECT CAST(v * 1000000000000 AS BIGINT) AS c FROM (VALUES (-1), (1)) "
      "v(v)",
      "c, truncate(3000000000000, c)");
  EXPECT_EQ(PlanCounts(b.plan()),
            (KeyCounts{{K("-1000000000000", "-3000000000000"), 1}, {K("1000000000000", "0"), 1}}));
  Scenario h(
      "CREATE TABLE t AS SELECT CAST(v AS HUGEINT) * 100000000000000000000 AS h "
      "FROM (VALUES (-3), (5)) v(v)",
      "h");
  EXPECT_EQ(h.plan().partitions.size(), 2u);
  EXPECT_EQ(*h.plan().partitions[0].keys[0], "-300000000000000000000");
}

TEST(TypePlan, TruncateOfSmallIntegerTypeNearItsLimits) {
  // 99 truncated to a multiple of 100 is 0, even though 99 + 100 overflows a TINYINT.
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(v AS TINYINT) AS a FROM (VALUES (99), (127), (-1), (-100), "
      "(-128)) "
      "v(v)",
      "truncate(100, a)");
  // -128 truncates to -200, below TINYINT: the key is computed in HUGEINT
  EXPECT_EQ(PlanCounts(s.plan()),
            (KeyCounts{{K("-200"), 1}, {K("-100"), 2}, {K("0"), 1}, {K("100"), 1}}));
  Scenario u(
      "CREATE TABLE t AS SELECT CAST(v AS UTINYINT) AS a FROM (VALUES (255), (149), (3)) v(v)",
      "truncate(150, a)");
  EXPECT_EQ(PlanCounts(u.plan()), (KeyCounts{{K("0"), 2}, {K("150"), 1}}));
}

TEST(TypePlan, DecimalIdentityKeepsScale) {
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(v AS DECIMAL(12,2)) AS m FROM (VALUES (12.5), (12.50), "
      "(-0.01), (NULL)) v(v)",
      "m");
  EXPECT_EQ(PlanCounts(s.plan()),
            (KeyCounts{{K("12.50"), 2}, {K("-0.01"), 1}, {K(std::nullopt), 1}}));
  Scenario t(
      "CREATE TABLE t AS SELECT CAST(v AS DECIMAL(12,2)) AS m FROM (VALUES (12.5), (-0.01), "
      "(-10.00), (9.99)) v(v)",
      "truncate(1000, m)");  // 1000 units of 0.01: steps of 10.00
  EXPECT_EQ(PlanCounts(t.plan()), (KeyCounts{{K("-10.00"), 2}, {K("0.00"), 1}, {K("10.00"), 1}}));
}

TEST(TypePlan, TruncateOfLargeDecimalIsExact) {
  // Keys must not come from a DOUBLE: 123456789012345678901 truncated by 10 is ...900.
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(v AS DECIMAL(38,0)) AS m FROM (VALUES "
      "('123456789012345678901'), ('-123456789012345678901')) v(v)",
      "truncate(10, m)");
  EXPECT_EQ(PlanCounts(s.plan()),
            (KeyCounts{{K("123456789012345678900"), 1}, {K("-123456789012345678910"), 1}}));
  Scenario d("CREATE TABLE t AS SELECT CAST('9999999999999999.99' AS DECIMAL(18,2)) AS m",
             "truncate(1000, m)");
  EXPECT_EQ(PlanCounts(d.plan()), (KeyCounts{{K("9999999999999990.00"), 1}}));
}

TEST(TypePlan, DecimalRangeAndQuantile) {
  Scenario s("CREATE TABLE t AS SELECT CAST(i / 100 AS DECIMAL(10,2)) AS m FROM range(1000) r(i)",
             "range(m, [2.5, 5])");
  EXPECT_EQ(PlanCounts(s.plan()), (KeyCounts{{K("0"), 250}, {K("1"), 250}, {K("2"), 500}}));
  Scenario q("CREATE TABLE t AS SELECT CAST(i / 100 AS DECIMAL(10,2)) AS m FROM range(1000) r(i)",
             "quantile(4, m)");
  ASSERT_EQ(q.plan().partitions.size(), 4u);
  for (const auto& p : q.plan().partitions) EXPECT_NEAR(p.rows, 250, 1) << p.path;
  EXPECT_NE(q.plan().fields[0].cuts[0].sql.find("AS DECIMAL(10,2)"), std::string::npos);
}

TEST(TypePlan, DoubleSpecialValuesArePartitions) {
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(v AS DOUBLE) AS x FROM (VALUES ('1.5'), ('nan'), ('inf'), "
      "('-inf'), ('1.5'), (NULL)) v(v)",
      "x");
  EXPECT_EQ(
      PlanCounts(s.plan()),
      (KeyCounts{
          {K("1.5"), 2}, {K("nan"), 1}, {K("inf"), 1}, {K("-inf"), 1}, {K(std::nullopt), 1}}));
  Scenario r(
      "CREATE TABLE t AS SELECT CAST(v AS DOUBLE) AS x FROM (VALUES ('1.5'), ('nan'), ('inf'), "
      "('-inf'), (NULL)) v(v)",
      "range(x, [0, 1e3])");
  EXPECT_EQ(PlanCounts(r.plan()),
            (KeyCounts{{K("0"), 1}, {K("1"), 1}, {K("2"), 2}, {K(std::nullopt), 1}}));
}

TEST(TypePlan, TimestampVariantsWork) {
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(v AS TIMESTAMP_NS) AS ns, CAST(v AS TIMESTAMP_S) AS sec, "
      "CAST(v AS TIMESTAMP_MS) AS ms FROM (VALUES (TIMESTAMP '2024-01-31 23:59:59')) v(v)",
      "hour(ns), month(sec), day(ms)");
  EXPECT_EQ(PlanCounts(s.plan()), (KeyCounts{{{"2024-01-31-23", "2024-01", "2024-01-31"}, 1}}));
}

TEST(TypePlan, VarcharOfDatesWorksForTimeTransforms) {
  Scenario s(
      "CREATE TABLE t AS SELECT * FROM (VALUES ('2024-01-15'), ('2024-01-20 10:00:00'), "
      "('2023-12-31'), ('1969-07-20 20:17:40'), (NULL)) v(sd)",
      "month(sd)");
  EXPECT_EQ(
      PlanCounts(s.plan()),
      (KeyCounts{{K("1969-07"), 1}, {K("2023-12"), 1}, {K("2024-01"), 2}, {K(std::nullopt), 1}}));
  Scenario h("CREATE TABLE t AS SELECT '2024-01-20 10:59:59' AS sd", "hour(sd)");
  EXPECT_EQ(PlanCounts(h.plan()), (KeyCounts{{K("2024-01-20-10"), 1}}));
}

TEST(TypePlan, VarcharWithNonDatesNamesCountAndExamples) {
  testing::TempDir dir;
  const std::string path = testing::MakeSourceDb(
      dir,
      "CREATE TABLE t AS SELECT * FROM (VALUES ('2024-01-15'), ('soon'), ('n/a'), ('never'), "
      "(NULL), ('2024-02-30')) v(sd)");
  const std::string msg = testing::InputErrorOf([&] { testing::PlanTable(path, "month(sd)"); });
  EXPECT_NE(msg.find("column 'sd' has 4 values that are not dates or timestamps"),
            std::string::npos)
      << msg;
  // the smallest and largest bad values
  EXPECT_NE(msg.find("'2024-02-30'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'soon'"), std::string::npos) << msg;
}

TEST(TypePlan, VarcharColumnUsedOnlyForIdentityNeedNotBeDates) {
  Scenario s("CREATE TABLE t AS SELECT 'soon' AS sd, TIMESTAMP '2024-01-01' AS ts",
             "sd, month(ts)");
  EXPECT_EQ(PlanCounts(s.plan()), (KeyCounts{{K("soon", "2024-01"), 1}}));
}

TEST(TypePlan, QuotedColumnNamesWork) {
  Scenario s("CREATE TABLE t AS SELECT 1 AS \"we\"\"ird col\", DATE '2024-01-01' AS \"Event Date\"",
             "\"we\"\"ird col\", month(\"Event Date\")");
  ASSERT_EQ(s.plan().partitions.size(), 1u);
  EXPECT_EQ(s.plan().partitions[0].path, "we%22ird col_identity=1/Event Date_month=2024-01");
}

TEST(TypePlan, QuerySourceWorks) {
  testing::TempDir dir;
  const std::string path =
      testing::MakeSourceDb(dir, "CREATE TABLE t AS SELECT i FROM range(10) r(i)");
  Workspace ws(SourceOptions{.db_path = path, .query = "SELECT i, i % 3 AS k FROM t"},
               testing::TestEngine());
  const Plan plan = MakePlan(ws, ParseSpec("k"), PlanOptions{});
  EXPECT_EQ(PlanCounts(plan), (KeyCounts{{K("0"), 4}, {K("1"), 3}, {K("2"), 3}}));
  EXPECT_EQ(plan.source, "query over " + path);
}

}  // namespace
}  // namespace duckpart

// Each transform's plan equals a GROUP BY written by hand over the same generated data.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "duckpart/hive_path.h"
#include "duckpart/plan.h"
#include "plan/plan_test_support.h"
#include "plan/workspace_access.h"

namespace duckpart {
namespace {

using testing::HandGroupBy;
using testing::K;
using testing::PlanCounts;

// 20000 rows: i, n INTEGER (-300..696), amount DECIMAL(10,2), x DOUBLE, s VARCHAR with awkward
// text, ts TIMESTAMP 1965..2028 and d DATE 1950..2059, with NULLs in s, ts and d.
constexpr const char* kData = R"sql(
CREATE TABLE t AS SELECT
  i,
  CAST(i % 997 - 300 AS INTEGER) AS n,
  CAST(CAST(hash(i, 'a') % 100000 AS BIGINT) / 100.0 - 200 AS DECIMAL(10,2)) AS amount,
  CAST(hash(i, 'x') % 1000000 AS BIGINT) / 1000.0 - 300 AS x,
  CASE WHEN i % 11 = 0 THEN NULL
       ELSE ['alpha', 'beta', 'gamma', 'a/b', 'NULL', '', 'ünï', 'al'][1 + i % 8] END AS s,
  CASE WHEN i % 13 = 0 THEN NULL
       ELSE TIMESTAMP '1965-01-01' + to_seconds(CAST(hash(i, 't') % 2000000000 AS BIGINT)) END AS ts,
  CASE WHEN i % 17 = 0 THEN NULL
       ELSE DATE '1950-01-01' + CAST(hash(i, 'd') % 40000 AS INTEGER) END AS d
FROM range(20000) r(i)
)sql";

// One source for all tests of this suite; each test plans it in its own workspace.
class TransformPlan : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    path_ = testing::MakeSourceDb(*dir_, kData);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  testing::Planned Plan(const std::string& spec, const PlanOptions& options = PlanOptions{}) {
    return testing::PlanTable(path_, spec, testing::TestEngine(), options);
  }

  // Plans `spec` and checks it against the hand-written labels; returns the plan.
  testing::Planned ExpectMatches(const std::string& spec, const std::vector<std::string>& labels) {
    auto planned = Plan(spec);
    const auto expected = HandGroupBy(*planned.ws, labels);
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(PlanCounts(planned.plan), expected) << spec;
    EXPECT_EQ(planned.plan.partitions.size(), expected.size()) << spec;
    EXPECT_EQ(planned.plan.total_rows, 20000);
    EXPECT_EQ(testing::SumRows(planned.plan), 20000);
    EXPECT_EQ(testing::SumChecksums(planned.plan), testing::SourceChecksum(*planned.ws));
    return planned;
  }

  static testing::TempDir* dir_;
  static std::string path_;
};

testing::TempDir* TransformPlan::dir_ = nullptr;
std::string TransformPlan::path_;

TEST_F(TransformPlan, IdentityOfVarcharMatchesGroupByValue) {
  auto p = ExpectMatches("s", {"s"});
  EXPECT_EQ(p.plan.partitions.size(), 9u);  // 8 values and NULL
}

TEST_F(TransformPlan, IdentityOfIntegerMatchesGroupByValue) {
  auto p = ExpectMatches("identity(n)", {"CAST(n AS VARCHAR)"});
  EXPECT_EQ(p.plan.partitions.size(), 997u);
}

TEST_F(TransformPlan, YearMatchesGroupByYear) {
  auto p = ExpectMatches("year(ts)", {"strftime(ts, '%Y')"});
  EXPECT_EQ(p.plan.partitions.front().path, "ts_year=1965");
}

TEST_F(TransformPlan, MonthMatchesGroupByYearMonth) {
  auto p = ExpectMatches("month(ts)", {"strftime(ts, '%Y-%m')"});
  EXPECT_EQ(p.plan.partitions.front().path, "ts_month=1965-01");
}

TEST_F(TransformPlan, MonthOfDateMatchesGroupByYearMonth) {
  ExpectMatches("month(d)", {"strftime(d, '%Y-%m')"});
}

TEST_F(TransformPlan, DayMatchesGroupByDate) {
  ExpectMatches("day(ts)", {"strftime(ts, '%Y-%m-%d')"});
  ExpectMatches("day(d)", {"strftime(d, '%Y-%m-%d')"});
}

TEST_F(TransformPlan, HourMatchesGroupByDateHour) {
  ExpectMatches("hour(ts)", {"strftime(ts, '%Y-%m-%d-%H')"});
}

TEST_F(TransformPlan, YearOfDateMatchesGroupByYear) {
  ExpectMatches("year(d)", {"CAST(extract('year' FROM d) AS VARCHAR)"});
}

TEST_F(TransformPlan, BucketMatchesGroupByIcebergBucket) {
  auto p = ExpectMatches("bucket(8, n)", {"CAST(duckpart_bucket(8, n) AS VARCHAR)"});
  EXPECT_EQ(p.plan.partitions.size(), 8u);
  for (const auto& part : p.plan.partitions) {
    ASSERT_TRUE(part.keys[0].has_value());
    const int b = std::stoi(*part.keys[0]);
    EXPECT_TRUE(b >= 0 && b < 8) << *part.keys[0];
  }
}

TEST_F(TransformPlan, BucketKeepsNullsApart) {
  auto p = ExpectMatches("bucket(3, s)", {"CAST(duckpart_bucket(3, s) AS VARCHAR)"});
  EXPECT_FALSE(p.plan.partitions.back().keys[0].has_value());
  EXPECT_EQ(p.plan.partitions.back().rows, 1819);  // i % 11 == 0 for i < 20000
}

TEST_F(TransformPlan, TruncateIntegerFloorsToMultiple) {
  auto p =
      ExpectMatches("truncate(10, n)", {"CAST(CAST(floor(n / 10) AS INTEGER) * 10 AS VARCHAR)"});
  EXPECT_EQ(p.plan.partitions.front().path, "n_truncate=-300");
  EXPECT_EQ(PlanCounts(p.plan).at(K("-10")), PlanCounts(p.plan).at(K("0")));
}

TEST_F(TransformPlan, TruncateDecimalFloorsTheUnscaledValue) {
  // W = 25 units of 0.01 (Iceberg's truncate of a decimal): steps of 0.25
  auto p =
      ExpectMatches("truncate(25, amount)", {"CAST(CAST(floor(CAST(amount * 100 AS BIGINT) / 25.0) "
                                             "* 25 / 100 AS DECIMAL(10,2)) AS VARCHAR)"});
  EXPECT_EQ(p.plan.partitions.front().keys[0], "-200.00");
}

TEST_F(TransformPlan, TruncateDoubleFloorsToMultiple) {
  ExpectMatches("truncate(50, x)", {"CAST(floor(x / 50) * 50 AS VARCHAR)"});
}

TEST_F(TransformPlan, TruncateVarcharKeepsPrefix) {
  auto p = ExpectMatches("truncate(2, s)", {"left(s, 2)"});
  EXPECT_TRUE(PlanCounts(p.plan).count(K("ün")));
  // 'alpha' and 'al' share the prefix 'al'
  EXPECT_NEAR(PlanCounts(p.plan).at(K("al")), 2 * PlanCounts(p.plan).at(K("be")), 4);
}

TEST_F(TransformPlan, RangeOfIntegerCountsBoundsAtOrBelow) {
  // 10 bounds, 11 ranges, labels padded to two digits
  auto p = ExpectMatches(
      "range(n, [-200, -100, 0, 100, 200, 300, 400, 500, 600, 650])",
      {"lpad(CAST(len(list_filter([-200, -100, 0, 100, 200, 300, 400, 500, 600, 650], "
       "b -> b <= n)) AS VARCHAR), 2, '0')"});
  EXPECT_EQ(p.plan.partitions.size(), 11u);
  EXPECT_EQ(p.plan.partitions.front().path, "n_range=00");
  EXPECT_EQ(p.plan.partitions.front().ranges, std::vector<std::string>{"(-inf, -200)"});
  EXPECT_EQ(p.plan.partitions[1].ranges, std::vector<std::string>{"[-200, -100)"});
  EXPECT_EQ(p.plan.partitions.back().path, "n_range=10");
  EXPECT_EQ(p.plan.partitions.back().ranges, std::vector<std::string>{"[650, +inf)"});
}

TEST_F(TransformPlan, RangeOfDateCastsStringBounds) {
  auto p = ExpectMatches("range(d, ['1960-01-01', '1970-01-01', '2000-02-29'])",
                         {"CASE WHEN d IS NULL THEN NULL WHEN d < DATE '1960-01-01' THEN '0' "
                          "WHEN d < DATE '1970-01-01' THEN '1' WHEN d < DATE '2000-02-29' THEN '2' "
                          "ELSE '3' END"});
  EXPECT_EQ(p.plan.partitions.size(), 5u);
  EXPECT_EQ(p.plan.partitions[2].ranges, std::vector<std::string>{"[1970-01-01, 2000-02-29)"});
  EXPECT_EQ(p.plan.partitions.back().ranges, std::vector<std::string>{""});  // the NULL partition
}

TEST_F(TransformPlan, RangeOfVarcharComparesBytes) {
  ExpectMatches("range(s, ['b', 'g'])",
                {"CASE WHEN s IS NULL THEN NULL WHEN s < 'b' THEN '0' WHEN s < 'g' THEN '1' "
                 "ELSE '2' END"});
}

TEST_F(TransformPlan, QuantileCutsAreTheExactQuantiles) {
  auto p = Plan("quantile(4, x)");
  const auto& f = p.plan.fields[0];
  db::Result q = WorkspaceConnection(*p.ws).Query(
      "SELECT CAST(v AS VARCHAR) FROM (SELECT unnest(quantile_disc(x, [0.25, 0.5, 0.75])) AS v "
      "FROM " +
      p.ws->relation() + ") ORDER BY v");
  ASSERT_EQ(q.RowCount(), 3u);
  ASSERT_EQ(f.cuts.size(), 3u);
  EXPECT_EQ(f.heavy_values, 0);
  EXPECT_EQ(f.quantile_method, "exact");
  std::string hand = "CASE";
  for (uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(f.cuts[i].text, q.GetString(i, 0));
    EXPECT_FALSE(f.cuts[i].inclusive);
    hand += " WHEN x < " + q.GetString(i, 0) + " THEN '" + std::to_string(i) + "'";
  }
  const auto expected = HandGroupBy(*p.ws, hand + " ELSE '3' END");
  EXPECT_EQ(PlanCounts(p.plan), expected);
  ASSERT_EQ(p.plan.partitions.size(), 4u);
  for (const auto& part : p.plan.partitions) EXPECT_NEAR(part.rows, 5000, 2) << part.path;
}

TEST_F(TransformPlan, TwoFieldsMatchGroupByBoth) {
  auto p = ExpectMatches("month(ts), bucket(4, n)",
                         {"strftime(ts, '%Y-%m')", "CAST(duckpart_bucket(4, n) AS VARCHAR)"});
  EXPECT_EQ(p.plan.partitions.front().path.substr(0, 26), "ts_month=1965-01/n_bucket=");
}

TEST_F(TransformPlan, PartitionsAreDenseInKeyOrderWithNullsLast) {
  auto p = Plan("month(ts)");
  const auto& parts = p.plan.partitions;
  ASSERT_GT(parts.size(), 700u);
  for (size_t i = 0; i < parts.size(); ++i) EXPECT_EQ(parts[i].id, static_cast<int64_t>(i));
  EXPECT_FALSE(parts.back().keys[0].has_value());
  EXPECT_EQ(parts.back().path, "ts_month=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(parts.back().rows, 1539);  // i % 13 == 0 for i < 20000
  for (size_t i = 1; i + 1 < parts.size(); ++i) EXPECT_LT(*parts[i - 1].keys[0], *parts[i].keys[0]);
}

TEST_F(TransformPlan, StatsDescribeTheSpecColumns) {
  auto p = Plan("month(ts), s");
  ASSERT_EQ(p.plan.stats.size(), 2u);
  EXPECT_EQ(p.plan.stats[0].column, "ts");
  EXPECT_EQ(p.plan.stats[0].type, "TIMESTAMP");
  EXPECT_EQ(p.plan.stats[0].nulls, 1539);
  EXPECT_EQ(p.plan.stats[1].column, "s");
  EXPECT_EQ(p.plan.stats[1].nulls, 1819);
  EXPECT_EQ(p.plan.stats[1].min, "");
  EXPECT_EQ(p.plan.stats[1].max, "ünï");
  EXPECT_GT(p.plan.stats[0].distinct_estimate, 15000);
  EXPECT_EQ(p.plan.schema.size(), 7u);
  EXPECT_GT(p.plan.est_bytes, 20000 * 8);
}

}  // namespace
}  // namespace duckpart

// quantile(N, col): about N partitions of about equal rows; a value holding more than
// 1/N of the rows gets a partition [h, h] of its own.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "duckpart/plan.h"
#include "plan/plan_test_support.h"

namespace duckpart {
namespace {

using testing::Scenario;

// A uniform value in [0, 1) per row i, from a hash (deterministic).
constexpr const char* kU = "(CAST(hash(i, 'u') % 1000000007 AS DOUBLE) / 1000000007)";

std::string Table(const std::string& value_sql, int64_t rows = 100000) {
  std::string v = value_sql;
  for (size_t at; (at = v.find("$u")) != std::string::npos;) v.replace(at, 2, kU);
  return "CREATE TABLE t AS SELECT i, " + v + " AS v FROM range(" + std::to_string(rows) + ") r(i)";
}

struct Shape {
  std::vector<int64_t> heavy_rows;    // rows of each [h, h] partition, in order
  std::vector<int64_t> regular_rows;  // rows of the other non-NULL partitions
  int64_t null_rows = 0;
  double cv = 0;  // of regular_rows
};

double Cv(const std::vector<int64_t>& rows) {
  if (rows.empty()) return 0;
  double mean = 0;
  for (auto r : rows) mean += static_cast<double>(r);
  mean /= static_cast<double>(rows.size());
  double var = 0;
  for (auto r : rows) var += (static_cast<double>(r) - mean) * (static_cast<double>(r) - mean);
  return std::sqrt(var / static_cast<double>(rows.size())) / mean;
}

// Splits the plan of a single quantile field into heavy, regular and NULL partitions,
// and checks the invariants every quantile plan has.
Shape Inspect(const Plan& plan) {
  Shape s;
  EXPECT_EQ(plan.fields.size(), 1u);
  const auto& cuts = plan.fields.at(0).cuts;
  // Boundaries never repeat: each (text, inclusive) once; a text twice only as `< h`, `<= h`.
  std::set<std::pair<std::string, bool>> seen;
  for (size_t i = 0; i < cuts.size(); ++i) {
    EXPECT_TRUE(seen.insert({cuts[i].text, cuts[i].inclusive}).second)
        << "repeated cut " << cuts[i].text;
    if (cuts[i].inclusive) {
      EXPECT_TRUE(i > 0 && cuts[i - 1].text == cuts[i].text && !cuts[i - 1].inclusive)
          << "an inclusive cut without its exclusive twin: " << cuts[i].text;
    }
  }
  std::set<std::string> ranges;
  for (const auto& p : plan.partitions) {
    EXPECT_EQ(p.ranges.size(), 1u);
    if (!p.keys[0]) {
      s.null_rows += p.rows;
      EXPECT_EQ(p.ranges[0], "");
      continue;
    }
    EXPECT_TRUE(ranges.insert(p.ranges[0]).second) << "repeated range " << p.ranges[0];
    const std::string& r = p.ranges[0];
    // "[h, h]"
    const auto comma = r.find(", ");
    const bool heavy = r.front() == '[' && r.back() == ']' && comma != std::string::npos &&
                       r.substr(1, comma - 1) == r.substr(comma + 2, r.size() - comma - 3);
    (heavy ? s.heavy_rows : s.regular_rows).push_back(p.rows);
  }
  EXPECT_EQ(static_cast<int64_t>(s.heavy_rows.size()), plan.fields[0].heavy_values);
  s.cv = Cv(s.regular_rows);
  return s;
}

std::vector<std::string> HeavyRanges(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& p : plan.partitions) {
    if (!p.ranges.empty() && p.ranges[0].back() == ']') out.push_back(p.ranges[0]);
  }
  return out;
}

void ExpectAboutN(const Plan& plan, int64_t n) {
  const auto count = static_cast<int64_t>(plan.partitions.size());
  EXPECT_GE(count, n - 1);
  EXPECT_LE(count, n + plan.fields[0].heavy_values);
}

TEST(QuantilePlan, UniformValuesGiveEqualPartitions) {
  Scenario s(Table("$u"), "quantile(10, v)");
  const Shape shape = Inspect(s.plan());
  EXPECT_EQ(s.plan().partitions.size(), 10u);
  EXPECT_TRUE(shape.heavy_rows.empty());
  EXPECT_LT(shape.cv, 0.1);
  for (auto rows : shape.regular_rows) EXPECT_NEAR(rows, 10000, 5);
  EXPECT_EQ(s.plan().fields[0].quantile_method, "exact");
}

TEST(QuantilePlan, SkewedValuesGiveEqualPartitions) {
  Scenario s(Table("pow($u, 3)"), "quantile(10, v)");
  const Shape shape = Inspect(s.plan());
  EXPECT_EQ(s.plan().partitions.size(), 10u);
  EXPECT_LT(shape.cv, 0.1);
  for (auto rows : shape.regular_rows) EXPECT_NEAR(rows, 10000, 5);
}

TEST(QuantilePlan, SkewedIntegersWithDuplicatesStayBalanced) {
  Scenario s(Table("CAST(floor(pow($u, 3) * 100000) AS BIGINT)"), "quantile(8, v)");
  const Shape shape = Inspect(s.plan());
  ExpectAboutN(s.plan(), 8);
  EXPECT_TRUE(shape.heavy_rows.empty());
  EXPECT_LT(shape.cv, 0.1);
}

TEST(QuantilePlan, HeavyValueGetsOwnPartition) {
  // 40% of the rows hold 0.5, in the middle of the other values
  Scenario s(Table("CASE WHEN i % 5 < 2 THEN 0.5 ELSE $u END"), "quantile(10, v)");
  const Shape shape = Inspect(s.plan());
  EXPECT_EQ(s.plan().fields[0].heavy_values, 1);
  EXPECT_EQ(HeavyRanges(s.plan()), std::vector<std::string>{"[0.5, 0.5]"});
  ASSERT_EQ(shape.heavy_rows.size(), 1u);
  EXPECT_EQ(shape.heavy_rows[0], 40000);
  EXPECT_LT(shape.cv, 0.1) << ::testing::PrintToString(shape.regular_rows);
  ExpectAboutN(s.plan(), 10);
}

TEST(QuantilePlan, HeavyValueAtTheMinimumGetsOwnPartition) {
  // zero-inflated: 40% zeros, the rest in [1, 2)
  Scenario s(Table("CASE WHEN i % 5 < 2 THEN 0 ELSE 1 + $u END"), "quantile(10, v)");
  const Shape shape = Inspect(s.plan());
  EXPECT_EQ(HeavyRanges(s.plan()), std::vector<std::string>{"[0.0, 0.0]"});
  ASSERT_EQ(shape.heavy_rows.size(), 1u);
  EXPECT_EQ(shape.heavy_rows[0], 40000);
  EXPECT_EQ(s.plan().partitions.front().ranges[0], "[0.0, 0.0]");
  EXPECT_LT(shape.cv, 0.1) << ::testing::PrintToString(shape.regular_rows);
  ExpectAboutN(s.plan(), 10);
}

TEST(QuantilePlan, TwoHeavyValuesGetTheirOwnPartitions) {
  Scenario s(Table("CASE WHEN i % 20 < 6 THEN 25 WHEN i % 20 < 11 THEN 75 ELSE "
                   "CAST(floor($u * 1000000) AS BIGINT) / 10000.0 END"),
             "quantile(10, v)");
  const Shape shape = Inspect(s.plan());
  EXPECT_EQ(HeavyRanges(s.plan()), (std::vector<std::string>{"[25.0, 25.0]", "[75.0, 75.0]"}));
  EXPECT_EQ(shape.heavy_rows, (std::vector<int64_t>{30000, 25000}));
  EXPECT_LT(shape.cv, 0.1) << ::testing::PrintToString(shape.regular_rows);
  ExpectAboutN(s.plan(), 10);
}

TEST(QuantilePlan, HeavyMeansMoreThanOneNthOfTheRows) {
  // quantile(4) over 100 rows: 25 rows of 7 is not heavy, 26 rows of 7 is.
  Scenario exact(Table("CASE WHEN i < 25 THEN 7 ELSE 100 + i END", 100), "quantile(4, v)");
  EXPECT_EQ(exact.plan().fields[0].heavy_values, 0);
  EXPECT_TRUE(HeavyRanges(exact.plan()).empty());
  Scenario over(Table("CASE WHEN i < 26 THEN 7 ELSE 100 + i END", 100), "quantile(4, v)");
  EXPECT_EQ(over.plan().fields[0].heavy_values, 1);
  EXPECT_EQ(HeavyRanges(over.plan()), std::vector<std::string>{"[7, 7]"});
  EXPECT_EQ(over.plan().partitions.front().rows, 26);
}

TEST(QuantilePlan, FewDistinctValuesAreEachHeavy) {
  // 5 values of 20% each, quantile(10): each holds more than 1/10 of the rows
  Scenario s(Table("i % 5", 1000), "quantile(10, v)");
  const Shape shape = Inspect(s.plan());
  EXPECT_EQ(s.plan().fields[0].heavy_values, 5);
  EXPECT_EQ(HeavyRanges(s.plan()),
            (std::vector<std::string>{"[0, 0]", "[1, 1]", "[2, 2]", "[3, 3]", "[4, 4]"}));
  EXPECT_EQ(shape.heavy_rows, (std::vector<int64_t>{200, 200, 200, 200, 200}));
  EXPECT_TRUE(shape.regular_rows.empty());
}

TEST(QuantilePlan, NullsGetTheirOwnPartitionAndDoNotCount) {
  // 10% NULLs; the non-NULL rows are split in 5
  Scenario s(Table("CASE WHEN i % 10 = 0 THEN NULL ELSE $u END"), "quantile(5, v)");
  const Shape shape = Inspect(s.plan());
  EXPECT_EQ(shape.null_rows, 10000);
  EXPECT_FALSE(s.plan().partitions.back().keys[0].has_value());
  ASSERT_EQ(shape.regular_rows.size(), 5u);
  for (auto rows : shape.regular_rows) EXPECT_NEAR(rows, 18000, 5);
}

TEST(QuantilePlan, ApproximateQuantilesAreRoughlyBalanced) {
  PlanOptions options;
  options.exact_quantile_max_rows = 1000;
  Scenario s(Table("pow($u, 3)"), "quantile(10, v)", testing::TestEngine(), options);
  EXPECT_EQ(s.plan().fields[0].quantile_method.rfind("approximate", 0), 0u)
      << s.plan().fields[0].quantile_method;
  const Shape shape = Inspect(s.plan());
  ExpectAboutN(s.plan(), 10);
  EXPECT_LT(shape.cv, 0.1) << ::testing::PrintToString(shape.regular_rows);
  EXPECT_EQ(testing::SumRows(s.plan()), 100000);
}

TEST(QuantilePlan, DateColumnCutsAreDates) {
  Scenario s(Table("DATE '1900-01-01' + CAST(floor(pow($u, 2) * 200000) AS INTEGER)"),
             "quantile(4, v)");
  const Shape shape = Inspect(s.plan());
  EXPECT_LT(shape.cv, 0.1);
  ASSERT_EQ(s.plan().fields[0].cuts.size(), 3u);
  for (const auto& c : s.plan().fields[0].cuts) {
    EXPECT_EQ(c.text.size(), 10u) << c.text;  // YYYY-MM-DD
    EXPECT_NE(c.sql.find("AS DATE"), std::string::npos) << c.sql;
  }
}

TEST(QuantilePlan, VarcharColumnIsCutInByteOrder) {
  Scenario s(Table("'k' || lpad(CAST(CAST(floor($u * 100000) AS BIGINT) AS VARCHAR), 6, '0')"),
             "quantile(4, v)");
  const Shape shape = Inspect(s.plan());
  EXPECT_EQ(s.plan().partitions.size(), 4u);
  EXPECT_LT(shape.cv, 0.1);
}

TEST(QuantilePlan, ApproximateQuantileOfVarcharStillPlans) {
  // DuckDB has no approximate quantile of strings; the planner must not fail on them.
  PlanOptions options;
  options.exact_quantile_max_rows = 10;
  Scenario s(Table("'k' || lpad(CAST(i AS VARCHAR), 4, '0')", 1000), "quantile(4, v)",
             testing::TestEngine(), options);
  EXPECT_EQ(s.plan().fields[0].quantile_method, "exact");
  const Shape shape = Inspect(s.plan());
  EXPECT_EQ(testing::SumRows(s.plan()), 1000);
  EXPECT_EQ(s.plan().partitions.size(), 4u);
  EXPECT_LT(shape.cv, 0.1);
}

TEST(QuantilePlan, TimestampWithHeavyValue) {
  Scenario s(Table("CASE WHEN i % 2 = 0 THEN TIMESTAMP '2024-01-01 00:00:00' ELSE TIMESTAMP "
                   "'2000-01-01' + to_seconds(CAST($u * 1e9 AS BIGINT)) END"),
             "quantile(20, v)");
  const Shape shape = Inspect(s.plan());
  EXPECT_EQ(HeavyRanges(s.plan()),
            std::vector<std::string>{"[2024-01-01 00:00:00, 2024-01-01 00:00:00]"});
  EXPECT_EQ(shape.heavy_rows, std::vector<int64_t>{50000});
  EXPECT_LT(shape.cv, 0.1) << ::testing::PrintToString(shape.regular_rows);
  ExpectAboutN(s.plan(), 20);
}

}  // namespace
}  // namespace duckpart

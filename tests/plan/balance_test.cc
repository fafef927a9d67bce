#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "duckpart/plan.h"

namespace duckpart {
namespace {

bool AnyWarningContains(const Balance& b, const std::string& fragment) {
  for (const auto& w : b.warnings) {
    if (w.find(fragment) != std::string::npos) return true;
  }
  return false;
}

TEST(Balance, EqualPartitionsAreBalancedWithoutWarnings) {
  const Balance b = ComputeBalance({10, 10, 10, 10}, PlanOptions{});
  EXPECT_EQ(b.partitions, 4);
  EXPECT_DOUBLE_EQ(b.mean, 10);
  EXPECT_DOUBLE_EQ(b.median, 10);
  EXPECT_DOUBLE_EQ(b.stddev, 0);
  EXPECT_DOUBLE_EQ(b.cv, 0);
  EXPECT_DOUBLE_EQ(b.max_over_median, 1);
  EXPECT_EQ(b.verdict, "balanced");
  EXPECT_TRUE(b.warnings.empty());
}

TEST(Balance, OnePartitionIsBalanced) {
  const Balance b = ComputeBalance({42}, PlanOptions{});
  EXPECT_EQ(b.partitions, 1);
  EXPECT_DOUBLE_EQ(b.mean, 42);
  EXPECT_DOUBLE_EQ(b.median, 42);
  EXPECT_DOUBLE_EQ(b.cv, 0);
  EXPECT_EQ(b.verdict, "balanced");
  EXPECT_TRUE(b.warnings.empty());
}

TEST(Balance, OutlierMakesSkewedAndWarnsOverFiveTimesMedian) {
  // mean 22, median 3, population variance (441+400+361+324+6084)/5 = 1522
  const Balance b = ComputeBalance({4, 100, 1, 3, 2}, PlanOptions{});
  EXPECT_EQ(b.partitions, 5);
  EXPECT_DOUBLE_EQ(b.mean, 22);
  EXPECT_DOUBLE_EQ(b.median, 3);
  EXPECT_NEAR(b.stddev, std::sqrt(1522.0), 1e-9);
  EXPECT_NEAR(b.cv, std::sqrt(1522.0) / 22, 1e-9);
  EXPECT_NEAR(b.max_over_median, 100.0 / 3, 1e-9);
  EXPECT_EQ(b.verdict, "skewed");
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_TRUE(AnyWarningContains(b, "1 partition(s) hold over 5x the median rows (largest 33.3x)"))
      << b.warnings[0];
}

TEST(Balance, EvenCountMedianIsMeanOfMiddleTwo) {
  // sorted 2 4 6 100: median 5, mean 28; 100 > 25 is the one over 5x
  const Balance b = ComputeBalance({100, 6, 2, 4}, PlanOptions{});
  EXPECT_DOUBLE_EQ(b.median, 5);
  EXPECT_DOUBLE_EQ(b.mean, 28);
  EXPECT_DOUBLE_EQ(b.max_over_median, 20);
  EXPECT_TRUE(AnyWarningContains(b, "1 partition(s) hold over 5x the median rows (largest 20.0x)"));
}

TEST(Balance, ExactlyFiveTimesMedianDoesNotWarn) {
  const Balance b = ComputeBalance({10, 10, 50}, PlanOptions{});
  EXPECT_DOUBLE_EQ(b.max_over_median, 5);
  EXPECT_FALSE(AnyWarningContains(b, "5x the median"));
}

TEST(Balance, VerdictThresholdIsCvOfPointThree) {
  // {8, 12}: mean 10, stddev 2, cv 0.2; {6, 14}: stddev 4, cv 0.4
  const Balance low = ComputeBalance({8, 12}, PlanOptions{});
  EXPECT_DOUBLE_EQ(low.stddev, 2);
  EXPECT_DOUBLE_EQ(low.cv, 0.2);
  EXPECT_EQ(low.verdict, "balanced");
  const Balance high = ComputeBalance({6, 14}, PlanOptions{});
  EXPECT_DOUBLE_EQ(high.cv, 0.4);
  EXPECT_EQ(high.verdict, "skewed");
}

TEST(Balance, TooManyPartitionsWarns) {
  PlanOptions options;
  options.max_partitions_warning = 3;
  const Balance b = ComputeBalance({5, 5, 5, 5}, options);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_TRUE(AnyWarningContains(b, "4 partitions is very many (over 3)")) << b.warnings[0];
  EXPECT_EQ(b.verdict, "balanced");

  const Balance at_limit = ComputeBalance({5, 5, 5}, options);
  EXPECT_TRUE(at_limit.warnings.empty());
}

TEST(Balance, DefaultPartitionLimitIsTenThousand) {
  EXPECT_TRUE(ComputeBalance(std::vector<int64_t>(10000, 7), PlanOptions{}).warnings.empty());
  const Balance over = ComputeBalance(std::vector<int64_t>(10001, 7), PlanOptions{});
  EXPECT_TRUE(AnyWarningContains(over, "10001 partitions is very many (over 10000)"));
}

TEST(Balance, TinyPartitionsWarnBelowConfiguredRows) {
  PlanOptions options;
  options.small_partition_rows = 10;
  const Balance b = ComputeBalance({9, 10, 11, 3}, options);
  EXPECT_TRUE(AnyWarningContains(b, "2 partition(s) hold fewer than 10 rows"))
      << ::testing::PrintToString(b.warnings);
}

TEST(Balance, TinyPartitionsDerivedThresholdIsThousandthOfMean) {
  // mean (1 + 3*5000)/4 = 3750.25, so the derived threshold is 3 rows
  const Balance b = ComputeBalance({1, 5000, 5000, 5000}, PlanOptions{});
  EXPECT_TRUE(AnyWarningContains(b, "1 partition(s) hold fewer than 3 rows"))
      << ::testing::PrintToString(b.warnings);
  const Balance none = ComputeBalance({3, 5000, 5000, 5000}, PlanOptions{});
  EXPECT_FALSE(AnyWarningContains(none, "fewer than"));
}

TEST(Balance, NoPartitionsIsEmpty) {
  const Balance b = ComputeBalance({}, PlanOptions{});
  EXPECT_EQ(b.partitions, 0);
  EXPECT_EQ(b.verdict, "empty");
  EXPECT_DOUBLE_EQ(b.mean, 0);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_TRUE(AnyWarningContains(b, "no rows"));
}

}  // namespace
}  // namespace duckpart

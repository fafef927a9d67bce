#include <gtest/gtest.h>

#include <cmath>

#include "duckpart/analyze.h"

namespace duckpart {
namespace {

TEST(Describe, EqualValuesHaveNoSpreadAndZeroGini) {
  const Distribution d = Describe({5, 5, 5, 5});
  EXPECT_EQ(d.count, 4);
  EXPECT_DOUBLE_EQ(d.mean, 5);
  EXPECT_DOUBLE_EQ(d.median, 5);
  EXPECT_DOUBLE_EQ(d.stddev, 0);
  EXPECT_DOUBLE_EQ(d.cv, 0);
  EXPECT_DOUBLE_EQ(d.gini, 0);
  EXPECT_DOUBLE_EQ(d.max_over_median, 1);
}

TEST(Describe, KnownSkewedInput) {
  // {4, 100, 1, 3, 2}: sum 110, mean 22, median 3, population variance 1522.
  // Gini over sorted 1 2 3 4 100: 2 * (1 + 4 + 9 + 16 + 500) / (5 * 110) - 6 / 5 = 1060/550 - 1.2.
  const Distribution d = Describe({4, 100, 1, 3, 2});
  EXPECT_DOUBLE_EQ(d.sum, 110);
  EXPECT_DOUBLE_EQ(d.mean, 22);
  EXPECT_DOUBLE_EQ(d.median, 3);
  EXPECT_DOUBLE_EQ(d.min, 1);
  EXPECT_DOUBLE_EQ(d.max, 100);
  EXPECT_NEAR(d.stddev, std::sqrt(1522.0), 1e-9);
  EXPECT_NEAR(d.cv, std::sqrt(1522.0) / 22, 1e-12);
  EXPECT_NEAR(d.max_over_median, 100.0 / 3, 1e-12);
  EXPECT_NEAR(d.gini, 1060.0 / 550 - 1.2, 1e-12);
}

TEST(Describe, EvenCountMedianIsMeanOfMiddleTwo) {
  const Distribution d = Describe({100, 6, 2, 4});
  EXPECT_DOUBLE_EQ(d.median, 5);
  EXPECT_DOUBLE_EQ(d.max_over_median, 20);
}

TEST(Describe, OneHoldingEverythingHasGiniOfOneMinusOneOverN) {
  // n = 4, all in one: G = 2 * 4 * 10 / (4 * 10) - 5/4 = 0.75 = 1 - 1/n.
  const Distribution d = Describe({0, 0, 0, 10});
  EXPECT_DOUBLE_EQ(d.gini, 0.75);
  EXPECT_DOUBLE_EQ(d.median, 0);
  EXPECT_DOUBLE_EQ(d.max_over_median, 0);  // undefined median ratio reads 0
}

TEST(Describe, CvOfTwoValues) {
  // {6, 14}: mean 10, stddev 4, cv 0.4; Gini = 2 * (6 + 28) / (2 * 20) - 1.5 = 0.2.
  const Distribution d = Describe({6, 14});
  EXPECT_DOUBLE_EQ(d.stddev, 4);
  EXPECT_DOUBLE_EQ(d.cv, 0.4);
  EXPECT_DOUBLE_EQ(d.gini, 0.2);
}

TEST(Describe, EmptyInputIsAllZeros) {
  const Distribution d = Describe({});
  EXPECT_EQ(d.count, 0);
  EXPECT_DOUBLE_EQ(d.mean, 0);
  EXPECT_DOUBLE_EQ(d.gini, 0);
}

}  // namespace
}  // namespace duckpart

#include "analyze/spec_advice.h"

#include <gtest/gtest.h>

namespace duckpart::analyze {
namespace {

Manifest WithSpec(const std::string& spec, const std::string& key_type = "TIMESTAMP") {
  Manifest m;
  m.spec = ParseSpec(spec);
  for (const auto& f : m.spec.fields)
    m.fields.push_back(ResolvedField{.field = f, .column_type = key_type});
  m.schema = {
      {"ts", "TIMESTAMP"}, {"name", "VARCHAR"}, {"user_id", "INTEGER"}, {"amount", "DOUBLE"}};
  return m;
}

SpecFigures Figures(int64_t partitions, int64_t target_rows = 1000) {
  return {.partitions = partitions,
          .total_rows = partitions * 1000.0,
          .median_rows = 1000,
          .max_rows = 9000,
          .target_rows = target_rows};
}

std::string Text(const std::optional<Spec>& s) { return s ? ToString(*s) : "none"; }

TEST(SpecAdvice, TimeStepsOneUnitFinerAndCoarser) {
  EXPECT_EQ(Text(FinerSpec(WithSpec("year(ts)"), Figures(3))), "month(ts)");
  EXPECT_EQ(Text(FinerSpec(WithSpec("month(ts)"), Figures(24))), "day(ts)");
  EXPECT_EQ(Text(CoarserSpec(WithSpec("hour(ts)"), Figures(24))), "day(ts)");
  EXPECT_EQ(Text(CoarserSpec(WithSpec("year(ts)"), Figures(3))), "none");
  EXPECT_EQ(Text(CoarserSpec(WithSpec("name, year(ts)"), Figures(30))), "identity(name)");
}

TEST(SpecAdvice, FinerTimeThatWouldBeTooManyBecomesQuantile) {
  // 730 days x 24 hours is over 10,000 partitions; aim at total / target = 730 ranges.
  EXPECT_EQ(Text(FinerSpec(WithSpec("day(ts)"), Figures(730))), "quantile(730, ts)");
}

TEST(SpecAdvice, HeavyValueNestsABucketOverAnIdColumn) {
  EXPECT_EQ(Text(FinerSpec(WithSpec("name", "VARCHAR"), Figures(10))),
            "identity(name), bucket(16, user_id)");
  EXPECT_EQ(BucketColumn(WithSpec("user_id", "INTEGER")), "name");  // the id is the key itself
}

TEST(SpecAdvice, CoarserBucketsAndTruncates) {
  EXPECT_EQ(Text(CoarserSpec(WithSpec("bucket(64, user_id)", "INTEGER"), Figures(64, 8000))),
            "bucket(8, user_id)");
  EXPECT_EQ(Text(CoarserSpec(WithSpec("truncate(4, name)", "VARCHAR"), Figures(100))),
            "truncate(2, name)");
  EXPECT_EQ(Text(CoarserSpec(WithSpec("truncate(10, amount)", "DOUBLE"), Figures(100))),
            "truncate(100, amount)");
}

TEST(SpecAdvice, RangeSpecsAreLeftToRebalance) {
  EXPECT_TRUE(HasRangeField(ParseSpec("quantile(4, amount)")));
  EXPECT_EQ(Text(FinerSpec(WithSpec("quantile(4, amount)", "DOUBLE"), Figures(4))), "none");
  EXPECT_EQ(Text(CoarserSpec(WithSpec("range(amount, [1, 2])", "DOUBLE"), Figures(3))), "none");
}

TEST(SpecAdvice, BucketCountIsAPowerOfTwoInBounds) {
  EXPECT_EQ(BucketCount(100, 1000), 2);
  EXPECT_EQ(BucketCount(12000, 1000), 16);
  EXPECT_EQ(BucketCount(1e12, 1), 1024);
}

}  // namespace
}  // namespace duckpart::analyze

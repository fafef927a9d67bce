// Specs that do not fit the source throw InputError with a message naming the problem.
#include <gtest/gtest.h>

#include <string>

#include "duckpart/error.h"
#include "duckpart/plan.h"
#include "plan/plan_test_support.h"

namespace duckpart {
namespace {

// One source with a column of each kind.
constexpr const char* kData = R"sql(
CREATE TABLE t AS SELECT
  DATE '2024-01-01' + CAST(i AS INTEGER) AS d,
  TIMESTAMP '2024-01-01' + to_hours(CAST(i AS BIGINT)) AS ts,
  CAST(i AS INTEGER) AS n,
  ['apple', 'pear', 'plum'][1 + i % 3] AS word,
  CAST('raw' || i AS BLOB) AS b,
  i % 2 = 0 AS flag,
  [i, i + 1] AS l
FROM range(10) r(i)
)sql";

class FitError : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    path_ = testing::MakeSourceDb(*dir_, kData);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  // The InputError message of planning `spec`.
  static std::string ErrorOf(const std::string& spec) {
    return testing::InputErrorOf([&] { testing::PlanTable(path_, spec); });
  }
  static testing::TempDir* dir_;
  static std::string path_;
};

testing::TempDir* FitError::dir_ = nullptr;
std::string FitError::path_;

#define EXPECT_HAS(text, fragment) \
  EXPECT_NE(std::string(text).find(fragment), std::string::npos) << "message: " << (text)

TEST_F(FitError, HourOfDate) {
  const auto msg = ErrorOf("hour(d)");
  EXPECT_HAS(msg, "hour(d) does not fit column 'd' of type DATE");
  EXPECT_HAS(msg, "a DATE has no hours");
}

TEST_F(FitError, MonthOfVarcharOfWords) {
  const auto msg = ErrorOf("month(word)");
  EXPECT_HAS(msg, "column 'word' has 10 values that are not dates or timestamps");
  EXPECT_HAS(msg, "e.g. 'apple' and 'plum'");
}

TEST_F(FitError, TimeTransformOfNumber) {
  EXPECT_HAS(ErrorOf("year(n)"), "time transforms need a DATE, TIMESTAMP or VARCHAR of dates");
  EXPECT_HAS(ErrorOf("day(flag)"), "day(flag) does not fit column 'flag' of type BOOLEAN");
}

TEST_F(FitError, BucketOfTypeWithoutIcebergHash) {
  EXPECT_HAS(ErrorOf("bucket(4, flag)"),
             "bucket(flag) does not fit column 'flag' of type BOOLEAN: Iceberg does not bucket");
  EXPECT_HAS(ErrorOf("bucket(4, l)"),
             "bucket(l) does not fit column 'l' of type BIGINT[]: Iceberg's bucket has no");
}

TEST_F(FitError, IdentityOfBlobOrList) {
  EXPECT_HAS(ErrorOf("b"), "its values cannot name a folder; use bucket() instead");
  EXPECT_HAS(ErrorOf("identity(l)"), "identity(l) does not fit column 'l' of type BIGINT[]");
}

TEST_F(FitError, TruncateOfDate) {
  const auto msg = ErrorOf("truncate(3, d)");
  EXPECT_HAS(msg, "truncate(d) does not fit column 'd' of type DATE");
  EXPECT_HAS(msg, "truncate needs a number or a VARCHAR");
  EXPECT_HAS(ErrorOf("truncate(3, ts)"), "truncate needs a number or a VARCHAR");
}

TEST_F(FitError, RangeBoundsNotIncreasing) {
  EXPECT_HAS(ErrorOf("range(d, ['2024-06-01', '2024-01-01'])"),
             "range bounds must strictly increase: '2024-06-01' is not below '2024-01-01'");
  // equal as dates although spelled differently
  EXPECT_HAS(ErrorOf("range(d, ['2024-01-01', '2024-1-1'])"),
             "range bounds must strictly increase");
  EXPECT_HAS(ErrorOf("range(word, ['b', 'a'])"), "'b' is not below 'a'");
}

TEST_F(FitError, RangeBoundNotCastable) {
  EXPECT_HAS(ErrorOf("range(d, ['2024-01-01', 'soon'])"),
             "range bound 'soon' is not a valid DATE for column 'd'");
  EXPECT_HAS(ErrorOf("range(n, ['ten'])"),
             "range bound 'ten' is not a valid INTEGER for column 'n'");
  EXPECT_HAS(ErrorOf("range(ts, ['2024-13-01'])"), "is not a valid TIMESTAMP");
}

TEST_F(FitError, RangeAndQuantileOfUnorderable) {
  EXPECT_HAS(ErrorOf("range(flag, [1])"), "range needs an orderable type");
  EXPECT_HAS(ErrorOf("quantile(4, b)"), "quantile needs an orderable type");
}

TEST_F(FitError, UnknownColumnListsTheColumns) {
  const auto msg = ErrorOf("month(nope)");
  EXPECT_HAS(msg, "unknown column 'nope' (the source has: d, ts, n, word, b, flag, l)");
  EXPECT_HAS(ErrorOf("n, bucket(2, Nope)"), "unknown column 'Nope'");
}

TEST_F(FitError, EmptySpec) {
  const auto msg = testing::InputErrorOf([] {
    Workspace ws(SourceOptions{.db_path = path_, .table = "t"}, testing::TestEngine());
    MakePlan(ws, Spec{}, PlanOptions{});
  });
  EXPECT_HAS(msg, "the spec has no fields");
}

TEST_F(FitError, MissingTableOrDatabase) {
  EXPECT_HAS(testing::InputErrorOf(
                 [] { testing::PlanTable(path_, "n", testing::TestEngine(), {}, "nope"); }),
             "table 'nope' does not exist");
  EXPECT_HAS(testing::InputErrorOf([] { testing::PlanTable(*dir_ / "missing.db", "n"); }),
             "does not exist");
}

TEST_F(FitError, ErrorsAreInputErrorsWithUsageExitCode) {
  try {
    testing::PlanTable(path_, "hour(d)");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
  }
}

}  // namespace
}  // namespace duckpart

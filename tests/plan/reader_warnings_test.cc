// The plan warns, by value, about partition values that other readers cannot read back as
// written, and stays silent when every reader reads every value exactly.
#include <gtest/gtest.h>

#include <string>

#include "duckpart/plan.h"
#include "plan/plan_test_support.h"

namespace duckpart {
namespace {

std::string Warnings(const Plan& plan) {
  std::string all;
  for (const auto& w : plan.balance.warnings) all += w + "\n";
  return all;
}

TEST(ReaderWarnings, LeadingZerosAreNamedForPolars) {
  testing::Scenario s("CREATE TABLE t AS SELECT * FROM (VALUES ('007'), ('12'), ('010')) v(code)",
                      "code");
  const std::string w = Warnings(s.plan());
  EXPECT_NE(
      w.find("partition field code_identity has values that Polars (hive partitioning) read as "
             "numbers and print differently: \"007\", \"010\";"),
      std::string::npos)
      << w;
  EXPECT_NE(w.find("hive_types = {'code_identity': 'VARCHAR'}"), std::string::npos) << w;
}

TEST(ReaderWarnings, TheSentinelStringIsNamed) {
  testing::Scenario s(
      "CREATE TABLE t AS SELECT * FROM (VALUES ('__HIVE_DEFAULT_PARTITION__'), (NULL), ('x')) "
      "v(tag)",
      "tag");
  EXPECT_NE(Warnings(s.plan()).find(
                "has the string '__HIVE_DEFAULT_PARTITION__', which Polars and DuckDB 1.4"),
            std::string::npos)
      << Warnings(s.plan());
}

TEST(ReaderWarnings, DatesSpelledOtherwiseAreNamed) {
  testing::Scenario s("CREATE TABLE t AS SELECT * FROM (VALUES ('2024-1-1'), ('2024-01-02')) v(d)",
                      "d");
  EXPECT_NE(Warnings(s.plan()).find("read as DATE and print differently: \"2024-1-1\";"),
            std::string::npos)
      << Warnings(s.plan());
}

TEST(ReaderWarnings, ValuesEveryReaderReadsExactlyGiveNoWarning) {
  testing::Scenario s(
      "CREATE TABLE t AS SELECT TIMESTAMP '1969-12-31 23:59:59.5' + to_hours(i) AS ts, i AS n, "
      "['7', 'x', '007', ''][1 + i % 4] AS tag FROM range(50) r(i)",
      "day(ts), hour(ts), year(ts), identity(ts), identity(n), truncate(10, n), tag");
  EXPECT_EQ(Warnings(s.plan()).find("partition field"), std::string::npos) << Warnings(s.plan());
}

}  // namespace
}  // namespace duckpart

// Partition fields never take a source column's name: default names are
// "<column>_<transform>", a column that has a field's name is refused before any work,
// and AS gives a field a name of its own.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "duckpart/error.h"
#include "duckpart/plan.h"
#include "plan/plan_test_support.h"

namespace duckpart {
namespace {

constexpr const char* kClash = R"sql(
CREATE TABLE t AS SELECT TIMESTAMP '2024-01-01' + to_hours(CAST(i AS BIGINT) * 500) AS ts,
  'bogus' || (i % 3) AS ts_month, 'x' || (i % 2) AS tag, i AS "TAG_IDENTITY" FROM range(20) r(i)
)sql";

TEST(FieldNames, IdentityFieldIsNamedApartFromItsColumn) {
  testing::Scenario s("CREATE TABLE t AS SELECT 'a/b' AS tag", "tag");
  EXPECT_EQ(s.plan().partitions.at(0).path, "tag_identity=a%2Fb");
}

TEST(FieldNames, ColumnNamedLikeAFieldIsRefusedNamingTheColumnAndTheWayOut) {
  testing::TempDir dir;
  const std::string db = testing::MakeSourceDb(dir, kClash);
  const std::string e = testing::InputErrorOf([&] { testing::PlanTable(db, "month(ts)"); });
  EXPECT_NE(e.find("source column 'ts_month' has the name of the partition field of month(ts)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("--by \"month(ts) AS ts_month_part\""), std::string::npos) << e;
}

TEST(FieldNames, ClashIsFoundWhateverTheCase) {
  testing::TempDir dir;
  const std::string db = testing::MakeSourceDb(dir, kClash);
  const std::string e = testing::InputErrorOf([&] { testing::PlanTable(db, "day(ts), tag"); });
  EXPECT_NE(e.find("source column 'TAG_IDENTITY'"), std::string::npos) << e;
}

TEST(FieldNames, AsNamesTheFieldInPathsAndManifest) {
  testing::TempDir dir;
  const std::string db = testing::MakeSourceDb(dir, kClash);
  testing::Planned p = testing::PlanTable(db, "month(ts) AS m, tag AS t");
  EXPECT_EQ(p.plan.partitions.at(0).path, "m=2024-01/t=x0");
  EXPECT_EQ(p.plan.fields.at(0).field.Name(), "m");
  EXPECT_EQ(ToJson(p.plan)["fields"][1]["name"], "t");
  EXPECT_EQ(ToJson(p.plan)["spec"], "month(ts) AS m, identity(tag) AS t");
}

TEST(FieldNames, OldManifestFieldKeepsTheNameItRecorded) {
  const nlohmann::json old = {{"field", "identity(tag)"}, {"name", "tag"},
                              {"column", "tag"},          {"column_type", "VARCHAR"},
                              {"key_sql", "\"tag\""},     {"label_sql", "CAST($k AS VARCHAR)"}};
  EXPECT_EQ(ResolvedFieldFromJson(old).field.Name(), "tag");
  nlohmann::json now = old;
  now.erase("name");
  EXPECT_EQ(ResolvedFieldFromJson(now).field.Name(), "tag_identity");
}

}  // namespace
}  // namespace duckpart

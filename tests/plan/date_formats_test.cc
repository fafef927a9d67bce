// VARCHAR dates in other formats: --date-format COL=FORMAT parses them with strptime, and
// a column that does not cast is refused with a format that parses its sampled values.
#include <gtest/gtest.h>

#include <string>

#include "duckpart/error.h"
#include "duckpart/plan.h"
#include "plan/plan_test_support.h"

namespace duckpart {
namespace {

// As vega-datasets' stocks.csv spells its dates.
constexpr const char* kStocks = R"sql(
CREATE TABLE t AS SELECT ['MSFT', 'AMZN'][1 + i % 2] AS symbol,
  strftime(DATE '1999-11-01' + CAST(i * 20 AS INTEGER), '%b %-d %Y') AS date, i * 1.5 AS price
FROM range(60) r(i)
)sql";

testing::Planned PlanWithFormats(const std::string& db, const std::string& spec,
                                 std::vector<std::string> formats) {
  testing::Planned out;
  out.ws = std::make_unique<Workspace>(
      SourceOptions{.db_path = db, .table = "t", .date_formats = std::move(formats)},
      testing::TestEngine());
  out.plan = MakePlan(*out.ws, ParseSpec(spec), PlanOptions{});
  return out;
}

TEST(DateFormat, UnparseableColumnNamesAFormatThatParsesTheSample) {
  testing::TempDir dir;
  const std::string db = testing::MakeSourceDb(dir, kStocks);
  const std::string e = testing::InputErrorOf([&] { testing::PlanTable(db, "year(date)"); });
  EXPECT_NE(e.find("column 'date' has 60 values that are not dates or timestamps, e.g. '"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("--date-format 'date=%b %d %Y' parses the sampled values"), std::string::npos)
      << e;
}

TEST(DateFormat, GivenFormatPartitionsTheColumnByItsDates) {
  testing::TempDir dir;
  const std::string db = testing::MakeSourceDb(dir, kStocks);
  testing::Planned p = PlanWithFormats(db, "year(date)", {"date=%b %d %Y"});
  ASSERT_EQ(p.plan.partitions.size(), 5u);  // 1999 .. 2003
  EXPECT_EQ(p.plan.partitions.front().path, "date_year=1999");
  EXPECT_EQ(testing::SumRows(p.plan), 60);
  EXPECT_NE(p.plan.fields[0].key_sql.find("strptime"), std::string::npos);  // kept in the manifest
}

TEST(DateFormat, BadEntriesAreRefusedBeforeAnyWork) {
  testing::TempDir dir;
  const std::string db = testing::MakeSourceDb(dir, kStocks);
  auto error = [&](std::vector<std::string> formats) {
    return testing::InputErrorOf([&] { PlanWithFormats(db, "year(date)", formats); });
  };
  EXPECT_NE(error({"date"}).find("expected COL=FORMAT"), std::string::npos);
  EXPECT_NE(error({"nope=%Y"}).find("names column 'nope', which the source lacks"),
            std::string::npos);
  EXPECT_NE(error({"price=%Y"}).find("only VARCHAR columns"), std::string::npos);
  EXPECT_NE(error({"date=%Q"}).find("--date-format date=%Q"), std::string::npos);
  EXPECT_NE(error({"date=%b %d %Y", "date=%Y"}).find("twice"), std::string::npos);
  EXPECT_NE(error({"date=%Y-%m-%d"}).find("with the given --date-format"), std::string::npos);
}

}  // namespace
}  // namespace duckpart

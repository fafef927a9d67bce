#include "ops/retain_window.h"

#include <gtest/gtest.h>

#include "db/database.h"
#include "duckpart/error.h"

namespace duckpart::ops {
namespace {

// A manifest of one field with these partition values (nullopt: the NULL partition).
Manifest Of(const std::string& spec, const std::string& type,
            const std::vector<std::optional<std::string>>& values) {
  Manifest m;
  m.spec = ParseSpec(spec);
  m.fields.push_back({.field = m.spec.fields[0], .column_type = type});
  for (size_t i = 0; i < values.size(); ++i)
    m.partitions.push_back(
        {.id = static_cast<int64_t>(i), .keys = {values[i]}, .path = values[i].value_or("NULL")});
  return m;
}

class RetainWindowTest : public ::testing::Test {
 protected:
  db::Database database_{db::DatabaseOptions{}};
  db::Connection conn_{database_};
};

TEST_F(RetainWindowTest, OlderThanDropsOnlyWholeRangesBeforeTheCutoff) {
  const Manifest m = Of("month(ts)", "TIMESTAMP", {"2023-11", "2023-12", "2024-01", std::nullopt});
  EXPECT_EQ(PartitionsToDrop(conn_, m, {.older_than = "2024-01-01"}), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(PartitionsToDrop(conn_, m, {.older_than = "2023-12-31 23:59:59"}),
            (std::vector<size_t>{0}));
  EXPECT_EQ(PartitionsToDrop(conn_, m, {.older_than = "2024-02-01"}),
            (std::vector<size_t>{0, 1, 2}));  // never the NULL partition
}

TEST_F(RetainWindowTest, YearsHoursAndDateValuesHaveTheirRanges) {
  EXPECT_EQ(PartitionsToDrop(conn_, Of("year(ts)", "DATE", {"2022", "2023"}),
                             {.older_than = "2023-06-01"}),
            (std::vector<size_t>{0}));
  EXPECT_EQ(PartitionsToDrop(conn_, Of("hour(ts)", "TIMESTAMP", {"2024-01-01-10", "2024-01-01-11"}),
                             {.older_than = "2024-01-01 11:00"}),
            (std::vector<size_t>{0}));
  EXPECT_EQ(PartitionsToDrop(conn_, Of("d", "DATE", {"2024-01-01", "2024-01-02"}),
                             {.older_than = "2024-01-02"}),
            (std::vector<size_t>{0}));
}

TEST_F(RetainWindowTest, WhereOnATimeFieldRefusesToSplitAPartition) {
  const Manifest m = Of("month(ts)", "TIMESTAMP", {"2023-12", "2024-01"});
  EXPECT_EQ(PartitionsToDrop(conn_, m, {.where = "ts < 2024-01-01"}), (std::vector<size_t>{0}));
  EXPECT_EQ(PartitionsToDrop(conn_, m, {.where = "ts >= '2024-01-01'"}), (std::vector<size_t>{1}));
  EXPECT_THROW(PartitionsToDrop(conn_, m, {.where = "ts < 2024-01-02"}), InputError);
  EXPECT_THROW(PartitionsToDrop(conn_, m, {.where = "ts = 2024-01-01"}), InputError);
}

TEST_F(RetainWindowTest, WhereOnAnIdentityFieldComparesTypedValues) {
  const Manifest m = Of("n", "INTEGER", {"9", "10", "100", std::nullopt});
  EXPECT_EQ(PartitionsToDrop(conn_, m, {.where = "n < 10"}), (std::vector<size_t>{0}));
  EXPECT_EQ(PartitionsToDrop(conn_, m, {.where = "n <> 10"}), (std::vector<size_t>{0, 2}));
  EXPECT_THROW(PartitionsToDrop(conn_, m, {.where = "n < ten"}), InputError);
  const Manifest s = Of("tag", "VARCHAR", {"NULL", "", std::nullopt, "a"});
  EXPECT_EQ(PartitionsToDrop(conn_, s, {.where = "tag = 'NULL'"}), (std::vector<size_t>{0}));
  EXPECT_EQ(PartitionsToDrop(conn_, s, {.where = "\"tag\" = ''"}), (std::vector<size_t>{1}));
}

TEST_F(RetainWindowTest, MalformedWindowsAreInputErrors) {
  const Manifest m = Of("month(ts)", "TIMESTAMP", {"2023-12"});
  EXPECT_THROW(PartitionsToDrop(conn_, m, {}), InputError);
  EXPECT_THROW(PartitionsToDrop(conn_, m, {.older_than = "x", .keep = "3"}), InputError);
  EXPECT_THROW(PartitionsToDrop(conn_, m, {.keep = "0"}), InputError);
  EXPECT_THROW(PartitionsToDrop(conn_, m, {.keep = "99999999"}), InputError);
  EXPECT_THROW(PartitionsToDrop(conn_, m, {.keep = "3 days"}), InputError);
  EXPECT_THROW(PartitionsToDrop(conn_, m, {.where = "ts <"}), InputError);
  EXPECT_THROW(PartitionsToDrop(conn_, Of("bucket(4, id)", "BIGINT", {"1"}), {.where = "id < 3"}),
               InputError);
  EXPECT_THROW(PartitionsToDrop(conn_, Of("tag", "VARCHAR", {"a"}), {.older_than = "2024-01-01"}),
               InputError);
}

TEST_F(RetainWindowTest, KeepCountsBackFromTheCurrentUnit) {
  db::Result r = conn_.Query(
      "SELECT strftime(CAST(now() AS TIMESTAMP), '%Y-%m-%d'), strftime(CAST(now() AS TIMESTAMP) "
      "- INTERVAL 1 DAY, '%Y-%m-%d'), strftime(CAST(now() AS TIMESTAMP) - INTERVAL 2 DAY, "
      "'%Y-%m-%d')");
  const Manifest m =
      Of("day(ts)", "TIMESTAMP", {r.GetString(0, 2), r.GetString(0, 1), r.GetString(0, 0)});
  EXPECT_EQ(PartitionsToDrop(conn_, m, {.keep = "2"}), (std::vector<size_t>{0}));
  EXPECT_EQ(PartitionsToDrop(conn_, m, {.keep = "2d"}), (std::vector<size_t>{0}));
  EXPECT_EQ(PartitionsToDrop(conn_, m, {.keep = "72h"}).size(), 0u);
  EXPECT_TRUE(PartitionsToDrop(conn_, m, {.keep = "1"}) == (std::vector<size_t>{0, 1}));
}

}  // namespace
}  // namespace duckpart::ops

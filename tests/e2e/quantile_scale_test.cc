// Issue 15: quantile(100000, id) on 200k rows planned for 72 s and ran past 300 s. Cuts are
// now picked from one sort of the column, and range keys are a blocked lookup
// (plan/range_key.h) instead of one WHEN per cut.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "db/database.h"
#include "duckpart/plan.h"
#include "duckpart/source.h"
#include "duckpart/spec.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

Plan PlanOf(const std::string& db, const std::string& value_sql, int64_t rows,
            const std::string& spec) {
  {
    db::Database database(db::DatabaseOptions{.path = db});
    db::Connection conn(database);
    conn.Execute("CREATE TABLE t AS SELECT i, " + value_sql + " AS v FROM range(" +
                 std::to_string(rows) + ") r(i)");
  }
  Workspace ws(SourceOptions{.db_path = db, .table = "t"},
               EngineOptions{.memory_limit = "1GB", .threads = 2});
  return MakePlan(ws, ParseSpec(spec), PlanOptions{});
}

TEST(QuantileScale, TenThousandCutsOverTwoHundredThousandRowsPlanInSeconds) {
  TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  const Plan plan = PlanOf(dir / "q.db", "i", 200000, "quantile(10000, v)");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(plan.partitions.size(), 10000u);
  const auto& cuts = plan.fields[0].cuts;
  ASSERT_EQ(cuts.size(), 9999u);
  // quantile_disc's picks over 0..199999: the k-th cut is the value at row 20k - 1 in
  // order, so the partitions hold 19, then 20 each, then 21 consecutive values.
  for (size_t k = 1; k <= cuts.size(); ++k) {
    ASSERT_EQ(cuts[k - 1].text, std::to_string(20 * k - 1)) << k;
    ASSERT_FALSE(cuts[k - 1].inclusive);
  }
  for (size_t i = 0; i < plan.partitions.size(); ++i) {
    const int64_t want = i == 0 ? 19 : i + 1 == plan.partitions.size() ? 21 : 20;
    ASSERT_EQ(plan.partitions[i].rows, want) << plan.partitions[i].ranges[0];
  }
  EXPECT_EQ(plan.partitions.front().ranges[0], "(-inf, 19)");
  EXPECT_LT(seconds, 30.0);
}

// More heavy values than a linear CASE takes: the segment key and the field's key are
// blocked lookups, and every heavy value still gets [h, h] of its own.
TEST(QuantileScale, ManyHeavyValuesEachGetTheirOwnPartition) {
  TempDir dir;
  // 100 values of 500 rows each (0.5% > 1/1000 of the rows), the other rows distinct.
  const Plan plan =
      PlanOf(dir / "h.db", "CASE WHEN i % 2 = 0 THEN (i % 200) * 10 ELSE 10000 + i END", 100000,
             "quantile(1000, v)");
  EXPECT_EQ(plan.fields[0].heavy_values, 100);
  EXPECT_GT(plan.fields[0].cuts.size(), 64u);
  int64_t heavy = 0, total = 0;
  std::set<int64_t> regular_sizes;
  for (const auto& p : plan.partitions) {
    total += p.rows;
    const std::string& r = p.ranges[0];
    const auto comma = r.find(", ");
    if (r.front() == '[' && r.back() == ']' &&
        r.substr(1, comma - 1) == r.substr(comma + 2, r.size() - comma - 3)) {
      EXPECT_EQ(p.rows, 500) << r;
      ++heavy;
    } else {
      regular_sizes.insert(p.rows);
    }
  }
  EXPECT_EQ(heavy, 100);
  EXPECT_EQ(total, 100000);
  EXPECT_GE(static_cast<int64_t>(plan.partitions.size()), 999);
  EXPECT_LE(static_cast<int64_t>(plan.partitions.size()), 1100);
  ASSERT_FALSE(regular_sizes.empty());
  EXPECT_LE(*regular_sizes.rbegin() - *regular_sizes.begin(), 2)
      << "regular partitions of uneven sizes";
}

}  // namespace
}  // namespace duckpart::testing

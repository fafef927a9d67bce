// End-to-end: the real binary, its exit codes and its one-line errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "db/database.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

TEST(Cli, VersionNamesDuckpartAndDuckDb) {
  RunResult r = RunDuckpart({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("duckpart 0."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DuckDB v1.4.4"), std::string::npos) << r.out;
}

TEST(Cli, HelpListsCommands) {
  RunResult r = RunDuckpart({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("demo"), std::string::npos);
}

TEST(Cli, UnknownCommandIsAUsageErrorOnOneLine) {
  RunResult r = RunDuckpart({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("duckpart: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(Cli, NoCommandIsAUsageError) { EXPECT_EQ(RunDuckpart({}).exit_code, 2); }

TEST(Demo, MakesADeterministicSampleDatabase) {
  TempDir dir;
  RunResult a =
      RunDuckpart({"demo", "--rows", "20000", "--seed", "7", "--dir", dir / "a", "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  RunResult b =
      RunDuckpart({"demo", "--rows", "20000", "--seed", "7", "--dir", dir / "b", "--json"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto ja = nlohmann::json::parse(a.out);
  EXPECT_EQ(ja["rows"], 20000);
  EXPECT_GT(ja["null_referrers"].get<int64_t>(), 0);
  EXPECT_GE(ja["distinct_tags"].get<int64_t>(), 13);

  auto checksum = [](const std::string& path) {
    db::Database database(db::DatabaseOptions{.path = path, .access = db::Access::kReadOnly});
    db::Connection conn(database);
    return conn
        .Query(
            "SELECT sum(hash(id, ts, user_id, amount, category, referrer, tag)::HUGEINT)"
            "::VARCHAR FROM events")
        .GetString(0, 0);
  };
  EXPECT_EQ(checksum(dir / "a/demo.db"), checksum(dir / "b/demo.db"));
}

TEST(Demo, DataHasTheAdvertisedShape) {
  TempDir dir;
  ASSERT_EQ(
      RunDuckpart({"demo", "--rows", "50000", "--dir", dir.path().string(), "--quiet"}).exit_code,
      0);
  db::Database database(
      db::DatabaseOptions{.path = dir / "demo.db", .access = db::Access::kReadOnly});
  db::Connection conn(database);
  db::Result r = conn.Query(R"(
    SELECT min(ts) >= TIMESTAMP '2023-01-01', max(ts) < TIMESTAMP '2025-01-01',
           -- weekly seasonality: weekdays busier than weekend days
           count(*) FILTER (WHERE dayofweek(ts) = 3) > 1.5 * count(*) FILTER (WHERE dayofweek(ts) = 0),
           -- heavy users: the top user holds more than 1% of the rows
           (SELECT max(c) FROM (SELECT count(*) c FROM events GROUP BY user_id)) > 0.01 * count(*),
           count(*) FILTER (WHERE tag = 'NULL') > 0, count(*) FILTER (WHERE tag = '') > 0,
           count(*) FILTER (WHERE tag IS NULL) > 0, count(*) FILTER (WHERE tag = 'a/b') > 0,
           max(amount) > 100 * median(amount)
    FROM events)");
  for (uint64_t c = 0; c < r.ColumnCount(); ++c) EXPECT_TRUE(r.GetBool(0, c)) << "check " << c;
}

TEST(Demo, AnExistingDemoIsReplacedOnlyWithReplace) {
  TempDir dir;
  ASSERT_EQ(RunDuckpart({"demo", "--rows", "3000", "--dir", dir / "d", "--quiet"}).exit_code, 0);
  const std::string before = ReadFile(dir / "d/demo.db");
  RunResult r = RunDuckpart({"demo", "--rows", "2000", "--dir", dir / "d"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--replace"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(dir / "d/demo.db"), before) << "refused, and left as it was";
  r = RunDuckpart({"demo", "--rows", "2000", "--dir", dir / "d", "--replace", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows"], 2000);
}

TEST(Demo, NegativeRowsIsAUsageError) {
  TempDir dir;
  RunResult r = RunDuckpart({"demo", "--rows", "-5", "--dir", dir / "d"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "d"));
}

}  // namespace
}  // namespace duckpart::testing

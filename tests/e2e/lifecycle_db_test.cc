// End-to-end: `append --to-db` and `retain --to-db` on partition tables. Append inserts the
// new rows into the touched tables and creates new ones, retain drops tables; each rewrites
// the catalog and the view in one transaction proved before COMMIT and records the history
// in the catalog. Bad input is refused before any work with the database object for object
// unchanged; a fault at any step leaves the old or the new version, never a mix.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/dataset.h"
#include "support/fault_trace.h"
#include "support/lifecycle.h"
#include "support/listing.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kRows = 4000;
constexpr const char* kView = "ev_partitioned";

std::vector<std::string> RunToDb(const std::string& src, const std::string& where,
                                 const std::string& spec, const std::string& to) {
  return Cat(Cat({"run"}, EventsWhere(src, where)),
             {"--by", spec, "--to-db", to, "--schema", "ev", "--threads", "2", "--quiet"});
}

std::vector<std::string> AppendToDb(const std::string& to, const std::string& src,
                                    const std::string& where, std::vector<std::string> extra = {}) {
  return Cat(
      Cat(Cat({"append", "--to-db", to}, EventsWhere(src, where)), {"--threads", "1", "--quiet"}),
      extra);
}

// Rows and checksum of the dataset's view, read by a plain DuckDB session.
Content ViewContent(const std::string& database, const std::string& view = kView) {
  Session s;
  s.AttachReadOnly(database, "t");
  db::Result r = s.conn().Query("SELECT count(*), " + ChecksumSql() + " FROM t.main." + view);
  return {r.GetInt64(0, 0), r.GetString(0, 1)};
}

json CatalogManifest(const std::string& database) {
  Session s;
  s.AttachReadOnly(database, "t");
  return json::parse(s.Scalar("SELECT value FROM t.ev._duckpart_spec WHERE key = 'manifest'"));
}

int64_t PartitionTables(const std::string& database) {
  Session s;
  s.AttachReadOnly(database, "t");
  return s.Int(
      "SELECT count(*) FROM duckdb_tables() WHERE database_name = 't' AND schema_name = 'ev' AND "
      "table_name NOT LIKE '\\_duckpart%' ESCAPE '\\'");
}

void ExpectValid(const std::string& database, int64_t rows) {
  const RunResult v = RunDuckpart({"validate", "--to-db", database, "--json"});
  ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(json::parse(v.out)["rows"].get<int64_t>(), rows);
}

class LifecycleDb : public ::testing::Test {
 protected:
  void SetUp() override { src_ = MakeDemo(dir_ / "src", kRows); }
  std::string Made(const std::string& name, const std::string& where, const std::string& spec) {
    const std::string to = dir_ / name;
    const RunResult r = RunDuckpart(RunToDb(src_, where, spec, to));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return to;
  }
  TempDir dir_;
  std::string src_;
};

TEST_F(LifecycleDb, AppendOnEveryTransformHoldsExactlyTheRowsOfBothParts) {
  const std::vector<std::string> specs = {"tag",
                                          "month(ts)",
                                          "month(ts), category",
                                          "year(ts), bucket(4, user_id)",
                                          "truncate(1000, user_id)",
                                          "range(amount, [10, 100])",
                                          "quantile(4, amount)",
                                          "referrer"};
  int i = 0;
  for (const auto& spec : specs) {
    SCOPED_TRACE(spec);
    const std::string to = Made("t" + std::to_string(i++) + ".db", "id % 3 <> 0", spec);
    const RunResult a = RunDuckpart(AppendToDb(to, src_, "id % 3 = 0"));
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(ViewContent(to), SourceContent(src_));
    ExpectValid(to, kRows);
    const json m = CatalogManifest(to);
    ASSERT_EQ(m["history"].size(), 2u);
    EXPECT_EQ(m["history"][1]["operation"], "append");
    EXPECT_EQ(m["history"][1]["version"], 2);
    EXPECT_EQ(m["history"][1]["rows_added"], SourceContent(src_, "id % 3 = 0").rows);
  }
}

TEST_F(LifecycleDb, AppendCreatesTablesForNewPartitionsAndTheViewShowsThem) {
  const std::string to = Made("t.db", "ts < TIMESTAMP '2023-03-01'", "month(ts)");
  const int64_t before = PartitionTables(to);
  const RunResult a = RunDuckpart(AppendToDb(
      to, src_, "ts >= TIMESTAMP '2023-03-01' AND ts < TIMESTAMP '2023-05-01'", {"--json"}));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const json out = json::parse(a.out);
  EXPECT_EQ(out["partitions_created"], 2);
  EXPECT_EQ(out["partitions_touched"], 0);
  EXPECT_EQ(PartitionTables(to), before + 2);
  EXPECT_EQ(ViewContent(to), SourceContent(src_, "ts < TIMESTAMP '2023-05-01'"));
  ExpectValid(to, SourceContent(src_, "ts < TIMESTAMP '2023-05-01'").rows);
}

// Paths of the partitions in id order, from the catalog of a --to-db dataset.
std::vector<std::string> CatalogPaths(const std::string& database) {
  Session s;
  s.AttachReadOnly(database, "t");
  db::Result r = s.conn().Query("SELECT path FROM t.ev._duckpart_partitions ORDER BY id");
  std::vector<std::string> out;
  for (uint64_t i = 0; i < r.RowCount(); ++i) out.push_back(r.GetString(i, 0));
  return out;
}

TEST_F(LifecycleDb, AppendedPartitionsTakeTheirPlaceInKeyOrderOnBothTargets) {
  const std::string skip =
      "NOT (ts >= TIMESTAMP '2023-02-01' AND ts < TIMESTAMP '2023-03-01') "
      "AND ts < TIMESTAMP '2023-05-01'";
  const std::string feb = "ts >= TIMESTAMP '2023-02-01' AND ts < TIMESTAMP '2023-03-01'";
  const std::vector<std::string> months = {"ts_month=2023-01", "ts_month=2023-02",
                                           "ts_month=2023-03", "ts_month=2023-04"};
  const std::string to = Made("t.db", skip, "month(ts)");
  ASSERT_EQ(RunDuckpart(AppendToDb(to, src_, feb)).exit_code, 0);
  EXPECT_EQ(CatalogPaths(to), months);
  ExpectValid(to, SourceContent(src_, "ts < TIMESTAMP '2023-05-01'").rows);
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(Cat(Cat({"run"}, EventsWhere(src_, skip)),
                            {"--by", "month(ts)", "--to", ds, "--quiet"}))
                .exit_code,
            0);
  ASSERT_EQ(RunDuckpart(Cat(Cat({"append", ds}, EventsWhere(src_, feb)), {"--quiet"})).exit_code,
            0);
  std::vector<std::string> paths;
  const json manifest = ManifestJson(ds);
  for (const auto& p : manifest["partitions"]) paths.push_back(p["path"]);
  EXPECT_EQ(paths, months);
  EXPECT_EQ(ParquetContent(ds), SourceContent(src_, "ts < TIMESTAMP '2023-05-01'"));
  EXPECT_EQ(RunDuckpart({"validate", ds}).exit_code, 0);
}

TEST_F(LifecycleDb, AppendFromATableOfTheSameDatabaseFile) {
  const std::string db = dir_ / "same.db";
  fs::copy_file(src_, db);
  ASSERT_EQ(RunDuckpart({"run", "--db", db, "--query", "SELECT * FROM events WHERE id % 2 = 0",
                         "--by", "bucket(3, id)", "--to-db", db, "--schema", "ev", "--quiet"})
                .exit_code,
            0);
  const RunResult a = RunDuckpart({"append", "--to-db", db, "--db", db, "--query",
                                   "SELECT * FROM events WHERE id % 2 = 1", "--quiet"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(ViewContent(db), SourceContent(src_));
  ExpectValid(db, kRows);
}

TEST_F(LifecycleDb, BatchIdIsAppendedOnceAndAgainIsRefusedOrSkipped) {
  const std::string to = Made("t.db", "id % 2 = 0", "month(ts)");
  ASSERT_EQ(RunDuckpart(AppendToDb(to, src_, "id % 2 = 1", {"--batch-id", "b1"})).exit_code, 0);
  const auto before = ObjectListing(to);
  const RunResult again = RunDuckpart(AppendToDb(to, src_, "id % 2 = 1", {"--batch-id", "b1"}));
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("batch 'b1' was already appended (version 2)"), std::string::npos)
      << again.err;
  EXPECT_EQ(ObjectListing(to), before);
  const RunResult skipped =
      RunDuckpart(AppendToDb(to, src_, "id % 2 = 1", {"--batch-id", "b1", "--if-new"}));
  EXPECT_EQ(skipped.exit_code, 0) << skipped.err;
  EXPECT_EQ(ObjectListing(to), before);
  EXPECT_EQ(ViewContent(to), SourceContent(src_));
}

TEST_F(LifecycleDb, BadAppendsAreRefusedWithTheDatabaseUnchanged) {
  const std::string to = Made("t.db", "id % 2 = 0", "month(ts)");
  const auto before = ObjectListing(to);
  const auto refused = [&](std::vector<std::string> args, const std::string& words) {
    SCOPED_TRACE(words);
    const RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(ObjectListing(to), before);
  };
  refused({"append", "--to-db", to, "--db", src_, "--query",
           "SELECT *, 1 AS extra FROM events WHERE id % 2 = 1"},
          "column 'extra'");
  refused({"append", "--to-db", to, "--db", src_, "--query",
           "SELECT * EXCLUDE (tag) FROM events WHERE id % 2 = 1"},
          "no column 'tag'");
  refused({"append", "--to-db", to, "--schema", "other", "--db", src_, "--table", "events"},
          "no duckpart partition schema other");
  refused({"append", "--to-db", dir_ / "missing.db", "--db", src_, "--table", "events"},
          "does not exist");
  refused({"append", dir_ / "ds", "--to-db", to, "--db", src_, "--table", "events"}, "one of them");
  EXPECT_FALSE(fs::exists(dir_ / "missing.db"));
}

TEST_F(LifecycleDb, ObjectsDuckpartDidNotMakeInTheSchemaAreRefused) {
  const std::string to = Made("t.db", "id % 2 = 0", "month(ts)");
  {
    db::Database d(db::DatabaseOptions{.path = to});
    db::Connection c(d);
    c.Execute("CREATE TABLE ev.mine AS SELECT 1 AS x");
  }
  const auto before = ObjectListing(to);
  const RunResult a = RunDuckpart(AppendToDb(to, src_, "id % 2 = 1"));
  EXPECT_EQ(a.exit_code, 2) << a.err;
  EXPECT_NE(a.err.find("table mine"), std::string::npos) << a.err;
  const RunResult r = RunDuckpart({"retain", "--to-db", to, "--older-than", "2023-03-01"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(ObjectListing(to), before);
}

TEST_F(LifecycleDb, AViewRedefinedByTheUserIsRefused) {
  const std::string to = Made("t.db", "id % 2 = 0", "month(ts)");
  {
    db::Database d(db::DatabaseOptions{.path = to});
    db::Connection c(d);
    c.Execute("CREATE OR REPLACE VIEW main.ev_partitioned AS SELECT 1 AS mine");
  }
  const auto before = ObjectListing(to);
  const RunResult a = RunDuckpart(AppendToDb(to, src_, "id % 2 = 1"));
  EXPECT_EQ(a.exit_code, 2) << a.err;
  EXPECT_NE(a.err.find("was redefined"), std::string::npos) << a.err;
  EXPECT_EQ(ObjectListing(to), before);
}

TEST_F(LifecycleDb, RetainDropsTheTablesPastTheWindowAndRewritesTheView) {
  const std::string to = Made("t.db", "true", "month(ts)");
  const int64_t before = PartitionTables(to);
  const auto listing = ObjectListing(to);
  const RunResult dry =
      RunDuckpart({"retain", "--to-db", to, "--older-than", "2023-03-01", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(json::parse(dry.out)["dropped"].size(), 2u);
  EXPECT_EQ(ObjectListing(to), listing);
  const RunResult r =
      RunDuckpart({"retain", "--to-db", to, "--older-than", "2023-03-01", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["rows_dropped"], SourceContent(src_, "ts < '2023-03-01'").rows);
  EXPECT_EQ(PartitionTables(to), before - 2);
  EXPECT_EQ(ViewContent(to), SourceContent(src_, "ts >= TIMESTAMP '2023-03-01'"));
  ExpectValid(to, SourceContent(src_, "ts >= TIMESTAMP '2023-03-01'").rows);
  const json m = CatalogManifest(to);
  ASSERT_EQ(m["history"].size(), 2u);
  EXPECT_EQ(m["history"][1]["operation"], "retain");
}

TEST_F(LifecycleDb, BadRetainsAreRefusedWithTheDatabaseUnchanged) {
  const std::string to = Made("t.db", "true", "month(ts)");
  const auto before = ObjectListing(to);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"retain", "--to-db", to, "--older-than", "2100-01-01"},
           {"retain", "--to-db", to, "--older-than", "not a date"},
           {"retain", "--to-db", to, "--keep", "0"},
           {"retain", "--to-db", to, "--where", "nosuch < 3"},
           {"retain", "--to-db", to, "--archive", to, "--older-than", "2023-03-01"},
           {"retain", "--to-db", to, "--archive", src_, "--older-than", "2023-03-01"}}) {
    SCOPED_TRACE(args[3] + " " + args[4]);
    const RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(ObjectListing(to), before);
  }
}

TEST_F(LifecycleDb, RetainArchiveMovesTheDroppedTablesIntoAParquetDatasetFirst) {
  const std::string to = Made("t.db", "ts < TIMESTAMP '2023-05-01'", "month(ts)");
  const std::string arch = dir_ / "arch";
  const RunResult r = RunDuckpart(
      {"retain", "--to-db", to, "--archive", arch, "--older-than", "2023-03-01", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["archive"]["version"], 1);
  const std::string dropped = "ts < TIMESTAMP '2023-03-01'";
  EXPECT_EQ(ParquetContent(arch), SourceContent(src_, dropped));
  EXPECT_EQ(ManifestJson(arch)["spec"], "month(ts)");
  EXPECT_EQ(ViewContent(to),
            SourceContent(src_, "ts >= TIMESTAMP '2023-03-01' AND ts < TIMESTAMP '2023-05-01'"));
  ASSERT_EQ(RunDuckpart({"validate", arch}).exit_code, 0);
  // The next retain appends to the same archive.
  ASSERT_EQ(RunDuckpart({"retain", "--to-db", to, "--archive", arch, "--older-than", "2023-04-01",
                         "--quiet"})
                .exit_code,
            0);
  EXPECT_EQ(ParquetContent(arch), SourceContent(src_, "ts < TIMESTAMP '2023-04-01'"));
  EXPECT_EQ(ManifestJson(arch)["history"].size(), 2u);
}

// In the DUCKPART_TRIALS filter (FaultSeam.Every*): a crash at every step of a retain
// --to-db --archive leaves every row in the database or the archive, and the same retain
// run again (after recover of the archive) completes it with each row exactly once.
TEST(FaultSeam, EveryStepOfAnArchivingRetainOnTablesDiesLeavingEveryRowInOnePlaceOrMore) {
  TempDir dir;
  const std::string src = MakeDemo(dir / "src", 2000);
  const std::string base = dir / "base.db";
  ASSERT_EQ(RunDuckpart(RunToDb(src, "ts < TIMESTAMP '2023-05-01'", "month(ts)", base)).exit_code,
            0);
  const auto retain = [](const std::string& to, const std::string& arch) {
    return std::vector<std::string>{"retain", "--to-db",      to,           "--archive",
                                    arch,     "--older-than", "2023-03-01", "--quiet"};
  };
  const auto copy = [&](const std::string& name) {
    fs::copy_file(base, dir / name);
    return dir / name;
  };
  const int steps = CountSteps(retain(copy("traced.db"), dir / "ta"), dir / "trace");
  ASSERT_GE(steps, 4);
  const int64_t all = SourceContent(src, "ts < TIMESTAMP '2023-05-01'").rows;
  for (int n = 1; n <= steps; ++n) {
    SCOPED_TRACE("crash at step " + std::to_string(n));
    const std::string to = copy("t" + std::to_string(n) + ".db");
    const std::string arch = dir / ("a" + std::to_string(n));
    const RunResult r = RunDuckpart(retain(to, arch), {"DUCKPART_FAULT_AT=" + std::to_string(n),
                                                       "DUCKPART_FAULT_ACTION=crash"});
    ASSERT_EQ(r.exit_code, 128 + 9) << r.err;
    const int64_t archived = fs::exists(fs::symlink_status(arch)) ? ParquetContent(arch).rows : 0;
    EXPECT_GE(ViewContent(to).rows + archived, all) << "before any recover: nothing lost";
    if (fs::exists(fs::symlink_status(arch)) || fs::exists(StoreOf(arch)))
      ASSERT_EQ(RunDuckpart({"recover", arch}).exit_code, 0);
    const RunResult again = RunDuckpart(retain(to, arch));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(ViewContent(to),
              SourceContent(src, "ts >= TIMESTAMP '2023-03-01' AND ts < TIMESTAMP '2023-05-01'"));
    EXPECT_EQ(ParquetContent(arch), SourceContent(src, "ts < TIMESTAMP '2023-03-01'"));
    ExpectValid(to, SourceContent(src,
                                  "ts >= TIMESTAMP '2023-03-01' AND "
                                  "ts < TIMESTAMP '2023-05-01'")
                        .rows);
  }
}

TEST_F(LifecycleDb, AppendRetainAppendKeepsEveryRowOnce) {
  const std::string to = Made("t.db", "ts < TIMESTAMP '2023-04-01'", "month(ts)");
  ASSERT_EQ(RunDuckpart({"retain", "--to-db", to, "--older-than", "2023-02-01"}).exit_code, 0);
  const RunResult a = RunDuckpart(
      AppendToDb(to, src_, "ts >= TIMESTAMP '2023-04-01' AND ts < TIMESTAMP '2023-07-01'"));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const std::string kept = "ts >= TIMESTAMP '2023-02-01' AND ts < TIMESTAMP '2023-07-01'";
  EXPECT_EQ(ViewContent(to), SourceContent(src_, kept));
  ExpectValid(to, SourceContent(src_, kept).rows);
  EXPECT_EQ(CatalogManifest(to)["history"].size(), 3u);
  const RunResult h = RunDuckpart({"history", "--to-db", to, "--json"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  const json records = json::parse(h.out)["history"];
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1]["operation"], "retain");
  EXPECT_EQ(records[2]["operation"], "append");
  EXPECT_EQ(records[2]["version"], 3);
}

// Every step of `command(target)` over copies of `base`, failed and crashed: the view shows
// the old rows (the COMMIT is the last step), never a mix; recover --db and validate pass
// after each.
void TrialEveryStepOf(const TempDir& dir, const std::string& base,
                      const std::function<std::vector<std::string>(const std::string&)>& command,
                      const Content& old_content, const Content& new_content) {
  ASSERT_NE(old_content, new_content);
  const auto seen = [&](const std::string& to) {
    const Content c = ViewContent(to);
    return SeenOf(c, old_content, new_content);
  };
  TrialEveryStep(dir, {.fresh =
                           [&](const std::string& name) {
                             const std::string to = dir / (name + ".db");
                             fs::copy_file(base, to);
                             return to;
                           },
                       .command = command,
                       .seen = seen,
                       .settle =
                           [&](const std::string& to, Seen before) {
                             ASSERT_EQ(RunDuckpart({"recover", "--db", to}).exit_code, 0);
                             EXPECT_EQ(seen(to), before);
                             ExpectValid(to, old_content.rows);
                           },
                       .min_steps = 2,
                       .new_can_show = false});
}

TEST_F(LifecycleDb, EveryStepOfAnAppendFailsOrDiesLeavingTheOldVersion) {
  const std::string march = "ts >= TIMESTAMP '2023-03-01' AND ts < TIMESTAMP '2023-04-01'";
  const std::string base = Made(
      "base.db", "ts < TIMESTAMP '2023-04-01' AND NOT (" + march + " AND id % 2 = 1)", "month(ts)");
  const auto append = [&](const std::string& to) {
    return AppendToDb(to, src_,
                      "(" + march +
                          " AND id % 2 = 1) OR (ts >= TIMESTAMP '2023-04-01' AND ts < "
                          "TIMESTAMP '2023-05-01')");
  };
  TrialEveryStepOf(dir_, base, append, ViewContent(base),
                   SourceContent(src_, "ts < TIMESTAMP '2023-05-01'"));
}

TEST_F(LifecycleDb, EveryStepOfARetainFailsOrDiesLeavingTheOldVersion) {
  const std::string base = Made("base.db", "ts < TIMESTAMP '2023-05-01'", "month(ts)");
  const auto retain = [](const std::string& to) {
    return std::vector<std::string>{"retain",       "--to-db",    to,
                                    "--older-than", "2023-03-01", "--quiet"};
  };
  TrialEveryStepOf(
      dir_, base, retain, ViewContent(base),
      SourceContent(src_, "ts >= TIMESTAMP '2023-03-01' AND ts < TIMESTAMP '2023-05-01'"));
}

}  // namespace
}  // namespace duckpart::testing

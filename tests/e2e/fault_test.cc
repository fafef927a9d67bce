// The guarantees proved at every durable step, not at calibrated moments: a replacing
// run (Parquet, and partition tables) is made to fail, and to die as by kill -9, at each
// step the fault seam (src/store/fault.h) announces, one step per trial. After each:
// a plain glob reader, before any `recover`, sees exactly the old version or, past the
// commit point, exactly the new one (they differ in rows, content and spec); `recover`
// leaves one version; `validate` passes; `cleanup` leaves nothing behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/recover.h"
#include "support/fault_trace.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kColumns = "id, ts, user_id, amount, category, referrer, tag";

struct Stats {
  int64_t rows = 0;
  std::string checksum = "0";
  bool operator==(const Stats&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Stats& s) {
  return os << s.rows << " rows, checksum " << s.checksum;
}

std::string StatsSql(const std::string& from) {
  return std::string("SELECT count(*), CAST(coalesce(sum(CAST(hash(") + kColumns +
         ") AS HUGEINT)), 0) AS VARCHAR) FROM " + from;
}

Stats TableStats(const std::string& db_path, const std::string& relation) {
  db::Database database(db::DatabaseOptions{.path = db_path, .access = db::Access::kReadOnly});
  db::Connection conn(database);
  db::Result r = conn.Query(StatsSql(relation));
  return {r.GetInt64(0, 0), r.GetString(0, 1)};
}

// What a reader that knows nothing of duckpart sees: every Parquet file under DIR.
Stats GlobStats(const std::string& dir) {
  db::Database database(db::DatabaseOptions{.threads = 1});
  db::Connection conn(database);
  db::Result r = conn.Query(StatsSql("read_parquet(" + db::QuoteLiteral(dir + "/**/*.parquet") +
                                     ", hive_partitioning = false)"));
  return {r.GetInt64(0, 0), r.GetString(0, 1)};
}

struct Sources {
  std::string db[2];
  Stats stats[2];
};

// Two demo databases that differ in rows and content.
Sources MakeSources(const TempDir& dir) {
  Sources s;
  for (int i = 0; i < 2; ++i) {
    const std::string d = dir / ("src" + std::to_string(i));
    const RunResult r = RunDuckpart({"demo", "--rows", i == 0 ? "3000" : "4000", "--seed",
                                     std::to_string(i + 1), "--dir", d, "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    s.db[i] = d + "/demo.db";
    s.stats[i] = TableStats(s.db[i], "events");
  }
  EXPECT_NE(s.stats[0], s.stats[1]);
  return s;
}

std::vector<std::string> ParquetRun(const std::string& db, const std::string& spec,
                                    const std::string& target, bool replace) {
  std::vector<std::string> a = {"run", "--db", db,     "--table",   "events", "--by",
                                spec,  "--to", target, "--threads", "1",      "--quiet"};
  if (replace) a.push_back("--replace");
  return a;
}

// Copies a dataset (its link and its store) to a fresh path beside it.
std::string CopyDataset(const std::string& from, const std::string& to) {
  const fs::path f(from), t(to);
  fs::copy(f.parent_path() / ("." + f.filename().string() + ".duckpart"),
           t.parent_path() / ("." + t.filename().string() + ".duckpart"),
           fs::copy_options::recursive);
  fs::create_symlink(fs::read_symlink(f).string().replace(0, f.filename().string().size() + 1,
                                                          "." + t.filename().string()),
                     t);
  return to;
}

TEST(FaultSeam, EveryDurableStepOfAParquetReplaceFailsOrDiesLeavingOneWholeVersion) {
  TempDir dir;
  const Sources src = MakeSources(dir);
  // Old: month(ts) of source 0 (24 partitions). New: bucket(3, id) of source 1.
  const std::string base = dir / "base";
  ASSERT_EQ(RunDuckpart(ParquetRun(src.db[0], "month(ts)", base, false)).exit_code, 0);
  const std::string traced = CopyDataset(base, dir / "traced");
  const int steps = CountSteps(ParquetRun(src.db[1], "bucket(3, id)", traced, true), dir / "trace");
  ASSERT_GE(steps, 10) << ReadFile(dir / "trace");
  int old_seen = 0, new_seen = 0;
  for (int n = 1; n <= steps; ++n) {
    for (const char* action : {"crash", "fail"}) {
      SCOPED_TRACE(std::string(action) + " at step " + std::to_string(n));
      const std::string target = CopyDataset(base, dir / ("t" + std::to_string(n) + action));
      const RunResult r = RunDuckpart(ParquetRun(src.db[1], "bucket(3, id)", target, true),
                                      {"DUCKPART_FAULT_AT=" + std::to_string(n),
                                       std::string("DUCKPART_FAULT_ACTION=") + action});
      if (std::string(action) == "crash") {
        ASSERT_EQ(r.exit_code, 128 + 9) << r.err;
      } else {
        ASSERT_TRUE(r.exit_code == 3 || r.exit_code == 0) << r.exit_code << " " << r.err;
        if (r.exit_code == 3)
          EXPECT_NE(r.err.find("injected failure at step"), std::string::npos) << r.err;
      }
      const Stats seen = GlobStats(target);  // before any recover
      ASSERT_TRUE(seen == src.stats[0] || seen == src.stats[1]) << "a mix: " << seen;
      const bool is_new = seen == src.stats[1];
      (is_new ? new_seen : old_seen)++;
      if (std::string(action) == "fail") EXPECT_EQ(is_new, r.exit_code == 0) << r.err;
      const RunResult rec = RunDuckpart({"recover", target});
      ASSERT_EQ(rec.exit_code, 0) << rec.err;
      EXPECT_EQ(GlobStats(target), seen) << rec.out;
      const RunResult val = RunDuckpart({"validate", target, "--json"});
      ASSERT_EQ(val.exit_code, 0) << val.out << val.err;
      EXPECT_EQ(nlohmann::json::parse(val.out)["rows"].get<int64_t>(), seen.rows);
      ASSERT_EQ(RunDuckpart({"cleanup", target}).exit_code, 0);
      for (const auto& item : InspectStore(target).leftovers)
        ADD_FAILURE() << "left behind: " << item.name;
    }
  }
  EXPECT_GT(old_seen, 0);
  EXPECT_GT(new_seen, 0);
}

TEST(FaultSeam, TheLinkSwapFallsBackWithoutRenameExchange) {
  TempDir dir;
  const Sources src = MakeSources(dir);
  const std::string target = dir / "empty";
  fs::create_directory(target);  // an empty folder is replaced by the link
  const RunResult r = RunDuckpart(ParquetRun(src.db[0], "month(ts)", target, false),
                                  {"DUCKPART_FAULT_EXCHANGE=unsupported"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(target));
  EXPECT_EQ(GlobStats(target), src.stats[0]);
}

std::vector<std::string> TablesRun(const std::string& db, const std::string& spec,
                                   const std::string& to) {
  return {"run",     "--db", db,          "--table",   "events", "--by",   spec,
          "--to-db", to,     "--replace", "--threads", "1",      "--quiet"};
}

TEST(FaultSeam, EveryDurableStepOfATablesReplaceFailsOrDiesLeavingOneWholeVersion) {
  TempDir dir;
  const Sources src = MakeSources(dir);
  const std::string base = dir / "base.db";
  ASSERT_EQ(RunDuckpart(TablesRun(src.db[0], "month(ts)", base)).exit_code, 0);
  fs::copy_file(base, dir / "traced.db");
  const int steps =
      CountSteps(TablesRun(src.db[1], "bucket(3, id)", dir / "traced.db"), dir / "trace");
  ASSERT_GE(steps, 1);
  for (int n = 1; n <= steps; ++n) {
    for (const char* action : {"crash", "fail"}) {
      SCOPED_TRACE(std::string(action) + " at step " + std::to_string(n));
      const std::string to = dir / ("t" + std::to_string(n) + action + ".db");
      fs::copy_file(base, to);
      const RunResult r = RunDuckpart(TablesRun(src.db[1], "bucket(3, id)", to),
                                      {"DUCKPART_FAULT_AT=" + std::to_string(n),
                                       std::string("DUCKPART_FAULT_ACTION=") + action});
      EXPECT_EQ(r.exit_code, std::string(action) == "crash" ? 128 + 9 : 3) << r.err;
      EXPECT_EQ(TableStats(to, "main.events_partitioned"), src.stats[0]);
      ASSERT_EQ(RunDuckpart({"recover", "--db", to}).exit_code, 0);
      EXPECT_EQ(RunDuckpart({"validate", "--to-db", to}).exit_code, 0);
    }
  }
}

}  // namespace
}  // namespace duckpart::testing

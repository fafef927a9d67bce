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
  const auto seen = [&](const std::string& target) {
    const Stats s = GlobStats(target);
    return SeenOf(s, src.stats[0], src.stats[1]);
  };
  TrialEveryStep(dir,
                 {.fresh = [&](const std::string& name) { return CopyDataset(base, dir / name); },
                  .command =
                      [&](const std::string& target) {
                        return ParquetRun(src.db[1], "bucket(3, id)", target, true);
                      },
                  .seen = seen,
                  .settle = RecoverValidateCleanup(seen),
                  .min_steps = 10});
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
  const auto seen = [&](const std::string& to) {
    const Stats s = TableStats(to, "main.events_partitioned");
    return SeenOf(s, src.stats[0], src.stats[1]);
  };
  // The COMMIT is the last step: no failure or crash at any step shows the new version.
  TrialEveryStep(
      dir,
      {.fresh =
           [&](const std::string& name) {
             const std::string to = dir / (name + ".db");
             fs::copy_file(base, to);
             return to;
           },
       .command = [&](const std::string& to) { return TablesRun(src.db[1], "bucket(3, id)", to); },
       .seen = seen,
       .settle =
           [&](const std::string& to, Seen before) {
             ASSERT_EQ(RunDuckpart({"recover", "--db", to}).exit_code, 0);
             EXPECT_EQ(seen(to), before);
             EXPECT_EQ(RunDuckpart({"validate", "--to-db", to}).exit_code, 0);
           },
       .new_can_show = false});
}

// What a backup file holds, read as a plain Parquet file; a file that does not read is a mix.
Stats FileStats(const std::string& file) {
  try {
    db::Database database(db::DatabaseOptions{.threads = 1});
    db::Connection conn(database);
    db::Result r = conn.Query(StatsSql("read_parquet(" + db::QuoteLiteral(file) + ")"));
    return {r.GetInt64(0, 0), r.GetString(0, 1)};
  } catch (const db::DbError&) {
    return {-1, "unreadable"};
  }
}

TEST(FaultSeam, EveryDurableStepOfABackupReplaceLeavesTheOldOrTheNewFile) {
  TempDir dir;
  const Sources src = MakeSources(dir);
  const std::string old_file = dir / "old.parquet";
  ASSERT_EQ(RunDuckpart({"backup", "--db", src.db[0], "--table", "events", "--to", old_file, "-q"})
                .exit_code,
            0);
  const auto backup = [&](const std::string& to) {
    return std::vector<std::string>{"backup", "--db",      src.db[1],   "--table", "events", "--to",
                                    to,       "--replace", "--threads", "1",       "-q"};
  };
  const auto seen = [&](const std::string& file) {
    const Stats s = FileStats(file);
    return SeenOf(s, src.stats[0], src.stats[1]);
  };
  TrialEveryStep(dir, {.fresh =
                           [&](const std::string& name) {
                             const fs::path folder = dir / name;
                             fs::create_directories(folder);
                             fs::copy_file(old_file, folder / "b.parquet");
                             return (folder / "b.parquet").string();
                           },
                       .command = backup,
                       .seen = seen,
                       .settle =
                           [&](const std::string& file, Seen) {
                             // The next backup removes what a killed one left beside the file.
                             ASSERT_EQ(RunDuckpart(backup(file)).exit_code, 0);
                             EXPECT_EQ(seen(file), Seen::kNew);
                             EXPECT_EQ(
                                 std::distance(fs::directory_iterator(fs::path(file).parent_path()),
                                               fs::directory_iterator{}),
                                 1);
                           },
                       .min_steps = 3});
}

TEST(FaultSeam, EveryDurableStepOfARestoreLeavesTheOldOrTheNewTable) {
  TempDir dir;
  const Sources src = MakeSources(dir);
  const std::string file = dir / "new.parquet";
  ASSERT_EQ(
      RunDuckpart({"backup", "--db", src.db[1], "--table", "events", "--to", file, "-q"}).exit_code,
      0);
  const auto seen = [&](const std::string& db) {
    const Stats s = TableStats(db, "events");
    return SeenOf(s, src.stats[0], src.stats[1]);
  };
  TrialEveryStep(dir, {.fresh =
                           [&](const std::string& name) {
                             const std::string to = dir / (name + ".db");
                             fs::copy_file(src.db[0], to);
                             return to;
                           },
                       .command =
                           [&](const std::string& db) {
                             return std::vector<std::string>{
                                 "restore", "--from",    file, "--db",      db, "--table",
                                 "events",  "--replace", "-q", "--threads", "1"};
                           },
                       .seen = seen,
                       .new_can_show = false});  // the COMMIT is its one durable step
}

}  // namespace
}  // namespace duckpart::testing

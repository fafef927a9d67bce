// duckpart removes, drops or replaces only what it can prove it made, on the database side:
// a replace keeps the objects a user put into a dataset's schema and a view the user
// redefined (it refuses, naming them); recover and cleanup --db touch neither DuckDB's own
// spill folder nor any table; a --to-db file that is not a database, a backup over a
// database's own files and ambiguous names are refused before any work. Each case compares
// a listing of files and objects before and after.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "db/database.h"
#include "support/dataset.h"
#include "support/listing.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

struct TablesDataset {
  TempDir dir;
  std::string source, parts;
  TablesDataset() {
    source = MakeDemo(dir / "src", 3'000);
    parts = dir / "parts.db";
    RunResult r = Run(false);
    if (r.exit_code != 0) throw std::runtime_error("first run failed: " + r.err);
  }
  RunResult Run(bool replace) const {
    std::vector<std::string> a = {"run",  "--db", source,    "--table", "events",
                                  "--by", "tag",  "--to-db", parts,     "--quiet"};
    if (replace) a.push_back("--replace");
    return RunDuckpart(a);
  }
  void Execute(const std::string& sql) const {
    db::Database d(db::DatabaseOptions{.path = parts});
    db::Connection(d).Execute(sql);
  }
};

void ExpectRefused(const RunResult& r, const std::string& words) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(DbOwnership, AReplaceKeepsWhatAUserPutIntoTheDatasetsSchemaAndSaysSo) {
  TablesDataset ds;
  ds.Execute(
      "CREATE TABLE events_parts.my_notes AS SELECT 42 AS answer; "
      "CREATE SEQUENCE events_parts.my_ids");
  const auto before = ObjectListing(ds.parts);
  ExpectRefused(ds.Run(true), "table my_notes");
  EXPECT_EQ(ObjectListing(ds.parts), before);
  ds.Execute("DROP TABLE events_parts.my_notes; DROP SEQUENCE events_parts.my_ids");
  EXPECT_EQ(ds.Run(true).exit_code, 0) << "with the user's objects gone, the replace runs";
}

TEST(DbOwnership, AReplaceKeepsAViewTheUserRedefined) {
  TablesDataset ds;
  ds.Execute("CREATE OR REPLACE VIEW main.events_partitioned AS SELECT 'mine' AS owner");
  const auto before = ObjectListing(ds.parts);
  ExpectRefused(ds.Run(true), "was redefined");
  EXPECT_EQ(ObjectListing(ds.parts), before);
}

TEST(DbOwnership, AReplaceOfDuckpartsOwnSchemaAndViewStillRuns) {
  TablesDataset ds;
  RunResult r = ds.Run(true);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ds.Run(true).exit_code, 0) << "the recorded view SQL matches again after a replace";
}

TEST(DbOwnership, CleanupDbKeepsDuckDbsOwnSpillFolderAndEveryTable) {
  TablesDataset ds;
  ds.Execute("CREATE TABLE main.__duckpartner_data AS SELECT 1 AS x");
  fs::create_directories(ds.parts + ".tmp");
  std::ofstream(ds.parts + ".tmp/duckdb_temp_storage_S32K-0.tmp") << "another process's spill";
  const auto files = FileListing(ds.dir.path());
  const auto objects = ObjectListing(ds.parts);
  for (const char* cmd : {"cleanup", "recover"}) {
    RunResult r = RunDuckpart({cmd, "--db", ds.parts});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(ObjectListing(ds.parts), objects);
  auto after = FileListing(ds.dir.path());
  after.erase("parts.db"), after.erase("parts.db.wal");  // CHECKPOINT may rewrite the file
  auto expected = files;
  expected.erase("parts.db"), expected.erase("parts.db.wal");
  EXPECT_EQ(after, expected);
}

TEST(DbOwnership, CleanupDbRemovesOnlyDuckDbSpillFilesFromDuckpartsSpillFolder) {
  TablesDataset ds;
  const fs::path spill = ds.parts + ".duckpart-tmp";
  fs::create_directories(spill);
  std::ofstream(spill / "duckdb_temp_storage_S32K-0.tmp") << std::string(4096, 'x');
  std::ofstream(spill / "duckdb_temp_block-7.block") << std::string(100, 'y');
  std::ofstream(spill / "notes.txt") << "mine";
  RunResult r = RunDuckpart({"cleanup", "--db", ds.parts, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["spill_files"], 2) << r.out;
  EXPECT_FALSE(fs::exists(spill / "duckdb_temp_storage_S32K-0.tmp"));
  EXPECT_FALSE(fs::exists(spill / "duckdb_temp_block-7.block"));
  EXPECT_TRUE(fs::exists(spill / "notes.txt")) << "a file duckpart did not make is kept";
  fs::remove(spill / "notes.txt");
  std::ofstream(spill / "duckdb_temp_storage_S32K-1.tmp") << "z";
  ASSERT_EQ(RunDuckpart({"recover", "--db", ds.parts}).exit_code, 0);
  EXPECT_FALSE(fs::exists(spill)) << "emptied, duckpart's own spill folder goes";
}

TEST(DbOwnership, RunToDbOfAFileThatIsNoDatabaseIsRefusedBeforeAnyWork) {
  TempDir dir;
  const std::string source = MakeDemo(dir / "src", 1'000);
  const std::string parquet = dir / "x.parquet", csv = dir / "x.csv", empty = dir / "e.db";
  {
    db::Database d(db::DatabaseOptions{});
    db::Connection(d).Execute("COPY (SELECT 1 AS a) TO " + db::QuoteLiteral(parquet) +
                              " (FORMAT parquet)");
  }
  std::ofstream(csv) << "a,b\n1,2\n";
  std::ofstream(empty).flush();
  const auto before = FileListing(dir.path());
  for (const auto& [file, words] : std::vector<std::pair<std::string, std::string>>{
           {parquet, "is a Parquet file"}, {csv, "not a DuckDB database"}, {empty, "empty file"}}) {
    ExpectRefused(RunDuckpart({"run", "--db", source, "--table", "events", "--by", "tag", "--to-db",
                               file, "--quiet"}),
                  words);
    ExpectRefused(RunDuckpart({"recover", "--db", file}), "not a DuckDB database");
    ExpectRefused(RunDuckpart({"cleanup", "--db", file}), "not a DuckDB database");
  }
  EXPECT_EQ(FileListing(dir.path()), before);
}

TEST(DbOwnership, BackupOverTheDatabasesOwnFilesIsRefused) {
  TempDir dir;
  const std::string source = MakeDemo(dir / "src", 1'000);
  fs::create_directories(source + ".tmp");
  std::ofstream(source + ".wal") << "committed but not yet checkpointed";
  const auto before = FileListing(dir.path());
  for (const std::string& to : {source + ".wal", source + ".tmp/events.parquet", source}) {
    ExpectRefused(RunDuckpart({"backup", "--db", source, "--table", "events", "--to", to,
                               "--replace", "--quiet"}),
                  "one of its own files");
  }
  EXPECT_EQ(FileListing(dir.path()), before);
}

TEST(DbOwnership, AKilledBackupsTempFileIsRemovedByTheNextBackup) {
  TempDir dir;
  const std::string source = MakeDemo(dir / "src", 1'000);
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string to = dir / "events.parquet";
  const std::string stale = to + ".duckpart-tmp-" + std::to_string(dead);
  const std::string alive = to + ".duckpart-tmp-" + std::to_string(::getpid());
  const std::string mine = to + ".duckpart-tmp-notes";
  for (const auto& f : {stale, alive, mine}) std::ofstream(f) << "x";
  RunResult r = RunDuckpart({"backup", "--db", source, "--table", "events", "--to", to, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(stale)) << "a dead process's temp file is duckpart's leftover";
  EXPECT_TRUE(fs::exists(alive)) << "a live process's temp file is in use";
  EXPECT_TRUE(fs::exists(mine)) << "a name without a pid is not duckpart's";
}

TEST(DbOwnership, NamesDuckDbCouldNotTellApartAreRefused) {
  TempDir dir;
  const std::string source = MakeDemo(dir / "src", 1'000);
  const std::string target = dir / "tgt.db";
  ExpectRefused(RunDuckpart({"run", "--db", source, "--table", "events", "--by", "tag", "--to-db",
                             target, "--schema", "TGT", "-q"}),
                "--schema 'TGT'");
  ExpectRefused(RunDuckpart({"run", "--db", source, "--table", "events", "--by", "tag", "--to-db",
                             target, "--view", "x.v", "-q"}),
                "--view 'x.v' has a dot");
  EXPECT_FALSE(fs::exists(target));
}

}  // namespace
}  // namespace duckpart::testing

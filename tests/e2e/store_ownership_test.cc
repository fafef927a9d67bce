// The store is duckpart's, but only what duckpart made in it is removed: a dataset whose
// link was moved stays whole under its new name, and entries a user put into the store
// are named and kept by recover and cleanup. Each test compares listings (size and hash
// of every file) before and after.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/dataset.h"
#include "support/listing.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

// The store's files, but for its lock file (duckpart's own, it holds the last locker's pid).
std::map<std::string, std::string> StoreListing(const std::string& dataset) {
  auto listing = FileListing(StoreOf(dataset));
  listing.erase("lock");
  return listing;
}

std::vector<std::string> MonthRun(const std::string& db, const std::string& target) {
  return {"run",       "--db", db,     "--table",   "events", "--by",
          "month(ts)", "--to", target, "--threads", "1",      "-q"};
}

TEST(StoreOwnership, AMovedLinkKeepsItsDatasetAndTheOldNameCannotTakeItsStore) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 2000);
  ASSERT_EQ(RunDuckpart(MonthRun(db, dir / "events")).exit_code, 0);
  fs::rename(dir / "events", dir / "events_2023");  // mv events events_2023
  const auto store = StoreListing(dir / "events");

  const RunResult again = RunDuckpart(MonthRun(db, dir / "events"));
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("events_2023"), std::string::npos) << again.err;
  EXPECT_EQ(std::count(again.err.begin(), again.err.end(), '\n'), 1) << again.err;
  for (const char* command : {"recover", "cleanup"}) {
    EXPECT_EQ(RunDuckpart({command, dir / "events_2023"}).exit_code, 0) << command;
  }
  EXPECT_EQ(StoreListing(dir / "events"), store);
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "events")));
  EXPECT_EQ(ParquetContent(dir / "events_2023"), SourceContent(db));
  EXPECT_EQ(
      RunDuckpart({"validate", dir / "events_2023", "--db", db, "--table", "events"}).exit_code, 0);
}

TEST(StoreOwnership, EntriesAUserPutIntoTheStoreAreNamedAndKept) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 2000);
  const std::string ds = dir / "events";
  ASSERT_EQ(RunDuckpart(MonthRun(db, ds)).exit_code, 0);
  std::ofstream(StoreOf(ds) / "notes.txt") << "mine\n";
  fs::create_directory(StoreOf(ds) / "exports");
  std::ofstream(StoreOf(ds) / "exports" / "a.parquet") << "not a parquet file";
  const auto before = StoreListing(ds);

  const RunResult rec = RunDuckpart({"recover", ds});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  EXPECT_NE(rec.out.find("2 unknown entries"), std::string::npos) << rec.out;
  const RunResult clean = RunDuckpart({"cleanup", ds, "--orphans", "--json"});
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  const auto j = nlohmann::json::parse(clean.out);
  EXPECT_TRUE(j["removed"].empty()) << clean.out;
  const std::string store = StoreOf(ds).filename().string();
  EXPECT_EQ(j["kept"], nlohmann::json({store + "/exports", store + "/notes.txt"})) << clean.out;
  const RunResult text = RunDuckpart({"cleanup", ds});
  EXPECT_NE(text.out.find("kept " + store + "/notes.txt"), std::string::npos) << text.out;
  EXPECT_EQ(StoreListing(ds), before);

  // The next replace keeps them too, and publishes beside them.
  std::vector<std::string> replace = MonthRun(db, ds);
  replace.push_back("--replace");
  ASSERT_EQ(RunDuckpart(replace).exit_code, 0);
  EXPECT_EQ(ReadFile(StoreOf(ds) / "notes.txt"), "mine\n");
  EXPECT_EQ(ReadFile(StoreOf(ds) / "exports" / "a.parquet"), "not a parquet file");
  EXPECT_EQ(ParquetContent(ds), SourceContent(db));
}

}  // namespace
}  // namespace duckpart::testing

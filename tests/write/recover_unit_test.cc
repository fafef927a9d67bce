// Recovery and cleanup on every state a crash can leave, each made by hand: the store
// as a killed run leaves it between two of its steps.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/recover.h"
#include "duckpart/run.h"
#include "duckpart/spec.h"
#include "store/dataset_store.h"
#include "store/fs.h"
#include "support/temp_dir.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;
using store::DatasetStore;
using testing::TempDir;

class RecoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = dir_ / "source.db";
    db::Database database(db::DatabaseOptions{.path = source_});
    db::Connection conn(database);
    conn.Execute(
        "CREATE TABLE t AS SELECT i AS id, DATE '2024-01-01' + CAST(i % 90 AS INTEGER) AS d "
        "FROM range(3000) r(i)");
    fs::create_directories(dir_ / "out");
    target_ = dir_ / "out/ds";
  }

  // Publishes a version of the dataset, as `duckpart run [--replace] --version-grace 0s` does
  // (no grace period: the states below are made by hand).
  int64_t Publish() {
    Workspace ws(SourceOptions{.db_path = source_, .table = "t"},
                 EngineOptions{.memory_limit = "256MB", .threads = 1});
    return RunToParquet(ws, ParseSpec("month(d)"),
                        RunOptions{.target = target_, .replace = true, .version_grace_seconds = 0})
        .manifest.version;
  }

  static void Touch(const fs::path& p, const std::string& text = "x") {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }

  // A copy of the current version under another version number (a complete version).
  fs::path CopyVersion(int64_t from, int64_t to) {
    DatasetStore s(target_);
    fs::copy(s.VersionDir(from), s.VersionDir(to), fs::copy_options::recursive);
    return s.VersionDir(to);
  }

  TempDir dir_;
  std::string source_, target_;
};

TEST_F(RecoverTest, NothingToRecoverOnAFreshTargetOrACleanDataset) {
  RecoverReport r = Recover(target_);
  EXPECT_EQ(r.outcome, "nothing to recover");
  EXPECT_FALSE(fs::exists(dir_ / "out/.ds.duckpart"));  // nothing made
  Publish();
  r = Recover(target_);
  EXPECT_EQ(r.outcome, "nothing to recover");
  EXPECT_EQ(r.version, 1);
  EXPECT_NE(r.summary.find("is at version 1"), std::string::npos) << r.summary;
}

TEST_F(RecoverTest, KilledWhileWritingRollsBackTheStagingFolder) {
  Publish();
  DatasetStore s(target_);
  const fs::path staging = s.NewStaging();
  Touch(staging / "raw/__dp_pid=0/data_0.parquet");
  RecoverReport r = Recover(target_);
  EXPECT_EQ(r.outcome, "rolled back");
  EXPECT_NE(r.summary.find("stays at version 1"), std::string::npos) << r.summary;
  ASSERT_FALSE(r.actions.empty());
  EXPECT_NE(r.actions[0].find(staging.filename().string()), std::string::npos) << r.actions[0];
  EXPECT_FALSE(fs::exists(staging));
  EXPECT_EQ(s.CurrentVersion(), 1);
  EXPECT_TRUE(fs::exists(s.VersionDir(1) / kManifestFile));
  EXPECT_EQ(Recover(target_).outcome, "nothing to recover");  // idempotent
}

TEST_F(RecoverTest, KilledBeforeTheLinkSwapRollsBackTheUnpublishedVersion) {
  Publish();
  DatasetStore s(target_);
  CopyVersion(1, 2);  // renamed into place, not yet linked
  fs::create_directories(s.store() / "staging-1-1");
  RecoverReport r = Recover(target_);
  EXPECT_EQ(r.outcome, "rolled back");
  EXPECT_FALSE(fs::exists(s.VersionDir(2)));
  EXPECT_EQ(s.CurrentVersion(), 1);
  EXPECT_EQ(InspectStore(target_).leftovers.size(), 0u);
}

TEST_F(RecoverTest, KilledInsideTheLinkSwapRemovesTheNewLinkAndTheVersion) {
  Publish();
  DatasetStore s(target_);
  CopyVersion(1, 2);
  const std::string temp = target_ + store::kLinkTempSuffix;
  fs::create_symlink(".ds.duckpart/v000002", temp);
  const StoreStatus st = InspectStore(target_);
  ASSERT_EQ(st.leftovers.size(), 2u);
  EXPECT_EQ(st.leftovers[0].kind, StoreItem::Kind::kLinkTemp);
  EXPECT_EQ(st.leftovers[0].version, 2);
  RecoverReport r = Recover(target_);
  EXPECT_EQ(r.outcome, "rolled back");
  EXPECT_FALSE(fs::exists(fs::symlink_status(temp)));
  EXPECT_FALSE(fs::exists(s.VersionDir(2)));
  EXPECT_EQ(s.CurrentVersion(), 1);
}

TEST_F(RecoverTest, KilledAfterTheLinkSwapCompletesByRemovingTheSupersededVersion) {
  Publish();
  DatasetStore s(target_);
  CopyVersion(1, 2);
  fs::create_directories(s.store() / "staging-1-1");  // emptied by the rename of its data
  s.Publish(2);
  RecoverReport r = Recover(target_);
  EXPECT_EQ(r.outcome, "completed");
  EXPECT_NE(r.summary.find("is at version 2"), std::string::npos) << r.summary;
  bool named = false;
  for (const auto& a : r.actions)
    named |= a.find("superseded version .ds.duckpart/v000001") != std::string::npos;
  EXPECT_TRUE(named);
  EXPECT_FALSE(fs::exists(s.VersionDir(1)));
  EXPECT_TRUE(fs::exists(s.VersionDir(2) / kManifestFile));
  EXPECT_EQ(s.CurrentVersion(), 2);
}

TEST_F(RecoverTest, AFirstRunKilledBeforeItsCommitLeavesNoDataset) {
  DatasetStore s(target_);
  fs::create_directories(s.store());
  Touch(s.store() / "lock", "999999\n");
  Touch(s.VersionDir(1) / kManifestFile, "{}");
  Touch(s.NewStaging() / "data/a=1/data_0.parquet");
  Touch(s.store() / "tmp/duckdb_temp_storage-0.tmp", std::string(1000, 'x'));
  RecoverReport r = Recover(target_);
  EXPECT_EQ(r.outcome, "rolled back");
  EXPECT_NE(r.summary.find("holds no dataset, as before the run"), std::string::npos) << r.summary;
  EXPECT_FALSE(fs::exists(fs::symlink_status(target_)));
  EXPECT_FALSE(fs::exists(s.VersionDir(1)));
  EXPECT_TRUE(fs::is_empty(s.store() / "tmp"));
  bool spill = false, dead = false;
  for (const auto& a : r.actions) {
    spill |= a.find("spilled data") != std::string::npos;
    dead |= a.find("process 999999, which is no longer running") != std::string::npos;
  }
  EXPECT_TRUE(spill);
  EXPECT_TRUE(dead);
}

TEST_F(RecoverTest, BothAnUnfinishedAndAnUnremovedVersionAreHandled) {
  Publish();
  DatasetStore s(target_);
  CopyVersion(1, 2);
  s.Publish(2);
  CopyVersion(2, 3);  // a later run that died before its swap
  RecoverReport r = Recover(target_);
  EXPECT_EQ(r.outcome, "rolled back and completed");
  EXPECT_EQ(s.CurrentVersion(), 2);
  EXPECT_FALSE(fs::exists(s.VersionDir(1)));
  EXPECT_FALSE(fs::exists(s.VersionDir(3)));
}

TEST_F(RecoverTest, DryRunChangesNothing) {
  Publish();
  DatasetStore s(target_);
  CopyVersion(1, 2);
  RecoverReport r = Recover(target_, /*dry_run=*/true);
  EXPECT_EQ(r.outcome, "rolled back");
  EXPECT_NE(r.summary.find("dry run"), std::string::npos);
  EXPECT_EQ(r.actions[0].rfind("would remove", 0), 0u) << r.actions[0];
  EXPECT_TRUE(fs::exists(s.VersionDir(2)));
}

TEST_F(RecoverTest, ALiveWriterMakesRecoverAndCleanupRefuse) {
  Publish();
  DatasetStore s(target_);
  fs::create_directories(s.store() / "staging-1-1");
  store::StoreLock held(s);  // another open file description: as another process
  const StoreStatus st = InspectStore(target_);
  EXPECT_TRUE(st.locked);
  EXPECT_EQ(st.lock_pid, getpid());
  try {
    Recover(target_);
    FAIL() << "no exception";
  } catch (const BusyError& e) {
    EXPECT_NE(std::string(e.what()).find("is working on"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(std::to_string(getpid())), std::string::npos) << e.what();
  }
  EXPECT_THROW(Cleanup(target_, {}), BusyError);
  EXPECT_TRUE(fs::exists(s.store() / "staging-1-1"));
}

TEST_F(RecoverTest, ForeignTargetsAndMissingFoldersAreInputErrors) {
  Touch(dir_ / "out/plain/file.txt");
  EXPECT_THROW(Recover(dir_ / "out/plain"), InputError);
  EXPECT_THROW(Cleanup(dir_ / "out/plain", {}), InputError);
  EXPECT_THROW(Recover(dir_ / "nowhere/ds"), InputError);
  EXPECT_TRUE(fs::exists(dir_ / "out/plain/file.txt"));
}

TEST_F(RecoverTest, ALinkToAMissingVersionIsRefusedAndNothingIsRemoved) {
  Publish();
  DatasetStore s(target_);
  CopyVersion(1, 0);
  store::ReplaceSymlink(".ds.duckpart/v000007", target_);
  EXPECT_THROW(Recover(target_), CheckFailed);
  EXPECT_TRUE(fs::exists(s.VersionDir(1)));
  EXPECT_TRUE(fs::exists(s.VersionDir(0)));
}

TEST_F(RecoverTest, AVersionAnotherLinkPublishesIsKept) {
  Publish();
  DatasetStore s(target_);
  CopyVersion(1, 2);
  s.Publish(2);
  fs::create_symlink(".ds.duckpart/v000001", dir_ / "out/ds-as-of-yesterday");
  const StoreStatus st = InspectStore(target_);
  EXPECT_EQ(st.other_links, std::vector<std::string>{"ds-as-of-yesterday"});
  EXPECT_EQ(Recover(target_).outcome, "nothing to recover");
  EXPECT_TRUE(fs::exists(s.VersionDir(1)));
}

TEST_F(RecoverTest, CleanupListsOrphansAndRemovesThemOnlyWhenAsked) {
  Publish();
  DatasetStore s(target_);
  const fs::path v = s.VersionDir(1);
  Touch(v / "d_month=2024-01/stray.parquet", "not parquet");
  Touch(v / "notes/readme.txt", "mine");
  Touch(s.store() / "mystery.bin");  // unknown entry: recover leaves it, cleanup removes it
  CopyVersion(1, 2);
  s.Publish(2);
  CopyVersion(2, 3);
  // Recover handles the versions, not the unknown entry.
  RecoverReport rec = Recover(target_, true);
  bool mentions = false;
  for (const auto& a : rec.actions) mentions |= a.find("unknown entr") != std::string::npos;
  EXPECT_TRUE(mentions);

  CleanupReport dry = Cleanup(target_, {.dry_run = true, .orphans = true});
  EXPECT_EQ(dry.removed.size(), 2u);  // v000001, v000003; mystery.bin is not duckpart's: kept
  EXPECT_EQ(dry.orphans,
            (std::vector<std::string>{"d_month=2024-01/stray.parquet", "notes/readme.txt"}));
  EXPECT_TRUE(fs::exists(s.VersionDir(1)));
  EXPECT_TRUE(fs::exists(s.VersionDir(2) / "notes/readme.txt"));

  CleanupReport keep = Cleanup(target_, {});
  EXPECT_EQ(keep.removed.size(), 2u);
  EXPECT_FALSE(keep.orphans_removed);
  EXPECT_FALSE(fs::exists(s.VersionDir(1)));
  EXPECT_FALSE(fs::exists(s.VersionDir(3)));
  EXPECT_TRUE(fs::exists(s.store() / "mystery.bin"));  // named, never removed
  EXPECT_TRUE(fs::exists(s.VersionDir(2) / "notes/readme.txt"));

  CleanupReport rm = Cleanup(target_, {.orphans = true});
  EXPECT_TRUE(rm.orphans_removed);
  EXPECT_EQ(rm.orphans.size(), 2u);
  EXPECT_FALSE(fs::exists(s.VersionDir(2) / "d_month=2024-01/stray.parquet"));
  EXPECT_FALSE(fs::exists(s.VersionDir(2) / "notes"));           // a folder of orphans only
  EXPECT_TRUE(fs::exists(s.VersionDir(2) / "d_month=2024-01"));  // a partition stays
  EXPECT_TRUE(Cleanup(target_, {}).orphans.empty());
}

TEST_F(RecoverTest, CleanupOfAFailedFirstRunLeavesNothing) {
  DatasetStore s(target_);
  { store::StoreLock lock(s); }  // what a first run that failed on bad input leaves
  ASSERT_TRUE(fs::exists(s.store() / "lock"));
  CleanupReport r = Cleanup(target_, {});
  EXPECT_TRUE(r.store_removed);
  EXPECT_TRUE(fs::is_empty(dir_ / "out"));
}

TEST(DatasetStorePublish, AnEmptyTargetFolderBecomesTheLinkAtomically) {
  TempDir dir;
  fs::create_directories(dir / "ds");
  DatasetStore s(dir / "ds");
  fs::create_directories(s.VersionDir(1));
  ASSERT_EQ(s.Inspect(), DatasetStore::TargetState::kEmptyDir);
  s.Publish(1);
  EXPECT_EQ(s.Inspect(), DatasetStore::TargetState::kDataset);
  EXPECT_EQ(s.CurrentVersion(), 1);
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / ("ds" + std::string(store::kLinkTempSuffix)))));
}

TEST(DatasetStorePublish, AFolderThatIsNotEmptyIsNeverReplaced) {
  TempDir dir;
  fs::create_directories(dir / "ds");
  std::ofstream(dir / "ds/mine.txt") << "mine";
  DatasetStore s(dir / "ds");
  fs::create_directories(s.VersionDir(1));
  EXPECT_THROW(s.Publish(1), RuntimeFailure);
  EXPECT_TRUE(fs::exists(dir / "ds/mine.txt"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / ("ds" + std::string(store::kLinkTempSuffix)))));
}

TEST(DatasetStoreVersionNames, RoundTrip) {
  EXPECT_EQ(DatasetStore::VersionName(2), "v000002");
  EXPECT_EQ(DatasetStore::ParseVersionName("v000002"), 2);
  EXPECT_EQ(DatasetStore::ParseVersionName("v1234567"), 1234567);
  EXPECT_EQ(DatasetStore::ParseVersionName("v"), std::nullopt);
  EXPECT_EQ(DatasetStore::ParseVersionName("v12x"), std::nullopt);
  EXPECT_EQ(DatasetStore::ParseVersionName("staging-1"), std::nullopt);
}

}  // namespace
}  // namespace duckpart

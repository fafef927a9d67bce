// The retention policy: which superseded versions stay (the N newest, and those inside their
// grace period), from the times the store records, and never shorter than the truth.
#include "store/version_retention.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "duckpart/error.h"
#include "support/temp_dir.h"

namespace duckpart::store {
namespace {

namespace fs = std::filesystem;

std::set<int64_t> Keys(const std::map<int64_t, std::string>& m) {
  std::set<int64_t> out;
  for (const auto& [k, v] : m) out.insert(k);
  return out;
}

TEST(VersionRetention, TheDefaultKeepsOnlyTheCurrentOncePastTheGracePeriod) {
  const VersionTimes times{.published_at = {{2, 1000}, {3, 2000}}, .link_swapped_at = 2000};
  const RetentionPolicy p;  // keep 1, 600 s
  EXPECT_EQ(Keys(KeptByPolicy(3, {1, 2}, times, p, 2000 + 599)), (std::set<int64_t>{2}));
  EXPECT_EQ(Keys(KeptByPolicy(3, {1, 2}, times, p, 2000 + 600)), (std::set<int64_t>{}));
}

TEST(VersionRetention, EachVersionsGraceCountsFromWhenItsSuccessorWasPublished) {
  // v1 superseded at 1000 (v2 published), v2 at 5000 (v3 published).
  const VersionTimes times{.published_at = {{2, 1000}, {3, 5000}}, .link_swapped_at = 5000};
  const auto kept = KeptByPolicy(3, {1, 2}, times, RetentionPolicy{.grace_seconds = 3000}, 4500);
  EXPECT_EQ(Keys(kept), (std::set<int64_t>{2}));
  EXPECT_NE(kept.at(2).find("grace period for 3500 s"), std::string::npos) << kept.at(2);
}

TEST(VersionRetention, KeepVersionsKeepsTheNNewestWhateverTheirAge) {
  const VersionTimes times{.published_at = {{2, 10}, {3, 20}, {4, 30}, {5, 40}},
                           .link_swapped_at = 40};
  const RetentionPolicy p{.keep_versions = 3, .grace_seconds = 0};
  const auto kept = KeptByPolicy(5, {1, 2, 3, 4}, times, p, 100000);
  EXPECT_EQ(Keys(kept), (std::set<int64_t>{3, 4}));
  EXPECT_NE(kept.at(3).find("3 newest"), std::string::npos) << kept.at(3);
}

TEST(VersionRetention, AnUnrecordedSupersessionCountsFromTheLastLinkSwap) {
  // The writer of v3 was killed between the swap and its record: v2's successor has no
  // time, so v2 counts as superseded at the link's swap (the later bound), never earlier;
  // v1 was superseded when v2 was published, as recorded.
  const VersionTimes times{.published_at = {{2, 1000}}, .link_swapped_at = 9000};
  EXPECT_EQ(Keys(KeptByPolicy(3, {1, 2}, times, RetentionPolicy{}, 9000 + 300)),
            (std::set<int64_t>{2}));
  EXPECT_EQ(Keys(KeptByPolicy(3, {1, 2}, times, RetentionPolicy{}, 9000 + 600)),
            (std::set<int64_t>{}));
}

TEST(VersionRetention, GraceZeroKeepsNothingButTheCurrent) {
  const VersionTimes times{.published_at = {{2, 1000}}, .link_swapped_at = 1000};
  EXPECT_TRUE(KeptByPolicy(2, {1}, times, RetentionPolicy{.grace_seconds = 0}, 1000).empty());
}

TEST(VersionRetention, CountsAndDurationsOutOfBoundsAreInputErrors) {
  EXPECT_THROW(CheckRetentionPolicy({.keep_versions = 0}), InputError);
  EXPECT_THROW(CheckRetentionPolicy({.keep_versions = kMaxKeepVersions + 1}), InputError);
  EXPECT_THROW(CheckRetentionPolicy({.grace_seconds = -1}), InputError);
  EXPECT_THROW(CheckRetentionPolicy({.grace_seconds = kMaxGraceSeconds + 1}), InputError);
  EXPECT_NO_THROW(CheckRetentionPolicy({.keep_versions = kMaxKeepVersions, .grace_seconds = 0}));
}

TEST(VersionRetention, FinishPublishRecordsThePolicyAndTheTimeAndRemovesOnlyWhatItLetsGo) {
  testing::TempDir dir;
  DatasetStore s(dir / "ds");
  for (int v = 1; v <= 3; ++v) fs::create_directories(s.VersionDir(v));
  fs::create_directories(s.store() / "staging-1-2");
  s.Mark();
  s.Publish(3);
  const RetentionPolicy p{.keep_versions = 2, .grace_seconds = 0};
  EXPECT_EQ(FinishPublish(s, 3, p), 2u);  // v1 and the staging folder; v2 is one of the 2 newest
  EXPECT_FALSE(fs::exists(s.VersionDir(1)));
  EXPECT_TRUE(fs::exists(s.VersionDir(2)));
  EXPECT_FALSE(fs::exists(s.store() / "staging-1-2"));
  const RetentionPolicy recorded = RecordedPolicy(s);
  EXPECT_EQ(recorded.keep_versions, 2);
  EXPECT_EQ(recorded.grace_seconds, 0);
  EXPECT_EQ(s.LastPublished(), 3);
  EXPECT_EQ(ReadVersionTimes(s).published_at.count(3), 1u);
}

TEST(VersionRetention, AStoreWithoutARecordKeepsItsVersionsForTheDefaultGrace) {
  testing::TempDir dir;
  DatasetStore s(dir / "ds");
  for (int v = 1; v <= 2; ++v) fs::create_directories(s.VersionDir(v));
  s.Mark();
  s.Publish(2);  // just now: the link's mtime
  EXPECT_EQ(RecordedPolicy(s).grace_seconds, kDefaultGraceSeconds);
  EXPECT_EQ(Keys(KeptVersions(s, RecordedPolicy(s))), (std::set<int64_t>{1}));
  EXPECT_TRUE(s.Leftovers().empty());
}

}  // namespace
}  // namespace duckpart::store

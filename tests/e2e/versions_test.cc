// Kept versions (issues 11 and 15): --keep-versions N and --version-grace on run, `query
// --version N`, `path`, what `info` lists and what `cleanup` and `recover` remove.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/dataset.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"
#include "support/tree_snapshot.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Version n of the dataset holds 100 * n rows, so each version is told by its count.
std::vector<std::string> RunVersion(const std::string& ds, int n,
                                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> a = {
      "run",
      "--query",
      "SELECT i AS id, i % 5 AS k FROM range(" + std::to_string(100 * n) + ") t(i)",
      "--by",
      "k",
      "--to",
      ds,
      "--threads",
      "1",
      "--quiet"};
  if (n > 1) a.push_back("--replace");
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

std::string Count(const std::string& ds, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> a = {"query", ds, "SELECT count(*) AS n FROM dataset"};
  a.insert(a.end(), extra.begin(), extra.end());
  const RunResult r = RunDuckpart(a);
  if (r.exit_code != 0) return "exit " + std::to_string(r.exit_code) + ": " + r.err;
  return r.out;
}

json Info(const std::string& ds) { return json::parse(RunDuckpart({"info", ds, "--json"}).out); }

class Versions : public ::testing::Test {
 protected:
  void Write(int n, const std::vector<std::string>& extra = {}) {
    const RunResult r = RunDuckpart(RunVersion(ds_, n, extra));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  TempDir dir_;
  const std::string ds_ = dir_ / "ds";
};

TEST_F(Versions, KeepVersionsKeepsTheNNewestAndQueryReadsEachOfThem) {
  for (int n = 1; n <= 4; ++n) Write(n, {"--keep-versions", "3", "--version-grace", "0s"});
  EXPECT_EQ(Info(ds_)["kept_versions"], json::parse("[2, 3, 4]"));
  EXPECT_FALSE(fs::exists(StoreOf(ds_) / "v000001"));
  EXPECT_EQ(Count(ds_), "n\n400\n");
  EXPECT_EQ(Count(ds_, {"--version", "2"}), "n\n200\n");
  EXPECT_EQ(Count(ds_, {"--version", "3"}), "n\n300\n");
  EXPECT_EQ(Count(ds_, {"--version", "4"}), "n\n400\n");
  const RunResult gone = RunDuckpart({"query", ds_, "SELECT 1", "--version", "1"});
  EXPECT_EQ(gone.exit_code, 2);
  EXPECT_NE(gone.err.find("version 1 of '" + ds_ + "' is not kept; kept versions: 2, 3, 4"),
            std::string::npos)
      << gone.err;
  // A later write that keeps fewer lets the oldest go.
  Write(5, {"--keep-versions", "2", "--version-grace", "0s"});
  EXPECT_EQ(Info(ds_)["kept_versions"], json::parse("[4, 5]"));
}

TEST_F(Versions, TheSupersededVersionStaysForTheGracePeriodThenCleanupRemovesIt) {
  Write(1);
  Write(2);  // default grace: 10 minutes
  EXPECT_EQ(Info(ds_)["kept_versions"], json::parse("[1, 2]"));
  EXPECT_EQ(Count(ds_, {"--version", "1"}), "n\n100\n");
  RunResult c = RunDuckpart({"cleanup", ds_, "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  json j = json::parse(c.out);
  EXPECT_TRUE(j["removed"].empty()) << c.out;
  ASSERT_EQ(j["kept_versions"].size(), 1u) << c.out;
  EXPECT_EQ(j["kept_versions"][0]["version"], 1);
  EXPECT_NE(j["kept_versions"][0]["reason"].get<std::string>().find("grace period"),
            std::string::npos);
  const RunResult rec = RunDuckpart({"recover", ds_, "--json"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  EXPECT_EQ(json::parse(rec.out)["outcome"], "nothing to recover");
  EXPECT_TRUE(fs::is_directory(StoreOf(ds_) / "v000001"));

  // Eleven minutes later (as the marker records it): past the grace period.
  const fs::path marker = StoreOf(ds_) / "_duckpart_store";
  json m = json::parse(ReadFile(marker.string()));
  m["published_at"]["2"] = static_cast<int64_t>(std::time(nullptr)) - 660;
  std::ofstream(marker) << m.dump();
  c = RunDuckpart({"cleanup", ds_, "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  j = json::parse(c.out);
  ASSERT_EQ(j["removed"].size(), 1u) << c.out;
  EXPECT_EQ(j["removed"][0]["kind"], "superseded version");
  EXPECT_FALSE(fs::exists(StoreOf(ds_) / "v000001"));
  EXPECT_EQ(Info(ds_)["kept_versions"], json::parse("[2]"));
}

TEST_F(Versions, TheNextWriteRemovesVersionsPastTheirGraceAndKeepsTheOnesInside) {
  Write(1);
  Write(2);
  const fs::path marker = StoreOf(ds_) / "_duckpart_store";
  json m = json::parse(ReadFile(marker.string()));
  m["published_at"]["2"] = static_cast<int64_t>(std::time(nullptr)) - 660;  // v1: past
  std::ofstream(marker) << m.dump();
  Write(3);  // supersedes v2 now: inside its grace period
  EXPECT_EQ(Info(ds_)["kept_versions"], json::parse("[2, 3]"));
}

TEST_F(Versions, GraceZeroRemovesTheSupersededVersionAtOnce) {
  Write(1, {"--version-grace", "0s"});
  Write(2, {"--version-grace", "0s"});
  EXPECT_FALSE(fs::exists(StoreOf(ds_) / "v000001"));
  EXPECT_EQ(Info(ds_)["kept_versions"], json::parse("[2]"));
}

TEST_F(Versions, TheConfigurationKeysSetThePolicy) {
  Write(1, {});
  const RunResult r =
      RunDuckpart(RunVersion(ds_, 2), {"DUCKPART_KEEP_VERSIONS=2", "DUCKPART_VERSION_GRACE=0s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = json::parse(ReadFile((StoreOf(ds_) / "_duckpart_store").string()));
  EXPECT_EQ(m["retention"]["keep_versions"], 2);
  EXPECT_EQ(m["retention"]["grace_seconds"], 0);
}

TEST_F(Versions, PathPrintsTheCurrentVersionsOwnFolder) {
  Write(1, {"--keep-versions", "2"});
  Write(2, {"--keep-versions", "2"});
  RunResult p = RunDuckpart({"path", ds_});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(p.out, fs::canonical(StoreOf(ds_) / "v000002").string() + "\n");
  p = RunDuckpart({"path", ds_, "--version", "1", "--json"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const json j = json::parse(p.out);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["path"], fs::canonical(StoreOf(ds_) / "v000001").string());
  EXPECT_EQ(RunDuckpart({"path", ds_, "--version", "7"}).exit_code, 2);
  EXPECT_EQ(RunDuckpart({"path", dir_ / "nothing"}).exit_code, 2);
}

TEST_F(Versions, BadRetentionValuesAreRefusedBeforeAnyWork) {
  Write(1);
  const TreeSnapshot before = Snapshot(dir_.path());
  for (const auto& extra : std::vector<std::vector<std::string>>{{"--keep-versions", "0"},
                                                                 {"--keep-versions", "1001"},
                                                                 {"--version-grace", "ten"},
                                                                 {"--version-grace", "400d"}}) {
    SCOPED_TRACE(extra[0] + " " + extra[1]);
    const RunResult r = RunDuckpart(RunVersion(ds_, 2, extra));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(extra[0]), std::string::npos) << r.err;
    EXPECT_EQ(Snapshot(dir_.path()), before);
  }
}

}  // namespace
}  // namespace duckpart::testing

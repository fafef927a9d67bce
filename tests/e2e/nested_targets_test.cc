// Targets and sources that nest (issue 15, item 3), and user files inside a dataset that
// `run --replace` would have deleted (issue 18, item 3): each refused before any work, exit 2,
// one line, everything under the working folder byte-identical before and after.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/dataset.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"
#include "support/tree_snapshot.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

const char* kSource = "SELECT i AS id, i % 3 AS k, 'v' || i AS tag FROM range(300) t(i)";

std::vector<std::string> RunCmd(const std::vector<std::string>& source, const std::string& to,
                                bool replace) {
  std::vector<std::string> a = {"run"};
  a.insert(a.end(), source.begin(), source.end());
  for (const char* s : {"--by", "k", "--threads", "1", "--quiet", "--to"}) a.push_back(s);
  a.push_back(to);
  if (replace) a.push_back("--replace");
  return a;
}

class Nesting : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunDuckpart(RunCmd({"--query", kSource}, self_, false)).exit_code, 0);
  }
  // The command is refused with exit 2, one line containing `says`, and nothing changes.
  void ExpectRefused(const std::vector<std::string>& args, const std::string& says) {
    const TreeSnapshot before = Snapshot(dir_.path());
    const RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(Snapshot(dir_.path()), before) << "a refused run changed the folder";
  }
  TempDir dir_;
  const std::string self_ = dir_ / "self";
};

TEST_F(Nesting, ATargetInsideADatasetIsRefused) {
  ExpectRefused(RunCmd({"--query", kSource}, self_ + "/inner", false), "lies inside the dataset");
  ExpectRefused(RunCmd({"--query", kSource}, self_ + "/k_identity=1/inner", false), "lies inside");
}

TEST_F(Nesting, ATargetInsideAStoreOrNamedLikeOneIsRefused) {
  ExpectRefused(RunCmd({"--query", kSource}, dir_ / ".self.duckpart/x", false),
                "lies inside the dataset or store");
  ExpectRefused(RunCmd({"--query", kSource}, dir_ / ".other.duckpart", false),
                "has the name of a duckpart store");
}

TEST_F(Nesting, ASourceInsideTheTargetIsRefused) {
  ExpectRefused(RunCmd({"--from", self_ + "/**/*.parquet"}, self_, true),
                "the source files '" + fs::canonical(self_).string());
  ExpectRefused(RunCmd({"--from", dir_ / ".self.duckpart/v000001/k=1/*.parquet"}, self_, true),
                "lies inside the target");
  // The dataset's files as the source of another target are fine.
  const RunResult copy = RunDuckpart({"run", "--from", self_ + "/**/*.parquet", "--by",
                                      "bucket(2, id)", "--to", dir_ / "copy", "--quiet"});
  EXPECT_EQ(copy.exit_code, 0) << copy.err;
}

TEST_F(Nesting, ADatabaseSourceInsideTheTargetIsRefused) {
  const std::string db = dir_ / "src.db";
  {
    Session s;
    s.conn().Execute("ATTACH " + db::QuoteLiteral(db) + " AS f");
    s.conn().Execute(std::string("CREATE TABLE f.t AS ") + kSource);
  }
  fs::copy_file(db, fs::path(self_) / "src.db");
  ExpectRefused(RunCmd({"--db", self_ + "/src.db", "--table", "t"}, self_, true),
                "the source database");
  EXPECT_EQ(RunDuckpart(RunCmd({"--db", db, "--table", "t"}, dir_ / "fine", false)).exit_code, 0);
}

TEST_F(Nesting, AReplaceOfADatasetHoldingAnotherDatasetIsRefusedNamingIt) {
  // Made by hand as an older duckpart allowed: a dataset moved inside this one's version.
  ASSERT_EQ(RunDuckpart(RunCmd({"--query", kSource}, dir_ / "other", false)).exit_code, 0);
  const fs::path version = fs::canonical(self_);
  fs::rename(dir_ / ".other.duckpart", version / ".other.duckpart");
  fs::rename(dir_ / "other", version / "other");
  ExpectRefused(RunCmd({"--query", kSource}, self_, true), ".other.duckpart/");
  EXPECT_TRUE(fs::exists(fs::path(self_) / "other/_duckpart/manifest.json"));
}

TEST_F(Nesting, AReplaceKeepsUserFilesByRefusingAndNamingThem) {
  const nlohmann::json manifest = ManifestJson(self_);
  const auto& part = manifest["partitions"][0];
  const std::string mine = part["path"].get<std::string>() + "/mine.parquet";
  std::ofstream(fs::path(self_) / "README.txt") << "my notes\n";
  fs::copy_file(fs::path(self_) / part["files"][0]["path"].get<std::string>(),
                fs::path(self_) / mine);
  ExpectRefused(RunCmd({"--query", kSource}, self_, true), "2 file(s) duckpart did not write");
  const RunResult r = RunDuckpart(RunCmd({"--query", kSource}, self_, true));
  EXPECT_NE(r.err.find("README.txt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(mine), std::string::npos) << r.err;
  // Moved out, the replace goes ahead.
  fs::remove(fs::path(self_) / "README.txt");
  fs::remove(fs::path(self_) / mine);
  EXPECT_EQ(RunDuckpart(RunCmd({"--query", kSource}, self_, true)).exit_code, 0);
  EXPECT_EQ(LinkTarget(self_), ".self.duckpart/v000002");
}

}  // namespace
}  // namespace duckpart::testing

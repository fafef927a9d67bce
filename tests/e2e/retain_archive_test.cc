// End-to-end: `retain --archive DEST` puts the dropped partitions' rows into another dataset
// (created with the source's spec, or appended to), verified there, before they leave the
// source; a crash at any step leaves every row in at least one place, and running the same
// retain again completes it without duplicates.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/dataset.h"
#include "support/fault_trace.h"
#include "support/lifecycle.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kBefore = "ts < TIMESTAMP '2023-03-01'";
constexpr const char* kKept = "ts >= TIMESTAMP '2023-03-01'";

void ExpectValid(const std::string& ds, int64_t rows) {
  const RunResult v = RunDuckpart({"validate", ds, "--json"});
  ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(json::parse(v.out)["rows"].get<int64_t>(), rows);
}

std::vector<std::string> Retain(const std::string& ds, const std::string& cutoff,
                                const std::string& archive) {
  return {"retain", ds, "--older-than", cutoff, "--archive", archive, "--quiet"};
}

class RetainArchive : public ::testing::Test {
 protected:
  void SetUp() override {
    src_ = MakeDemo(dir_ / "src", 3000);
    ds_ = dir_ / "ds";
    const RunResult r = RunDuckpart(Cat(Cat({"run"}, EventsWhere(src_, "true")),
                                        {"--by", "month(ts)", "--to", ds_, "--quiet"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  TempDir dir_;
  std::string src_, ds_;
};

TEST_F(RetainArchive, CreatesTheArchiveWithTheSpecThenDropsFromTheSource) {
  const std::string arch = dir_ / "arch";
  const RunResult r = RunDuckpart(Cat(Retain(ds_, "2023-03-01", arch), {"--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["archive"]["version"], 1);
  EXPECT_EQ(ParquetContent(arch), SourceContent(src_, kBefore));
  EXPECT_EQ(ParquetContent(ds_), SourceContent(src_, kKept));
  EXPECT_EQ(ManifestJson(arch)["spec"], ManifestJson(ds_)["spec"]);
  ExpectValid(arch, SourceContent(src_, kBefore).rows);
  ExpectValid(ds_, SourceContent(src_, kKept).rows);
}

TEST_F(RetainArchive, AppendsToAnArchiveOfTheSameSpec) {
  const std::string arch = dir_ / "arch";
  ASSERT_EQ(RunDuckpart(Retain(ds_, "2023-02-01", arch)).exit_code, 0);
  const RunResult r = RunDuckpart(Retain(ds_, "2023-04-01", arch));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ParquetContent(arch), SourceContent(src_, "ts < TIMESTAMP '2023-04-01'"));
  EXPECT_EQ(ParquetContent(ds_), SourceContent(src_, "ts >= TIMESTAMP '2023-04-01'"));
  const json h = ManifestJson(arch)["history"];
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1]["operation"], "append");
}

TEST_F(RetainArchive, AnArchiveOfAnotherSpecOrTheDatasetItselfIsRefusedUnchanged) {
  const std::string other = dir_ / "other";
  ASSERT_EQ(RunDuckpart(Cat(Cat({"run"}, EventsWhere(src_, "id < 10")),
                            {"--by", "day(ts)", "--to", other, "--quiet"}))
                .exit_code,
            0);
  for (const auto& [dest, words] : std::vector<std::pair<std::string, std::string>>{
           {other, "same spec"}, {ds_, "the dataset itself"}, {src_, "no duckpart dataset"}}) {
    SCOPED_TRACE(dest);
    const Snapshot before = SnapshotOf(ds_), other_before = SnapshotOf(other);
    const RunResult r = RunDuckpart(Retain(ds_, "2023-03-01", dest));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    EXPECT_EQ(SnapshotOf(ds_), before);
    EXPECT_EQ(SnapshotOf(other), other_before);
  }
}

int64_t RowsIn(const std::string& ds) {
  return fs::exists(fs::symlink_status(ds)) ? ParquetContent(ds).rows : 0;
}

// A crash at every step of a retain archiving into an existing archive: every row is in the
// source or the archive, and the same retain run again (after recover) completes it with
// each row exactly once.
void CrashEveryStep(const TempDir& dir, const std::string& src, const std::string& ds) {
  const std::string base_arch = dir / "base_arch";
  ASSERT_EQ(RunDuckpart(Retain(ds, "2023-02-01", base_arch)).exit_code, 0);
  const int64_t all = SourceContent(src, "ts < TIMESTAMP '2023-05-01'").rows;
  const int steps = CountSteps(
      Retain(CopyDataset(ds, dir / "traced"), "2023-03-01", CopyDataset(base_arch, dir / "ta")),
      dir / "trace");
  ASSERT_GE(steps, 4);
  for (int n = 1; n <= steps; ++n) {
    SCOPED_TRACE("crash at step " + std::to_string(n));
    const std::string to = CopyDataset(ds, dir / ("t" + std::to_string(n)));
    const std::string arch = CopyDataset(base_arch, dir / ("a" + std::to_string(n)));
    const RunResult r =
        RunDuckpart(Retain(to, "2023-03-01", arch),
                    {"DUCKPART_FAULT_AT=" + std::to_string(n), "DUCKPART_FAULT_ACTION=crash"});
    ASSERT_EQ(r.exit_code, 128 + 9) << r.err;
    EXPECT_GE(RowsIn(to) + RowsIn(arch), all);  // before any recover: nothing lost
    ASSERT_EQ(RunDuckpart({"recover", to}).exit_code, 0);
    ASSERT_EQ(RunDuckpart({"recover", arch}).exit_code, 0);
    const RunResult again = RunDuckpart(Retain(to, "2023-03-01", arch));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(ParquetContent(to),
              SourceContent(src, std::string(kKept) + " AND ts < TIMESTAMP '2023-05-01'"));
    EXPECT_EQ(ParquetContent(arch), SourceContent(src, kBefore));  // each row once
  }
}

// In the DUCKPART_TRIALS filter (tests/CMakeLists.txt: FaultSeam.Every*): about 35 trials.
TEST(FaultSeam, EveryStepOfAnArchivingRetainDiesLeavingEveryRowInOnePlaceOrMore) {
  TempDir dir;
  const std::string src = MakeDemo(dir / "src", 3000);
  const std::string ds = dir / "ds";
  ASSERT_EQ(RunDuckpart(Cat(Cat({"run"}, EventsWhere(src, "ts < TIMESTAMP '2023-05-01'")),
                            {"--by", "month(ts)", "--to", ds, "--quiet"}))
                .exit_code,
            0);
  CrashEveryStep(dir, src, ds);
}

}  // namespace
}  // namespace duckpart::testing

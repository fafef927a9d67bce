// The doctor's checks, each given the situation that triggers it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "doctor/column_profile.h"
#include "doctor/environment_checks.h"
#include "doctor/filesystem_checks.h"
#include "duckpart/doctor.h"
#include "duckpart/spec.h"
#include "support/temp_dir.h"

namespace duckpart::doctor {
namespace {

using testing::TempDir;
constexpr int64_t kGiB = 1LL << 30;

TEST(DoctorMemory, ALimitAboveTheMachineFailsAndAboveTheFreeMemoryWarns) {
  const MemoryInfo m{.total = 8 * kGiB, .available = 2 * kGiB};
  EXPECT_EQ(CheckMemory(16 * kGiB, m).status, CheckStatus::kFail);
  EXPECT_EQ(CheckMemory(4 * kGiB, m).status, CheckStatus::kWarn);
  EXPECT_EQ(CheckMemory(kGiB, m).status, CheckStatus::kPass);
}

TEST(DoctorMemory, ACgroupLimitBelowTheMachineIsTheTotal) {
  const MemoryInfo m{.total = 64 * kGiB, .available = 60 * kGiB, .cgroup_limit = 2 * kGiB};
  const DoctorCheck c = CheckMemory(4 * kGiB, m);
  EXPECT_EQ(c.status, CheckStatus::kFail);
  EXPECT_NE(c.detail.find("(cgroup)"), std::string::npos) << c.detail;
}

TEST(DoctorOpenFiles, ASpecOpeningMoreFilesThanTheLimitFails) {
  EXPECT_EQ(CheckOpenFiles(64, 1024, 50, 0.5).status, CheckStatus::kFail);   // 32 + 50 > 64
  EXPECT_EQ(CheckOpenFiles(128, 1024, 50, 0.5).status, CheckStatus::kWarn);  // 82 > 64
  EXPECT_EQ(CheckOpenFiles(1024, 1024, 50, 0.5).status, CheckStatus::kPass);
  // Up to 100 partitions every file is open at once; above, rows are sorted by partition
  // and no more files are open.
  EXPECT_EQ(OpenFilesNeeded(100) - OpenFilesNeeded(64), 36);
  EXPECT_EQ(OpenFilesNeeded(100'000), OpenFilesNeeded(100));
  // Without a spec the shortfall is only a warning.
  EXPECT_EQ(CheckOpenFiles(64, 1024, -1, 0.5).status, CheckStatus::kWarn);
  EXPECT_NE(CheckOpenFiles(64, 1024, 50, 0.5).advice.find("ulimit -n 1024"), std::string::npos);
}

TEST(DoctorTempDir, AFolderUnderAFileCannotBeCreated) {
  TempDir dir;
  std::ofstream(dir / "file") << "x";
  EXPECT_EQ(CheckTempDir(dir / "file/spill", "").status, CheckStatus::kFail);
  EXPECT_EQ(CheckTempDir(dir / "file", "").status, CheckStatus::kFail);
  EXPECT_EQ(CheckTempDir(dir / "new/spill", "").status, CheckStatus::kPass);
  EXPECT_EQ(CheckTempDir(dir.path().string(), "").status, CheckStatus::kPass);
}

TEST(DoctorTempDir, LessFreeSpaceThanTheMinimumOrTheSpillWarns) {
  TempDir dir;
  EXPECT_EQ(CheckTempSpace(dir.path().string(), INT64_MAX / 2, -1).status, CheckStatus::kWarn);
  EXPECT_EQ(CheckTempSpace(dir.path().string(), 0, INT64_MAX / 2).status, CheckStatus::kWarn);
  EXPECT_EQ(CheckTempSpace(dir.path().string(), 0, 0).status, CheckStatus::kPass);
}

TEST(DoctorFilesystem, TheAtomicStepsWorkOnALocalFilesystemAndLeaveNothingBehind) {
  TempDir dir;
  const auto checks = CheckAtomicSteps(dir.path().string());
  ASSERT_EQ(checks.size(), 4u);
  for (const auto& c : checks)
    EXPECT_EQ(c.status, CheckStatus::kPass) << c.name << ": " << c.detail;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(DoctorFilesystem, AnUncreatableScratchFolderFails) {
  TempDir dir;
  std::ofstream(dir / "file") << "x";
  const auto checks = CheckAtomicSteps(dir / "file");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].status, CheckStatus::kFail);
}

ColumnProfile VarcharDates(int64_t rows, int64_t castable) {
  return {.name = "d",
          .type = "VARCHAR",
          .type_class = plan::TypeClass::kString,
          .rows = rows,
          .nulls = 0,
          .distinct = rows,
          .min = "2024-01-01",
          .max = "2024-12-31",
          .castable_to_timestamp = castable,
          .span_hours = 365 * 24};
}

TEST(DoctorColumns, VarcharDatesThatDoNotCastWarnWithTheirCount) {
  const DoctorCheck c = ColumnCheck(VarcharDates(1000, 993), 10000);
  EXPECT_EQ(c.status, CheckStatus::kWarn);
  EXPECT_NE(c.advice.find("7 values do not cast"), std::string::npos) << c.advice;
  EXPECT_NE(c.detail.find("month"), std::string::npos) << c.detail;
  EXPECT_EQ(ColumnCheck(VarcharDates(1000, 1000), 10000).status, CheckStatus::kPass);
  // Mostly not dates: an ordinary string column.
  EXPECT_EQ(ColumnCheck(VarcharDates(1000, 10), 10000).status, CheckStatus::kPass);
  EXPECT_EQ(VarcharDates(1000, 10).BadDates(), 0);
}

TEST(DoctorColumns, IdentityOverTooManyValuesIsNamedInTheAdvice) {
  const ColumnProfile ids{.name = "user_id",
                          .type = "BIGINT",
                          .type_class = plan::TypeClass::kInteger,
                          .rows = 1'000'000,
                          .distinct = 200'000};
  EXPECT_NE(ColumnCheck(ids, 10000).advice.find("identity(user_id) would make ~200,000 partitions"),
            std::string::npos);
}

TEST(DoctorColumns, SuggestsTheFinestTimeTransformKeepingPartitionsLarge) {
  ColumnProfile ts{.name = "ts",
                   .type = "TIMESTAMP",
                   .type_class = plan::TypeClass::kTimestamp,
                   .rows = 1'000'000,
                   .distinct = 900'000,
                   .span_hours = 2 * 365 * 24};
  EXPECT_EQ(ToString(SuggestSpec({ts}, 10000)), "month(ts)");  // days would hold ~1,400 rows
  ts.rows = 100'000'000;
  EXPECT_EQ(ToString(SuggestSpec({ts}, 10000)), "day(ts)");
  const ColumnProfile tag{.name = "tag",
                          .type = "VARCHAR",
                          .type_class = plan::TypeClass::kString,
                          .rows = 1'000'000,
                          .distinct = 12,
                          .castable_to_timestamp = 0};
  EXPECT_EQ(ToString(SuggestSpec({tag}, 10000)), "identity(tag)");
  const ColumnProfile id{.name = "id",
                         .type = "BIGINT",
                         .type_class = plan::TypeClass::kInteger,
                         .rows = 5'000'000,
                         .distinct = 5'000'000};
  EXPECT_EQ(ToString(SuggestSpec({id, tag}, 10000)), "identity(tag)");
  EXPECT_EQ(ToString(SuggestSpec({id}, 10000)), "bucket(32, id)");
}

TEST(DoctorColumns, ProfileCountsNullsDistinctAndDatesThatDoNotCast) {
  Workspace ws(
      SourceOptions{
          .query = "SELECT CASE WHEN i % 100 = 0 THEN 'not a date' WHEN i % 10 = 1 THEN NULL "
                   "ELSE CAST(DATE '2024-01-01' + CAST(i % 300 AS INTEGER) AS VARCHAR) END AS d "
                   "FROM range(1000) t(i)"},
      EngineOptions{.memory_limit = "256MB", .threads = 1});
  const auto profiles = ProfileColumns(ws, ws.columns());
  ASSERT_EQ(profiles.size(), 1u);
  const ColumnProfile& d = profiles[0];
  EXPECT_EQ(d.rows, 1000);
  EXPECT_EQ(d.nulls, 100);
  EXPECT_EQ(d.BadDates(), 10);
  EXPECT_TRUE(d.LooksLikeDates());
  EXPECT_GT(d.distinct, 250);
  EXPECT_EQ(d.nullable, "unknown");  // a query declares nothing
}

}  // namespace
}  // namespace duckpart::doctor

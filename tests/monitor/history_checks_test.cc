// The monitor's checks from recorded operations (monitor/history_checks.h) as pure
// functions, and the failure log they read (ops/failure_log.h).
#include "monitor/history_checks.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "duckpart/error.h"
#include "support/temp_dir.h"

namespace duckpart::monitor {
namespace {

const MonitorThresholds kDefaults;

HistoryRecord Op(int64_t version, double seconds, int64_t peak = 0, int64_t limit = 0) {
  return {.version = version,
          .operation = "run",
          .seconds = seconds,
          .peak_memory_bytes = peak,
          .memory_limit_bytes = limit};
}

ops::FailedOperation Failed(int64_t version) {
  return {
      .operation = "append", .kind = "runtime", .exit_code = 3, .message = "m", .version = version};
}

TEST(MonitorFailures, CountsOnlyFailuresSinceTheCurrentVersionWasPublished) {
  const std::vector<ops::FailedOperation> f = {Failed(1), Failed(1), Failed(2)};
  EXPECT_EQ(CheckFailures(f, 3, kDefaults).health, Health::kOk);
  EXPECT_EQ(CheckFailures(f, 2, kDefaults).health, Health::kWarning);  // failures_warn 1
  MonitorThresholds t;
  t.failures_critical = 2;
  const HealthCheck c = CheckFailures(f, 1, t);
  EXPECT_EQ(c.health, Health::kCritical);
  EXPECT_NE(c.detail.find("2 failed operations"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("append"), std::string::npos) << c.detail;
  EXPECT_FALSE(c.advice.empty());
}

TEST(MonitorSlowOperations, GradesTheLongestRecentOperation) {
  EXPECT_EQ(CheckSlowOperations({}, kDefaults).health, Health::kOk);
  EXPECT_EQ(CheckSlowOperations({Op(1, 3600), Op(2, 5)}, kDefaults).health, Health::kOk);
  EXPECT_EQ(CheckSlowOperations({Op(1, 3601), Op(2, 5)}, kDefaults).health, Health::kWarning);
  const HealthCheck c = CheckSlowOperations({Op(1, 5), Op(2, 6 * 3600 + 1)}, kDefaults);
  EXPECT_EQ(c.health, Health::kCritical);
  EXPECT_NE(c.detail.find("version 2"), std::string::npos) << c.detail;
}

TEST(MonitorPeakMemory, GradesTheHighestShareOfItsOwnLimitAndSkipsUnsampledRecords) {
  EXPECT_EQ(CheckPeakMemory({Op(1, 1)}, kDefaults).health, Health::kOk);           // never sampled
  EXPECT_EQ(CheckPeakMemory({Op(1, 1, 80, 100)}, kDefaults).health, Health::kOk);  // "over" 80%
  EXPECT_EQ(CheckPeakMemory({Op(1, 1, 81, 100), Op(2, 1, 10, 100)}, kDefaults).health,
            Health::kWarning);
  // 900 of 1000 is a smaller share than 96 of 100, whatever the bytes.
  const HealthCheck c = CheckPeakMemory({Op(1, 1, 900, 1000), Op(2, 1, 96, 100)}, kDefaults);
  EXPECT_EQ(c.health, Health::kCritical);
  EXPECT_NE(c.detail.find("version 2"), std::string::npos) << c.detail;
}

TEST(MonitorHistory, ReadsOnlyTheRecentOperations) {
  MonitorThresholds t;
  t.recent_operations = 2;
  const std::vector<HistoryRecord> h = {Op(1, 99'999), Op(2, 1, 99, 100), Op(3, 1), Op(4, 2)};
  EXPECT_EQ(RecentOperations(h, t).size(), 2u);
  TargetHealth target{.version = 4};
  AddHistoryChecks(h, {Failed(3), Failed(4)}, t, target);
  EXPECT_EQ(target.failed_operations, 1);
  EXPECT_EQ(target.last_operation_seconds, 2);
  EXPECT_FALSE(target.peak_memory_bytes.has_value());
  ASSERT_EQ(target.checks.size(), 3u);
  EXPECT_EQ(target.checks[1].health, Health::kOk);  // the slow version 1 is not recent
}

TEST(FailureLog, AppendsWholeLinesIntoAnExistingStoreOnlyAndKeepsTheLastHundred) {
  testing::TempDir dir;
  const std::string ds = dir / "ds";
  const RuntimeFailure e("disk on fire");
  ops::LogFailure(ds, "run", e, 1.5);
  EXPECT_FALSE(std::filesystem::exists(dir / ".ds.duckpart"));  // never creates the store
  std::filesystem::create_directory(dir / ".ds.duckpart");
  ops::LogFailure(ds, "run", InputError("bad flag"), 0);  // bad input changes nothing
  ops::LogFailure(ds, "run", BusyError("locked"), 0);
  ops::LogFailure(ds, "run", Interrupted("Ctrl-C"), 0);  // the caller's choice
  EXPECT_TRUE(ops::ReadFailures(ds).empty());
  for (int i = 0; i < 250; ++i) ops::LogFailure(ds, "append", e, i);
  {
    std::ofstream log(std::filesystem::path(dir / ".ds.duckpart") / "failures.jsonl",
                      std::ios::app);
    log << "{\"cut\n";
  }
  const std::vector<ops::FailedOperation> f = ops::ReadFailures(ds);
  ASSERT_EQ(f.size(), ops::kMaxFailuresKept);
  EXPECT_EQ(f.back().seconds, 249);  // the newest kept, the torn line skipped
  EXPECT_EQ(f.back().kind, "runtime");
  EXPECT_EQ(f.back().exit_code, 3);
  EXPECT_EQ(f.back().message, "disk on fire");
  EXPECT_EQ(f.back().version, 0);  // nothing published
}

}  // namespace
}  // namespace duckpart::monitor

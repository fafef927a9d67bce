// The monitor's checks as pure functions, its time parsing, --listen parsing, the
// thresholds from the configuration and the Prometheus text format.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "duckpart/config.h"
#include "duckpart/error.h"
#include "duckpart/monitor.h"
#include "monitor/checks.h"
#include "monitor/http_service.h"
#include "monitor/last_write.h"

namespace duckpart::monitor {
namespace {

const MonitorThresholds kDefaults;

TEST(MonitorBalance, WarnsOverTheWarningCvAndIsCriticalOverTheCriticalOne) {
  EXPECT_EQ(CheckBalance(0.5, 10, kDefaults).health, Health::kOk);  // "over" 0.5 warns
  EXPECT_EQ(CheckBalance(0.51, 10, kDefaults).health, Health::kWarning);
  EXPECT_EQ(CheckBalance(1.5, 10, kDefaults).health, Health::kWarning);
  EXPECT_EQ(CheckBalance(1.51, 10, kDefaults).health, Health::kCritical);
  const HealthCheck c = CheckBalance(0.889, 5, kDefaults);
  EXPECT_NE(c.detail.find("0.889"), std::string::npos) << c.detail;
  EXPECT_FALSE(c.advice.empty());
  EXPECT_TRUE(CheckBalance(0.1, 5, kDefaults).advice.empty());
}

TEST(MonitorSmallFiles, WarnOnlyWhenTheBytesWouldFitInFewerFiles) {
  const int64_t mib = 1 << 20;
  // 100 files of 1 MiB: 100 MiB fit in 13 files of 8 MiB.
  EXPECT_EQ(CheckSmallFiles(100, 100, 100 * mib, kDefaults).health, Health::kWarning);
  // One small file: nothing to merge.
  EXPECT_EQ(CheckSmallFiles(1, 1, mib, kDefaults).health, Health::kOk);
  // Under the share: 2 of 10 small.
  EXPECT_EQ(CheckSmallFiles(2, 10, 80 * mib, kDefaults).health, Health::kOk);
}

TEST(MonitorFreshness, AgesPastEachThresholdAndUnknownTimes) {
  EXPECT_EQ(CheckFreshness(3600, "t", kDefaults).health, Health::kOk);
  EXPECT_EQ(CheckFreshness(27 * 3600, "t", kDefaults).health, Health::kWarning);
  EXPECT_EQ(CheckFreshness(8 * 86400, "t", kDefaults).health, Health::kCritical);
  const HealthCheck unknown = CheckFreshness(std::nullopt, "yesterday", kDefaults);
  EXPECT_EQ(unknown.health, Health::kWarning);
  EXPECT_NE(unknown.detail.find("'yesterday'"), std::string::npos) << unknown.detail;
}

TEST(MonitorFreeSpace, BelowTheMinimumWarnsBelowTheCriticalFloorIsCritical) {
  EXPECT_EQ(CheckFreeSpace(int64_t{2} << 30, "/d", "", kDefaults).health, Health::kOk);
  EXPECT_EQ(CheckFreeSpace(int64_t{512} << 20, "/d", "", kDefaults).health, Health::kWarning);
  EXPECT_EQ(CheckFreeSpace(int64_t{1} << 20, "/d", "", kDefaults).health, Health::kCritical);
  EXPECT_EQ(CheckFreeSpace(std::nullopt, "/d", ": gone", kDefaults).health, Health::kWarning);
}

TEST(MonitorLock, ALiveWriterPastTheAgeWarnsAHeldLockOfADeadWriterIsCritical) {
  StoreStatus st{.target = "out/x", .store = "/s"};
  EXPECT_EQ(CheckLock(st, std::nullopt, kDefaults).health, Health::kOk);
  st.locked = true;
  st.lock_pid = 4242;
  st.lock_pid_alive = true;
  EXPECT_EQ(CheckLock(st, 60, kDefaults).health, Health::kOk);
  EXPECT_EQ(CheckLock(st, 7 * 3600, kDefaults).health, Health::kWarning);
  st.lock_pid_alive = false;
  const HealthCheck stale = CheckLock(st, 60, kDefaults);
  EXPECT_EQ(stale.health, Health::kCritical);
  EXPECT_NE(stale.detail.find("4242"), std::string::npos) << stale.detail;
}

TEST(MonitorLeftovers, WarnWithRecoverUnlessAWriterIsAtWork) {
  StoreStatus st{.target = "out/x"};
  EXPECT_EQ(CheckLeftovers(st).health, Health::kOk);
  st.leftovers.push_back({.kind = StoreItem::Kind::kUnknown, .name = "x"});
  EXPECT_EQ(CheckLeftovers(st).health, Health::kOk) << "an entry duckpart did not make";
  st.leftovers.push_back({.kind = StoreItem::Kind::kStaging, .name = "s", .bytes = 10});
  st.lock_pid = 77;
  const HealthCheck c = CheckLeftovers(st);
  EXPECT_EQ(c.health, Health::kWarning);
  EXPECT_NE(c.advice.find("duckpart recover out/x"), std::string::npos) << c.advice;
  EXPECT_NE(c.detail.find("pid 77"), std::string::npos) << c.detail;
  st.locked = true;
  st.lock_pid_alive = true;
  EXPECT_EQ(CheckLeftovers(st).health, Health::kOk);
}

TEST(MonitorTime, ParsesTheManifestsUtcTimesAndRefusesOthers) {
  EXPECT_EQ(ParseUtc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseUtc("2024-02-29T12:00:01Z"), 1709208001);
  EXPECT_EQ(ParseUtc("2024-02-29T12:00:01.250Z"), 1709208001);
  EXPECT_EQ(ParseUtc("2024-02-29T12:00:01+00:00"), 1709208001);
  EXPECT_EQ(ParseUtc("2024-02-29T12:00:01+02:00"), std::nullopt);
  EXPECT_EQ(ParseUtc("2024-13-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseUtc(""), std::nullopt);
  EXPECT_EQ(FormatUtc(1709208001), "2024-02-29T12:00:01Z");
  EXPECT_EQ(FormatAge(45), "45s");
  EXPECT_EQ(FormatAge(3 * 3600 + 20 * 60), "3h 20m");
  EXPECT_EQ(FormatAge(2 * 86400 + 4 * 3600), "2d 4h");
}

TEST(MonitorListenAddress, ParsesHostAndPortAndRefusesTheRest) {
  EXPECT_EQ(ParseListen("127.0.0.1:9464").port, 9464);
  EXPECT_EQ(ParseListen("127.0.0.1:0").host, "127.0.0.1");
  EXPECT_EQ(ParseListen("[::1]:80").host, "::1");
  for (const char* bad : {"9464", ":9464", "127.0.0.1:", "127.0.0.1:65536", "h:-1", "h:9x"})
    EXPECT_THROW(ParseListen(bad), InputError) << bad;
}

TEST(MonitorThresholdsConfig, ReadTheKeysAndRefuseACriticalMilderThanItsWarning) {
  ConfigSources sources{.working_dir = "/nonexistent-duckpart-dir",
                        .env = {{"DUCKPART_CV_WARN", "0.7"}, {"DUCKPART_VERSIONS_MAX", "9"}}};
  const MonitorThresholds t = ThresholdsFromConfig(LoadConfig(sources));
  EXPECT_DOUBLE_EQ(t.cv_warn, 0.7);
  EXPECT_EQ(t.versions_max, 9);
  EXPECT_EQ(t.freshness_critical_age, 7 * 86400);
  sources.env = {{"DUCKPART_FREE_SPACE_CRITICAL", "2GiB"}};  // over free_space_min (1GiB)
  try {
    ThresholdsFromConfig(LoadConfig(sources));
    FAIL() << "a critical floor over the warning one was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("free_space_critical"), std::string::npos) << e.what();
  }
}

MonitorReport SampleReport() {
  TargetHealth t{.target = "out/we\"ird\\na\nme",
                 .kind = "parquet",
                 .readable = true,
                 .version = 2,
                 .partitions = 3,
                 .rows = 10,
                 .bytes = 100,
                 .rows_cv = 0.25};
  t.checks.push_back({.name = "balance", .health = Health::kWarning});
  TargetHealth tables{.target = "a.db", .kind = "tables", .readable = true};
  return {.targets = {t, tables}, .checked_unix = 1700000000, .cycle = 3};
}

TEST(MonitorPrometheus, EveryFamilyHasOneHelpAndTypeAndLabelsAreEscaped) {
  const std::string text = ToPrometheus(SampleReport());
  EXPECT_NE(text.find("duckpart_rows{target=\"out/we\\\"ird\\\\na\\nme\",kind=\"parquet\"} 10\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE duckpart_monitor_cycles_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("duckpart_monitor_cycles_total 3\n"), std::string::npos);
  // Tables have no bytes: no sample rather than a made-up 0.
  EXPECT_EQ(text.find("duckpart_bytes{target=\"a.db\""), std::string::npos) << text;
  std::map<std::string, int> help, type;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string hash, kind, name;
    words >> hash >> kind >> name;
    if (hash == "#" && kind == "HELP") ++help[name];
    if (hash == "#" && kind == "TYPE") ++type[name];
  }
  EXPECT_GE(help.size(), 20u);
  for (const auto& [name, n] : help) {
    EXPECT_EQ(n, 1) << name;
    EXPECT_EQ(type[name], 1) << name;
    EXPECT_EQ(name.rfind("duckpart_", 0), 0u) << name;
  }
  EXPECT_NE(text.find("duckpart_alerts{target=\"out/we\\\"ird\\\\na\\nme\",kind=\"parquet\","
                      "check=\"balance\",severity=\"warning\"} 1\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace duckpart::monitor

// End-to-end: what the writing commands record about themselves and what `monitor` makes of
// it. A run under a small memory limit that spills records its peak memory and spilled
// bytes in the history and warns past 80% of the limit (a small run does neither); failed
// operations are logged in the store and counted by monitor's `failures` check until the
// next successful write; `slow_operations` and `memory` read the recent history.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "db/database.h"
#include "support/dataset.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

using nlohmann::json;

constexpr const char* kWarning = "of the memory limit";
// The demo datasets' files are small and the machine's disk may hold less than 1GiB free.
const std::vector<std::string> kCalm = {"DUCKPART_SMALL_FILE_SIZE=1B", "DUCKPART_FREE_SPACE_MIN=1B",
                                        "DUCKPART_FREE_SPACE_CRITICAL=1B"};

std::vector<std::string> Calm(std::vector<std::string> more) {
  more.insert(more.end(), kCalm.begin(), kCalm.end());
  return more;
}

// 600,000 rows of about 100 bytes of strings each: a sorted write (200 partitions) under
// 40MB must spill.
std::string SpillSource(const TempDir& dir) {
  const std::string path = dir / "wide.db";
  db::Database database(db::DatabaseOptions{.path = path});
  db::Connection conn(database);
  conn.Execute(
      "CREATE TABLE t AS SELECT i AS id, md5(i::VARCHAR) AS a, md5((i + 1)::VARCHAR) AS b, "
      "md5((i + 2)::VARCHAR) AS c FROM range(600000) r(i)");
  return path;
}

json LastRecord(const std::string& ds) {
  const RunResult r = RunDuckpart({"history", ds, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out)["history"].back();
}

json MonitorJson(const std::string& ds, const std::vector<std::string>& env, int expect_exit) {
  const RunResult r = RunDuckpart({"monitor", ds, "--json"}, env);
  EXPECT_EQ(r.exit_code, expect_exit) << r.out << r.err;
  return json::parse(r.out);
}

const json& Check(const json& report, const std::string& name) {
  for (const auto& c : report["targets"][0]["checks"])
    if (c["name"] == name) return c;
  static const json none = {{"status", "absent"}, {"detail", ""}};
  return none;
}

class OpsRecord : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    demo_ = MakeDemo(*dir_ / "src", 2000);
  }
  static void TearDownTestSuite() { delete dir_; }
  // A small dataset from the demo, run under the default 1GB limit.
  std::string SmallRun() {
    const std::string ds = out_ / "small";
    const RunResult r = RunDuckpart({"run", "--db", demo_, "--table", "events", "--by",
                                     "bucket(4, id)", "--to", ds, "--threads", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find(kWarning), std::string::npos) << r.err;
    return ds;
  }
  RunResult Append(const std::string& ds, const std::vector<std::string>& env = {}) {
    return RunDuckpart({"append", ds, "--db", demo_, "--table", "events", "--quiet"}, env);
  }
  static inline TempDir* dir_ = nullptr;
  static inline std::string demo_;
  TempDir out_;
};

TEST_F(OpsRecord, ASpillingRunRecordsPeakAndSpillAndWarnsPastEightyPercent) {
  const std::string ds = out_ / "spilled";
  const RunResult r =
      RunDuckpart({"run", "--db", SpillSource(out_), "--table", "t", "--by", "bucket(200, id)",
                   "--to", ds, "--memory-limit", "40MB", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("duckpart: warning: peak memory"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(kWarning), std::string::npos) << r.err;
  const json h = LastRecord(ds);
  EXPECT_EQ(h["memory_limit_bytes"], 40'000'000);
  EXPECT_GT(h["spill_bytes"].get<int64_t>(), 0) << h;
  EXPECT_GT(h["peak_memory_bytes"].get<int64_t>(), 32'000'000) << h;
  // monitor reads the same figures: over memory_warn_ratio (0.8); DuckDB may pass its limit
  // a little (measured: 102%), so the default critical ratio 0.95 may be passed too.
  json m = MonitorJson(ds, kCalm, 1);
  EXPECT_NE(Check(m, "memory")["status"], "ok") << Check(m, "memory");
  EXPECT_EQ(m["targets"][0]["peak_memory_bytes"], h["peak_memory_bytes"]);
  EXPECT_GT(m["targets"][0]["spill_bytes"].get<int64_t>(), 0);
  m = MonitorJson(
      ds, Calm({"DUCKPART_MEMORY_WARN_RATIO=0.1", "DUCKPART_MEMORY_CRITICAL_RATIO=0.2"}), 1);
  EXPECT_EQ(Check(m, "memory")["status"], "critical") << Check(m, "memory");
}

TEST_F(OpsRecord, ASmallRunRecordsItsPeakWithoutSpillOrWarning) {
  const std::string ds = SmallRun();
  const json h = LastRecord(ds);
  EXPECT_EQ(h["memory_limit_bytes"], 1'000'000'000);
  EXPECT_GT(h["peak_memory_bytes"].get<int64_t>(), 0) << h;
  EXPECT_LT(h["peak_memory_bytes"].get<int64_t>(), 800'000'000) << h;
  EXPECT_EQ(h["spill_bytes"], 0) << h;
  EXPECT_EQ(Check(MonitorJson(ds, kCalm, 0), "memory")["status"], "ok");
  // Measured: 3.5 MiB of 1GB; over a warning ratio of 0.01%, under the critical 95%.
  const json m = MonitorJson(ds, Calm({"DUCKPART_MEMORY_WARN_RATIO=0.0001"}), 1);
  EXPECT_EQ(Check(m, "memory")["status"], "warning") << Check(m, "memory");
  // An append records its own figures too.
  ASSERT_EQ(Append(ds).exit_code, 0);
  const json a = LastRecord(ds);
  EXPECT_EQ(a["operation"], "append");
  EXPECT_GT(a["peak_memory_bytes"].get<int64_t>(), 0) << a;
}

TEST_F(OpsRecord, FailedOperationsWarnThenGoCriticalUntilTheNextSuccessfulWrite) {
  const std::string ds = SmallRun();
  const std::string before = ManifestText(ds);
  // A real IO failure at the first durable step of the append.
  const std::vector<std::string> fail = {"DUCKPART_FAULT_AT=1", "DUCKPART_FAULT_ACTION=fail"};
  ASSERT_EQ(Append(ds, fail).exit_code, 3);
  EXPECT_EQ(ManifestText(ds), before);
  json m = MonitorJson(ds, Calm({"DUCKPART_FAILURES_CRITICAL=2"}), 1);
  EXPECT_EQ(Check(m, "failures")["status"], "warning") << Check(m, "failures");
  EXPECT_NE(Check(m, "failures")["detail"].get<std::string>().find("append"), std::string::npos);
  EXPECT_EQ(m["targets"][0]["failed_operations"], 1);
  EXPECT_EQ(Check(m, "leftovers")["status"], "ok") << "the log is no leftover";
  ASSERT_EQ(Append(ds, fail).exit_code, 3);
  m = MonitorJson(ds, Calm({"DUCKPART_FAILURES_CRITICAL=2"}), 1);
  EXPECT_EQ(Check(m, "failures")["status"], "critical") << Check(m, "failures");
  const RunResult prom = RunDuckpart({"monitor", ds, "--prometheus", out_ / "m.prom"}, Calm({}));
  EXPECT_NE(ReadFile(out_ / "m.prom")
                .find("duckpart_failed_operations{target=\"" + ds + "\",kind=\"parquet\"} 2"),
            std::string::npos)
      << ReadFile(out_ / "m.prom");
  ASSERT_EQ(Append(ds).exit_code, 0);
  m = MonitorJson(ds, kCalm, 0);
  EXPECT_EQ(Check(m, "failures")["status"], "ok") << Check(m, "failures");
  EXPECT_EQ(m["targets"][0]["failed_operations"], 0);
}

// Every writing command on a Parquet dataset logs its failure, rebalance as append.
TEST_F(OpsRecord, AFailedRebalanceIsLoggedAsEveryWriteIs) {
  const std::string ds = SmallRun();
  ASSERT_EQ(Append(ds).exit_code, 0);  // two files per partition: something to compact
  const std::string before = ManifestText(ds);
  const RunResult r = RunDuckpart({"rebalance", ds, "--compact", "--quiet"},
                                  {"DUCKPART_FAULT_AT=1", "DUCKPART_FAULT_ACTION=fail"});
  ASSERT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(ManifestText(ds), before);
  const json m = MonitorJson(ds, Calm({}), 1);
  EXPECT_EQ(m["targets"][0]["failed_operations"], 1);
  EXPECT_NE(Check(m, "failures")["detail"].get<std::string>().find("rebalance"), std::string::npos)
      << Check(m, "failures");
}

TEST_F(OpsRecord, SlowOperationsWarnAndGoCriticalByTheirThresholds) {
  const std::string ds = SmallRun();
  EXPECT_EQ(Check(MonitorJson(ds, kCalm, 0), "slow_operations")["status"], "ok");
  // Every real operation takes more than no time at all.
  json m = MonitorJson(ds, Calm({"DUCKPART_SLOW_OPERATION_WARN=0s"}), 1);
  EXPECT_EQ(Check(m, "slow_operations")["status"], "warning") << Check(m, "slow_operations");
  EXPECT_GT(m["targets"][0]["last_operation_seconds"].get<double>(), 0);
  m = MonitorJson(
      ds, Calm({"DUCKPART_SLOW_OPERATION_WARN=0s", "DUCKPART_SLOW_OPERATION_CRITICAL=0s"}), 1);
  EXPECT_EQ(Check(m, "slow_operations")["status"], "critical") << Check(m, "slow_operations");
}

}  // namespace
}  // namespace duckpart::testing

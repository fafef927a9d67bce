// `duckpart monitor` through the binary: every check triggered for real (a skewed dataset, a
// killed run's leftovers, a stale lock, a hung writer, an old dataset, a full filesystem by
// threshold, versions kept, a damaged dataset with --deep), with the severity and the exit
// status; the Prometheus file through promtool; bad input.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "db/database.h"
#include "support/dataset.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Thresholds under which the small demo datasets of these tests are healthy: their files are
// all small, and the machine's disk may hold less than the default 1GiB free.
const std::vector<std::string> kCalm = {"DUCKPART_SMALL_FILE_SIZE=1B", "DUCKPART_FREE_SPACE_MIN=1B",
                                        "DUCKPART_FREE_SPACE_CRITICAL=1B"};

std::vector<std::string> Calm(std::vector<std::string> more = {}) {
  more.insert(more.end(), kCalm.begin(), kCalm.end());
  return more;
}

RunResult Monitor(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<std::string> a = {"monitor"};
  a.insert(a.end(), args.begin(), args.end());
  return RunDuckpart(a, env);
}

// The status of check `name` of the first target in a --json report ("" when absent).
std::string Status(const json& report, const std::string& name) {
  for (const auto& c : report["targets"][0]["checks"])
    if (c["name"] == name) return c["status"].get<std::string>();
  return "";
}

const json* Check(const json& report, const std::string& name) {
  for (const auto& c : report["targets"][0]["checks"])
    if (c["name"] == name) return &c;
  return nullptr;
}

// The checks of the first target that are not ok, as "name=status" (for failure messages).
std::string NotOk(const json& report) {
  std::string out;
  for (const auto& c : report["targets"][0]["checks"])
    if (c["status"] != "ok")
      out += c["name"].get<std::string>() + "=" + c["status"].get<std::string>() + " ";
  return out;
}

json MonitorJson(const std::string& dir, const std::vector<std::string>& env, int expect_exit) {
  const RunResult r = Monitor({dir, "--json"}, env);
  EXPECT_EQ(r.exit_code, expect_exit) << r.out << r.err;
  return json::parse(r.out);
}

std::string RunTo(const std::string& db, const std::string& table, const std::string& spec,
                  const std::string& target, const std::vector<std::string>& env = {}) {
  const RunResult r = RunDuckpart({"run", "--db", db, "--table", table, "--by", spec, "--to",
                                   target, "--threads", "1", "--quiet"},
                                  env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return target;
}

// A database whose table `t` has 5 values of k holding 500, 100, 100, 100 and 100 rows (CV of
// rows per partition 0.889), and table `heavy` with 910 rows in one of 10 values (CV 2.7).
std::string SkewedSource(const TempDir& dir) {
  const std::string path = dir / "skewed.db";
  db::Database database(db::DatabaseOptions{.path = path});
  db::Connection conn(database);
  conn.Execute(
      "CREATE TABLE t AS SELECT CASE WHEN i < 500 THEN 0 ELSE 1 + i % 4 END AS k, i AS id "
      "FROM range(900) r(i)");
  conn.Execute(
      "CREATE TABLE heavy AS SELECT CASE WHEN i < 900 THEN 0 ELSE i % 10 END AS k, i AS id "
      "FROM range(1000) r(i)");
  return path;
}

TEST(Monitor, AHealthyDatasetIsAllOkAndExitsZero) {
  TempDir dir;
  const std::string ds = RunTo(MakeDemo(dir / "src", 3000), "events", "bucket(4, id)", dir / "ds");
  const json r = MonitorJson(ds, kCalm, 0);
  EXPECT_EQ(r["status"], "ok") << NotOk(r);
  const json& t = r["targets"][0];
  EXPECT_EQ(t["rows"], 3000);
  EXPECT_EQ(t["partitions"], 4);
  EXPECT_EQ(t["version"], 1);
  EXPECT_EQ(t["versions_kept"], 1);
  for (const char* name :
       {"readable", "balance", "small_files", "files", "leftovers", "lock", "freshness",
        "free_space", "versions", "failures", "slow_operations", "memory"})
    EXPECT_EQ(Status(r, name), "ok") << name;
  const RunResult human = Monitor({ds}, kCalm);
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("1 target: 12 ok, 0 warning, 0 critical"), std::string::npos)
      << human.out;
}

TEST(Monitor, ASkewedDatasetWarnsAndAHeavilySkewedOneIsCritical) {
  TempDir dir;
  const std::string db = SkewedSource(dir);
  const json warn = MonitorJson(RunTo(db, "t", "k", dir / "skewed"), kCalm, 1);
  EXPECT_EQ(Status(warn, "balance"), "warning") << NotOk(warn);
  EXPECT_NEAR(warn["targets"][0]["rows_cv"].get<double>(), 0.889, 0.001);
  EXPECT_EQ(warn["status"], "warning");
  const json critical = MonitorJson(RunTo(db, "heavy", "k", dir / "heavy"), kCalm, 1);
  EXPECT_EQ(Status(critical, "balance"), "critical");
  EXPECT_EQ(critical["status"], "critical");
  // The threshold comes from the configuration.
  const json relaxed = MonitorJson(dir / "skewed", Calm({"DUCKPART_CV_WARN=1"}), 0);
  EXPECT_EQ(Status(relaxed, "balance"), "ok");
}

// The 1-based step of a run's trace whose line matches both words, or -1.
int StepOf(const std::string& trace, const std::string& kind, const std::string& word, bool last) {
  std::istringstream in(ReadFile(trace));
  int found = -1;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    int n = 0;
    std::string k;
    words >> n >> k;
    if (k == kind && line.find(word) != std::string::npos) {
      found = n;
      if (!last) break;
    }
  }
  return found;
}

std::vector<std::string> ReplaceRun(const std::string& db, const std::string& target) {
  return {"run",  "--db", db,          "--table",   "events", "--by",   "bucket(3, id)",
          "--to", target, "--replace", "--threads", "1",      "--quiet"};
}

TEST(Monitor, AKilledRunsLeftoversWarnUntilRecovered) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 2000);
  const std::string ds = RunTo(db, "events", "bucket(4, id)", dir / "ds");
  const std::string traced = RunTo(db, "events", "bucket(4, id)", dir / "traced");
  ASSERT_EQ(
      RunDuckpart(ReplaceRun(db, traced), {"DUCKPART_FAULT_TRACE=" + (dir / "trace")}).exit_code,
      0);
  const int step = StepOf(dir / "trace", "rename", "__dp_pid", false);  // staging written
  ASSERT_GT(step, 0) << ReadFile(dir / "trace");
  const RunResult killed =
      RunDuckpart(ReplaceRun(db, ds),
                  {"DUCKPART_FAULT_AT=" + std::to_string(step), "DUCKPART_FAULT_ACTION=crash"});
  ASSERT_EQ(killed.exit_code, 128 + 9) << killed.err;
  const json r = MonitorJson(ds, kCalm, 1);
  EXPECT_EQ(Status(r, "leftovers"), "warning") << NotOk(r);
  const json* c = Check(r, "leftovers");
  EXPECT_NE((*c)["detail"].get<std::string>().find("is no longer running"), std::string::npos)
      << (*c)["detail"];
  EXPECT_NE((*c)["advice"].get<std::string>().find("duckpart recover " + ds), std::string::npos);
  EXPECT_GT(r["targets"][0]["leftover_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(Status(r, "lock"), "ok") << "the kernel released the killed writer's flock";
  ASSERT_EQ(RunDuckpart({"recover", ds}).exit_code, 0);
  EXPECT_EQ(Status(MonitorJson(ds, kCalm, 0), "leftovers"), "ok");
}

TEST(Monitor, VersionsKeptPastTheLimitWarn) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 2000);
  const std::string ds = RunTo(db, "events", "month(ts)", dir / "ds");
  // A replace keeps the superseded version 1 for readers in flight (the grace period).
  ASSERT_EQ(RunDuckpart(ReplaceRun(db, ds)).exit_code, 0);
  const json r = MonitorJson(ds, Calm({"DUCKPART_VERSIONS_MAX=1"}), 1);
  EXPECT_EQ(r["targets"][0]["version"], 2);
  EXPECT_EQ(r["targets"][0]["versions_kept"], 2);
  EXPECT_EQ(Status(r, "versions"), "warning") << NotOk(r);
  EXPECT_EQ(Status(MonitorJson(ds, Calm({"DUCKPART_VERSIONS_MAX=2"}), 0), "versions"), "ok");
}

// A pid that no process has now: a child that has exited and been reaped.
pid_t DeadPid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

void WriteLockPid(const std::string& ds, int64_t pid) {
  std::ofstream(StoreOf(ds) / "lock", std::ios::trunc) << pid << "\n";
}

TEST(Monitor, AHeldLockOfADeadWriterIsCriticalAndAWriterPastItsAgeWarns) {
  TempDir dir;
  const std::string ds = RunTo(MakeDemo(dir / "src", 1000), "events", "bucket(2, id)", dir / "ds");
  HeldStoreLock held(ds);  // the flock, held as by a process that inherited it
  WriteLockPid(ds, DeadPid());
  const json stale = MonitorJson(ds, kCalm, 1);
  EXPECT_EQ(Status(stale, "lock"), "critical") << NotOk(stale);
  EXPECT_EQ(stale["targets"][0]["locked"], true);
  EXPECT_EQ(Status(stale, "leftovers"), "ok");
  // A live writer (this test) that took the lock an hour ago, past lock_max_age.
  WriteLockPid(ds, ::getpid());
  const struct timespec hour_ago[2] = {{time(nullptr) - 3600, 0}, {time(nullptr) - 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (StoreOf(ds) / "lock").c_str(), hour_ago, 0), 0);
  EXPECT_EQ(Status(MonitorJson(ds, Calm({"DUCKPART_LOCK_MAX_AGE=30m"}), 1), "lock"), "warning");
  EXPECT_EQ(Status(MonitorJson(ds, Calm({"DUCKPART_LOCK_MAX_AGE=2h"}), 0), "lock"), "ok");
  held.Release();
  EXPECT_EQ(Status(MonitorJson(ds, kCalm, 0), "lock"), "ok");
}

// Rewrites the manifest's time as if the dataset had been written `seconds` ago.
void Age(const std::string& ds, int64_t seconds) {
  json m = ManifestJson(ds);
  const time_t t = time(nullptr) - seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  m["created_at"] = buf;
  const fs::path path = fs::path(ds) / "_duckpart" / "manifest.json";
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(path, std::ios::trunc) << m.dump();
}

TEST(Monitor, AnOldDatasetIsStaleThenCritical) {
  TempDir dir;
  const std::string ds = RunTo(MakeDemo(dir / "src", 1000), "events", "bucket(2, id)", dir / "ds");
  EXPECT_EQ(Status(MonitorJson(ds, kCalm, 0), "freshness"), "ok");
  Age(ds, 2 * 86400);  // over 26h
  const json stale = MonitorJson(ds, kCalm, 1);
  EXPECT_EQ(Status(stale, "freshness"), "warning") << NotOk(stale);
  EXPECT_NEAR(stale["targets"][0]["age_seconds"].get<double>(), 2 * 86400, 120);
  Age(ds, 30 * 86400);  // over 7d
  EXPECT_EQ(Status(MonitorJson(ds, kCalm, 1), "freshness"), "critical");
  EXPECT_EQ(Status(MonitorJson(ds,
                               Calm({"DUCKPART_FRESHNESS_MAX_AGE=40d",
                                     "DUCKPART_FRESHNESS_CRITICAL_AGE=60d"}),
                               0),
                   "freshness"),
            "ok");
}

TEST(Monitor, FreeSpaceUnderTheThresholdsWarnsThenIsCritical) {
  TempDir dir;
  const std::string ds = RunTo(MakeDemo(dir / "src", 1000), "events", "bucket(2, id)", dir / "ds");
  const std::vector<std::string> warn = {"DUCKPART_SMALL_FILE_SIZE=1B",
                                         "DUCKPART_FREE_SPACE_MIN=1000TB",
                                         "DUCKPART_FREE_SPACE_CRITICAL=1B"};
  EXPECT_EQ(Status(MonitorJson(ds, warn, 1), "free_space"), "warning");
  const std::vector<std::string> critical = {"DUCKPART_SMALL_FILE_SIZE=1B",
                                             "DUCKPART_FREE_SPACE_MIN=1000TB",
                                             "DUCKPART_FREE_SPACE_CRITICAL=1000TB"};
  EXPECT_EQ(Status(MonitorJson(ds, critical, 1), "free_space"), "critical");
}

TEST(Monitor, ManySmallFilesWarnByDefault) {
  TempDir dir;
  const std::string ds = RunTo(MakeDemo(dir / "src", 3000), "events", "month(ts)", dir / "ds");
  const json r =
      MonitorJson(ds, {"DUCKPART_FREE_SPACE_MIN=1B", "DUCKPART_FREE_SPACE_CRITICAL=1B"}, 1);
  EXPECT_EQ(Status(r, "small_files"), "warning") << NotOk(r);
  EXPECT_EQ(r["targets"][0]["small_files"], r["targets"][0]["files"]);
}

TEST(Monitor, AMissingFileIsCriticalAndDeepValidateFindsIt) {
  TempDir dir;
  const std::string ds = RunTo(MakeDemo(dir / "src", 2000), "events", "bucket(3, id)", dir / "ds");
  const RunResult deep_ok = Monitor({ds, "--deep", "--json"}, kCalm);
  ASSERT_EQ(deep_ok.exit_code, 0) << deep_ok.out;
  EXPECT_EQ(Status(json::parse(deep_ok.out), "validate"), "ok");
  const std::string file = PartitionFiles(ManifestJson(ds), "id_bucket=1").at(0);
  fs::remove(fs::path(ds) / file);
  const json shallow = MonitorJson(ds, kCalm, 1);
  EXPECT_EQ(Status(shallow, "files"), "critical");
  EXPECT_EQ(Status(shallow, "validate"), "") << "validate runs only with --deep";
  const RunResult deep = Monitor({ds, "--deep", "--json"}, kCalm);
  EXPECT_EQ(deep.exit_code, 1);
  EXPECT_EQ(Status(json::parse(deep.out), "validate"), "critical") << deep.out;
}

TEST(Monitor, PartitionTablesAreCheckedThroughTheirCatalog) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 2000);
  const std::string target = dir / "parts.db";
  ASSERT_EQ(RunDuckpart({"run", "--db", db, "--table", "events", "--by", "bucket(4, id)", "--to-db",
                         target, "--quiet"})
                .exit_code,
            0);
  const RunResult r = Monitor({"--to-db", target, "--deep", "--json"}, kCalm);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["targets"][0]["kind"], "tables");
  EXPECT_EQ(j["targets"][0]["rows"], 2000);
  EXPECT_EQ(j["targets"][0]["partitions"], 4);
  EXPECT_EQ(Status(j, "validate"), "ok");
  EXPECT_EQ(Status(j, "balance"), "ok");
}

TEST(Monitor, ADatabaseAWriterHoldsIsAWarningAndAMissingManifestIsCritical) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 1000);
  const std::string target = dir / "parts.db";
  ASSERT_EQ(RunDuckpart({"run", "--db", db, "--table", "events", "--by", "bucket(2, id)", "--to-db",
                         target, "--quiet"})
                .exit_code,
            0);
  {
    db::Database writer(db::DatabaseOptions{.path = target});  // this process holds the file
    const RunResult r = Monitor({"--to-db", target, "--json"}, kCalm);
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(Status(j, "readable"), "warning") << j.dump();
    EXPECT_NE((*Check(j, "readable"))["detail"].get<std::string>().find("in use by another"),
              std::string::npos);
  }
  const std::string ds = RunTo(db, "events", "bucket(2, id)", dir / "ds");
  fs::remove(fs::path(ds) / "_duckpart" / "manifest.json");
  const json gone = MonitorJson(ds, kCalm, 1);
  EXPECT_EQ(Status(gone, "readable"), "critical") << gone.dump();
  EXPECT_EQ(gone["targets"][0]["readable"], false);
}

TEST(Monitor, BadInputExitsTwoBeforeAnyWork) {
  TempDir dir;
  const std::string ds = RunTo(MakeDemo(dir / "src", 500), "events", "bucket(2, id)", dir / "ds");
  const std::vector<std::vector<std::string>> bad = {
      {},
      {dir / "missing"},
      {"--to-db", dir / "missing.db"},
      {ds, "--schema", "s"},
      {ds, "--listen", "nonsense"},
      {ds, "--listen", "127.0.0.1:0", "--interval", "0s"},
      {ds, "--listen", "127.0.0.1:0", "--interval", "2d"},
      {ds, "--prometheus", dir / "no/such/folder/x.prom"},
  };
  for (const auto& args : bad) {
    const RunResult r = Monitor(args, kCalm);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << r.out << r.err;
    EXPECT_NE(r.err.find("duckpart: error:"), std::string::npos) << r.err;
  }
  const RunResult crit = Monitor({ds}, {"DUCKPART_CV_WARN=2", "DUCKPART_CV_CRITICAL=1"});
  EXPECT_EQ(crit.exit_code, 2) << crit.err;
  EXPECT_NE(crit.err.find("cv_critical"), std::string::npos) << crit.err;
}

// promtool, from Debian's `prometheus` package (scripts/install-deps.sh installs it).
std::string Promtool() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    const std::string p = std::string(dir) + "/promtool";
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

TEST(Monitor, ThePrometheusFilePassesPromtoolAndEscapesLabels) {
  const std::string promtool = Promtool();
  ASSERT_FALSE(promtool.empty())
      << "promtool is missing: install Debian's `prometheus` package (scripts/install-deps.sh)";
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 1000);
  const std::string odd = RunTo(db, "events", "bucket(2, id)", dir / "we\"ird\\name");
  const std::string skewed = RunTo(SkewedSource(dir), "t", "k", dir / "skewed");
  const std::string file = dir / "duckpart.prom";
  const RunResult r = Monitor({odd, skewed, "--prometheus", file}, kCalm);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string text = ReadFile(file);
  EXPECT_NE(text.find("# TYPE duckpart_partition_rows_cv gauge"), std::string::npos) << text;
  EXPECT_NE(text.find("target=\"" + (dir / "we\\\"ird\\\\name") + "\""), std::string::npos) << text;
  EXPECT_NE(text.find("duckpart_alerts{target=\"" + skewed +
                      "\",kind=\"parquet\",check=\"balance\",severity=\"warning\"} 1"),
            std::string::npos)
      << text;
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  const int rc = std::system((promtool + " check metrics < " + ShellQuote(file) + " > " +
                              ShellQuote(dir / "promtool.out") + " 2>&1")
                                 .c_str());
  EXPECT_EQ(rc, 0) << ReadFile(dir / "promtool.out") << "\n" << text;
}

}  // namespace
}  // namespace duckpart::testing

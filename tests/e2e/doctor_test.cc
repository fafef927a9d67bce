// End-to-end: `duckpart doctor` checks that really trigger: an unwritable temp directory, a
// small open-file limit (set in the child), VARCHAR dates that do not cast.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "db/database.h"
#include "support/read_only_dir.h"
#include "support/run_configured.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

class Doctor : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    db_ = *dir_ / "src.db";
    db::Database database(db::DatabaseOptions{.path = db_});
    db::Connection conn(database);
    // 300,000 rows over a year; d holds the same instants as text, 7 of them not dates.
    conn.Execute(
        "CREATE TABLE t AS SELECT i AS id, TIMESTAMP '2024-01-01' + INTERVAL (i * 105) SECOND AS "
        "ts, "
        "CASE WHEN i % 40000 = 7 THEN 'not a date' ELSE CAST(TIMESTAMP '2024-01-01' + INTERVAL (i "
        "* 105) SECOND "
        "AS VARCHAR) END AS d, CASE WHEN i % 10 = 0 THEN NULL ELSE i % 5 END AS k FROM "
        "range(300000) r(i)");
  }
  static void TearDownTestSuite() { delete dir_; }

  RunResult Diagnose(std::vector<std::string> args, RunSetup setup = {}) {
    args.insert(args.begin(), "doctor");
    if (setup.cwd.empty()) setup.cwd = work_.path().string();
    setup.env.push_back("HOME=" + work_.path().string());
    return RunConfigured(setup, args);
  }
  // The check of that name in `doctor --json` output.
  static nlohmann::json Check(const RunResult& r, const std::string& name) {
    const nlohmann::json report = nlohmann::json::parse(r.out);
    for (const auto& c : report["checks"]) {
      if (c["name"] == name) return c;
    }
    ADD_FAILURE() << "no check " << name << " in " << r.out;
    return nlohmann::json::object();
  }

  TempDir work_;
  static TempDir* dir_;
  static std::string db_;
};
TempDir* Doctor::dir_ = nullptr;
std::string Doctor::db_;

TEST_F(Doctor, AnalysesColumnsAndSuggestsASpecWithItsPredictedBalance) {
  const RunResult r = Diagnose({"--db", db_, "--table", "t", "--json"});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  const auto d = Check(r, "column d");
  EXPECT_EQ(d["status"], "WARN");
  EXPECT_NE(d["advice"].get<std::string>().find("8 values do not cast to TIMESTAMP"),
            std::string::npos)
      << d;
  EXPECT_NE(d["detail"].get<std::string>().find("values that do not cast: 'not a date'"),
            std::string::npos)
      << d;
  const auto k = Check(r, "column k");
  EXPECT_NE(k["detail"].get<std::string>().find("nullable yes, 30,000 NULLs of 300,000 rows"),
            std::string::npos)
      << k;
  const auto s = Check(r, "suggested-spec");
  EXPECT_EQ(s["status"], "PASS") << s;
  EXPECT_EQ(s["detail"].get<std::string>().rfind("month(ts): 12 partitions", 0), 0u) << s;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  for (const auto& c : report["checks"]) {
    if (c["group"] == "filesystem") EXPECT_EQ(c["status"], "PASS") << c;
  }
}

TEST_F(Doctor, ASpecOverVarcharDatesThatDoNotCastFails) {
  const RunResult r =
      Diagnose({"--db", db_, "--table", "t", "--column", "d", "--by", "month(d)", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Check(r, "spec")["status"], "FAIL");
  const RunResult ok =
      Diagnose({"--db", db_, "--table", "t", "--column", "ts", "--by", "month(ts)", "--json"});
  EXPECT_EQ(Check(ok, "spec")["status"], "PASS") << ok.out;
}

TEST_F(Doctor, AnUnwritableTempDirectoryFromTheEnvironmentFails) {
  std::ofstream(work_ / "a-file") << "x";
  const RunResult r =
      Diagnose({"--json"}, {.env = {"DUCKPART_TEMP_DIR=" + (work_ / "a-file/spill")}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto c = Check(r, "temp-dir");
  EXPECT_EQ(c["status"], "FAIL");
  EXPECT_NE(c["detail"].get<std::string>().find("a-file/spill"), std::string::npos) << c;
}

TEST_F(Doctor, AReadOnlyTempDirectoryFails) {
  ReadOnlyDir ro(work_.path() / "ro");  // a read-only tmpfs as root
  if (!ro.ok()) GTEST_SKIP() << ro.why();
  const RunResult r = Diagnose({"--temp-dir", ro.path().string(), "--json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Check(r, "temp-dir")["status"], "FAIL");
}

TEST_F(Doctor, ASpecNeedingMoreOpenFilesThanTheLimitFails) {
  const RunSetup small{.open_files = 70};
  const RunResult r = Diagnose(
      {"--db", db_, "--table", "t", "--column", "id", "--by", "bucket(50, id)", "--json"}, small);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto c = Check(r, "open-files");
  EXPECT_EQ(c["status"], "FAIL") << c;
  EXPECT_NE(c["detail"].get<std::string>().find("open-file limit 70"), std::string::npos) << c;
  const RunResult few = Diagnose(
      {"--db", db_, "--table", "t", "--column", "id", "--by", "bucket(4, id)", "--json"}, small);
  EXPECT_NE(Check(few, "open-files")["status"], "FAIL") << few.out;
}

TEST_F(Doctor, HumanOutputGivesEveryCheckAStatusAndAdvice) {
  std::ofstream(work_ / "a-file") << "x";
  const RunResult r = Diagnose({"--temp-dir", work_ / "a-file"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("FAIL  temp-dir"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-> give --temp-dir (temp_dir) a folder"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS  rename-over"), std::string::npos) << r.out;
}

TEST_F(Doctor, AMemoryLimitAboveTheMachineFromTheProjectFileFails) {
  std::ofstream(work_ / "duckpart.yaml") << "memory_limit: 900TB\n";
  const RunResult r = Diagnose({"--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Check(r, "memory")["status"], "FAIL");
}

TEST_F(Doctor, AColumnOrSpecWithoutASourceIsAUsageError) {
  EXPECT_EQ(Diagnose({"--column", "ts"}).exit_code, 2);
  EXPECT_EQ(Diagnose({"--db", db_, "--table", "t", "--column", "nope"}).exit_code, 2);
}

}  // namespace
}  // namespace duckpart::testing

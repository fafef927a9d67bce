// End-to-end: `run --dry-run` is `plan` with the same arguments and changes nothing;
// `--log-file` (or the config key log_file) appends one JSON line per phase and per
// warning, with a line at the start and one at the end.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/dataset.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

std::vector<nlohmann::json> LogLines(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::stringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    lines.push_back(nlohmann::json::parse(line));  // throws (fails the test) if not JSON
  }
  return lines;
}

std::vector<std::string> Phases(const std::vector<nlohmann::json>& lines) {
  std::vector<std::string> phases;
  for (const auto& l : lines)
    if (l["event"] == "phase") phases.push_back(l["phase"]);
  return phases;
}

class RunExtras : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = MakeDemo(*dir_ / "src", 20'000);
  }
  static void TearDownTestSuite() { delete dir_; }
  std::vector<std::string> Run(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"run",  "--db",      db_,    "--table",   "events",
                                     "--by", "month(ts)", "--to", out_ / "ds", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  static inline TempDir* dir_ = nullptr;
  static inline std::string db_;
  TempDir out_;
};

TEST_F(RunExtras, DryRunPrintsWhatPlanPrintsAndChangesNothing) {
  const std::vector<std::string> plan = {"plan",   "--db", db_,        "--table",
                                         "events", "--by", "month(ts)"};
  for (const std::string flag : {"", "--json"}) {
    auto p = plan;
    auto r = Run({"--dry-run"});
    if (!flag.empty()) {
      p.push_back(flag);
      r.push_back(flag);
    }
    const RunResult want = RunDuckpart(p);
    const RunResult got = RunDuckpart(r);
    ASSERT_EQ(want.exit_code, 0) << want.err;
    EXPECT_EQ(got.exit_code, 0) << got.err;
    EXPECT_EQ(got.out, want.out) << flag;
    EXPECT_FALSE(got.out.empty());
  }
  EXPECT_EQ(Entries(out_.path()), std::vector<std::string>{}) << "the dry run wrote nothing";
}

TEST_F(RunExtras, DryRunChecksTheArgumentsARunWould) {
  const RunResult r = RunDuckpart(Run({"--dry-run", "--to-db", out_ / "t.db"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("exactly one target"), std::string::npos) << r.err;
}

TEST_F(RunExtras, LogFileHasOneJsonLinePerPhaseAndTheResult) {
  const std::string log = out_ / "run.log";
  const RunResult r = RunDuckpart(Run({"--log-file", log}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = LogLines(log);
  ASSERT_GE(lines.size(), 7u) << ReadFile(log);
  EXPECT_EQ(Phases(lines),
            (std::vector<std::string>{"plan", "stage", "write", "verify", "commit"}));
  EXPECT_EQ(lines.front()["event"], "start");
  EXPECT_EQ(lines.front()["command"], "run");
  EXPECT_EQ(lines.back()["event"], "done");
  EXPECT_EQ(lines.back()["result"]["rows"], 20'000);
  for (const auto& l : lines) {
    EXPECT_TRUE(l["time"].is_string()) << l;
    EXPECT_EQ(l["time"].get<std::string>().back(), 'Z') << l;
    EXPECT_TRUE(l["level"].is_string()) << l;
    if (l["event"] == "phase") EXPECT_TRUE(l["seconds"].is_number()) << l;
    if (l["event"] == "phase" && l["phase"] == "write") EXPECT_EQ(l["rows"], 20'000) << l;
  }
}

TEST_F(RunExtras, LogFileFromTheConfigKeyAppendsAndRecordsAFailure) {
  const std::string log = out_ / "config.log";
  const std::vector<std::string> env = {"DUCKPART_LOG_FILE=" + log};
  ASSERT_EQ(RunDuckpart(Run({}), env).exit_code, 0);
  // The same target again, without --replace: refused before any phase, and logged.
  const RunResult again = RunDuckpart(Run({}), env);
  EXPECT_EQ(again.exit_code, 2);
  const auto lines = LogLines(log);
  EXPECT_EQ(Phases(lines).size(), 5u) << ReadFile(log);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back()["event"], "failed");
  EXPECT_EQ(lines.back()["exit_code"], 2);
  EXPECT_EQ(lines.back()["level"], "error");
  EXPECT_NE(lines.back()["message"].get<std::string>().find("--replace"), std::string::npos);
}

TEST_F(RunExtras, LogFileHasOneLinePerWarning) {
  const std::string log = out_ / "warn.log";
  // The demo's tags hold '__HIVE_DEFAULT_PARTITION__': the plan warns about other readers.
  const RunResult r = RunDuckpart({"run", "--db", db_, "--table", "events", "--by", "tag", "--to",
                                   out_ / "tags", "--log-file", log, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = LogLines(log);
  std::vector<std::string> warnings;
  for (const auto& l : lines) {
    if (l["event"] != "warning") continue;
    EXPECT_EQ(l["level"], "warning") << l;
    warnings.push_back(l["message"]);
  }
  ASSERT_FALSE(warnings.empty()) << ReadFile(log);
  EXPECT_NE(warnings.front().find("__HIVE_DEFAULT_PARTITION__"), std::string::npos);
  EXPECT_EQ(Phases(lines),
            (std::vector<std::string>{"plan", "stage", "write", "verify", "commit"}));
}

TEST_F(RunExtras, AnUnwritableLogFileIsBadInputAndNothingIsWritten) {
  const RunResult r = RunDuckpart(Run({"--log-file", out_ / "no/such/dir/x.log"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--log-file"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out_ / "ds"));
}

}  // namespace
}  // namespace duckpart::testing

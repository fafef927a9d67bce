// End-to-end: `--log-file` on append, retain and repartition writes the lines `run` writes
// (cli/run_log.h): a start line naming the command, one line per finished phase, and a done
// line with the --json result, or a failed line with the exit code; the config key log_file
// does the same.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/dataset.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

using nlohmann::json;

std::vector<json> LogLines(const std::string& path) {
  std::vector<json> lines;
  std::stringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

// The lines of one command: from its start line to the next start line.
std::vector<json> CommandLines(const std::vector<json>& lines, const std::string& command) {
  std::vector<json> out;
  bool in = false;
  for (const auto& l : lines) {
    if (l["event"] == "start") in = l["command"] == command;
    if (in) out.push_back(l);
  }
  return out;
}

std::vector<std::string> Events(const std::vector<json>& lines) {
  std::vector<std::string> events;
  for (const auto& l : lines) {
    events.push_back(l["event"] == "phase" ? l["phase"].get<std::string>()
                                           : l["event"].get<std::string>());
  }
  return events;
}

class CommandLog : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = MakeDemo(dir_ / "src", 3000);
    const RunResult r = RunDuckpart(
        {"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to", ds_, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  TempDir dir_;
  std::string db_, ds_ = dir_ / "ds", log_ = dir_ / "ops.log";
};

TEST_F(CommandLog, AppendRetainAndRepartitionLogTheirPhasesAndResult) {
  ASSERT_EQ(RunDuckpart({"append", ds_, "--db", db_, "--table", "events", "--batch-id", "b7",
                         "--log-file", log_, "--quiet"})
                .exit_code,
            0);
  ASSERT_EQ(
      RunDuckpart({"retain", ds_, "--older-than", "2023-07-01", "--log-file", log_, "--quiet"})
          .exit_code,
      0);
  ASSERT_EQ(
      RunDuckpart({"repartition", ds_, "--by", "bucket(3, id)", "--log-file", log_, "--quiet"})
          .exit_code,
      0);
  const std::vector<json> lines = LogLines(log_);
  const std::vector<std::string> phases = {"start",  "plan",   "stage", "write",
                                           "verify", "commit", "done"};
  for (const std::string command : {"append", "retain", "repartition"}) {
    const std::vector<json> own = CommandLines(lines, command);
    ASSERT_FALSE(own.empty()) << command;
    EXPECT_EQ(Events(own), phases) << command << ": " << ReadFile(log_);
    EXPECT_EQ(own.front()["target"], ds_);
    EXPECT_EQ(own.back()["exit_code"], 0);
  }
  EXPECT_EQ(CommandLines(lines, "append").front()["batch_id"], "b7");
  EXPECT_EQ(CommandLines(lines, "append").back()["result"]["rows_added"], 3000);
  EXPECT_EQ(CommandLines(lines, "retain").back()["result"]["committed"], true);
  EXPECT_EQ(CommandLines(lines, "repartition").back()["result"]["partitions"], 3);
}

TEST_F(CommandLog, AFailureIsLoggedWithItsExitCodeAndTheConfigKeyWorks) {
  const RunResult r = RunDuckpart(
      {"append", ds_, "--db", db_, "--table", "events", "--quiet"},
      {"DUCKPART_LOG_FILE=" + log_, "DUCKPART_FAULT_AT=1", "DUCKPART_FAULT_ACTION=fail"});
  ASSERT_EQ(r.exit_code, 3) << r.err;
  const std::vector<json> lines = LogLines(log_);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines.front()["command"], "append");
  EXPECT_EQ(lines.back()["event"], "failed");
  EXPECT_EQ(lines.back()["exit_code"], 3);
  EXPECT_EQ(lines.back()["kind"], "runtime");
  const std::string missing = dir_ / "no-such-folder/x.log";
  const RunResult bad =
      RunDuckpart({"retain", ds_, "--older-than", "2023-07-01", "--log-file", missing, "--json"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("\"error\""), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace duckpart::testing

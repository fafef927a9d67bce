// End-to-end: progress as a person at a terminal sees it (through a pseudo-terminal), and
// as a log or a script sees it. On a terminal the bar of every counted phase never goes
// back and ends at 100%, also for --to-db; without a terminal each phase gets one plain
// line; --quiet and --json draw nothing.
#include <gtest/gtest.h>

#include <regex>

#include "support/dataset.h"
#include "support/pty.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

// The percentages the bar of `phase` showed, in the order drawn.
std::vector<double> Percents(const std::string& output, const std::string& phase) {
  std::vector<double> out;
  const std::regex frame("^\\n?(?:\\x1b\\[K)?" + phase + " +\\[[#.]+\\] +([0-9.]+)%");
  size_t start = 0;
  while (start <= output.size()) {
    size_t end = output.find('\r', start);
    if (end == std::string::npos) end = output.size();
    std::smatch m;
    const std::string segment = output.substr(start, end - start);
    if (std::regex_search(segment, m, frame)) out.push_back(std::stod(m[1]));
    start = end + 1;
  }
  return out;
}

void ExpectRisesTo100(const std::vector<double>& p, const std::string& output) {
  ASSERT_FALSE(p.empty()) << output;
  for (size_t i = 1; i < p.size(); ++i)
    EXPECT_LE(p[i - 1], p[i]) << "frame " << i << "\n" << output;
  EXPECT_EQ(p.back(), 100.0) << output;
}

class Progress : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = MakeDemo(*dir_ / "src", kRows);
  }
  static void TearDownTestSuite() { delete dir_; }
  // Two years of day partitions: the sorted write (more than 64 partitions).
  std::vector<std::string> Run(const std::string& target_flag, const std::string& target) {
    return {"run",   "--db",      db_,         "--table", "events",
            "--by",  "day(ts)",   target_flag, target,    "--memory-limit",
            "256MB", "--threads", "2"};
  }
  static constexpr int64_t kRows = 250'000;
  static inline TempDir* dir_ = nullptr;
  static inline std::string db_;
  TempDir out_;
};

TEST_F(Progress, OnATerminalTheWriteBarNeverGoesBackAndReaches100) {
  const PtyRun r = RunDuckpartOnPty(Run("--to", out_ / "ds"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto write = Percents(r.output, "write");
  ExpectRisesTo100(write, r.output);
  EXPECT_GE(write.size(), 2u) << "the bar moved during the write:\n" << r.output;
  ExpectRisesTo100(Percents(r.output, "verify"), r.output);
  EXPECT_NE(r.output.find("250,000 of 250,000 rows"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("eta 0s"), std::string::npos) << r.output;
}

TEST_F(Progress, OnATerminalTheToDbWriteShowsProgressToo) {
  // 64 bucket tables (a table per day would take long to create on a loaded machine)
  const PtyRun r = RunDuckpartOnPty({"run", "--db", db_, "--table", "events", "--by",
                                     "bucket(64, user_id)", "--to-db", out_ / "t.db"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectRisesTo100(Percents(r.output, "stage"), r.output);
  ExpectRisesTo100(Percents(r.output, "write"), r.output);
  EXPECT_NE(r.output.find("table "), std::string::npos) << "the step names the tables:\n"
                                                        << r.output;
}

TEST_F(Progress, WithoutATerminalEachPhaseGetsOnePlainLine) {
  const RunResult r = RunDuckpart(Run("--to", out_ / "ds"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  std::vector<std::string> lines;
  std::stringstream in(r.err);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const std::vector<std::string> phases = {"plan", "stage", "write", "verify", "commit"};
  ASSERT_EQ(lines.size(), phases.size()) << r.err;
  for (size_t i = 0; i < phases.size(); ++i)
    EXPECT_EQ(lines[i].rfind("duckpart: " + phases[i] + ": ", 0), 0u) << lines[i];
  EXPECT_NE(lines[2].find("250,000 rows"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("iB"), std::string::npos) << "bytes written: " << lines[2];
}

TEST_F(Progress, QuietDrawsNothing) {
  auto quiet = Run("--to", out_ / "q");
  quiet.push_back("--quiet");
  const PtyRun q = RunDuckpartOnPty(quiet);
  ASSERT_EQ(q.exit_code, 0) << q.output;
  EXPECT_EQ(q.output, "");
  auto plain_args = Run("--to", out_ / "p");
  plain_args.push_back("--quiet");
  const RunResult plain = RunDuckpart(plain_args);  // not a terminal, --quiet: no phase lines
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.err, "");
}

TEST_F(Progress, JsonDrawsNothing) {
  auto json = Run("--to", out_ / "j");
  json.push_back("--json");
  const PtyRun j = RunDuckpartOnPty(json);
  ASSERT_EQ(j.exit_code, 0) << j.output;
  EXPECT_TRUE(Percents(j.output, "write").empty()) << j.output;
  EXPECT_EQ(j.output.find("duckpart: "), std::string::npos) << j.output;
  EXPECT_EQ(j.output.find("eta"), std::string::npos) << j.output;
}

}  // namespace
}  // namespace duckpart::testing

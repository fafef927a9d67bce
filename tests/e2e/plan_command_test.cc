// End-to-end: `duckpart plan` (README: "what a spec would give: partitions, rows,
// balance; changes nothing"), in text and --json, checked against counts computed
// independently from the source and against the run that follows.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/dataset.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

class PlanCommand : public ::testing::Test {
 protected:
  void SetUp() override { db_ = MakeDemo(dir_ / "src", 20'000); }
  std::vector<std::string> Args(std::vector<std::string> extra = {}) {
    std::vector<std::string> a{"plan", "--db", db_, "--table", "events", "--by", "month(ts)"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  // Rows per month of the source, sorted, counted by DuckDB directly.
  std::vector<int64_t> SourceMonthCounts() {
    Session s;
    s.AttachReadOnly(db_);
    db::Result r = s.conn().Query(
        "SELECT count(*) FROM src.events GROUP BY date_trunc('month', ts) ORDER BY 1");
    std::vector<int64_t> counts;
    for (size_t i = 0; i < r.RowCount(); ++i) counts.push_back(r.GetInt64(i, 0));
    return counts;
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(PlanCommand, JsonListsEveryPartitionWithTheSourcesRowCounts) {
  const std::string before = ReadFile(db_);
  const auto entries = Entries(dir_ / "src");
  RunResult r = RunDuckpart(Args({"--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto plan = nlohmann::json::parse(r.out);
  EXPECT_EQ(plan["spec"], "month(ts)");
  EXPECT_EQ(plan["rows"].get<int64_t>(), SourceContent(db_).rows);
  std::vector<int64_t> counts;
  EXPECT_EQ(plan["partitions"], plan["partition_list"].size());
  for (const auto& p : plan["partition_list"]) {
    counts.push_back(p["rows"].get<int64_t>());
    EXPECT_EQ(p["path"].get<std::string>().rfind("ts_month=", 0), 0u) << p["path"];
  }
  std::sort(counts.begin(), counts.end());
  EXPECT_EQ(counts, SourceMonthCounts());
  EXPECT_EQ(plan["balance"]["partitions"].get<size_t>(), counts.size());
  EXPECT_EQ(ReadFile(db_), before) << "plan changed the source";
  EXPECT_EQ(Entries(dir_ / "src"), entries) << "plan left files beside the source";
}

TEST_F(PlanCommand, TextShowsPartitionsTotalsAndBalanceAndCutsTheListAtShow) {
  RunResult json = RunDuckpart(Args({"--json"}));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto plan = nlohmann::json::parse(json.out);
  RunResult r = RunDuckpart(Args({"--show", "3"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Plan for ", 0), 0u) << r.out;
  const auto& parts = plan["partition_list"];
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool listed = r.out.find(parts[i]["path"].get<std::string>() + " ") != std::string::npos;
    EXPECT_EQ(listed, i < 3) << parts[i]["path"];
  }
  EXPECT_NE(r.out.find("... " + std::to_string(parts.size() - 3) + " more (use --show N)"),
            std::string::npos)
      << r.out;
  const std::string totals = std::to_string(parts.size()) + " partitions, 20,000 rows";
  EXPECT_NE(r.out.find(totals), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("balance: " + plan["balance"]["verdict"].get<std::string>()),
            std::string::npos)
      << r.out;
}

TEST_F(PlanCommand, TheRunWritesExactlyThePartitionsThePlanListed) {
  RunResult r = RunDuckpart(Args({"--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto plan = nlohmann::json::parse(r.out);
  ASSERT_EQ(RunDuckpart({"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to",
                         dir_ / "ds", "--quiet"})
                .exit_code,
            0);
  const auto manifest = ManifestJson(dir_ / "ds");
  ASSERT_EQ(manifest["partitions"].size(), plan["partition_list"].size());
  for (size_t i = 0; i < plan["partition_list"].size(); ++i) {
    const auto& planned = plan["partition_list"][i];
    EXPECT_EQ(PartitionFiles(manifest, planned["path"]).empty(), false) << planned["path"];
  }
  EXPECT_EQ(manifest["total_rows"], plan["rows"]);
}

TEST_F(PlanCommand, ASpecThatDoesNotFitIsAnInputErrorAndChangesNothing) {
  RunResult r =
      RunDuckpart({"plan", "--db", db_, "--table", "events", "--by", "month(no_such_column)"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no_such_column"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

// Text timestamps with offsets from several zones: the day is their wall-clock day, and the
// plan says so, naming the column, how many, an example and how to partition by instant.
TEST_F(PlanCommand, TextTimestampsWithUtcOffsetsAreNamedInAWarning) {
  // Mixed spellings: DuckDB's JSON reader keeps the column VARCHAR.
  std::ofstream(dir_ / "tz.json") << R"({"id": 1, "ts": "2024-03-10T01:00:00+05:00"}
{"id": 2, "ts": "2024-03-10T23:00:00-05:00"}
{"id": 3, "ts": "2024-03-10 12:00:00"}
{"id": 4, "ts": "2024-03-10T12:00:00Z"}
)";
  const auto warnings = [&](const std::string& file) {
    const RunResult r = RunDuckpart({"plan", "--from", dir_ / file, "--by", "day(ts)", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto plan = nlohmann::json::parse(r.out);
    EXPECT_EQ(plan["columns"][1]["type"], "VARCHAR") << r.out;
    return plan["balance"]["warnings"];
  };
  const auto with_offsets = warnings("tz.json");
  ASSERT_EQ(with_offsets.size(), 1u) << with_offsets;
  const std::string w = with_offsets[0].get<std::string>();
  EXPECT_NE(w.find("column 'ts' has 2 timestamps with a UTC offset"), std::string::npos) << w;
  EXPECT_NE(w.find("AS TIMESTAMPTZ"), std::string::npos) << w;
  std::ofstream(dir_ / "utc.json") << R"({"id": 1, "ts": "2024-03-10T01:00:00Z"}
{"id": 2, "ts": "2024-03-10 23:00:00"}
{"id": 3, "ts": "2024-03-10T05:00:00+00:00"}
)";
  EXPECT_TRUE(warnings("utc.json").empty());
}

}  // namespace
}  // namespace duckpart::testing

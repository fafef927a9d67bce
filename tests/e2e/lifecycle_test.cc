// End-to-end: `append` adds rows under the dataset's own spec and cuts as a new version that
// shares the unchanged files; `retain` drops whole partitions past a window; `history`
// lists every committed operation. Bad input is refused before any work with the dataset
// byte-identical.
#include "support/lifecycle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/dataset.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kRows = 4000;

std::vector<std::string> RunOn(const std::string& db, const std::string& where,
                               const std::string& spec, const std::string& to) {
  return Cat(Cat({"run"}, EventsWhere(db, where)),
             {"--by", spec, "--to", to, "--threads", "2", "--quiet"});
}

std::vector<std::string> AppendOn(const std::string& to, const std::string& db,
                                  const std::string& where, std::vector<std::string> extra = {}) {
  return Cat(Cat(Cat({"append", to}, EventsWhere(db, where)), {"--threads", "2", "--quiet"}),
             extra);
}

void ExpectValid(const std::string& ds, int64_t rows) {
  const RunResult v = RunDuckpart({"validate", ds, "--json"});
  ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(json::parse(v.out)["rows"].get<int64_t>(), rows);
}

class Lifecycle : public ::testing::Test {
 protected:
  void SetUp() override { db_ = MakeDemo(dir_ / "src", kRows); }
  TempDir dir_;
  std::string db_;
};

TEST_F(Lifecycle, AppendOnEveryTransformHoldsExactlyTheRowsOfBothParts) {
  const std::vector<std::string> specs = {"tag",
                                          "month(ts)",
                                          "day(ts)",
                                          "month(ts), category",
                                          "year(ts), bucket(4, user_id)",
                                          "truncate(1000, user_id)",
                                          "range(amount, [10, 100])",
                                          "quantile(4, amount)",
                                          "referrer"};
  int i = 0;
  for (const auto& spec : specs) {
    SCOPED_TRACE(spec);
    const std::string ds = dir_ / ("ds" + std::to_string(i++));
    ASSERT_EQ(RunDuckpart(RunOn(db_, "id % 3 <> 0", spec, ds)).exit_code, 0);
    const RunResult a = RunDuckpart(AppendOn(ds, db_, "id % 3 = 0"));
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(ParquetContent(ds), SourceContent(db_));
    ExpectValid(ds, kRows);
    const json m = ManifestJson(ds);
    ASSERT_EQ(m["history"].size(), 2u);
    EXPECT_EQ(m["history"][1]["operation"], "append");
    EXPECT_EQ(m["history"][1]["rows_added"], SourceContent(db_, "id % 3 = 0").rows);
  }
}

TEST_F(Lifecycle, AppendKeepsNullTheStringNullAndEmptyApart) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "id < 2000", "tag", ds)).exit_code, 0);
  ASSERT_EQ(RunDuckpart(AppendOn(ds, db_, "id >= 2000")).exit_code, 0);
  for (const auto& [where, path] : std::vector<std::pair<std::string, std::string>>{
           {"tag IS NULL", "tag_identity=__HIVE_DEFAULT_PARTITION__"},
           {"tag = 'NULL'", "tag_identity=%4EULL"},
           {"tag = ''", "tag_identity="}}) {
    SCOPED_TRACE(where);
    const json m = ManifestJson(ds);
    int64_t rows = -1;
    for (const auto& p : m["partitions"])
      if (p["path"] == path) rows = p["rows"].get<int64_t>();
    EXPECT_EQ(rows, SourceContent(db_, where).rows);
    EXPECT_EQ(PartitionFiles(m, path).size(), 2u) << "one file of the run, one of the append";
  }
  ExpectValid(ds, kRows);
}

TEST_F(Lifecycle, AppendCreatesNewPartitionsAndSharesTheUntouchedFiles) {
  const std::string ds = dir_ / "ds";
  // June 2024 half in the run, half in the append
  ASSERT_EQ(RunDuckpart(RunOn(db_,
                              "ts < TIMESTAMP '2024-06-01' OR (ts < TIMESTAMP '2024-07-01' AND "
                              "id % 2 = 0)",
                              "month(ts)", ds))
                .exit_code,
            0);
  const json before = ManifestJson(ds);
  const std::string old_file = PartitionFiles(before, "ts_month=2023-03").at(0);
  const ino_t inode = InodeOf(fs::path(ds) / old_file);
  const RunResult a = RunDuckpart(AppendOn(
      ds, db_, "ts >= TIMESTAMP '2024-07-01' OR (ts >= TIMESTAMP '2024-06-01' AND id % 2 = 1)",
      {"--json", "--batch-id", "h2"}));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const json out = json::parse(a.out);
  EXPECT_EQ(out["partitions_touched"], 1);  // June 2024
  EXPECT_EQ(out["partitions_created"], 6);  // July to December 2024
  EXPECT_EQ(out["files_added"], 7);
  const json after = ManifestJson(ds);
  EXPECT_EQ(after["partitions"].size(), before["partitions"].size() + 6);
  EXPECT_EQ(PartitionFiles(after, "ts_month=2023-03"), PartitionFiles(before, "ts_month=2023-03"));
  EXPECT_EQ(InodeOf(fs::path(ds) / old_file), inode) << "shared, not copied";
  EXPECT_EQ(PartitionFiles(after, "ts_month=2024-06").size(), 2u);
  EXPECT_EQ(ParquetContent(ds), SourceContent(db_));
  ExpectValid(ds, kRows);
  for (const auto& e : Entries(StoreOf(ds))) EXPECT_NE(e.rfind("staging-", 0), 0u) << e;
}

TEST_F(Lifecycle, AnAppendTouchingEveryPartitionAddsOneFileToEach) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "id % 2 = 0", "category", ds)).exit_code, 0);
  const size_t parts = ManifestJson(ds)["partitions"].size();
  const RunResult a = RunDuckpart(AppendOn(ds, db_, "id % 2 = 1", {"--json"}));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(json::parse(a.out)["partitions_touched"].get<size_t>(), parts);
  const json m = ManifestJson(ds);  // held: a member of a temporary would dangle
  ASSERT_EQ(m["partitions"].size(), parts);
  for (const auto& p : m["partitions"]) EXPECT_EQ(p["files"].size(), 2u) << p;
  EXPECT_EQ(ParquetContent(ds), SourceContent(db_));
}

TEST_F(Lifecycle, QuantileCutsStayAndOuterValuesGoToTheOuterRanges) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(
      RunDuckpart(RunOn(db_, "amount BETWEEN 1 AND 500", "quantile(4, amount)", ds)).exit_code, 0);
  const json before = ManifestJson(ds);
  ASSERT_EQ(RunDuckpart(AppendOn(ds, db_, "amount NOT BETWEEN 1 AND 500")).exit_code, 0);
  const json after = ManifestJson(ds);
  EXPECT_EQ(after["fields"], before["fields"]) << "the cuts are the dataset's";
  EXPECT_EQ(after["partitions"].size(), before["partitions"].size());
  EXPECT_EQ(ParquetContent(ds), SourceContent(db_));
  ExpectValid(ds, kRows);
}

TEST_F(Lifecycle, ATypeThatCastsLosslesslyIsAccepted) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "id < 3000", "tag", ds)).exit_code, 0);
  const RunResult a = RunDuckpart(
      {"append", ds, "--db", db_, "--query",
       "SELECT CAST(id AS INTEGER) AS id, ts, CAST(user_id AS BIGINT) AS user_id, amount, "
       "category, referrer, tag FROM events WHERE id >= 3000",
       "--quiet"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(ParquetContent(ds), SourceContent(db_));
  ExpectValid(ds, kRows);
}

TEST_F(Lifecycle, BadAppendsExitTwoAndLeaveTheDatasetByteIdentical) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "id < 3000", "month(ts)", ds)).exit_code, 0);
  ASSERT_EQ(
      RunDuckpart(AppendOn(ds, db_, "id BETWEEN 3000 AND 3099", {"--batch-id", "b1"})).exit_code,
      0);
  const std::string cols = "id, ts, user_id, amount, category, referrer";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {AppendOn(dir_ / "missing", db_, "true"), "no duckpart dataset"},
      {{"append", ds, "--db", db_, "--query", "SELECT " + cols + " FROM events"}, "'tag'"},
      {{"append", ds, "--db", db_, "--query", "SELECT *, 1 AS extra FROM events"}, "'extra'"},
      {{"append", ds, "--db", db_, "--query",
        "SELECT " + cols + ", CAST(id AS VARCHAR) || 'x' AS tag2, tag FROM events"},
       "'tag2'"},
      {{"append", ds, "--db", db_, "--query",
        "SELECT id, ts, user_id + 0.5 AS user_id, amount, category, referrer, tag FROM events"},
       "'user_id'"},
      {{"append", ds, "--db", db_, "--query",
        "SELECT id, 'soon' AS ts, user_id, amount, category, referrer, tag FROM events"},
       "'ts'"},
      {AppendOn(ds, db_, "id >= 3100", {"--batch-id", "b1"}), "already appended"},
      {AppendOn(ds, db_, "id >= 3100", {"--if-new"}), "--batch-id"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(args.back());
    const Snapshot before = SnapshotOf(ds);
    const RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(SnapshotOf(ds), before);
  }
  const Snapshot before = SnapshotOf(ds);
  const RunResult skip =
      RunDuckpart(AppendOn(ds, db_, "id >= 3100", {"--batch-id", "b1", "--if-new", "--json"}));
  ASSERT_EQ(skip.exit_code, 0) << skip.err;
  EXPECT_TRUE(json::parse(skip.out)["skipped"].get<bool>());
  EXPECT_EQ(SnapshotOf(ds), before);
}

TEST_F(Lifecycle, AnIdenticalReAppendWithoutBatchIdWarns) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "id < 3000", "tag", ds)).exit_code, 0);
  ASSERT_EQ(RunDuckpart(AppendOn(ds, db_, "id >= 3000")).exit_code, 0);
  const RunResult again = RunDuckpart(Cat({"append", ds}, EventsWhere(db_, "id >= 3000")));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("appended twice?"), std::string::npos) << again.err;
}

TEST_F(Lifecycle, ManySmallFilesInAPartitionGetAWarningNamingCompaction) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "id < 1000", "category", ds)).exit_code, 0);
  ASSERT_EQ(RunDuckpart(AppendOn(ds, db_, "id BETWEEN 1000 AND 1999")).exit_code, 0);
  const RunResult r = RunDuckpart(
      Cat({"append", ds, "--small-files-warning", "2"}, EventsWhere(db_, "id >= 2000")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("rebalance --compact"), std::string::npos) << r.err;
}

// ---------------------------------------------------------------------------------
// retain

TEST_F(Lifecycle, RetainOlderThanDropsWholeMonthsAndSharesTheRest) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "true", "month(ts)", ds)).exit_code, 0);
  const json before = ManifestJson(ds);
  const Snapshot snap = SnapshotOf(ds);
  const RunResult dry =
      RunDuckpart({"retain", ds, "--older-than", "2024-01-01", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(json::parse(dry.out)["dropped"].size(), 12u);
  EXPECT_EQ(json::parse(dry.out)["rows_dropped"].get<int64_t>(),
            SourceContent(db_, "ts < TIMESTAMP '2024-01-01'").rows);
  EXPECT_EQ(SnapshotOf(ds), snap) << "a dry run changes nothing";
  const std::string kept = PartitionFiles(before, "ts_month=2024-05").at(0);
  const ino_t inode = InodeOf(fs::path(ds) / kept);
  const RunResult r = RunDuckpart({"retain", ds, "--older-than", "2024-01-01", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ParquetContent(ds), SourceContent(db_, "ts >= TIMESTAMP '2024-01-01'"));
  EXPECT_EQ(InodeOf(fs::path(ds) / kept), inode);
  ExpectValid(ds, SourceContent(db_, "ts >= TIMESTAMP '2024-01-01'").rows);
  // a cutoff inside a month keeps that month whole
  ASSERT_EQ(RunDuckpart({"retain", ds, "--older-than", "2024-02-15", "--quiet"}).exit_code, 0);
  EXPECT_EQ(ParquetContent(ds), SourceContent(db_, "ts >= TIMESTAMP '2024-02-01'"));
}

TEST_F(Lifecycle, RetainWhereMatchesPartitionValuesAndNeverTheNullPartition) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "true", "tag", ds)).exit_code, 0);
  ASSERT_EQ(RunDuckpart({"retain", ds, "--where", "tag = 'NULL'", "--quiet"}).exit_code, 0);
  EXPECT_EQ(ParquetContent(ds), SourceContent(db_, "tag IS DISTINCT FROM 'NULL'"));
  ASSERT_EQ(RunDuckpart({"retain", ds, "--where", "tag <> ''", "--quiet"}).exit_code, 0);
  EXPECT_EQ(ParquetContent(ds), SourceContent(db_, "tag IS NULL OR tag = ''"));
  ExpectValid(ds, SourceContent(db_, "tag IS NULL OR tag = ''").rows);
}

TEST_F(Lifecycle, RetainKeepCountsUnitsBackFromNow) {
  const std::string ds = dir_ / "ds";
  const std::string query =
      "SELECT range AS id, CAST(current_date - CAST(range % 40 AS INTEGER) AS DATE) AS d "
      "FROM range(400)";
  ASSERT_EQ(
      RunDuckpart({"run", "--query", query, "--by", "day(d)", "--to", ds, "--quiet"}).exit_code, 0);
  ASSERT_EQ(ManifestJson(ds)["partitions"].size(), 40u);
  ASSERT_EQ(RunDuckpart({"retain", ds, "--keep", "10", "--quiet"}).exit_code, 0);
  EXPECT_EQ(ManifestJson(ds)["partitions"].size(), 10u);
  ASSERT_EQ(RunDuckpart({"retain", ds, "--keep", "1w", "--quiet"}).exit_code, 0);
  EXPECT_LE(ManifestJson(ds)["partitions"].size(), 10u);
  EXPECT_GE(ManifestJson(ds)["partitions"].size(), 1u);
  ExpectValid(ds, ManifestJson(ds)["total_rows"].get<int64_t>());
}

TEST_F(Lifecycle, BadRetainWindowsExitTwoAndLeaveTheDatasetByteIdentical) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "true", "month(ts), bucket(2, id)", ds)).exit_code, 0);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"retain", dir_ / "missing", "--older-than", "2024-01-01"}, "no duckpart dataset"},
      {{"retain", ds}, "exactly one window"},
      {{"retain", ds, "--older-than", "2024-01-01", "--keep", "3"}, "exactly one window"},
      {{"retain", ds, "--older-than", "someday"}, "not a date"},
      {{"retain", ds, "--keep", "0"}, "between 1 and"},
      {{"retain", ds, "--keep", "12 months"}, "--keep"},
      {{"retain", ds, "--where", "ts < 2024-01-15"}, "would split"},
      {{"retain", ds, "--where", "id < 1"}, "compares bucket numbers"},
      {{"retain", ds, "--where", "nope < 1"}, "not a partition field"},
      {{"retain", ds, "--where", "ts"}, "field OP value"},
      {{"retain", ds, "--older-than", "2100-01-01"}, "--allow-empty"},
      {{"retain", ds, "--older-than", "2024-01-01", "--field", "id_bucket"}, "not a time field"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(args.back());
    const Snapshot before = SnapshotOf(ds);
    const RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(SnapshotOf(ds), before);
  }
}

TEST_F(Lifecycle, RetainAllowEmptyDropsEveryPartition) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "true", "year(ts)", ds)).exit_code, 0);
  const RunResult r =
      RunDuckpart({"retain", ds, "--older-than", "2100-01-01", "--allow-empty", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ManifestJson(ds)["partitions"].size(), 0u);
  ExpectValid(ds, 0);
  // and the empty dataset takes an append again
  ASSERT_EQ(RunDuckpart(AppendOn(ds, db_, "true")).exit_code, 0);
  EXPECT_EQ(ParquetContent(ds), SourceContent(db_));
}

// ---------------------------------------------------------------------------------
// history

TEST_F(Lifecycle, HistoryRecordsEveryCommittedOperation) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "id < 3000", "month(ts)", ds)).exit_code, 0);
  ASSERT_EQ(RunDuckpart(AppendOn(ds, db_, "id >= 3000", {"--batch-id", "day-2"})).exit_code, 0);
  ASSERT_EQ(RunDuckpart({"retain", ds, "--older-than", "2023-07-01", "--quiet"}).exit_code, 0);
  const RunResult h = RunDuckpart({"history", ds, "--json"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  const json records = json::parse(h.out)["history"];
  ASSERT_EQ(records.size(), 3u) << h.out;
  EXPECT_EQ(records[0]["operation"], "run");
  EXPECT_EQ(records[0]["rows_added"], 3000);
  EXPECT_EQ(records[1]["operation"], "append");
  EXPECT_EQ(records[1]["batch_id"], "day-2");
  EXPECT_EQ(records[1]["rows_added"], kRows - 3000);
  EXPECT_EQ(records[1]["partitions_touched"].get<int64_t>() > 0, true);
  EXPECT_GT(records[1]["bytes_added"].get<int64_t>(), 0);
  EXPECT_EQ(records[2]["operation"], "retain");
  EXPECT_EQ(records[2]["rows_removed"], SourceContent(db_, "ts < TIMESTAMP '2023-07-01'").rows);
  EXPECT_EQ(records[2]["partitions_touched"], 6);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i]["version"].get<int64_t>(), static_cast<int64_t>(i + 1));
    EXPECT_GE(records[i]["seconds"].get<double>(), 0.0);
  }
  const RunResult text = RunDuckpart({"history", ds});
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("day-2"), std::string::npos) << text.out;
  // a run --replace continues the history and records what it replaced
  ASSERT_EQ(RunDuckpart(Cat(RunOn(db_, "true", "tag", ds), {"--replace"})).exit_code, 0);
  const json after = json::parse(RunDuckpart({"history", ds, "--json"}).out)["history"];
  ASSERT_EQ(after.size(), 4u);
  EXPECT_EQ(after[3]["rows_removed"], ManifestJson(ds)["total_rows"].get<int64_t>() -
                                          SourceContent(db_, "ts < TIMESTAMP '2023-07-01'").rows);
}

TEST_F(Lifecycle, ADatasetWrittenBeforeHistoryReadsAndTakesAnAppend) {
  const std::string ds = dir_ / "ds";
  ASSERT_EQ(RunDuckpart(RunOn(db_, "id < 3000", "tag", ds)).exit_code, 0);
  // what an older duckpart wrote: the manifest without "history"
  const fs::path manifest = fs::path(ds) / "_duckpart" / "manifest.json";
  json m = json::parse(ReadFile(manifest.string()));
  m.erase("history");
  std::ofstream(manifest) << m.dump();
  const RunResult h = RunDuckpart({"history", ds, "--json"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  EXPECT_EQ(json::parse(h.out)["history"].size(), 1u);
  ASSERT_EQ(RunDuckpart(AppendOn(ds, db_, "id >= 3000")).exit_code, 0);
  EXPECT_EQ(ManifestJson(ds)["history"].size(), 2u);
  EXPECT_EQ(ParquetContent(ds), SourceContent(db_));
}

}  // namespace
}  // namespace duckpart::testing

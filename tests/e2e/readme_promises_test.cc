// End-to-end: promises of the README no other test checks. CSV and JSON sources
// (`--from`), `--no-verify`, `--sort-by` on Parquet, `--timezone`, the out-of-memory
// retry of `run`, and the source database byte-identical after a successful run.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/sql.h"
#include "support/dataset.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

// A query's rows and content checksum over the columns, as text "rows/checksum".
std::string Digest(Session& s, const std::string& relation, const std::string& columns) {
  db::Result r = s.conn().Query("SELECT count(*), CAST(coalesce(sum(hash(" + columns +
                                ")::HUGEINT), 0) AS VARCHAR) FROM " + relation);
  return std::to_string(r.GetInt64(0, 0)) + "/" + r.GetString(0, 1);
}

std::vector<std::string> RunArgs(const std::vector<std::string>& source, const std::string& spec,
                                 const std::string& to, std::vector<std::string> extra = {}) {
  std::vector<std::string> a{"run"};
  a.insert(a.end(), source.begin(), source.end());
  a.insert(a.end(), {"--by", spec, "--to", to, "--quiet"});
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

// Writes two files of the same rows split by id parity, in DuckDB's `format`.
void WriteFiles(const TempDir& dir, const std::string& format, const std::string& options) {
  Session s;
  for (int half = 0; half < 2; ++half) {
    s.conn().Execute(
        "COPY (SELECT i AS id, TIMESTAMP '2024-01-01' + INTERVAL (i * 37) MINUTE AS ts, "
        "'name ' || (i % 13) AS name FROM range(6000) r(i) WHERE i % 2 = " +
        std::to_string(half) + ") TO " +
        db::QuoteLiteral(dir / ("part" + std::to_string(half) + "." + format)) + " (" + options +
        ")");
  }
}

void ExpectFileSourceRoundTrips(const std::string& format, const std::string& options,
                                const std::string& reader) {
  TempDir dir;
  WriteFiles(dir, format, options);
  const std::string glob = dir / ("part*." + format), ds = dir / "ds";
  RunResult r = RunDuckpart(RunArgs({"--from", glob}, "day(ts)", ds));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Session s;
  EXPECT_EQ(Digest(s, ReadParquetSql(ds, "hive_partitioning = false"), "id, ts, name"),
            Digest(s, reader + "(" + db::QuoteLiteral(glob) + ")", "id, ts, name"));
  EXPECT_EQ(s.Int("SELECT count(*) FROM " + ReadParquetSql(ds, "hive_partitioning = false") +
                  " WHERE typeof(ts) <> 'TIMESTAMP'"),
            0)
      << "ts is not a TIMESTAMP in the files";
  EXPECT_EQ(ManifestJson(ds)["partitions"].size(),
            static_cast<size_t>(s.Int("SELECT count(DISTINCT ts::DATE) FROM " + reader + "(" +
                                      db::QuoteLiteral(glob) + ")")));
  RunResult v = RunDuckpart({"validate", ds});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(FileSources, CsvFilesByGlobRoundTripExactly) {
  ExpectFileSourceRoundTrips("csv", "HEADER", "read_csv_auto");
}

TEST(FileSources, JsonFilesByGlobRoundTripExactly) {
  ExpectFileSourceRoundTrips("json", "FORMAT json", "read_json_auto");
}

class RunPromises : public ::testing::Test {
 protected:
  void SetUp() override { db_ = MakeDemo(dir_ / "src", 30'000); }
  std::vector<std::string> Source() const { return {"--db", db_, "--table", "events"}; }
  TempDir dir_;
  std::string db_;
  const std::string ds_ = dir_ / "ds";
};

TEST_F(RunPromises, NoVerifyPublishesTheRowsAndSaysItDidNotVerify) {
  RunResult text = RunDuckpart(
      {"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to", ds_, "--no-verify"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("NOT verified (--no-verify)"), std::string::npos) << text.out;
  RunResult json = RunDuckpart({"run", "--db", db_, "--table", "events", "--by", "month(ts)",
                                "--to", ds_, "--replace", "--no-verify", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["verified"], false);
  EXPECT_EQ(j["phase_seconds"]["verify"].get<double>(), 0.0);
  EXPECT_EQ(ParquetContent(ds_), SourceContent(db_));
  RunResult v = RunDuckpart({"validate", ds_, "--db", db_, "--table", "events"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

// Rows of any file that come before a smaller (ts, id) in that file.
int64_t OutOfOrderRows(const std::string& ds) {
  Session s;
  return s.Int(
      "SELECT count(*) FROM (SELECT ts, id, lag(ts) OVER w AS pts, lag(id) OVER w AS pid FROM " +
      ReadParquetSql(ds, "hive_partitioning = false, filename = true, file_row_number = true") +
      " WINDOW w AS (PARTITION BY filename ORDER BY file_row_number)) WHERE pts IS NOT NULL AND "
      "(pts, pid) > (ts, id)");
}

TEST_F(RunPromises, SortByOrdersTheRowsInsideEveryParquetFile) {
  ASSERT_EQ(RunDuckpart(RunArgs(Source(), "category", ds_)).exit_code, 0);
  EXPECT_GT(OutOfOrderRows(ds_), 0)
      << "the source is already ordered by ts, so the test below could not fail";
  RunResult r =
      RunDuckpart(RunArgs(Source(), "category", ds_, {"--replace", "--sort-by", "ts,id"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(OutOfOrderRows(ds_), 0);
  EXPECT_EQ(ParquetContent(ds_), SourceContent(db_));
}

TEST_F(RunPromises, TheSourceDatabaseIsByteIdenticalAfterASuccessfulRun) {
  const std::string before = ReadFile(db_);
  const auto entries = Entries(dir_ / "src");
  ASSERT_EQ(RunDuckpart(RunArgs(Source(), "day(ts), bucket(4, user_id)", ds_)).exit_code, 0);
  EXPECT_TRUE(ReadFile(db_) == before) << "the source database changed";
  EXPECT_EQ(Entries(dir_ / "src"), entries) << "the run left files beside the source (a WAL?)";
}

// README: "Out of memory is retried (--max-attempts) with half the threads, the sorted
// write and more spilling". Under 4 MB every attempt runs out of memory: each retry is
// announced with its settings, the last failure names the attempts, exit 3, and the
// previous version stays published.
TEST_F(RunPromises, OutOfMemoryIsRetriedThenReportedAndThePreviousVersionStays) {
  ASSERT_EQ(RunDuckpart(RunArgs(Source(), "month(ts)", ds_)).exit_code, 0);
  const std::string link = LinkTarget(ds_), manifest = ManifestText(ds_);
  RunResult r = RunDuckpart(
      RunArgs(Source(), "day(ts)", ds_,
              {"--replace", "--memory-limit", "4MB", "--threads", "2", "--max-attempts", "2"}));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("duckpart: warning: attempt 1 of 2 failed (out of memory"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("retrying in "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("with 1 thread, sorted writes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("duckpart: error: out of memory after 2 attempts"), std::string::npos)
      << r.err;
  EXPECT_EQ(LinkTarget(ds_), link);
  EXPECT_EQ(ManifestText(ds_), manifest);
  EXPECT_TRUE(StagingFolders(ds_).empty());
  EXPECT_EQ(ParquetContent(ds_), SourceContent(db_));
}

// TIMESTAMPTZ instants near midnight UTC: in New York (UTC-5 in winter) they fall on the
// day before.
TEST(RunTimezone, TimezoneMovesTimestamptzRowsToTheirLocalDay) {
  TempDir dir;
  const std::string db = dir / "tz.db";
  {
    db::Database database(db::DatabaseOptions{.path = db});
    db::Connection conn(database);
    conn.Execute(
        "SET TimeZone = 'UTC'; CREATE TABLE t AS SELECT i AS id, TIMESTAMPTZ '2024-02-01 "
        "00:30:00+00' + "
        "INTERVAL (i) MINUTE AS ts FROM range(200) r(i)");  // 00:30 to 03:49 UTC
  }
  const std::string utc = dir / "utc", ny = dir / "ny";
  ASSERT_EQ(RunDuckpart(RunArgs({"--db", db, "--table", "t"}, "day(ts)", utc)).exit_code, 0);
  RunResult r = RunDuckpart(
      RunArgs({"--db", db, "--table", "t"}, "day(ts)", ny, {"--timezone", "America/New_York"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto paths = [](const std::string& ds) {
    std::vector<std::string> out;
    const auto manifest = ManifestJson(ds);
    for (const auto& p : manifest["partitions"]) out.push_back(p["path"].get<std::string>());
    return out;
  };
  EXPECT_EQ(paths(utc), std::vector<std::string>{"ts_day=2024-02-01"});
  EXPECT_EQ(paths(ny), std::vector<std::string>{"ts_day=2024-01-31"});
  EXPECT_EQ(QueryScalar(ny, "SELECT count(*) FROM dataset"), "200");
  RunResult v = RunDuckpart({"validate", ny});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

}  // namespace
}  // namespace duckpart::testing

// End-to-end: `duckpart spec` hands a dataset's layout to Iceberg, Spark and DuckDB;
// buckets are Iceberg's and survive the types Parquet does not keep; datasets written
// before (transform version 1, no field in the manifest) keep their own keys.
#include "duckpart/spec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "db/sql.h"
#include "duckpart/run.h"
#include "duckpart/source.h"
#include "support/dataset.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

class SpecCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = MakeDemo(*dir_ / "src", 20'000);
    ds_ = *dir_ / "ds";
    const RunResult r = RunDuckpart({"run", "--db", db_, "--table", "events", "--by",
                                     "month(ts), bucket(16, user_id)", "--to", ds_, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static TempDir* dir_;
  static std::string db_, ds_;
};

TempDir* SpecCommand::dir_ = nullptr;
std::string SpecCommand::db_, SpecCommand::ds_;

TEST_F(SpecCommand, IcebergPartitionSpecOfTheDataset) {
  const RunResult r = RunDuckpart({"spec", ds_, "--format", "iceberg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(
      j, (nlohmann::json{
             {"spec-id", 0},
             {"fields",
              {{{"source-id", 2}, {"field-id", 1000}, {"name", "ts_month"}, {"transform", "month"}},
               {{"source-id", 3},
                {"field-id", 1001},
                {"name", "user_id_bucket"},
                {"transform", "bucket[16]"}}}}}));
  const RunResult js = RunDuckpart({"spec", ds_, "--format", "iceberg", "--json"});
  ASSERT_EQ(js.exit_code, 0) << js.err;
  const nlohmann::json full = nlohmann::json::parse(js.out);
  EXPECT_EQ(full.at("format"), "iceberg");
  EXPECT_EQ(full.at("partition_spec"), j);
  EXPECT_EQ(full.at("source_columns")[1].at("iceberg_type"), "int");  // user_id INTEGER
}

TEST_F(SpecCommand, SparkPartitionedBy) {
  const RunResult r = RunDuckpart({"spec", ds_, "--format", "spark"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "PARTITIONED BY (months(ts), bucket(16, user_id))\n");
}

TEST_F(SpecCommand, DuckDbReadReturnsTheSourceRowsAndThePathValues) {
  const RunResult r = RunDuckpart({"spec", ds_, "--format", "duckdb", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string read = nlohmann::json::parse(r.out).at("text");
  EXPECT_NE(read.find("union_by_name = true"), std::string::npos) << read;
  Session s;
  EXPECT_EQ(s.Scalar("SELECT count(*) || ' rows, checksum ' || " + ChecksumSql() + " FROM (" +
                     read + ")"),
            ::testing::PrintToString(SourceContent(db_)));
  // the path values are read as written, and are Iceberg's bucket of each row's value
  EXPECT_EQ(
      s.Int("SELECT count(*) FROM (" + read +
            ") WHERE ts_month IS DISTINCT FROM strftime(ts, '%Y-%m') "
            "OR user_id_bucket IS DISTINCT FROM CAST(duckpart_bucket(16, user_id) AS VARCHAR)"),
      0);
}

TEST_F(SpecCommand, BadDatasetOrFormatIsExitTwo) {
  const RunResult missing = RunDuckpart({"spec", *dir_ / "nope", "--format", "iceberg"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no dataset at"), std::string::npos) << missing.err;
  const RunResult plain = RunDuckpart({"spec", *dir_ / "src", "--format", "spark"});
  EXPECT_EQ(plain.exit_code, 2);
  EXPECT_NE(plain.err.find("is not a duckpart dataset"), std::string::npos) << plain.err;
  const RunResult format = RunDuckpart({"spec", ds_, "--format", "hive"});
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_NE(format.err.find("--format 'hive' is not a spec format"), std::string::npos)
      << format.err;
}

TEST_F(SpecCommand, QuantileHasNoIcebergEquivalentButADuckDbRead) {
  const std::string ds = *dir_ / "by_quantile";
  ASSERT_EQ(RunDuckpart({"run", "--db", db_, "--table", "events", "--by", "quantile(4, amount)",
                         "--to", ds, "-q"})
                .exit_code,
            0);
  const RunResult iceberg = RunDuckpart({"spec", ds, "--format", "iceberg"});
  EXPECT_EQ(iceberg.exit_code, 2);
  EXPECT_NE(
      iceberg.err.find(
          "Iceberg has no equivalent of quantile(4, amount): Iceberg has no range or quantile"),
      std::string::npos)
      << iceberg.err;
  EXPECT_EQ(std::count(iceberg.err.begin(), iceberg.err.end(), '\n'), 1);
  EXPECT_EQ(RunDuckpart({"spec", ds, "--format", "duckdb"}).exit_code, 0);
}

TEST_F(SpecCommand, BucketOfATypeWithoutCanonicalBytesIsRefusedByPlanAndRun) {
  const std::string spec = "month(ts), bucket(4, fraction)";
  for (const std::string command : {"plan", "run"}) {
    std::vector<std::string> args{
        command, "--db", db_, "--query", "SELECT *, amount::DOUBLE AS fraction FROM events",
        "--by",  spec};
    if (command == "run") args.insert(args.end(), {"--to", *dir_ / "refused"});
    const RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_EQ(r.err,
              "duckpart: error: bucket(fraction) does not fit column 'fraction' of type DOUBLE: "
              "Iceberg does not "
              "bucket floating-point or boolean values; use range() or quantile()\n");
  }
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "refused"));
}

TEST(IcebergBuckets, SurviveEnumAndTimestampSecondsThroughParquet) {
  TempDir dir;
  const std::string db = dir / "t.db";
  {
    Session s;
    s.conn().Execute("ATTACH " + db::QuoteLiteral(db) + " AS t; USE t");
    s.conn().Execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'ünïcødé')");
    s.conn().Execute(
        "CREATE TABLE events AS SELECT i AS id, ['sad', 'ok', 'happy', 'ünïcødé'][1 + i % 4]::mood "
        "AS m, "
        "CAST(TIMESTAMP '1960-01-01' + to_seconds(i * 7919) AS TIMESTAMP_S) AS ts, "
        "CAST(i % 300 AS SMALLINT) AS n FROM range(5000) r(i)");
    s.conn().Execute("USE memory; DETACH t");
  }
  const std::string ds = dir / "ds";
  // the run reads its files back (ENUM as VARCHAR, TIMESTAMP_S as TIMESTAMP) and checks every key
  const RunResult r =
      RunDuckpart({"run", "--db", db, "--table", "events", "--by",
                   "bucket(8, m), bucket(4, ts), bucket(3, n)", "--to", ds, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // (`validate` is not used here: its schema check expects the files to hold ENUM and
  // TIMESTAMP_S, which Parquet does not keep, whatever the spec)
  EXPECT_EQ(QueryScalar(ds,
                        "SELECT count(*) FROM dataset WHERE m_bucket <> CAST(duckpart_bucket(8, "
                        "CAST(m AS VARCHAR)) AS VARCHAR) "
                        "OR n_bucket <> CAST(duckpart_bucket(3, CAST(n AS BIGINT)) AS VARCHAR)"),
            "0");
}

TEST(OldDatasets, VersionOneBucketsStillValidateAndQueryWithTheirOwnKeys) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 5'000);
  const std::string ds = dir / "ds";
  {
    Workspace ws(SourceOptions{.db_path = db, .table = "events"},
                 EngineOptions{.memory_limit = "512MB", .threads = 2});
    RunToParquet(ws, ParseSpec("bucket(8, user_id), year(ts)"),
                 RunOptions{.target = ds, .plan = PlanOptions{.transform_version = 1}});
  }
  // as an earlier duckpart wrote it: no transform_version in the manifest
  const std::string manifest = (std::filesystem::path(ds) / "_duckpart" / "manifest.json").string();
  nlohmann::json j = ManifestJson(ds);
  ASSERT_EQ(j.at("transform_version"), 1);
  j.erase("transform_version");
  std::ofstream(manifest) << j.dump();
  const RunResult v = RunDuckpart({"validate", ds, "--db", db, "--table", "events"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(QueryScalar(ds,
                        "SELECT count(*) FROM dataset WHERE user_id_bucket IS DISTINCT FROM "
                        "CAST(hash(user_id) % 8 AS VARCHAR) AND user_id IS NOT NULL"),
            "0");
  // the old buckets are not Iceberg's, so the test would notice a reader computing new keys
  EXPECT_NE(QueryScalar(ds,
                        "SELECT count(*) FROM dataset WHERE user_id_bucket <> "
                        "CAST(duckpart_bucket(8, user_id) AS VARCHAR)"),
            "0");
  const RunResult spec = RunDuckpart({"spec", ds, "--format", "iceberg"});
  EXPECT_EQ(spec.exit_code, 2);
  EXPECT_NE(spec.err.find("DuckDB's hash()"), std::string::npos) << spec.err;
}

}  // namespace
}  // namespace duckpart::testing

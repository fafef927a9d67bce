// End-to-end: `duckpart info` describes a dataset from its metadata, for people and as JSON.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/dataset.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

const char* kSource = "SELECT i AS id, i % 4 AS k, 'v' || (i % 7) AS tag FROM range(1000) t(i)";

int64_t ManifestFileBytes(const nlohmann::json& m) {
  int64_t bytes = 0;
  for (const auto& p : m["partitions"]) {
    for (const auto& f : p["files"]) bytes += f["bytes"].get<int64_t>();
  }
  return bytes;
}

TEST(Info, DescribesAParquetDatasetAsItsManifestSays) {
  TempDir dir;
  const std::string ds = dir / "ds";
  ASSERT_EQ(RunDuckpart({"run", "--query", kSource, "--by", "k", "--to", ds, "--quiet"}).exit_code,
            0);
  ASSERT_EQ(RunDuckpart({"run", "--query", kSource, "--by", "bucket(3, id)", "--to", ds,
                         "--replace", "--quiet"})
                .exit_code,
            0);
  RunResult r = RunDuckpart({"info", ds, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto m = ManifestJson(ds);
  EXPECT_EQ(j["target"], ds);
  EXPECT_EQ(j["kind"], "parquet");
  EXPECT_EQ(j["spec"], "bucket(3, id)");
  EXPECT_EQ(j["version"], 2);
  EXPECT_EQ(j["kept_versions"], nlohmann::json::parse("[1, 2]"));  // v1: inside its grace period
  EXPECT_EQ(j["partitions"], m["partitions"].size());
  EXPECT_EQ(j["rows"], 1000);
  EXPECT_EQ(j["bytes"], ManifestFileBytes(m));
  EXPECT_GE(j["files"].get<int64_t>(), 3);
  EXPECT_EQ(j["missing_files"], 0);
  EXPECT_EQ(j["checksum"], m["total_checksum"]);
  EXPECT_EQ(j["columns"].size(), 3u);
  EXPECT_EQ(j["last_operation"]["operation"], "run");
  EXPECT_EQ(j["last_operation"]["at"], m["created_at"]);
  EXPECT_TRUE(j["writer_pid"].is_null());
  EXPECT_EQ(r.err, "");

  RunResult text = RunDuckpart({"info", ds});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("spec            bucket(3, id)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("version         2 (kept: 1, 2)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("rows            1,000"), std::string::npos) << text.out;
  EXPECT_LE(std::count(text.out.begin(), text.out.end(), '\n'), 24) << "more than a screen:\n"
                                                                    << text.out;
}

TEST(Info, WarnsOfMissingFilesAndPointsToValidate) {
  TempDir dir;
  const std::string ds = dir / "ds";
  ASSERT_EQ(RunDuckpart({"run", "--query", kSource, "--by", "k", "--to", ds, "--quiet"}).exit_code,
            0);
  const auto m = ManifestJson(ds);
  fs::remove(fs::path(ds) / m["partitions"][0]["files"][0]["path"].get<std::string>());
  RunResult r = RunDuckpart({"info", ds, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["missing_files"], 1);
  EXPECT_NE(r.err.find("run `duckpart validate " + ds + "`"), std::string::npos) << r.err;
}

TEST(Info, DescribesPartitionTables) {
  TempDir dir;
  const std::string file = dir / "parts.db";
  ASSERT_EQ(RunDuckpart({"run", "--query", kSource, "--by", "k", "--to-db", file, "--schema",
                         "events_parts", "--quiet"})
                .exit_code,
            0);
  RunResult r = RunDuckpart({"info", "--to-db", file, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["target"], file);
  EXPECT_EQ(j["kind"], "tables");
  EXPECT_EQ(j["schema"], "events_parts");
  EXPECT_EQ(j["view"], "main.events_parts_partitioned");
  EXPECT_EQ(j["partitions"], 4);
  EXPECT_EQ(j["tables"], 4);
  EXPECT_TRUE(j["files"].is_null());
  EXPECT_EQ(j["rows"], 1000);
  EXPECT_EQ(j["partition_rows"],
            nlohmann::json::parse(R"({"min": 250, "median": 250, "max": 250})"));
  RunResult missing = RunDuckpart({"info", "--to-db", file, "--schema", "nope"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("has no schema nope"), std::string::npos) << missing.err;
}

TEST(Info, NeedsExactlyOneTarget) {
  TempDir dir;
  EXPECT_EQ(RunDuckpart({"info"}).exit_code, 2);
  EXPECT_EQ(RunDuckpart({"info", dir / "a", "--to-db", dir / "b.db"}).exit_code, 2);
  RunResult r = RunDuckpart({"info", dir / "nothing"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no dataset at"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace duckpart::testing

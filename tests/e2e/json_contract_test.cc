// End-to-end: the output contract of README.md ("Output contract"). Every command's --json
// matches its JSON Schema in tests/schemas (checked by Ajv, Debian's node-ajv, through
// tests/schemas/validate.js), failures match error.json, and the same thing has the same
// name, type and value across commands.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/dataset.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string SchemasDir() { return std::string(DUCKPART_SOURCE_DIR) + "/tests/schemas"; }

// "" when `document` matches tests/schemas/<schema>.json; otherwise Ajv's complaints.
std::string SchemaProblems(const std::string& schema, const std::string& document) {
  TempDir io;
  { std::ofstream(io / "doc.json") << document; }
  const std::string cmd = "NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH} node " +
                          ShellQuote(SchemasDir() + "/validate.js") + " " +
                          ShellQuote(SchemasDir() + "/" + schema + ".json") + " " +
                          ShellQuote(io / "doc.json") + " >" + ShellQuote(io / "out") + " 2>&1";
  if (std::system(cmd.c_str()) == 0) return "";
  return "does not match " + schema + ".json: " + ReadFile(io / "out") + "\n" + document;
}

class JsonContract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = MakeDemo(*dir_ / "src", 5'000);
    ds_ = *dir_ / "ds";
    tdb_ = *dir_ / "parts.db";
    run_ = Json({"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to", ds_}, "run");
    run_db_ = Json({"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to-db", tdb_},
                   "run");
  }
  static void TearDownTestSuite() { delete dir_; }

  // Runs the command with --json; expects exit 0 and output matching `schema`.
  static json Json(std::vector<std::string> args, const std::string& schema) {
    args.push_back("--json");
    const RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    EXPECT_EQ(SchemaProblems(schema, r.out), "") << args[0];
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string db_, ds_, tdb_;
  static inline json run_, run_db_;
};

TEST_F(JsonContract, TheValidatorRejectsWhatBreaksAContract) {
  // The check can fail: a run's output with `seconds` as an object, as before the contract.
  json old = run_;
  old["seconds"] = {{"total", 1.0}};
  EXPECT_NE(SchemaProblems("run", old.dump()), "");
  json extra = run_;
  extra["total_rows"] = 1;
  EXPECT_NE(SchemaProblems("run", extra.dump()), "");
  EXPECT_NE(SchemaProblems("error", R"({"error": {"kind": "usage", "message": ""}})"), "");
}

// The steps timed inside the phases lie within them: the plan's statistics and keys
// pass, the Parquet write's COPY, the verification's batches, the tables' writes.
TEST_F(JsonContract, RunTimesTheStepsOfItsPhasesWithinThem) {
  for (const json* run : {&run_, &run_db_}) {
    const json& steps = (*run)["step_seconds"];
    const json& phases = (*run)["phase_seconds"];
    for (const char* step : {"stats", "fields", "keys", "partitions"})
      EXPECT_TRUE(steps["plan"].contains(step)) << step << " in " << steps.dump();
    for (const auto& [phase, in_phase] : steps.items()) {
      double sum = 0;
      for (const auto& [name, seconds] : in_phase.items()) sum += seconds.get<double>();
      EXPECT_LE(sum, phases[phase].get<double>() + 1e-6) << phase << ": " << steps.dump();
    }
  }
  EXPECT_TRUE(run_["step_seconds"]["write"].contains("copy")) << run_.dump();
  EXPECT_TRUE(run_["step_seconds"]["verify"].contains("batch")) << run_.dump();
  EXPECT_TRUE(run_db_["step_seconds"]["write"].contains("table")) << run_db_.dump();
}

TEST_F(JsonContract, WritingCommandsMatchTheirSchemas) {
  EXPECT_EQ(run_["kind"], "parquet");
  EXPECT_EQ(run_db_["kind"], "tables");
  Json({"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to", ds_, "--dry-run"},
       "plan");
  TempDir t;
  Json({"backup", "--db", db_, "--table", "events", "--to", t / "b.parquet"}, "backup");
  Json({"restore", "--from", t / "b.parquet", "--db", t / "r.db", "--table", "e"}, "restore");
  Json({"demo", "--dir", t / "demo", "--rows", "2000"}, "demo");
  Json({"demo", "--dir", t / "demo2", "--rows", "2000", "--data-only"}, "demo");
  Json({"recover", ds_}, "recover");
  Json({"recover", ds_, "--dry-run"}, "recover");
  Json({"recover", "--db", tdb_}, "recover");
  Json({"cleanup", ds_, "--dry-run"}, "cleanup");
  Json({"cleanup", "--db", tdb_, "--dry-run"}, "cleanup");
  // repartition publishes a whole new version and reports it as run does.
  Json({"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to", t / "rp"}, "run");
  Json({"repartition", t / "rp", "--by", "day(ts)"}, "run");
  Json({"run", "--db", db_, "--table", "events", "--by", "tag", "--to-db", t / "rp.db"}, "run");
  Json({"repartition", "--to-db", t / "rp.db", "--by", "bucket(3, id)"}, "run");
}

TEST_F(JsonContract, LifecycleCommandsMatchTheirSchemas) {
  TempDir t;
  const std::string life = t / "life";
  Json({"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to", life}, "run");
  const json a =
      Json({"append", life, "--db", db_, "--table", "events", "--batch-id", "b1"}, "append");
  EXPECT_EQ(a["rows_added"], 5'000);
  EXPECT_EQ(Json({"append", life, "--db", db_, "--table", "events", "--batch-id", "b1", "--if-new"},
                 "append")["skipped"],
            true);
  Json({"retain", life, "--older-than", "2023-07-01", "--dry-run"}, "retain");
  const json r = Json({"retain", life, "--older-than", "2023-07-01"}, "retain");
  EXPECT_EQ(r["committed"], true);
  const json h = Json({"history", life}, "history");
  EXPECT_EQ(h["history"].size(), 3u);
  EXPECT_EQ(h["history"][0]["memory_limit_bytes"], 1'000'000'000);
  Json({"path", life}, "path");
  Json({"repartition", life, "--by", "bucket(4, id)"}, "run");
}

TEST_F(JsonContract, MonitorMatchesItsSchemaWhateverItFinds) {
  for (const std::vector<std::string>& target :
       {std::vector<std::string>{ds_}, std::vector<std::string>{"--to-db", tdb_}}) {
    std::vector<std::string> args = {"monitor"};
    args.insert(args.end(), target.begin(), target.end());
    args.push_back("--json");
    const RunResult r = RunDuckpart(args);
    EXPECT_LE(r.exit_code, 1) << r.err;  // 1: a threshold this machine's disk may not meet
    EXPECT_EQ(SchemaProblems("monitor", r.out), "") << target.back();
  }
}

TEST_F(JsonContract, ReadingCommandsMatchTheirSchemas) {
  Json({"plan", "--db", db_, "--table", "events", "--by", "month(ts), bucket(4, user_id)"}, "plan");
  Json({"plan", "--db", db_, "--table", "events", "--by", "quantile(4, amount)"}, "plan");
  Json({"validate", ds_}, "validate");
  Json({"validate", ds_, "--db", db_, "--table", "events"}, "validate");
  Json({"validate", "--to-db", tdb_, "--schema", "events_parts"}, "validate");
  Json({"info", ds_}, "info");
  Json({"info", "--to-db", tdb_, "--schema", "events_parts"}, "info");
}

TEST_F(JsonContract, InspectingCommandsMatchTheirSchemas) {
  Json({"analyze", ds_}, "analyze");
  Json({"analyze", "--to-db", tdb_, "--schema", "events_parts"}, "analyze");
  for (const std::string f : {"iceberg", "spark", "duckdb"})
    Json({"spec", ds_, "--format", f}, "spec");
  Json({"query", ds_, "SELECT ts_month, count(*) AS n FROM dataset GROUP BY ALL"}, "query");
  Json({"doctor", "--db", db_, "--table", "events"}, "doctor");
  Json({"config"}, "config");
  Json({"config", "--check"}, "config");
}

TEST_F(JsonContract, FailuresOfEveryKindMatchTheErrorSchema) {
  const std::vector<std::vector<std::string>> failing = {
      {"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to", ds_},  // exists
      {"plan", "--db", db_, "--table", "nope", "--by", "month(ts)"},
      {"validate", *dir_ / "nothing"},
      {"query", ds_, "SELECT 1; SELECT 2"},
      {"info", "--to-db", *dir_ / "missing.db"},
      {"backup", "--db", db_, "--table", "nope", "--to", *dir_ / "x.parquet"},
      {"append", ds_, "--db", db_, "--table", "nope"},
      {"append", *dir_ / "nothing", "--db", db_, "--table", "events"},
      {"retain", ds_, "--keep", "0"},
      {"retain", *dir_ / "nothing", "--keep", "3"},
      {"history", *dir_ / "nothing"},
      {"monitor", *dir_ / "nothing"},
      {"path", *dir_ / "nothing"},
      {"path", ds_, "--version", "99"},
      {"repartition", *dir_ / "nothing", "--by", "day(ts)"},
      {"repartition", ds_, "--by", "day(nope)"},
  };
  for (auto args : failing) {
    args.push_back("--json");
    const RunResult r = RunDuckpart(args);
    EXPECT_NE(r.exit_code, 0) << args[0];
    EXPECT_EQ(SchemaProblems("error", r.out), "") << args[0] << " " << r.err;
  }
}

TEST_F(JsonContract, TheSameThingHasTheSameNameTypeAndValueEverywhere) {
  const json plan = Json({"plan", "--db", db_, "--table", "events", "--by", "month(ts)"}, "plan");
  const json validate = Json({"validate", ds_}, "validate");
  const json info = Json({"info", ds_}, "info");
  const json analyze = Json({"analyze", ds_}, "analyze");
  const json validate_db = Json({"validate", "--to-db", tdb_}, "validate");
  const json info_db = Json({"info", "--to-db", tdb_}, "info");
  for (const json* j : std::vector<const json*>{&plan, &run_, &validate, &info, &analyze, &run_db_,
                                                &validate_db, &info_db}) {
    EXPECT_EQ((*j)["rows"], 5'000) << j->dump();
    EXPECT_EQ((*j)["partitions"], 24) << j->dump();
    if (j != &analyze) EXPECT_EQ((*j)["checksum"], plan["checksum"]) << j->dump();
  }
  for (const json* j : std::vector<const json*>{&run_, &validate, &info, &analyze})
    EXPECT_EQ((*j)["target"], ds_);
  for (const json* j : std::vector<const json*>{&run_db_, &validate_db, &info_db}) {
    EXPECT_EQ((*j)["target"], tdb_);
    EXPECT_EQ((*j)["schema"], "events_parts");
    EXPECT_EQ((*j)["kind"], "tables");
  }
  EXPECT_EQ(run_["bytes"], info["bytes"]);
  EXPECT_EQ(run_["files"], info["files"]);
  EXPECT_EQ(run_["version"], info["version"]);
  EXPECT_EQ(run_db_["tables"], info_db["tables"]);
  EXPECT_EQ(run_db_["view"], info_db["view"]);
  EXPECT_TRUE(run_["seconds"].is_number());
  EXPECT_TRUE(analyze["seconds"].is_number());
}

}  // namespace
}  // namespace duckpart::testing

namespace duckpart::testing {
namespace {

TEST_F(JsonContract, RebalanceMatchesItsSchema) {
  TempDir t;
  Json({"run", "--db", db_, "--table", "events", "--by", "quantile(4, id)", "--to", t / "rb"},
       "run");
  const json dry = Json({"rebalance", t / "rb", "--target-rows", "500", "--dry-run"}, "rebalance");
  EXPECT_TRUE(dry["dry_run"].get<bool>());
  EXPECT_FALSE(dry["groups"].empty());
  const json done = Json({"rebalance", t / "rb", "--target-rows", "500"}, "rebalance");
  EXPECT_TRUE(done["committed"].get<bool>());
  Json({"rebalance", t / "rb", "--compact"}, "rebalance");                     // nothing left to do
  Json({"rebalance", ds_, "--target-rows", "500", "--dry-run"}, "rebalance");  // month: a note
}

}  // namespace
}  // namespace duckpart::testing

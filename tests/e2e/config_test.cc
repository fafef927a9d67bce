// End-to-end: `duckpart config`, its origins, --check, and commands taking their defaults
// from the configuration.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "db/database.h"
#include "support/dataset.h"
#include "support/run_configured.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

class ConfigCli : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "home" / ".config" / "duckpart");
    fs::create_directories(dir_.path() / "project" / "sub");
  }
  void UserFile(const std::string& text) {
    std::ofstream(dir_ / "home/.config/duckpart/config.yaml") << text;
  }
  void ProjectFile(const std::string& text) {
    std::ofstream(dir_ / "project/duckpart.yaml") << text;
  }
  RunResult Run(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    env.push_back("HOME=" + (dir_ / "home"));
    return RunConfigured({.cwd = dir_ / "project/sub", .env = env}, args);
  }
  // key -> {value, origin description} of `config --json`.
  std::map<std::string, std::pair<std::string, std::string>> Settings(const RunResult& r) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    const nlohmann::json config = nlohmann::json::parse(r.out);
    for (const auto& s : config["settings"]) {
      out[s["key"]] = {s["value"], s["origin"]["describe"]};
    }
    return out;
  }

  TempDir dir_;
};

TEST_F(ConfigCli, TheSameKeyInEveryLayerGivesTheFlagsValueAndEachOriginIsNamed) {
  UserFile(
      "memory_limit: 100MB\nthreads: 1\ncompression: zstd\nmax_attempts: 2\ntimezone: "
      "Europe/Paris\n");
  ProjectFile("memory_limit: 200MB\nthreads: 2\nmax_attempts: 5\n");
  const RunResult r = Run({"config", "--json", "--memory-limit", "400MB"},
                          {"DUCKPART_MEMORY_LIMIT=300MB", "DUCKPART_THREADS=3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = Settings(r);
  const std::string project = fs::canonical(dir_.path() / "project").string() + "/duckpart.yaml";
  EXPECT_EQ(s["memory_limit"],
            std::make_pair(std::string("400MB"), std::string("flag --memory-limit")));
  EXPECT_EQ(s["threads"], std::make_pair(std::string("3"), std::string("env DUCKPART_THREADS")));
  EXPECT_EQ(s["max_attempts"], std::make_pair(std::string("5"), project + ":3"));
  EXPECT_EQ(s["compression"], std::make_pair(std::string("zstd"),
                                             (dir_ / "home/.config/duckpart/config.yaml") + ":3"));
  EXPECT_EQ(s["cv_warn"], std::make_pair(std::string("0.5"), std::string("default")));
}

TEST_F(ConfigCli, ProfileSelectedByFlagOrEnvironment) {
  ProjectFile(
      "threads: 2\nprofiles:\n  development:\n    threads: 1\n  production:\n    threads: 8\n"
      "    features:\n      verification: true\n");
  EXPECT_EQ(Settings(Run({"config", "--json", "--profile", "production"}))["threads"].first, "8");
  auto s = Settings(Run({"config", "--json"}, {"DUCKPART_PROFILE=development"}));
  EXPECT_EQ(s["threads"].first, "1");
  EXPECT_NE(s["threads"].second.find("profile development ("), std::string::npos)
      << s["threads"].second;
  const RunResult bad = Run({"config", "--profile", "staging"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("profile 'staging' is not defined (defined: development, production)"),
            std::string::npos)
      << bad.err;
}

TEST_F(ConfigCli, HumanOutputShowsFeaturesTurnedOffByTheirDependency) {
  ProjectFile("features:\n  analysis: no\n");
  const RunResult r = Run({"config"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("features.monitoring"), std::string::npos);
  EXPECT_NE(r.out.find("off: needs features.analysis, which is off"), std::string::npos) << r.out;
}

TEST_F(ConfigCli, CheckRefusesUnknownKeysBadTypesAndBadSizesWithFileAndLine) {
  ProjectFile("threads: 2\nmemory_limt: 1GB\nmemory_limit: lots\ncompression: zip\n");
  const RunResult r = Run({"config", "--check"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("duckpart.yaml:2: unknown key 'memory_limt' (did you mean 'memory_limit'?)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("duckpart.yaml:3: memory_limit: 'lots' is not a size: a number and a unit"),
            std::string::npos);
  EXPECT_NE(r.err.find("duckpart.yaml:4: compression: 'zip' is not one of snappy, zstd"),
            std::string::npos);
  ProjectFile("threads: 2\n");
  const RunResult ok = Run({"config", "--check"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("configuration OK"), std::string::npos);
}

class ConfiguredRun : public ConfigCli {
 protected:
  static void SetUpTestSuite() {
    source_dir_ = new TempDir;
    db_ = MakeDemo(*source_dir_ / "src", 20'000, 3);
  }
  static void TearDownTestSuite() { delete source_dir_; }
  std::vector<std::string> RunArgs(const std::string& target) {
    return {"run", "--db", db_, "--table", "events", "--by", "category", "--to", target, "--quiet"};
  }
  // The compression codec of the dataset's first Parquet file.
  static std::string Codec(const std::string& dataset) {
    db::Database database(db::DatabaseOptions{});
    db::Connection conn(database);
    return conn
        .Query("SELECT compression FROM parquet_metadata(" +
               db::QuoteLiteral(dataset + "/**/*.parquet") + ") LIMIT 1")
        .GetString(0, 0);
  }
  static TempDir* source_dir_;
  static std::string db_;
};
TempDir* ConfiguredRun::source_dir_ = nullptr;
std::string ConfiguredRun::db_;

TEST_F(ConfiguredRun, RunTakesItsDefaultsFromTheFileAndFlagsStillWin) {
  ProjectFile("compression: zstd\n");
  RunResult r = Run(RunArgs(dir_ / "a"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Codec(dir_ / "a"), "ZSTD");
  r = Run({"run", "--db", db_, "--table", "events", "--by", "category", "--to", dir_ / "b",
           "--quiet", "--compression", "gzip"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Codec(dir_ / "b"), "GZIP");
}

TEST_F(ConfiguredRun, VerificationTurnedOffByTheConfigurationWarnsOnTheRun) {
  ProjectFile("features:\n  verification: false\n");
  const RunResult r =
      Run({"run", "--db", db_, "--table", "events", "--by", "category", "--to", dir_ / "a"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("duckpart: warning: verification is off (features.verification: false,"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("NOT verified"), std::string::npos) << r.out;
}

TEST_F(ConfiguredRun, ABadValueInTheEnvironmentRefusesTheRunBeforeAnyWork) {
  const RunResult r = Run(RunArgs(dir_ / "a"), {"DUCKPART_MEMORY_LIMIT=lots"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("env DUCKPART_MEMORY_LIMIT: memory_limit: 'lots' is not a size"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "a"));
}

TEST_F(ConfiguredRun, RetriesTurnedOffMeansOneAttemptWhateverMaxAttemptsSays) {
  // 4MB is too little to back up the demo table: each attempt runs out of memory.
  const std::vector<std::string> backup = {
      "backup",           "--db",           db_,   "--table",   "events", "--to",
      dir_ / "x.parquet", "--memory-limit", "4MB", "--threads", "2"};
  ProjectFile("max_attempts: 2\n");
  RunResult r = Run(backup);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("attempt 1 of 2 failed (out of memory"), std::string::npos) << r.err;
  ProjectFile("max_attempts: 2\nfeatures:\n  retries: off\n");
  r = Run(backup);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.err.find("attempt 1 of"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("out of memory"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace duckpart::testing

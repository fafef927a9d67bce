// The configuration layers: precedence, origins, profiles, features and the file checks.
#include "duckpart/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/value_rules.h"
#include "duckpart/error.h"
#include "support/temp_dir.h"

namespace duckpart {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

class ConfigLayers : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "home" / ".config" / "duckpart");
    fs::create_directories(dir_.path() / "project" / "a" / "b");
    sources_.home = dir_ / "home";
    sources_.working_dir = dir_ / "project/a/b";
  }
  void UserFile(const std::string& text) {
    std::ofstream(dir_ / "home/.config/duckpart/config.yaml") << text;
  }
  void ProjectFile(const std::string& text) { std::ofstream(ProjectPath()) << text; }
  std::string ProjectPath() const { return dir_ / "project/duckpart.yaml"; }
  std::string UserPath() const { return dir_ / "home/.config/duckpart/config.yaml"; }

  TempDir dir_;
  ConfigSources sources_;
};

TEST_F(ConfigLayers, EachLayerOverridesTheOneBelowAndNamesItsOrigin) {
  UserFile("memory_limit: 100MB\nthreads: 2\ncompression: zstd\nmax_attempts: 5\n");
  ProjectFile("# project\nmemory_limit: 200MB\nthreads: 3\nmax_attempts: 4\n");
  sources_.env = {{"DUCKPART_MEMORY_LIMIT", "300MB"}, {"DUCKPART_THREADS", "4"}};
  Config c = LoadConfig(sources_);
  c.SetFromFlag("memory_limit", "400MB", "--memory-limit");

  EXPECT_EQ(c.Get("memory_limit").value, "400MB");
  EXPECT_EQ(c.Get("memory_limit").origin.Describe(), "flag --memory-limit");
  EXPECT_EQ(c.Get("threads").value, "4");
  EXPECT_EQ(c.Get("threads").origin.Describe(), "env DUCKPART_THREADS");
  EXPECT_EQ(c.Get("max_attempts").value, "4");
  EXPECT_EQ(c.Get("max_attempts").origin.Describe(), ProjectPath() + ":4");
  EXPECT_EQ(c.Get("compression").value, "zstd");
  EXPECT_EQ(c.Get("compression").origin.Describe(), UserPath() + ":3");
  EXPECT_EQ(c.Get("cv_warn").origin.Describe(), "default");
  EXPECT_EQ(c.Bytes("memory_limit"), 400'000'000);
  EXPECT_EQ(c.files(), (std::vector<std::string>{UserPath(), ProjectPath()}));
}

TEST_F(ConfigLayers, XdgConfigHomeReplacesHomeForTheUserFile) {
  UserFile("threads: 2\n");
  fs::create_directories(dir_.path() / "xdg" / "duckpart");
  std::ofstream(dir_ / "xdg/duckpart/config.yaml") << "threads: 7\n";
  sources_.xdg_config_home = dir_ / "xdg";
  EXPECT_EQ(LoadConfig(sources_).Get("threads").value, "7");
}

TEST_F(ConfigLayers, ConfigFileFlagReplacesTheSearchUpward) {
  ProjectFile("threads: 3\n");
  std::ofstream(dir_ / "other.yaml") << "threads: 9\n";
  sources_.config_file = dir_ / "other.yaml";
  EXPECT_EQ(LoadConfig(sources_).Get("threads").value, "9");
  sources_.config_file = dir_ / "missing.yaml";
  EXPECT_THROW(LoadConfig(sources_), InputError);
}

TEST_F(ConfigLayers, SelectedProfileOverridesBaseValuesAndEnvOverridesTheProfile) {
  UserFile("profiles:\n  production:\n    memory_limit: 8GB\n");
  ProjectFile(
      "threads: 2\nmemory_limit: 1GB\nprofiles:\n  production:\n    threads: 8\n  testing:\n    "
      "threads: 1\n");
  sources_.profile = "production";
  Config c = LoadConfig(sources_);
  EXPECT_EQ(c.Get("threads").value, "8");
  EXPECT_EQ(c.Get("threads").origin.Describe(), "profile production (" + ProjectPath() + ":5)");
  EXPECT_EQ(c.Get("memory_limit").value,
            "8GB");  // the user file's profile beats the project's base
  EXPECT_EQ(c.Get("memory_limit").origin.kind, ConfigOriginKind::kProfile);

  sources_.profile.clear();
  sources_.env = {{"DUCKPART_PROFILE", "testing"}, {"DUCKPART_MEMORY_LIMIT", "2GB"}};
  Config t = LoadConfig(sources_);
  EXPECT_EQ(t.profile(), "testing");
  EXPECT_EQ(t.Get("threads").value, "1");
  EXPECT_EQ(t.Get("memory_limit").origin.Describe(), "env DUCKPART_MEMORY_LIMIT");
}

TEST_F(ConfigLayers, AnUndefinedProfileIsRefusedWithTheDefinedOnes) {
  ProjectFile("profiles:\n  development:\n    threads: 1\n");
  sources_.profile = "prod";
  try {
    LoadConfig(sources_);
    FAIL() << "an undefined profile was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("profile 'prod' is not defined (defined: development)"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(ConfigLayers, AFeatureWhoseDependencyIsOffIsOffWithTheReason) {
  ProjectFile("features:\n  analysis: false\n  auto_rebalance: true\n");
  Config c = LoadConfig(sources_);
  EXPECT_FALSE(c.Bool("features.analysis"));
  EXPECT_FALSE(c.Bool("features.monitoring"));
  EXPECT_FALSE(c.Bool("features.auto_rebalance"));
  EXPECT_NE(c.Get("features.auto_rebalance")
                .note.find("needs features.analysis, which is off (" + ProjectPath() + ":2)"),
            std::string::npos)
      << c.Get("features.auto_rebalance").note;
  EXPECT_TRUE(c.Get("features.verification").note.empty());
  c.SetFromFlag("features.analysis", "true", "--analysis");
  EXPECT_TRUE(c.Bool("features.monitoring"));
  EXPECT_TRUE(c.Bool("features.auto_rebalance"));
  EXPECT_TRUE(c.Get("features.auto_rebalance").note.empty());
}

TEST_F(ConfigLayers, FeatureFlagsComeFromTheEnvironmentToo) {
  sources_.env = {{"DUCKPART_FEATURES_VERIFICATION", "off"}};
  Config c = LoadConfig(sources_);
  EXPECT_FALSE(c.Bool("features.verification"));
  EXPECT_EQ(c.Get("features.verification").origin.Describe(), "env DUCKPART_FEATURES_VERIFICATION");
}

// The problems of a file, as "line: message".
std::vector<std::string> Problems(const Config& c) {
  std::vector<std::string> out;
  for (const auto& p : c.problems()) out.push_back(std::to_string(p.line) + ": " + p.message);
  return out;
}

TEST_F(ConfigLayers, CheckNamesEveryProblemWithItsLineAndTheValidChoices) {
  ProjectFile(
      "memory_limt: 1GB\n"
      "memory_limit: lots\n"
      "threads: many\n"
      "compression: zip\n"
      "features:\n"
      "  verifcation: false\n"
      "verify: perhaps\n"
      "max_attempts: [1, 2]\n"
      "cv_warn: 200\n");
  const auto p = Problems(BuildConfig(sources_));
  ASSERT_EQ(p.size(), 8u) << ::testing::PrintToString(p);
  EXPECT_EQ(p[0], "1: unknown key 'memory_limt' (did you mean 'memory_limit'?)");
  EXPECT_EQ(p[1], "2: memory_limit: 'lots' is not a size: " + config::SizeRule());
  EXPECT_EQ(p[2], "3: threads: 'many' is not a whole number from 0 to 1024");
  EXPECT_EQ(p[3],
            "4: compression: 'zip' is not one of snappy, zstd, gzip, lz4, uncompressed, brotli");
  EXPECT_EQ(p[4], "6: unknown key 'features.verifcation' (did you mean 'verification'?)");
  EXPECT_EQ(p[5],
            "7: verify: 'perhaps' is not a boolean: true or false (also yes/no, on/off, 1/0)");
  EXPECT_EQ(p[6], "8: max_attempts must be a single value, not a list");
  EXPECT_EQ(p[7], "9: cv_warn: '200' is not a number from 0 to 100");
}

TEST_F(ConfigLayers, LoadRefusesTheFirstProblemWithFileAndLine) {
  ProjectFile("threads: 2\nmemory_limit: lots\nthreads: x\n");
  try {
    LoadConfig(sources_);
    FAIL() << "a bad size was accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(
        what.rfind("configuration: " + ProjectPath() + ":2: memory_limit: 'lots' is not a size", 0),
        0u)
        << what;
    EXPECT_NE(what.find("(1 more; `duckpart config --check` lists them)"), std::string::npos)
        << what;
  }
}

TEST_F(ConfigLayers, InvalidYamlIsAProblemOnItsLine) {
  ProjectFile("threads: 2\nmemory_limit: [1GB\n");
  const auto p = Problems(BuildConfig(sources_));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("not valid YAML"), std::string::npos) << p[0];
}

TEST_F(ConfigLayers, BadEnvironmentValuesAreFatalAndUnknownVariablesOnlyWarn) {
  sources_.env = {{"DUCKPART_THREADS", "lots"}, {"DUCKPART_THREDS", "2"}};
  const Config c = BuildConfig(sources_);
  ASSERT_EQ(c.problems().size(), 2u);
  EXPECT_EQ(c.problems()[0].Describe(),
            "env DUCKPART_THREADS: threads: 'lots' is not a whole number from 0 to 1024");
  EXPECT_TRUE(c.problems()[0].fatal);
  EXPECT_FALSE(c.problems()[1].fatal);     // DUCKPART_THREDS: not a setting
  EXPECT_EQ(c.Get("threads").value, "0");  // the bad value does not take effect
}

TEST_F(ConfigLayers, AFlagValueIsCheckedByTheSameRules) {
  Config c = LoadConfig(sources_);
  EXPECT_THROW(c.SetFromFlag("memory_limit", "lots", "--memory-limit"), InputError);
  c.SetFromFlag("verify", "true", "--no-verify");  // the inverted flag turns the key off
  EXPECT_FALSE(c.Bool("verify"));
}

TEST(ConfigValues, SizesAreParsedWithDecimalAndBinaryUnits) {
  EXPECT_EQ(config::ParseBytes("300MB"), 300'000'000);
  EXPECT_EQ(config::ParseBytes("1.5GiB"), 1'610'612'736);
  EXPECT_EQ(config::ParseBytes("4096B"), 4096);
  EXPECT_FALSE(config::ParseBytes("4096"));  // DuckDB needs a unit
  EXPECT_EQ(config::ParseBytes(" 2 kb "), 2000);
  EXPECT_FALSE(config::ParseBytes("lots"));
  EXPECT_FALSE(config::ParseBytes("12XB"));
  EXPECT_FALSE(config::ParseBytes("-1GB"));
  EXPECT_EQ(config::ParseSeconds("26h"), 26 * 3600);
  EXPECT_FALSE(config::ParseSeconds("soon"));
}

}  // namespace
}  // namespace duckpart

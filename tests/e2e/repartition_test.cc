// `duckpart repartition`: a dataset rewritten under a new spec from its own current
// version, verified and published like run --replace; refused when the dataset's data no
// longer matches its manifest; kill -9 and failure at every durable step leave one whole
// version.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "duckpart/recover.h"
#include "support/dataset.h"
#include "support/fault_trace.h"
#include "support/listing.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

struct Dataset {
  TempDir dir;
  std::string source, target;
  explicit Dataset(const std::string& spec, int64_t rows = 4'000) {
    source = MakeDemo(dir / "src", rows);
    target = dir / "ds";
    const RunResult r = RunDuckpart(
        {"run", "--db", source, "--table", "events", "--by", spec, "--to", target, "--quiet"});
    if (r.exit_code != 0) throw std::runtime_error("run failed: " + r.err);
  }
};

void ExpectValidAgainstSource(const Dataset& d) {
  const RunResult v =
      RunDuckpart({"validate", d.target, "--db", d.source, "--table", "events", "--json"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(Repartition, RewritesTheDatasetUnderTheNewSpecWithEveryRowKept) {
  Dataset d("month(ts)");
  const RunResult r =
      RunDuckpart({"repartition", d.target, "--by", "day(ts), bucket(2, id)", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], 2);
  EXPECT_TRUE(j["verified"].get<bool>());
  const auto m = ManifestJson(d.target);
  EXPECT_EQ(m["spec"], "day(ts), bucket(2, id)");
  EXPECT_EQ(m["fields"].size(), 2u);
  EXPECT_EQ(ParquetContent(d.target), SourceContent(d.source));
  ExpectValidAgainstSource(d);
}

TEST(Repartition, KeepsNullAndNullStringPartitionsApart) {
  Dataset d("identity(tag)");
  ASSERT_EQ(RunDuckpart({"repartition", d.target, "--by", "truncate(1, tag)", "-q"}).exit_code, 0);
  EXPECT_EQ(ParquetContent(d.target), SourceContent(d.source));
  EXPECT_EQ(QueryScalar(d.target, "SELECT count(*) FROM dataset WHERE tag IS NULL"),
            QueryScalar(d.target, "SELECT count(*) FROM dataset WHERE tag_truncate IS NULL"));
  ExpectValidAgainstSource(d);
}

TEST(Repartition, ADatasetWhoseDataNoLongerMatchesItsManifestIsRefusedAndKept) {
  Dataset d("month(ts)");
  // Put one partition's file over another's: valid Parquet, the wrong rows.
  const auto m = ManifestJson(d.target);
  ASSERT_GE(m["partitions"].size(), 2u);
  const fs::path root = fs::canonical(d.target);
  const fs::path a = root / m["partitions"][0]["files"][0]["path"].get<std::string>();
  const fs::path b = root / m["partitions"][1]["files"][0]["path"].get<std::string>();
  fs::copy_file(a, b, fs::copy_options::overwrite_existing);
  const auto before = FileListing(d.dir.path());
  const RunResult r = RunDuckpart({"repartition", d.target, "--by", "day(ts)"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("does not match its manifest"), std::string::npos) << r.err;
  EXPECT_EQ(FileListing(d.dir.path()), before);
}

TEST(Repartition, BadInputIsRefusedBeforeAnyWorkAndChangesNothing) {
  Dataset d("month(ts)");
  const auto before = FileListing(d.dir.path());
  const std::vector<std::vector<std::string>> cases = {
      {"repartition", d.dir / "missing", "--by", "day(ts)"},
      {"repartition", d.target, "--by", "day(nope)"},
      {"repartition", d.target, "--by", "bucket(0, id)"},
      {"repartition", d.target, "--to-db", d.dir / "x.db", "--by", "day(ts)"},
      {"repartition", d.target, "--schema", "s", "--by", "day(ts)"},
      {"repartition", d.target},
  };
  for (const auto& args : cases) {
    const RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << args[1] << " " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(FileListing(d.dir.path()), before);
}

TEST(Repartition, PartitionTablesAreRewrittenInOneTransaction) {
  TempDir dir;
  const std::string source = MakeDemo(dir / "src", 4'000);
  const std::string parts = dir / "parts.db";
  ASSERT_EQ(RunDuckpart({"run", "--db", source, "--table", "events", "--by", "month(ts)", "--to-db",
                         parts, "-q"})
                .exit_code,
            0);
  const RunResult r =
      RunDuckpart({"repartition", "--to-db", parts, "--by", "bucket(4, user_id)", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], 2);
  EXPECT_EQ(j["partitions"], 4);
  const RunResult v = RunDuckpart({"validate", "--to-db", parts, "--schema", "events_parts", "--db",
                                   source, "--table", "events"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

// The dataset's spec, as its manifest records it.
std::string SpecOf(const std::string& target) {
  return ManifestJson(target)["spec"].get<std::string>();
}

TEST(FaultSeam, EveryDurableStepOfARepartitionFailsOrDiesLeavingOneWholeVersion) {
  TempDir dir;
  const std::string source = MakeDemo(dir / "src", 3'000);
  const Content rows = SourceContent(source);
  auto fresh = [&](const std::string& name) {
    const std::string t = dir / name;
    EXPECT_EQ(RunDuckpart({"run", "--db", source, "--table", "events", "--by", "month(ts)", "--to",
                           t, "--threads", "1", "-q"})
                  .exit_code,
              0);
    return t;
  };
  auto repartition = [](const std::string& t) {
    return std::vector<std::string>{"repartition", t,   "--by", "bucket(3, id)",
                                    "--threads",   "1", "-q"};
  };
  // Old and new hold the same rows under other files: a mix would miss or double some.
  const auto seen = [&](const std::string& target) {
    if (ParquetContent(target) != rows) return Seen::kMix;
    return SpecOf(target) == "bucket(3, id)" ? Seen::kNew : Seen::kOld;
  };
  TrialEveryStep(dir,
                 {.fresh = fresh,
                  .command = repartition,
                  .seen = seen,
                  .settle = RecoverValidateCleanup(seen, {"--db", source, "--table", "events"}),
                  .min_steps = 5});
}

}  // namespace
}  // namespace duckpart::testing

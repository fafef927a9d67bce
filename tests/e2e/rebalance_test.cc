// `duckpart rebalance`: the skewed dataset of issue 12 (one heavy range, many small appended
// files) brought into balance by exactly the commands `analyze` prints, every row kept and
// untouched partitions shared; --compact and --partition; kill -9 and failure at every
// durable step leave one whole version; bad input changes nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "duckpart/recover.h"
#include "support/dataset.h"
#include "support/fault_trace.h"
#include "support/listing.h"
#include "support/run_binary.h"
#include "support/tree_snapshot.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kSpec = "range(id, [250, 500, 750, 1000, 2000, 7000])";

// 8,000 demo events: ids below 6,000 by run, the rest by `appends` appends of equal batches,
// so [2000, 7000) holds 5,000 rows and [7000, +inf) only appended files.
struct Skewed {
  TempDir dir;
  std::string source, target;
  explicit Skewed(int appends) {
    source = MakeDemo(dir / "src", 8'000);
    target = dir / "ds";
    Expect({"run", "--db", source, "--query", "SELECT * FROM events WHERE id < 6000", "--by", kSpec,
            "--to", target, "-q"});
    const int batch = 2'000 / appends;
    for (int k = 0; k < appends; ++k) {
      const std::string lo = std::to_string(6'000 + k * batch),
                        hi = std::to_string(6'000 + (k + 1) * batch);
      Expect({"append", target, "--db", source, "--query",
              "SELECT * FROM events WHERE id >= " + lo + " AND id < " + hi, "-q"});
    }
  }
  static void Expect(const std::vector<std::string>& args) {
    const RunResult r = RunDuckpart(args);
    if (r.exit_code != 0) throw std::runtime_error(args[0] + " failed: " + r.err);
  }
};

json AnalyzeJson(const std::string& target, const std::string& file_size) {
  const RunResult r = RunDuckpart(
      {"analyze", target, "--target-rows", "1000", "--target-file-size", file_size, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

const json* FindingOf(const json& report, const std::string& kind) {
  for (const auto& f : report["findings"]) {
    if (f["kind"] == kind) return &f;
  }
  return nullptr;
}

// The words of a printed command (its paths need no quotes), without "duckpart".
std::vector<std::string> Words(const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  EXPECT_EQ(words.at(0), "duckpart");
  words.erase(words.begin());
  return words;
}

// The bytes of the Parquet file of 1,000 demo rows: the target file size of the tests.
std::string ThousandRowsFileSize(const Skewed& d) {
  const auto m = ManifestJson(d.target);
  for (const auto& p : m["partitions"]) {
    if (p["rows"] == 1000 && p["files"].size() == 1)
      return std::to_string(p["bytes"].get<int64_t>());
  }
  ADD_FAILURE() << "no partition of 1,000 rows in one file";
  return "65536";
}

// The distinct rebalance commands of an analysis' findings, in order.
std::vector<std::string> RebalanceCommands(const json& report) {
  std::vector<std::string> commands;
  for (const auto& f : report["findings"]) {
    const std::string c = f["command"].is_string() ? f["command"].get<std::string>() : "";
    if (c.rfind("duckpart rebalance", 0) == 0 &&
        std::find(commands.begin(), commands.end(), c) == commands.end())
      commands.push_back(c);
  }
  return commands;
}

ino_t InodeOf(const fs::path& file) {
  struct stat st {};
  EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
  return st.st_ino;
}

TEST(Rebalance, TheCommandsAnalyzePrintsBalanceASkewedDatasetAndKeepEveryRow) {
  Skewed d(10);
  const std::string size = ThousandRowsFileSize(d);
  const json before = AnalyzeJson(d.target, size);
  EXPECT_EQ(before["verdict"], "uneven");
  const std::string rows_cmd =
      "duckpart rebalance " + d.target + " --target-rows 1000 --target-file-size " + size;
  for (const char* kind : {"split", "merge"}) {
    const json* f = FindingOf(before, kind);
    ASSERT_NE(f, nullptr) << kind << ": " << before["findings"].dump(2);
    EXPECT_EQ((*f)["command"], rows_cmd);
  }
  const json* compact = FindingOf(before, "compact");
  ASSERT_NE(compact, nullptr) << before["findings"].dump(2);
  EXPECT_EQ((*compact)["command"].get<std::string>().rfind(
                "duckpart rebalance " + d.target + " --compact --target-file-size " + size, 0),
            0u);
  // The partition [1000, 2000) is in band: shared with the old version, not rewritten.
  const fs::path kept =
      fs::path(d.target) / PartitionFiles(ManifestJson(d.target), "id_range=4")[0];
  const ino_t kept_inode = InodeOf(kept);
  const std::vector<std::string> commands = RebalanceCommands(before);
  for (const auto& c : commands) {
    const RunResult r = RunDuckpart(Words(c));
    ASSERT_EQ(r.exit_code, 0) << c << ": " << r.err;
  }
  const json after = AnalyzeJson(d.target, size);
  EXPECT_LT(after["rows_per_partition"]["cv"].get<double>(), 0.3) << after.dump(2);
  EXPECT_EQ(after["verdict"], "good");
  for (const char* kind : {"split", "merge", "compact"})
    EXPECT_EQ(FindingOf(after, kind), nullptr) << kind << ": " << after["findings"].dump(2);
  EXPECT_EQ(after["file_band"]["above"], 0);
  EXPECT_EQ(ParquetContent(d.target), SourceContent(d.source));
  const RunResult v = RunDuckpart({"validate", d.target, "--db", d.source, "--table", "events"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  const auto m = ManifestJson(d.target);
  EXPECT_EQ(m["history"].back()["operation"], "rebalance");
  EXPECT_EQ(InodeOf(fs::path(d.target) / PartitionFiles(m, "id_range=2")[0]), kept_inode);
}

TEST(Rebalance, EveryNewPartitionLandsWithinHalfAndTwiceTheTarget) {
  Skewed d(2);
  const RunResult r = RunDuckpart({"rebalance", d.target, "--target-rows", "700", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_TRUE(j["committed"].get<bool>());
  const json m = ManifestJson(d.target);  // held: a member of a temporary would dangle
  ASSERT_FALSE(m["partitions"].empty());
  for (const auto& p : m["partitions"]) {
    EXPECT_GE(p["rows"].get<int64_t>(), 350) << p["path"];
    EXPECT_LE(p["rows"].get<int64_t>(), 1400) << p["path"];
  }
  EXPECT_EQ(ParquetContent(d.target), SourceContent(d.source));
  EXPECT_EQ(RunDuckpart({"validate", d.target, "--db", d.source, "--table", "events"}).exit_code,
            0);
}

TEST(Rebalance, AValueHoldingMoreThanTheTargetGetsARangeOfItsOwn) {
  TempDir dir;
  const std::string source = MakeDemo(dir / "src", 4'000);
  const std::string target = dir / "ds";
  // user_id: 6% of the rows on ids 1..3 (about 80 each), the rest spread thin.
  ASSERT_EQ(RunDuckpart({"run", "--db", source, "--table", "events", "--by", "quantile(2, user_id)",
                         "--to", target, "-q"})
                .exit_code,
            0);
  const RunResult r = RunDuckpart({"rebalance", target, "--target-rows", "60", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto m = ManifestJson(target);
  EXPECT_EQ(m["spec"].get<std::string>().rfind("quantile(", 0), 0u) << m["spec"];
  int own = 0;
  for (const auto& p : m["partitions"]) {
    const std::string range = p["ranges"][0];
    if (range == "(-inf, 2)" || range == "[2, 3)" || range == "[3, 10)") ++own;
    EXPECT_GE(p["rows"].get<int64_t>(), 30) << range;
    EXPECT_LE(p["rows"].get<int64_t>(), 120) << range;
  }
  EXPECT_EQ(own, 3) << m["partitions"].dump();
  EXPECT_EQ(ParquetContent(target), SourceContent(source));
  EXPECT_EQ(RunDuckpart({"validate", target, "--db", source, "--table", "events"}).exit_code, 0);
}

TEST(Rebalance, DryRunListsTheChangeAndChangesNothing) {
  Skewed d(4);  // [7000, +inf): two appended files
  const TreeSnapshot before = Snapshot(d.dir.path());
  const RunResult r =
      RunDuckpart({"rebalance", d.target, "--target-rows", "1000", "--dry-run", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_FALSE(j["committed"].get<bool>());
  std::set<std::string> kinds;
  for (const auto& g : j["groups"]) kinds.insert(g["kind"]);
  EXPECT_EQ(kinds, (std::set<std::string>{"split", "merge", "compact"}));
  // --target-size is rows at the dataset's bytes per row: 23 KB is about 1,000 demo rows.
  const RunResult sized =
      RunDuckpart({"rebalance", d.target, "--target-size", "23KB", "--dry-run", "--json"});
  ASSERT_EQ(sized.exit_code, 0) << sized.err;
  const int64_t rows = json::parse(sized.out)["target_rows"];
  EXPECT_GT(rows, 700);
  EXPECT_LT(rows, 1400);
  EXPECT_EQ(Snapshot(d.dir.path()), before);
}

TEST(Rebalance, CompactMergesSmallFilesOfTheChosenPartitionOnly) {
  Skewed d(4);
  const auto m = ManifestJson(d.target);
  ASSERT_EQ(m["partitions"].back()["files"].size(), 2u);  // [7000, +inf): two appends
  const std::string last = m["partitions"].back()["path"];
  const std::string other = m["partitions"][5]["path"];  // [2000, 7000): run + appends
  const size_t other_files = m["partitions"][5]["files"].size();
  const RunResult r = RunDuckpart({"rebalance", d.target, "--compact", "--partition", last, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto after = ManifestJson(d.target);
  EXPECT_EQ(after["partitions"].size(), m["partitions"].size());
  EXPECT_EQ(after["partitions"].back()["files"].size(), 1u);
  EXPECT_EQ(after["partitions"][5]["path"], other);
  EXPECT_EQ(after["partitions"][5]["files"].size(), other_files);
  EXPECT_EQ(after["spec"], m["spec"]);
  EXPECT_EQ(ParquetContent(d.target), SourceContent(d.source));
}

TEST(Rebalance, ASpecWithoutARangeFieldIsOnlyCompactedAndSaysSo) {
  TempDir dir;
  const std::string source = MakeDemo(dir / "src", 3'000);
  const std::string target = dir / "ds";
  ASSERT_EQ(RunDuckpart({"run", "--db", source, "--query", "SELECT * FROM events WHERE id < 2000",
                         "--by", "bucket(3, id)", "--to", target, "-q"})
                .exit_code,
            0);
  for (const char* q : {"id >= 2000 AND id < 2500", "id >= 2500"}) {
    ASSERT_EQ(RunDuckpart({"append", target, "--db", source, "--query",
                           std::string("SELECT * FROM events WHERE ") + q, "-q"})
                  .exit_code,
              0);
  }
  const RunResult r = RunDuckpart({"rebalance", target, "--target-rows", "100", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["notes"].size(), 1u);
  EXPECT_NE(j["notes"][0].get<std::string>().find("only compacts files"), std::string::npos);
  EXPECT_EQ(j["partitions_after"], 3);
  for (const auto& g : j["groups"]) EXPECT_EQ(g["kind"], "compact");
  const json m = ManifestJson(target);  // held: a member of a temporary would dangle
  ASSERT_EQ(m["partitions"].size(), 3u);
  for (const auto& p : m["partitions"]) EXPECT_EQ(p["files"].size(), 1u);
  EXPECT_EQ(RunDuckpart({"validate", target, "--db", source, "--table", "events"}).exit_code, 0);
}

TEST(Rebalance, BadInputIsRefusedBeforeAnyWorkAndChangesNothing) {
  Skewed d(1);
  const TreeSnapshot before = Snapshot(d.dir.path());
  const std::vector<std::vector<std::string>> cases = {
      {"rebalance", d.dir / "missing", "--compact"},
      {"rebalance", d.target},
      {"rebalance", d.target, "--target-rows", "1000", "--target-size", "1MB"},
      {"rebalance", d.target, "--target-rows", "1000", "--compact"},
      {"rebalance", d.target, "--target-rows", "0"},
      {"rebalance", d.target, "--target-rows", "-3"},
      {"rebalance", d.target, "--target-rows", "9000000000000000000"},
      {"rebalance", d.target, "--target-size", "12 parsecs"},
      {"rebalance", d.target, "--compact", "--target-file-size", "10"},
      {"rebalance", d.target, "--compact", "--partition", "id_range=99"},
      {"rebalance", "--to-db", d.dir / "x.db", "--compact"},
  };
  for (const auto& args : cases) {
    const RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << args[1] << " " << args.back() << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(Snapshot(d.dir.path()), before);
}

TEST(FaultSeam, EveryDurableStepOfARebalanceFailsOrDiesLeavingOneWholeVersion) {
  TempDir dir;
  const std::string source = MakeDemo(dir / "src", 3'000);
  const Content rows = SourceContent(source);
  auto fresh = [&](const std::string& name) {
    const std::string t = dir / name;
    EXPECT_EQ(RunDuckpart({"run", "--db", source, "--query", "SELECT * FROM events WHERE id < 2500",
                           "--by", "range(id, [200, 400, 800])", "--to", t, "--threads", "1", "-q"})
                  .exit_code,
              0);
    EXPECT_EQ(RunDuckpart({"append", t, "--db", source, "--query",
                           "SELECT * FROM events WHERE id >= 2500", "-q"})
                  .exit_code,
              0);
    return t;
  };
  // Merges [0, 200) and [200, 400), keeps [400, 800) (shared, under a new folder name),
  // splits [800, +inf) (with an appended file) into three, each written as two files.
  auto rebalance = [](const std::string& t) {
    return std::vector<std::string>{
        "rebalance", t,   "--target-rows", "700", "--target-file-size", "8KB", "--threads",
        "1",         "-q"};
  };
  // The steps include the links of shared files and the split files.
  const int steps = CountSteps(rebalance(fresh("shown")), dir / "shown-trace");
  const std::string trace = ReadFile(dir / "shown-trace");
  EXPECT_NE(trace.find("shared files of id_range=1"), std::string::npos) << trace;
  EXPECT_NE(trace.find("files of about the target size"), std::string::npos) << trace;
  // Old and new hold the same rows under other files: a mix would miss or double some.
  const auto seen = [&](const std::string& target) {
    if (ParquetContent(target) != rows) return Seen::kMix;
    return ManifestJson(target)["history"].back()["operation"] == "rebalance" ? Seen::kNew
                                                                              : Seen::kOld;
  };
  TrialEveryStep(dir,
                 {.fresh = fresh,
                  .command = rebalance,
                  .seen = seen,
                  .settle = RecoverValidateCleanup(seen, {"--db", source, "--table", "events"}),
                  .min_steps = steps});
}

}  // namespace
}  // namespace duckpart::testing

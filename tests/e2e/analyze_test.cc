// End-to-end: `duckpart analyze` on skewed datasets made with the binary (one heavy month,
// a heavy identity value, many small files from several runs merged by hand), on partition
// tables, its HTML page in headless Chromium, and bad input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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
using nlohmann::json;

// 19,960 events: 8,000 in March 2024 (40%), 520 in each of the other 23 months of
// 2023-2024; 60% of the rows in category 'books', the rest spread over nine others.
void MakeSkewedSource(const std::string& path) {
  db::Database database(db::DatabaseOptions{.path = path});
  db::Connection conn(database);
  conn.Execute(R"(
    CREATE TABLE events AS
    SELECT i AS id,
           CASE WHEN i < 8000 THEN TIMESTAMP '2024-03-01' + to_seconds((i * 331) % (31 * 86400))
                ELSE TIMESTAMP '2023-01-01' + to_months(((i - 8000) % 23) + (((i - 8000) % 23) >= 14)::INT)
                     + to_seconds((i * 17) % (28 * 86400)) END AS ts,
           CASE WHEN i % 10 < 6 THEN 'books'
                ELSE ['games', 'music', 'garden', 'toys', 'food', 'tools', 'sport', 'art', 'home'][1 + (i // 10) % 9]
                END AS category,
           ((i * 7919) % 100000) / 100.0 AS amount
    FROM range(19960) r(i))");
}

RunResult RunSpec(const std::string& db, const std::string& by, const std::string& to,
                  const std::string& where = "") {
  std::vector<std::string> args{"run", "--db", db, "--by", by, "--to", to, "--quiet"};
  if (where.empty()) {
    args.insert(args.end(), {"--table", "events"});
  } else {
    args.insert(args.end(), {"--query", "SELECT * FROM events WHERE " + where});
  }
  return RunDuckpart(args);
}

std::string AddHugeint(const std::string& a, const std::string& b) {
  Session s;
  return s.Scalar("SELECT (" + db::QuoteLiteral(a) + "::HUGEINT + " + db::QuoteLiteral(b) +
                  "::HUGEINT)::VARCHAR");
}

// Moves the files of dataset `other` into the same partitions of `base` (as a later run
// would have added them) and records them in base's manifest.
void MergeRunInto(const std::string& base, const std::string& other, const std::string& tag) {
  json m = ManifestJson(base);
  const json o = ManifestJson(other);
  for (const auto& op : o["partitions"]) {
    json* bp = nullptr;
    for (auto& p : m["partitions"]) bp = p["path"] == op["path"] ? &p : bp;
    ASSERT_NE(bp, nullptr) << op["path"];
    for (const auto& f : op["files"]) {
      const std::string name = op["path"].get<std::string>() + "/" + tag + "_" +
                               fs::path(f["path"].get<std::string>()).filename().string();
      fs::copy_file(fs::path(other) / f["path"].get<std::string>(), fs::path(base) / name);
      (*bp)["files"].push_back({{"path", name}, {"rows", f["rows"]}, {"bytes", f["bytes"]}});
    }
    (*bp)["rows"] = (*bp)["rows"].get<int64_t>() + op["rows"].get<int64_t>();
    (*bp)["bytes"] = (*bp)["bytes"].get<int64_t>() + op["bytes"].get<int64_t>();
    (*bp)["checksum"] = AddHugeint((*bp)["checksum"], op["checksum"]);
  }
  m["total_rows"] = m["total_rows"].get<int64_t>() + o["total_rows"].get<int64_t>();
  m["total_bytes"] = m["total_bytes"].get<int64_t>() + o["total_bytes"].get<int64_t>();
  m["total_checksum"] = AddHugeint(m["total_checksum"], o["total_checksum"]);
  std::ofstream(fs::path(base) / "_duckpart" / "manifest.json", std::ios::trunc) << m.dump();
}

const json* FindingOf(const json& report, const std::string& kind) {
  for (const auto& f : report["findings"]) {
    if (f["kind"] == kind) return &f;
  }
  return nullptr;
}

class AnalyzeE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = *dir_ / "skewed.db";
    MakeSkewedSource(db_);
    by_month_ = *dir_ / "by_month";
    ASSERT_EQ(RunSpec(db_, "month(ts)", by_month_).exit_code, 0);
    // Three runs over thirds of the rows, merged by hand: three small files per partition.
    by_category_ = *dir_ / "by_category";
    ASSERT_EQ(RunSpec(db_, "category", by_category_, "id % 3 = 0").exit_code, 0);
    for (int k = 1; k < 3; ++k) {
      const std::string part = *dir_ / ("third" + std::to_string(k));
      ASSERT_EQ(RunSpec(db_, "category", part, "id % 3 = " + std::to_string(k)).exit_code, 0);
      MergeRunInto(by_category_, part, "run" + std::to_string(k));
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static json AnalyzeJson(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"analyze", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
  static TempDir* dir_;
  static std::string db_, by_month_, by_category_;
  TempDir tmp_;
};

TempDir* AnalyzeE2e::dir_ = nullptr;
std::string AnalyzeE2e::db_, AnalyzeE2e::by_month_, AnalyzeE2e::by_category_;

TEST_F(AnalyzeE2e, HeavyMonthIsSplitByDay) {
  const json r = AnalyzeJson({by_month_, "--target-rows", "1000"});
  EXPECT_EQ(r["partitions"], 24);
  EXPECT_EQ(r["rows"], 19960);
  EXPECT_EQ(r["verdict"], "uneven");
  EXPECT_NEAR(r["rows_per_partition"]["max_over_median"].get<double>(), 8000.0 / 520, 1e-9);
  const json* skew = FindingOf(r, "skewed_key");
  ASSERT_NE(skew, nullptr) << r["findings"].dump(2);
  EXPECT_EQ((*skew)["command"], "duckpart repartition " + by_month_ + " --by \"day(ts)\"");
  const json* split = FindingOf(r, "split");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ((*split)["partitions"], json::array({"ts_month=2024-03"}));
  EXPECT_EQ(FindingOf(r, "merge"), nullptr);
  EXPECT_EQ(FindingOf(r, "compact"), nullptr);  // one file per partition
  // Rows and bytes per partition are the manifest's, not guesses.
  const json m = ManifestJson(by_month_);
  for (size_t i = 0; i < 24; ++i) {
    EXPECT_EQ(r["partition_stats"][i]["rows"], m["partitions"][i]["rows"]);
    EXPECT_EQ(r["partition_stats"][i]["bytes"], m["partitions"][i]["bytes"]);
  }
}

TEST_F(AnalyzeE2e, HeavyIdentityValueAndSmallFilesFromMergedRuns) {
  ASSERT_EQ(RunDuckpart({"validate", by_category_}).exit_code, 0)
      << "the hand-merged dataset must be valid";
  const json r = AnalyzeJson({by_category_, "--target-rows", "1000", "--target-file-size", "1MiB"});
  EXPECT_EQ(r["partitions"], 10);
  EXPECT_EQ(r["files"], 30);
  const json* skew = FindingOf(r, "skewed_key");
  ASSERT_NE(skew, nullptr);
  EXPECT_EQ((*skew)["command"], "duckpart repartition " + by_category_ +
                                    " --by \"identity(category), bucket(16, id)\"");
  EXPECT_EQ(r["partition_stats"][0]["path"], "category_identity=art");
  const json* compact = FindingOf(r, "compact");
  ASSERT_NE(compact, nullptr) << r["findings"].dump(2);
  EXPECT_EQ((*compact)["count"], 30);
  EXPECT_EQ((*compact)["command"],
            "duckpart rebalance " + by_category_ + " --compact --target-file-size 1048576");
  for (const auto& p : r["partition_stats"]) {
    EXPECT_EQ(p["files"], 3);
    EXPECT_LE(p["smallest_file"].get<int64_t>(), p["largest_file"].get<int64_t>());
  }
}

TEST_F(AnalyzeE2e, HumanOutputNamesVerdictFindingsAndFixes) {
  RunResult r = RunDuckpart({"analyze", by_month_, "--target-rows", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("verdict: uneven"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning skewed_key: the key is skewed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fix: duckpart repartition " + by_month_ + " --by \"day(ts)\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ts_month=2024-03"), std::string::npos);
}

TEST_F(AnalyzeE2e, StrictExitsOneOnWarningsOnly) {
  EXPECT_EQ(
      RunDuckpart({"analyze", by_month_, "--target-rows", "1000", "--strict", "--quiet"}).exit_code,
      1);
  EXPECT_EQ(RunDuckpart({"analyze", by_month_, "--target-rows", "1000", "--quiet"}).exit_code, 0);
}

TEST_F(AnalyzeE2e, PartitionTablesFromTheirCatalog) {
  const std::string to = tmp_ / "parts.db";
  RunResult w = RunDuckpart(
      {"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to-db", to, "--quiet"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const json r = AnalyzeJson({"--to-db", to, "--target-rows", "1000"});
  EXPECT_EQ(r["kind"], "tables");
  EXPECT_EQ(r["partitions"], 24);
  EXPECT_EQ(r["rows"], 19960);
  EXPECT_GT(r["bytes"].get<int64_t>(), 0);
  EXPECT_GT(r["partition_stats"][14]["bytes"].get<int64_t>(), 0);
  EXPECT_EQ(r["partition_stats"][14]["rows"], 8000);
  const json* skew = FindingOf(r, "skewed_key");
  ASSERT_NE(skew, nullptr);
  EXPECT_EQ((*skew)["command"],
            "duckpart repartition --to-db " + to + " --schema events_parts --by \"day(ts)\"");
}

TEST_F(AnalyzeE2e, PartitionWithoutFilesInItsManifestIsReadFromFooters) {
  const std::string ds = tmp_ / "footers";
  ASSERT_EQ(RunSpec(db_, "month(ts)", ds).exit_code, 0);
  json m = ManifestJson(ds);
  const int64_t rows = m["partitions"][14]["rows"];
  const int64_t bytes = m["partitions"][14]["bytes"];
  m["partitions"][14]["files"] = json::array();  // as a tool that lists no files would write it
  m["partitions"][14]["rows"] = 0;
  m["partitions"][14]["bytes"] = 0;
  std::ofstream(fs::path(ds) / "_duckpart" / "manifest.json", std::ios::trunc) << m.dump();
  const json r = AnalyzeJson({ds, "--target-rows", "1000"});
  EXPECT_EQ(r["footer_files"], 1);
  EXPECT_EQ(r["partition_stats"][14]["rows"], rows);
  EXPECT_EQ(r["partition_stats"][14]["bytes"], bytes);
  EXPECT_EQ(r["partition_stats"][14]["files"], 1);
  EXPECT_EQ(r["rows"], 19960);
}

TEST_F(AnalyzeE2e, BadInputIsExitTwo) {
  const fs::path plain = tmp_ / "plain";
  fs::create_directories(plain);
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases{
      {{"analyze", tmp_ / "missing"}, "does not exist"},
      {{"analyze", plain.string()}, "not a duckpart dataset"},
      {{"analyze", by_month_, "--target-file-size", "12 parsecs"}, "--target-file-size"},
      {{"analyze", by_month_, "--html", tmp_ / "no/such/folder/r.html"}, "--html"},
      {{"analyze", by_month_, "--to-db", tmp_ / "x.db"}, "not both"},
      {{"analyze", "--to-db", tmp_ / "missing.db"}, "does not exist"},
      {{"analyze"}, "give a dataset folder"},
  };
  for (const auto& c : cases) {
    RunResult r = RunDuckpart(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args.back() << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
  }
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Headless Chromium: the DOM after scripts ran, and its log (console messages).
struct Rendered {
  std::string dom, log;
  int exit_code = -1;
};

bool HaveChromium() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

Rendered RenderInChromium(const std::string& html, const TempDir& tmp) {
  const std::string profile = tmp / "chromium-profile";
  fs::create_directories(profile);
  const std::string cmd =
      "timeout 50 chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
      "--disable-component-update --disable-sync --no-first-run --enable-logging=stderr --v=0 "
      "--user-data-dir=" +
      ShellQuote(profile) + " --dump-dom " + ShellQuote("file://" + fs::absolute(html).string()) +
      " >" + ShellQuote(tmp / "dom") + " 2>" + ShellQuote(tmp / "log") + " </dev/null";
  const int status = std::system(cmd.c_str());
  return {ReadFile(tmp / "dom"), ReadFile(tmp / "log"),
          WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

bool HasConsoleError(const std::string& log) {
  return log.find("Uncaught") != std::string::npos || log.find(":CONSOLE") != std::string::npos;
}

TEST_F(AnalyzeE2e, HtmlReportRendersOneBarPerPartitionWithoutConsoleErrors) {
  const std::string html = tmp_ / "report.html";
  RunResult r =
      RunDuckpart({"analyze", by_month_, "--target-rows", "1000", "--html", html, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = ReadFile(html);
  EXPECT_EQ(Count(page, "<rect class=\"bar "), 24u);
  EXPECT_EQ(Count(page, "http://"),
            Count(page, "http://www.w3.org/2000/svg"));  // the SVG namespace only
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_NE(page.find("duckpart repartition " + by_month_ + " --by &quot;day(ts)&quot;"),
            std::string::npos);
  if (!HaveChromium()) {
    std::fprintf(stderr,
                 "SKIPPED LOUDLY: chromium is missing (scripts/install-deps.sh installs it)\n");
    GTEST_SKIP() << "chromium is not installed: the HTML report was not rendered";
  }
  const Rendered out = RenderInChromium(html, tmp_);
  ASSERT_EQ(out.exit_code, 0) << out.log;
  EXPECT_NE(out.dom.find("data-bars=\"24\""), std::string::npos) << out.dom.substr(0, 2000);
  EXPECT_NE(out.dom.find("24 bars drawn, one per partition"), std::string::npos);
  EXPECT_FALSE(HasConsoleError(out.log)) << out.log;
}

TEST_F(AnalyzeE2e, ChromiumCheckSeesAPageScriptError) {
  if (!HaveChromium()) GTEST_SKIP() << "chromium is not installed";
  const std::string html = tmp_ / "broken.html";
  std::ofstream(html)
      << "<!DOCTYPE html><html><body><p>x</p><script>noSuchFunction();</script></body></html>";
  const Rendered out = RenderInChromium(html, tmp_);
  EXPECT_TRUE(HasConsoleError(out.log)) << out.log;
}

}  // namespace
}  // namespace duckpart::testing

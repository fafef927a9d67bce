// End-to-end: what used to be found only after the write (exit 1 or 3) is found before
// any work (exit 2, one line naming the column, value or flag, nothing changed); counts
// have upper bounds; names and messages as issue 15 asks.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "db/database.h"
#include "db/sql.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

class BeforeWork : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    db::Database database(db::DatabaseOptions{.path = db()});
    db::Connection conn(database);
    conn.Execute(
        "CREATE TABLE t AS SELECT i AS id, CASE WHEN i = 3 THEN repeat('x', 300) ELSE 'v' || i "
        "END AS v, TIMESTAMP '2024-01-01' + INTERVAL (i) DAY AS ts, CASE WHEN i = 5 THEN "
        "repeat('not a date ', 10000) ELSE '2024-01-01' END AS day FROM range(20) r(i)");
    conn.Execute("CREATE TABLE wide AS SELECT i AS " + db::QuoteIdent(std::string(300, 'c')) +
                 " FROM range(3) r(i)");
    conn.Execute("CREATE SCHEMA s2");
    conn.Execute("CREATE TABLE s2.t AS SELECT i AS id FROM range(7) r(i)");
    conn.Execute("CREATE TABLE events AS SELECT i AS id FROM range(9) r(i)");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string db() { return *dir_ / "src.db"; }
  static std::string d(const std::string& name) { return *dir_ / name; }

  // Exit 2, one line `duckpart: error: ...` holding `names`, the folder's listing and the
  // database unchanged.
  static void ExpectRefused(const std::vector<std::string>& args, const std::string& names) {
    SCOPED_TRACE(names);
    const std::string before = ReadFile(db());
    std::vector<std::string> listing_before = Listing();
    RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(r.err.rfind("duckpart: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(names), std::string::npos) << r.err;
    EXPECT_LT(r.err.size(), 600u) << "the message carries a whole value";
    EXPECT_EQ(Listing(), listing_before) << "the command left something behind";
    EXPECT_TRUE(ReadFile(db()) == before) << "the source changed";
  }
  static std::vector<std::string> Listing() {
    std::vector<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir_->path()))
      names.push_back(e.path().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::vector<std::string> Run(const std::string& by, const std::string& to,
                                      std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", "--db", db(), "--table", "t", "--by", by, "--to", to};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  static TempDir* dir_;
};

TempDir* BeforeWork::dir_ = nullptr;

TEST_F(BeforeWork, AValueTooLongForAFolderNameIsNamed) {
  ExpectRefused(Run("identity(v)", d("o1")), "field v_identity: the value 'xxxxxxxx");
}

TEST_F(BeforeWork, AColumnNameTooLongForAFolderNameIsNamed) {
  ExpectRefused({"run", "--db", db(), "--table", "wide", "--by",
                 "identity(\"" + std::string(300, 'c') + "\")", "--to", d("o2")},
                "field name 'ccc");
}

TEST_F(BeforeWork, ASpillFolderThatDoesNotExistIsNamed) {
  ExpectRefused(Run("bucket(2, id)", d("o3"), {"--temp-dir", d("no/such/folder")}),
                "--temp-dir '" + d("no/such/folder") + "' cannot be made");
  ExpectRefused(Run("bucket(2, id)", d("o3"), {"--temp-dir", db()}), "is not a folder");
}

TEST_F(BeforeWork, ATargetOnAFilesystemThatTakesNoFilesIsNamed) {
  RunResult r = RunDuckpart(Run("bucket(2, id)", "/proc/duckpart-test-ds"));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("/proc"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists("/proc/duckpart-test-ds"));
  EXPECT_FALSE(fs::exists("/proc/.duckpart-test-ds.duckpart"));
}

TEST_F(BeforeWork, CountsHaveUpperBounds) {
  ExpectRefused(Run("quantile(200000, id)", d("o4")), "at most 100000");
  std::string bounds;
  for (int i = 0; i <= 10000; ++i) bounds += (i ? ", " : "") + std::to_string(i);
  ExpectRefused(Run("range(id, [" + bounds + "])", d("o4")), "at most 10000");
  ExpectRefused(Run("bucket(2, id)", d("o4"), {"--threads", "100000"}), "--threads");
  ExpectRefused(Run("bucket(2, id)", d("o4"), {"--max-attempts", "1000"}), "--max-attempts");
  ExpectRefused(Run("bucket(2, id)", d("o4"), {"--memory-limit", "-5GB"}), "-5GB");
}

TEST_F(BeforeWork, ABadDateIsCutInTheMessage) {
  ExpectRefused(Run("month(day)", d("o5")), "column 'day'");
}

TEST_F(BeforeWork, RecoverAndCleanupOfAMissingFolderAreInputErrors) {
  ExpectRefused({"recover", d("missing-ds")}, "missing-ds");
  ExpectRefused({"cleanup", d("missing-ds")}, "missing-ds");
}

TEST_F(BeforeWork, TablesAreFoundAsDuckDbFindsThem) {
  RunResult r =
      RunDuckpart({"plan", "--db", db(), "--table", "s2.t", "--by", "bucket(2, id)", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows"], 7) << r.out;
  r = RunDuckpart({"plan", "--db", db(), "--table", "EVENTS", "--by", "bucket(2, id)", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows"], 9) << r.out;
  ExpectRefused({"plan", "--db", db(), "--table", "s2.nope", "--by", "bucket(2, id)"},
                "'s2.nope' does not exist");
}

TEST_F(BeforeWork, ValidateOfPartitionTablesTakesTheTableAsItsHelpSays) {
  const std::string parts = d("parts.db");
  RunResult r = RunDuckpart({"run", "--db", db(), "--table", "events", "--by", "bucket(2, id)",
                             "--to-db", parts, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunDuckpart({"validate", "--to-db", parts, "--table", "events"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("events_parts"), std::string::npos) << r.out;
  fs::remove(parts);
}

TEST_F(BeforeWork, AFailedFirstRunLeavesNoStoreBehind) {
  // The fault seam fails the first durable step after staging began (an IO failure).
  const std::string out = d("o6");
  RunResult r = RunDuckpart(Run("bucket(2, id)", out, {"--quiet"}),
                            {"DUCKPART_FAULT_AT=3", "DUCKPART_FAULT_ACTION=fail"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(d(".o6.duckpart/lock")));
  EXPECT_FALSE(fs::exists(d(".o6.duckpart")));
}

}  // namespace
}  // namespace duckpart::testing

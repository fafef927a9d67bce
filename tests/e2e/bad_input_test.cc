// End-to-end: bad input of every kind gets exactly one line `duckpart: error: ...`,
// exit code 2, no crash, and changes nothing: the source databases stay byte-for-byte
// the same.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "db/database.h"
#include "db/sql.h"
#include "support/read_only_dir.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string name;
  std::vector<std::string> args;
};

// Names and values that are hard in SQL, paths and terminals.
const std::vector<std::string>& HostileNames() {
  static const std::vector<std::string> names = {
      "we\"ird", "it's", "a/b", "..", "x=y", "100%", "new\nline", "semi;colon --", "sp ace"};
  return names;
}

class BadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    RunResult r =
        RunDuckpart({"demo", "--rows", "3000", "--seed", "5", "--dir", *dir_ / "src", "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // A database whose tables and columns carry hostile names, and values to match.
    {
      db::Database database(db::DatabaseOptions{.path = *dir_ / "hostile.db"});
      db::Connection conn(database);
      std::string cols;
      for (const auto& n : HostileNames())
        cols += ", CAST(i AS VARCHAR) || " + db::QuoteLiteral(n) + " AS " + db::QuoteIdent(n);
      for (const auto& n : HostileNames()) {
        conn.Execute("CREATE TABLE " + db::QuoteIdent(n) +
                     " AS SELECT i AS id, TIMESTAMP '2024-01-01' + "
                     "INTERVAL (i) HOUR AS ts" +
                     cols + " FROM range(50) r(i)");
      }
    }
    ASSERT_EQ(RunDuckpart({"run", "--db", db(), "--table", "events", "--by", "month(ts)", "--to",
                           *dir_ / "ds", "--quiet"})
                  .exit_code,
              0);
    ASSERT_EQ(RunDuckpart({"backup", "--db", db(), "--table", "events", "--to",
                           *dir_ / "events.parquet", "--quiet"})
                  .exit_code,
              0);
    std::ofstream(*dir_ / "not-a-db.db") << "this is not a database\n";
    std::ofstream(*dir_ / "plain.txt") << "hello\n";
    std::ofstream(*dir_ / "bad.parquet") << "PAR1 but not really\n";
    fs::create_directories(*dir_ / "folder/with/things");
    std::ofstream(*dir_ / "folder/with/things/file") << "x";
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static std::string db() { return *dir_ / "src/demo.db"; }
  static std::string hostile() { return *dir_ / "hostile.db"; }
  static std::string d(const std::string& name) { return *dir_ / name; }

  static std::string Hash(const std::string& path) {
    return std::to_string(std::hash<std::string>{}(ReadFile(path))) + "/" +
           std::to_string(fs::file_size(path));
  }

  // Runs one case: one error line, exit 2, both databases unchanged, nothing new beside them.
  static void Expect(const Case& c) {
    SCOPED_TRACE(c.name);
    const std::string before_src = Hash(db()), before_hostile = Hash(hostile());
    std::vector<std::string> before_listing;
    for (const auto& e : fs::directory_iterator(dir_->path()))
      before_listing.push_back(e.path().filename().string());
    std::sort(before_listing.begin(), before_listing.end());

    RunResult r = RunDuckpart(c.args);
    EXPECT_EQ(r.exit_code, 2) << "stdout: " << r.out << "\nstderr: " << r.err;
    EXPECT_EQ(r.err.rfind("duckpart: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
    EXPECT_EQ(Hash(db()), before_src) << "the source database changed";
    EXPECT_EQ(Hash(hostile()), before_hostile) << "the hostile database changed";
    EXPECT_FALSE(fs::exists(db() + ".wal"));
    EXPECT_FALSE(fs::exists(hostile() + ".wal"));
    std::vector<std::string> after_listing;
    for (const auto& e : fs::directory_iterator(dir_->path())) {
      const std::string name = e.path().filename().string();
      after_listing.push_back(name);
    }
    std::sort(after_listing.begin(), after_listing.end());
    EXPECT_EQ(after_listing, before_listing) << "the command left something behind";
  }

  static TempDir* dir_;
};

TempDir* BadInput::dir_ = nullptr;

std::vector<std::string> RunCmd(const std::string& db, const std::string& table,
                                const std::string& by, const std::string& to) {
  return {"run", "--db", db, "--table", table, "--by", by, "--to", to};
}

TEST_F(BadInput, SourcesThatDoNotExistOrDoNotFit) {
  const std::vector<Case> cases = {
      {"missing database", RunCmd(d("missing.db"), "events", "month(ts)", d("o1"))},
      {"missing table", RunCmd(db(), "nope", "month(ts)", d("o1"))},
      {"database is a folder", RunCmd(d("folder"), "events", "month(ts)", d("o1"))},
      {"database is not a database", RunCmd(d("not-a-db.db"), "events", "month(ts)", d("o1"))},
      {"table without database",
       {"run", "--table", "events", "--by", "month(ts)", "--to", d("o1")}},
      {"two sources",
       {"run", "--db", db(), "--table", "events", "--query", "SELECT 1", "--by", "x", "--to",
        d("o1")}},
      {"no source", {"run", "--by", "month(ts)", "--to", d("o1")}},
      {"query that does not parse",
       {"run", "--db", db(), "--query", "SELEC * FROM events", "--by", "month(ts)", "--to",
        d("o1")}},
      {"query over a missing table",
       {"run", "--db", db(), "--query", "SELECT * FROM nope", "--by", "month(ts)", "--to",
        d("o1")}},
      {"files that do not exist",
       {"run", "--from", d("none-*.parquet"), "--by", "month(ts)", "--to", d("o1")}},
      {"files of an unknown format",
       {"run", "--from", d("plain.txt"), "--by", "month(ts)", "--to", d("o1")}},
      {"plan: missing database",
       {"plan", "--db", d("missing.db"), "--table", "events", "--by", "month(ts)"}},
      {"plan: missing table", {"plan", "--db", db(), "--table", "nope", "--by", "month(ts)"}},
  };
  for (const auto& c : cases) Expect(c);
}

TEST_F(BadInput, SpecsThatDoNotParseOrDoNotFit) {
  const std::vector<Case> cases = {
      {"unknown column", RunCmd(db(), "events", "month(nope)", d("o2"))},
      {"unclosed spec", RunCmd(db(), "events", "month(ts", d("o2"))},
      {"empty spec", RunCmd(db(), "events", "", d("o2"))},
      {"unknown transform", RunCmd(db(), "events", "frobnicate(ts)", d("o2"))},
      {"zero buckets", RunCmd(db(), "events", "bucket(0, user_id)", d("o2"))},
      {"negative truncate", RunCmd(db(), "events", "truncate(-3, amount)", d("o2"))},
      {"quantile of one", RunCmd(db(), "events", "quantile(1, amount)", d("o2"))},
      {"duplicate field", RunCmd(db(), "events", "month(ts), month(ts)", d("o2"))},
      {"trailing comma", RunCmd(db(), "events", "month(ts),", d("o2"))},
      {"month of a string", RunCmd(db(), "events", "month(category)", d("o2"))},
      {"hour of an integer", RunCmd(db(), "events", "hour(user_id)", d("o2"))},
      {"unparseable date bound", RunCmd(db(), "events", "range(ts, ['not a date'])", d("o2"))},
      {"impossible date bound", RunCmd(db(), "events", "range(ts, ['2024-13-45'])", d("o2"))},
      {"string bound on a number", RunCmd(db(), "events", "range(amount, ['abc'])", d("o2"))},
      {"decreasing bounds", RunCmd(db(), "events", "range(amount, [10, 5])", d("o2"))},
      {"unterminated string", RunCmd(db(), "events", "range(tag, ['a)", d("o2"))},
      {"a control character in the spec", RunCmd(db(), "events", "month(\x01ts)", d("o2"))},
      {"plan: bad spec", {"plan", "--db", db(), "--table", "events", "--by", "day(nope)"}},
  };
  for (const auto& c : cases) Expect(c);
}

TEST_F(BadInput, TargetsThatCannotBeUsed) {
  std::ofstream(d("a-file")) << "x";
  const std::vector<Case> cases = {
      {"target is a file", RunCmd(db(), "events", "month(ts)", d("a-file"))},
      {"target is the source database", RunCmd(db(), "events", "month(ts)", db())},
      {"target is the source's folder", RunCmd(db(), "events", "month(ts)", d("src"))},
      {"target is a folder with things", RunCmd(db(), "events", "month(ts)", d("folder"))},
      {"target folder does not exist", RunCmd(db(), "events", "month(ts)", d("no/such/folder/ds"))},
      {"existing dataset without --replace", RunCmd(db(), "events", "month(ts)", d("ds"))},
      {"missing --to", {"run", "--db", db(), "--table", "events", "--by", "month(ts)"}},
      {"negative threads",
       {"run", "--db", db(), "--table", "events", "--by", "month(ts)", "--to", d("o3"), "--threads",
        "-1"}},
      {"bad memory limit",
       {"run", "--db", db(), "--table", "events", "--by", "month(ts)", "--to", d("o3"),
        "--memory-limit", "lots"}},
      {"bad spill cap",
       {"run", "--db", db(), "--table", "events", "--by", "month(ts)", "--to", d("o3"),
        "--max-temp-size", "huge"}},
      {"unknown time zone",
       {"run", "--db", db(), "--table", "events", "--by", "month(ts)", "--to", d("o3"),
        "--timezone", "Mars/Olympus_Mons"}},
      {"unknown compression",
       {"run", "--db", db(), "--table", "events", "--by", "month(ts)", "--to", d("o3"),
        "--compression", "zip"}},
      {"unknown option",
       {"run", "--db", db(), "--table", "events", "--by", "month(ts)", "--to", d("o3"), "--fast"}},
  };
  for (const auto& c : cases) Expect(c);
  fs::remove(d("a-file"));
}

// As root a mode-555 folder is still writable, so there the folder is a read-only tmpfs
// (skipped only where root may not mount, as in an unprivileged container).
TEST_F(BadInput, AnUnwritableTargetFolder) {
  ReadOnlyDir locked(d("locked"));
  if (!locked.ok()) GTEST_SKIP() << locked.why();
  Expect({"unwritable target folder", RunCmd(db(), "events", "month(ts)", d("locked/ds"))});
}

TEST_F(BadInput, ValidateRecoverAndCleanupOfThingsThatAreNotDatasets) {
  const std::vector<Case> cases = {
      {"validate: missing", {"validate", d("nothing-here")}},
      {"validate: a plain folder", {"validate", d("folder")}},
      {"validate: a file", {"validate", d("plain.txt")}},
      {"validate: --db without --table", {"validate", d("ds"), "--db", db()}},
      {"validate: missing source table", {"validate", d("ds"), "--db", db(), "--table", "nope"}},
      {"recover: folder does not exist", {"recover", d("no/such/ds")}},
      {"recover: a plain folder", {"recover", d("folder")}},
      {"recover: a file", {"recover", d("plain.txt")}},
      {"cleanup: a plain folder", {"cleanup", d("folder")}},
      {"cleanup: no argument", {"cleanup"}},
      {"recover: no argument", {"recover"}},
      {"recover: both a folder and --db", {"recover", d("ds"), "--db", db()}},
      {"recover: --db missing", {"recover", "--db", d("missing.db")}},
      {"recover: --db not a database", {"recover", "--db", d("not-a-db.db")}},
      {"cleanup: --db a folder", {"cleanup", "--db", d("folder")}},
      {"query: not a dataset", {"query", d("folder"), "SELECT 1"}},
  };
  for (const auto& c : cases) Expect(c);
}

TEST_F(BadInput, BackupAndRestore) {
  const std::vector<Case> cases = {
      {"backup: missing database",
       {"backup", "--db", d("missing.db"), "--table", "events", "--to", d("b.parquet")}},
      {"backup: missing table",
       {"backup", "--db", db(), "--table", "nope", "--to", d("b.parquet")}},
      {"backup: to a folder", {"backup", "--db", db(), "--table", "events", "--to", d("folder")}},
      {"backup: over the source", {"backup", "--db", db(), "--table", "events", "--to", db()}},
      {"backup: over an existing file",
       {"backup", "--db", db(), "--table", "events", "--to", d("events.parquet")}},
      {"backup: folder does not exist",
       {"backup", "--db", db(), "--table", "events", "--to", d("no/b.parquet")}},
      {"backup: missing --to", {"backup", "--db", db(), "--table", "events"}},
      {"restore: missing file",
       {"restore", "--from", d("none.parquet"), "--db", db(), "--table", "t"}},
      {"restore: not Parquet",
       {"restore", "--from", d("bad.parquet"), "--db", db(), "--table", "t"}},
      {"restore: a text file", {"restore", "--from", d("plain.txt"), "--db", db(), "--table", "t"}},
      {"restore: existing table",
       {"restore", "--from", d("events.parquet"), "--db", db(), "--table", "events"}},
      {"restore: into a folder",
       {"restore", "--from", d("events.parquet"), "--db", d("folder"), "--table", "t"}},
      {"restore: into a file that is no database",
       {"restore", "--from", d("events.parquet"), "--db", d("not-a-db.db"), "--table", "t"}},
      {"restore: from the database itself",
       {"restore", "--from", db(), "--db", db(), "--table", "t"}},
  };
  for (const auto& c : cases) Expect(c);
}

TEST_F(BadInput, HostileIdentifiersAndValues) {
  std::vector<Case> cases;
  for (const auto& n : HostileNames()) {
    cases.push_back({"missing column in table " + n, RunCmd(hostile(), n, "month(nope)", d("o4"))});
    cases.push_back({"month of the string column " + n, RunCmd(
                                                            hostile(), n,
                                                            "month(" + std::string("\"") +
                                                                [&] {
                                                                  std::string q;
                                                                  for (char c : n)
                                                                    q += c == '"'
                                                                             ? std::string("\"\"")
                                                                             : std::string(1, c);
                                                                  return q;
                                                                }() +
                                                                "\")",
                                                            d("o4"))});
    cases.push_back({"restore over table " + n,
                     {"restore", "--from", d("events.parquet"), "--db", hostile(), "--table", n}});
  }
  cases.push_back({"a table that is a hostile path",
                   RunCmd(hostile(), "../../etc/passwd", "month(ts)", d("o4"))});
  cases.push_back({"an injection as a table",
                   RunCmd(hostile(), "x\"; DROP TABLE \"a/b\"; --", "month(ts)", d("o4"))});
  cases.push_back({"an injection as a query",
                   {"run", "--db", hostile(), "--query", "SELECT 1; DROP TABLE \"a/b\"", "--by",
                    "x", "--to", d("o4")}});
  cases.push_back(
      {"an injection in a bound",
       RunCmd(hostile(), "x=y", "range(ts, ['2024-01-01''); DROP TABLE t; --'])", d("o4"))});
  cases.push_back(
      {"a newline in a missing table", RunCmd(db(), "no\nsuch\ntable", "month(ts)", d("o4"))});
  cases.push_back(
      {"a target named with a newline", RunCmd(db(), "events", "month(nope)", d("new\nline"))});
  cases.push_back({"a backup of a hostile table over a file",
                   {"backup", "--db", hostile(), "--table", "a/b", "--to", d("events.parquet")}});
  for (const auto& c : cases) Expect(c);
}

}  // namespace
}  // namespace duckpart::testing

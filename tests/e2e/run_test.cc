// End-to-end: `duckpart run` writes a Hive-layout Parquet dataset that holds exactly
// the source's rows, publishes it atomically, refuses what it must refuse, and leaves
// the previous version intact when it fails or is interrupted.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "db/sql.h"
#include "support/dataset.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int64_t kRows = 30'000;

std::vector<std::string> RunArgs(const std::string& db, const std::string& spec,
                                 const std::string& to, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"run",  "--db", db,     "--table", "events",
                                "--by", spec,   "--to", to,        "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// ---------------------------------------------------------------------------------
// Every transform: conservation, and the path values equal the files' values.

struct FieldExpect {
  std::string name;  // the field's name in paths (a Hive column)
  std::string
      label_sql;  // the path value computed from the row's own columns; "" = checked by `checks`
};

struct TransformCase {
  std::string test_name;
  std::string spec;
  std::vector<FieldExpect> fields;
  // Queries over the table `pairs` (the files' columns plus path_<field> read from the
  // paths) that must return 0.
  std::vector<std::string> checks;
  std::string where;  // restricts the source (a --query), empty = the whole table
};

void PrintTo(const TransformCase& c, std::ostream* os) { *os << c.spec; }

class RunTransform : public ::testing::TestWithParam<TransformCase> {};

// Reads every file twice, with and without hive_partitioning, and pairs the rows by
// (file, row number): the values of each row next to the path values of its folder.
void CreatePairs(Session& s, const std::string& ds, const std::vector<FieldExpect>& fields) {
  const std::string hive = ReadParquetSql(ds,
                                          "hive_partitioning = true, hive_types_autocast = false, "
                                          "filename = true, file_row_number = true");
  const std::string plain =
      ReadParquetSql(ds, "hive_partitioning = false, filename = true, file_row_number = true");
  std::string path_cols;
  for (const auto& f : fields) {
    path_cols += ", h." + db::QuoteIdent(f.name) + " AS " + db::QuoteIdent("path_" + f.name);
  }
  s.conn().Execute("CREATE TEMP TABLE pairs AS SELECT f.* EXCLUDE (filename, file_row_number)" +
                   path_cols + " FROM " + hive + " AS h JOIN " + plain +
                   " AS f ON h.filename = f.filename AND h.file_row_number = f.file_row_number");
}

TEST_P(RunTransform, WritesEveryRowOnceAndPathValuesMatchTheRows) {
  const TransformCase& c = GetParam();
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", kRows);
  const std::string ds = dir / "ds";
  std::vector<std::string> args{"run", "--db", db, "--by", c.spec, "--to", ds, "--json"};
  if (c.where.empty()) {
    args.insert(args.end(), {"--table", "events"});
  } else {
    args.insert(args.end(), {"--query", "SELECT * FROM events WHERE " + c.where});
  }
  RunResult r = RunDuckpart(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Content source = SourceContent(db, c.where.empty() ? "true" : c.where);
  ASSERT_GT(source.rows, 0);

  // Conservation, read back by a reader that knows nothing of the manifest.
  EXPECT_EQ(ParquetContent(ds), source);
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["rows"], source.rows);
  EXPECT_EQ(summary["checksum"], source.checksum);
  EXPECT_EQ(summary["verified"], true);
  const auto manifest = ManifestJson(ds);
  EXPECT_EQ(manifest["total_rows"], source.rows);
  EXPECT_EQ(manifest["total_checksum"], source.checksum);

  // Placement: the value in each row's path is the value computed from the row.
  Session s;
  CreatePairs(s, ds, c.fields);
  EXPECT_EQ(s.Int("SELECT count(*) FROM pairs"), source.rows);
  for (const auto& f : c.fields) {
    if (f.label_sql.empty()) continue;
    const std::string path = db::QuoteIdent("path_" + f.name);
    EXPECT_EQ(s.Int("SELECT count(*) FROM pairs WHERE (" + f.label_sql + ") IS NOT NULL AND " +
                    path + " IS DISTINCT FROM (" + f.label_sql + ")"),
              0)
        << "rows whose path value of " << f.name << " differs from " << f.label_sql;
    EXPECT_EQ(s.Int("SELECT count(*) FROM pairs WHERE (" + f.label_sql + ") IS NULL AND " + path +
                    " IS DISTINCT FROM '__HIVE_DEFAULT_PARTITION__'"),
              0)
        << "NULL values of " << f.name << " outside the NULL partition";
  }
  for (const auto& check : c.checks) EXPECT_EQ(s.Int(check), 0) << check;

  // The query view has each field as a column, holding for every row (by its unique id)
  // the value in that row's path.
  for (const auto& f : c.fields) {
    const std::string row_sum =
        "CAST(sum(hash(id, " + db::QuoteIdent(f.name) + ")::HUGEINT) AS VARCHAR)";
    // DuckDB 1.4 reads the NULL partition as the string __HIVE_DEFAULT_PARTITION__ (checked
    // above), where the view has NULL
    const std::string path = db::QuoteIdent("path_" + f.name);
    const std::string path_value =
        f.label_sql.empty()
            ? path
            : "CASE WHEN (" + f.label_sql + ") IS NULL THEN NULL ELSE " + path + " END";
    const std::string path_sum = "CAST(sum(hash(id, " + path_value + ")::HUGEINT) AS VARCHAR)";
    EXPECT_EQ(QueryScalar(ds, "SELECT " + row_sum + " FROM dataset"),
              s.Scalar("SELECT " + path_sum + " FROM pairs"))
        << f.name;
  }
  EXPECT_EQ(QueryScalar(ds, "SELECT count(*) FROM dataset"), std::to_string(source.rows));
}

void BucketChecks(const std::string& name, const std::string& column, int n,
                  std::vector<std::string>* out) {
  const std::string path = db::QuoteIdent("path_" + name);
  out->push_back("SELECT count(*) FROM pairs WHERE TRY_CAST(" + path +
                 " AS INTEGER) IS NULL OR CAST(" + path + " AS INTEGER) NOT BETWEEN 0 AND " +
                 std::to_string(n - 1) + " OR " + path + " <> CAST(CAST(" + path +
                 " AS INTEGER) AS VARCHAR)");
  // The bucket is a function of the value: one value, one bucket.
  out->push_back("SELECT count(*) FROM (SELECT " + column + " FROM pairs GROUP BY " + column +
                 " HAVING count(DISTINCT " + path + ") > 1)");
  // With thousands of distinct values every bucket is used.
  out->push_back("SELECT " + std::to_string(n) + " - count(DISTINCT " + path + ") FROM pairs");
}

std::vector<TransformCase> Cases() {
  std::vector<TransformCase> cases;
  cases.push_back({"IdentityOfHostileStrings", "identity(tag)", {{"tag_identity", "tag"}}, {}});
  cases.push_back({"IdentityShorthand", "category", {{"category_identity", "category"}}, {}});
  cases.push_back({"Year",
                   "year(ts)",
                   {{"ts_year", "CAST(year(ts) AS VARCHAR)"}},
                   {"SELECT 2 - count(DISTINCT path_ts_year) FROM pairs"}});
  cases.push_back({"Month",
                   "month(ts)",
                   {{"ts_month", "strftime(ts, '%Y-%m')"}},
                   {"SELECT 24 - count(DISTINCT path_ts_month) FROM pairs"}});
  cases.push_back({"Day", "day(ts)", {{"ts_day", "strftime(ts, '%Y-%m-%d')"}}, {}});
  cases.push_back({"Hour",
                   "hour(ts)",
                   {{"ts_hour", "strftime(ts, '%Y-%m-%d-%H')"}},
                   {},
                   "ts >= TIMESTAMP '2024-12-20'"});
  {
    TransformCase c{"Bucket", "bucket(8, user_id)", {{"user_id_bucket", ""}}, {}};
    BucketChecks("user_id_bucket", "user_id", 8, &c.checks);
    cases.push_back(c);
  }
  cases.push_back({"TruncateInteger",
                   "truncate(10000, user_id)",
                   {{"user_id_truncate", "CAST(user_id // 10000 * 10000 AS VARCHAR)"}},
                   {}});
  cases.push_back({"TruncateString",
                   "truncate(2, category)",
                   {{"category_truncate", "left(category, 2)"}},
                   {}});
  cases.push_back(
      {"RangeOfDecimal",
       "range(amount, [10, 100, 1000])",
       {{"amount_range",
         "CASE WHEN amount < 10 THEN '0' WHEN amount < 100 THEN '1' WHEN amount < 1000 THEN '2' "
         "ELSE '3' END"}},
       {"SELECT 4 - count(DISTINCT path_amount_range) FROM pairs"}});
  cases.push_back(
      {"RangeOfTimestamp",
       "range(ts, ['2023-07-01', '2024-01-01'])",
       {{"ts_range",
         "CASE WHEN ts < TIMESTAMP '2023-07-01' THEN '0' WHEN ts < TIMESTAMP '2024-01-01' THEN '1' "
         "ELSE '2' END"}},
       {}});
  cases.push_back(
      {"Quantile",
       "quantile(4, amount)",
       {{"amount_quantile", ""}},
       {// four ranges, in order, not overlapping
        "SELECT 4 - count(DISTINCT path_amount_quantile) FROM pairs",
        "SELECT count(*) FROM (SELECT lo, lag(hi) OVER (ORDER BY q) AS prev_hi FROM (SELECT "
        "CAST(path_amount_quantile "
        "AS INTEGER) AS q, min(amount) AS lo, max(amount) AS hi FROM pairs GROUP BY q)) WHERE "
        "prev_hi >= lo",
        // about equal rows (the demo's amounts have no value heavier than 1/4)
        "SELECT count(*) FROM (SELECT count(*) AS n FROM pairs GROUP BY path_amount_quantile) "
        "WHERE n NOT BETWEEN 0.2 * (SELECT count(*) FROM pairs) AND 0.3 * (SELECT count(*) FROM "
        "pairs)"}});
  {
    TransformCase c{
        "NestedMonthAndBucket",
        "month(ts), bucket(4, user_id)",
        {{"ts_month", "strftime(ts, '%Y-%m')"}, {"user_id_bucket", ""}},
        {// each file sits two levels deep: ts_month=.../user_id_bucket=.../
         "SELECT count(*) FROM pairs WHERE path_ts_month IS NULL OR path_user_id_bucket IS NULL"}};
    BucketChecks("user_id_bucket", "user_id", 4, &c.checks);
    cases.push_back(c);
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Transforms, RunTransform, ::testing::ValuesIn(Cases()),
                         [](const auto& case_info) { return case_info.param.test_name; });

// ---------------------------------------------------------------------------------
// NULL, 'NULL' and '' stay three different partitions.

// Source columns named like duckpart's own bookkeeping columns (rows, pid, checksum)
// must not clash with them anywhere in the run.
TEST(RunColumnNames, ColumnsNamedRowsPidChecksumArePartitionedExactly) {
  TempDir dir;
  const std::string db_path = dir / "s.db";
  {
    db::Database database(db::DatabaseOptions{.path = db_path});
    db::Connection conn(database);
    conn.Execute(
        "CREATE TABLE t AS SELECT i % 7 AS \"rows\", i % 3 AS pid, i AS checksum, "
        "CASE WHEN i % 11 = 0 THEN NULL ELSE i % 5 END AS k FROM range(5000) r(i)");
    conn.Execute("CREATE TABLE reserved AS SELECT 1 AS __dp_k0");
  }
  RunResult r = RunDuckpart({"run", "--db", db_path, "--table", "t", "--by", "identity(rows), pid",
                             "--to", dir / "ds", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["partitions"], 21);
  db::Database mem(db::DatabaseOptions{});
  db::Connection conn(mem);
  db::Result back = conn.Query(
      "SELECT count(*), sum(hash(\"rows\", pid, checksum, k)::HUGEINT)::VARCHAR FROM "
      "read_parquet(" +
      db::QuoteLiteral(dir / "ds/**/*.parquet") + ", hive_partitioning = false)");
  conn.Execute("ATTACH " + db::QuoteLiteral(db_path) + " AS s (READ_ONLY)");
  db::Result src = conn.Query(
      "SELECT count(*), sum(hash(\"rows\", pid, checksum, k)::HUGEINT)::VARCHAR FROM s.t");
  EXPECT_EQ(back.GetInt64(0, 0), 5000);
  EXPECT_EQ(back.GetString(0, 1), src.GetString(0, 1));
  EXPECT_EQ(RunDuckpart({"validate", dir / "ds", "--db", db_path, "--table", "t"}).exit_code, 0);
  // duckpart's own prefix is refused up front, clearly
  RunResult reserved = RunDuckpart(
      {"run", "--db", db_path, "--table", "reserved", "--by", "__dp_k0", "--to", dir / "r"});
  EXPECT_EQ(reserved.exit_code, 2);
  EXPECT_NE(reserved.err.find("reserved by duckpart"), std::string::npos) << reserved.err;
}

TEST(RunNulls, NullTheStringNullAndEmptyAreThreeFoldersAndThreeAnswers) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", kRows);
  const std::string ds = dir / "ds";
  RunResult r = RunDuckpart(RunArgs(db, "tag", ds));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  EXPECT_TRUE(fs::is_directory(fs::path(ds) / "tag_identity=__HIVE_DEFAULT_PARTITION__"));
  EXPECT_TRUE(fs::is_directory(fs::path(ds) / "tag_identity=%4EULL"));
  EXPECT_TRUE(fs::is_directory(fs::path(ds) / "tag_identity="));
  // The string '__HIVE_DEFAULT_PARTITION__' is not NULL either.
  EXPECT_TRUE(fs::is_directory(fs::path(ds) / "tag_identity=%5F_HIVE_DEFAULT_PARTITION__"));

  Session s;
  s.AttachReadOnly(db);
  for (const std::string cond :
       {"tag IS NULL", "tag = 'NULL'", "tag = ''", "tag = '__HIVE_DEFAULT_PARTITION__'"}) {
    const int64_t expected = s.Int("SELECT count(*) FROM src.events WHERE " + cond);
    ASSERT_GT(expected, 0) << cond;
    EXPECT_EQ(QueryScalar(ds, "SELECT count(*) FROM dataset WHERE " + cond),
              std::to_string(expected))
        << cond;
  }

  // In the manifest: three partitions, keyed null, "NULL" and "", with the source's counts.
  const auto m = ManifestJson(ds);
  std::map<std::string, int64_t> rows_by_path;
  for (const auto& p : m["partitions"]) {
    if (p["keys"][0].is_null()) {
      EXPECT_EQ(p["path"], "tag_identity=__HIVE_DEFAULT_PARTITION__");
    }
    rows_by_path[p["path"].get<std::string>()] = p["rows"].get<int64_t>();
  }
  EXPECT_EQ(rows_by_path["tag_identity=__HIVE_DEFAULT_PARTITION__"],
            s.Int("SELECT count(*) FROM src.events WHERE tag IS NULL"));
  EXPECT_EQ(rows_by_path["tag_identity=%4EULL"],
            s.Int("SELECT count(*) FROM src.events WHERE tag = 'NULL'"));
  EXPECT_EQ(rows_by_path["tag_identity="], s.Int("SELECT count(*) FROM src.events WHERE tag = ''"));
  EXPECT_EQ(static_cast<int64_t>(m["partitions"].size()),
            s.Int("SELECT count(DISTINCT coalesce('v' || tag, 'null')) FROM src.events"));

  // Every hostile value reads back exactly, from the files and through the view.
  EXPECT_EQ(QueryScalar(ds, "SELECT count(DISTINCT tag) FROM dataset"),
            std::to_string(s.Int("SELECT count(DISTINCT tag) FROM src.events")));
  EXPECT_EQ(QueryScalar(ds, "SELECT count(*) FROM dataset WHERE tag = 'a/b'"),
            std::to_string(s.Int("SELECT count(*) FROM src.events WHERE tag = 'a/b'")));
}

TEST(RunQueryView, DerivedFieldIsAColumnOfTheDatasetView) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", kRows);
  const std::string ds = dir / "ds";
  ASSERT_EQ(RunDuckpart(RunArgs(db, "month(ts)", ds)).exit_code, 0);
  Session s;
  s.AttachReadOnly(db);
  const int64_t feb = s.Int(
      "SELECT count(*) FROM src.events WHERE ts >= TIMESTAMP '2024-02-01' AND ts < TIMESTAMP "
      "'2024-03-01'");
  ASSERT_GT(feb, 0);
  EXPECT_EQ(QueryScalar(ds, "SELECT count(*) FROM dataset WHERE ts_month = '2024-02'"),
            std::to_string(feb));
  RunResult r = RunDuckpart(
      {"query", ds, "SELECT ts_month, count(*) AS n FROM dataset GROUP BY 1 ORDER BY 1 LIMIT 1",
       "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::json::parse(r.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["ts_month"], "2023-01");
  EXPECT_EQ(
      rows[0]["n"],
      s.Int("SELECT count(*) FROM src.events WHERE ts < TIMESTAMP '2023-02-01'"));  // a number
}

// ---------------------------------------------------------------------------------
// Replace.

class RunReplace : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = MakeDemo(dir_ / "src", kRows);
    ds_ = dir_ / "ds";
    RunResult r = RunDuckpart(RunArgs(db_, "category", ds_));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(LinkTarget(ds_), ".ds.duckpart/v000001");
    manifest_v1_ = ManifestText(ds_);
    ASSERT_FALSE(manifest_v1_.empty());
  }
  // Version 1 is still published, unchanged, complete, with nothing left beside it.
  void ExpectVersionOneIntact() {
    EXPECT_EQ(LinkTarget(ds_), ".ds.duckpart/v000001");
    EXPECT_EQ(ManifestText(ds_), manifest_v1_);
    EXPECT_TRUE(StagingFolders(ds_).empty());
    for (const auto& n : Entries(StoreOf(ds_))) {
      EXPECT_TRUE(n == "lock" || n == "_duckpart_store" || n == "tmp" || n == "v000001" ||
                  n == "failures.jsonl")  // the log of the failed replace (ops/failure_log.h)
          << "left in the store: " << n;
    }
    EXPECT_EQ(ParquetContent(ds_), SourceContent(db_));
    RunResult v = RunDuckpart({"validate", ds_});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  }

  TempDir dir_;
  std::string db_, ds_, manifest_v1_;
};

TEST_F(RunReplace, SecondRunWithoutReplaceIsRefusedAndChangesNothing) {
  const std::vector<std::string> before = Entries(fs::path(ds_) / "category=books");
  RunResult r = RunDuckpart(RunArgs(db_, "month(ts)", ds_));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--replace"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(Entries(fs::path(ds_) / "category=books"), before);
  ExpectVersionOneIntact();
}

TEST_F(RunReplace, ReplaceWithoutGracePublishesVersionTwoAndRemovesVersionOne) {
  RunResult r = RunDuckpart(RunArgs(db_, "month(ts)", ds_, {"--replace", "--version-grace", "0s"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(LinkTarget(ds_), ".ds.duckpart/v000002");
  EXPECT_EQ(ManifestJson(ds_)["version"], 2);
  EXPECT_EQ(ManifestJson(ds_)["spec"], "month(ts)");
  EXPECT_FALSE(fs::exists(StoreOf(ds_) / "v000001"));
  EXPECT_TRUE(StagingFolders(ds_).empty());
  EXPECT_FALSE(fs::exists(fs::path(ds_) / "category=books"));
  EXPECT_TRUE(fs::is_directory(fs::path(ds_) / "ts_month=2024-01"));
  EXPECT_EQ(ParquetContent(ds_), SourceContent(db_));
  EXPECT_EQ(RunDuckpart({"validate", ds_}).exit_code, 0);
}

TEST_F(RunReplace, ReplaceWithABadSpecKeepsVersionOne) {
  RunResult r = RunDuckpart(RunArgs(db_, "month(ts", ds_, {"--replace"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("spec"), std::string::npos) << r.err;
  ExpectVersionOneIntact();
}

TEST_F(RunReplace, ReplaceWithAnUnknownColumnKeepsVersionOne) {
  RunResult r = RunDuckpart(RunArgs(db_, "month(no_such_column)", ds_, {"--replace"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no_such_column"), std::string::npos) << r.err;
  ExpectVersionOneIntact();
}

TEST_F(RunReplace, ReplaceWithATransformThatDoesNotFitKeepsVersionOne) {
  RunResult r = RunDuckpart(RunArgs(db_, "month(category)", ds_, {"--replace"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("category"), std::string::npos) << r.err;
  ExpectVersionOneIntact();
}

// Bad input is found before any work, with exit 2 (usage or input error), like an
// unknown --by column. (A run that fails after its staging folder was made is covered by
// RunCancel.)
TEST_F(RunReplace, ReplaceWithAnUnknownSortColumnIsAnInputErrorAndKeepsVersionOne) {
  RunResult r =
      RunDuckpart(RunArgs(db_, "month(ts)", ds_, {"--replace", "--sort-by", "ts,no_such_column"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no_such_column"), std::string::npos) << r.err;
  ExpectVersionOneIntact();
}

// ---------------------------------------------------------------------------------
// The store lock.

TEST(RunLock, SecondWriterIsRefusedWhileAnotherHoldsTheLock) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 20'000);
  const std::string ds = dir / "ds";
  {
    HeldStoreLock lock(ds);
    RunResult r = RunDuckpart(RunArgs(db, "category", ds));
    EXPECT_EQ(r.exit_code, 4);  // busy, not bad input
    EXPECT_NE(r.err.find("another duckpart process"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(fs::symlink_status(ds)));
    EXPECT_TRUE(StagingFolders(ds).empty());
  }
  // Released: the same run now succeeds.
  RunResult r = RunDuckpart(RunArgs(db, "category", ds));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ParquetContent(ds), SourceContent(db));
}

TEST(RunLock, ReplaceIsRefusedWhileAnotherHoldsTheLockAndVersionOneStays) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 20'000);
  const std::string ds = dir / "ds";
  ASSERT_EQ(RunDuckpart(RunArgs(db, "category", ds)).exit_code, 0);
  const std::string manifest = ManifestText(ds);
  HeldStoreLock lock(ds);
  RunResult r = RunDuckpart(RunArgs(db, "month(ts)", ds, {"--replace"}));
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("another duckpart process"), std::string::npos) << r.err;
  EXPECT_EQ(LinkTarget(ds), ".ds.duckpart/v000001");
  EXPECT_EQ(ManifestText(ds), manifest);
}

// ---------------------------------------------------------------------------------
// Ctrl-C.

// A moment in a child run, seen from outside: true once the run has reached it.
using Moment = std::function<bool(pid_t child)>;

// The run holds the store lock: the lock file holds its pid. The run installs its
// Ctrl-C handling before it takes the lock, so a SIGINT from now on is handled.
bool HoldsLock(const std::string& ds, pid_t child) {
  return ReadFile((StoreOf(ds) / "lock").string()) == std::to_string(child) + "\n";
}

// The staging folder of the run, if there is one yet.
std::optional<fs::path> Staging(const std::string& ds) {
  const auto names = StagingFolders(ds);
  if (names.empty()) return std::nullopt;
  return StoreOf(ds) / names.front();
}

// Starts a replacing run of the big source and signals it with SIGINT once `moment`
// holds. The signal must land during the work: the run must still be running when it
// is sent, and must then report the interrupt (exit 130, "interrupted"); a run that ended
// first fails the test, since it proves nothing. The interrupted run publishes nothing,
// leaves no staging folder, and the previous version stays published and valid.
void InterruptAndCheck(const TempDir& dir, const std::string& big, const std::string& ds,
                       const Moment& moment) {
  const std::string before_link = LinkTarget(ds), before_manifest = ManifestText(ds);
  ASSERT_FALSE(before_link.empty());
  ChildProcess child(RunArgs(big, "day(ts)", ds, {"--replace"}), dir / "child.out",
                     dir / "child.err");
  const auto deadline = Clock::now() + std::chrono::seconds(45);
  while (child.Running() && !moment(child.pid()) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(child.Running())
      << "the run ended before SIGINT could be sent: the source is too small to test "
         "this moment; exit "
      << child.Wait() << ", " << ReadFile(dir / "child.err");
  child.Signal(SIGINT);
  const int code = child.Wait();
  const std::string err = ReadFile(dir / "child.err");
  EXPECT_EQ(code, 130) << err;  // interrupted, as shells expect of Ctrl-C
  EXPECT_NE(err.find("interrupted"), std::string::npos)
      << "the signal was not seen by the run: " << err;
  EXPECT_EQ(LinkTarget(ds), before_link);
  EXPECT_EQ(ManifestText(ds), before_manifest);
  for (const auto& n : Entries(StoreOf(ds))) {
    EXPECT_TRUE(n == "lock" || n == "_duckpart_store" || n == "tmp" ||
                ".ds.duckpart/" + n == before_link)
        << "left in the store: " << n;
  }
  EXPECT_TRUE(StagingFolders(ds).empty());
  RunResult v = RunDuckpart({"validate", ds});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(ParquetContent(ds), SourceContent(dir / "small/demo.db"));
}

// Ctrl-C while planning, while writing and while verifying: each time exit 130, no
// staging folder, version 1 still published and valid. 1,000,000 rows in ~730 day
// partitions take several seconds to write, so each signal lands mid-run (and the
// test fails if it does not). One test per moment, so each stays under a minute.
class RunCancel : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeDemo(dir_ / "small", 20'000);
    big_ = MakeDemo(dir_ / "big", 1'000'000);
    ASSERT_EQ(RunDuckpart(RunArgs(dir_ / "small/demo.db", "month(ts)", ds_)).exit_code, 0);
  }
  TempDir dir_;
  std::string big_;
  const std::string ds_ = dir_ / "ds";
};

TEST_F(RunCancel, SigintWhilePlanningPublishesNothingAndKeepsThePreviousVersion) {
  std::optional<Clock::time_point> locked;  // 0.1 s after the run took the lock
  InterruptAndCheck(dir_, big_, ds_, [&](pid_t child) {
    if (!locked && HoldsLock(ds_, child)) locked = Clock::now();
    return locked && Clock::now() - *locked > std::chrono::milliseconds(100);
  });
}

TEST_F(RunCancel, SigintWhileWritingPublishesNothingAndKeepsThePreviousVersion) {
  std::optional<Clock::time_point> staged;  // 0.3 s after the staging folder appeared
  InterruptAndCheck(dir_, big_, ds_, [&](pid_t) {
    if (!staged && Staging(ds_)) staged = Clock::now();
    return staged && Clock::now() - *staged > std::chrono::milliseconds(300);
  });
}

TEST_F(RunCancel, SigintWhileVerifyingPublishesNothingAndKeepsThePreviousVersion) {
  bool seen_raw = false;  // the write pass's raw folder came and went
  InterruptAndCheck(dir_, big_, ds_, [&](pid_t) {
    const auto staging = Staging(ds_);
    if (!staging) return false;
    const bool raw = fs::exists(*staging / "raw");
    seen_raw = seen_raw || raw;
    return seen_raw && !raw;
  });
}

// ---------------------------------------------------------------------------------
// What the target may be.

TEST(RunTarget, ExistingRegularFileIsRefused) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 20'000);
  const std::string target = dir / "ds";
  { std::ofstream(target) << "not a dataset\n"; }
  RunResult r = RunDuckpart(RunArgs(db, "category", target));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a duckpart dataset"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(target)));
  EXPECT_EQ(ReadFile(target), "not a dataset\n");
  EXPECT_FALSE(fs::exists(StoreOf(target)));
}

TEST(RunTarget, NonEmptyForeignFolderIsRefusedAndLeftUntouched) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 20'000);
  const std::string target = dir / "photos";
  fs::create_directories(fs::path(target) / "2024");
  { std::ofstream(fs::path(target) / "2024" / "a.jpg") << "jpeg"; }
  { std::ofstream(fs::path(target) / "notes.txt") << "keep me"; }
  RunResult r = RunDuckpart(RunArgs(db, "category", target, {"--replace"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a duckpart dataset"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_directory(fs::symlink_status(target)));
  EXPECT_EQ(Entries(target), (std::vector<std::string>{"2024", "notes.txt"}));
  EXPECT_EQ(Entries(fs::path(target) / "2024"), std::vector<std::string>{"a.jpg"});
  EXPECT_EQ(ReadFile(fs::path(target) / "notes.txt"), "keep me");
  EXPECT_EQ(ReadFile(fs::path(target) / "2024" / "a.jpg"), "jpeg");
  EXPECT_FALSE(fs::exists(StoreOf(target)));
}

TEST(RunTarget, EmptyExistingFolderBecomesTheDataset) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 20'000);
  const std::string target = dir / "ds";
  fs::create_directories(target);
  RunResult r = RunDuckpart(RunArgs(db, "category", target));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(target));
  EXPECT_EQ(LinkTarget(target), ".ds.duckpart/v000001");
  EXPECT_EQ(ParquetContent(target), SourceContent(db));
  EXPECT_EQ(RunDuckpart({"validate", target}).exit_code, 0);
}

TEST(RunTarget, MissingParentFolderIsRefused) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 20'000);
  RunResult r = RunDuckpart(RunArgs(db, "category", dir / "no/such/ds"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(dir / "no"));
}

// ---------------------------------------------------------------------------------
// Memory: many partitions within a small limit (guarantee 3: bounded memory at any
// partition count, spilling instead of failing). 20,000 rows in ~700 day partitions
// are about 1 MiB of data.

TEST(RunMemory, ManyPartitionsFitASmallMemoryLimit) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 20'000);
  const std::string ds = dir / "ds";
  RunResult r =
      RunDuckpart(RunArgs(db, "day(ts)", ds, {"--memory-limit", "128MB", "--threads", "2"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ParquetContent(ds), SourceContent(db));
}

}  // namespace
}  // namespace duckpart::testing

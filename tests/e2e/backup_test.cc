// End-to-end: `duckpart backup` and `duckpart restore`, verified both ways.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "db/database.h"
#include "db/sql.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

struct Stats {
  int64_t rows = 0;
  std::string checksum;
  std::string types;
  bool operator==(const Stats&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Stats& s) {
  return os << s.rows << " rows, checksum " << s.checksum << ", types " << s.types;
}

// Rows, content checksum and column types of a table, read independently of duckpart.
Stats TableStats(const std::string& db_path, const std::string& table) {
  db::Database database(db::DatabaseOptions{.path = db_path, .access = db::Access::kReadOnly});
  db::Connection conn(database);
  db::Result cols =
      conn.Query("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = " +
                 db::QuoteLiteral(table) + " ORDER BY column_index");
  std::string list, types;
  for (uint64_t i = 0; i < cols.RowCount(); ++i) {
    list += (i ? ", " : "") + db::QuoteIdent(cols.GetString(i, 0));
    types += (i ? ", " : "") + cols.GetString(i, 1);
  }
  db::Result r = conn.Query("SELECT count(*), CAST(coalesce(sum(CAST(hash(" + list +
                            ") AS HUGEINT)), 0) AS VARCHAR) FROM " + db::QuoteIdent(table));
  return {r.GetInt64(0, 0), r.GetString(0, 1), types};
}

class Backup : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult r =
        RunDuckpart({"demo", "--rows", "20000", "--seed", "3", "--dir", dir_ / "src", "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    db_ = dir_ / "src/demo.db";
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(Backup, RoundTripKeepsRowsChecksumAndTypes) {
  const Stats want = TableStats(db_, "events");
  RunResult b = RunDuckpart(
      {"backup", "--db", db_, "--table", "events", "--to", dir_ / "events.parquet", "--json"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(jb["rows"], want.rows);
  EXPECT_EQ(jb["checksum"], want.checksum);
  EXPECT_TRUE(jb["verified"].get<bool>());
  // Nothing but the file itself: the temporary name is gone.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_.path()))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"events.parquet", "src"}));

  RunResult r = RunDuckpart({"restore", "--from", dir_ / "events.parquet", "--db", dir_ / "copy.db",
                             "--table", "events", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto jr = nlohmann::json::parse(r.out);
  EXPECT_TRUE(jr["from_backup"].get<bool>());
  EXPECT_TRUE(jr["created_database"].get<bool>());
  EXPECT_EQ(TableStats(dir_ / "copy.db", "events"), want);
}

TEST_F(Backup, RestoreRefusesAnExistingTableUnlessReplaceAndThenReplacesIt) {
  ASSERT_EQ(
      RunDuckpart({"backup", "--db", db_, "--table", "events", "--to", dir_ / "e.parquet", "-q"})
          .exit_code,
      0);
  {
    db::Database database(db::DatabaseOptions{.path = dir_ / "target.db"});
    db::Connection conn(database);
    conn.Execute("CREATE TABLE events AS SELECT 1 AS x; CREATE TABLE other AS SELECT 2 AS y");
  }
  RunResult refused = RunDuckpart(
      {"restore", "--from", dir_ / "e.parquet", "--db", dir_ / "target.db", "--table", "events"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("add --replace"), std::string::npos) << refused.err;
  EXPECT_EQ(TableStats(dir_ / "target.db", "events").rows, 1);

  RunResult r = RunDuckpart({"restore", "--from", dir_ / "e.parquet", "--db", dir_ / "target.db",
                             "--table", "events", "--replace"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("replaced the existing table"), std::string::npos) << r.out;
  EXPECT_EQ(TableStats(dir_ / "target.db", "events"), TableStats(db_, "events"));
  EXPECT_EQ(TableStats(dir_ / "target.db", "other").rows,
            1);  // the rest of the database is untouched
}

TEST_F(Backup, BackupRefusesToOverwriteUnlessReplace) {
  const std::string file = dir_ / "e.parquet";
  ASSERT_EQ(RunDuckpart({"backup", "--db", db_, "--table", "events", "--to", file, "-q"}).exit_code,
            0);
  const auto size = fs::file_size(file);
  EXPECT_EQ(RunDuckpart({"backup", "--db", db_, "--table", "events", "--to", file}).exit_code, 2);
  EXPECT_EQ(
      RunDuckpart({"backup", "--db", db_, "--table", "events", "--to", file, "--replace", "-q"})
          .exit_code,
      0);
  EXPECT_EQ(fs::file_size(file), size);
}

TEST_F(Backup, ADamagedBackupIsRefusedAndTheDatabaseIsNotTouched) {
  // A file that claims a checksum its rows do not have: written by hand with duckpart's keys.
  const std::string file = dir_ / "forged.parquet";
  {
    db::Database database(db::DatabaseOptions{});
    db::Connection conn(database);
    conn.Execute(
        "COPY (SELECT i AS x FROM range(10) r(i)) TO " + db::QuoteLiteral(file) +
        " (FORMAT parquet, KV_METADATA {'duckpart_rows': '10', 'duckpart_checksum': '12345', "
        "'duckpart_schema': '[{\"name\":\"x\",\"type\":\"BIGINT\"}]'})");
  }
  RunResult r = RunDuckpart({"restore", "--from", file, "--db", dir_ / "t.db", "--table", "t"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("is damaged"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "t.db"));  // a database it would have made is not left behind
}

TEST_F(Backup, MetadataCannotSmuggleSqlThroughATypeName) {
  const std::string file = dir_ / "evil.parquet";
  {
    db::Database database(db::DatabaseOptions{});
    db::Connection conn(database);
    conn.Execute(
        "COPY (SELECT 1 AS x) TO " + db::QuoteLiteral(file) +
        " (FORMAT parquet, KV_METADATA {'duckpart_rows': '1', 'duckpart_checksum': '0', "
        "'duckpart_schema': '[{\"name\":\"x\",\"type\":\"INTEGER); DROP TABLE events; --\"}]'})");
  }
  const Stats before = TableStats(db_, "events");
  RunResult r = RunDuckpart({"restore", "--from", file, "--db", db_, "--table", "t"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("invalid column type"), std::string::npos) << r.err;
  EXPECT_EQ(TableStats(db_, "events"), before);
}

TEST_F(Backup, AnyParquetFileRestoresVerifiedAgainstItself) {
  ASSERT_EQ(RunDuckpart({"run", "--db", db_, "--table", "events", "--by", "month(ts)", "--to",
                         dir_ / "ds", "-q"})
                .exit_code,
            0);
  const fs::path folder = dir_ / "ds/ts_month=2024-01";
  ASSERT_TRUE(fs::is_directory(folder));
  const std::string part =
      fs::directory_iterator(folder)->path().string();  // the partition's one file
  RunResult r =
      RunDuckpart({"restore", "--from", part, "--db", dir_ / "jan.db", "--table", "jan", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["from_backup"].get<bool>());
  const Stats jan = TableStats(dir_ / "jan.db", "jan");
  EXPECT_EQ(jan.types, TableStats(db_, "events").types);  // no column guessed from the Hive path
  db::Database database(db::DatabaseOptions{.path = db_, .access = db::Access::kReadOnly});
  db::Connection conn(database);
  EXPECT_EQ(jan.rows,
            conn.Query("SELECT count(*) FROM events WHERE ts >= TIMESTAMP '2024-01-01' AND ts < "
                       "TIMESTAMP '2024-02-01'")
                .GetInt64(0, 0));
}

TEST_F(Backup, HostileTableAndColumnNamesRoundTrip) {
  const std::string src = dir_ / "hostile.db";
  const std::string name = "we\"ird/..=100%\nname's";
  {
    db::Database database(db::DatabaseOptions{.path = src});
    db::Connection conn(database);
    conn.Execute("CREATE TABLE " + db::QuoteIdent(name) + " AS SELECT i AS " +
                 db::QuoteIdent("a\"b") + ", CAST(i AS VARCHAR) || '''/=%' AS " +
                 db::QuoteIdent("c d\ne") +
                 ", CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1.5 END::DECIMAL(10,2) AS x, "
                 "[i, i + 1] AS l, {'k': i} AS s, TIMESTAMPTZ '2024-03-10 01:30:00+00' + INTERVAL "
                 "(i) MINUTE AS tz "
                 "FROM range(500) r(i)");
  }
  const Stats want = TableStats(src, name);
  ASSERT_EQ(RunDuckpart({"backup", "--db", src, "--table", name, "--to", dir_ / "h.parquet", "-q"})
                .exit_code,
            0);
  RunResult r = RunDuckpart(
      {"restore", "--from", dir_ / "h.parquet", "--db", dir_ / "h2.db", "--table", name});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(TableStats(dir_ / "h2.db", name), want);
}

TEST_F(Backup, OutOfMemoryIsRetriedWithFewerThreadsThenFailsCleanly) {
  RunResult r = RunDuckpart({"backup", "--db", db_, "--table", "events", "--to", dir_ / "x.parquet",
                             "--memory-limit", "4MB", "--threads", "2", "--max-attempts", "2"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.err.rfind("duckpart: warning: attempt 1 of 2 failed (out of memory", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("with 1 thread"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\nduckpart: error: out of memory after 2 attempts"), std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_.path()))
    names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"src"}) << "a failed backup left a file behind";
}

TEST_F(Backup, AnEmptyTableRoundTrips) {
  const std::string src = dir_ / "empty.db";
  {
    db::Database database(db::DatabaseOptions{.path = src});
    db::Connection conn(database);
    conn.Execute("CREATE TABLE e (a INTEGER, b VARCHAR, c DATE)");
  }
  ASSERT_EQ(RunDuckpart({"backup", "--db", src, "--table", "e", "--to", dir_ / "e.parquet", "-q"})
                .exit_code,
            0);
  RunResult r = RunDuckpart(
      {"restore", "--from", dir_ / "e.parquet", "--db", src, "--table", "e2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(TableStats(src, "e2"), (Stats{0, "0", "INTEGER, VARCHAR, DATE"}));
}

}  // namespace
}  // namespace duckpart::testing

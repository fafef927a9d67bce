// The type table (src/plan/type_table.h) against DuckDB 1.4.4 itself, and run and validate
// agreeing on every type: a value of each type is written to Parquet and read back as the
// table says; a dataset of every type is run and validated (exit 0), or refused by run up
// front (exit 2, nothing written) when the writer would lose a value. The README prints
// the table.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "db/database.h"
#include "db/sql.h"
#include "plan/type_table.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using plan::Comparison;

struct Example {
  std::string rule;  // the row of the table it stands for
  std::string sql;   // a value of that type per row i
};

// One example per row of the table (nested types: several, with members to rewrite).
const std::vector<Example>& Examples() {
  static const std::vector<Example> examples = {
      {"BOOLEAN", "i % 2 = 0"},
      {"TINYINT", "CAST(i AS TINYINT)"},
      {"SMALLINT", "CAST(-i AS SMALLINT)"},
      {"INTEGER", "CAST(i * 1000 AS INTEGER)"},
      {"BIGINT", "i * 1000000000000"},
      {"UTINYINT", "CAST(i AS UTINYINT)"},
      {"USMALLINT", "CAST(i AS USMALLINT)"},
      {"UINTEGER", "CAST(i AS UINTEGER)"},
      {"UBIGINT", "CAST(i AS UBIGINT) * 1000000000000000"},
      {"HUGEINT", "CAST(i AS HUGEINT) * -1000000000000"},
      {"UHUGEINT", "CAST(i AS UHUGEINT) * 1000000000000"},
      {"FLOAT", "CAST(i / 3 AS FLOAT)"},
      {"DOUBLE", "i / 7"},
      {"DECIMAL(p,s)", "CAST(i / 1000 AS DECIMAL(18,3))"},
      {"DECIMAL(p,s)", "CAST(i / 7 AS DECIMAL(38,10))"},
      {"BIGNUM", "CAST('1' || repeat('0', 40) || i AS BIGNUM)"},
      {"VARCHAR", "'v' || i || ' ü'"},
      {"JSON", "CAST('{\"a\": ' || i || '}' AS JSON)"},
      {"BLOB", "CAST('b' || i AS BLOB)"},
      {"BIT", "CAST(CASE WHEN i % 2 = 0 THEN '1010' ELSE '01' END AS BIT)"},
      {"UUID", "CAST('00000000-0000-0000-0000-' || lpad(CAST(i AS VARCHAR), 12, '0') AS UUID)"},
      {"ENUM(...)", "CAST(['sad', 'ok', 'happy'][i % 3 + 1] AS ENUM('sad', 'ok', 'happy'))"},
      {"DATE", "DATE '2024-01-01' + CAST(i AS INTEGER)"},
      {"TIME", "TIME '01:02:03.123456' + INTERVAL (i) MINUTE"},
      {"TIME_NS", "CAST('01:02:03.12345678' || (i % 10) AS TIME_NS)"},
      {"TIME WITH TIME ZONE", "CAST('01:0' || (i % 10) || ':03+00' AS TIMETZ)"},
      {"TIMESTAMP", "TIMESTAMP '2024-01-01 01:02:03.123456' + INTERVAL (i) HOUR"},
      {"TIMESTAMP_S", "CAST(TIMESTAMP '2024-01-01 01:02:03' + INTERVAL (i) HOUR AS TIMESTAMP_S)"},
      {"TIMESTAMP_MS",
       "CAST(TIMESTAMP '2024-01-01 01:02:03.123' + INTERVAL (i) HOUR AS TIMESTAMP_MS)"},
      {"TIMESTAMP_NS", "CAST('2024-01-01 01:02:03.12345678' || (i % 10) AS TIMESTAMP_NS)"},
      {"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ '2024-01-01 01:02:03+00' + INTERVAL (i) HOUR"},
      {"INTERVAL", "INTERVAL (i) DAY + INTERVAL '4.567 seconds'"},
      {"T[] (LIST)", "[i, i + 1]"},
      {"T[] (LIST)", "[CAST('ok' AS ENUM('sad', 'ok')), NULL]"},
      {"T[N] (ARRAY)", "CAST([i, 2.5, 3] AS DOUBLE[3])"},
      {"T[N] (ARRAY)", "CAST([[i, 2], [3, 4]] AS INTEGER[2][2])"},
      {"STRUCT(a T, ...)", "{'a': i, 'b': 'x'}"},
      {"STRUCT(a T, ...)",
       "{'e w': CAST('ok' AS ENUM('sad', 'ok')), 't': CAST(TIMESTAMP '2024-01-01' AS "
       "TIMESTAMP_S), 'q\"z': CAST('101' AS BIT)}"},
      {"MAP(K, V)", "MAP {'k': i}"},
      {"MAP(K, V)", "MAP {CAST('ok' AS ENUM('sad', 'ok')): CAST(i AS HUGEINT)}"},
      {"UNION(a T, ...)",
       "CASE WHEN i % 2 = 0 THEN CAST(CAST(i AS INTEGER) AS UNION(n INTEGER, s VARCHAR)) ELSE "
       "CAST('x' AS UNION(n INTEGER, s VARCHAR)) END"},
  };
  return examples;
}

std::string Column(size_t i) { return "c" + std::to_string(i); }

std::string ExamplesTableSql(const std::string& name) {
  std::string cols;
  for (size_t i = 0; i < Examples().size(); ++i)
    cols += ", " + Examples()[i].sql + " AS " + Column(i);
  return "CREATE TABLE " + name + " AS SELECT i AS id" + cols + " FROM range(1, 40) r(i)";
}

std::vector<ColumnInfo> Describe(db::Connection& conn, const std::string& relation) {
  std::vector<ColumnInfo> cols;
  db::Result d = conn.Query("DESCRIBE SELECT * FROM " + relation);
  for (uint64_t i = 0; i < d.RowCount(); ++i)
    cols.push_back({d.GetString(i, 0), d.GetString(i, 1)});
  return cols;
}

TEST(TypeTable, EveryRuleIsWhatDuckDbDoes) {
  TempDir dir;
  db::Database database(db::DatabaseOptions{});
  db::Connection conn(database);
  conn.Execute("SET TimeZone = 'UTC'");
  conn.Execute(ExamplesTableSql("t"));
  const std::string file = dir / "t.parquet";
  conn.Execute("COPY t TO " + db::QuoteLiteral(file) + " (FORMAT parquet)");
  const auto source = Describe(conn, "t");
  const auto read = Describe(conn, "read_parquet(" + db::QuoteLiteral(file) + ")");
  ASSERT_EQ(source.size(), read.size());
  std::set<std::string> covered;
  for (size_t i = 1; i < source.size(); ++i) {
    const Example& e = Examples()[i - 1];
    SCOPED_TRACE(e.rule + ": " + source[i].type);
    covered.insert(e.rule);
    EXPECT_EQ(read[i].type, plan::ParquetReadType(source[i].type));
    const Comparison c = plan::ParquetComparison(source[i].type);
    if (c != Comparison::kChecked)
      EXPECT_EQ(c == Comparison::kExact, read[i].type == source[i].type);
    // Every value comes back after the named cast (the kept values of checked types too).
    const std::string q = db::QuoteIdent(source[i].name);
    db::Result diff =
        conn.Query("SELECT count(*) FROM t JOIN (SELECT id, CAST(" + q + " AS " + source[i].type +
                   ") AS v FROM read_parquet(" + db::QuoteLiteral(file) +
                   ")) AS p USING (id) WHERE hash(t." + q + ") <> hash(p.v)");
    EXPECT_EQ(diff.GetInt64(0, 0), 0);
  }
  for (const auto& rule : plan::ParquetTypeTable()) {
    EXPECT_TRUE(covered.count(rule.type)) << "no example for " << rule.type;
  }
}

// The values a checked type loses are lost indeed (so the check is needed).
TEST(TypeTable, CheckedTypesLoseTheValuesTheTableNames) {
  TempDir dir;
  db::Database database(db::DatabaseOptions{});
  db::Connection conn(database);
  conn.Execute(
      "CREATE TABLE t AS SELECT CAST('-30000000000000000000000000000000001' AS HUGEINT) AS h, "
      "CAST('340282366920938463463374607431768211455' AS UHUGEINT) AS u, "
      "CAST('01:02:03+05:30' AS TIMETZ) AS tz, INTERVAL '4.567891 seconds' AS iv");
  const std::string file = dir / "t.parquet";
  conn.Execute("COPY t TO " + db::QuoteLiteral(file) + " (FORMAT parquet)");
  db::Result r = conn.Query(
      "SELECT TRY_CAST(p.h AS HUGEINT) = t.h, TRY_CAST(p.u AS UHUGEINT) = t.u, "
      "CAST(p.tz AS VARCHAR) = CAST(t.tz AS VARCHAR), p.iv = t.iv FROM t, read_parquet(" +
      db::QuoteLiteral(file) + ") AS p");
  for (uint64_t c = 0; c < 4; ++c) EXPECT_FALSE(!r.IsNull(0, c) && r.GetBool(0, c)) << c;
}

TEST(TypeTable, TheReadmePrintsTheTable) {
  const std::string readme = ReadFile(std::string(DUCKPART_SOURCE_DIR) + "/README.md");
  EXPECT_NE(readme.find(plan::ParquetTypeTableMarkdown()), std::string::npos)
      << "README.md lacks the table; print plan::ParquetTypeTableMarkdown():\n"
      << plan::ParquetTypeTableMarkdown();
}

class Types : public ::testing::Test {
 protected:
  void SetUp() override {
    db::Database database(db::DatabaseOptions{.path = db_});
    db::Connection conn(database);
    conn.Execute(ExamplesTableSql("t"));
    conn.Execute(
        "CREATE TABLE z AS SELECT i AS id, CAST(CASE WHEN i % 3 = 0 THEN '-0.0' WHEN i % 3 = 1 "
        "THEN '0.0' ELSE i END AS DOUBLE) AS d FROM range(30) r(i)");
  }

  // run (to a Parquet dataset or partition tables) and validate against the source: both 0.
  void ExpectRunAndValidate(const std::string& table, const std::string& by) {
    SCOPED_TRACE(table + " by " + by);
    const std::string out = dir_ / ("ds" + std::to_string(++runs_));
    RunResult r =
        RunDuckpart({"run", "--db", db_, "--table", table, "--by", by, "--to", out, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunDuckpart({"validate", out, "--db", db_, "--table", table});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string target = dir_ / ("parts" + std::to_string(runs_) + ".db");
    r = RunDuckpart(
        {"run", "--db", db_, "--table", table, "--by", by, "--to-db", target, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunDuckpart({"validate", "--to-db", target, "--db", db_, "--table", table});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  TempDir dir_;
  std::string db_ = dir_ / "types.db";
  int runs_ = 0;
};

// The column of the first example of a rule.
std::string ColumnOf(const std::string& rule) {
  for (size_t i = 0; i < Examples().size(); ++i)
    if (Examples()[i].rule == rule) return Column(i);
  return "";
}

TEST_F(Types, RunAndValidateAgreeOnEveryType) { ExpectRunAndValidate("t", "bucket(3, id)"); }

// Fields over the types Parquet reads back as another type: placement is checked on the
// source's values (ENUM, TIMESTAMP_S, HUGEINT), not on what Parquet returns.
TEST_F(Types, FieldsOverTypesReadBackAsOthersAreVerifiedOnTheSourceValues) {
  ExpectRunAndValidate(
      "t", "identity(" + ColumnOf("ENUM(...)") + "), bucket(4, " + ColumnOf("TIMESTAMP_S") + ")");
}

TEST_F(Types, BucketOfAnEnumAndTruncateOfAHugeintAgree) {
  ExpectRunAndValidate(
      "t", "bucket(4, " + ColumnOf("ENUM(...)") + "), truncate(7, " + ColumnOf("HUGEINT") + ")");
}

TEST_F(Types, NegativeZeroFallsIntoThePartitionOfZero) {
  ExpectRunAndValidate("z", "identity(d)");
  EXPECT_TRUE(fs::exists(dir_ / "ds1/d_identity=0.0"));
  EXPECT_FALSE(fs::exists(dir_ / "ds1/d_identity=-0.0"));
  ExpectRunAndValidate("z", "truncate(5, d)");
}

TEST_F(Types, ValuesParquetWouldLoseAreRefusedBeforeWork) {
  {
    db::Database database(db::DatabaseOptions{.path = db_});
    db::Connection conn(database);
    conn.Execute(
        "CREATE TABLE lossy AS SELECT 1 AS id, "
        "CAST('-30000000000000000000000000000000001' AS HUGEINT) AS h, "
        "(CAST(1 AS UHUGEINT) << 100) + 1 AS u, CAST('01:02:03+05:30' AS TIMETZ) AS tz, "
        "INTERVAL '4.567891 seconds' AS iv, {'i': INTERVAL '1 second'} AS s");
  }
  for (const std::string column : {"h", "u", "tz", "iv", "s"}) {
    SCOPED_TRACE(column);
    const std::string out = dir_ / ("lossy-" + column);
    RunResult r =
        RunDuckpart({"run", "--db", db_, "--query", "SELECT id, " + column + " FROM lossy", "--by",
                     "identity(id)", "--to", out});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("column '" + column + "'"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(dir_ / (".lossy-" + column + ".duckpart")));
    // Partition tables keep every DuckDB type exactly.
    r = RunDuckpart({"run", "--db", db_, "--query", "SELECT id, " + column + " FROM lossy", "--by",
                     "identity(id)", "--to-db", dir_ / ("lossy-" + column + ".db"), "--schema",
                     "lossy_" + column, "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
}

}  // namespace
}  // namespace duckpart::testing

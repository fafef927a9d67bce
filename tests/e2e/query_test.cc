// End-to-end: `duckpart query` prints values exactly, gives typed JSON in SELECT order,
// runs one read-only statement only, and names a damaged dataset instead of leaking SQL.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/dataset.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

class Query : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    RunResult r = RunDuckpart(
        {"run", "--query",
         "SELECT i AS id, i % 3 AS k, CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN 'NULL' "
         "ELSE 'v' || i END AS tag FROM range(120) t(i)",
         "--by", "k", "--to", ds(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string ds() { return *dir_ / "ds"; }
  static TempDir* dir_;
};

TempDir* Query::dir_ = nullptr;

TEST_F(Query, PlainOutputKeepsNullApartFromTheStringNullAndEscapes) {
  RunResult r = RunDuckpart(
      {"query", ds(),
       "SELECT NULL AS a, 'NULL' AS b, 'x' || chr(10) || 'y' AS c, 'p' || chr(9) || 'q\\r' AS d, "
       "chr(1) AS e, '' AS f FROM dataset LIMIT 1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "a\tb\tc\td\te\tf\n\\N\tNULL\tx\\ny\tp\\tq\\\\r\t\\x01\t\n");
}

TEST_F(Query, PlainOutputShowsNestedValuesAsLiterals) {
  RunResult r = RunDuckpart(
      {"query", ds(),
       "SELECT [1, NULL] AS l, ['NULL', NULL] AS ls, {'k': 'it''s', 'n': NULL} AS s, "
       "MAP {'a': 1} AS m, [[1], []] AS ll, 1.5::DECIMAL(4,2) AS d, DATE '2024-01-02' AS day, "
       "true AS t FROM dataset LIMIT 1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "l\tls\ts\tm\tll\td\tday\tt\n"
            "[1, NULL]\t['NULL', NULL]\t{'k': 'it''s', 'n': NULL}\t{'a'=1}\t[[1], "
            "[]]\t1.50\t2024-01-02\ttrue\n");
}

TEST_F(Query, PlainOutputOfTheDatasetKeepsNullPartitionsExact) {
  RunResult r = RunDuckpart(
      {"query", ds(),
       "SELECT tag, count(*) AS n FROM dataset WHERE tag IS NULL OR tag = 'NULL' GROUP BY tag "
       "ORDER BY tag NULLS LAST"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "tag\tn\nNULL\t30\n\\N\t30\n");
}

TEST_F(Query, JsonIsTypedAndInSelectOrder) {
  RunResult r = RunDuckpart(
      {"query", ds(),
       "SELECT 3 AS z, 'NULL' AS a, NULL AS n, [1, 2] AS l, {'k': 'v', 'b': [true]} AS s, "
       "1.25::DECIMAL(5,2) AS d, 12345678901234567890123::HUGEINT AS big, -7::HUGEINT AS small, "
       "'nan'::DOUBLE AS nan, 0.1::FLOAT AS f, MAP {'x': 1} AS m, DATE '2024-01-02' AS day "
       "FROM dataset LIMIT 1",
       "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::ordered_json::parse(r.out);
  ASSERT_EQ(rows.size(), 1u) << r.out;
  const auto& row = rows[0];
  std::vector<std::string> keys;
  for (const auto& [k, v] : row.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"z", "a", "n", "l", "s", "d", "big", "small", "nan",
                                            "f", "m", "day"}));
  EXPECT_EQ(row["z"], 3);
  EXPECT_TRUE(row["z"].is_number_integer());
  EXPECT_EQ(row["a"], "NULL");
  EXPECT_TRUE(row["n"].is_null());
  EXPECT_EQ(row["l"], nlohmann::ordered_json::parse("[1, 2]"));
  EXPECT_EQ(row["s"].dump(), R"({"k":"v","b":[true]})");
  EXPECT_EQ(row["d"].dump(), "1.25");
  EXPECT_EQ(row["big"], "12345678901234567890123");
  EXPECT_EQ(row["small"], -7);
  EXPECT_EQ(row["nan"], "nan");
  EXPECT_EQ(row["f"].dump(), "0.1");
  EXPECT_EQ(row["m"].dump(), R"({"x":1})");
  EXPECT_EQ(row["day"], "2024-01-02");
}

TEST_F(Query, JsonOfTheDatasetHasNumbersAsNumbers) {
  RunResult r = RunDuckpart(
      {"query", ds(), "SELECT k, count(*) AS n FROM dataset GROUP BY k ORDER BY k", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out),
            nlohmann::json::parse(R"([{"k":0,"n":40},{"k":1,"n":40},{"k":2,"n":40}])"));
}

TEST_F(Query, OnlyOneReadOnlyStatementRuns) {
  TempDir dir;
  struct Case {
    std::string sql;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"SELECT 1; SELECT 2", "the SQL holds 2 statements"},
      {"CREATE TABLE t AS SELECT 1", "this is a CREATE statement"},
      {"DROP VIEW dataset", "this is a DROP statement"},
      {"INSERT INTO dataset VALUES (1)", "the SQL failed"},  // DuckDB refuses it while binding
      {"COPY (SELECT 1) TO '" + dir / "x.csv" + "'", "this is a COPY statement"},
      {"ATTACH '" + dir / "x.db" + "' AS x", "this is an ATTACH statement"},
      {"SET threads = 1", "SET"},
      {"PRAGMA enable_profiling", "PRAGMA"},
      {"EXPLAIN ANALYZE COPY (SELECT 1) TO '" + dir / "y.csv" + "'", "EXPLAIN"},
      {"", "the SQL holds no statement"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    RunResult r = RunDuckpart({"query", ds(), c.sql});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_TRUE(fs::is_empty(dir.path())) << "a refused statement wrote a file";
}

TEST_F(Query, DescribeIsASelect) {
  RunResult r = RunDuckpart({"query", ds(), "DESCRIBE dataset"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("tag\tVARCHAR"), std::string::npos) << r.out;
}

TEST_F(Query, ASqlTypoIsOneLineWithItsPosition) {
  RunResult r = RunDuckpart({"query", ds(), "SELECT * FROMM dataset"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err,
      "duckpart: error: the SQL failed: syntax error at or near \"dataset\" (line 1, column 16)\n");
  RunResult b = RunDuckpart({"query", ds(), "SELECT nope FROM dataset"});
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_NE(b.err.find("nope"), std::string::npos) << b.err;
  EXPECT_NE(b.err.find("(line 1, column 8)"), std::string::npos) << b.err;
  EXPECT_EQ(b.err.find("LINE"), std::string::npos) << b.err;
}

TEST_F(Query, RepeatedColumnNamesAreRefusedInJsonOnly) {
  const std::string sql = "SELECT 1 AS a, 2 AS a FROM dataset LIMIT 1";
  EXPECT_EQ(RunDuckpart({"query", ds(), sql}).out, "a\ta\n1\t2\n");
  RunResult r = RunDuckpart({"query", ds(), sql, "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("two result columns are named 'a'"), std::string::npos) << r.err;
}

TEST(QueryDamage, AMissingOrBrokenFileSaysToValidate) {
  TempDir dir;
  const std::string ds = dir / "ds";
  ASSERT_EQ(RunDuckpart({"run", "--query", "SELECT i AS id, i % 2 AS k FROM range(50) t(i)", "--by",
                         "k", "--to", ds, "--quiet"})
                .exit_code,
            0);
  const auto manifest = ManifestJson(ds);
  const std::string first = manifest["partitions"][0]["files"][0]["path"];
  const std::string second = manifest["partitions"][1]["files"][0]["path"];
  std::ofstream(fs::path(ds) / second, std::ios::trunc) << "PAR1 not really parquet PAR1";
  RunResult broken = RunDuckpart({"query", ds, "SELECT count(*) FROM dataset"});
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  EXPECT_NE(broken.err.find("run `duckpart validate " + ds + "`"), std::string::npos) << broken.err;
  EXPECT_EQ(broken.err.find("read_parquet"), std::string::npos) << broken.err;
  EXPECT_EQ(std::count(broken.err.begin(), broken.err.end(), '\n'), 1) << broken.err;
  fs::remove(fs::path(ds) / first);
  RunResult missing = RunDuckpart({"query", ds, "SELECT count(*) FROM dataset", "--json"});
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_NE(missing.err.find("1 file(s) of the manifest are missing (" + first + ")"),
            std::string::npos)
      << missing.err;
  EXPECT_EQ(nlohmann::json::parse(missing.out)["error"]["kind"], "check_failed");
}

}  // namespace
}  // namespace duckpart::testing

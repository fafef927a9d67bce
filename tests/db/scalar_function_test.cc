// duckpart_bucket through DuckDB: the spec's hash values for every type, the same bucket
// whatever DuckDB type carries a value (also after a round trip through Parquet), NULLs,
// refusals at bind time, and registration on every connection.
#include "db/scalar_function.h"

#include <gtest/gtest.h>

#include <string>

#include "db/database.h"
#include "db/sql.h"
#include "support/temp_dir.h"

namespace duckpart::db {
namespace {

using duckpart::testing::TempDir;

class BucketFunction : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new Database(DatabaseOptions{.threads = 2});
    conn_ = new Connection(*database_);
  }
  static void TearDownTestSuite() {
    delete conn_;
    delete database_;
  }
  static std::string Scalar(const std::string& sql) {
    Result r = conn_->Query(sql);
    return r.GetOptionalString(0, 0).value_or("NULL");
  }
  // With N = INT32_MAX the bucket is the spec's hash with its sign bit masked.
  static std::string Masked(const std::string& value_sql) {
    return Scalar("SELECT duckpart_bucket(2147483647, " + value_sql + ")");
  }
  static std::string BindError(const std::string& value_sql) {
    try {
      conn_->Query("SELECT duckpart_bucket(4, " + value_sql + ")");
    } catch (const DbError& e) {
      return e.what();
    }
    return "no error";
  }
  static Database* database_;
  static Connection* conn_;
};

Database* BucketFunction::database_ = nullptr;
Connection* BucketFunction::conn_ = nullptr;

std::string MaskedOf(int64_t spec_hash) { return std::to_string(spec_hash & 0x7fffffff); }

TEST_F(BucketFunction, SpecValuesOfEveryIcebergType) {
  EXPECT_EQ(Masked("34::INTEGER"), MaskedOf(2017239379));
  EXPECT_EQ(Masked("34::BIGINT"), MaskedOf(2017239379));
  EXPECT_EQ(Masked("14.20::DECIMAL(9,2)"), MaskedOf(-500754589));
  EXPECT_EQ(Masked("DATE '2017-11-16'"), MaskedOf(-653330422));
  EXPECT_EQ(Masked("TIME '22:31:08'"), MaskedOf(-662762989));
  EXPECT_EQ(Masked("TIMESTAMP '2017-11-16 22:31:08'"), MaskedOf(-2047944441));
  EXPECT_EQ(Masked("TIMESTAMPTZ '2017-11-16 14:31:08-08:00'"), MaskedOf(-2047944441));
  EXPECT_EQ(Masked("'iceberg'"), MaskedOf(1210000089));
  EXPECT_EQ(Masked("UUID 'f79c3e09-677c-4bbd-a479-3f349cb785e7'"), MaskedOf(1488055340));
  EXPECT_EQ(Masked("'\\x00\\x01\\x02\\x03'::BLOB"), MaskedOf(-188683207));
  EXPECT_EQ(Scalar("SELECT duckpart_bucket(100, 34)"), "79");
}

TEST_F(BucketFunction, SameValueSameBucketWhateverTheType) {
  const std::string want = Masked("34::BIGINT");
  for (const char* t : {"TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT", "UINTEGER"}) {
    EXPECT_EQ(Masked(std::string("34::") + t), want) << t;
  }
  const std::string ts = Masked("TIMESTAMP '2017-11-16 22:31:08'");
  for (const char* t : {"TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"}) {
    EXPECT_EQ(Masked(std::string("TIMESTAMP '2017-11-16 22:31:08'::") + t), ts) << t;
  }
  // decimals of every internal width hash the unscaled value
  for (const char* t : {"DECIMAL(4,2)", "DECIMAL(9,2)", "DECIMAL(18,2)", "DECIMAL(38,2)"}) {
    EXPECT_EQ(Masked(std::string("14.20::") + t), MaskedOf(-500754589)) << t;
  }
  conn_->Execute("CREATE TYPE IF NOT EXISTS berg AS ENUM ('ice', 'iceberg')");
  EXPECT_EQ(Masked("'iceberg'::berg"), MaskedOf(1210000089));
}

TEST_F(BucketFunction, NanosecondsFloorToMicroseconds) {
  // one nanosecond before the epoch is in the microsecond before it
  EXPECT_EQ(Masked("TIMESTAMP_NS '1969-12-31 23:59:59.999999999'"),
            Masked("TIMESTAMP '1969-12-31 23:59:59.999999'"));
  EXPECT_EQ(Masked("TIMESTAMP_MS '1969-12-31 23:59:59.999'"),
            Masked("TIMESTAMP '1969-12-31 23:59:59.999'"));
}

TEST_F(BucketFunction, NullsGiveNull) {
  EXPECT_EQ(Scalar("SELECT duckpart_bucket(4, NULL::INTEGER)"), "NULL");
  EXPECT_EQ(Scalar("SELECT duckpart_bucket(NULL, 3)"), "NULL");
  EXPECT_EQ(Scalar("SELECT duckpart_bucket(4, NULL)"), "NULL");
  EXPECT_EQ(Scalar("SELECT count(duckpart_bucket(4, CASE WHEN i % 3 = 0 THEN NULL ELSE i END)) "
                   "FROM range(3000) r(i)"),
            "2000");
}

TEST_F(BucketFunction, TypesWithoutCanonicalBytesFailAtBind) {
  EXPECT_NE(
      BindError("1.5::DOUBLE").find("duckpart_bucket: Iceberg does not bucket floating-point"),
      std::string::npos);
  EXPECT_NE(BindError("1.5::FLOAT").find("floating-point"), std::string::npos);
  EXPECT_NE(BindError("true").find("boolean"), std::string::npos);
  EXPECT_NE(BindError("1::HUGEINT").find("beyond BIGINT"), std::string::npos);
  EXPECT_NE(BindError("1::UBIGINT").find("beyond BIGINT"), std::string::npos);
  EXPECT_NE(BindError("INTERVAL 1 DAY").find("no canonical form"), std::string::npos);
  EXPECT_NE(BindError("[1, 2]").find("no canonical form"), std::string::npos);
  EXPECT_NE(BindError("TIMETZ '10:00:00+01'").find("no canonical form"), std::string::npos);
}

TEST_F(BucketFunction, BucketCountOutOfRangeFailsTheQuery) {
  EXPECT_THROW(conn_->Query("SELECT duckpart_bucket(0, 1)"), DbError);
  EXPECT_THROW(conn_->Query("SELECT duckpart_bucket(2147483648, 1)"), DbError);
}

TEST_F(BucketFunction, VectorizedOverManyRowsSpreadsEvenly) {
  Result r = conn_->Query(
      "SELECT count(DISTINCT b), min(c), max(c) FROM (SELECT b, count(*) AS c FROM "
      "(SELECT duckpart_bucket(16, i) AS b FROM range(160000) r(i)) GROUP BY b)");
  EXPECT_EQ(r.GetInt64(0, 0), 16);
  EXPECT_GT(r.GetInt64(0, 1), 9000);
  EXPECT_LT(r.GetInt64(0, 2), 11000);
  // a column and the same values as constants agree, across chunks
  EXPECT_EQ(Scalar("SELECT count(*) FROM range(5000) r(i) WHERE duckpart_bucket(7, i) <> "
                   "duckpart_bucket(7, CAST(CAST(i AS VARCHAR) AS BIGINT))"),
            "0");
}

TEST_F(BucketFunction, SameBucketAfterRoundTripThroughParquet) {
  TempDir dir;
  const std::string file = dir / "t.parquet";
  conn_->Execute("CREATE TYPE IF NOT EXISTS mood AS ENUM ('sad', 'ok', 'happy', 'ünïcødé')");
  conn_->Execute(
      "CREATE OR REPLACE TABLE rt AS SELECT i, CAST(i * 7919 - 40000 AS INTEGER) AS n, "
      "['sad', 'ok', 'happy', 'ünïcødé'][1 + i % 4]::mood AS e, "
      "CAST(TIMESTAMP '1960-01-01' + to_seconds(i * 86399) AS TIMESTAMP_S) AS ts, "
      "CAST(i * 1.37 - 50 AS DECIMAL(7,2)) AS d, gen_random_uuid() AS u FROM range(3000) r(i)");
  conn_->Execute("COPY rt TO " + QuoteLiteral(file) + " (FORMAT parquet)");
  // Parquet keeps neither the ENUM nor the TIMESTAMP_S: they come back as VARCHAR and TIMESTAMP
  Result types = conn_->Query("SELECT typeof(e), typeof(ts) FROM read_parquet(" +
                              QuoteLiteral(file) + ") LIMIT 1");
  EXPECT_EQ(types.GetString(0, 0), "VARCHAR");
  EXPECT_NE(types.GetString(0, 1), "TIMESTAMP_S");
  std::string differ;
  for (const char* c : {"n", "e", "ts", "d", "u"}) {
    differ += std::string(differ.empty() ? "" : " + ") +
              "count(*) FILTER (WHERE duckpart_bucket(13, a." + c + ") <> duckpart_bucket(13, b." +
              c + "))";
  }
  EXPECT_EQ(Scalar("SELECT " + differ + " FROM rt a JOIN read_parquet(" + QuoteLiteral(file) +
                   ") b USING (i)"),
            "0");
}

TEST(BucketRegistration, EveryConnectionAndCatalogSeesTheFunction) {
  TempDir dir;
  Database database(DatabaseOptions{.threads = 1});
  Connection first(database);
  Connection second(database);
  EXPECT_EQ(second.Query("SELECT duckpart_bucket(100, 34)").GetInt64(0, 0), 79);
  second.Execute("ATTACH " + QuoteLiteral(dir / "other.db") + " AS other; USE other");
  EXPECT_EQ(second.Query("SELECT duckpart_bucket(100, 34)").GetInt64(0, 0), 79);
  EXPECT_EQ(first.Query("SELECT duckpart_bucket(100, 34)").GetInt64(0, 0), 79);
}

TEST(BucketRegistration, ReadOnlyDatabaseHasTheFunction) {
  TempDir dir;
  {
    Database db(DatabaseOptions{.path = dir / "x.db"});
    Connection c(db);
    c.Execute("CREATE TABLE t AS SELECT 34 AS v");
  }
  Database db(DatabaseOptions{.path = dir / "x.db", .access = Access::kReadOnly});
  Connection c(db);
  EXPECT_EQ(c.Query("SELECT duckpart_bucket(100, v) FROM t").GetInt64(0, 0), 79);
}

}  // namespace
}  // namespace duckpart::db

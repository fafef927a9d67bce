// The transforms compute what Apache Iceberg's compute: bucket against the hash computed in
// C++, truncate of negative integers, decimals and multibyte strings, Iceberg's time labels,
// types without a canonical form refused up front, and transform version 1 kept for old
// datasets.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "duckpart/error.h"
#include "duckpart/manifest.h"
#include "duckpart/plan.h"
#include "plan/plan_test_support.h"
#include "util/iceberg_hash.h"

namespace duckpart {
namespace {

using testing::K;
using testing::KeyCounts;
using testing::PlanCounts;
using testing::Scenario;

TEST(IcebergBucket, IntegerBucketsEqualTheHashComputedInCpp) {
  Scenario s("CREATE TABLE t AS SELECT CAST(i - 500 AS INTEGER) AS n FROM range(1000) r(i)",
             "bucket(8, n)");
  KeyCounts want;
  for (int64_t v = -500; v < 500; ++v)
    want[K(std::to_string(util::IcebergBucket(util::IcebergHashLong(v), 8)))]++;
  EXPECT_EQ(PlanCounts(s.plan()), want);
  EXPECT_NE(s.plan().fields[0].key_sql.find("duckpart_bucket(8, \"n\")"), std::string::npos);
}

TEST(IcebergBucket, StringBucketsHashTheUtf8Bytes) {
  Scenario s(
      "CREATE TABLE t AS SELECT * FROM (VALUES ('iceberg'), ('ünïcødé'), ('日本'), (''), (NULL)) "
      "v(w)",
      "bucket(1000, w)");
  KeyCounts want{{K(std::nullopt), 1}};
  for (const char* w : {"iceberg", "ünïcødé", "日本", ""}) {
    want[K(std::to_string(util::IcebergBucket(util::IcebergHashBytes(w), 1000)))]++;
  }
  EXPECT_EQ(PlanCounts(s.plan()), want);
  EXPECT_TRUE(PlanCounts(s.plan()).count(K(std::to_string((1210000089 & 0x7fffffff) % 1000))));
}

TEST(IcebergBucket, TypesWithoutCanonicalBytesAreRefusedNamingColumnAndType) {
  testing::TempDir dir;
  const std::string db = testing::MakeSourceDb(
      dir,
      "CREATE TABLE t AS SELECT 1.5::DOUBLE AS x, 1.5::FLOAT AS f, true AS b, 1::HUGEINT AS h, "
      "1::UBIGINT AS u, INTERVAL 1 DAY AS iv, [1] AS l, {'a': 1} AS st, TIMETZ '10:00:00+01' AS "
      "tt, "
      "'101'::BIT AS bits, 1::BIGINT AS ok");
  for (const auto& [col, type] :
       std::vector<std::pair<std::string, std::string>>{{"x", "DOUBLE"},
                                                        {"f", "FLOAT"},
                                                        {"b", "BOOLEAN"},
                                                        {"h", "HUGEINT"},
                                                        {"u", "UBIGINT"},
                                                        {"iv", "INTERVAL"},
                                                        {"l", "INTEGER[]"},
                                                        {"st", "STRUCT(a INTEGER)"},
                                                        {"tt", "TIME WITH TIME ZONE"},
                                                        {"bits", "BIT"}}) {
    const std::string msg =
        testing::InputErrorOf([&] { testing::PlanTable(db, "ok, bucket(4, " + col + ")"); });
    EXPECT_NE(
        msg.find("bucket(" + col + ") does not fit column '" + col + "' of type " + type + ": "),
        std::string::npos)
        << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(IcebergBucket, PlanRefusesExactlyTheTypesTheFunctionRefuses) {
  testing::TempDir dir;
  const std::vector<std::string> types = {
      "TINYINT",      "SMALLINT",     "INTEGER",      "BIGINT",
      "UTINYINT",     "USMALLINT",    "UINTEGER",     "UBIGINT",
      "HUGEINT",      "UHUGEINT",     "DECIMAL(4,1)", "DECIMAL(38,10)",
      "VARCHAR",      "BLOB",         "UUID",         "DATE",
      "TIME",         "TIME_NS",      "TIMESTAMP",    "TIMESTAMP_S",
      "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMPTZ",  "TIMETZ",
      "INTERVAL",     "DOUBLE",       "FLOAT",        "BOOLEAN",
      "BIT",          "INTEGER[]",    "INTEGER[2]",   "MAP(VARCHAR, INTEGER)"};
  db::Connection& conn = testing::BuilderConnection();
  for (const auto& type : types) {
    const std::string db =
        testing::MakeSourceDb(dir, "CREATE TABLE t AS SELECT CAST(NULL AS " + type + ") AS c",
                              "s" + std::to_string(&type - types.data()) + ".db");
    std::string plan_error, function_error;
    try {
      testing::PlanTable(db, "bucket(4, c)");
    } catch (const InputError& e) {
      plan_error = e.what();
    }
    try {
      // from a column: a constant NULL argument is folded to NULL before the bind
      conn.Execute("CREATE OR REPLACE TEMP TABLE probe AS SELECT CAST(NULL AS " + type + ") AS c");
      conn.Query("SELECT duckpart_bucket(4, c) FROM probe");
    } catch (const db::DbError& e) {
      function_error = e.what();
    }
    EXPECT_EQ(plan_error.empty(), function_error.empty())
        << type << ": " << plan_error << function_error;
  }
}

TEST(IcebergBucket, BucketCountBeyondInt32IsRefused) {
  const std::string msg = testing::InputErrorOf(
      [] { Scenario s("CREATE TABLE t AS SELECT 1 AS n", "bucket(2147483648, n)"); });
  EXPECT_NE(msg.find("at most 2147483647"), std::string::npos) << msg;
}

TEST(IcebergTruncate, IntegersFloorTowardNegativeInfinity) {
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(v AS BIGINT) AS n FROM (VALUES (-11), (-10), (-1), (0), (9), "
      "(10), "
      "(-9223372036854775807)) v(v)",
      "truncate(10, n)");
  EXPECT_EQ(PlanCounts(s.plan()), (KeyCounts{{K("-20"), 1},
                                             {K("-10"), 2},
                                             {K("0"), 2},
                                             {K("10"), 1},
                                             {K("-9223372036854775810"), 1}}));
}

TEST(IcebergTruncate, DecimalsTruncateTheUnscaledValue) {
  // Iceberg: truncate(50) of 10.65 is 10.50; W counts units of the last digit
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(v AS DECIMAL(4,2)) AS m FROM (VALUES (10.65), (10.50), "
      "(-0.01), "
      "(-99.99), (0.49)) v(v)",
      "truncate(50, m)");
  EXPECT_EQ(PlanCounts(s.plan()),
            (KeyCounts{{K("10.50"), 2}, {K("-0.50"), 1}, {K("-100.00"), 1}, {K("0.00"), 1}}));
  Scenario z(
      "CREATE TABLE t AS SELECT CAST(v AS DECIMAL(9,3)) AS m FROM (VALUES (1.234), (-1.234)) v(v)",
      "truncate(5, m)");
  EXPECT_EQ(PlanCounts(z.plan()), (KeyCounts{{K("1.230"), 1}, {K("-1.235"), 1}}));
}

TEST(IcebergTruncate, StringsKeepWCodePointsNotBytes) {
  Scenario s(
      "CREATE TABLE t AS SELECT * FROM (VALUES ('ünïcødé'), ('ünx'), ('测试'), ('ab'), ('a'), "
      "('👍🏽ok')) v(w)",
      "truncate(2, w)");
  EXPECT_EQ(
      PlanCounts(s.plan()),
      (KeyCounts{{K("ün"), 2}, {K("测试"), 1}, {K("ab"), 1}, {K("a"), 1}, {K("👍🏽"), 1}}));
}

TEST(IcebergTime, LabelsAreIcebergsHumanStrings) {
  Scenario s(
      "CREATE TABLE t AS SELECT * FROM (VALUES (TIMESTAMP '2024-01-31 13:45:00'), (TIMESTAMP "
      "'0005-03-01 02:00:00'), "
      "(CAST(DATE '0001-01-01' - 400 AS TIMESTAMP))) v(ts)",
      "year(ts), month(ts), day(ts), hour(ts)");
  EXPECT_EQ(PlanCounts(s.plan()),
            (KeyCounts{{{"2024", "2024-01", "2024-01-31", "2024-01-31-13"}, 1},
                       {{"0005", "0005-03", "0005-03-01", "0005-03-01-02"}, 1},
                       {{"-001", "-001-11", "-001-11-28", "-001-11-28-00"}, 1}}));
  EXPECT_EQ(s.plan().partitions[0].path.substr(0, 8), "ts_year=");
}

TEST(TransformVersion, NewPlansUseTheCurrentVersion) {
  Scenario s("CREATE TABLE t AS SELECT 1 AS n", "bucket(2, n)");
  EXPECT_EQ(s.plan().transform_version, kTransformVersion);
}

TEST(TransformVersion, VersionOneKeepsTheOldKeys) {
  Scenario s(
      "CREATE TABLE t AS SELECT CAST(i AS INTEGER) AS n, CAST(i / 100 AS DECIMAL(6,2)) AS m, "
      "DATE '0005-01-01' + CAST(i AS INTEGER) AS d FROM range(500) r(i)",
      "n", testing::TestEngine(), PlanOptions{.transform_version = 1});
  const Plan old =
      s.Replan("bucket(8, n), truncate(1, m), year(d)", PlanOptions{.transform_version = 1});
  EXPECT_EQ(old.transform_version, 1);
  const auto hand = testing::HandGroupBy(
      s.ws(), {"CAST(hash(n) % 8 AS VARCHAR)", "CAST(CAST(floor(m) AS DECIMAL(6,2)) AS VARCHAR)",
               "CAST(year(d) AS VARCHAR)"});
  EXPECT_EQ(PlanCounts(old), hand);
  const Plan now = s.Replan("year(d)");
  EXPECT_EQ(now.partitions.front().keys[0], "0005");
  EXPECT_EQ(old.partitions.front().keys[2], "5");
}

TEST(TransformVersion, UnknownVersionIsRefused) {
  const std::string msg = testing::InputErrorOf([] {
    Scenario s("CREATE TABLE t AS SELECT 1 AS n", "n", testing::TestEngine(),
               PlanOptions{.transform_version = 3});
  });
  EXPECT_NE(msg.find("transform version 3 is unknown"), std::string::npos) << msg;
}

TEST(TransformVersion, ManifestWithoutTheFieldIsVersionOne) {
  Scenario s("CREATE TABLE t AS SELECT 1 AS n", "bucket(2, n)");
  Manifest m{
      .version = 1, .spec = s.plan().spec, .fields = s.plan().fields, .schema = s.plan().schema};
  nlohmann::json j = ToJson(m);
  EXPECT_EQ(j.at("transform_version"), kTransformVersion);
  EXPECT_EQ(ManifestFromJson(j).transform_version, kTransformVersion);
  j.erase("transform_version");
  EXPECT_EQ(ManifestFromJson(j).transform_version, 1);
  j["transform_version"] = kTransformVersion + 1;
  const std::string msg = testing::InputErrorOf([&] { ManifestFromJson(j); });
  EXPECT_NE(msg.find("upgrade duckpart"), std::string::npos) << msg;
}

}  // namespace
}  // namespace duckpart

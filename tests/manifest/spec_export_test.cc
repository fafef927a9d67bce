// A dataset's spec as Iceberg JSON, Spark SQL and the DuckDB read; fields Iceberg cannot
// compute the same way are refused with the reason.
#include "duckpart/spec_export.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "duckpart/error.h"
#include "plan/plan_test_support.h"

namespace duckpart {
namespace {

constexpr const char* kData = R"sql(
CREATE TABLE t AS SELECT CAST(i AS BIGINT) AS id, TIMESTAMP '2024-01-01' + to_hours(i) AS ts,
  TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS tz, 'n' || (i % 7) AS name, CAST(i * 0.5 AS DOUBLE) AS x,
  CAST(i AS DECIMAL(10,2)) AS amount, CAST(DATE '2024-01-01' + CAST(i AS INTEGER) AS VARCHAR) AS sd,
  CAST(i AS HUGEINT) AS h
FROM range(100) r(i)
)sql";

class SpecExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    path_ = testing::MakeSourceDb(*dir_, kData);
  }
  static void TearDownTestSuite() { delete dir_; }
  static Manifest ManifestOf(const std::string& spec, const std::string& zone = "UTC",
                             int version = kTransformVersion) {
    const auto planned = testing::PlanTable(path_, spec, testing::TestEngine(zone),
                                            PlanOptions{.transform_version = version});
    return Manifest{.spec = planned.plan.spec,
                    .fields = planned.plan.fields,
                    .schema = planned.plan.schema,
                    .transform_version = version};
  }
  static std::string Refusal(const Manifest& m, SpecFormat f = SpecFormat::kIceberg) {
    return testing::InputErrorOf([&] { ExportSpec(m, "/data/ds", f); });
  }
  static testing::TempDir* dir_;
  static std::string path_;
};

testing::TempDir* SpecExportTest::dir_ = nullptr;
std::string SpecExportTest::path_;

TEST_F(SpecExportTest, IcebergPartitionSpecNamesTransformsAsIcebergDoes) {
  const Manifest m =
      ManifestOf("month(ts), bucket(16, id), truncate(4, name), name, year(tz), day(ts), hour(ts)");
  const nlohmann::json j = nlohmann::json::parse(ExportSpec(m, "/data/ds", SpecFormat::kIceberg));
  EXPECT_EQ(j.at("spec-id"), 0);
  const auto& f = j.at("fields");
  ASSERT_EQ(f.size(), 7u);
  EXPECT_EQ(
      f[0],
      (nlohmann::json{
          {"source-id", 2}, {"field-id", 1000}, {"name", "ts_month"}, {"transform", "month"}}));
  EXPECT_EQ(f[1], (nlohmann::json{{"source-id", 1},
                                  {"field-id", 1001},
                                  {"name", "id_bucket"},
                                  {"transform", "bucket[16]"}}));
  EXPECT_EQ(f[2].at("transform"), "truncate[4]");
  EXPECT_EQ(f[2].at("source-id"), 4);
  EXPECT_EQ(f[3].at("transform"), "identity");
  EXPECT_EQ(f[3].at("name"), "name_identity");
  EXPECT_EQ(f[4].at("transform"), "year");
  EXPECT_EQ(f[5].at("transform"), "day");
  EXPECT_EQ(f[6].at("transform"), "hour");
  const nlohmann::json full = ExportSpecJson(m, "/data/ds", SpecFormat::kIceberg);
  EXPECT_EQ(full.at("partition_spec"), j);
  EXPECT_EQ(full.at("source_columns")[0], (nlohmann::json{{"source-id", 2},
                                                          {"name", "ts"},
                                                          {"duckdb_type", "TIMESTAMP"},
                                                          {"iceberg_type", "timestamp"}}));
}

TEST_F(SpecExportTest, SparkPartitionedByUsesSparkTransformNames) {
  EXPECT_EQ(ExportSpec(ManifestOf("month(ts), bucket(16, id)"), "/d", SpecFormat::kSpark),
            "PARTITIONED BY (months(ts), bucket(16, id))");
  EXPECT_EQ(ExportSpec(ManifestOf("year(ts), day(tz), hour(ts), truncate(3, name), name"), "/d",
                       SpecFormat::kSpark),
            "PARTITIONED BY (years(ts), days(tz), hours(ts), truncate(3, name), name)");
}

TEST_F(SpecExportTest, FieldsIcebergCannotComputeAreRefusedWithTheReason) {
  EXPECT_NE(
      Refusal(ManifestOf("range(id, [10, 20])")).find("Iceberg has no range or quantile transform"),
      std::string::npos);
  EXPECT_NE(Refusal(ManifestOf("month(ts), quantile(4, id)"), SpecFormat::kSpark)
                .find("Spark has no equivalent of quantile(4, id)"),
            std::string::npos);
  EXPECT_NE(Refusal(ManifestOf("truncate(10, x)")).find("Iceberg does not truncate floating-point"),
            std::string::npos);
  EXPECT_NE(Refusal(ManifestOf("month(sd)")).find("holds dates as text"), std::string::npos);
  EXPECT_NE(Refusal(ManifestOf("day(tz)", "Europe/Paris")).find("another time zone than UTC"),
            std::string::npos);
  EXPECT_NE(Refusal(ManifestOf("h")).find("column 'h' of type HUGEINT has no Iceberg type"),
            std::string::npos);
  const std::string old = Refusal(ManifestOf("bucket(4, id)", "UTC", 1));
  EXPECT_NE(old.find("DuckDB's hash()"), std::string::npos) << old;
  EXPECT_NE(old.find("`--format duckdb`"), std::string::npos) << old;
  EXPECT_NE(Refusal(ManifestOf("truncate(10, amount)", "UTC", 1)).find("unscaled"),
            std::string::npos);
  // what version 1 computed as Iceberg does is accepted
  EXPECT_NO_THROW(
      ExportSpec(ManifestOf("month(ts), truncate(10, id)", "UTC", 1), "/d", SpecFormat::kIceberg));
}

TEST_F(SpecExportTest, DuckDbReadPinsPathTypesUnlessAFieldIsNamedLikeAColumn) {
  const std::string derived =
      ExportSpec(ManifestOf("month(ts), bucket(4, id)"), "/data/ds", SpecFormat::kDuckDb);
  EXPECT_EQ(derived,
            "SELECT * REPLACE (nullif(\"ts_month\", '__HIVE_DEFAULT_PARTITION__') AS \"ts_month\", "
            "nullif(\"id_bucket\", '__HIVE_DEFAULT_PARTITION__') AS \"id_bucket\") "
            "FROM read_parquet('/data/ds/**/*.parquet', hive_partitioning = true, hive_types = "
            "{'ts_month': 'VARCHAR', 'id_bucket': 'VARCHAR'}, hive_types_autocast = false, "
            "union_by_name = true)");
  // A field named like a file column (datasets written before fields had names of their own).
  Manifest old = ManifestOf("name, month(ts)");
  old.fields[0].field.name = "name";  // as an older duckpart named identity fields
  const std::string identity = ExportSpec(old, "/data/ds", SpecFormat::kDuckDb);
  EXPECT_EQ(identity,
            "SELECT * FROM read_parquet('/data/ds/**/*.parquet', hive_partitioning = false, "
            "union_by_name = true)");
  // Today's default name never equals a column, so the path's types are pinned.
  EXPECT_NE(ExportSpec(ManifestOf("name, month(ts)"), "/data/ds", SpecFormat::kDuckDb)
                .find("'name_identity': 'VARCHAR'"),
            std::string::npos);
  // always available, also where Iceberg has no equivalent
  EXPECT_NO_THROW(ExportSpec(ManifestOf("quantile(4, x)"), "/d", SpecFormat::kDuckDb));
}

TEST(IcebergTypes, DuckDbTypesMapToIcebergTypes) {
  EXPECT_EQ(IcebergTypeOf("INTEGER"), "int");
  EXPECT_EQ(IcebergTypeOf("BIGINT"), "long");
  EXPECT_EQ(IcebergTypeOf("UINTEGER"), "long");
  EXPECT_EQ(IcebergTypeOf("DECIMAL(10, 2)"), "decimal(10,2)");
  EXPECT_EQ(IcebergTypeOf("ENUM('a', 'b')"), "string");
  EXPECT_EQ(IcebergTypeOf("TIMESTAMP_S"), "timestamp");
  EXPECT_EQ(IcebergTypeOf("TIMESTAMP WITH TIME ZONE"), "timestamptz");
  EXPECT_EQ(IcebergTypeOf("UUID"), "uuid");
  EXPECT_EQ(IcebergTypeOf("BLOB"), "binary");
  EXPECT_EQ(IcebergTypeOf("UBIGINT"), "");
  EXPECT_EQ(IcebergTypeOf("INTERVAL"), "");
  EXPECT_EQ(IcebergTypeOf("INTEGER[]"), "");
}

TEST(SpecFormatNames, UnknownFormatIsAnInputError) {
  EXPECT_EQ(SpecFormatFromName("spark"), SpecFormat::kSpark);
  const std::string msg = testing::InputErrorOf([] { SpecFormatFromName("hive"); });
  EXPECT_NE(msg.find("--format 'hive' is not a spec format: use iceberg, spark or duckdb"),
            std::string::npos);
}

}  // namespace
}  // namespace duckpart

// Partition field names on disk: a source column named like a field is refused before any
// work, AS names the field so that Hive readers return the column's own values, and datasets
// written before fields got names of their own (an identity field named after its column,
// `tag=...`) stay readable: validate and query use the names their manifest records.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/dataset.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

// Turns a dataset of "identity(tag) AS old" into what the previous naming wrote: folders
// `tag=...` and a manifest whose field is "identity(tag)" named "tag".
void RewriteAsOldNames(const std::string& ds) {
  const fs::path version = fs::canonical(ds);
  for (const auto& e : fs::directory_iterator(version)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("old=", 0) == 0) fs::rename(e.path(), version / ("tag=" + name.substr(4)));
  }
  nlohmann::json m = ManifestJson(ds);
  m["spec"] = "identity(tag)";
  m["fields"][0]["field"] = "identity(tag)";
  m["fields"][0]["name"] = "tag";
  for (auto& p : m["partitions"]) {
    p["path"] = "tag=" + p["path"].get<std::string>().substr(4);
    for (auto& f : p["files"]) f["path"] = "tag=" + f["path"].get<std::string>().substr(4);
  }
  std::ofstream(version / "_duckpart" / "manifest.json") << m.dump(2);
}

TEST(OldNames, DatasetWithIdentityNamedAfterItsColumnValidatesAndQueries) {
  TempDir dir;
  const std::string db = dir / "s.db";
  {
    db::Database database(db::DatabaseOptions{.path = db});
    db::Connection conn(database);
    conn.Execute(
        "CREATE TABLE t AS SELECT i AS id, (['NULL', '', 'a/b', '007', NULL])[i % 5 + 1] AS tag "
        "FROM range(100) r(i)");
  }
  const std::string ds = dir / "ds";
  RunResult r =
      RunDuckpart({"run", "--db", db, "--table", "t", "--by", "identity(tag) AS old", "--to", ds});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RewriteAsOldNames(ds);
  ASSERT_TRUE(fs::is_directory(fs::path(ds) / "tag=__HIVE_DEFAULT_PARTITION__"));

  RunResult v = RunDuckpart({"validate", ds});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  RunResult vs = RunDuckpart({"validate", ds, "--db", db, "--table", "t"});
  EXPECT_EQ(vs.exit_code, 0) << vs.out << vs.err;
  EXPECT_EQ(QueryScalar(ds, "SELECT count(*) FROM dataset WHERE tag IS NULL"), "20");
  EXPECT_EQ(QueryScalar(ds, "SELECT count(*) FROM dataset WHERE tag = '007'"), "20");
  // the field is the column itself: no second column of that name
  EXPECT_EQ(QueryScalar(ds, "SELECT count(*) FROM (DESCRIBE dataset)"), "2");
}

// Issue 15: a column ts_month beside month(ts) was silently replaced by the path's values.
TEST(FieldNames, ColumnNamedLikeAFieldIsRefusedUpFrontAndAsNamesTheField) {
  TempDir dir;
  const std::string db = dir / "s.db";
  {
    db::Database database(db::DatabaseOptions{.path = db});
    db::Connection conn(database);
    conn.Execute(
        "CREATE TABLE t AS SELECT TIMESTAMP '2024-01-01' + to_hours(i * 300) AS ts, "
        "'bogus' || (i % 3) AS ts_month FROM range(30) r(i)");
  }
  const std::string ds = dir / "ds";
  RunResult refused =
      RunDuckpart({"run", "--db", db, "--table", "t", "--by", "month(ts)", "--to", ds});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("source column 'ts_month'"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("AS"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(ds));
  EXPECT_FALSE(fs::exists(StoreOf(ds)));
  RunResult plan = RunDuckpart({"plan", "--db", db, "--table", "t", "--by", "month(ts)"});
  EXPECT_EQ(plan.exit_code, 2) << plan.out;

  RunResult named =
      RunDuckpart({"run", "--db", db, "--table", "t", "--by", "month(ts) AS m", "--to", ds});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  Session s;
  EXPECT_EQ(s.Int("SELECT count(*) FROM " + ReadParquetSql(ds, "hive_partitioning = true") +
                  " WHERE ts_month LIKE 'bogus%' AND m = strftime(ts, '%Y-%m')"),
            30);
  EXPECT_EQ(ManifestJson(ds)["spec"], "month(ts) AS m");
}

}  // namespace
}  // namespace duckpart::testing

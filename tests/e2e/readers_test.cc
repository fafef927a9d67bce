// Other readers read duckpart datasets back exactly: DuckDB 1.4 (the project's own), DuckDB
// 1.5 and Polars (node, pinned in tests/readers/package.json, installed by
// scripts/install-deps.sh), each with its default read and with the exact read the README
// documents, over every transform and hostile values.
//
// For every read: the source's columns come back exactly (as a multiset of rows), and each
// partition column a reader adds holds, row by row, the value the row's path says, except
// for what the README's reader table names (DuckDB 1.4 reads the NULL partition as the
// string __HIVE_DEFAULT_PARTITION__) and values that `run` warned about by name.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/manifest.h"
#include "plan/transform.h"
#include "query/dataset_view.h"
#include "support/dataset.h"
#include "support/node_readers.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kColumns = "id, tag, ts, code, dstr, n";
constexpr const char* kSentinel = "__HIVE_DEFAULT_PARTITION__";

// 280 rows: hostile strings (NULL, 'NULL', '', '/', '=', '%', a newline, unicode, '007',
// strings that look like dates and the NULL sentinel), timestamps with fractions from
// 1968 to 1974, numbers with leading zeros, dates in two spellings, negative numbers.
constexpr const char* kSourceSql = R"(
CREATE TABLE t AS SELECT
  i AS id,
  (['NULL', '', '/', '=', '%', 'a' || chr(10) || 'b', '日本語', '007', '7', '2024-1-1',
    '2024-01-01', '__HIVE_DEFAULT_PARTITION__', 'x=y/z%41', NULL])[i % 14 + 1] AS tag,
  CASE WHEN i % 17 = 0 THEN NULL ELSE TIMESTAMP '1968-06-30 12:34:56.789' +
    INTERVAL (i * 10007) MINUTE + INTERVAL (i * 13) MILLISECOND END AS ts,
  (['007', '010', '12'])[i % 3 + 1] AS code,
  (['2024-1-1', '2024-01-02', NULL])[i % 3 + 1] AS dstr,
  i * 37 % 1000 - 500 AS n
FROM range(280) r(i))";

struct Dataset {
  std::string dir, db;
  json fields;                        // the manifest's fields
  std::vector<std::string> warnings;  // what `run` warned
};

std::vector<std::string> WarningLines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("warning: ", 0) == 0) lines.push_back(line);
  }
  return lines;
}

// What one reader read, loaded into the checking session as table `r`.
struct Read {
  std::string name;       // "DuckDB 1.5 default", ...
  bool fields_expected;   // the read adds the partition columns
  bool null_as_sentinel;  // DuckDB 1.4: the NULL partition reads as the sentinel string
};

class ReaderCheck {
 public:
  explicit ReaderCheck(const Dataset& ds) : ds_(ds) { s_.AttachReadOnly(ds.db); }

  // Loads `relation` (a Parquet file or a read) as table r and returns every difference
  // from the source that the README and the run's warnings do not account for.
  std::vector<std::string> Check(const Read& read, const std::string& relation) {
    s_.conn().Execute("CREATE OR REPLACE TABLE r AS SELECT * FROM " + relation);
    std::vector<std::string> problems;
    CheckSourceColumns(read, problems);
    for (const auto& f : ds_.fields) CheckField(read, f, problems);
    return problems;
  }

 private:
  void CheckSourceColumns(const Read& read, std::vector<std::string>& problems) {
    const std::string cols = kColumns;
    const int64_t extra = s_.Int("SELECT count(*) FROM (SELECT " + cols +
                                 " FROM r EXCEPT ALL SELECT " + cols + " FROM src.t)");
    const int64_t missing = s_.Int("SELECT count(*) FROM (SELECT " + cols +
                                   " FROM src.t EXCEPT ALL SELECT " + cols + " FROM r)");
    if (extra || missing) {
      problems.push_back(read.name + ": source columns differ: " + std::to_string(extra) +
                         " rows not in the " + "source, " + std::to_string(missing) +
                         " source rows missing");
    }
  }

  bool HasColumn(const std::string& name) {
    return s_.Int("SELECT count(*) FROM (DESCRIBE r) WHERE column_name = " +
                  db::QuoteLiteral(name)) > 0;
  }

  // A difference is explained when the README's table names it or a warning names the value.
  bool Explained(const Read& read, const std::string& field,
                 const std::optional<std::string>& expected,
                 const std::optional<std::string>& got) {
    if (read.null_as_sentinel && !expected && got == kSentinel) return true;
    for (const auto& w : ds_.warnings) {
      if (w.find("partition field " + field + " ") == std::string::npos) continue;
      if (expected && w.find(json(*expected).dump()) != std::string::npos) return true;
      if (expected == kSentinel && !got &&
          w.find(std::string("'") + kSentinel + "'") != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  void CheckField(const Read& read, const json& f, std::vector<std::string>& problems) {
    const std::string name = f["name"];
    if (!HasColumn(name)) {
      if (read.fields_expected) problems.push_back(read.name + ": no column " + name);
      return;
    }
    const std::string label = plan::LabelOf(f["label_sql"], f["key_sql"]);
    db::Result diff = s_.conn().Query(
        "SELECT e, g, count(*) FROM (SELECT (" + label + ") AS e, CAST(" + db::QuoteIdent(name) +
        " AS VARCHAR) AS g FROM r) WHERE e IS DISTINCT FROM g GROUP BY ALL ORDER BY ALL");
    for (uint64_t i = 0; i < diff.RowCount(); ++i) {
      const auto e = diff.GetOptionalString(i, 0), g = diff.GetOptionalString(i, 1);
      if (Explained(read, name, e, g)) continue;
      problems.push_back(read.name + ": " + name + " " + json(e ? json(*e) : json()).dump() +
                         " reads as " + (g ? json(*g).dump() : "NULL") + " in " +
                         diff.GetString(i, 2) + " rows, unwarned");
    }
  }

  const Dataset& ds_;
  Session s_;
};

Dataset Write(const TempDir& dir, const std::string& spec) {
  Dataset ds{dir / "ds", dir / "src.db", {}, {}};
  {
    db::Database database(db::DatabaseOptions{.path = ds.db});
    db::Connection conn(database);
    conn.Execute(kSourceSql);
  }
  RunResult r = RunDuckpart({"run", "--db", ds.db, "--table", "t", "--by", spec, "--to", ds.dir});
  if (r.exit_code != 0) throw std::runtime_error("duckpart run failed: " + r.err);
  ds.fields = ManifestJson(ds.dir)["fields"];
  ds.warnings = WarningLines(r.out);
  return ds;
}

// {'a': 'VARCHAR', ...} for read_parquet's hive_types, and {"a": "Utf8"} for Polars.
std::string HiveTypesSql(const json& fields) {
  std::string out;
  for (const auto& f : fields)
    out +=
        (out.empty() ? "" : ", ") + db::QuoteLiteral(f["name"].get<std::string>()) + ": 'VARCHAR'";
  return "{" + out + "}";
}
json PolarsExact(const json& fields) {
  json schema = json::object();
  for (const auto& f : fields) schema[f["name"].get<std::string>()] = "Utf8";
  return {{"hivePartitioning", true}, {"hiveSchema", schema}, {"tryParseHiveDates", false}};
}

std::string Report(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += "\n  " + p;
  return out;
}

class Readers : public ::testing::TestWithParam<std::string> {};

TEST_P(Readers, DuckDb14ReadsTheSourceColumnsExactlyAndPathValuesAsDocumented) {
  TempDir dir;
  const Dataset ds = Write(dir, GetParam());
  ReaderCheck check(ds);
  const std::string glob = db::QuoteLiteral(ParquetGlob(ds.dir));
  std::vector<std::string> problems =
      check.Check({"DuckDB 1.4 default", true, true}, "read_parquet(" + glob + ")");
  const std::string out = dir / "exact.parquet";
  {  // the exact read of `duckpart query`: its view `dataset`, copied out for the check
    db::Database database(db::DatabaseOptions{});
    db::Connection conn(database);
    conn.Execute("SET TimeZone = 'UTC'");
    conn.Execute(query::DatasetViewSql(fs::canonical(ds.dir).string(), ReadManifest(ds.dir)));
    conn.Execute("COPY (SELECT * FROM dataset) TO " + db::QuoteLiteral(out));
  }
  for (auto& p : check.Check({"duckpart query", true, false}, db::QuoteLiteral(out)))
    problems.push_back(p);
  for (auto& p :
       check.Check({"DuckDB 1.4 hive_types", true, true},
                   "read_parquet(" + glob + ", hive_types = " + HiveTypesSql(ds.fields) + ")")) {
    problems.push_back(p);
  }
  EXPECT_TRUE(problems.empty()) << GetParam() << Report(problems);
}

TEST_P(Readers, NodeReadersReadTheSourceColumnsExactlyAndPathValuesAsDocumented) {
  if (!HaveNode())
    GTEST_SKIP() << "node is not installed: DuckDB 1.5 and Polars were NOT checked (run "
                    "scripts/install-deps.sh)";
  ASSERT_TRUE(fs::exists(fs::path(ReadersDir()) / "node_modules" / "nodejs-polars"))
      << "node is installed but the reader packages are not: run scripts/install-deps.sh";
  TempDir dir;
  const Dataset ds = Write(dir, GetParam());
  ReaderCheck check(ds);
  const std::string glob = ParquetGlob(ds.dir);
  struct NodeRead {
    Read read;
    std::string script;
    std::vector<std::string> args;
  };
  const std::vector<NodeRead> reads = {
      {{"DuckDB 1.5 default", true, false},
       "read_duckdb.js",
       {"SELECT * FROM read_parquet(" + db::QuoteLiteral(glob) + ")"}},
      {{"DuckDB 1.5 hive_types", true, false},
       "read_duckdb.js",
       {"SELECT * FROM read_parquet(" + db::QuoteLiteral(glob) +
        ", hive_types = " + HiveTypesSql(ds.fields) + ")"}},
      {{"Polars default (glob)", false, false}, "read_polars.js", {glob, "{}"}},
      // (a folder read, scanParquet('ds/'), fails: the folder also holds _duckpart/manifest.json)
      {{"Polars hivePartitioning", true, false},
       "read_polars.js",
       {glob, R"({"hivePartitioning": true})"}},
      {{"Polars hiveSchema", true, false}, "read_polars.js", {glob, PolarsExact(ds.fields).dump()}},
  };
  std::vector<std::string> problems;
  for (size_t i = 0; i < reads.size(); ++i) {
    const std::string out = dir / ("read" + std::to_string(i) + ".parquet");
    std::vector<std::string> args{out};
    args.insert(args.end(), reads[i].args.begin(), reads[i].args.end());
    const std::string failed = RunNode(reads[i].script, args);
    if (!failed.empty()) {
      problems.push_back(reads[i].read.name + ": " + failed);
      continue;
    }
    for (auto& p : check.Check(reads[i].read, db::QuoteLiteral(out))) problems.push_back(p);
  }
  EXPECT_TRUE(problems.empty()) << GetParam() << Report(problems);
}

INSTANTIATE_TEST_SUITE_P(EveryTransform, Readers,
                         ::testing::Values("identity(tag)", "identity(code)", "identity(dstr)",
                                           "identity(ts)", "year(ts)", "month(ts)", "day(ts)",
                                           "hour(ts)", "bucket(4, tag)", "truncate(2, tag)",
                                           "truncate(100, n)", "range(n, [-100, 0, 100])",
                                           "quantile(4, n)", "month(ts) AS m, identity(tag) AS t"),
                         [](const auto& param_info) {
                           std::string name;
                           for (char c : param_info.param)
                             name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

// The warnings name the values: the identity of '007', '010', '12' is numbers to Polars.
TEST(ReaderWarnings, RunNamesTheValuesTheReadersAndTheExactRead) {
  TempDir dir;
  const Dataset ds = Write(dir, "identity(code), identity(tag), identity(dstr)");
  std::string all;
  for (const auto& w : ds.warnings) all += w + "\n";
  EXPECT_NE(all.find("partition field code_identity has values that Polars (hive partitioning) "
                     "read as numbers"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("\"007\", \"010\""), std::string::npos) << all;
  EXPECT_NE(all.find("partition field tag_identity has the string '__HIVE_DEFAULT_PARTITION__'"),
            std::string::npos)
      << all;
  EXPECT_NE(
      all.find("partition field dstr_identity has values that DuckDB and Polars read as DATE"),
      std::string::npos)
      << all;
  EXPECT_NE(all.find("hive_types = {'code_identity': 'VARCHAR'}"), std::string::npos) << all;
  EXPECT_NE(all.find("duckpart query"), std::string::npos) << all;
  // year(ts) reads back exactly everywhere: no reader warning
  const Dataset year = Write(TempDir(), "year(ts)");
  for (const auto& w : year.warnings) EXPECT_EQ(w.find("partition field"), std::string::npos) << w;
}

}  // namespace
}  // namespace duckpart::testing

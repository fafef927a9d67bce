// End-to-end: `append --allow-new-columns` adds nullable columns to a dataset. Rows written
// before read them as NULL (duckpart query, validate, union_by_name readers); the unchanged
// partitions keep their files and their checksums; every later operation (append, retain,
// rebalance, repartition, --to-db) holds the widened dataset to its manifest; without the
// flag, or for a column named like a field, the append is refused with the dataset
// byte-identical; a failure or crash at any durable step leaves one whole version.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/dataset.h"
#include "support/fault_trace.h"
#include "support/lifecycle.h"
#include "support/node_readers.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kRows = 3000;

// The two columns later appends add, as the demo's rows would carry them: `note` from the
// first widening append on (rows with id % 3 = 0), `score` from the second (id % 3 = 1, and
// NULL in half of them, so that a NULL added column sits before a non-NULL one).
constexpr const char* kNote = "CASE WHEN id % 3 <> 2 AND id % 2 = 0 THEN 'n' || id END";
constexpr const char* kScore = "CASE WHEN id % 3 = 1 THEN id * 0.5 END";

std::string Widened(const std::string& where, bool score) {
  return std::string("SELECT *, ") + kNote + " AS note" +
         (score ? std::string(", ") + kScore + " AS score" : "") + " FROM events WHERE " + where;
}

// Rows and checksum over the demo columns and the added ones named, of the dataset's files
// read by name; an added column no file holds yet reads as NULL.
Content WideParquetContent(const std::string& ds,
                           const std::vector<std::string>& added = {"note", "score"}) {
  Session s;
  const std::string files = ReadParquetSql(ds, "hive_partitioning = false, union_by_name = true");
  std::set<std::string> have;
  db::Result d = s.conn().Query("DESCRIBE SELECT * FROM " + files);
  for (uint64_t i = 0; i < d.RowCount(); ++i) have.insert(d.GetString(i, 0));
  std::string cols = kEventColumns;
  for (const auto& c : added) cols += ", " + (have.count(c) ? c : std::string("NULL"));
  db::Result r = s.conn().Query("SELECT count(*), CAST(coalesce(sum(hash(" + cols +
                                ")::HUGEINT), 0) AS VARCHAR) FROM " + files);
  return {r.GetInt64(0, 0), r.GetString(0, 1)};
}

// The same of the source rows as the appends gave them: note from the first widening
// append's rows on (id % 3 <> 2), score in the second's (id % 3 = 1).
Content WideSourceContent(const std::string& db, const std::string& where, bool score = true) {
  Session s;
  s.AttachReadOnly(db);
  db::Result r =
      s.conn().Query(std::string("SELECT count(*), CAST(coalesce(sum(hash(") + kEventColumns +
                     ", " + kNote + (score ? std::string(", ") + kScore : std::string()) +
                     ")::HUGEINT), 0) AS VARCHAR) FROM src.events WHERE " + where);
  return {r.GetInt64(0, 0), r.GetString(0, 1)};
}

std::vector<std::string> Append(const std::string& ds, const std::string& db,
                                const std::string& query, std::vector<std::string> extra = {}) {
  return Cat({"append", ds, "--db", db, "--query", query, "--threads", "2", "--quiet"}, extra);
}

void ExpectValid(const std::vector<std::string>& target, int64_t rows) {
  const RunResult v = RunDuckpart(Cat(Cat({"validate"}, target), {"--json"}));
  ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(json::parse(v.out)["rows"].get<int64_t>(), rows);
}

class NewColumns : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = MakeDemo(dir_ / "src", kRows);
    ds_ = dir_ / "ds";
    ASSERT_EQ(RunDuckpart(Cat(Cat({"run"}, EventsWhere(db_, "id % 3 = 2")),
                              {"--by", "month(ts)", "--to", ds_, "--threads", "2", "--quiet"}))
                  .exit_code,
              0);
  }
  // v2 adds note (rows id % 3 = 0); v3 adds score (rows id % 3 = 1).
  void WidenTwice() {
    const RunResult a = RunDuckpart(
        Append(ds_, db_, Widened("id % 3 = 0", false), {"--allow-new-columns", "--json"}));
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(json::parse(a.out)["columns_added"], json::array({"note"}));
    const RunResult b =
        RunDuckpart(Append(ds_, db_, Widened("id % 3 = 1", true), {"--allow-new-columns"}));
    ASSERT_EQ(b.exit_code, 0) << b.err;
  }
  TempDir dir_;
  std::string db_, ds_;
};

TEST_F(NewColumns, OlderRowsReadTheAddedColumnsAsNullAndUntouchedFilesStay) {
  const json before = ManifestJson(ds_);
  const std::string old_file = PartitionFiles(before, "ts_month=2023-01").at(0);
  const ino_t inode = InodeOf(fs::path(ds_) / old_file);
  const std::string old_checksum = before["partitions"][0]["checksum"];
  // Only January's rows with id % 3 = 0: every other partition is untouched.
  const RunResult a = RunDuckpart(Append(
      ds_, db_, Widened("id % 3 = 0 AND ts >= TIMESTAMP '2023-02-01' AND ts < '2023-03-01'", false),
      {"--allow-new-columns"}));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const json m = ManifestJson(ds_);
  EXPECT_EQ(m["format_version"], 2) << "older duckparts must refuse the new hashing";
  EXPECT_EQ(m["schema"].back()["name"], "note");
  EXPECT_EQ(m["schema"].back()["added_in"], 2);
  EXPECT_EQ(m["history"].back()["columns_added"], json::array({"note"}));
  EXPECT_EQ(InodeOf(fs::path(ds_) / old_file), inode) << "shared, not rewritten";
  EXPECT_EQ(m["partitions"][0]["checksum"], old_checksum) << "its rows hash as before";
  ExpectValid({ds_}, SourceContent(db_, "id % 3 = 2").rows +
                         SourceContent(db_,
                                       "id % 3 = 0 AND ts >= TIMESTAMP '2023-02-01' AND "
                                       "ts < '2023-03-01'")
                             .rows);
  const RunResult q =
      RunDuckpart({"query", ds_,
                   "SELECT count(*) FILTER (WHERE note IS NULL) AS older, count(note) AS noted "
                   "FROM dataset",
                   "--json"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  const json rows = json::parse(q.out);
  EXPECT_EQ(
      rows[0]["older"].get<int64_t>(),
      SourceContent(db_, "id % 3 = 2").rows + SourceContent(db_,
                                                            "id % 3 = 0 AND id % 2 = 1 AND ts >= "
                                                            "TIMESTAMP '2023-02-01' AND ts < "
                                                            "'2023-03-01'")
                                                  .rows);
  EXPECT_EQ(rows[0]["noted"].get<int64_t>(),
            SourceContent(db_,
                          "id % 3 = 0 AND id % 2 = 0 AND ts >= TIMESTAMP '2023-02-01' AND "
                          "ts < '2023-03-01'")
                .rows);
}

TEST_F(NewColumns, TwoWideningAppendsHoldEveryRowAndEveryValue) {
  WidenTwice();
  EXPECT_EQ(WideParquetContent(ds_), WideSourceContent(db_, "true"));
  ExpectValid({ds_}, kRows);
  // A later append must carry the added columns, as any column of the dataset.
  const RunResult lacking = RunDuckpart(Append(ds_, db_, "SELECT * FROM events LIMIT 1"));
  EXPECT_EQ(lacking.exit_code, 2);
  EXPECT_NE(lacking.err.find("no column 'note'"), std::string::npos) << lacking.err;
  const RunResult h = RunDuckpart({"history", ds_, "--json"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  EXPECT_EQ(json::parse(h.out)["history"][2]["columns_added"], json::array({"score"}));
}

TEST_F(NewColumns, RetainRebalanceAndRepartitionKeepAWidenedDatasetWhole) {
  WidenTwice();
  const std::string dropped = "ts < TIMESTAMP '2023-03-01'";
  const RunResult r = RunDuckpart(
      {"retain", ds_, "--older-than", "2023-03-01", "--archive", dir_ / "archive", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(WideParquetContent(dir_ / "archive"), WideSourceContent(db_, dropped));
  EXPECT_EQ(WideParquetContent(ds_), WideSourceContent(db_, "NOT (" + dropped + ")"));
  ExpectValid({dir_ / "archive"}, SourceContent(db_, dropped).rows);
  const int64_t kept = SourceContent(db_, "NOT (" + dropped + ")").rows;
  ExpectValid({ds_}, kept);
  // Compaction merges each partition's narrow and wide files into one.
  const RunResult c = RunDuckpart({"rebalance", ds_, "--compact", "--quiet"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  ExpectValid({ds_}, kept);
  EXPECT_EQ(WideParquetContent(ds_), WideSourceContent(db_, "NOT (" + dropped + ")"));
  const RunResult p = RunDuckpart({"repartition", ds_, "--by", "bucket(4, id)", "--quiet"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  ExpectValid({ds_}, kept);
  EXPECT_EQ(WideParquetContent(ds_), WideSourceContent(db_, "NOT (" + dropped + ")"));
}

TEST_F(NewColumns, AnExtraColumnWithoutTheFlagOrNamedLikeAFieldIsRefusedBeforeAnyWork) {
  const Snapshot before = SnapshotOf(ds_);
  const RunResult plain = RunDuckpart(Append(ds_, db_, Widened("id % 3 = 0", false)));
  EXPECT_EQ(plain.exit_code, 2);
  EXPECT_NE(plain.err.find("column 'note'"), std::string::npos) << plain.err;
  EXPECT_NE(plain.err.find("--allow-new-columns"), std::string::npos) << plain.err;
  const RunResult field = RunDuckpart(Append(
      ds_, db_, "SELECT *, 'x' AS ts_month FROM events WHERE id % 3 = 0", {"--allow-new-columns"}));
  EXPECT_EQ(field.exit_code, 2);
  EXPECT_NE(field.err.find("named like the partition field 'ts_month'"), std::string::npos)
      << field.err;
  // A type the Parquet writer would not keep is refused as in run.
  const RunResult lossy = RunDuckpart(
      Append(ds_, db_, "SELECT *, TIMETZ '10:00:00+02' AS t FROM events WHERE id % 3 = 0",
             {"--allow-new-columns"}));
  EXPECT_EQ(lossy.exit_code, 2) << lossy.err;
  EXPECT_EQ(SnapshotOf(ds_), before);
}

TEST_F(NewColumns, PartitionTablesGetTheColumnInOneTransaction) {
  const std::string target = dir_ / "t.db";
  ASSERT_EQ(RunDuckpart(Cat(Cat({"run"}, EventsWhere(db_, "id % 3 = 2")),
                            {"--by", "month(ts)", "--to-db", target, "--schema", "ev", "--quiet"}))
                .exit_code,
            0);
  for (bool score : {false, true}) {
    const RunResult a = RunDuckpart(
        Cat({"append", "--to-db", target, "--db", db_, "--query",
             Widened(score ? "id % 3 = 1" : "id % 3 = 0", score), "--allow-new-columns", "--quiet"},
            {}));
    ASSERT_EQ(a.exit_code, 0) << a.err;
  }
  ExpectValid({"--to-db", target}, kRows);
  Session s;
  s.AttachReadOnly(target, "t");
  const std::string view =
      s.Scalar("SELECT view_name FROM duckdb_views() WHERE database_name = 't' AND NOT internal");
  db::Result r =
      s.conn().Query(std::string("SELECT count(*), CAST(coalesce(sum(hash(") + kEventColumns +
                     ", note, score)::HUGEINT), 0) AS VARCHAR) FROM t." + db::QuoteIdent(view));
  EXPECT_EQ((Content{r.GetInt64(0, 0), r.GetString(0, 1)}), WideSourceContent(db_, "true"));
}

// Polars' name of a DuckDB type of the demo's columns and the added ones.
std::string PolarsType(const std::string& type) {
  if (type == "BIGINT") return "Int64";
  if (type == "INTEGER") return "Int32";
  if (type == "VARCHAR") return "Utf8";
  if (type == "TIMESTAMP") return "Datetime(us)";
  if (type.rfind("DECIMAL", 0) == 0) return "Decimal" + type.substr(7);
  throw std::invalid_argument("no Polars type for " + type);
}

// Other readers read a widened dataset back whole when they unite its files by name:
// DuckDB 1.5 with union_by_name, Polars with the dataset's schema and missingColumns.
TEST_F(NewColumns, NodeReadersReadAWidenedDatasetBackByName) {
  if (!HaveNode()) GTEST_SKIP() << "node is not installed: the node readers were NOT checked";
  WidenTwice();
  // In the dataset's column order (Polars matches a schema in order).
  nlohmann::ordered_json schema = nlohmann::ordered_json::object();
  const json manifest = ManifestJson(ds_);
  for (const auto& c : manifest["schema"])
    schema[c["name"].get<std::string>()] = PolarsType(c["type"]);
  const std::string glob = ParquetGlob(ds_);
  const std::vector<std::pair<std::string, std::vector<std::string>>> reads = {
      {"read_duckdb.js",
       {"SELECT * FROM read_parquet(" + db::QuoteLiteral(glob) +
        ", hive_partitioning = false, union_by_name = true)"}},
      {"read_polars.js",
       {glob,
        nlohmann::ordered_json{
            {"hivePartitioning", false}, {"missingColumns", "insert"}, {"schema", schema}}
            .dump()}}};
  for (size_t i = 0; i < reads.size(); ++i) {
    SCOPED_TRACE(reads[i].first);
    const std::string out = dir_ / ("read" + std::to_string(i) + ".parquet");
    std::vector<std::string> args{out};
    args.insert(args.end(), reads[i].second.begin(), reads[i].second.end());
    ASSERT_EQ(RunNode(reads[i].first, args), "");
    // Every row with its values, the added ones included, as the appends gave them.
    Session s;
    s.AttachReadOnly(db_);
    const std::string source = std::string("SELECT id, ts, amount, ") + kNote + " AS note, " +
                               kScore + " AS score FROM src.events";
    const std::string read =
        "SELECT id, ts, amount, note, score FROM read_parquet(" + db::QuoteLiteral(out) + ")";
    EXPECT_EQ(s.Int("SELECT count(*) FROM read_parquet(" + db::QuoteLiteral(out) + ")"), kRows);
    EXPECT_EQ(s.Int("SELECT count(*) FROM ((" + read + ") EXCEPT ALL (" + source + "))"), 0);
    EXPECT_EQ(s.Int("SELECT count(*) FROM ((" + source + ") EXCEPT ALL (" + read + "))"), 0);
  }
}

TEST(FaultSeam, EveryDurableStepOfAWideningAppendFailsOrDiesLeavingOneWholeVersion) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 2000);
  const std::string base = dir / "base";
  ASSERT_EQ(RunDuckpart(Cat(Cat({"run"}, EventsWhere(db, "id % 3 = 2 AND ts < '2023-04-01'")),
                            {"--by", "month(ts)", "--to", base, "--threads", "1", "--quiet"}))
                .exit_code,
            0);
  const auto append = [&](const std::string& target) {
    return Append(target, db, Widened("id % 3 = 0 AND ts < '2023-05-01'", false),
                  {"--allow-new-columns"});
  };
  // Read by name, as a user would: the old version has no column note (NULL).
  const Content old_content = WideSourceContent(db, "id % 3 = 2 AND ts < '2023-04-01'", false);
  const Content new_content = WideSourceContent(
      db, "(id % 3 = 2 AND ts < '2023-04-01') OR (id % 3 = 0 AND ts < '2023-05-01')", false);
  TrialEveryStepOnCopies(
      dir, base, append, [](const std::string& t) { return WideParquetContent(t, {"note"}); },
      old_content, new_content);
}

}  // namespace
}  // namespace duckpart::testing

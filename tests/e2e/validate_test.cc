// End-to-end: `duckpart validate` passes an intact dataset and catches each kind of
// damage with exit 1 and a FAIL line naming the partition or file; bad input is exit 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "db/sql.h"
#include "support/dataset.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

// The lines of `out` that start with "FAIL ".
std::vector<std::string> FailLines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("FAIL ", 0) == 0) lines.push_back(line);
  }
  return lines;
}

// True when one FAIL line holds every fragment.
bool HasFailLine(const std::string& out, const std::vector<std::string>& fragments) {
  for (const auto& line : FailLines(out)) {
    bool all = true;
    for (const auto& f : fragments) all = all && line.find(f) != std::string::npos;
    if (all) return true;
  }
  return false;
}

class Validate : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = MakeDemo(dir_ / "src", 20'000);
    ds_ = dir_ / "ds";
    RunResult r = RunDuckpart(
        {"run", "--db", db_, "--table", "events", "--by", "category", "--to", ds_, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    manifest_ = ManifestJson(ds_);
    books_ = OnlyFile("category_identity=books");
    games_ = OnlyFile("category_identity=games");
  }

  // The one data file of a partition, as a path through the dataset link.
  std::string OnlyFile(const std::string& partition) {
    const auto files = PartitionFiles(manifest_, partition);
    EXPECT_EQ(files.size(), 1u) << partition;
    return files.empty() ? "" : (fs::path(ds_) / files[0]).string();
  }
  static std::string Rel(const std::string& ds, const std::string& file) {
    return fs::path(file).lexically_relative(ds).string();
  }

  RunResult RunValidate(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"validate", ds_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunDuckpart(args);
  }

  // Validation fails with exit 1, and a FAIL line holds every fragment.
  void ExpectCaught(const std::vector<std::string>& fragments) {
    RunResult r = RunValidate();
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(HasFailLine(r.out, fragments)) << r.out;
    EXPECT_EQ(r.out.find("OK:"), std::string::npos) << r.out;
  }

  TempDir dir_;
  std::string db_, ds_, books_, games_;
  nlohmann::json manifest_;
};

// Loads a data file into table `name` of the session (so it can be rewritten in place).
void Load(Session& s, const std::string& name, const std::string& file) {
  s.conn().Execute("CREATE TABLE " + db::QuoteIdent(name) + " AS SELECT * FROM read_parquet(" +
                   db::QuoteLiteral(file) + ")");
}

void WriteParquet(Session& s, const std::string& select_sql, const std::string& file) {
  s.conn().Execute("COPY (" + select_sql + ") TO " + db::QuoteLiteral(file) + " (FORMAT parquet)");
}

TEST_F(Validate, IntactDatasetPasses) {
  RunResult r = RunValidate();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(FailLines(r.out).empty()) << r.out;
  EXPECT_NE(r.out.find("OK:"), std::string::npos) << r.out;

  RunResult j = RunValidate({"--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto report = nlohmann::json::parse(j.out);
  EXPECT_EQ(report["ok"], true);
  EXPECT_EQ(report["rows"], 20'000);
  EXPECT_EQ(report["checksum"], SourceContent(db_).checksum);
  EXPECT_EQ(report["partitions"], manifest_["partitions"].size());
  EXPECT_TRUE(report["problems"].empty());
}

TEST_F(Validate, PassesAgainstItsSource) {
  RunResult r = RunValidate({"--db", db_, "--table", "events"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("equal the source"), std::string::npos) << r.out;
}

TEST_F(Validate, FailsAgainstADifferentSource) {
  const std::string other = MakeDemo(dir_ / "other", 20'000, 43);
  ASSERT_NE(SourceContent(other), SourceContent(db_));
  RunResult r = RunValidate({"--db", other, "--table", "events"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(HasFailLine(r.out, {"category_identity=books", "differs from the source"})) << r.out;

  RunResult j = RunValidate({"--db", other, "--table", "events", "--json"});
  EXPECT_EQ(j.exit_code, 1);
  const auto report = nlohmann::json::parse(j.out);
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["compared_with_source"], true);
  EXPECT_FALSE(report["problems"].empty());
}

TEST_F(Validate, FailsAgainstASourceWithOneRowMore) {
  const std::string other = MakeDemo(dir_ / "other", 20'001);
  RunResult r = RunValidate({"--db", other, "--table", "events"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(HasFailLine(r.out, {"differs from the source"}) ||
              HasFailLine(r.out, {"the dataset lacks"}))
      << r.out;
}

TEST_F(Validate, DeletedFileIsMissing) {
  ASSERT_TRUE(fs::remove(books_));
  ExpectCaught({"missing", Rel(ds_, books_)});
}

TEST_F(Validate, FileCopiedIntoAnotherPartitionIsAnOrphan) {
  const fs::path copy = fs::path(games_).parent_path() / "data_9.parquet";
  fs::copy_file(books_, copy);
  ExpectCaught({"orphan", "category_identity=games/data_9.parquet"});
}

TEST_F(Validate, ExtraFileIsAnOrphan) {
  fs::create_directories(fs::path(ds_) / "category_identity=extra");
  Session s;
  WriteParquet(s, "SELECT * FROM read_parquet(" + db::QuoteLiteral(books_) + ") LIMIT 3",
               (fs::path(ds_) / "category_identity=extra" / "data_0.parquet").string());
  ExpectCaught({"orphan", "category_identity=extra/data_0.parquet"});
}

TEST_F(Validate, EditedRowChangesThePartitionChecksum) {
  {
    Session s;
    Load(s, "old", books_);
    WriteParquet(s,
                 "SELECT * REPLACE (CASE WHEN id = (SELECT min(id) FROM old) "
                 "THEN CAST(amount + 1 AS DECIMAL(12,2)) ELSE amount END AS amount) FROM old",
                 books_);
  }
  ExpectCaught({"category_identity=books", "checksum"});
}

TEST_F(Validate, RowMovedToAnotherPartitionIsMisplaced) {
  {
    Session s;
    Load(s, "books", books_);
    Load(s, "games", games_);
    const int64_t moved = s.Int("SELECT min(id) FROM books");
    WriteParquet(s, "SELECT * FROM books WHERE id <> " + std::to_string(moved), books_);
    WriteParquet(
        s, "SELECT * FROM games UNION ALL SELECT * FROM books WHERE id = " + std::to_string(moved),
        games_);
  }
  RunResult r = RunValidate();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(HasFailLine(r.out, {"category_identity=games", "1 rows belong to another partition"}))
      << r.out;
  EXPECT_TRUE(HasFailLine(r.out, {"category_identity=books", "rows, expected"})) << r.out;
}

// Placement is judged per file from the least and greatest key and the non-NULL count of
// each field: these move one row across each edge of that judgement (a NULL key into a
// value's partition, a value into the NULL partition, a wrong second field).
class ValidatePlacement : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = MakeDemo(dir_ / "src", 6'000);
    ds_ = dir_ / "ds";
    RunResult r = RunDuckpart({"run", "--db", db_, "--query",
                               "SELECT *, CASE WHEN id % 5 = 0 THEN NULL ELSE id % 3 END AS k "
                               "FROM events",
                               "--by", "k, bucket(2, id)", "--to", ds_, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    manifest_ = ManifestJson(ds_);
  }

  // The partition whose keys are {k, bucket} ("" for NULL): its path and its one file.
  std::pair<std::string, std::string> Partition(const std::string& k, const std::string& bucket) {
    for (const auto& p : manifest_["partitions"]) {
      const auto& keys = p["keys"];
      const std::string k0 = keys[0].is_null() ? "" : keys[0].get<std::string>();
      if (k0 == k && keys[1].get<std::string>() == bucket) {
        EXPECT_EQ(p["files"].size(), 1u);
        return {p["path"], (fs::path(ds_) / p["files"][0]["path"].get<std::string>()).string()};
      }
    }
    ADD_FAILURE() << "no partition " << k << "/" << bucket;
    return {};
  }

  // Moves the row of least id from `from`'s file to `to`'s; validate names `to`.
  void ExpectMoveCaught(const std::pair<std::string, std::string>& from,
                        const std::pair<std::string, std::string>& to) {
    {
      Session s;
      Load(s, "a", from.second);
      Load(s, "b", to.second);
      const std::string moved = std::to_string(s.Int("SELECT min(id) FROM a"));
      WriteParquet(s, "SELECT * FROM a WHERE id <> " + moved, from.second);
      WriteParquet(s, "SELECT * FROM b UNION ALL SELECT * FROM a WHERE id = " + moved, to.second);
    }
    RunResult r = RunDuckpart({"validate", ds_});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(HasFailLine(r.out, {to.first + ":", "1 rows belong to another partition"}))
        << r.out;
  }

  TempDir dir_;
  std::string db_, ds_;
  nlohmann::json manifest_;
};

TEST_F(ValidatePlacement, ANullKeyInAValuesPartitionIsMisplaced) {
  ExpectMoveCaught(Partition("", "0"), Partition("1", "0"));
}

TEST_F(ValidatePlacement, AValueInTheNullPartitionIsMisplaced) {
  ExpectMoveCaught(Partition("1", "1"), Partition("", "1"));
}

TEST_F(ValidatePlacement, AWrongSecondFieldIsMisplaced) {
  ExpectMoveCaught(Partition("2", "0"), Partition("2", "1"));
}

TEST_F(ValidatePlacement, AnIntactDatasetWithNullKeysPasses) {
  RunResult r = RunDuckpart({"validate", ds_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(FailLines(r.out).empty()) << r.out;
}

TEST_F(Validate, TruncatedFileIsUnreadable) {
  fs::resize_file(books_, fs::file_size(books_) / 2);
  ExpectCaught({"unreadable or truncated", Rel(ds_, books_)});
}

TEST_F(Validate, ChangedColumnTypeIsNamed) {
  {
    Session s;
    Load(s, "old", books_);
    WriteParquet(s, "SELECT * REPLACE (CAST(user_id AS BIGINT) AS user_id) FROM old", books_);
  }
  ExpectCaught({Rel(ds_, books_), "column user_id is BIGINT, expected INTEGER"});
}

TEST_F(Validate, DamageIsReportedAsJson) {
  ASSERT_TRUE(fs::remove(books_));
  RunResult r = RunValidate({"--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["ok"], false);
  ASSERT_FALSE(report["problems"].empty());
  // Each problem is an object: the missing file is named with its kind and partition.
  bool named = false;
  const std::string file = Rel(ds_, books_);
  for (const auto& p : report["problems"]) {
    if (p["kind"] != "missing_file") continue;
    const std::string partition = p["partition"];
    named = !partition.empty() && file.rfind(partition + "/", 0) == 0 &&
            p["detail"] == "file " + file + " is missing" &&
            p["message"] == "partition " + partition + ": file " + file + " is missing";
  }
  EXPECT_TRUE(named) << report.dump();
}

TEST_F(Validate, DbWithoutTableIsAnInputError) {
  RunResult r = RunValidate({"--db", db_});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

TEST(ValidateInput, FolderWithoutDatasetIsAnInputError) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 20'000);
  // Parquet files in Hive folders, but no duckpart manifest.
  fs::create_directories(dir / "plain");
  {
    Session s;
    s.AttachReadOnly(db);
    s.conn().Execute("COPY (SELECT * FROM src.events) TO " + db::QuoteLiteral(dir / "plain") +
                     " (FORMAT parquet, PARTITION_BY (category))");
  }
  RunResult r = RunDuckpart({"validate", dir / "plain"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(FailLines(r.out).empty());
  EXPECT_FALSE(r.err.empty());

  fs::create_directories(dir / "empty");
  EXPECT_EQ(RunDuckpart({"validate", dir / "empty"}).exit_code, 2);
}

TEST(ValidateInput, MissingPathIsAnInputError) {
  TempDir dir;
  RunResult r = RunDuckpart({"validate", dir / "no-such-dataset"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("no-such-dataset"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace duckpart::testing

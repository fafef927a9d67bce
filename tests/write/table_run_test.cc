// RunToTables and ValidateTables at library level: one table per partition in a schema
// of its own, the catalog tables, the view, one transaction, and validation of damage.
#include "duckpart/table_run.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "plan/workspace_access.h"
#include "support/temp_dir.h"
#include "tables/table_layout.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

EngineOptions Engine() {
  EngineOptions e;
  e.memory_limit = "512MB";
  e.threads = 2;
  return e;
}

// A source database with table t: 3,000 rows of every kind the transforms need, with
// NULLs in ts, tag and amount, and tag values that are hard in paths and names.
constexpr const char* kSourceSql = R"(
CREATE TABLE t AS
SELECT i AS id,
       CASE WHEN i % 97 = 0 THEN NULL
            ELSE TIMESTAMP '2024-01-01 00:00:00' + to_minutes(i * 211) END AS ts,
       (i * 7919) % 1000 AS user_id,
       CASE WHEN i % 89 = 0 THEN NULL ELSE round((i % 500) * 1.25, 2)::DECIMAL(10, 2) END AS amount,
       CASE WHEN i % 50 = 0 THEN NULL
            ELSE (['plain', 'a/b', 'x=y', '100%', 'with space', 'ünïcødé', 'NULL', '', 'null',
                   '__HIVE_DEFAULT_PARTITION__', 'quote''s', 'new
line'])[1 + (i % 12)] END AS tag
FROM range(3000) r(i);
)";

std::string MakeDb(const std::string& path, const std::string& sql) {
  db::Database database(db::DatabaseOptions{.path = path});
  db::Connection conn(database);
  conn.Execute(sql);
  return path;
}

// A read-only look at a database file (closed when it goes out of scope).
class Look {
 public:
  explicit Look(const std::string& path)
      : database_(db::DatabaseOptions{.path = path, .access = db::Access::kReadOnly}),
        conn_(database_) {}
  std::string Str(const std::string& sql) {
    db::Result r = conn_.Query(sql);
    return r.IsNull(0, 0) ? "NULL" : r.GetString(0, 0);
  }
  int64_t Int(const std::string& sql) { return conn_.Query(sql).GetInt64(0, 0); }
  db::Connection& conn() { return conn_; }

 private:
  db::Database database_;
  db::Connection conn_;
};

// Writes to a database file (closed when it goes out of scope).
void Exec(const std::string& path, const std::string& sql) {
  db::Database database(db::DatabaseOptions{.path = path});
  db::Connection conn(database);
  conn.Execute(sql);
}

constexpr const char* kCols = "id, ts, user_id, amount, tag";
std::string Checksum(const std::string& relation) {
  return std::string("SELECT CAST(coalesce(sum(hash(") + kCols +
         ")::HUGEINT), 0) AS VARCHAR) FROM " + relation;
}

struct Fixture {
  TempDir dir;
  std::string source = MakeDb(dir / "source.db", kSourceSql);
  std::string target = dir / "target.db";

  TableRunResult Run(const std::string& spec, TableRunOptions o = {}, const std::string& db = "") {
    if (o.database.empty()) o.database = db.empty() ? target : db;
    Workspace ws(SourceOptions{.db_path = source, .table = "t"}, Engine());
    return RunToTables(ws, ParseSpec(spec), o);
  }
  ValidationReport Validate(const std::string& schema = "t_parts", bool with_source = false,
                            const std::string& db = "") {
    if (!with_source) return ValidateTables(db.empty() ? target : db, schema, nullptr, Engine());
    Workspace ws(SourceOptions{.db_path = source, .table = "t"}, Engine());
    return ValidateTables(db.empty() ? target : db, schema, &ws, Engine());
  }
};

std::string Problems(const ValidationReport& r) {
  std::string out;
  for (const auto& p : r.problems) out += p.message + "\n";
  return out;
}

// Source and target attached read-only in one session, to compare them.
class Both {
 public:
  Both(const std::string& source, const std::string& target)
      : database_(db::DatabaseOptions{}), conn_(database_) {
    conn_.Execute("SET TimeZone = 'UTC'");
    conn_.Execute("ATTACH " + db::QuoteLiteral(source) + " AS s (READ_ONLY)");
    conn_.Execute("ATTACH " + db::QuoteLiteral(target) + " AS d (READ_ONLY)");
  }
  std::string Str(const std::string& sql) {
    db::Result r = conn_.Query(sql);
    return r.IsNull(0, 0) ? "NULL" : r.GetString(0, 0);
  }
  int64_t Int(const std::string& sql) { return conn_.Query(sql).GetInt64(0, 0); }

 private:
  db::Database database_;
  db::Connection conn_;
};

// ---------------------------------------------------------------------------------
// Every transform class: each table holds exactly the source rows of its key.

struct SpecCase {
  std::string name;
  std::string spec;
  std::string hand_label;  // the path value from a source row, written by hand; "" = the plan's
};

void PrintTo(const SpecCase& c, std::ostream* os) { *os << c.spec; }

class TableTransforms : public ::testing::TestWithParam<SpecCase> {};

TEST_P(TableTransforms, TablesHoldExactlyTheSourceRowsOfTheirKey) {
  Fixture f;
  const TableRunResult r = f.Run(GetParam().spec);
  ASSERT_FALSE(r.tables.empty());
  // The path value of a source row per field: by hand where it is simple, else the
  // plan's own SQL (which the writer does not use: it joins on the keys table).
  std::vector<std::string> labels;
  for (const auto& field : r.plan.fields) {
    std::string lbl = field.label_sql;
    for (size_t pos; (pos = lbl.find("$k")) != std::string::npos;)
      lbl.replace(pos, 2, "(" + field.key_sql + ")");
    labels.push_back(lbl);
  }
  if (!GetParam().hand_label.empty()) labels = {GetParam().hand_label};
  ASSERT_EQ(labels.size(), r.plan.fields.size());

  Both both(f.source, f.target);
  // The view equals the source as a multiset.
  EXPECT_EQ(both.Int("SELECT count(*) FROM d.main.t_partitioned"), 3000);
  EXPECT_EQ(both.Str(Checksum("d.main.t_partitioned")), both.Str(Checksum("s.main.t")));
  // The catalog names every table, and each table holds the source rows of its key.
  EXPECT_EQ(both.Int("SELECT count(*) FROM d.t_parts._duckpart_partitions"),
            static_cast<int64_t>(r.tables.size()));
  int64_t sum = 0;
  for (const auto& p : r.tables) {
    std::string where = "true";
    for (size_t i = 0; i < labels.size(); ++i) {
      where += " AND (" + labels[i] + ") IS NOT DISTINCT FROM " +
               (p.keys[i] ? db::QuoteLiteral(*p.keys[i]) : "NULL");
    }
    const std::string table = "d.t_parts." + db::QuoteIdent(p.table);
    const std::string src = "(SELECT * FROM s.main.t WHERE " + where + ")";
    EXPECT_EQ(both.Int("SELECT count(*) FROM " + table), both.Int("SELECT count(*) FROM " + src))
        << p.path;
    EXPECT_EQ(both.Str(Checksum(table)), both.Str(Checksum(src))) << p.path;
    EXPECT_EQ(both.Str(Checksum(table)), p.checksum) << p.path;
    EXPECT_EQ(both.Str("SELECT table_name FROM d.t_parts._duckpart_partitions WHERE id = " +
                       std::to_string(p.id)),
              p.table);
    sum += p.rows;
  }
  EXPECT_EQ(sum, 3000);
  // Types are the source's.
  EXPECT_EQ(
      both.Str(
          "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) FROM "
          "duckdb_columns() WHERE database_name = 'd' AND table_name = " +
          db::QuoteLiteral(r.tables[0].table)),
      both.Str(
          "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) FROM "
          "duckdb_columns() WHERE database_name = 's' AND table_name = 't'"));
  const ValidationReport v = f.Validate();
  EXPECT_TRUE(v.ok()) << Problems(v);
  EXPECT_EQ(v.rows, 3000);
  const ValidationReport vs = f.Validate("t_parts", true);
  EXPECT_TRUE(vs.ok()) << Problems(vs);
  EXPECT_TRUE(vs.compared_with_source);
}

INSTANTIATE_TEST_SUITE_P(Specs, TableTransforms,
                         ::testing::Values(SpecCase{"month", "month(ts)", "strftime(ts, '%Y-%m')"},
                                           SpecCase{"bucket", "bucket(5, user_id)", ""},
                                           SpecCase{"identity_hostile_nullable", "identity(tag)",
                                                    "tag"},
                                           SpecCase{"quantile", "quantile(4, amount)", ""},
                                           SpecCase{"two_fields", "year(ts), bucket(3, id)", ""}),
                         [](const auto& info) { return info.param.name; });

TEST(TableRun, TwoFieldsAreCheckedPerField) {
  // (two_fields above only checks through the plan's first label; here, both by hand.)
  Fixture f;
  const TableRunResult r = f.Run("year(ts), bucket(3, id)");
  Both both(f.source, f.target);
  for (const auto& p : r.tables) {
    const std::string y = p.keys[0] ? db::QuoteLiteral(*p.keys[0]) : "NULL";
    const std::string table = "d.t_parts." + db::QuoteIdent(p.table);
    EXPECT_EQ(both.Int("SELECT count(*) FROM " + table +
                       " WHERE CAST(year(ts) AS VARCHAR) IS DISTINCT FROM " + y),
              0)
        << p.path;
    const std::string b = p.keys[1] ? db::QuoteLiteral(*p.keys[1]) : "NULL";
    EXPECT_EQ(both.Int("SELECT count(*) FROM " + table +
                       " WHERE CAST(duckpart_bucket(3, id) AS VARCHAR) IS DISTINCT FROM " + b),
              0)
        << p.path;
  }
}

TEST(TableRun, NullStringNullAndEmptyAreThreeTables) {
  Fixture f;
  const TableRunResult r = f.Run("tag");
  std::map<std::string, const Partition*> by_path;
  for (const auto& p : r.tables) by_path[p.path] = &p;
  ASSERT_TRUE(by_path.count("tag_identity=__HIVE_DEFAULT_PARTITION__"));
  ASSERT_TRUE(by_path.count("tag_identity=%4EULL"));
  ASSERT_TRUE(by_path.count("tag_identity="));
  Look look(f.target);
  const auto* null_part = by_path["tag_identity=__HIVE_DEFAULT_PARTITION__"];
  EXPECT_FALSE(null_part->keys[0].has_value());
  EXPECT_EQ(look.Int("SELECT count(*) FROM t_parts." + db::QuoteIdent(null_part->table) +
                     " WHERE tag IS NULL"),
            60);
  EXPECT_EQ(look.Int("SELECT count(*) FROM t_parts." + db::QuoteIdent(null_part->table)), 60);
  EXPECT_EQ(
      look.Int("SELECT count(*) FROM t_parts._duckpart_partitions WHERE key_tag_identity IS NULL"),
      1);
  EXPECT_EQ(
      look.Int("SELECT count(*) FROM t_parts._duckpart_partitions WHERE key_tag_identity = 'NULL'"),
      1);
  EXPECT_EQ(
      look.Int("SELECT count(*) FROM t_parts._duckpart_partitions WHERE key_tag_identity = ''"), 1);
  EXPECT_EQ(look.Int("SELECT count(*) FROM t_parts." +
                     db::QuoteIdent(by_path["tag_identity=%4EULL"]->table) + " WHERE tag = 'NULL'"),
            by_path["tag_identity=%4EULL"]->rows);
  // Readable, unique, sanitized names.
  std::set<std::string> names;
  for (const auto& p : r.tables) {
    EXPECT_TRUE(names.insert(p.table).second) << p.table;
    EXPECT_EQ(p.table.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos)
        << p.table;
    EXPECT_EQ(p.table.rfind("p", 0), 0u);
  }
  EXPECT_EQ(null_part->table.substr(null_part->table.find('_')), "_tag_identity_null");
}

TEST(TableLayout, TableNamesAreReadableAndPadded) {
  ResolvedField f;
  f.field = ParseSpec("month(ts)").fields[0];
  EXPECT_EQ(tables::PartitionTableName(7, {"2024-03"}, {f}, 3), "p007_ts_month_2024_03");
  EXPECT_EQ(tables::PartitionTableName(7, {std::nullopt}, {f}, 1), "p7_ts_month_null");
  ResolvedField g;
  g.field = ParseSpec("tag").fields[0];
  EXPECT_EQ(tables::PartitionTableName(0, {""}, {g}, 1), "p0_tag_identity_empty");
  EXPECT_EQ(tables::PartitionTableName(1, {"日本語"}, {g}, 1), "p1_tag_identity_x");
  EXPECT_EQ(tables::PartitionTableName(2, {"A/b=C"}, {g}, 1), "p2_tag_identity_a_b_c");
  EXPECT_LE(tables::PartitionTableName(3, {std::string(200, 'z')}, {g}, 1).size(), 63u);
  EXPECT_EQ(tables::PidWidth(1), 1u);
  EXPECT_EQ(tables::PidWidth(10), 1u);
  EXPECT_EQ(tables::PidWidth(11), 2u);
}

TEST(TableLayout, BalancedUnionStaysShallow) {
  std::vector<std::string> selects;
  for (int i = 0; i < 3000; ++i) selects.push_back("SELECT " + std::to_string(i) + " AS x");
  db::Database database(db::DatabaseOptions{});
  db::Connection conn(database);
  EXPECT_EQ(conn.Query("SELECT count(*), sum(x) FROM (" + tables::BalancedUnionAll(selects) + ")")
                .GetInt64(0, 1),
            2999 * 3000 / 2);
}

// ---------------------------------------------------------------------------------
// Strategies, sorting, sources.

TEST(TableRun, EveryStagingStrategyGivesTheSameTables) {
  std::string first_manifest_checksums;
  for (const std::string staging : {"scan", "sorted", "auto"}) {
    Fixture f;
    TableRunOptions o;
    o.staging = staging;
    const TableRunResult r = f.Run("bucket(40, id)", o);
    EXPECT_EQ(r.tables.size(), 40u);
    EXPECT_EQ(r.strategy, staging == "auto" ? "sorted" : staging)
        << "40 buckets in one row group: 40x reads";
    if (staging == "auto") EXPECT_DOUBLE_EQ(r.scan_amplification, 40);
    const ValidationReport v = f.Validate("t_parts", true);
    EXPECT_TRUE(v.ok()) << Problems(v);
  }
}

TEST(TableRun, AutoStagingSortsOnlyWhenTheKeyIsNotClustered) {
  TempDir dir;
  // 400,000 rows in time order over four months: each row group holds one or two months.
  const std::string src =
      MakeDb(dir / "s.db",
             "CREATE TABLE t AS SELECT i AS id, TIMESTAMP '2020-01-01' + to_seconds(i * 26) AS ts "
             "FROM range(400000) r(i) ORDER BY ts");
  Workspace ws(SourceOptions{.db_path = src, .table = "t"}, Engine());
  const TableRunResult r =
      RunToTables(ws, ParseSpec("month(ts)"), TableRunOptions{.database = dir / "d.db"});
  EXPECT_EQ(r.tables.size(), 4u);
  EXPECT_EQ(r.strategy, "scan");
  EXPECT_GE(r.scan_amplification, 1);
  EXPECT_LE(r.scan_amplification, 4);
  // A hashed key is spread over every row group.
  const TableRunResult b =
      RunToTables(ws, ParseSpec("bucket(40, id)"), TableRunOptions{.database = dir / "b.db"});
  EXPECT_EQ(b.strategy, "sorted");
  EXPECT_GT(b.scan_amplification, 30);
  EXPECT_TRUE(ValidateTables(dir / "d.db", "", nullptr, Engine()).ok());
  EXPECT_TRUE(ValidateTables(dir / "b.db", "", nullptr, Engine()).ok());
  // A query has no rowid: the staged rows are measured instead, and sorted afterwards.
  Workspace q(SourceOptions{.db_path = src, .query = "SELECT * FROM t"}, Engine());
  const TableRunResult qs = RunToTables(q, ParseSpec("bucket(40, id)"),
                                        TableRunOptions{.database = dir / "q.db", .schema = "qb"});
  EXPECT_EQ(qs.strategy, "sorted");
  EXPECT_GT(qs.scan_amplification, 30);
  const TableRunResult qm = RunToTables(q, ParseSpec("month(ts)"),
                                        TableRunOptions{.database = dir / "q.db", .schema = "qm"});
  EXPECT_LE(qm.scan_amplification, 4);
  EXPECT_TRUE(ValidateTables(dir / "q.db", "qb", nullptr, Engine()).ok());
  EXPECT_TRUE(ValidateTables(dir / "q.db", "qm", nullptr, Engine()).ok());
}

TEST(TableRun, SessionSettingsAreRestored) {
  Fixture f;
  Workspace ws(SourceOptions{.db_path = f.source, .table = "t"}, Engine());
  auto settings = [&] {
    return WorkspaceConnection(ws)
        .Query(
            "SELECT current_setting('threads') || ',' || "
            "current_setting('preserve_insertion_order')")
        .GetString(0, 0);
  };
  const std::string before = settings();
  TableRunOptions o{.database = f.target, .sort_by = "id"};
  RunToTables(ws, ParseSpec("bucket(3, id)"), o);
  EXPECT_EQ(settings(), before);
  o.replace = true;
  o.before_verify = [](db::Connection&, const std::string&) { throw RuntimeFailure("injected"); };
  EXPECT_THROW(RunToTables(ws, ParseSpec("bucket(3, id)"), o), RuntimeFailure);
  EXPECT_EQ(settings(), before);
  // A DuckDB error aborts the transaction; the settings still come back.
  o.before_verify = [](db::Connection& conn, const std::string&) {
    conn.Execute("SELECT * FROM no_such_table");
  };
  EXPECT_THROW(RunToTables(ws, ParseSpec("bucket(3, id)"), o),
               Error);  // DuckDB's error, as a duckpart Error (ops/failure.h)
  EXPECT_EQ(settings(), before);
  EXPECT_EQ(WorkspaceConnection(ws).Query("SELECT count(*) FROM " + ws.relation()).GetInt64(0, 0),
            3000);
  EXPECT_TRUE(ValidateTables(f.target, "t_parts", nullptr, Engine()).ok());
  EXPECT_EQ(
      WorkspaceConnection(ws)
          .Query(
              "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE '%stage%'")
          .GetInt64(0, 0),
      0);
}

TEST(TableRun, SortByOrdersRowsInsideEachTable) {
  Fixture f;
  TableRunOptions o;
  o.sort_by = "amount, id";
  const TableRunResult r = f.Run("bucket(3, user_id)", o);
  Look look(f.target);
  for (const auto& p : r.tables) {
    EXPECT_EQ(look.Int("SELECT count(*) FROM (SELECT amount, id, lag(amount) OVER () AS pa, "
                       "lag(id) OVER () AS pi "
                       "FROM t_parts." +
                       db::QuoteIdent(p.table) +
                       ") WHERE pa IS NOT NULL AND (amount < pa OR (amount = pa AND id < pi))"),
              0)
        << p.table;
  }
  o.sort_by = "nope";
  o.replace = true;
  EXPECT_THROW(f.Run("bucket(3, user_id)", o), InputError);
}

TEST(TableRun, ColumnsNamedLikeTheKeysTableStillWork) {
  TempDir dir;
  const std::string src =
      MakeDb(dir / "s.db",
             "CREATE TABLE t AS SELECT i AS pid, i % 3 AS \"rows\", i % 5 AS checksum, "
             "'x' || (i % 4) AS k FROM range(500) r(i)");
  Workspace ws(SourceOptions{.db_path = src, .table = "t"}, Engine());
  const TableRunResult r = RunToTables(ws, ParseSpec("identity(\"rows\"), bucket(2, checksum)"),
                                       TableRunOptions{.database = dir / "d.db"});
  EXPECT_GE(r.tables.size(), 3u);
  EXPECT_EQ(r.manifest.total_rows, 500);
  const ValidationReport v = ValidateTables(dir / "d.db", "", nullptr, Engine());
  EXPECT_TRUE(v.ok()) << Problems(v);
  // duckpart's own prefix is refused before any work
  const std::string reserved = MakeDb(dir / "r.db", "CREATE TABLE t AS SELECT 1 AS __dp_k1");
  EXPECT_THROW(Workspace(SourceOptions{.db_path = reserved, .table = "t"}, Engine()), InputError);
}

TEST(TableRun, EmptySourceGivesAnEmptyViewOfTheRightType) {
  TempDir dir;
  const std::string src =
      MakeDb(dir / "s.db", "CREATE TABLE t (id INTEGER, ts TIMESTAMP, d DECIMAL(9, 3))");
  Workspace ws(SourceOptions{.db_path = src, .table = "t"}, Engine());
  const TableRunResult r =
      RunToTables(ws, ParseSpec("month(ts)"), TableRunOptions{.database = dir / "d.db"});
  EXPECT_TRUE(r.tables.empty());
  Look look(dir / "d.db");
  EXPECT_EQ(look.Int("SELECT count(*) FROM t_partitioned"), 0);
  EXPECT_EQ(look.Str("SELECT string_agg(column_type, ',') FROM (DESCRIBE t_partitioned)"),
            "INTEGER,TIMESTAMP,DECIMAL(9,3)");
  EXPECT_TRUE(ValidateTables(dir / "d.db", "t_parts", nullptr, Engine()).ok());
}

TEST(TableRun, QuerySourceNeedsASchemaName) {
  Fixture f;
  Workspace ws(SourceOptions{.db_path = f.source, .query = "SELECT * FROM t WHERE id < 100"},
               Engine());
  EXPECT_THROW(RunToTables(ws, ParseSpec("bucket(2, id)"), TableRunOptions{.database = f.target}),
               InputError);
  EXPECT_FALSE(fs::exists(f.target));
  const TableRunResult r = RunToTables(ws, ParseSpec("bucket(2, id)"),
                                       TableRunOptions{.database = f.target, .schema = "small"});
  EXPECT_EQ(r.view, "main.small_partitioned");
  Look look(f.target);
  EXPECT_EQ(look.Int("SELECT count(*) FROM small_partitioned"), 100);
}

TEST(TableRun, CustomSchemaAndViewNames) {
  Fixture f;
  TableRunOptions o;
  o.schema = "Parts Of T";
  o.view = "all \"t\"";
  f.Run("bucket(2, id)", o);
  Look look(f.target);
  EXPECT_EQ(look.Int("SELECT count(*) FROM \"all \"\"t\"\"\""), 3000);
  EXPECT_EQ(look.Int("SELECT count(*) FROM \"Parts Of T\"._duckpart_partitions"), 2);
  EXPECT_TRUE(f.Validate("parts of t").ok());
}

// ---------------------------------------------------------------------------------
// The same file as the source.

TEST(TableRun, SameFileLeavesTheSourceTableUnchanged) {
  Fixture f;
  const std::string before = Look(f.source).Str(Checksum("t"));
  const TableRunResult r = f.Run("month(ts)", {}, f.source);
  EXPECT_TRUE(r.same_file);
  Look look(f.source);
  EXPECT_EQ(look.Str(Checksum("t")), before);
  EXPECT_EQ(look.Int("SELECT count(*) FROM t"), 3000);
  EXPECT_EQ(look.Str(Checksum("t_partitioned")), before);
  EXPECT_EQ(look.Int("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'"), 1);
}

TEST(TableRun, SameFileValidatesAgainstTheSource) {
  Fixture f;
  f.Run("identity(tag)", {}, f.source);
  Workspace ws(SourceOptions{.db_path = f.source, .table = "t"}, Engine());
  const ValidationReport v = ValidateTables(f.source, "t_parts", &ws, Engine());
  EXPECT_TRUE(v.ok()) << Problems(v);
  EXPECT_TRUE(v.compared_with_source);
  // The workspace still reads its source afterwards (the source stays attached read-only).
  EXPECT_EQ(WorkspaceConnection(ws).Query("SELECT count(*) FROM " + ws.relation()).GetInt64(0, 0),
            3000);
}

TEST(TableRun, SameFileWithAQuerySource) {
  Fixture f;
  const std::string before = Look(f.source).Str(Checksum("t"));
  Workspace ws(SourceOptions{.db_path = f.source, .query = "SELECT * FROM t WHERE id % 2 = 0"},
               Engine());
  const TableRunResult r = RunToTables(ws, ParseSpec("month(ts)"),
                                       TableRunOptions{.database = f.source, .schema = "even"});
  EXPECT_TRUE(r.same_file);
  Look look(f.source);
  EXPECT_EQ(look.Str(Checksum("t")), before);
  EXPECT_EQ(look.Int("SELECT count(*) FROM even_partitioned"), 1500);
  EXPECT_EQ(look.Str(Checksum("even_partitioned")),
            look.Str(Checksum("(SELECT * FROM t WHERE id % 2 = 0)")));
  // The query still binds in the workspace afterwards (its default database is back).
  EXPECT_EQ(WorkspaceConnection(ws).Query("SELECT count(*) FROM " + ws.relation()).GetInt64(0, 0),
            1500);
}

TEST(TableRun, SameFileWorkspaceIsReadOnlyAgainAfterTheRun) {
  Fixture f;
  Workspace ws(SourceOptions{.db_path = f.source, .table = "t"}, Engine());
  RunToTables(ws, ParseSpec("bucket(2, id)"), TableRunOptions{.database = f.source});
  EXPECT_THROW(WorkspaceConnection(ws).Execute("CREATE TABLE src.main.x (i INTEGER)"), db::DbError);
  EXPECT_EQ(WorkspaceConnection(ws).Query("SELECT count(*) FROM " + ws.relation()).GetInt64(0, 0),
            3000);
}

// ---------------------------------------------------------------------------------
// Refusals, replace, failures.

TEST(TableRun, ExistingSchemaWithoutReplaceIsRefusedBeforeAnyWork) {
  Fixture f;
  f.Run("month(ts)");
  const std::string spec_before =
      Look(f.target).Str("SELECT value FROM t_parts._duckpart_spec WHERE key = 'manifest'");
  int phases = 0;
  Workspace ws(SourceOptions{.db_path = f.source, .table = "t"}, Engine());
  try {
    RunToTables(ws, ParseSpec("bucket(2, id)"), TableRunOptions{.database = f.target},
                [&](const std::string&) { ++phases; });
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--replace"), std::string::npos) << e.what();
  }
  EXPECT_EQ(phases, 0);
  EXPECT_EQ(Look(f.target).Str("SELECT value FROM t_parts._duckpart_spec WHERE key = 'manifest'"),
            spec_before);
}

TEST(TableRun, ReplaceSwapsSchemaAndViewAndCountsVersions) {
  Fixture f;
  f.Run("month(ts)");
  TableRunOptions o;
  o.replace = true;
  const TableRunResult r = f.Run("bucket(3, id)", o);
  EXPECT_EQ(r.manifest.version, 2);
  Look look(f.target);
  EXPECT_EQ(look.Int("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 't_parts'"), 3 + 2);
  EXPECT_EQ(look.Str("SELECT value FROM t_parts._duckpart_spec WHERE key = 'spec'"),
            "bucket(3, id)");
  EXPECT_EQ(look.Str("SELECT value FROM t_parts._duckpart_spec WHERE key = 'version'"), "2");
  EXPECT_EQ(look.Int("SELECT count(*) FROM t_partitioned"), 3000);
}

TEST(TableRun, ReplaceWithAnotherViewNameDropsTheOldView) {
  Fixture f;
  f.Run("month(ts)");
  TableRunOptions o;
  o.replace = true;
  o.view = "t_all";
  f.Run("bucket(3, id)", o);
  Look look(f.target);
  EXPECT_EQ(
      look.Int(
          "SELECT count(*) FROM duckdb_views() WHERE NOT internal AND view_name = 't_partitioned'"),
      0);
  EXPECT_EQ(look.Int("SELECT count(*) FROM t_all"), 3000);
}

TEST(TableRun, ForeignSchemaOrViewIsRefusedEvenWithReplace) {
  Fixture f;
  Exec(f.target, "CREATE SCHEMA t_parts; CREATE TABLE t_parts.mine (i INTEGER)");
  TableRunOptions o;
  o.replace = true;
  EXPECT_THROW(f.Run("month(ts)", o), InputError);
  Exec(f.target, "DROP SCHEMA t_parts CASCADE; CREATE TABLE t_partitioned (i INTEGER)");
  EXPECT_THROW(f.Run("month(ts)", o), InputError);
  Exec(f.target, "DROP TABLE t_partitioned; CREATE VIEW t_partitioned AS SELECT 1 AS one");
  EXPECT_THROW(f.Run("month(ts)", o), InputError);
  Look look(f.target);
  EXPECT_EQ(look.Int("SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 't_parts'"), 0);
  o.schema = "main";
  EXPECT_THROW(f.Run("month(ts)", o), InputError);
}

TEST(TableRun, VerificationFailureRollsBackToThePreviousState) {
  Fixture f;
  f.Run("month(ts)");
  const std::string before =
      Look(f.target).Str("SELECT value FROM t_parts._duckpart_spec WHERE key = 'manifest'");
  TableRunOptions o;
  o.replace = true;
  bool called = false;
  o.before_verify = [&](db::Connection& conn, const std::string& catalog) {
    called = true;
    conn.Execute("DELETE FROM " + db::QuoteIdent(catalog) +
                 ".t_parts.p1_id_bucket_1 WHERE id IN "
                 "(SELECT id FROM " +
                 db::QuoteIdent(catalog) + ".t_parts.p1_id_bucket_1 LIMIT 1)");
  };
  try {
    f.Run("bucket(3, id)", o);
    FAIL() << "expected CheckFailed";
  } catch (const CheckFailed& e) {
    EXPECT_NE(std::string(e.what()).find("p1_id_bucket_1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("rolled back"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(called);
  Look look(f.target);
  EXPECT_EQ(look.Str("SELECT value FROM t_parts._duckpart_spec WHERE key = 'manifest'"), before);
  EXPECT_EQ(look.Int("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%bucket%'"), 0);
  EXPECT_EQ(look.Int("SELECT count(*) FROM t_partitioned"), 3000);
}

TEST(TableRun, MisplacedRowFailsVerification) {
  Fixture f;
  TableRunOptions o;
  o.before_verify = [&](db::Connection& conn, const std::string& catalog) {
    const std::string s = db::QuoteIdent(catalog) + ".t_parts.";
    conn.Execute("INSERT INTO " + s + "p0_id_bucket_0 SELECT * FROM " + s +
                 "p1_id_bucket_1 LIMIT 1");
    conn.Execute("DELETE FROM " + s + "p1_id_bucket_1 WHERE id = (SELECT max(id) FROM " + s +
                 "p0_id_bucket_0 "
                 "WHERE hash(id) % 2 = 1)");
  };
  EXPECT_THROW(f.Run("bucket(2, id)", o), CheckFailed);
  EXPECT_FALSE(fs::exists(f.target)) << "a target this run created is removed again";
}

TEST(TableRun, ErrorMidwayLeavesThePreviousState) {
  Fixture f;
  f.Run("month(ts)");
  TableRunOptions o;
  o.replace = true;
  o.before_verify = [](db::Connection&, const std::string&) { throw RuntimeFailure("injected"); };
  EXPECT_THROW(f.Run("bucket(3, id)", o), RuntimeFailure);
  const ValidationReport v = f.Validate();
  EXPECT_TRUE(v.ok()) << Problems(v);
  EXPECT_EQ(v.version, 1);
  EXPECT_EQ(Look(f.target).Str("SELECT value FROM t_parts._duckpart_spec WHERE key = 'spec'"),
            "month(ts)");
}

TEST(TableRun, MorePartitionTablesThanTheMemoryLimitHoldsAreRefusedUpFront) {
  Fixture f;
  EngineOptions small = Engine();
  small.memory_limit = "32MB";
  Workspace ws(SourceOptions{.db_path = f.source, .table = "t"}, small);
  int writes = 0;
  try {
    RunToTables(ws, ParseSpec("bucket(500, id)"), TableRunOptions{.database = f.target},
                [&](const std::string& phase) { writes += phase == "write"; });
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--memory-limit"), std::string::npos) << e.what();
  }
  EXPECT_EQ(writes, 0);
  EXPECT_FALSE(fs::exists(f.target));
  // Fewer partitions fit.
  EXPECT_EQ(RunToTables(ws, ParseSpec("bucket(20, id)"), TableRunOptions{.database = f.target})
                .tables.size(),
            20u);
}

TEST(TableRun, BadSpecCreatesNoTargetFile) {
  Fixture f;
  EXPECT_THROW(f.Run("month(nope)"), InputError);
  EXPECT_FALSE(fs::exists(f.target));
}

// ---------------------------------------------------------------------------------
// Validation finds damage.

struct Damage {
  std::string name;
  std::string sql;     // run on the target after a clean run of bucket(3, id)
  std::string needle;  // a problem must contain this
};

void PrintTo(const Damage& d, std::ostream* os) { *os << d.name; }

class TableDamage : public ::testing::TestWithParam<Damage> {};

TEST_P(TableDamage, ValidateNamesIt) {
  Fixture f;
  f.Run("bucket(3, id)");
  ASSERT_TRUE(f.Validate().ok());
  Exec(f.target, GetParam().sql);
  const ValidationReport v = f.Validate();
  ASSERT_FALSE(v.ok());
  bool found = false;
  for (const auto& p : v.problems) found |= p.message.find(GetParam().needle) != std::string::npos;
  EXPECT_TRUE(found) << "no problem mentions '" << GetParam().needle << "':\n" << Problems(v);
}

INSTANTIATE_TEST_SUITE_P(
    Damages, TableDamage,
    ::testing::Values(
        Damage{"row_deleted",
               "DELETE FROM t_parts.p0_id_bucket_0 WHERE id = (SELECT min(id) FROM "
               "t_parts.p0_id_bucket_0)",
               "table p0_id_bucket_0 has "},
        Damage{"row_moved",
               "INSERT INTO t_parts.p2_id_bucket_2 SELECT * FROM t_parts.p0_id_bucket_0 WHERE id = "
               "(SELECT min(id) FROM t_parts.p0_id_bucket_0); DELETE FROM t_parts.p0_id_bucket_0 "
               "WHERE id = "
               "(SELECT min(id) FROM t_parts.p0_id_bucket_0)",
               "p2_id_bucket_2 holds 1 rows that belong to another partition"},
        Damage{"row_changed",
               "UPDATE t_parts.p1_id_bucket_1 SET amount = 123456 WHERE id = "
               "(SELECT min(id) FROM t_parts.p1_id_bucket_1)",
               "p1_id_bucket_1 has content checksum"},
        Damage{"table_dropped", "DROP TABLE t_parts.p1_id_bucket_1",
               "table t_parts.p1_id_bucket_1 is missing"},
        Damage{"column_type_changed",
               "ALTER TABLE t_parts.p2_id_bucket_2 ALTER COLUMN user_id TYPE INTEGER",
               "column user_id is INTEGER, expected BIGINT"},
        Damage{"column_dropped", "ALTER TABLE t_parts.p2_id_bucket_2 DROP COLUMN tag",
               "lacks column tag"},
        Damage{"extra_table",
               "CREATE TABLE t_parts.p9_stray AS SELECT * FROM t_parts.p0_id_bucket_0 LIMIT 0",
               "p9_stray is not in the catalog"},
        Damage{"catalog_row_deleted", "DELETE FROM t_parts._duckpart_partitions WHERE id = 1",
               "has no row in _duckpart_partitions"},
        Damage{"view_dropped", "DROP VIEW t_partitioned", "view main.t_partitioned is missing"},
        Damage{"view_changed",
               "CREATE OR REPLACE VIEW t_partitioned AS SELECT * FROM t_parts.p0_id_bucket_0",
               "view main.t_partitioned has"}),
    [](const auto& info) { return info.param.name; });

TEST(TableValidate, TypeChangeAloneKeepsTheChecksum) {
  Fixture f;
  f.Run("bucket(3, id)");
  Exec(f.target, "ALTER TABLE t_parts.p2_id_bucket_2 ALTER COLUMN user_id TYPE INTEGER");
  const ValidationReport v = f.Validate();
  EXPECT_FALSE(v.ok());
  for (const auto& p : v.problems)
    EXPECT_EQ(p.message.find("checksum"), std::string::npos) << p.message;
}

TEST(TableValidate, ComparesWithAChangedSource) {
  Fixture f;
  f.Run("bucket(3, id)");
  Exec(f.source, "DELETE FROM t WHERE id = 5");
  const ValidationReport v = f.Validate("t_parts", true);
  EXPECT_FALSE(v.ok());
  EXPECT_TRUE(f.Validate().ok()) << "without the source, the tables are consistent";
}

TEST(TableValidate, FindsTheOnlySchemaOrAsks) {
  Fixture f;
  EXPECT_THROW(f.Validate("", false, f.source), InputError);  // no duckpart schema
  f.Run("bucket(3, id)");
  EXPECT_TRUE(f.Validate("").ok());
  TableRunOptions o;
  o.schema = "other";
  EXPECT_EQ(f.Run("bucket(2, id)", o).view,
            "main.other_partitioned");  // named after the schema given
  EXPECT_THROW(f.Validate(""), InputError);
  EXPECT_TRUE(f.Validate("other").ok());
  EXPECT_THROW(f.Validate("missing"), InputError);
  EXPECT_THROW(f.Validate("t_parts", false, f.dir / "nope.db"), InputError);
  EXPECT_EQ(ListTableDatasets(f.target, Engine()), (std::vector<std::string>{"other", "t_parts"}));
}

}  // namespace
}  // namespace duckpart::testing

// The proof of a version built on the current one inside the tables target's transaction
// (tables/table_delta.h): it holds on the tables as written, and names a touched table with
// a wrong row, an untouched table whose row count changed, and a table nobody expected.
#include "tables/table_delta.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/table_run.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

bool Names(const tables::TableVerifyReport& r, const std::string& kind, const std::string& part) {
  return std::any_of(r.problems.begin(), r.problems.end(), [&](const ValidationProblem& p) {
    return p.kind == kind && p.message.find(part) != std::string::npos;
  });
}

TEST(TableDelta, VerifyNamesAWrongTouchedTableAChangedUntouchedOneAndAnExtraTable) {
  TempDir dir;
  const std::string path = dir / "t.db";
  {
    db::Database d(db::DatabaseOptions{.path = path});
    db::Connection c(d);
    c.Execute("CREATE TABLE t AS SELECT i AS id, i % 3 AS k FROM range(300) r(i)");
  }
  {
    Workspace ws(SourceOptions{.db_path = path, .table = "t"}, EngineOptions{});
    RunToTables(ws, ParseSpec("k"), TableRunOptions{.database = path, .schema = "ev"});
  }
  db::Database d(db::DatabaseOptions{.path = path});
  db::Connection conn(d);
  const tables::TablesPlace place{
      .catalog = conn.Query("SELECT current_database()").GetString(0, 0),
      .schema = "ev",
      .view = "ev_partitioned"};
  const Manifest m = tables::ReadTablesBase(conn, place);
  ASSERT_EQ(m.partitions.size(), 3u);
  ops::Change change;
  change.plan.partitions = m.partitions;
  change.written = {m.partitions[0]};
  EXPECT_TRUE(tables::VerifyDeltaTables(conn, place, m, change, m.partitions).ok());

  const auto table = [&](size_t i) { return "ev." + db::QuoteIdent(m.partitions[i].table); };
  conn.Execute("INSERT INTO " + table(0) + " SELECT * FROM " + table(0) + " LIMIT 1");
  conn.Execute("DELETE FROM " + table(1) + " WHERE id = (SELECT min(id) FROM " + table(1) + ")");
  conn.Execute("CREATE TABLE ev.stray AS SELECT 1 AS x");
  const tables::TableVerifyReport r =
      tables::VerifyDeltaTables(conn, place, m, change, m.partitions);
  EXPECT_TRUE(Names(r, "rows", m.partitions[0].table)) << r.problems.front().message;
  EXPECT_TRUE(Names(r, "extra_table", "stray"));
  conn.Execute("DROP TABLE ev.stray");
  conn.Execute("DELETE FROM " + table(2) + " WHERE id = (SELECT min(id) FROM " + table(2) + ")");
  const tables::TableVerifyReport u =
      tables::VerifyDeltaTables(conn, place, m, change, m.partitions);
  EXPECT_TRUE(Names(u, "rows", m.partitions[1].table)) << u.problems.front().message;
  EXPECT_TRUE(Names(u, "rows", m.partitions[2].table));
  EXPECT_TRUE(Names(u, "view", "299 rows, expected 300"));
  EXPECT_FALSE(Names(u, "extra_table", "stray"));
}

}  // namespace
}  // namespace duckpart::testing

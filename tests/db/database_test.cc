#include "db/database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "support/temp_dir.h"

namespace duckpart::db {
namespace {

using duckpart::testing::TempDir;

TEST(Database, InMemoryQueryReturnsTypedValues) {
  Database database(DatabaseOptions{});
  Connection conn(database);
  Result r = conn.Query(
      "SELECT 42::BIGINT AS i, 2.5::DOUBLE AS d, 'héllo' AS s, NULL::INT AS n, true AS b");
  ASSERT_EQ(r.RowCount(), 1u);
  ASSERT_EQ(r.ColumnCount(), 5u);
  EXPECT_EQ(r.ColumnName(2), "s");
  EXPECT_EQ(r.ColumnType(0), DUCKDB_TYPE_BIGINT);
  EXPECT_EQ(r.GetInt64(0, 0), 42);
  EXPECT_DOUBLE_EQ(r.GetDouble(0, 1), 2.5);
  EXPECT_EQ(r.GetString(0, 2), "héllo");
  EXPECT_TRUE(r.IsNull(0, 3));
  EXPECT_EQ(r.GetOptionalString(0, 3), std::nullopt);
  EXPECT_TRUE(r.GetBool(0, 4));
}

TEST(Database, ErrorsKeepDuckDbErrorClass) {
  Database database(DatabaseOptions{});
  Connection conn(database);
  auto kind_of = [&](const std::string& sql) {
    try {
      conn.Execute(sql);
    } catch (const DbError& e) {
      return e.kind();
    }
    return ErrorKind::kUnknown;
  };
  EXPECT_EQ(kind_of("SELEC 1"), ErrorKind::kParser);
  EXPECT_EQ(kind_of("SELECT * FROM no_such_table"), ErrorKind::kCatalog);
  EXPECT_EQ(kind_of("SELECT no_such_column FROM range(1)"), ErrorKind::kBinder);
  EXPECT_EQ(kind_of("SELECT 'abc'::INT"), ErrorKind::kConversion);
  conn.Execute("CREATE TABLE t (k INT PRIMARY KEY)");
  conn.Execute("INSERT INTO t VALUES (1)");
  EXPECT_EQ(kind_of("INSERT INTO t VALUES (1)"), ErrorKind::kConstraint);
  EXPECT_EQ(kind_of("SELECT * FROM read_parquet('/nonexistent/x.parquet')"), ErrorKind::kIo);
}

TEST(Database, OutOfMemoryIsClassifiedAndRetryable) {
  Database database(DatabaseOptions{.memory_limit = "32MB", .threads = 1});
  Connection conn(database);
  conn.Execute("SET temp_directory = ''");  // no spilling: the sort must fail
  try {
    conn.Execute("SELECT list(md5(i::VARCHAR)) FROM range(3000000) r(i)");
    FAIL() << "expected out of memory";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kOutOfMemory) << e.what();
    EXPECT_TRUE(e.IsRetryable());
  }
}

TEST(Database, ReadOnlyOpenRefusesWritesAndMissingFile) {
  TempDir dir;
  const std::string path = dir / "a.db";
  {
    Database database(DatabaseOptions{.path = path});
    Connection(database).Execute("CREATE TABLE t AS SELECT 1 AS x");
  }
  Database database(DatabaseOptions{.path = path, .access = Access::kReadOnly});
  Connection conn(database);
  EXPECT_EQ(conn.Query("SELECT x FROM t").GetInt64(0, 0), 1);
  EXPECT_THROW(conn.Execute("INSERT INTO t VALUES (2)"), DbError);
  EXPECT_THROW(Database(DatabaseOptions{.path = dir / "missing.db", .access = Access::kReadOnly}),
               DbError);
}

TEST(Database, SettingsAreApplied) {
  TempDir dir;
  Database database(DatabaseOptions{.memory_limit = "300MB",
                                    .threads = 1,
                                    .temp_directory = dir / "spill",
                                    .max_temp_directory_size = "1GB"});
  Connection conn(database);
  EXPECT_EQ(conn.Query("SELECT current_setting('threads')").GetInt64(0, 0), 1);
  EXPECT_EQ(conn.Query("SELECT current_setting('temp_directory')").GetString(0, 0), dir / "spill");
  EXPECT_THROW(Database(DatabaseOptions{.memory_limit = "lots"}), DbError);
}

TEST(PreparedStatement, BindsParametersWithoutPasting) {
  Database database(DatabaseOptions{});
  Connection conn(database);
  auto stmt = conn.Prepare("SELECT $1::VARCHAR || '!', $2 + 1, $3 * 2, $4 IS NULL");
  stmt.Bind(1, std::string("x'); DROP TABLE y; --")).Bind(2, int64_t{41}).Bind(3, 1.25).BindNull(4);
  Result r = stmt.Execute();
  EXPECT_EQ(r.GetString(0, 0), "x'); DROP TABLE y; --!");
  EXPECT_EQ(r.GetInt64(0, 1), 42);
  EXPECT_DOUBLE_EQ(r.GetDouble(0, 2), 2.5);
  EXPECT_TRUE(r.GetBool(0, 3));
  EXPECT_THROW(stmt.Bind(9, int64_t{1}), DbError);
  EXPECT_THROW(conn.Prepare("SELECT FROM WHERE"), DbError);
}

TEST(Appender, AppendsRowsOfEveryKind) {
  Database database(DatabaseOptions{});
  Connection conn(database);
  conn.Execute("CREATE TABLE t (i BIGINT, d DOUBLE, s VARCHAR)");
  {
    Appender app(conn, "", "t");
    for (int64_t i = 0; i < 1000; ++i) {
      app.Append(i).Append(static_cast<double>(i) / 2);
      if (i % 10 == 0)
        app.AppendNull();
      else
        app.Append("v" + std::to_string(i));
      app.EndRow();
    }
    app.Flush();
  }
  Result r = conn.Query("SELECT count(*), sum(i), count(s) FROM t");
  EXPECT_EQ(r.GetInt64(0, 0), 1000);
  EXPECT_EQ(r.GetInt64(0, 1), 999 * 1000 / 2);
  EXPECT_EQ(r.GetInt64(0, 2), 900);
  EXPECT_THROW(Appender(conn, "", "missing"), DbError);
}

TEST(Connection, InterruptStopsARunningQuery) {
  Database database(DatabaseOptions{.threads = 2});
  Connection conn(database);
  std::atomic<bool> done = false;
  std::thread stopper([&] {
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      conn.Interrupt();
    }
  });
  ErrorKind kind = ErrorKind::kUnknown;
  try {
    conn.Execute("SELECT count(*) FROM range(10000000000) a(i), range(10) b(j) WHERE i % 7 = j");
  } catch (const DbError& e) {
    kind = e.kind();
  }
  done = true;
  stopper.join();
  EXPECT_EQ(kind, ErrorKind::kInterrupt);
}

TEST(Connection, ProgressIsReportedWhileAQueryRuns) {
  Database database(DatabaseOptions{.threads = 2});
  Connection conn(database);
  conn.Execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false");
  conn.Execute("CREATE TABLE big AS SELECT i FROM range(30000000) r(i)");
  std::atomic<bool> done = false;
  std::atomic<double> best = -1;
  std::thread watcher([&] {
    while (!done) {
      if (auto p = conn.Progress(); p && *p > best) best = *p;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  conn.Execute("SELECT i % 1000, count(*) FROM big GROUP BY ALL ORDER BY ALL");
  done = true;
  watcher.join();
  EXPECT_GE(best.load(), 0.0);
  EXPECT_LE(best.load(), 1.0);
}

TEST(LibraryVersion, IsThePinnedLtsRelease) { EXPECT_EQ(LibraryVersion(), "v1.4.4"); }

}  // namespace
}  // namespace duckpart::db

// --max-temp-size reaches DuckDB and is enforced (DuckDB 1.4 ignores the start-up
// setting; db::Database applies it at run time).
#include <gtest/gtest.h>

#include "db/database.h"
#include "support/temp_dir.h"

namespace duckpart::db {
namespace {

TEST(TempLimit, TheSpillCapIsEnforced) {
  testing::TempDir dir;
  Database database(DatabaseOptions{.memory_limit = "32MB",
                                    .threads = 1,
                                    .temp_directory = dir / "tmp",
                                    .max_temp_directory_size = "1MB"});
  Connection conn(database);
  EXPECT_EQ(conn.Query("SELECT current_setting('max_temp_directory_size')").GetString(0, 0),
            "976.5 KiB");
  try {
    conn.Execute(
        "CREATE TABLE big AS SELECT i, CAST(i AS VARCHAR) || 'padding padding' AS s FROM "
        "range(5000000) r(i)");
    FAIL() << "40+ MB in a 32 MB session with 1 MB of spill should fail";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kOutOfMemory);
    EXPECT_NE(std::string(e.what()).find("max_temp_directory_size"), std::string::npos) << e.what();
  }
}

TEST(TempLimit, ABadCapIsAnInvalidInput) {
  try {
    Database database(DatabaseOptions{.max_temp_directory_size = "lots"});
    FAIL() << "no exception";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  }
}

}  // namespace
}  // namespace duckpart::db

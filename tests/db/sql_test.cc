#include "db/sql.h"

#include <gtest/gtest.h>

#include "db/database.h"

namespace duckpart::db {
namespace {

TEST(QuoteIdent, DoublesEmbeddedQuotes) {
  EXPECT_EQ(QuoteIdent("plain"), "\"plain\"");
  EXPECT_EQ(QuoteIdent("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
  EXPECT_EQ(QualifiedName("s p", "t;x"), "\"s p\".\"t;x\"");
}

TEST(QuoteIdent, RejectsNulByte) {
  EXPECT_THROW(QuoteIdent(std::string("a\0b", 3)), std::invalid_argument);
  EXPECT_THROW(QuoteLiteral(std::string("a\0b", 3)), std::invalid_argument);
}

// Hostile names round-trip through DuckDB as tables, columns and values.
TEST(QuoteIdent, HostileNamesRoundTripThroughDuckDb) {
  Database database(DatabaseOptions{});
  Connection conn(database);
  const std::vector<std::string> names = {
      "with space",   "semi;colon", "dq\"uote", "sq'uote", "drop table x; --",
      "ünïcødé 日本", "new\nline",  "a.b",      "select"};
  for (const auto& name : names) {
    const std::string t = QuoteIdent(name);
    conn.Execute("CREATE TABLE " + t + " (" + t + " VARCHAR)");
    conn.Execute("INSERT INTO " + t + " VALUES (" + QuoteLiteral(name) + ")");
    Result r = conn.Query("SELECT " + t + " FROM " + t);
    ASSERT_EQ(r.RowCount(), 1u) << name;
    EXPECT_EQ(r.GetString(0, 0), name);
    EXPECT_EQ(r.ColumnName(0), name);
  }
  Result tables = conn.Query("SELECT count(*) FROM duckdb_tables()");
  EXPECT_EQ(tables.GetInt64(0, 0), static_cast<int64_t>(names.size()));
}

}  // namespace
}  // namespace duckpart::db

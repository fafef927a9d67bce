#include "db/error_text.h"

#include <gtest/gtest.h>

namespace duckpart::db {
namespace {

const std::string kParser =
    "Parser Error: syntax error at or near \"dataset\"\n\nLINE 1: SELECT * FROMM dataset\n"
    "                       ^";

TEST(WithoutSqlContext, DropsTheStatementAndTheCaret) {
  EXPECT_EQ(WithoutSqlContext(kParser), "Parser Error: syntax error at or near \"dataset\"");
  EXPECT_EQ(WithoutSqlContext("IO Error: No files found"), "IO Error: No files found");
}

TEST(CaretPosition, CountsFromTheStatementsFirstCharacter) {
  const auto at = CaretPosition(kParser);
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(at->line, 1);
  EXPECT_EQ(at->column, 16);
  EXPECT_FALSE(CaretPosition("Binder Error: no caret here").has_value());
}

TEST(WithoutErrorClass, DropsOnlyTheLeadingClass) {
  EXPECT_EQ(WithoutErrorClass("Binder Error: Referenced column x"), "Referenced column x");
  EXPECT_EQ(WithoutErrorClass("plain message: with a colon"), "plain message: with a colon");
}

TEST(LockConflict, NamesTheFileAndTheHolder) {
  EXPECT_EQ(LockConflict(
                "IO Error: Could not set lock on file \"/tmp/a.db\": Conflicting lock is held in "
                "/usr/bin/duckdb (PID 4242) by user root. See also https://duckdb.org/docs"),
            "database '/tmp/a.db' is in use by another process (PID 4242, /usr/bin/duckdb)");
  EXPECT_FALSE(LockConflict("IO Error: No files found").has_value());
}

}  // namespace
}  // namespace duckpart::db

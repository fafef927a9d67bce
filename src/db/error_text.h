// DuckDB's error messages made fit for one line to a user.
//
// DuckDB appends to parser and binder errors the statement with a caret under the
// position ("\n\nLINE 1: SELECT * FROM read_parquet(...)\n                     ^"). For
// duckpart's own statements that context is internal and meaningless to the user; for a
// user's statement the position is worth keeping as "line L, column C".
//
//   WithoutSqlContext("Parser Error: syntax error at or near \"FROM\"\n\nLINE 1: SELEC FROM\n  ^")
//     -> "Parser Error: syntax error at or near \"FROM\""
#pragma once

#include <optional>
#include <string>

namespace duckpart::db {

// The message without DuckDB's "LINE n: <statement>" and caret lines, and without
// trailing blank lines; the rest is kept as it is (newlines included).
std::string WithoutSqlContext(const std::string& message);

struct SqlPosition {
  int line = 0;    // 1-based, as DuckDB numbers it
  int column = 0;  // 1-based, in bytes of that line
};
// Where DuckDB's caret points in the statement, or nullopt when the message has none.
// DuckDB shows a window of long lines; the column is then counted within that window.
std::optional<SqlPosition> CaretPosition(const std::string& message);

// The message without DuckDB's error class prefix ("Parser Error: ", "Binder Error: ", ...).
std::string WithoutErrorClass(const std::string& message);

// When the message reports DuckDB's lock on a database file held by another process,
// a sentence saying so ("database 'a.db' is in use by another process (PID 12, duckdb)");
// otherwise nullopt.
std::optional<std::string> LockConflict(const std::string& message);

}  // namespace duckpart::db

// RAII handles over DuckDB's C API: Database, Connection, Result,
// PreparedStatement and Appender. Handles are move-only; each frees its C
// object exactly once. Every failure throws db::DbError with DuckDB's class.
//
//   db::Database database(db::DatabaseOptions{.path = "analytics.db",
//                                              .access = db::Access::kReadOnly});
//   db::Connection conn(database);
//   db::Result r = conn.Query("SELECT count(*) FROM events");
//   int64_t rows = r.GetInt64(0, 0);
//
// Thread safety: a Connection is used by one thread at a time, except
// Interrupt() and Progress(), which another thread may call while a query runs.
#pragma once

#include <duckdb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/error.h"

namespace duckpart::db {

enum class Access { kReadWrite, kReadOnly };

struct DatabaseOptions {
  std::string path;  // empty or ":memory:" for an in-memory database
  Access access = Access::kReadWrite;
  std::string memory_limit;             // DuckDB syntax, e.g. "256MB"; empty = DuckDB's default
  int threads = 0;                      // 0 = DuckDB's default
  std::string temp_directory;           // empty = DuckDB's default
  std::string max_temp_directory_size;  // empty = DuckDB's default
};

class Database {
 public:
  // Opens or creates the database, with duckpart's SQL functions (db/scalar_function.h)
  // registered. Throws DbError (kIo for a missing read-only file
  // or a lock held by another process, kInvalidInput for a bad setting).
  explicit Database(const DatabaseOptions& options);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  duckdb_database handle() const { return db_; }

 private:
  void RegisterOwnFunctions();
  duckdb_database db_ = nullptr;
};

// The materialized result of a query. Values are read by (row, column).
class Result {
 public:
  explicit Result(duckdb_result result) : result_(result), valid_(true) {}
  ~Result();
  Result(Result&& other) noexcept;
  Result& operator=(Result&&) = delete;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  uint64_t RowCount();
  uint64_t ColumnCount();
  std::string ColumnName(uint64_t col);
  duckdb_type ColumnType(uint64_t col);
  // Rows changed by an INSERT/UPDATE/DELETE.
  uint64_t RowsChanged();

  bool IsNull(uint64_t row, uint64_t col);
  // Typed access; DuckDB casts the value when the column has another type.
  // A NULL reads as 0, "" or false; check IsNull() first where it matters.
  // GetString does not convert TIMESTAMPTZ or nested types (it reads "" for them):
  // CAST such columns to VARCHAR in the query.
  int64_t GetInt64(uint64_t row, uint64_t col);
  double GetDouble(uint64_t row, uint64_t col);
  bool GetBool(uint64_t row, uint64_t col);
  std::string GetString(uint64_t row, uint64_t col);
  std::optional<std::string> GetOptionalString(uint64_t row, uint64_t col);

 private:
  duckdb_result result_;
  bool valid_;
};

class PreparedStatement;

class Connection {
 public:
  // Throws DbError if the connection cannot be made.
  explicit Connection(const Database& database);
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&&) = delete;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements; returns the last statement's result.
  Result Query(const std::string& sql);
  // Runs statements and discards the result.
  void Execute(const std::string& sql) { Query(sql); }
  PreparedStatement Prepare(const std::string& sql);

  // Asks the running query to stop; it then fails with ErrorKind::kInterrupt.
  void Interrupt();
  // Progress of the running query in [0, 1], or nullopt when DuckDB cannot tell.
  std::optional<double> Progress();

  duckdb_connection handle() const { return conn_; }

 private:
  duckdb_connection conn_ = nullptr;
};

// A statement with positional parameters ($1 or ?), bound by 1-based index.
class PreparedStatement {
 public:
  explicit PreparedStatement(duckdb_prepared_statement stmt) : stmt_(stmt) {}
  ~PreparedStatement();
  PreparedStatement(PreparedStatement&& other) noexcept;
  PreparedStatement& operator=(PreparedStatement&&) = delete;
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;

  PreparedStatement& Bind(uint64_t index, int64_t value);
  PreparedStatement& Bind(uint64_t index, double value);
  PreparedStatement& Bind(uint64_t index, const std::string& value);
  PreparedStatement& BindNull(uint64_t index);
  Result Execute();

 private:
  void Check(duckdb_state state, uint64_t index);
  duckdb_prepared_statement stmt_;
};

// Appends rows to a table quickly. Call AppendX for each column of a row,
// then EndRow(); Flush() or destruction writes what is buffered.
class Appender {
 public:
  Appender(Connection& conn, const std::string& schema, const std::string& table);
  // A table of a given catalog, e.g. ("temp", "main", "t") for a TEMP table: an empty
  // catalog means the default database, which `USE` may have made a read-only one.
  Appender(Connection& conn, const std::string& catalog, const std::string& schema,
           const std::string& table);
  ~Appender();
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;

  Appender& Append(int64_t value);
  Appender& Append(double value);
  Appender& Append(const std::string& value);
  Appender& AppendNull();
  void EndRow();
  void Flush();

 private:
  void Check(duckdb_state state);
  duckdb_appender appender_ = nullptr;
};

// The version string of the loaded libduckdb, e.g. "v1.4.4".
std::string LibraryVersion();

}  // namespace duckpart::db

// Typed errors from DuckDB's C API.
//
// Every failing DuckDB call becomes a DbError that keeps DuckDB's error class,
// so callers can tell an out-of-memory (worth a retry with fewer threads) from
// an interrupt or a binder error (never worth one):
//
//   try { conn.Execute(sql); }
//   catch (const db::DbError& e) { if (e.kind() == db::ErrorKind::kOutOfMemory) ...; }
#pragma once

#include <duckdb.h>

#include <stdexcept>
#include <string>

namespace duckpart::db {

enum class ErrorKind {
  kUnknown,
  kOutOfMemory,
  kIo,
  kConstraint,
  kInterrupt,
  kParser,
  kBinder,
  kCatalog,
  kConversion,
  kInvalidInput,
  kPermission,
  kTransaction,
  kInternal,
  kOther,
};

// Maps DuckDB's error class to ours.
ErrorKind KindFromDuckDb(duckdb_error_type type);
// A stable lower-case name ("out_of_memory", "io", ...), for messages and JSON.
const char* ErrorKindName(ErrorKind kind);

class DbError : public std::runtime_error {
 public:
  DbError(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  // True for failures that a retry with fewer resources may cure.
  bool IsRetryable() const { return kind_ == ErrorKind::kOutOfMemory; }

 private:
  const ErrorKind kind_;
};

}  // namespace duckpart::db

#include "db/error.h"

namespace duckpart::db {

ErrorKind KindFromDuckDb(duckdb_error_type type) {
  switch (type) {
    case DUCKDB_ERROR_OUT_OF_MEMORY:
      return ErrorKind::kOutOfMemory;
    case DUCKDB_ERROR_IO:
      return ErrorKind::kIo;
    case DUCKDB_ERROR_CONSTRAINT:
      return ErrorKind::kConstraint;
    case DUCKDB_ERROR_INTERRUPT:
      return ErrorKind::kInterrupt;
    case DUCKDB_ERROR_PARSER:
      return ErrorKind::kParser;
    case DUCKDB_ERROR_BINDER:
      return ErrorKind::kBinder;
    case DUCKDB_ERROR_CATALOG:
      return ErrorKind::kCatalog;
    case DUCKDB_ERROR_CONVERSION:
      return ErrorKind::kConversion;
    case DUCKDB_ERROR_INVALID_INPUT:
      return ErrorKind::kInvalidInput;
    case DUCKDB_ERROR_PERMISSION:
      return ErrorKind::kPermission;
    case DUCKDB_ERROR_TRANSACTION:
      return ErrorKind::kTransaction;
    case DUCKDB_ERROR_INTERNAL:
    case DUCKDB_ERROR_FATAL:
      return ErrorKind::kInternal;
    case DUCKDB_ERROR_INVALID:
      return ErrorKind::kUnknown;
    default:
      return ErrorKind::kOther;
  }
}

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUnknown:
      return "unknown";
    case ErrorKind::kOutOfMemory:
      return "out_of_memory";
    case ErrorKind::kIo:
      return "io";
    case ErrorKind::kConstraint:
      return "constraint";
    case ErrorKind::kInterrupt:
      return "interrupt";
    case ErrorKind::kParser:
      return "parser";
    case ErrorKind::kBinder:
      return "binder";
    case ErrorKind::kCatalog:
      return "catalog";
    case ErrorKind::kConversion:
      return "conversion";
    case ErrorKind::kInvalidInput:
      return "invalid_input";
    case ErrorKind::kPermission:
      return "permission";
    case ErrorKind::kTransaction:
      return "transaction";
    case ErrorKind::kInternal:
      return "internal";
    case ErrorKind::kOther:
      return "other";
  }
  return "unknown";
}

}  // namespace duckpart::db

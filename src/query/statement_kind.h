// DuckDB's statement types in words, and which of them `duckpart query` runs.
#pragma once

#include <duckdb.h>

namespace duckpart::query {

// "SELECT", "INSERT", "CREATE", "COPY", "ATTACH", "PRAGMA", ... ("statement" when unknown).
const char* StatementKindName(duckdb_statement_type type);

// Only SELECT (which DESCRIBE, SHOW and SUMMARIZE are too) reads without writing.
// EXPLAIN is refused: EXPLAIN ANALYZE runs its statement, which may be a COPY.
inline bool IsReadOnly(duckdb_statement_type type) { return type == DUCKDB_STATEMENT_TYPE_SELECT; }

}  // namespace duckpart::query

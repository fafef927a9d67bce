// `append --to-db` and `retain --to-db`: the AppendOperation and RetainOperation driven over
// a TablesTarget (tables/tables_target.h), whose ONE transaction inserts into or creates the
// touched partition tables, drops the retained-away ones, makes the catalog and the view
// again, proves them and COMMITs; the history is kept in the catalog's manifest.
#pragma once

#include <string>

#include "duckpart/append.h"
#include "duckpart/retain.h"
#include "duckpart/table_run.h"

namespace duckpart::ops {

// The partition-tables dataset `schema` of `database` (empty: the database's only duckpart
// schema) as its catalog names it: schema and view, `replace` set (the schema is rewritten
// in place). Throws InputError, changing nothing, when the file is missing or no DuckDB
// database, or holds no such schema (or several, and none is named).
TableRunOptions OpenTablesDataset(const std::string& database, const std::string& schema,
                                  const EngineOptions& engine, Manifest* manifest = nullptr);

// As AppendDataset (duckpart/append.h) with request.to_db set.
AppendReport AppendToTables(const AppendRequest& request, const OperationControl& control);

// As RetainDataset (duckpart/retain.h) with request.to_db set.
RetainReport RetainTables(const RetainRequest& request, const OperationControl& control);

// The history of the partition-tables dataset `schema` of `database` (run --to-db), kept in
// its catalog's manifest; an empty schema means the database's only one. Throws InputError
// when there is no such database or schema.
std::vector<HistoryRecord> ReadTablesHistory(const std::string& database,
                                             const std::string& schema);

}  // namespace duckpart::ops

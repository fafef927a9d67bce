// Partition field names against the source's columns.
//
//   plan::CheckFieldNames(ws.columns(), spec);   // throws before any work is done
//
// Hive readers (DuckDB, Polars, Spark) take a path segment `name=value` over a file column
// of the same name, so a field named like a source column would silently replace that
// column's values with the path's. duckpart's default names ("<column>_<transform>") never
// equal the column they are computed from, and a source column that happens to carry a
// field's name is refused with the way out: naming the field with AS.
#pragma once

#include <vector>

#include "duckpart/source.h"
#include "duckpart/spec.h"

namespace duckpart::plan {

// Throws InputError naming the first field whose Name() equals a source column, compared
// case-insensitively (DuckDB matches names so; a reader that does not still shows both):
//   "source column 'ts_month' has the name of the partition field of month(ts): ..."
void CheckFieldNames(const std::vector<ColumnInfo>& columns, const Spec& spec);

// ASCII lower case, the way DuckDB compares identifiers.
bool SameName(const std::string& a, const std::string& b);

}  // namespace duckpart::plan

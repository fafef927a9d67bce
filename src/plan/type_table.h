// The one table of how DuckDB 1.4.4 stores each DuckDB type in Parquet, and how duckpart
// compares a value read back with the source's: exact (read back as the same type), equal
// after a named cast (read back as another type; CAST to the source's type gives the
// value back), or checked before any work (the writer loses some values: a run whose
// source holds such a value is refused up front, exit 2). Used by the Parquet target's
// check before planning, by its read-back verification and by `validate` alike; the
// README prints it (ParquetTypeTableMarkdown, kept equal by a test).
//
//   ParquetReadType("ENUM('a', 'b')")    // "VARCHAR"
//   ParquetReadType("DOUBLE[3]")         // "DOUBLE[]"
//   CheckParquetTypes(ws);               // throws InputError naming a lossy column
#pragma once

#include <string>
#include <vector>

#include "duckpart/source.h"

namespace duckpart::plan {

enum class Comparison {
  kExact,    // read back as the same type and value
  kCast,     // read back as `read_type`; CAST to the source's type gives the value back
  kChecked,  // stored exactly except some values (`lost`): those are refused before work
};

// One row of the table: a DuckDB type (as DESCRIBE prints it; a family such as
// DECIMAL(p,s) or ENUM(...)), the type DuckDB reads back from Parquet, the comparison, and
// for kChecked, which values are lost and the fix.
struct TypeRule {
  std::string type;
  std::string read_type;
  Comparison comparison;
  std::string lost;  // kChecked: the values the writer cannot keep
  std::string fix;   // kChecked: what to do in a --query
};

// The table, in the README's order.
const std::vector<TypeRule>& ParquetTypeTable();

// The type DuckDB 1.4.4 reads back from a Parquet file written from a column of `type`,
// nested types included (STRUCT, MAP, LIST, ARRAY, UNION: their members rewritten).
std::string ParquetReadType(const std::string& type);

// The comparison of a column of `type` (nested types: the strictest of their members).
Comparison ParquetComparison(const std::string& type);

// A SELECT list over `relation_alias` giving every column of `schema` in its source type:
// `*` with the columns Parquet reads back as another type replaced by their CAST. For
// reading a dataset's files back: placement and checksums then see the source's values.
std::string ReadBackSelectSql(const std::vector<ColumnInfo>& schema);
// ", union_by_name = true" for read_parquet over a dataset's files when its schema has
// added columns (files written before lack them: read as NULL), "" otherwise.
std::string UnionByNameOption(const std::vector<ColumnInfo>& schema);

// Before any work on a Parquet target: throws InputError naming the first column whose
// values the Parquet writer would not keep (a HUGEINT beyond DOUBLE's exact integers, an
// INTERVAL with microseconds, a TIME WITH TIME ZONE with an offset), with the value and
// the fix. Reads the source once when it has such columns, not at all otherwise.
void CheckParquetTypes(Workspace& ws);

// The table as the README's Markdown (a header and one line per rule).
std::string ParquetTypeTableMarkdown();

}  // namespace duckpart::plan

// The on-database layout of partition tables, shared by the writer (table_run.cc) and
// the validator (validate_tables.cc): table names, the catalog tables, the view.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "duckpart/table_run.h"

namespace duckpart::tables {

// "p<pid>_<readable key>": the pid zero-padded to `width` digits, then per field its
// name and key lowered to [a-z0-9_] ("null" for the NULL key); at most 63 characters.
std::string PartitionTableName(int64_t id, const std::vector<std::optional<std::string>>& keys,
                               const std::vector<ResolvedField>& fields, size_t width);
// Digits of the largest id (at least 1).
size_t PidWidth(size_t partitions);

// "(a) UNION ALL (b)" as a balanced tree, so that thousands of selects stay within the
// parser's depth limit. `selects` must not be empty.
std::string BalancedUnionAll(const std::vector<std::string>& selects);

// The catalog-free SELECT of the view: the union of `schema`.`table` for every table,
// or an empty SELECT of typed NULLs when there are none.
std::string ViewSelectSql(const std::string& schema, const std::vector<std::string>& tables,
                          const std::vector<ColumnInfo>& columns);

// Column names of _duckpart_partitions for a field's key and range.
std::string KeyColumn(const ResolvedField& f);
std::string RangeColumn(const ResolvedField& f);
bool HasRange(const ResolvedField& f);

// SQL creating and filling the two catalog tables `catalog`.`schema`._duckpart_*.
std::vector<std::string> CatalogSql(const std::string& catalog, const std::string& schema,
                                    const std::map<std::string, std::string>& spec_rows,
                                    const std::vector<ResolvedField>& fields,
                                    const std::vector<Partition>& partitions);

// What the catalog tables of a partition schema say.
struct TableCatalog {
  std::map<std::string, std::string> spec;  // _duckpart_spec
  Manifest manifest;                        // parsed from spec["manifest"]
  std::string view_schema, view_name;
  std::vector<Partition> partitions;  // _duckpart_partitions, by id
  std::vector<std::string> problems;  // damage found while reading
};

// True when `catalog`.`schema` exists (case-insensitively); sets *stored_name.
bool SchemaExists(db::Connection& conn, const std::string& catalog, const std::string& schema,
                  std::string* stored_name = nullptr);
// True when the schema holds a _duckpart_spec table.
bool IsDuckpartSchema(db::Connection& conn, const std::string& catalog, const std::string& schema);
// Reads the catalog of a duckpart schema. Throws InputError when _duckpart_spec is
// missing or is not duckpart's; other damage is listed in `problems`.
TableCatalog ReadTableCatalog(db::Connection& conn, const std::string& catalog,
                              const std::string& schema);

// True when both paths name the same existing file.
// ATTACHes the database file `database` read-only as kTableTargetAlias; an InputError
// names the file when DuckDB cannot open it.
void AttachReadOnly(db::Connection& conn, const std::string& database);

bool SameDatabaseFile(const std::string& a, const std::string& b);

}  // namespace duckpart::tables

// A version of a partition-tables dataset built on the current one (append, retain): inside
// the target's ONE transaction, the tables the change writes get the new rows (INSERT into
// a table the dataset has, CREATE TABLE AS for a new partition), the tables of dropped
// partitions are dropped, and the catalog tables and the view are dropped for the target
// to make again; every other table is left as it is.
//
//   tables_ = NameDeltaTables(change, base_tables);       // in Stage
//   WriteDeltaTables(conn, place, change, tables_, base_tables, stage, meter());  // in Write
//   VerifyDeltaTables(conn, place, manifest_, change, tables_);  // in Verify, before COMMIT
#pragma once

#include <string>
#include <vector>

#include "db/database.h"
#include "duckpart/manifest.h"
#include "ops/target.h"
#include "tables/table_verify.h"

namespace duckpart::tables {

// Where the dataset lives in the workspace: the catalog alias, its schema and its view
// (in schema main).
struct TablesPlace {
  std::string catalog, schema, view;
};

// The base version as the catalog holds it: the manifest with every partition's table name
// (Partition::table) filled in from _duckpart_partitions. Throws InputError when the schema
// is missing or not duckpart's.
Manifest ReadTablesBase(db::Connection& conn, const TablesPlace& place);

// The tables of the new version: the change's partitions, those the base had keeping their
// table, new ones named as a run names them (PartitionTableName), made unique against the
// base's names.
std::vector<Partition> NameDeltaTables(const ops::Change& change,
                                       const std::vector<Partition>& base_tables);

// The plan whose tables the transaction creates or writes (for the memory check): the
// change's written partitions alone.
Plan DeltaWritePlan(const ops::Change& change);

// Inside the open transaction: drops the tables of partitions the new version lacks, writes
// the staged rows (`stage`, with __dp_pid) of every written partition into its table, and
// drops the catalog tables and the view. `select` is the column list to copy.
void WriteDeltaTables(db::Connection& conn, const TablesPlace& place, const ops::Change& change,
                      const std::vector<Partition>& tables,
                      const std::vector<Partition>& base_tables, const std::string& stage,
                      const std::string& select, ops::WorkMeter& meter);

// The history of the new version's manifest: the change's (the base's records) and its
// record with version and time; RecordDeltaSeconds sets the record's duration until now.
void RecordDeltaHistory(Manifest& manifest, const ops::Change& change);
void RecordDeltaSeconds(Manifest& manifest, const ops::Change& change);

// Proves the new version inside the transaction: the written tables read back whole (rows,
// checksum, placement, columns: the old rows plus the new ones), the other tables by their
// row counts (the transaction did not write them), the set of tables (none missing, none
// extra), and the view's columns and row count against the manifest's totals.
TableVerifyReport VerifyDeltaTables(db::Connection& conn, const TablesPlace& place,
                                    const Manifest& manifest, const ops::Change& change,
                                    const std::vector<Partition>& tables);

}  // namespace duckpart::tables

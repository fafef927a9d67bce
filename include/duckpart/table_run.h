// The second target: partition tables inside a DuckDB database.
//
//   Workspace ws(SourceOptions{.db_path = "analytics.db", .table = "events"}, engine);
//   TableRunResult r = RunToTables(ws, ParseSpec("month(ts)"),
//                                  TableRunOptions{.database = "analytics.db"});
//   // analytics.db now holds schema events_parts with one table per partition,
//   // the catalog tables events_parts._duckpart_spec and events_parts._duckpart_partitions,
//   // and the view main.events_partitioned (UNION ALL of the partition tables).
//
// Layout in the target database (all names quoted, so any character is allowed):
//   <schema>.p<pid>_<readable key>   one table per partition, exactly the source's
//                                    columns and types, e.g. p07_ts_month_2023_08;
//                                    the pid prefix keeps names unique, the rest is the
//                                    partition's Hive path lowered to [a-z0-9_].
//   <schema>._duckpart_spec          (key VARCHAR, value VARCHAR): format, version,
//                                    spec, view, source, created_at, and `manifest`,
//                                    the dataset's manifest as JSON (see manifest.h;
//                                    partitions carry no files).
//   <schema>._duckpart_partitions    (id, path, table_name, rows, checksum HUGEINT,
//                                    key_<field> VARCHAR..., range_<field> VARCHAR...
//                                    for range/quantile fields); key NULL = NULL partition.
//   main.<view>                      SELECT * of every partition table, UNION ALL (as a
//                                    balanced tree, so thousands of tables bind). The view
//                                    names no database, so it works under any ATTACH alias.
// Defaults: schema "<table>_parts" and view "<table>_partitioned"; with a schema given, the
// view defaults to "<schema>_partitioned" (so one table can be partitioned several ways
// side by side). For a --query or --from source the schema must be given.
//
// Steps: check the target (a schema that exists needs `replace` and must be duckpart's;
// the view name must be free or ours); plan (one pass); stage every row with its dense
// partition id in one temporary table of the workspace (spills to the temp directory
// under the memory limit; sorted by partition id when there are many partitions, so
// that each partition reads only its own row groups); then, in ONE transaction on the
// target database: drop the previous schema and view (with `replace`), create the schema,
// one CREATE TABLE AS per partition from the staged rows, the catalog tables and the
// view; verify inside the transaction (rows, checksum and placement of every table, column
// types, the view's row count) and COMMIT. Any failure before COMMIT rolls back, so the
// previous state stays intact, also when the process is killed.
//
// The source is never written. When the target is the source's own file (DuckDB cannot
// attach one file twice), the workspace's read-only attachment `src` is replaced by a
// read-write attachment under the same alias; the source relation keeps its name and is
// only ever read (staged before the transaction begins).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "duckpart/manifest.h"
#include "duckpart/plan.h"
#include "duckpart/run.h"
#include "duckpart/source.h"
#include "duckpart/validate.h"

namespace duckpart {

// The ATTACH alias of the target database in the workspace (when it is not the source's
// own file; then it is "src").
inline constexpr const char* kTableTargetAlias = "__dp_target";

// Names of the catalog tables inside the partition schema.
inline constexpr const char* kTableSpecTable = "_duckpart_spec";
inline constexpr const char* kTablePartitionsTable = "_duckpart_partitions";

// Where a --to-db run spills when no temp directory is given: "<database>.duckpart-tmp",
// a folder only duckpart uses (DuckDB's own default, "<database>.tmp", may hold another
// process's spill files). `recover --db` and `cleanup --db` remove DuckDB's spill files
// from it, and it, when empty; nothing else.
std::string DatabaseSpillFolder(const std::string& database);

struct TableRunOptions {
  std::string database;  // the DuckDB file to write; created when missing; may be the source's
  std::string schema;    // empty = "<table>_parts"
  std::string view;      // in schema main; empty = "<table>_partitioned" or "<schema>_partitioned"
  bool replace = false;  // replace the schema (and its view) when it exists
  bool verify = true;    // prove the tables inside the transaction before COMMIT
  std::string sort_by;   // comma-separated columns ordering rows inside each partition table
  // How the rows are staged for the per-partition CREATE TABLE AS ... WHERE pid = N:
  //   "auto"   staged as they come; then sorted by partition id only when the partition
  //            scans would read more than max_scan_amplification times the staged rows.
  //            Zonemaps let each scan skip row groups that cannot hold its partition, so
  //            a source already clustered by the key (e.g. ordered by time, under
  //            month(ts)) needs no sort, while a hashed key (bucket) does.
  //   "scan"   never sorted;   "sorted"   sorted while staging.
  std::string staging = "auto";
  double max_scan_amplification = 12;
  PlanOptions plan;
  // For tests: called inside the transaction after the tables are written and before
  // verification, with the workspace connection and the target's catalog alias.
  std::function<void(db::Connection&, const std::string& catalog)> before_verify;
};

struct TableRunResult {
  Plan plan;
  Manifest manifest;                   // as stored in _duckpart_spec
  std::string database, schema, view;  // view as "main.<name>"
  std::vector<Partition> tables;       // each with its table name
  bool same_file = false;              // the target is the source's own database file
  std::string strategy;                // "scan" (unsorted staging) or "sorted"
  double scan_amplification = 0;       // estimated rows read by unsorted scans / rows (auto only)
  double plan_seconds = 0, stage_seconds = 0, write_seconds = 0, verify_seconds = 0,
         commit_seconds = 0, total_seconds = 0;
  Outcome outcome;  // phases, attempts, whether the commit point was passed
};

// Resolves the defaults of schema and view for this source. Throws InputError when the
// source is not a table and no schema is given, or a name is unusable.
TableRunOptions ResolveTableTarget(const TableRunOptions& options, const SourceOptions& source);

// Runs the job once over `ws`. Throws InputError (exit 2) before any work for an existing schema
// without `replace`, a schema or view that is not duckpart's, an unusable target file or
// a spec that does not fit; CheckFailed (exit 1) when verification fails (rolled back);
// RuntimeFailure (its FailureClass saying why) for IO, memory or interrupts (rolled back).
TableRunResult RunToTables(Workspace& ws, const Spec& spec, const TableRunOptions& options,
                           const PhaseCallback& on_phase = {});

// Validates the partition tables of `schema` in the DuckDB file `database`: catalog
// tables present and consistent with the manifest; every partition table present, none
// extra; columns and types equal the manifest's schema; per table rows, content checksum
// and placement; totals; the view's columns and row count. With `source`, also proves
// the tables equal the source, per partition. An empty `schema` means the only duckpart
// schema in the database. Throws InputError when there is no such database or schema.
ValidationReport ValidateTables(const std::string& database, const std::string& schema,
                                Workspace* source, const EngineOptions& engine);

// The duckpart partition schemas in a database (schemas holding _duckpart_spec).
std::vector<std::string> ListTableDatasets(const std::string& database,
                                           const EngineOptions& engine);

}  // namespace duckpart

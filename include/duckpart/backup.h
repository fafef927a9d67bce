// A table to one Parquet file and back, verified both ways.
//
//   BackupResult b = BackupTable({.db_path = "analytics.db", .table = "events",
//                                 .to = "events.parquet"});
//   RestoreResult r = RestoreTable({.from = "events.parquet", .db_path = "copy.db",
//                                   .table = "events"});
//
// Backup reads the source database read-only, writes to a temporary name beside the
// file, reads the file back and proves the row count and the order-independent content
// checksum (src/plan/keys.h: ChecksumSql over the source columns) equal the table's, and only
// then renames it into place. The file carries the count, the checksum and the column
// types in its Parquet key-value metadata (duckpart_rows, duckpart_checksum,
// duckpart_schema, duckpart_table), so that a restore proves the file intact before it
// touches the database, and the restored table equal to the one backed up.
//
// Restore refuses an existing table unless `replace` (InputError, nothing changed),
// then drops (with replace), creates and fills the table in one transaction, which it
// commits only when the table's count and checksum equal the backup's. Column types are
// restored; constraints, defaults and indexes are not. A Parquet file that duckpart did
// not write restores too, verified against the file's own content.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duckpart/operation.h"
#include "duckpart/source.h"

namespace duckpart {

struct BackupOptions {
  std::string db_path;
  std::string table;
  std::string to;        // the Parquet file to write
  bool replace = false;  // overwrite an existing file
  std::string compression = "zstd";
  EngineOptions engine;
};

struct BackupResult {
  std::string file;
  int64_t rows = 0;
  std::string checksum = "0";
  int64_t bytes = 0;
  std::vector<ColumnInfo> schema;
  double seconds = 0;
  // Problems after the file was renamed into place (it is whole): the folder's fsync.
  std::vector<std::string> warnings;
};

// Throws InputError (missing database, table, or target folder; an existing file
// without `replace`), CheckFailed (the file read back differs; nothing is left behind),
// RuntimeFailure or db::DbError (IO, memory).
BackupResult BackupTable(const BackupOptions& options);

struct RestoreOptions {
  std::string from;     // a Parquet file
  std::string db_path;  // created when missing
  std::string table;
  bool replace = false;  // replace an existing table
  EngineOptions engine;
};

struct RestoreResult {
  std::string table;
  int64_t rows = 0;
  std::string checksum = "0";
  bool replaced = false;     // an existing table was replaced
  bool from_backup = false;  // the file carried duckpart's metadata (proved against it)
  bool created_database = false;
  std::vector<ColumnInfo> schema;
  double seconds = 0;
};

// Throws InputError (missing or unreadable file, an existing table without `replace`, a
// view of that name), CheckFailed (the file differs from its recorded count or
// checksum, or the restored table from the file; the database is left as it was),
// RuntimeFailure or db::DbError.
RestoreResult RestoreTable(const RestoreOptions& options);

// BackupTable and RestoreTable with retries: out of memory is retried with half the
// threads up to control.max_attempts (see duckpart/retry.h), each retry reported through
// control.on_warning; every other failure ends it as the single call would.
BackupResult RunBackup(const BackupOptions& options, const OperationControl& control);
RestoreResult RunRestore(const RestoreOptions& options, const OperationControl& control);

}  // namespace duckpart

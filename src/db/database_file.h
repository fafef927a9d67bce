// What a path on disk is, as far as DuckDB's database files go: a database, another
// kind of file, or one of the files DuckDB keeps beside a database (its write-ahead log
// and default spill folder). Used before any work, so that a command never opens a
// Parquet or CSV file as a database, nor overwrites a database's companions.
#pragma once

#include <string>

namespace duckpart::db {

enum class FileKind {
  kMissing,   // nothing at the path
  kEmpty,     // an empty regular file
  kDuckDb,    // a DuckDB database file (the "DUCK" magic of its main header)
  kParquet,   // a Parquet file ("PAR1")
  kOther,     // any other regular file
  kNotAFile,  // a folder or a special file
};

// Reads at most the first 12 bytes. Never throws; an unreadable file is kOther.
FileKind KindOfFile(const std::string& path);
// "a Parquet file", "an empty file", ...: for messages.
std::string Describe(FileKind kind);

// True when `path` (resolved as the OS does) is `database` itself, its write-ahead log
// (`database.wal`) or a file under its default spill folder (`database.tmp/`).
bool IsFileOfDatabase(const std::string& path, const std::string& database);

}  // namespace duckpart::db

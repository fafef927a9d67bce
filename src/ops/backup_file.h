// What backup and restore share: the count and checksum of a backup file read back, and
// a guard that removes a file written half-way.
#pragma once

#include <string>
#include <vector>

#include "db/database.h"
#include "duckpart/plan.h"

namespace duckpart::ops {

struct FileStats {
  int64_t rows = 0;
  std::string checksum = "0";
  bool operator==(const FileStats&) const = default;
};

// Count and checksum of a Parquet file read back, each column cast to its recorded type.
FileStats ReadFileStats(db::Connection& conn, const std::string& file,
                        const std::vector<ColumnInfo>& schema);

// Removes a file (and its write-ahead log) when destroyed, unless dismissed.
class FileGuard {
 public:
  explicit FileGuard(std::string path) : path_(std::move(path)) {}
  ~FileGuard();
  FileGuard(const FileGuard&) = delete;
  FileGuard& operator=(const FileGuard&) = delete;
  void Dismiss() { path_.clear(); }

 private:
  std::string path_;
};

}  // namespace duckpart::ops

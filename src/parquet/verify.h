// Reads a dataset's Parquet files once and proves them against a manifest:
// per partition and in total, the row count and the order-independent content
// checksum; and placement: every row's key, recomputed through the spec, is the key
// of the partition it is filed under.
//
//   VerifyReport r = VerifyParquet(conn, "/data/out/events", manifest);
//   if (!r.ok()) for (auto& p : r.problems) std::cerr << p << "\n";
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/database.h"
#include "duckpart/manifest.h"
#include "duckpart/validate.h"

namespace duckpart::parquet {

struct FileFound {
  int64_t rows = 0;
  std::string checksum;
};

struct VerifyReport {
  std::vector<ValidationProblem> problems;  // each naming its partition or file
  std::map<std::string, FileFound> files;   // by path relative to the root
  int64_t rows = 0;
  std::string checksum = "0";
  bool ok() const { return problems.empty(); }
};

// `expected.partitions[*].files` name the files to read (paths relative to `root`);
// their rows and checksums are compared to `expected`. Unreadable files are reported,
// not thrown; an interrupt or running out of memory while reading is thrown (db::DbError),
// since neither says anything about the files. Row counts per file in the manifest are
// checked when non-zero.
// `on_batch`, when given, is called before each scan with the batch's index, the number
// of batches and the rows its files are expected to hold (for progress).
using VerifyBatchCallback = std::function<void(size_t batch, size_t batches, int64_t rows)>;
VerifyReport VerifyParquet(db::Connection& conn, const std::string& root, const Manifest& expected,
                           const VerifyBatchCallback& on_batch = {});

// The manifest's files as absolute SQL literals, in comma-separated batches small
// enough to read in one scan within the memory limit.
std::vector<std::string> ManifestFileBatches(const std::string& root, const Manifest& m);

}  // namespace duckpart::parquet

// Proof that a dataset holds what its manifest says (and, when given, what its source
// holds): conservation (rows and content checksum per partition and in total),
// placement (every row's key recomputed through the spec), files (present, recorded
// size and rows, no orphans, readable) and schema (the source's columns and types).
//
//   ValidationReport r = ValidateDataset("out/events", nullptr);
//   if (!r.ok()) ...  // r.problems name each failing partition or file (kind, partition)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duckpart/manifest.h"
#include "duckpart/source.h"

namespace duckpart {

// One thing validation found wrong, for people (`message`) and for programs (the rest).
struct ValidationProblem {
  // What failed: "rows", "checksum", "placement" (rows filed under another partition),
  // "total", "missing_file", "unreadable_file", "unreadable", "file_size", "file_rows",
  // "orphan_file", "schema", "no_files"; partition tables: "missing_table", "extra_table",
  // "catalog", "view"; against the source: "source_rows", "source_extra_partition",
  // "source_missing_rows", "source_schema".
  std::string kind;
  std::string partition;  // the partition's path ("ts_month=2024-01"), or "" for none
  std::string detail;     // the sentence without its leading "partition PATH: "
  std::string message;    // the whole sentence, as `validate` prints it after "FAIL "

  // A problem from its sentence; `detail` is `message` less "partition PATH: " when it
  // starts so.
  static ValidationProblem Make(std::string kind, std::string partition, std::string message);
};

struct ValidationReport {
  std::string dataset;  // for people: the folder, or "FILE schema S" for partition tables
  std::string schema;   // partition tables: the schema validated
  int64_t version = 0;
  int64_t partitions = 0, files = 0, rows = 0;
  std::string checksum = "0";
  bool compared_with_source = false;
  std::vector<ValidationProblem> problems;
  bool ok() const { return problems.empty(); }
};

// Validates the Parquet dataset at `dir`. With `source` (a Workspace over the original
// source), also proves the dataset equals the source, per partition. Throws InputError
// when `dir` holds no dataset.
ValidationReport ValidateDataset(const std::string& dir, Workspace* source,
                                 const EngineOptions& engine);

}  // namespace duckpart

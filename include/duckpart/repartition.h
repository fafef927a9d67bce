// `duckpart repartition`: rewrite a dataset under a new spec from the dataset itself (no
// source needed), as one new version published like `run --replace`.
//
//   RepartitionRequest request{.dataset = "out/events", .spec = ParseSpec("day(ts)")};
//   RunReport report = RepartitionDataset(request, OperationControl{});
//
// The rows come from exactly the files the current manifest lists (read once, pinned to
// the version the link points to when the command starts, cast back to the manifest's
// column types); before anything is written they are held to the manifest's total rows
// and checksum, so a damaged dataset is never rewritten into a "verified" one. The new
// version is then verified against those rows per partition like any run.
#pragma once

#include <string>

#include "duckpart/run_request.h"

namespace duckpart {

struct RepartitionRequest {
  std::string dataset;   // a Parquet dataset folder (the link), or
  std::string database;  // a DuckDB file with partition tables (with `schema`)
  std::string schema;    // the partition schema in `database`
  Spec spec;             // the new spec
  EngineOptions engine;
  // How to write: verify, sort_by, plan for both targets; compression, retention and the
  // writer's thresholds for a Parquet dataset. `target` and `replace` are set by
  // RepartitionRun (the dataset itself, replaced).
  RunOptions write;
};

// The run that repartitions: its source is the dataset's current version, its target the
// dataset itself, replaced. Throws InputError when there is no dataset at the request's
// target (or exactly one target is not given).
RunRequest RepartitionRun(const RepartitionRequest& request);

// Repartitions. Throws like RunDataset, and CheckFailed (exit 1, nothing changed) when the
// dataset's data no longer matches its manifest (run `duckpart validate`).
RunReport RepartitionDataset(const RepartitionRequest& request, const OperationControl& control);

}  // namespace duckpart

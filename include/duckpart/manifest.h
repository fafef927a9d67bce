// The dataset's own metadata, kept beside the data in `_duckpart/manifest.json`.
//
//   Manifest m = ReadManifest("out/events");        // through the dataset's link
//   m.partitions[0].files[0].path                   // relative to the dataset root
//
// A manifest is written once, inside a version folder that is not yet visible, and
// published by the atomic swap of the dataset link (see DatasetStore). Readers of a
// dataset therefore never see a half-written manifest.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "duckpart/history.h"
#include "duckpart/plan.h"

namespace duckpart {

inline constexpr const char* kManifestDir = "_duckpart";
inline constexpr const char* kManifestFile = "_duckpart/manifest.json";

struct Manifest {
  int64_t version = 0;
  std::string created_at;  // UTC, ISO 8601
  std::string source;
  Spec spec;
  std::vector<ResolvedField> fields;
  std::vector<ColumnInfo> schema;
  int64_t total_rows = 0;
  std::string total_checksum = "0";
  int64_t total_bytes = 0;
  std::vector<Partition> partitions;  // `table` is not stored here
  // The version of the fields' SQL (kTransformVersion in duckpart/plan.h). A manifest
  // without the field was written before it existed: version 1. Writers copy it from
  // Plan::transform_version.
  int transform_version = kTransformVersion;
  // The committed operations up to and including this version, oldest first (see
  // duckpart/history.h); empty in a manifest written before history existed.
  std::vector<HistoryRecord> history;
};

nlohmann::json ToJson(const Manifest& m);
// Throws InputError when the JSON is not a duckpart manifest, or is of a format or
// transform version newer than this duckpart knows.
Manifest ManifestFromJson(const nlohmann::json& j);

// Reads DIR/_duckpart/manifest.json. Throws InputError when DIR holds no dataset.
Manifest ReadManifest(const std::string& dataset_dir);
// Writes the manifest durably (temporary file, fsync, rename, fsync of the folder).
void WriteManifest(const std::string& dataset_dir, const Manifest& m);

// The current time as ISO 8601 UTC.
std::string NowUtc();

}  // namespace duckpart

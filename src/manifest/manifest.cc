#include "duckpart/manifest.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "duckpart/error.h"
#include "manifest/from_plan.h"
#include "plan/keys.h"
#include "store/fs.h"
#include "util/utc_time.h"

namespace duckpart {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "duckpart-manifest";
// Version 2: a column added by append --allow-new-columns (schema member "added_in"),
// which changes how rows are hashed; a manifest without one is written as version 1, so
// older duckparts still read every other dataset.
constexpr int kFormatVersion = 2;

json PartitionToJson(const Partition& p) {
  json keys = json::array(), files = json::array();
  for (const auto& k : p.keys) keys.push_back(k ? json(*k) : json(nullptr));
  for (const auto& f : p.files)
    files.push_back({{"path", f.path}, {"rows", f.rows}, {"bytes", f.bytes}});
  json out = {{"id", p.id},     {"path", p.path},         {"keys", keys},
              {"rows", p.rows}, {"checksum", p.checksum}, {"bytes", p.bytes},
              {"files", files}};
  bool any = false;
  for (const auto& r : p.ranges) any |= !r.empty();
  if (any) out["ranges"] = p.ranges;
  return out;
}

Partition PartitionFromJson(const json& j) {
  Partition p;
  p.id = j.at("id").get<int64_t>();
  p.path = j.at("path").get<std::string>();
  for (const auto& k : j.at("keys")) {
    p.keys.push_back(k.is_null() ? std::nullopt : std::optional<std::string>(k.get<std::string>()));
  }
  p.ranges = j.value("ranges", std::vector<std::string>{});
  p.rows = j.at("rows").get<int64_t>();
  p.checksum = j.at("checksum").get<std::string>();
  p.bytes = j.at("bytes").get<int64_t>();
  for (const auto& f : j.at("files")) {
    p.files.push_back({f.at("path").get<std::string>(), f.at("rows").get<int64_t>(),
                       f.at("bytes").get<int64_t>()});
  }
  return p;
}

}  // namespace

json ToJson(const Manifest& m) {
  json fields = json::array(), schema = json::array(), parts = json::array();
  for (const auto& f : m.fields) fields.push_back(ToJson(f));
  for (const auto& c : m.schema) {
    schema.push_back({{"name", c.name}, {"type", c.type}});
    if (c.added_in > 0) schema.back()["added_in"] = c.added_in;
  }
  for (const auto& p : m.partitions) parts.push_back(PartitionToJson(p));
  json out = {{"format", kFormat},
              {"format_version", HasAddedColumns(m.schema) ? kFormatVersion : 1},
              {"version", m.version},
              {"created_at", m.created_at},
              {"source", m.source},
              {"spec", ToString(m.spec)},
              {"fields", fields},
              {"schema", schema},
              {"total_rows", m.total_rows},
              {"total_checksum", m.total_checksum},
              {"total_bytes", m.total_bytes},
              {"transform_version", m.transform_version},
              {"partitions", parts}};
  // An optional member: older duckparts ignore it, so the format version stays.
  if (!m.history.empty()) {
    json history = json::array();
    for (const auto& h : m.history) history.push_back(ToJson(h));
    out["history"] = std::move(history);
  }
  return out;
}

namespace {

int TransformVersionFromJson(const json& j) {
  const int v = j.value("transform_version", kFirstTransformVersion);
  if (v > kTransformVersion) {
    throw InputError("the dataset's transforms are of version " + std::to_string(v) +
                     ", newer than this duckpart (" + std::to_string(kTransformVersion) +
                     "); upgrade duckpart");
  }
  if (v < kFirstTransformVersion)
    throw InputError("malformed manifest: transform_version " + std::to_string(v));
  return v;
}

}  // namespace

Manifest ManifestFromJson(const json& j) {
  try {
    if (j.at("format") != kFormat) throw InputError("not a duckpart manifest");
    if (j.at("format_version").get<int>() > kFormatVersion) {
      throw InputError("the manifest is of a newer format; upgrade duckpart");
    }
    Manifest m;
    m.version = j.at("version").get<int64_t>();
    m.created_at = j.at("created_at").get<std::string>();
    m.source = j.at("source").get<std::string>();
    m.spec = ParseSpec(j.at("spec").get<std::string>());
    for (const auto& f : j.at("fields")) m.fields.push_back(ResolvedFieldFromJson(f));
    // The fields carry the names on disk, also those of manifests older than "AS".
    if (m.fields.size() == m.spec.fields.size()) {
      for (size_t i = 0; i < m.fields.size(); ++i) m.spec.fields[i] = m.fields[i].field;
    }
    for (const auto& c : j.at("schema")) {
      m.schema.push_back({c.at("name").get<std::string>(), c.at("type").get<std::string>(),
                          c.value("added_in", int64_t{0})});
    }
    m.total_rows = j.at("total_rows").get<int64_t>();
    m.total_checksum = j.at("total_checksum").get<std::string>();
    m.total_bytes = j.at("total_bytes").get<int64_t>();
    for (const auto& p : j.at("partitions")) m.partitions.push_back(PartitionFromJson(p));
    m.transform_version = TransformVersionFromJson(j);
    if (j.contains("history")) {
      for (const auto& h : j.at("history")) m.history.push_back(HistoryRecordFromJson(h));
    }
    return m;
  } catch (const json::exception& e) {
    throw InputError(std::string("malformed manifest: ") + e.what());
  }
}

Manifest ReadManifest(const std::string& dataset_dir) {
  const fs::path path = fs::path(dataset_dir) / kManifestFile;
  if (!fs::exists(dataset_dir)) throw InputError("no dataset at '" + dataset_dir + "'");
  if (!fs::exists(path)) {
    throw InputError("'" + dataset_dir + "' is not a duckpart dataset (no " + kManifestFile + ")");
  }
  std::ifstream in(path);
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw InputError("cannot parse " + path.string() + ": " + e.what());
  }
  return ManifestFromJson(j);
}

// The same document as ToJson(m).dump(), built one partition at a time: a DOM of
// 100,000 partitions would cost about 160 MB outside DuckDB's memory limit.
std::string ManifestText(const Manifest& m) {
  Manifest head = m;
  head.partitions.clear();
  std::string text = ToJson(head).dump();
  const std::string empty = "\"partitions\":[]";
  const size_t at = text.find(empty);
  std::string parts = "\"partitions\":[";
  for (size_t i = 0; i < m.partitions.size(); ++i) {
    parts += (i ? ",\n" : "\n") + PartitionToJson(m.partitions[i]).dump();
  }
  return text.replace(at, empty.size(), parts + "]");
}

void WriteManifest(const std::string& dataset_dir, const Manifest& m) {
  const fs::path dir = fs::path(dataset_dir) / kManifestDir;
  fs::create_directories(dir);
  store::WriteFileDurably((dir / "manifest.json").string(), ManifestText(m));
}

std::string NowUtc() { return util::NowUtc(); }

}  // namespace duckpart

namespace duckpart {

Manifest ManifestFromPlan(const Plan& plan, std::vector<Partition> partitions, int64_t version) {
  Manifest m{.version = version,
             .created_at = NowUtc(),
             .source = plan.source,
             .spec = plan.spec,
             .fields = plan.fields,
             .schema = plan.schema,
             .total_rows = plan.total_rows,
             .total_checksum = plan.total_checksum};
  m.transform_version = plan.transform_version;
  m.partitions = std::move(partitions);
  for (const auto& p : m.partitions) m.total_bytes += p.bytes;
  return m;
}

}  // namespace duckpart

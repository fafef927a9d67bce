#include "store/version_retention.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "duckpart/error.h"
#include "store/fs.h"

namespace duckpart::store {
namespace fs = std::filesystem;
namespace {

nlohmann::json ReadMarker(const DatasetStore& store) {
  std::ifstream in(store.MarkerPath());
  if (!in) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

// When the link was last swapped; 0 when there is no link.
int64_t LinkMtime(const fs::path& link) {
  struct stat st {};
  if (::lstat(link.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) + (st.st_mtim.tv_nsec > 0 ? 1 : 0);
}

// When `v` stopped being current, at the latest: the earliest recorded publication of a
// later version, else the last link swap.
int64_t SupersededAt(int64_t v, const VersionTimes& times) {
  const auto later = times.published_at.upper_bound(v);
  int64_t at = times.link_swapped_at;
  for (auto it = later; it != times.published_at.end(); ++it) at = std::min(at, it->second);
  return at;
}

// Version folders of the store older than `current`.
std::vector<int64_t> SupersededFolders(const DatasetStore& store, int64_t current) {
  std::vector<int64_t> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(store.store(), ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code type_ec;
    if (it->symlink_status(type_ec).type() != fs::file_type::directory) continue;
    const auto v = DatasetStore::ParseVersionName(it->path().filename().string());
    if (v && *v < current) out.push_back(*v);
  }
  return out;
}

}  // namespace

void CheckRetentionPolicy(const RetentionPolicy& policy) {
  if (policy.keep_versions < 1 || policy.keep_versions > kMaxKeepVersions) {
    throw InputError("--keep-versions " + std::to_string(policy.keep_versions) +
                     " is out of range: from 1 (the current version only) to " +
                     std::to_string(kMaxKeepVersions));
  }
  if (policy.grace_seconds < 0 || policy.grace_seconds > kMaxGraceSeconds) {
    throw InputError("--version-grace of " + std::to_string(policy.grace_seconds) +
                     " s is out of range: from 0s to 366d");
  }
}

std::map<int64_t, std::string> KeptByPolicy(int64_t current, const std::vector<int64_t>& superseded,
                                            const VersionTimes& times,
                                            const RetentionPolicy& policy, int64_t now) {
  std::vector<int64_t> older = superseded;
  std::sort(older.rbegin(), older.rend());  // newest first
  std::map<int64_t, std::string> kept;
  for (size_t i = 0; i < older.size(); ++i) {
    const int64_t v = older[i];
    if (v >= current) continue;
    if (static_cast<int64_t>(i) + 1 < policy.keep_versions) {
      kept[v] = "one of the " + std::to_string(policy.keep_versions) + " newest versions";
      continue;
    }
    if (policy.grace_seconds == 0) continue;  // no grace: gone at once, as before it existed
    const int64_t left = SupersededAt(v, times) + policy.grace_seconds - now;
    if (left > 0) kept[v] = "in its grace period for " + std::to_string(left) + " s more";
  }
  return kept;
}

VersionTimes ReadVersionTimes(const DatasetStore& store) {
  VersionTimes times;
  times.link_swapped_at = LinkMtime(store.target());
  const nlohmann::json j = ReadMarker(store);
  if (j.contains("published_at") && j["published_at"].is_object()) {
    for (const auto& [key, value] : j["published_at"].items()) {
      const auto v = DatasetStore::ParseVersionName("v" + key);
      if (v && value.is_number_integer()) times.published_at[*v] = value.get<int64_t>();
    }
  }
  return times;
}

RetentionPolicy RecordedPolicy(const DatasetStore& store) {
  RetentionPolicy p;
  const nlohmann::json j = ReadMarker(store);
  if (!j.contains("retention") || !j["retention"].is_object()) return p;
  const auto& r = j["retention"];
  if (r.contains("keep_versions") && r["keep_versions"].is_number_integer())
    p.keep_versions = std::clamp<int64_t>(r["keep_versions"].get<int64_t>(), 1, kMaxKeepVersions);
  if (r.contains("grace_seconds") && r["grace_seconds"].is_number_integer())
    p.grace_seconds = std::clamp<int64_t>(r["grace_seconds"].get<int64_t>(), 0, kMaxGraceSeconds);
  return p;
}

std::map<int64_t, std::string> KeptVersions(const DatasetStore& store,
                                            const RetentionPolicy& policy) {
  const auto current = store.CurrentVersion();
  if (!current) return {};
  return KeptByPolicy(*current, SupersededFolders(store, *current), ReadVersionTimes(store), policy,
                      static_cast<int64_t>(std::time(nullptr)));
}

size_t FinishPublish(const DatasetStore& store, int64_t version, const RetentionPolicy& policy) {
  nlohmann::json j = ReadMarker(store);
  if (j.value("format", "") != "duckpart-store") {  // none, or unreadable: a fresh one first
    store.Mark(version);
    j = ReadMarker(store);
  }
  j["published"] = version;  // recover then never takes this version for unfinished work
  nlohmann::json times = nlohmann::json::object();
  if (j.contains("published_at") && j["published_at"].is_object()) {
    for (const auto& [key, value] : j["published_at"].items()) {  // only versions still there
      const auto v = DatasetStore::ParseVersionName("v" + key);
      if (v && *v != version && fs::is_directory(store.VersionDir(*v))) times[key] = value;
    }
  }
  times[std::to_string(version)] = static_cast<int64_t>(std::time(nullptr)) + 1;
  j["published_at"] = times;
  j["retention"] = {{"keep_versions", policy.keep_versions},
                    {"grace_seconds", policy.grace_seconds}};
  WriteFileDurably(store.MarkerPath().string(), j.dump() + "\n");
  return store.RemoveLeftovers(policy);
}

}  // namespace duckpart::store

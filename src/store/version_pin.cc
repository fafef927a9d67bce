#include "store/version_pin.h"

#include <algorithm>
#include <vector>

#include "duckpart/error.h"
#include "duckpart/manifest.h"
#include "store/dataset_store.h"

namespace duckpart::store {
namespace fs = std::filesystem;
namespace {

std::optional<int64_t> VersionOf(const fs::path& root) {
  const std::string store = root.parent_path().filename().string();
  if (store.size() < 10 || store[0] != '.' || store.substr(store.size() - 9) != ".duckpart")
    return std::nullopt;
  return DatasetStore::ParseVersionName(root.filename().string());
}

// The published versions whose folders are in the store: the current one and older.
std::vector<int64_t> KeptFolders(const DatasetStore& ds, int64_t current) {
  std::vector<int64_t> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(ds.store(), ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const auto v = DatasetStore::ParseVersionName(it->path().filename().string());
    if (v && *v <= current && it->is_directory(ec)) out.push_back(*v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

PinnedVersion PinEarlier(const std::string& dir, int64_t version) {
  const DatasetStore ds(dir);
  const auto current = ds.CurrentVersion();
  if (!current) throw InputError("no dataset at '" + dir + "' (--version needs a dataset link)");
  const auto kept = KeptFolders(ds, *current);
  if (version > *current || !std::binary_search(kept.begin(), kept.end(), version)) {
    std::string list;
    for (const int64_t v : kept) list += (list.empty() ? "" : ", ") + std::to_string(v);
    throw InputError("version " + std::to_string(version) + " of '" + dir +
                     "' is not kept; kept versions: " + list +
                     " (keep more with --keep-versions N on the writing command)");
  }
  return {fs::canonical(ds.VersionDir(version)), version};
}

}  // namespace

PinnedVersion PinVersion(const std::string& dir, std::optional<int64_t> version) {
  if (version) return PinEarlier(dir, *version);
  const DatasetStore ds(dir);
  std::error_code ec;
  const fs::path text = fs::read_symlink(ds.target(), ec);  // the one read of the link
  fs::path root = ec ? ds.target() : (text.is_absolute() ? text : ds.target().parent_path() / text);
  const fs::path resolved = fs::canonical(root, ec);
  // Missing, or no dataset there: as given, for the caller's "no dataset at DIR".
  if (ec || !fs::is_regular_file(resolved / kManifestFile, ec))
    return {fs::path(dir), std::nullopt};
  return {resolved, VersionOf(resolved)};
}

}  // namespace duckpart::store

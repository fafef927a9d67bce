// duckpart cleanup: what an interrupted operation left, and orphan files.
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/manifest.h"
#include "duckpart/recover.h"
#include "ops/store_status.h"
#include "store/dataset_store.h"
#include "store/fault.h"
#include "store/fs.h"
#include "util/format.h"

namespace duckpart {

namespace fs = std::filesystem;
using ops::CheckRecoverable;
using ops::Inspect;
using ops::RemoveAll;
using store::DatasetStore;
using store::StoreLock;

namespace {

// The folders of the published version that its manifest names (the version, its
// manifest folder, every partition folder and their parents): never removed as empty.
struct Listed {
  std::set<std::string> files = {kManifestFile};
  std::set<fs::path> dirs;
};

Listed ListedByManifest(const fs::path& root, const Manifest& m) {
  Listed l;
  l.dirs = {root, root / kManifestDir};
  for (const auto& p : m.partitions) {
    for (fs::path d = root / p.path; d != root && d.has_relative_path(); d = d.parent_path())
      l.dirs.insert(d);
    for (const auto& f : p.files) l.files.insert(fs::path(f.path).lexically_normal().string());
  }
  return l;
}

// Orphans: files in the published version that its manifest does not list, sorted.
void FindOrphans(const fs::path& root, const Listed& listed, CleanupReport& r) {
  std::error_code ec;
  std::vector<std::pair<std::string, int64_t>> found;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    const auto s = it->symlink_status(type_ec);
    if (s.type() == fs::file_type::directory) continue;
    const std::string rel = it->path().lexically_relative(root).string();
    if (listed.files.contains(rel)) continue;
    std::error_code size_ec;
    const int64_t size =
        s.type() == fs::file_type::regular ? static_cast<int64_t>(it->file_size(size_ec)) : 0;
    found.emplace_back(rel, size_ec ? 0 : size);
  }
  std::sort(found.begin(), found.end());
  for (const auto& [rel, size] : found) {
    r.orphans.push_back(rel);
    r.orphan_bytes += size;
  }
}

// No dataset: a store holding only its lock and marker (left by a failed first run) goes.
void RemoveBareStore(const DatasetStore& ds, CleanupReport& r) {
  std::error_code ec;
  size_t others = 0;
  for (auto it = fs::directory_iterator(ds.store(), ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name != "lock" && name != "_duckpart_store" &&
        !(name == "tmp" && fs::is_empty(it->path(), ec)))
      ++others;
  }
  if (ec || others != 0) return;
  store::Step(store::StepKind::kRemove, ds.store().string());
  fs::remove(ds.store() / "tmp", ec);
  fs::remove(ds.store() / "lock", ec);
  fs::remove(ds.store() / "_duckpart_store", ec);
  r.store_removed = fs::remove(ds.store(), ec);
}

// Removes the orphans, then the folders that held only orphans (deepest first); the
// manifest's partition folders stay.
void RemoveOrphans(const fs::path& root, const std::vector<std::string>& orphans,
                   const Listed& listed) {
  for (const auto& rel : orphans) {
    store::Step(store::StepKind::kRemove, (root / rel).string());
    std::error_code ec;
    fs::remove(root / rel, ec);
    if (ec) throw RuntimeFailure("cannot remove '" + (root / rel).string() + "': " + ec.message());
  }
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->symlink_status(type_ec).type() == fs::file_type::directory) dirs.push_back(it->path());
  }
  std::sort(dirs.rbegin(), dirs.rend());
  for (const auto& d : dirs) {
    std::error_code rm_ec;
    if (!listed.dirs.contains(d) && fs::is_empty(d, rm_ec)) fs::remove(d, rm_ec);
  }
}

}  // namespace

CleanupReport Cleanup(const std::string& target, const CleanupOptions& options) {
  const DatasetStore ds(target);
  CleanupReport r;
  r.dry_run = options.dry_run;
  r.before = Inspect(target, true);
  CheckRecoverable(r.before, ds, "cleanup");
  std::optional<StoreLock> lock;
  StoreStatus now = r.before;
  if (!options.dry_run && r.before.store_exists) {
    lock.emplace(ds);
    now = Inspect(target, false);
    CheckRecoverable(now, ds, "cleanup");
  }
  r.removed = now.Interrupted();
  for (const auto& i : r.removed) r.bytes += i.bytes;
  for (const auto& i : now.leftovers)
    if (i.kind == StoreItem::Kind::kUnknown) r.kept.push_back(i);  // not duckpart's
  Listed listed;
  fs::path root;
  if (now.current_version) {
    root = ds.VersionDir(*now.current_version);
    try {
      listed = ListedByManifest(root, ReadManifest(root.string()));
      FindOrphans(root, listed, r);
    } catch (const Error& e) {
      r.manifest_problem = e.what();
    }
  }
  if (options.dry_run) return r;
  RemoveAll(r.removed, ds);
  if (!now.current_version && now.store_exists) RemoveBareStore(ds, r);
  if (options.orphans && !r.orphans.empty()) {
    RemoveOrphans(root, r.orphans, listed);
    r.orphans_removed = true;
  }
  return r;
}

}  // namespace duckpart

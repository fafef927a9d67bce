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
#include "store/fs.h"
#include "util/format.h"

namespace duckpart {

namespace fs = std::filesystem;
using ops::CheckRecoverable;
using ops::Inspect;
using ops::RemoveAll;
using store::DatasetStore;
using store::StoreLock;

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
  r.removed =
      now.Interrupted();  // unknown entries are not duckpart's: kept (named in now.leftovers)
  for (const auto& i : r.removed) r.bytes += i.bytes;

  // Orphans: files in the published version that its manifest does not list.
  std::set<fs::path> keep_dirs;
  fs::path root;
  if (now.current_version) {
    root = ds.VersionDir(*now.current_version);
    try {
      const Manifest m = ReadManifest(root.string());
      std::set<std::string> listed = {kManifestFile};
      keep_dirs.insert(root);
      keep_dirs.insert(root / kManifestDir);
      for (const auto& p : m.partitions) {
        for (fs::path d = root / p.path; d != root && d.has_relative_path(); d = d.parent_path())
          keep_dirs.insert(d);
        for (const auto& f : p.files) listed.insert(fs::path(f.path).lexically_normal().string());
      }
      std::error_code ec;
      std::vector<std::pair<std::string, int64_t>> found;
      for (auto it = fs::recursive_directory_iterator(root, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code type_ec;
        const auto s = it->symlink_status(type_ec);
        if (s.type() == fs::file_type::directory) continue;
        const std::string rel = it->path().lexically_relative(root).string();
        if (listed.count(rel)) continue;
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
    } catch (const Error& e) {
      r.manifest_problem = e.what();
    }
  }

  if (options.dry_run) return r;
  RemoveAll(r.removed, ds);
  if (!now.current_version && now.store_exists) {
    // No dataset: a store holding only its lock (left by a failed first run) goes too.
    std::error_code ec;
    size_t others = 0;
    for (auto it = fs::directory_iterator(ds.store(), ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name != "lock" && name != "_duckpart_store" &&
          !(name == "tmp" && fs::is_empty(it->path(), ec)))
        ++others;
    }
    if (!ec && others == 0) {
      fs::remove(ds.store() / "tmp", ec);
      fs::remove(ds.store() / "lock", ec);
      fs::remove(ds.store() / "_duckpart_store", ec);
      r.store_removed = fs::remove(ds.store(), ec);
    }
  }
  if (options.orphans && !r.orphans.empty()) {
    for (const auto& rel : r.orphans) {
      std::error_code ec;
      fs::remove(root / rel, ec);
      if (ec)
        throw RuntimeFailure("cannot remove '" + (root / rel).string() + "': " + ec.message());
    }
    // Folders that held only orphans go too; the manifest's partition folders stay.
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      if (it->symlink_status(type_ec).type() == fs::file_type::directory)
        dirs.push_back(it->path());
    }
    std::sort(dirs.rbegin(), dirs.rend());  // deepest first
    for (const auto& d : dirs) {
      std::error_code rm_ec;
      if (!keep_dirs.count(d) && fs::is_empty(d, rm_ec)) fs::remove(d, rm_ec);
    }
    r.orphans_removed = true;
  }
  return r;
}

}  // namespace duckpart

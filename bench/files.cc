#include "files.h"

#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <thread>
#include <vector>

#include "text.h"

namespace bench {
namespace {

double g_cleanup_seconds = 0;

// Runs f(items[i]) for every item on 16 threads, joined before returning.
void Parallel(const std::vector<fs::path>& items, void (*f)(const fs::path&)) {
  if (items.size() < 64) {
    for (const auto& p : items) f(p);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 16; ++t) {
    workers.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < items.size();) f(items[i]);
    });
  }
  for (auto& w : workers) w.join();
}

struct Tree {
  std::vector<fs::path> files;
  std::map<int, std::vector<fs::path>, std::greater<int>> dirs_by_depth;
};

Tree ListTree(const fs::path& root) {
  Tree t;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(root, ec))) return t;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_directory(ec)) {
      t.files.push_back(it->path());
    } else {
      t.dirs_by_depth[it.depth()].push_back(it->path());
    }
  }
  return t;
}

}  // namespace

void RemoveAll(const fs::path& root) {
  const auto t0 = Clock::now();
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(root, ec))) return;
  const Tree t = ListTree(root);
  Parallel(t.files, [](const fs::path& p) { unlink(p.c_str()); });
  for (const auto& [depth, dirs] : t.dirs_by_depth) {
    Parallel(dirs, [](const fs::path& p) { rmdir(p.c_str()); });
  }
  fs::remove_all(root, ec);
  g_cleanup_seconds += Since(t0);
}

double CleanupSeconds() { return g_cleanup_seconds; }

DiskUse CountFiles(const fs::path& root) {
  DiskUse d;
  std::error_code ec;
  if (!fs::exists(root, ec)) return d;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    (it->path().extension() == ".parquet" ? d.parquet_files : d.other_files) += 1;
    d.bytes += static_cast<int64_t>(it->file_size(ec));
  }
  return d;
}

}  // namespace bench

// Helpers for the lifecycle tests (append, retain, history): a demo source split in two,
// and a byte-level snapshot of a dataset (its link and every file of its store).
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support/dataset.h"
#include "support/fault_trace.h"
#include "support/run_binary.h"

namespace duckpart::testing {

// The demo events WHERE `where`, as a --query source over `db`.
inline std::vector<std::string> EventsWhere(const std::string& db, const std::string& where) {
  return {"--db", db, "--query", "SELECT * FROM events WHERE " + where};
}

inline std::vector<std::string> Cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The link target and every file under the store with its size and content (the store
// lock's content is a pid; it is part of the snapshot all the same).
using Snapshot = std::map<std::string, std::string>;

inline Snapshot SnapshotOf(const std::string& dataset_dir) {
  Snapshot s;
  s["<link>"] = LinkTarget(dataset_dir);
  const std::filesystem::path store = StoreOf(dataset_dir);
  if (!std::filesystem::exists(store)) return s;
  for (const auto& e : std::filesystem::recursive_directory_iterator(store)) {
    const std::string rel = e.path().lexically_relative(store).string();
    s[rel] = e.is_regular_file() ? ReadFile(e.path().string()) : std::string("<dir>");
  }
  return s;
}

// Copies a dataset (its link and its store) to a fresh path beside it.
inline std::string CopyDataset(const std::string& from, const std::string& to) {
  const std::filesystem::path f(from), t(to);
  std::filesystem::copy(StoreOf(from), StoreOf(to), std::filesystem::copy_options::recursive);
  std::filesystem::create_symlink(
      std::filesystem::read_symlink(f).string().replace(0, f.filename().string().size() + 1,
                                                        "." + t.filename().string()),
      t);
  return to;
}

// Every step of `command(target)` over copies of the dataset `base`, failed and crashed
// (TrialEveryStep): `content` reads a target, which must hold `old_content` or, past the
// commit point, `new_content` (they must differ).
inline void TrialEveryStepOnCopies(
    const TempDir& dir, const std::string& base,
    const std::function<std::vector<std::string>(const std::string&)>& command,
    const std::function<Content(const std::string&)>& content, const Content& old_content,
    const Content& new_content) {
  ASSERT_NE(old_content, new_content);
  const auto seen = [&](const std::string& target) {
    return SeenOf(content(target), old_content, new_content);
  };
  TrialEveryStep(dir,
                 {.fresh = [&](const std::string& name) { return CopyDataset(base, dir / name); },
                  .command = command,
                  .seen = seen,
                  .settle = RecoverValidateCleanup(seen),
                  .min_steps = 8});
}

// The inode of a file (0 when it cannot be read).
inline ino_t InodeOf(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace duckpart::testing

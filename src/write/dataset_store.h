// Where a Parquet dataset lives, and the one atomic step that publishes a version.
//
// A dataset `out/events` is a symbolic link to a version folder in a hidden store
// beside it:
//   out/events -> .events.duckpart/v000002      (the link readers follow)
//   out/.events.duckpart/v000002/ts_month=2024-01/data_0.parquet
//   out/.events.duckpart/v000002/_duckpart/manifest.json
//   out/.events.duckpart/lock                    (held by the writer, flock)
//   out/.events.duckpart/staging-*/              (work in progress)
// Publishing renames a new link over the old one: readers through the link or with a
// plain glob see the old version or the new one, never a mix, also across kill -9.
// Recovery is removing whatever in the store the link does not point to.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace duckpart::write {

class DatasetStore {
 public:
  enum class TargetState { kAbsent, kEmptyDir, kDataset, kForeign };

  explicit DatasetStore(const std::string& target);

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& store() const { return store_; }
  TargetState Inspect() const;
  // The published version, or nullopt when there is none.
  std::optional<int64_t> CurrentVersion() const;
  int64_t NextVersion() const;
  std::filesystem::path VersionDir(int64_t version) const;
  // A new, empty staging folder inside the store.
  std::filesystem::path NewStaging() const;
  // Atomically points the target at `version` (the commit point).
  void Publish(int64_t version) const;
  // Everything in the store that is not the published version, the lock or the temp
  // folder: staging folders and superseded versions.
  std::vector<std::filesystem::path> Leftovers() const;
  // Removes Leftovers(); returns how many entries were removed.
  size_t RemoveLeftovers() const;

  // "v000002" for 2, and back (nullopt for a name that is not a version folder's).
  static std::string VersionName(int64_t version);
  static std::optional<int64_t> ParseVersionName(const std::string& name);

 private:
  std::filesystem::path target_;
  std::filesystem::path store_;
};

// An exclusive lock on a dataset's store (flock on store/lock). The kernel releases it
// when the process dies, so a killed writer never leaves a stale lock behind.
class StoreLock {
 public:
  // Throws BusyError when another process holds the lock, InputError when the store cannot be
  // made for lack of permission (nothing was changed in either case).
  explicit StoreLock(const DatasetStore& store);
  ~StoreLock();
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

  struct Holder {
    bool held = false;        // a live process holds the lock now
    std::optional<int64_t> pid;  // the pid the lock file names (the holder's, or the last one's)
  };
  // Whether another process holds the lock, without creating anything and without
  // blocking (a shared lock is tried and released at once).
  static Holder Probe(const DatasetStore& store);

 private:
  int fd_ = -1;
};

}  // namespace duckpart::write

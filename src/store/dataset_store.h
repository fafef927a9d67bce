// Where a Parquet dataset lives, and the one atomic step that publishes a version.
//
// A dataset `out/events` is a symbolic link to a version folder in a hidden store
// beside it:
//   out/events -> .events.duckpart/v000002      (the link readers follow)
//   out/.events.duckpart/v000002/ts_month=2024-01/part-v000002-0.parquet  (names never reused)
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

namespace duckpart::store {

struct RetentionPolicy;  // store/version_retention.h

class DatasetStore {
 public:
  enum class TargetState { kAbsent, kEmptyDir, kDataset, kForeign };

  // The target's path is resolved as the operating system resolves it (symbolic links in
  // its folder's path, then `..`). The store is the one the target's link points into
  // (so a renamed or moved link keeps its dataset), else `.NAME.duckpart` beside it.
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
  // What duckpart may remove from the store: staging folders, and version folders that
  // neither the target nor any other link beside it points to and that were never
  // published, or were superseded and are no longer kept by `policy` (see
  // store/version_retention.h). Never the lock, the marker, the spill folder or an entry
  // duckpart did not make. Without a policy: the one the store's marker records.
  std::vector<std::filesystem::path> Leftovers(const RetentionPolicy& policy) const;
  std::vector<std::filesystem::path> Leftovers() const;
  // Removes Leftovers(policy); returns how many entries were removed.
  size_t RemoveLeftovers(const RetentionPolicy& policy) const;
  size_t RemoveLeftovers() const;

  // Ownership. The store carries a marker (`_duckpart_store`, JSON) written when duckpart
  // creates the store and updated with the last version it published. A store folder
  // without it is duckpart's only when it holds nothing but duckpart's own kinds of entry
  // (an older duckpart's store); it is then adopted (the marker written).
  bool Exists() const;
  // True when the store folder is absent or duckpart's (marked, or adoptable).
  bool IsOurs() const;
  // Writes the marker (creating the store's identity), or updates its last published version.
  void Mark(std::optional<int64_t> published = std::nullopt) const;
  // The marker file (`_duckpart_store` in the store).
  std::filesystem::path MarkerPath() const;
  // The last version the marker says was published.
  std::optional<int64_t> LastPublished() const;
  // Links beside the target (other than the target) that point into this store, with
  // the versions they point to.
  std::vector<std::pair<std::filesystem::path, int64_t>> OtherLinks() const;

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
    bool held = false;           // a live process holds the lock now
    std::optional<int64_t> pid;  // the pid the lock file names (the holder's, or the last one's)
  };
  // Whether another process holds the lock, without creating anything and without
  // blocking (a shared lock is tried and released at once).
  static Holder Probe(const DatasetStore& store);

 private:
  int fd_ = -1;
};

}  // namespace duckpart::store

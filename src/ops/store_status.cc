#include "ops/store_status.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>

#include "duckpart/error.h"
#include "ops/failure_log.h"
#include "store/fault.h"
#include "store/fs.h"
#include "store/version_retention.h"
#include "util/format.h"

namespace duckpart {
namespace ops {
namespace {

namespace fs = std::filesystem;
using store::DatasetStore;
using store::StoreLock;
using Kind = StoreItem::Kind;

bool ProcessAlive(int64_t pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::string StateName(DatasetStore::TargetState s) {
  switch (s) {
    case DatasetStore::TargetState::kAbsent:
      return "absent";
    case DatasetStore::TargetState::kEmptyDir:
      return "empty folder";
    case DatasetStore::TargetState::kDataset:
      return "dataset";
    case DatasetStore::TargetState::kForeign:
      return "not a dataset";
  }
  return "not a dataset";
}

// The store version a link beside the target points to, if it points into the store.
std::optional<int64_t> LinkedVersion(const DatasetStore& ds, const fs::path& link) {
  std::error_code ec;
  fs::path text = fs::read_symlink(link, ec);
  if (ec) return std::nullopt;
  const fs::path resolved =
      (text.is_absolute() ? text : link.parent_path() / text).lexically_normal();
  if (resolved.parent_path() != ds.store()) return std::nullopt;
  return DatasetStore::ParseVersionName(resolved.filename().string());
}

std::string Files(int64_t n) { return fmt::format("{} file{}", n, n == 1 ? "" : "s"); }

// Removal order: the link temp first (nothing then points at what follows), then work
// that was never published, then what published operations had still to remove.
int Rank(Kind k) {
  switch (k) {
    case Kind::kLinkTemp:
      return 0;
    case Kind::kUnpublishedVersion:
      return 1;
    case Kind::kStaging:
      return 2;
    case Kind::kSupersededVersion:
      return 3;
    case Kind::kSpill:
      return 4;
    case Kind::kTempFile:
      return 5;
    case Kind::kUnknown:
      return 6;
  }
  return 6;
}

}  // namespace

// Files and bytes under a path (the path itself when it is not a folder).
void Measure(const fs::path& path, StoreItem& item) {
  std::error_code ec;
  const auto st = fs::symlink_status(path, ec);
  if (ec) return;
  if (st.type() != fs::file_type::directory) {
    item.files = 1;
    if (st.type() == fs::file_type::regular)
      item.bytes = static_cast<int64_t>(fs::file_size(path, ec));
    return;
  }
  for (auto it = fs::recursive_directory_iterator(
           path, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto s = it->symlink_status(ec);
    if (ec) break;
    if (s.type() == fs::file_type::directory) continue;
    ++item.files;
    if (s.type() == fs::file_type::regular) {
      std::error_code size_ec;
      const auto size = it->file_size(size_ec);
      if (!size_ec) item.bytes += static_cast<int64_t>(size);
    }
  }
}

void Remove(const StoreItem& item) {
  store::Step(store::StepKind::kRemove, item.path);
  std::error_code ec;
  if (item.kind == Kind::kSpill) {
    for (auto it = fs::directory_iterator(item.path, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      std::error_code rm_ec;
      fs::remove_all(it->path(), rm_ec);
    }
    return;
  }
  fs::remove_all(item.path, ec);
  if (ec) throw RuntimeFailure("cannot remove '" + item.path + "': " + ec.message());
}

namespace {

// The versions that another link beside the target publishes: never leftovers.
std::set<int64_t> OtherLinks(const DatasetStore& ds, StoreStatus& st) {
  std::set<int64_t> kept;
  const fs::path parent = ds.target().parent_path();
  const std::string link_temp_name = ds.target().filename().string() + store::kLinkTempSuffix;
  std::error_code ec;
  for (auto it = fs::directory_iterator(parent, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->path() == ds.target() || name == link_temp_name) continue;
    std::error_code link_ec;
    if (!it->is_symlink(link_ec)) continue;
    if (const auto v = LinkedVersion(ds, it->path())) {
      kept.insert(*v);
      st.other_links.push_back(name);
    }
  }
  return kept;
}

// The link a killed publish made beside the target and never renamed into place.
std::optional<StoreItem> LinkTemp(const DatasetStore& ds) {
  const std::string name = ds.target().filename().string() + store::kLinkTempSuffix;
  const fs::path link_temp = ds.target().parent_path() / name;
  std::error_code ec;
  const auto lt = fs::symlink_status(link_temp, ec);
  if (ec || !(lt.type() == fs::file_type::symlink ||
              (lt.type() == fs::file_type::directory && fs::is_empty(link_temp, ec))))
    return std::nullopt;
  StoreItem item{.kind = Kind::kLinkTemp, .path = link_temp.string(), .name = name};
  item.version = LinkedVersion(ds, link_temp);
  item.files = 1;
  return item;
}

// What a version folder of the store is: nothing to report (current, published by another
// link, kept by the retention policy, or published once and whole) or a leftover.
std::optional<Kind> VersionKind(int64_t v, const StoreStatus& st, const std::set<int64_t>& kept,
                                std::optional<int64_t> last_published) {
  if (st.current_version && v == *st.current_version) return std::nullopt;
  if (kept.contains(v) || st.kept_versions.contains(v)) return std::nullopt;
  // A version the store's marker says was published, with no link left to it: the link
  // was removed or moved away, the data is whole; never taken for unfinished work.
  if (!st.current_version && last_published && v <= *last_published) return std::nullopt;
  return st.current_version && v < *st.current_version ? Kind::kSupersededVersion
                                                       : Kind::kUnpublishedVersion;
}

// One entry of the store folder as a leftover, or nothing when it is the store's own.
std::optional<StoreItem> Classify(const fs::path& path, const StoreStatus& st,
                                  const std::set<int64_t>& kept,
                                  std::optional<int64_t> last_published) {
  const std::string name = path.filename().string();
  StoreItem item{.path = path.string(),
                 .name = fs::path(st.store).filename().string() + "/" + name};
  std::error_code ec;
  const bool dir = fs::symlink_status(path, ec).type() == fs::file_type::directory;
  if (name == "lock" || name == "_duckpart_store" || name == kFailureLogName) return std::nullopt;
  if (name == "tmp" && dir) {
    item.kind = Kind::kSpill;
  } else if (!dir && name == "_duckpart_store.tmp") {
    item.kind = Kind::kTempFile;
  } else if (dir && name.starts_with("staging-")) {
    item.kind = Kind::kStaging;
  } else if (const auto v = dir ? DatasetStore::ParseVersionName(name) : std::nullopt) {
    const auto kind = VersionKind(*v, st, kept, last_published);
    if (!kind) return std::nullopt;
    item.version = v;
    item.kind = *kind;
  } else {
    item.kind = Kind::kUnknown;
  }
  Measure(path, item);
  if (item.kind == Kind::kSpill && item.files == 0) return std::nullopt;  // empty: no leftover
  return item;
}

}  // namespace

StoreStatus Inspect(const std::string& target, bool probe_lock) {
  const DatasetStore ds(target);
  std::error_code ec;
  if (!fs::is_directory(ds.target().parent_path(), ec)) {
    throw InputError("the folder of '" + target + "' does not exist");
  }
  StoreStatus st;
  st.target = target;
  st.store = ds.store().string();
  st.state = StateName(ds.Inspect());
  st.store_exists = fs::is_directory(ds.store(), ec);
  st.current_version = st.state == "dataset" ? ds.CurrentVersion() : std::nullopt;
  if (st.store_exists && probe_lock) {
    const StoreLock::Holder h = StoreLock::Probe(ds);
    st.locked = h.held;
    st.lock_pid = h.pid;
    st.lock_pid_alive = h.pid && ProcessAlive(*h.pid);
  }
  const std::set<int64_t> kept = OtherLinks(ds, st);
  if (auto item = LinkTemp(ds)) st.leftovers.push_back(*item);
  if (!st.store_exists) return st;
  std::vector<fs::path> entries;
  for (auto it = fs::directory_iterator(ds.store(), ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    entries.push_back(it->path());
  }
  std::sort(entries.begin(), entries.end());
  const std::optional<int64_t> last_published = ds.LastPublished();
  if (st.current_version) st.kept_versions = store::KeptVersions(ds, store::RecordedPolicy(ds));
  for (const auto& path : entries) {
    if (auto item = Classify(path, st, kept, last_published)) st.leftovers.push_back(*item);
  }
  return st;
}

void CheckRecoverable(const StoreStatus& st, const DatasetStore& ds, const char* command) {
  if (st.state == "not a dataset") {
    throw InputError("'" + st.target +
                     "' is not a duckpart dataset (a folder or file that duckpart did not make)");
  }
  if (st.locked) {
    throw BusyError(fmt::format(
        "a duckpart process{} is working on '{}' now; run {} when it has finished",
        st.lock_pid ? fmt::format(" (pid {})", *st.lock_pid) : std::string(), st.target, command));
  }
  if (st.current_version && !fs::exists(ds.VersionDir(*st.current_version))) {
    throw CheckFailed("the link '" + st.target + "' points to version " +
                      std::to_string(*st.current_version) + ", which is missing from " + st.store +
                      "; nothing was changed");
  }
}

std::string Describe(const StoreItem& item) {
  std::string what;
  switch (item.kind) {
    case Kind::kStaging:
      what = item.files ? fmt::format("staging folder {} (unpublished work: {}, {})", item.name,
                                      Files(item.files), util::FormatBytes(item.bytes))
                        : fmt::format("empty staging folder {}", item.name);
      break;
    case Kind::kUnpublishedVersion:
      what = fmt::format("unpublished version {} ({}, {})", item.name, Files(item.files),
                         util::FormatBytes(item.bytes));
      break;
    case Kind::kSupersededVersion:
      what = fmt::format("superseded version {} ({}, {})", item.name, Files(item.files),
                         util::FormatBytes(item.bytes));
      break;
    case Kind::kLinkTemp:
      what = fmt::format("link {} that was never renamed into place", item.name);
      break;
    case Kind::kSpill:
      what = fmt::format("{} of spilled data ({}) in {}", Files(item.files),
                         util::FormatBytes(item.bytes), item.name);
      break;
    case Kind::kTempFile:
      what = fmt::format("temporary file {} of an interrupted write", item.name);
      break;
    case Kind::kUnknown:
      what = fmt::format("unknown entry {} (not duckpart's: kept)", item.name);
      break;
  }
  return what;
}

void RemoveAll(std::vector<StoreItem> items, const DatasetStore& ds) {
  std::stable_sort(items.begin(), items.end(), [](const StoreItem& a, const StoreItem& b) {
    return Rank(a.kind) < Rank(b.kind);
  });
  for (const auto& item : items) {
    if (item.kind != Kind::kUnknown) Remove(item);  // what duckpart did not make is kept
  }
  std::error_code ec;
  if (fs::exists(ds.store(), ec)) store::SyncDirectory(ds.store().string());
  store::SyncDirectory(ds.target().parent_path().string());
}

}  // namespace ops

using Kind = StoreItem::Kind;

const char* StoreItemKindName(StoreItem::Kind kind) {
  switch (kind) {
    case Kind::kStaging:
      return "staging";
    case Kind::kUnpublishedVersion:
      return "unpublished version";
    case Kind::kSupersededVersion:
      return "superseded version";
    case Kind::kLinkTemp:
      return "link temp";
    case Kind::kSpill:
      return "spill files";
    case Kind::kTempFile:
      return "temp file";
    case Kind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::vector<StoreItem> StoreStatus::Interrupted() const {
  std::vector<StoreItem> out;
  for (const auto& i : leftovers) {
    if (i.kind != Kind::kUnknown) out.push_back(i);
  }
  return out;
}

StoreStatus InspectStore(const std::string& target) { return ops::Inspect(target, true); }

}  // namespace duckpart

#include "util/format.h"
#include "duckpart/recover.h"

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
#include "store/fs.h"
#include "store/dataset_store.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;
using store::DatasetStore;
using store::StoreLock;
using Kind = StoreItem::Kind;

bool ProcessAlive(int64_t pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// Files and bytes under a path (the path itself when it is not a folder).
void Measure(const fs::path& path, StoreItem& item) {
  std::error_code ec;
  const auto st = fs::symlink_status(path, ec);
  if (ec) return;
  if (st.type() != fs::file_type::directory) {
    item.files = 1;
    if (st.type() == fs::file_type::regular) item.bytes = static_cast<int64_t>(fs::file_size(path, ec));
    return;
  }
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
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

std::string StateName(DatasetStore::TargetState s) {
  switch (s) {
    case DatasetStore::TargetState::kAbsent: return "absent";
    case DatasetStore::TargetState::kEmptyDir: return "empty folder";
    case DatasetStore::TargetState::kDataset: return "dataset";
    case DatasetStore::TargetState::kForeign: return "not a dataset";
  }
  return "not a dataset";
}

// The store version a link beside the target points to, if it points into the store.
std::optional<int64_t> LinkedVersion(const DatasetStore& ds, const fs::path& link) {
  std::error_code ec;
  fs::path text = fs::read_symlink(link, ec);
  if (ec) return std::nullopt;
  const fs::path resolved = (text.is_absolute() ? text : link.parent_path() / text).lexically_normal();
  if (resolved.parent_path() != ds.store()) return std::nullopt;
  return DatasetStore::ParseVersionName(resolved.filename().string());
}

StoreStatus Inspect(const std::string& target, bool probe_lock) {
  const DatasetStore ds(target);
  const fs::path parent = ds.target().parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
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

  // Versions that another link beside the target publishes are never leftovers.
  std::set<int64_t> kept;
  const std::string link_temp_name = ds.target().filename().string() + store::kLinkTempSuffix;
  for (auto it = fs::directory_iterator(parent, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->path() == ds.target() || name == link_temp_name) continue;
    std::error_code link_ec;
    if (!it->is_symlink(link_ec)) continue;
    if (const auto v = LinkedVersion(ds, it->path())) {
      kept.insert(*v);
      st.other_links.push_back(name);
    }
  }

  const fs::path link_temp = parent / link_temp_name;
  const auto lt = fs::symlink_status(link_temp, ec);
  if (!ec && (lt.type() == fs::file_type::symlink ||
              (lt.type() == fs::file_type::directory && fs::is_empty(link_temp, ec)))) {
    StoreItem item{.kind = Kind::kLinkTemp, .path = link_temp.string(), .name = link_temp_name};
    item.version = LinkedVersion(ds, link_temp);
    item.files = 1;
    st.leftovers.push_back(item);
  }
  if (!st.store_exists) return st;

  std::vector<fs::path> entries;
  for (auto it = fs::directory_iterator(ds.store(), ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    entries.push_back(it->path());
  }
  std::sort(entries.begin(), entries.end());
  const std::string store_name = ds.store().filename().string();
  const std::optional<int64_t> last_published = ds.LastPublished();
  for (const auto& path : entries) {
    const std::string name = path.filename().string();
    StoreItem item{.path = path.string(), .name = store_name + "/" + name};
    std::error_code type_ec;
    const bool dir = fs::symlink_status(path, type_ec).type() == fs::file_type::directory;
    if (name == "lock" || name == "_duckpart_store") continue;
    if (name == "tmp" && dir) {
      item.kind = Kind::kSpill;
      Measure(path, item);
      if (item.files == 0) continue;  // an empty spill folder is no leftover
    } else if (!dir && name == "_duckpart_store.tmp") {
      item.kind = Kind::kTempFile;
      Measure(path, item);
    } else if (dir && name.rfind("staging-", 0) == 0) {
      item.kind = Kind::kStaging;
      Measure(path, item);
    } else if (const auto v = dir ? DatasetStore::ParseVersionName(name) : std::nullopt) {
      if (st.current_version && *v == *st.current_version) continue;
      if (kept.count(*v)) continue;
      // A version the store's marker says was published, with no link left to it: the
      // link was removed or moved away, the data is whole; never taken for unfinished work.
      if (!st.current_version && last_published && *v <= *last_published) continue;
      item.version = v;
      item.kind = st.current_version && *v < *st.current_version ? Kind::kSupersededVersion
                                                                  : Kind::kUnpublishedVersion;
      Measure(path, item);
    } else {
      item.kind = Kind::kUnknown;
      Measure(path, item);
    }
    st.leftovers.push_back(item);
  }
  return st;
}

void CheckRecoverable(const StoreStatus& st, const DatasetStore& ds, const char* command) {
  if (st.state == "not a dataset") {
    throw InputError("'" + st.target + "' is not a duckpart dataset (a folder or file that duckpart did not make)");
  }
  if (st.locked) {
    throw BusyError(fmt::format("a duckpart process{} is working on '{}' now; run {} when it has finished",
                                 st.lock_pid ? fmt::format(" (pid {})", *st.lock_pid) : std::string(), st.target,
                                 command));
  }
  if (st.current_version && !fs::exists(ds.VersionDir(*st.current_version))) {
    throw CheckFailed("the link '" + st.target + "' points to version " + std::to_string(*st.current_version) +
                      ", which is missing from " + st.store + "; nothing was changed");
  }
}

std::string Files(int64_t n) { return fmt::format("{} file{}", n, n == 1 ? "" : "s"); }

std::string Describe(const StoreItem& item) {
  std::string what;
  switch (item.kind) {
    case Kind::kStaging:
      what = item.files ? fmt::format("staging folder {} (unpublished work: {}, {})", item.name, Files(item.files),
                                      util::FormatBytes(item.bytes))
                        : fmt::format("empty staging folder {}", item.name);
      break;
    case Kind::kUnpublishedVersion:
      what = fmt::format("unpublished version {} ({}, {})", item.name, Files(item.files), util::FormatBytes(item.bytes));
      break;
    case Kind::kSupersededVersion:
      what = fmt::format("superseded version {} ({}, {})", item.name, Files(item.files), util::FormatBytes(item.bytes));
      break;
    case Kind::kLinkTemp:
      what = fmt::format("link {} that was never renamed into place", item.name);
      break;
    case Kind::kSpill:
      what = fmt::format("{} of spilled data ({}) in {}", Files(item.files), util::FormatBytes(item.bytes), item.name);
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

void Remove(const StoreItem& item) {
  std::error_code ec;
  if (item.kind == Kind::kSpill) {
    for (auto it = fs::directory_iterator(item.path, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code rm_ec;
      fs::remove_all(it->path(), rm_ec);
    }
    return;
  }
  fs::remove_all(item.path, ec);
  if (ec) throw RuntimeFailure("cannot remove '" + item.path + "': " + ec.message());
}

// Removal order: the link temp first (nothing then points at what follows), then work
// that was never published, then what published operations had still to remove.
int Rank(Kind k) {
  switch (k) {
    case Kind::kLinkTemp: return 0;
    case Kind::kUnpublishedVersion: return 1;
    case Kind::kStaging: return 2;
    case Kind::kSupersededVersion: return 3;
    case Kind::kSpill: return 4;
    case Kind::kTempFile: return 5;
    case Kind::kUnknown: return 6;
  }
  return 6;
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

}  // namespace

const char* StoreItemKindName(StoreItem::Kind kind) {
  switch (kind) {
    case Kind::kStaging: return "staging";
    case Kind::kUnpublishedVersion: return "unpublished version";
    case Kind::kSupersededVersion: return "superseded version";
    case Kind::kLinkTemp: return "link temp";
    case Kind::kSpill: return "spill files";
    case Kind::kTempFile: return "temp_file";
    case Kind::kUnknown: return "unknown";
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

StoreStatus InspectStore(const std::string& target) { return Inspect(target, true); }

RecoverReport Recover(const std::string& target, bool dry_run) {
  const DatasetStore ds(target);
  RecoverReport r;
  r.dry_run = dry_run;
  r.before = Inspect(target, true);
  CheckRecoverable(r.before, ds, "recover");
  std::optional<StoreLock> lock;
  StoreStatus now = r.before;
  if (!dry_run && r.before.store_exists) {
    lock.emplace(ds);
    now = Inspect(target, false);  // again, now that nothing can change under us
    now.lock_pid = r.before.lock_pid;
    now.lock_pid_alive = r.before.lock_pid_alive;
    CheckRecoverable(now, ds, "recover");
  }
  r.version = now.current_version;

  bool rolled_back = false, completed = false;
  std::vector<StoreItem> remove;
  int unknown = 0;
  for (const auto& item : now.leftovers) {
    if (item.kind == Kind::kUnknown) {
      ++unknown;
      continue;
    }
    if (item.kind == Kind::kUnpublishedVersion || (item.kind == Kind::kStaging && item.files > 0)) rolled_back = true;
    if (item.kind == Kind::kLinkTemp && item.version && item.version != now.current_version) rolled_back = true;
    if (item.kind == Kind::kSupersededVersion) completed = true;
    remove.push_back(item);
  }
  const std::string verb = dry_run ? "would remove " : "removed ";
  for (const auto& item : remove) r.actions.push_back(verb + Describe(item));
  if (!remove.empty() && r.before.lock_pid && !r.before.lock_pid_alive) {
    r.actions.push_back(fmt::format("the lock file names process {}, which is no longer running (its lock "
                                    "ended with it: no stale lock to clear)",
                                    *r.before.lock_pid));
  }
  if (unknown) {
    r.actions.push_back(fmt::format("left {} unknown entr{} in the store for `duckpart cleanup`", unknown,
                                    unknown == 1 ? "y" : "ies"));
  }
  if (!dry_run) RemoveAll(remove, ds);

  const std::string at = r.version ? fmt::format("is at version {}", *r.version) : "holds no dataset";
  const std::string q = "'" + target + "'";
  if (remove.empty()) {
    r.outcome = "nothing to recover";
    r.summary = "nothing to recover: " + q + " " + at;
  } else if (rolled_back && completed) {
    r.outcome = "rolled back and completed";
    r.summary = "rolled back an unfinished run and completed an earlier one: " + q + " " + at;
  } else if (rolled_back) {
    r.outcome = "rolled back";
    r.summary = "rolled back an unfinished run: " + q +
                (r.version ? fmt::format(" stays at version {}, its last committed version", *r.version)
                           : std::string(" holds no dataset, as before the run"));
  } else if (completed) {
    r.outcome = "completed";
    r.summary = "completed an interrupted run: " + q + " " + at;
  } else {
    r.outcome = "cleaned up";
    r.summary = "cleaned up after an interrupted run: " + q + " " + at +
                (r.version ? ", its last committed version" : "");
  }
  if (dry_run && !remove.empty()) r.summary += " (dry run: nothing was changed)";
  return r;
}

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
  r.removed = now.Interrupted();  // unknown entries are not duckpart's: kept (named in now.leftovers)
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
        for (fs::path d = root / p.path; d != root && d.has_relative_path(); d = d.parent_path()) keep_dirs.insert(d);
        for (const auto& f : p.files) listed.insert(fs::path(f.path).lexically_normal().string());
      }
      std::error_code ec;
      std::vector<std::pair<std::string, int64_t>> found;
      for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        std::error_code type_ec;
        const auto s = it->symlink_status(type_ec);
        if (s.type() == fs::file_type::directory) continue;
        const std::string rel = it->path().lexically_relative(root).string();
        if (listed.count(rel)) continue;
        std::error_code size_ec;
        const int64_t size = s.type() == fs::file_type::regular ? static_cast<int64_t>(it->file_size(size_ec)) : 0;
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
    for (auto it = fs::directory_iterator(ds.store(), ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name != "lock" && name != "_duckpart_store" && !(name == "tmp" && fs::is_empty(it->path(), ec))) ++others;
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
      if (ec) throw RuntimeFailure("cannot remove '" + (root / rel).string() + "': " + ec.message());
    }
    // Folders that held only orphans go too; the manifest's partition folders stay.
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::error_code type_ec;
      if (it->symlink_status(type_ec).type() == fs::file_type::directory) dirs.push_back(it->path());
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

namespace {

DatabaseRecoverReport DatabaseWork(const std::string& database, bool dry_run, bool drop_leftovers) {
  DatabaseRecoverReport r;
  r.database = database;
  r.dry_run = dry_run;
  std::error_code ec;
  if (!fs::exists(database, ec)) throw InputError("database '" + database + "' does not exist");
  if (!fs::is_regular_file(database, ec)) throw InputError("--db '" + database + "' is not a file");
  const std::string wal = database + ".wal";
  if (fs::exists(wal, ec)) r.wal_bytes = static_cast<int64_t>(fs::file_size(wal, ec));
  const fs::path spill = database + ".tmp";
  StoreItem spilled{.kind = Kind::kSpill, .path = spill.string(), .name = spill.filename().string()};
  if (fs::is_directory(spill, ec)) Measure(spill, spilled);
  r.spill_files = spilled.files;
  r.spill_bytes = spilled.bytes;

  std::optional<db::Database> db_handle;
  try {
    db_handle.emplace(db::DatabaseOptions{.path = database,
                                          .access = dry_run ? db::Access::kReadOnly : db::Access::kReadWrite,
                                          .threads = 1});
  } catch (const db::DbError& e) {
    throw InputError("cannot open database '" + database + "' (is another process using it?): " + e.what());
  }
  db::Connection conn(*db_handle);
  db::Result t = conn.Query(
      "SELECT schema_name, table_name, 'TABLE' FROM duckdb_tables() WHERE database_name = current_database() AND "
      "table_name LIKE '!_!_duckpart%' ESCAPE '!' UNION ALL SELECT schema_name, view_name, 'VIEW' FROM "
      "duckdb_views() WHERE database_name = current_database() AND view_name LIKE '!_!_duckpart%' ESCAPE '!' "
      "AND NOT internal ORDER BY 1, 2");
  std::vector<std::pair<std::string, std::string>> drops;
  for (uint64_t i = 0; i < t.RowCount(); ++i) {
    const std::string name = db::QualifiedName(t.GetString(i, 0), t.GetString(i, 1));
    r.leftover_tables.push_back(name);
    drops.emplace_back("DROP " + t.GetString(i, 2) + " IF EXISTS " + name, name);
  }
  const std::string verb = dry_run ? "would remove " : "removed ";
  if (!dry_run) conn.Execute("CHECKPOINT");  // the WAL's committed transactions into the file
  if (r.wal_bytes > 0) {
    r.actions.push_back(fmt::format("{} the write-ahead log ({}): committed transactions {}, an unfinished one {}",
                                    dry_run ? "would replay" : "replayed", util::FormatBytes(r.wal_bytes),
                                    dry_run ? "would be kept" : "kept", dry_run ? "would be discarded" : "discarded"));
  }
  if (spilled.files > 0) {
    r.actions.push_back(verb + Describe(spilled));
    if (!dry_run) Remove(spilled);
  }
  if (drop_leftovers) {
    for (const auto& [sql, name] : drops) {
      r.actions.push_back(verb + "leftover " + name);
      if (!dry_run) conn.Execute(sql);
    }
  } else if (!drops.empty()) {
    r.actions.push_back(fmt::format("left {} table{} named __duckpart* for `duckpart cleanup --db`", drops.size(),
                                    drops.size() == 1 ? "" : "s"));
  }
  const bool rolled = r.wal_bytes > 0 || spilled.files > 0 || (drop_leftovers && !drops.empty());
  r.outcome = rolled ? "recovered" : "nothing to recover";
  r.summary = rolled ? "recovered '" + database + "': it holds only committed transactions (an interrupted "
                                                  "`run --to-db` commits nothing, and DuckDB discards the rest)"
                     : "nothing to recover: '" + database + "' holds only committed transactions";
  if (dry_run && rolled) r.summary += " (dry run: nothing was changed)";
  return r;
}

}  // namespace

DatabaseRecoverReport RecoverDatabase(const std::string& database, bool dry_run) {
  return DatabaseWork(database, dry_run, false);
}

DatabaseRecoverReport CleanupDatabase(const std::string& database, bool dry_run) {
  return DatabaseWork(database, dry_run, true);
}

}  // namespace duckpart

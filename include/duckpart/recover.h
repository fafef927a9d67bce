// Recovery after a crash, and cleanup of what no version needs, for Parquet datasets.
//
//   RecoverReport r = Recover("out/events");     // under the store's lock
//   std::cout << r.summary << "\n";              // "rolled back an unfinished run: ..."
//
// No journal is needed: the dataset link is the single commit point of every change
// (see write/dataset_store.h), so the store's own state says where an interrupted
// operation stopped. Whatever the link does not point to is either work that was never
// committed (a staging folder, a version folder newer than the link, a new link not
// yet renamed over the old one) and is rolled back, or what a committed operation had
// still to remove (versions older than the link), whose removal completes it. Spill
// files of a killed process are removed too. Nothing the link points to is touched.
//
// The store's lock is a flock, which the kernel releases when its holder dies: a lock
// file naming a dead process is reported, never "stale". A live holder makes Recover
// and Cleanup refuse (BusyError, exit 4).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace duckpart {

struct StoreItem {
  enum class Kind {
    kStaging,             // staging-*: work of a run that did not publish (or had yet to clean up)
    kUnpublishedVersion,  // a version folder the link never pointed to
    kSupersededVersion,   // a version older than the published one
    kLinkTemp,  // NAME.duckpart-link-tmp beside the target: a link never renamed into place
    kSpill,     // files in the store's tmp folder, spilled by a process that died
    kTempFile,  // _duckpart_store.tmp: the store's marker, half rewritten
    kUnknown,   // anything else in the store: not duckpart's, never removed
  };
  Kind kind = Kind::kUnknown;
  std::string path;  // absolute
  std::string name;  // for people: relative to the target's folder
  std::optional<int64_t> version;
  int64_t files = 0;
  int64_t bytes = 0;
};

// "staging", "unpublished version", "superseded version", "link temp", "spill files", "unknown".
const char* StoreItemKindName(StoreItem::Kind kind);

struct StoreStatus {
  std::string target;  // as given
  std::string store;   // absolute path of the hidden store
  // "dataset", "absent", "empty folder" or "not a dataset".
  std::string state;
  bool store_exists = false;
  std::optional<int64_t> current_version;
  bool locked = false;               // a live process holds the store's lock
  std::optional<int64_t> lock_pid;   // the pid the lock file names
  bool lock_pid_alive = false;       // ... and whether that process still runs
  std::vector<StoreItem> leftovers;  // what Recover/Cleanup would remove, unknown entries included
  std::vector<std::string> other_links;  // other links beside the target into this store (kept)
  // Superseded versions the retention policy keeps (the last writer's --keep-versions and
  // --version-grace), with the reason: never leftovers while kept.
  std::map<int64_t, std::string> kept_versions;

  // Leftovers of an interrupted operation (everything but kUnknown).
  std::vector<StoreItem> Interrupted() const;
};

// Looks at the target and its store; changes nothing, takes no lock. Throws InputError
// when the target's folder does not exist.
StoreStatus InspectStore(const std::string& target);

struct RecoverReport {
  StoreStatus before;
  // "nothing to recover", "rolled back", "completed", "rolled back and completed",
  // or "cleaned up" (only spill files, empty staging folders or a link temp were left).
  std::string outcome;
  std::string summary;               // one sentence for people
  std::vector<std::string> actions;  // one line per item removed (or, dry run, to remove)
  std::optional<int64_t> version;    // the published version afterwards
  bool dry_run = false;
};

// Completes or rolls back an interrupted operation on the dataset `target`, under the
// store's lock. Throws BusyError when a live process holds the lock, InputError when the
// target is not a duckpart dataset. Idempotent.
RecoverReport Recover(const std::string& target, bool dry_run = false);

struct CleanupOptions {
  bool dry_run = false;
  bool orphans = false;  // also remove files in the current version that its manifest does not list
};

struct CleanupReport {
  StoreStatus before;
  std::vector<StoreItem> removed;    // removed (or, dry run, to remove)
  int64_t bytes = 0;                 // their size
  std::vector<StoreItem> kept;       // unknown entries of the store: not duckpart's, kept
  std::vector<std::string> orphans;  // relative to the dataset root
  int64_t orphan_bytes = 0;
  bool orphans_removed = false;
  std::string manifest_problem;  // set when the current manifest could not be read
  bool store_removed = false;    // no dataset: the emptied store itself was removed
  bool dry_run = false;
};

// Lists, then removes, staging folders, unpublished versions, superseded versions past the
// retention policy the last write recorded (kept versions stay, see StoreStatus), link temps
// and spill files; names the store's unknown entries and keeps them; lists orphan files in the
// current version and removes them only with `orphans`. When the target holds no dataset, the
// emptied store (its lock file) is removed too. Under the store's lock; throws like Recover.
CleanupReport Cleanup(const std::string& target, const CleanupOptions& options);

// Partition tables in a DuckDB database (`duckpart run --to-db`) are written in one
// DuckDB transaction, and staged in TEMP tables of duckpart's own session, which die
// with it: after a crash the database's write-ahead log holds no committed trace of the
// run, so opening the database rolls it back. RecoverDatabase does that open (replaying
// committed transactions from the WAL and discarding the rest), checkpoints, and removes
// the spill files a killed process left in duckpart's spill folder of FILE
// (DatabaseSpillFolder, table_run.h): only DuckDB's spill files, and the folder when it
// is then empty. DuckDB's own FILE.tmp and every table or view are never touched.
// CleanupDatabase does the same. Both refuse (InputError) a file that is not a DuckDB
// database and a database another process has open.
struct DatabaseRecoverReport {
  std::string database;
  std::string outcome;  // "nothing to recover" or "recovered"
  std::string summary;
  std::vector<std::string> actions;
  int64_t wal_bytes = 0;  // the write-ahead log found (replayed or discarded)
  int64_t spill_files = 0, spill_bytes = 0;
  bool dry_run = false;
};

DatabaseRecoverReport RecoverDatabase(const std::string& database, bool dry_run = false);
DatabaseRecoverReport CleanupDatabase(const std::string& database, bool dry_run = false);

}  // namespace duckpart

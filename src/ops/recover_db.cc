// recover and cleanup of a partition-tables target (--db).
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>

#include "db/database.h"
#include "db/database_file.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/manifest.h"
#include "duckpart/recover.h"
#include "duckpart/table_run.h"
#include "ops/store_status.h"
#include "store/dataset_store.h"
#include "store/fs.h"
#include "util/format.h"

namespace duckpart {

namespace fs = std::filesystem;
using Kind = StoreItem::Kind;
using ops::Describe;

namespace {

// DuckDB names its spill files duckdb_temp_storage*.tmp and duckdb_temp_block-*.block.
bool IsDuckDbSpillFile(const fs::directory_entry& e) {
  std::error_code ec;
  return e.is_regular_file(ec) && e.path().filename().string().rfind("duckdb_temp_", 0) == 0;
}

// The spill files a killed `run --to-db` left in duckpart's own spill folder of the
// database (DatabaseSpillFolder); DuckDB's default FILE.tmp and anything else in the
// folder are never counted or removed.
StoreItem SpillLeftovers(const std::string& database) {
  const fs::path spill = DatabaseSpillFolder(database);
  StoreItem item{.kind = Kind::kSpill, .path = spill.string(), .name = spill.filename().string()};
  std::error_code ec;
  for (auto it = fs::directory_iterator(spill, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (!IsDuckDbSpillFile(*it)) continue;
    ++item.files;
    std::error_code size_ec;
    const auto size = it->file_size(size_ec);
    if (!size_ec) item.bytes += static_cast<int64_t>(size);
  }
  return item;
}

void RemoveSpillLeftovers(const StoreItem& item) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(item.path, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code rm_ec;
    if (IsDuckDbSpillFile(*it)) fs::remove(it->path(), rm_ec);
  }
  std::error_code rm_ec;
  if (fs::is_empty(item.path, rm_ec)) fs::remove(item.path, rm_ec);  // only when empty
}

void CheckDatabaseFile(const std::string& database) {
  const db::FileKind kind = db::KindOfFile(database);
  if (kind == db::FileKind::kMissing)
    throw InputError("database '" + database + "' does not exist");
  if (kind != db::FileKind::kDuckDb) {
    throw InputError("--db '" + database + "' is " + db::Describe(kind) +
                     ", not a DuckDB database");
  }
}

db::Database OpenForRecovery(const std::string& database, bool dry_run) {
  try {
    return db::Database(
        db::DatabaseOptions{.path = database,
                            .access = dry_run ? db::Access::kReadOnly : db::Access::kReadWrite,
                            .threads = 1});
  } catch (const db::DbError& e) {
    throw InputError("cannot open database '" + database +
                     "' (is another process using it?): " + e.what());
  }
}

DatabaseRecoverReport DatabaseWork(const std::string& database, bool dry_run) {
  DatabaseRecoverReport r;
  r.database = database;
  r.dry_run = dry_run;
  CheckDatabaseFile(database);
  std::error_code ec;
  const std::string wal = database + ".wal";
  if (fs::exists(wal, ec)) r.wal_bytes = static_cast<int64_t>(fs::file_size(wal, ec));
  // Opened read-write, DuckDB's file lock proves no run on this database is going on, so
  // the spill files in duckpart's folder are a dead process's.
  db::Database handle = OpenForRecovery(database, dry_run);
  const StoreItem spilled = SpillLeftovers(database);
  r.spill_files = spilled.files;
  r.spill_bytes = spilled.bytes;
  db::Connection conn(handle);
  if (!dry_run) conn.Execute("CHECKPOINT");  // the WAL's committed transactions into the file
  if (r.wal_bytes > 0) {
    r.actions.push_back(fmt::format(
        "{} the write-ahead log ({}): committed transactions {}, an unfinished one {}",
        dry_run ? "would replay" : "replayed", util::FormatBytes(r.wal_bytes),
        dry_run ? "would be kept" : "kept", dry_run ? "would be discarded" : "discarded"));
  }
  if (spilled.files > 0) {
    r.actions.push_back((dry_run ? "would remove " : "removed ") + Describe(spilled));
    if (!dry_run) RemoveSpillLeftovers(spilled);
  }
  const bool rolled = r.wal_bytes > 0 || spilled.files > 0;
  r.outcome = rolled ? "recovered" : "nothing to recover";
  r.summary = rolled ? "recovered '" + database +
                           "': it holds only committed transactions (an interrupted "
                           "`run --to-db` commits nothing, and DuckDB discards the rest)"
                     : "nothing to recover: '" + database + "' holds only committed transactions";
  if (dry_run && rolled) r.summary += " (dry run: nothing was changed)";
  return r;
}

}  // namespace

DatabaseRecoverReport RecoverDatabase(const std::string& database, bool dry_run) {
  return DatabaseWork(database, dry_run);
}

DatabaseRecoverReport CleanupDatabase(const std::string& database, bool dry_run) {
  return DatabaseWork(database, dry_run);
}

}  // namespace duckpart

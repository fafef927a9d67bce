// recover and cleanup of a partition-tables target (--db).
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
using Kind = StoreItem::Kind;
using ops::Describe;
using ops::Measure;
using ops::Remove;

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
  StoreItem spilled{
      .kind = Kind::kSpill, .path = spill.string(), .name = spill.filename().string()};
  if (fs::is_directory(spill, ec)) Measure(spill, spilled);
  r.spill_files = spilled.files;
  r.spill_bytes = spilled.bytes;

  std::optional<db::Database> db_handle;
  try {
    db_handle.emplace(
        db::DatabaseOptions{.path = database,
                            .access = dry_run ? db::Access::kReadOnly : db::Access::kReadWrite,
                            .threads = 1});
  } catch (const db::DbError& e) {
    throw InputError("cannot open database '" + database +
                     "' (is another process using it?): " + e.what());
  }
  db::Connection conn(*db_handle);
  db::Result t = conn.Query(
      "SELECT schema_name, table_name, 'TABLE' FROM duckdb_tables() WHERE database_name = "
      "current_database() AND "
      "table_name LIKE '!_!_duckpart%' ESCAPE '!' UNION ALL SELECT schema_name, view_name, 'VIEW' "
      "FROM "
      "duckdb_views() WHERE database_name = current_database() AND view_name LIKE '!_!_duckpart%' "
      "ESCAPE '!' "
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
    r.actions.push_back(fmt::format(
        "{} the write-ahead log ({}): committed transactions {}, an unfinished one {}",
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
    r.actions.push_back(fmt::format("left {} table{} named __duckpart* for `duckpart cleanup --db`",
                                    drops.size(), drops.size() == 1 ? "" : "s"));
  }
  const bool rolled = r.wal_bytes > 0 || spilled.files > 0 || (drop_leftovers && !drops.empty());
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
  return DatabaseWork(database, dry_run, false);
}

DatabaseRecoverReport CleanupDatabase(const std::string& database, bool dry_run) {
  return DatabaseWork(database, dry_run, true);
}

}  // namespace duckpart

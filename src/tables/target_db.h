// The target database of a partition-tables run, attached to the workspace's session,
// and the guard that removes a target file the run created when the run fails.
#pragma once

#include <filesystem>
#include <string>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/table_run.h"

namespace duckpart::tables {

// The current default database of the connection ("memory", or "src" for a query source).
inline std::string CurrentDatabase(db::Connection& conn) {
  return conn.Query("SELECT current_database()").GetString(0, 0);
}

// The target database inside the workspace. For a separate file it is ATTACHed as
// __dp_target (and DETACHed at the end). For the source's own file, the read-only `src`
// is swapped for a read-write `src` just before the transaction, and swapped back at the
// end, so the source relation keeps its name and is never open for writing while it is
// read.
class TargetDb {
 public:
  TargetDb(db::Connection& conn, std::string path, bool same_file)
      : conn_(conn),
        path_(std::move(path)),
        same_(same_file),
        alias_(same_file ? "src" : kTableTargetAlias) {}
  ~TargetDb() {
    try {
      if (same_ && writable_)
        Reattach(false);
      else if (!same_ && attached_)
        conn_.Execute("DETACH " + db::QuoteIdent(alias_));
    } catch (...) {
    }
  }
  TargetDb(const TargetDb&) = delete;
  TargetDb& operator=(const TargetDb&) = delete;

  const std::string& alias() const { return alias_; }
  bool readable() const { return same_ || attached_; }

  // Attaches a separate file read-write (creating it when missing).
  void Attach() {
    if (same_ || attached_) return;
    try {
      conn_.Execute("ATTACH " + db::QuoteLiteral(path_) + " AS " + db::QuoteIdent(alias_));
    } catch (const db::DbError& e) {
      if (e.kind() == db::ErrorKind::kInterrupt) throw;
      throw InputError("cannot open target database '" + path_ + "': " + e.what());
    }
    attached_ = true;
  }
  // Makes the source's own file writable (same file only).
  void MakeWritable() {
    if (!same_ || writable_) return;
    Reattach(true);
    writable_ = true;
  }

 private:
  void Reattach(bool writable) {
    const bool was_default = CurrentDatabase(conn_) == "src";
    if (was_default) conn_.Execute("USE memory");
    conn_.Execute("DETACH src");
    try {
      conn_.Execute("ATTACH " + db::QuoteLiteral(path_) + " AS src" +
                    (writable ? "" : " (READ_ONLY)"));
    } catch (const db::DbError& e) {
      if (!writable) throw;
      // Put the read-only source back before reporting.
      conn_.Execute("ATTACH " + db::QuoteLiteral(path_) + " AS src (READ_ONLY)");
      if (was_default) conn_.Execute("USE src");
      if (e.kind() == db::ErrorKind::kInterrupt) throw;
      throw InputError("cannot open database '" + path_ + "' for writing: " + e.what());
    }
    if (was_default) conn_.Execute("USE src");
  }

  db::Connection& conn_;
  const std::string path_;
  const bool same_;
  const std::string alias_;
  bool attached_ = false;
  bool writable_ = false;
};

// Removes a database file this run created, when the run fails.
class CreatedFileGuard {
 public:
  void Arm(std::string path) { path_ = std::move(path); }
  void Dismiss() { path_.clear(); }
  ~CreatedFileGuard() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    std::filesystem::remove(path_ + ".wal", ec);
  }

 private:
  std::string path_;
};

}  // namespace duckpart::tables

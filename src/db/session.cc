#include "db/session.h"

#include "db/sql.h"

namespace duckpart::db {

SessionSettings::~SessionSettings() {
  for (const auto& [name, value] : saved_) {
    try {
      conn_.Execute("SET " + name + " = " + QuoteLiteral(value));
    } catch (...) {
    }
  }
}

void SessionSettings::Set(const std::string& name, const std::string& value) {
  if (!saved_.count(name)) {
    saved_[name] =
        conn_.Query("SELECT CAST(current_setting(" + QuoteLiteral(name) + ") AS VARCHAR)")
            .GetString(0, 0);
  }
  conn_.Execute("SET " + name + " = " + QuoteLiteral(value));
}

void SessionSettings::Restore(const std::string& name) {
  auto it = saved_.find(name);
  if (it == saved_.end()) return;
  conn_.Execute("SET " + name + " = " + QuoteLiteral(it->second));
  saved_.erase(it);
}

Transaction::Transaction(Connection& conn) : conn_(conn) { conn_.Execute("BEGIN TRANSACTION"); }

Transaction::~Transaction() { Rollback(); }

void Transaction::Commit() {
  conn_.Execute("COMMIT");
  open_ = false;
}

void Transaction::Rollback() noexcept {
  if (!open_) return;
  open_ = false;
  try {
    conn_.Execute("ROLLBACK");
  } catch (...) {
  }
}

}  // namespace duckpart::db

// Session helpers over a DuckDB connection: settings changed for a while and put back,
// and a transaction that rolls back unless committed.
#pragma once

#include <map>
#include <string>

#include "db/database.h"

namespace duckpart::db {

// Changes settings of the session and puts them back (Restore, or when it goes out of
// scope). Declare it before a Transaction, so that it restores after the ROLLBACK: SET
// fails inside an aborted transaction.
class SessionSettings {
 public:
  explicit SessionSettings(Connection& conn) : conn_(conn) {}
  ~SessionSettings();
  SessionSettings(const SessionSettings&) = delete;
  SessionSettings& operator=(const SessionSettings&) = delete;

  // Sets `name` to `value`, remembering the value it had first.
  void Set(const std::string& name, const std::string& value);
  // Puts `name` back now.
  void Restore(const std::string& name);

 private:
  Connection& conn_;
  std::map<std::string, std::string> saved_;
};

// BEGIN on construction; ROLLBACK on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // COMMIT. When it throws, the transaction is still ours to roll back (whether the
  // COMMIT nevertheless took effect is for the caller to find out after Rollback()).
  void Commit();
  // ROLLBACK now, when still open; errors are swallowed (an ended transaction).
  void Rollback() noexcept;

 private:
  Connection& conn_;
  bool open_ = true;
};

}  // namespace duckpart::db

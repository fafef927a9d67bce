#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "db/database.h"
#include "db/error_text.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/source.h"
#include "plan/source_table.h"
#include "plan/workspace_access.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

// The database of every open workspace, for WorkspaceDatabase. (The public header names the
// workspace's connection for the library through a friend; its database stays out of it, so
// the library's own code finds it here.)
class DatabaseRegistry {
 public:
  void Add(const Workspace* ws, const db::Database& database) {
    std::lock_guard<std::mutex> lock(mu_);
    databases_[ws] = &database;
  }
  void Remove(const Workspace* ws) {
    std::lock_guard<std::mutex> lock(mu_);
    databases_.erase(ws);
  }
  const db::Database& Of(const Workspace* ws) {
    std::lock_guard<std::mutex> lock(mu_);
    return *databases_.at(ws);
  }

 private:
  std::mutex mu_;
  std::unordered_map<const Workspace*, const db::Database*> databases_;  // guarded by mu_
};

DatabaseRegistry& Databases() {
  static DatabaseRegistry registry;
  return registry;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string FilesRelation(const std::string& from) {
  std::string lower = from;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string lit = db::QuoteLiteral(from);
  if (EndsWith(lower, ".parquet")) return "read_parquet(" + lit + ")";
  if (EndsWith(lower, ".csv") || EndsWith(lower, ".csv.gz") || EndsWith(lower, ".tsv")) {
    return "read_csv(" + lit + ", auto_detect = true)";
  }
  if (EndsWith(lower, ".json") || EndsWith(lower, ".jsonl") || EndsWith(lower, ".ndjson")) {
    return "read_json_auto(" + lit + ")";
  }
  throw InputError("--from '" + from +
                   "': cannot tell the format; name files ending in "
                   ".parquet, .csv, .tsv, .json, .jsonl or .ndjson");
}

void CheckSourceOptions(const SourceOptions& s) {
  const int kinds = (!s.table.empty()) + (!s.query.empty()) + (!s.from.empty());
  if (kinds != 1) throw InputError("give exactly one source: --table, --query or --from");
  if (!s.table.empty() && s.db_path.empty()) throw InputError("--table needs --db FILE");
  if (!s.db_path.empty()) {
    if (!fs::exists(s.db_path)) throw InputError("database '" + s.db_path + "' does not exist");
    if (fs::is_directory(s.db_path)) throw InputError("--db '" + s.db_path + "' is a directory");
  }
}

// A local --from pattern that matches no file is named as such, before DuckDB's reader
// reports it with duckpart's own SQL around it.
void CheckFilesMatch(db::Connection& conn, const std::string& from) {
  if (from.find("://") != std::string::npos) return;  // remote: DuckDB's reader tells
  db::PreparedStatement glob = conn.Prepare("SELECT count(*) FROM glob($1)");
  glob.Bind(1, from);
  if (glob.Execute().GetInt64(0, 0) > 0) return;
  throw InputError("--from '" + from +
                   "': no file matches; check the path (a glob: * within a folder, ** across "
                   "folders, e.g. --from 'data/**/*.parquet')");
}

}  // namespace

std::string SourceOptions::Describe() const {
  if (!description.empty()) return description;
  if (!table.empty()) return "table " + table + " in " + db_path;
  if (!query.empty()) return db_path.empty() ? "query" : "query over " + db_path;
  return "files " + from;
}

Workspace::Workspace(const SourceOptions& source, const EngineOptions& engine)
    : source_(source), engine_(engine) {
  CheckSourceOptions(source);
  try {
    database_ = std::make_unique<db::Database>(
        db::DatabaseOptions{.memory_limit = engine.memory_limit,
                            .threads = engine.threads,
                            .temp_directory = engine.temp_directory,
                            .max_temp_directory_size = engine.max_temp_size});
  } catch (const db::DbError& e) {
    // A bad --memory-limit, --threads or --max-temp-size: bad input, nothing was done.
    if (e.kind() == db::ErrorKind::kInvalidInput) throw InputError(e.what());
    throw;
  }
  conn_ = std::make_unique<db::Connection>(*database_);
  conn_->Execute(
      "SET preserve_insertion_order = false; SET enable_progress_bar = true; "
      "SET enable_progress_bar_print = false");
  if (!source.db_path.empty()) {
    try {
      conn_->Execute("ATTACH " + db::QuoteLiteral(source.db_path) + " AS src (READ_ONLY)");
    } catch (const db::DbError& e) {
      throw InputError("cannot open database '" + source.db_path + "': " + e.what());
    }
  }
  if (!source.table.empty()) {
    const auto found = plan::FindSourceTable(*conn_, "src", source.table);
    if (!found)
      throw InputError("table '" + source.table + "' does not exist in " + source.db_path);
    relation_ = "src." + db::QuoteIdent(found->schema) + "." + db::QuoteIdent(found->table);
  } else if (!source.query.empty()) {
    if (!source.db_path.empty()) conn_->Execute("USE src");
    relation_ = "(" + source.query + ")";
  } else {
    relation_ = FilesRelation(source.from);
    CheckFilesMatch(*conn_, source.from);
  }
  try {
    db::Result d = conn_->Query("DESCRIBE SELECT * FROM " + relation_ + " AS s");
    for (uint64_t i = 0; i < d.RowCount(); ++i) {
      columns_.push_back({d.GetString(i, 0), d.GetString(i, 1)});
    }
  } catch (const db::DbError& e) {
    // Without DuckDB's echo of duckpart's own DESCRIBE statement.
    throw InputError("cannot read the source (" + source.Describe() +
                     "): " + db::WithoutErrorClass(db::WithoutSqlContext(e.what())));
  }
  for (const auto& c : columns_) {
    if (c.name.rfind("__dp_", 0) == 0) {
      throw InputError("column '" + c.name +
                       "': names starting with __dp_ are reserved by duckpart; "
                       "rename it in a --query");
    }
  }
  // Keys never depend on the session's zone: time transforms name their zone explicitly.
  conn_->Execute("SET TimeZone = 'UTC'");
  try {
    conn_->Execute("SELECT timezone(" + db::QuoteLiteral(engine.timezone) +
                   ", TIMESTAMPTZ '2000-01-01 00:00:00+00')");
  } catch (const db::DbError&) {
    throw InputError("unknown --timezone '" + engine.timezone + "'");
  }
  Databases().Add(this, *database_);  // last: a workspace that failed to open is never listed
}

Workspace::~Workspace() { Databases().Remove(this); }

db::Connection& WorkspaceConnection(Workspace& ws) { return *ws.conn_; }

const db::Database& WorkspaceDatabase(Workspace& ws) { return Databases().Of(&ws); }

const ColumnInfo* Workspace::FindColumn(const std::string& name) const {
  for (const auto& c : columns_) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> Workspace::ColumnList(const std::string& list,
                                               const std::string& option) const {
  std::vector<std::string> cols;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string col = list.substr(start, comma - start);
    col.erase(0, col.find_first_not_of(' '));
    col.erase(col.find_last_not_of(' ') + 1);
    if (!col.empty()) {
      if (!FindColumn(col)) throw InputError(option + ": unknown column '" + col + "'");
      cols.push_back(col);
    }
    start = comma + 1;
  }
  return cols;
}

}  // namespace duckpart

// Validation of partition tables in a DuckDB database (the target of `run --to-db`).
#include <filesystem>
#include <map>
#include <memory>

#include "check/source_compare.h"
#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/hive_path.h"
#include "duckpart/table_run.h"
#include "plan/transform.h"
#include "plan/workspace_access.h"
#include "tables/table_layout.h"
#include "tables/table_verify.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

// The connection that sees the target database read-only: the source workspace's (when
// given; the target is then attached to it, or is its `src` when it is the same file),
// or a session of its own.
class TargetView {
 public:
  TargetView(const std::string& database, Workspace* source, const EngineOptions& engine) {
    if (source && tables::SameDatabaseFile(source->source().db_path, database)) {
      conn_ = &WorkspaceConnection(*source);
      alias_ = "src";
      return;
    }
    if (source) {
      conn_ = &WorkspaceConnection(*source);
    } else {
      own_db_ = std::make_unique<db::Database>(
          db::DatabaseOptions{.memory_limit = engine.memory_limit,
                              .threads = engine.threads,
                              .temp_directory = engine.temp_directory,
                              .max_temp_directory_size = engine.max_temp_size});
      own_conn_ = std::make_unique<db::Connection>(*own_db_);
      own_conn_->Execute("SET TimeZone = 'UTC'");
      conn_ = own_conn_.get();
    }
    alias_ = kTableTargetAlias;
    try {
      conn_->Execute("ATTACH " + db::QuoteLiteral(database) + " AS " + db::QuoteIdent(alias_) +
                     " (READ_ONLY)");
    } catch (const db::DbError& e) {
      throw InputError("cannot open database '" + database + "': " + e.what());
    }
    attached_ = true;
  }
  ~TargetView() {
    if (attached_ && !own_conn_) {
      try {
        conn_->Execute("DETACH " + db::QuoteIdent(alias_));
      } catch (...) {
      }
    }
  }
  TargetView(const TargetView&) = delete;
  TargetView& operator=(const TargetView&) = delete;

  db::Connection& conn() { return *conn_; }
  const std::string& alias() const { return alias_; }

 private:
  std::unique_ptr<db::Database> own_db_;
  std::unique_ptr<db::Connection> own_conn_;
  db::Connection* conn_ = nullptr;
  std::string alias_;
  bool attached_ = false;
};

std::string ChooseSchema(db::Connection& conn, const std::string& alias,
                         const std::string& database) {
  db::Result r =
      conn.Query("SELECT DISTINCT schema_name FROM duckdb_tables() WHERE database_name = " +
                 db::QuoteLiteral(alias) +
                 " AND table_name = " + db::QuoteLiteral(kTableSpecTable) + " ORDER BY 1");
  if (r.RowCount() == 0) throw InputError("'" + database + "' holds no duckpart partition schema");
  if (r.RowCount() > 1) {
    std::string names;
    for (uint64_t i = 0; i < r.RowCount(); ++i) names += (i ? ", " : "") + r.GetString(i, 0);
    throw InputError("'" + database + "' holds several duckpart partition schemas (" + names +
                     "); choose one with --schema");
  }
  return r.GetString(0, 0);
}

// The catalog table against the manifest stored beside it.
void CompareCatalog(const tables::TableCatalog& cat, ValidationReport& r) {
  std::map<int64_t, const Partition*> by_id;
  for (const auto& p : cat.manifest.partitions) by_id[p.id] = &p;
  for (const auto& p : cat.partitions) {
    auto it = by_id.find(p.id);
    if (it == by_id.end()) {
      r.problems.push_back(ValidationProblem::Make("catalog", p.path,
                                                   "catalog row " + std::to_string(p.id) + " (" +
                                                       p.path + ", table " + p.table +
                                                       ") is not in the manifest"));
      continue;
    }
    const Partition& m = *it->second;
    if (m.path != p.path || m.rows != p.rows || m.checksum != p.checksum || m.keys != p.keys) {
      r.problems.push_back(ValidationProblem::Make(
          "catalog", p.path,
          "catalog row " + std::to_string(p.id) + " (" + p.path +
              ") disagrees with the manifest (path, keys, rows or checksum)"));
    }
    by_id.erase(it);
  }
  for (const auto& [id, m] : by_id) {
    r.problems.push_back(ValidationProblem::Make(
        "catalog", m->path,
        "partition " + m->path + " of the manifest has no row in " + kTablePartitionsTable));
  }
}

}  // namespace

ValidationReport ValidateTables(const std::string& database, const std::string& schema,
                                Workspace* source, const EngineOptions& engine) {
  if (!fs::exists(database)) throw InputError("database '" + database + "' does not exist");
  TargetView target(database, source, engine);
  db::Connection& conn = target.conn();
  std::string stored = schema.empty() ? ChooseSchema(conn, target.alias(), database) : schema;
  if (!tables::SchemaExists(conn, target.alias(), stored, &stored)) {
    throw InputError("'" + database + "' has no schema " + schema);
  }
  if (!tables::IsDuckpartSchema(conn, target.alias(), stored)) {
    throw InputError("schema " + stored + " in '" + database +
                     "' is not a duckpart partition schema");
  }
  const tables::TableCatalog cat = tables::ReadTableCatalog(conn, target.alias(), stored);
  ValidationReport r{.dataset = database + " schema " + stored,
                     .version = cat.manifest.version,
                     .partitions = static_cast<int64_t>(cat.partitions.size())};
  r.schema = stored;
  for (const auto& p : cat.problems)
    r.problems.push_back(ValidationProblem::Make("catalog", "", p));
  CompareCatalog(cat, r);
  const tables::TableVerifyReport v = tables::VerifyTables(
      conn, target.alias(), stored, cat.manifest, cat.partitions, cat.view_schema, cat.view_name);
  r.problems.insert(r.problems.end(), v.problems.begin(), v.problems.end());
  r.files = v.tables;
  r.rows = v.rows;
  r.checksum = v.checksum;
  if (source) {
    r.compared_with_source = true;
    const auto problems =
        check::CompareWithSource(*source, cat.manifest, cat.partitions, "the partition tables");
    r.problems.insert(r.problems.end(), problems.begin(), problems.end());
  }
  return r;
}

}  // namespace duckpart

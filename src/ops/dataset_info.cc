#include <algorithm>
#include <filesystem>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/info.h"
#include "duckpart/manifest.h"
#include "duckpart/recover.h"
#include "duckpart/table_run.h"
#include "store/version_pin.h"
#include "tables/table_layout.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

// The parts of the description that come from the manifest alone.
DatasetInfo FromManifest(const Manifest& m) {
  DatasetInfo i;
  i.spec = ToString(m.spec);
  i.version = m.version;
  i.kept_versions = {m.version};
  i.partitions = static_cast<int64_t>(m.partitions.size());
  i.rows = m.total_rows;
  i.checksum = m.total_checksum;
  i.columns = m.schema;
  i.last_operation_at = m.created_at;
  i.source = m.source;
  if (!m.history.empty()) {  // append, retain, ...: the history says which, and from where
    i.last_operation = m.history.back().operation;
    if (!m.history.back().source.empty()) i.source = m.history.back().source;
  }
  std::vector<int64_t> rows;
  for (const auto& p : m.partitions) rows.push_back(p.rows);
  std::sort(rows.begin(), rows.end());
  if (!rows.empty()) {
    i.min_partition_rows = rows.front();
    i.median_partition_rows = rows[rows.size() / 2];
    i.max_partition_rows = rows.back();
  }
  return i;
}

void AddStoreStatus(const std::string& dir, DatasetInfo& i) {
  const StoreStatus st = InspectStore(dir);
  if (st.locked) i.writer_pid = st.lock_pid.value_or(0);
  for (const auto& item : st.Interrupted()) i.leftovers.push_back(item.name);
  for (const auto& [version, why] : st.kept_versions) i.kept_versions.push_back(version);
  std::sort(i.kept_versions.begin(), i.kept_versions.end());
  i.kept_versions.erase(std::unique(i.kept_versions.begin(), i.kept_versions.end()),
                        i.kept_versions.end());
}

std::string ChooseSchema(db::Connection& conn, const std::string& database,
                         const std::string& schema) {
  if (!schema.empty()) {
    std::string stored;
    if (!tables::SchemaExists(conn, kTableTargetAlias, schema, &stored)) {
      throw InputError("'" + database + "' has no schema " + schema);
    }
    return stored;
  }
  db::Result r =
      conn.Query("SELECT DISTINCT schema_name FROM duckdb_tables() WHERE database_name = " +
                 db::QuoteLiteral(kTableTargetAlias) +
                 " AND table_name = " + db::QuoteLiteral(kTableSpecTable) + " ORDER BY 1");
  if (r.RowCount() == 0) throw InputError("'" + database + "' holds no duckpart partition schema");
  if (r.RowCount() > 1) {
    std::string names;
    for (uint64_t k = 0; k < r.RowCount(); ++k) names += (k ? ", " : "") + r.GetString(k, 0);
    throw InputError("'" + database + "' holds several duckpart partition schemas (" + names +
                     "); choose one with --schema");
  }
  return r.GetString(0, 0);
}

DatasetInfo DescribeVersion(const std::string& dir, const std::string& root, const Manifest& m) {
  DatasetInfo i = FromManifest(m);
  i.target = dir;
  i.kind = "parquet";
  int64_t bytes = 0;
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) {
      ++i.files;
      bytes += f.bytes;
      std::error_code ec;
      if (!fs::is_regular_file(fs::path(root) / f.path, ec)) ++i.missing_files;
    }
  }
  i.bytes = bytes;
  AddStoreStatus(dir, i);
  return i;
}

}  // namespace

DatasetInfo DescribeDataset(const std::string& dir) {
  const std::string root = store::PinVersion(dir).root.string();  // the link, read once
  return DescribeVersion(dir, root, ReadManifest(root));
}

DatasetInfo DescribeDataset(const std::string& dir, const Manifest& m) {
  return DescribeVersion(dir, store::PinVersion(dir).root.string(), m);
}

DatasetInfo DescribeTables(const std::string& database, const std::string& schema,
                           const EngineOptions& engine) {
  if (!fs::exists(database)) throw InputError("database '" + database + "' does not exist");
  if (fs::is_directory(database)) throw InputError("--to-db '" + database + "' is a directory");
  db::Database mem(
      db::DatabaseOptions{.memory_limit = engine.memory_limit, .threads = engine.threads});
  db::Connection conn(mem);
  tables::AttachReadOnly(conn, database);
  const std::string stored = ChooseSchema(conn, database, schema);
  if (!tables::IsDuckpartSchema(conn, kTableTargetAlias, stored)) {
    throw InputError("schema " + stored + " in '" + database +
                     "' is not a duckpart partition schema");
  }
  const tables::TableCatalog cat = tables::ReadTableCatalog(conn, kTableTargetAlias, stored);
  DatasetInfo i = FromManifest(cat.manifest);
  i.target = database;
  i.kind = "tables";
  i.schema = stored;
  i.view = cat.view_schema + "." + cat.view_name;
  i.files = static_cast<int64_t>(cat.partitions.size());
  return i;
}

}  // namespace duckpart

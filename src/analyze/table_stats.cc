// AnalyzeTables: per-partition figures of partition tables from their catalog tables
// (_duckpart_spec holds the manifest, _duckpart_partitions the rows per table) and the
// bytes of each table from DuckDB's storage metadata: the distinct blocks its segments
// use (pragma_storage_info) times the block size, scaled down when shared partial blocks
// would make the sum exceed the blocks the database uses.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "analyze/attached_tables.h"
#include "db/database.h"
#include "db/sql.h"
#include "duckpart/analyze.h"
#include "duckpart/error.h"
#include "duckpart/table_run.h"
#include "tables/table_layout.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;
constexpr const char* kAnalyzeAlias = "__dp_analyze";
constexpr size_t kTablesPerQuery = 200;

std::string OnlySchema(db::Connection& conn, const std::string& alias,
                       const std::string& database) {
  db::Result r =
      conn.Query("SELECT DISTINCT schema_name FROM duckdb_tables() WHERE database_name = " +
                 db::QuoteLiteral(alias) +
                 " AND table_name = " + db::QuoteLiteral(kTableSpecTable) + " ORDER BY 1");
  if (r.RowCount() == 0) throw InputError("'" + database + "' holds no duckpart partition schema");
  if (r.RowCount() > 1)
    throw InputError("'" + database +
                     "' holds several duckpart partition schemas; choose one with --schema");
  return r.GetString(0, 0);
}

// Distinct storage blocks of each table, in batches of UNION ALL queries.
std::vector<int64_t> TableBlocks(db::Connection& conn, const std::string& alias,
                                 const std::string& schema, const std::vector<Partition>& tables) {
  std::vector<int64_t> blocks(tables.size(), 0);
  for (size_t begin = 0; begin < tables.size(); begin += kTablesPerQuery) {
    std::string sql;
    const size_t end = std::min(tables.size(), begin + kTablesPerQuery);
    for (size_t i = begin; i < end; ++i) {
      const std::string name =
          db::QuoteIdent(alias) + "." + db::QualifiedName(schema, tables[i].table);
      sql += (sql.empty() ? "" : " UNION ALL ") + std::string("SELECT ") + std::to_string(i) +
             " AS i, count(DISTINCT block_id) FILTER (WHERE block_id >= 0) AS b FROM "
             "pragma_storage_info(" +
             db::QuoteLiteral(name) + ")";
    }
    db::Result r = conn.Query(sql);
    for (uint64_t row = 0; row < r.RowCount(); ++row)
      blocks[r.GetInt64(row, 0)] = r.GetInt64(row, 1);
  }
  return blocks;
}

std::vector<int64_t> TableBytes(db::Connection& conn, const std::string& alias,
                                const std::string& schema, const std::vector<Partition>& tables) {
  db::Result size = conn.Query(
      "SELECT block_size, used_blocks FROM pragma_database_size() WHERE database_name = " +
      db::QuoteLiteral(alias));
  const int64_t block = size.RowCount() ? size.GetInt64(0, 0) : 262144;
  const int64_t used = size.RowCount() ? size.GetInt64(0, 1) : 0;
  std::vector<int64_t> blocks = TableBlocks(conn, alias, schema, tables);
  int64_t sum = 0;
  for (int64_t b : blocks) sum += b;
  const double scale =
      sum > used && used > 0 ? static_cast<double>(used) / static_cast<double>(sum) : 1.0;
  std::vector<int64_t> bytes;
  for (int64_t b : blocks)
    bytes.push_back(std::llround(static_cast<double>(b) * scale * static_cast<double>(block)));
  return bytes;
}

}  // namespace

AnalysisReport AnalyzeTables(const std::string& database, const std::string& schema,
                             const AnalyzeOptions& options, const EngineOptions& engine) {
  CheckOptions(options);
  if (!fs::exists(database))
    throw InputError("database '" + database + "' does not exist (--to-db)");
  db::Database mem(
      db::DatabaseOptions{.memory_limit = engine.memory_limit, .threads = engine.threads});
  db::Connection conn(mem);
  try {
    conn.Execute("ATTACH " + db::QuoteLiteral(database) + " AS " + db::QuoteIdent(kAnalyzeAlias) +
                 " (READ_ONLY)");
  } catch (const db::DbError& e) {
    throw InputError("cannot open database '" + database + "': " + e.what());
  }
  return analyze::AnalyzeAttachedTables(conn, kAnalyzeAlias, database, schema, options);
}

namespace analyze {

AnalysisReport AnalyzeAttachedTables(db::Connection& conn, const std::string& alias,
                                     const std::string& database, const std::string& schema,
                                     const AnalyzeOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  CheckOptions(options);
  std::string stored = schema.empty() ? OnlySchema(conn, alias, database) : schema;
  if (!tables::SchemaExists(conn, alias, stored, &stored))
    throw InputError("'" + database + "' has no schema " + schema);
  if (!tables::IsDuckpartSchema(conn, alias, stored)) {
    throw InputError("schema " + stored + " in '" + database +
                     "' is not a duckpart partition schema");
  }
  const tables::TableCatalog cat = tables::ReadTableCatalog(conn, alias, stored);
  const std::vector<int64_t> bytes = TableBytes(conn, alias, stored, cat.partitions);
  AnalysisReport r{.target = database + " schema " + stored,
                   .kind = "tables",
                   .database = database,
                   .schema = stored};
  for (size_t i = 0; i < cat.partitions.size(); ++i) {
    const Partition& t = cat.partitions[i];
    r.partitions.push_back({.id = t.id,
                            .path = t.path,
                            .keys = t.keys,
                            .rows = t.rows,
                            .bytes = bytes[i],
                            .table = t.table});
  }
  AnalyzeLoaded(cat.manifest, options, r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace analyze
}  // namespace duckpart

// --child-case: one measured native write (the reference COPY, COPY ... PARTITION_BY
// unsorted or sorted, or one COPY ... WHERE per partition).
#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "child.h"
#include "db/sql.h"
#include "granularity.h"
#include "native_sql.h"
#include "text.h"

namespace bench {

namespace db = duckpart::db;

namespace {

struct Written {
  int64_t statements = 0;
  std::string example_sql;
};

Written Reference(db::Connection& conn, const std::string& table, const fs::path& out) {
  fs::create_directories(out);
  const std::string sql = fmt::format("COPY {} TO {} (FORMAT parquet)", db::QuoteIdent(table),
                                      db::QuoteLiteral((out / "data_0.parquet").string()));
  conn.Execute(sql);
  return {1, sql};
}

Written NativePartitioned(db::Connection& conn, const Granularity& g, bool sorted,
                          const fs::path& out) {
  const std::string field = db::QuoteIdent(g.field);
  const std::string sql =
      fmt::format("COPY (SELECT *, {} AS {} FROM {}{}) TO {} (FORMAT parquet, PARTITION_BY ({}))",
                  KeySql(conn, g), field, db::QuoteIdent(g.table),
                  sorted ? " ORDER BY " + field : "", db::QuoteLiteral(out.string()), field);
  conn.Execute(sql);
  return {1, sql};
}

Written WherePerPartition(db::Connection& conn, const Granularity& g, const fs::path& out) {
  Written w;
  for (const auto& f : PartitionFilters(conn, g)) {
    const fs::path dir = out / (g.field + "=" + f.label);
    fs::create_directories(dir);
    const std::string sql = fmt::format("COPY (SELECT * FROM {} WHERE {}) TO {} (FORMAT parquet)",
                                        db::QuoteIdent(g.table), f.predicate,
                                        db::QuoteLiteral((dir / "data_0.parquet").string()));
    if (w.example_sql.empty()) w.example_sql = sql;
    conn.Execute(sql);
    ++w.statements;
  }
  return w;
}

Written RunMethod(db::Connection& conn, const std::string& table, const std::string& gran_id,
                  const std::string& method, const fs::path& out) {
  if (method == "reference") return Reference(conn, table, out);
  const Granularity g = MustGranularity(gran_id);
  if (method == "native_unsorted") return NativePartitioned(conn, g, false, out);
  if (method == "native_sorted") return NativePartitioned(conn, g, true, out);
  if (method == "where_per_partition") return WherePerPartition(conn, g, out);
  throw std::invalid_argument("unknown method '" + method + "'");
}

}  // namespace

int ChildCase(const EngineSettings& s, const std::string& path, const std::string& table,
              const std::string& gran_id, const std::string& method, const std::string& out_dir) {
  return RunChild([&]() -> json {
    db::Database database(OpenOptions(s, path, true));
    db::Connection conn(database);
    ApplySessionSettings(conn, s);
    const auto t0 = Clock::now();
    const Written w = RunMethod(conn, table, gran_id, method, fs::path(out_dir));
    return {
        {"ok", true}, {"query_s", Since(t0)}, {"statements", w.statements}, {"sql", w.example_sql}};
  });
}

}  // namespace bench

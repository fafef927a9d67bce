#include "child.h"

#include <fmt/format.h>

#include <iostream>
#include <new>

#include "db/error.h"
#include "db/sql.h"
#include "granularity.h"
#include "native_sql.h"

namespace bench {

namespace db = duckpart::db;

db::DatabaseOptions OpenOptions(const EngineSettings& s, const std::string& path, bool read_only) {
  return db::DatabaseOptions{.path = path,
                             .access = read_only ? db::Access::kReadOnly : db::Access::kReadWrite,
                             .memory_limit = s.memory_limit,
                             .threads = s.threads,
                             .temp_directory = s.temp_dir};
}

void ApplySessionSettings(db::Connection& conn, const EngineSettings& s) {
  conn.Execute(fmt::format("SET preserve_insertion_order = {}",
                           s.preserve_insertion_order ? "true" : "false"));
}

namespace {

json ErrorJson(const std::string& kind, const std::string& message) {
  return {{"ok", false}, {"error_kind", kind}, {"message", message}};
}

void AddTableCounts(db::Connection& conn, json& out) {
  db::Result tables = conn.Query(
      "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'events%' ORDER BY 1");
  for (uint64_t i = 0; i < tables.RowCount(); ++i) {
    const std::string t = tables.GetString(i, 0);
    db::Result c = conn.Query("SELECT count(*) FROM " + db::QuoteIdent(t));
    out["tables"][t] = c.GetInt64(0, 0);
  }
}

void AddSettings(db::Connection& conn, json& out) {
  db::Result set = conn.Query(
      "SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads', "
      "'preserve_insertion_order', 'temp_directory', 'max_temp_directory_size', "
      "'partitioned_write_max_open_files', 'partitioned_write_flush_threshold') ORDER BY name");
  for (uint64_t i = 0; i < set.RowCount(); ++i) {
    out["settings"][set.GetString(i, 0)] = set.GetString(i, 1);
  }
}

}  // namespace

int RunChild(const std::function<json()>& body) {
  json result;
  int code = 0;
  try {
    result = body();
  } catch (const db::DbError& e) {
    result = ErrorJson(db::ErrorKindName(e.kind()), e.what());
    code = 3;
  } catch (const std::bad_alloc&) {
    result = ErrorJson("out_of_memory", "std::bad_alloc");
    code = 3;
  } catch (const std::exception& e) {
    result = ErrorJson("other", e.what());
    code = 3;
  }
  std::cout << result.dump() << std::endl;
  return code;
}

int ChildInfo(const EngineSettings& s, const std::string& path,
              const std::vector<std::string>& grans) {
  return RunChild([&]() -> json {
    db::Database database(OpenOptions(s, path, true));
    db::Connection conn(database);
    ApplySessionSettings(conn, s);
    json out = {{"ok", true}};
    AddTableCounts(conn, out);
    for (const auto& id : grans) {
      const Granularity g = MustGranularity(id);
      db::Result c = conn.Query(fmt::format("SELECT count(DISTINCT {}) FROM {}", KeySql(conn, g),
                                            db::QuoteIdent(g.table)));
      out["partitions"][id] = c.GetInt64(0, 0);
    }
    AddSettings(conn, out);
    out["duckdb_version"] = db::LibraryVersion();
    return out;
  });
}

}  // namespace bench

// duckpart query: SQL over a dataset with exact values (NULL partitions included).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/manifest.h"
#include "plan/field_names.h"
#include "plan/transform.h"

#include <filesystem>

namespace duckpart::cli {
namespace {

struct QueryArgs {
  std::string dir;
  std::string sql;
};

// The view `dataset`: the files' own columns (never the path's guesses) plus each
// field computed from them as the spec does, under the field's name.
std::string DatasetView(const std::string& dir, const Manifest& m) {
  const std::string root = std::filesystem::canonical(dir).string();
  std::string files;
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) files += (files.empty() ? "" : ", ") + db::QuoteLiteral(root + "/" + f.path);
  }
  std::string derived;
  for (const auto& f : m.fields) {
    // a field named like a column (datasets written before fields got their own names)
    // is that column
    bool is_column = false;
    for (const auto& c : m.schema) is_column |= plan::SameName(c.name, f.field.Name());
    if (is_column) continue;
    derived += ", " + plan::LabelOf(f.label_sql, f.key_sql) + " AS " + db::QuoteIdent(f.field.Name());
  }
  if (files.empty()) {
    std::string cols;
    for (const auto& c : m.schema) cols += (cols.empty() ? "" : ", ") + ("CAST(NULL AS " + c.type + ") AS " + db::QuoteIdent(c.name));
    return "CREATE VIEW dataset AS SELECT " + cols + " WHERE false";
  }
  return "CREATE VIEW dataset AS SELECT *" + derived + " FROM read_parquet([" + files +
         "], hive_partitioning = false)";
}

int RunQuery(const QueryArgs& args, const GlobalOptions& global) {
  const Manifest m = ReadManifest(args.dir);
  db::Database database(db::DatabaseOptions{});
  db::Connection conn(database);
  conn.Execute("SET TimeZone = 'UTC'");
  conn.Execute(DatasetView(args.dir, m));
  db::Result r = [&] {
    try {
      return conn.Query(args.sql);
    } catch (const db::DbError& e) {
      throw InputError(std::string("query failed: ") + e.what());
    }
  }();
  if (global.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (uint64_t i = 0; i < r.RowCount(); ++i) {
      nlohmann::json row;
      for (uint64_t c = 0; c < r.ColumnCount(); ++c) {
        row[r.ColumnName(c)] = r.IsNull(i, c) ? nlohmann::json(nullptr) : nlohmann::json(r.GetString(i, c));
      }
      rows.push_back(row);
    }
    PrintJson(rows);
    return 0;
  }
  for (uint64_t c = 0; c < r.ColumnCount(); ++c) std::cout << (c ? "\t" : "") << r.ColumnName(c);
  std::cout << "\n";
  for (uint64_t i = 0; i < r.RowCount(); ++i) {
    for (uint64_t c = 0; c < r.ColumnCount(); ++c) {
      std::cout << (c ? "\t" : "") << (r.IsNull(i, c) ? "NULL" : r.GetString(i, c));
    }
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

Command AddQueryCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "query", "Run SQL over a dataset as the view `dataset`, with exact values (NULLs, 'NULL', types)");
  auto args = std::make_shared<QueryArgs>();
  sub->add_option("dir", args->dir, "Dataset folder")->required();
  sub->add_option("sql", args->sql, "SQL over the view `dataset`")->required();
  return {sub, [args, &global] { return RunQuery(*args, global); }};
}

}  // namespace duckpart::cli

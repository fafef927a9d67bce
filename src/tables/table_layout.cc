#include "tables/table_layout.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "db/sql.h"
#include "duckpart/error.h"

namespace duckpart::tables {
namespace {

namespace fs = std::filesystem;

// Lower-case ASCII letters and digits kept, runs of anything else as one '_'.
std::string Sanitize(std::string_view text) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) && c < 128) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string Lit(const std::optional<std::string>& v) {
  return v ? db::QuoteLiteral(*v) : std::string("NULL");
}

}  // namespace

size_t PidWidth(size_t partitions) {
  return partitions <= 1 ? 1 : std::to_string(partitions - 1).size();
}

std::string PartitionTableName(int64_t id, const std::vector<std::optional<std::string>>& keys,
                               const std::vector<ResolvedField>& fields, size_t width) {
  std::string pid = std::to_string(id);
  if (pid.size() < width) pid.insert(0, width - pid.size(), '0');
  std::string name = "p" + pid;
  for (size_t i = 0; i < fields.size() && i < keys.size(); ++i) {
    std::string value = keys[i] ? Sanitize(*keys[i]) : "null";
    if (value.empty()) value = keys[i]->empty() ? "empty" : "x";
    const std::string field = Sanitize(fields[i].field.Name());
    name += "_" + (field.empty() ? std::string("f") + std::to_string(i) : field) + "_" + value;
  }
  if (name.size() > 63) name.resize(63);
  while (name.back() == '_') name.pop_back();
  return name;
}

std::string BalancedUnionAll(const std::vector<std::string>& selects) {
  struct Rec {
    const std::vector<std::string>& s;
    std::string operator()(size_t lo, size_t hi) const {
      if (hi - lo == 1) return s[lo];
      const size_t mid = lo + (hi - lo) / 2;
      return "(" + (*this)(lo, mid) + ") UNION ALL (" + (*this)(mid, hi) + ")";
    }
  };
  return Rec{selects}(0, selects.size());
}

std::string ViewSelectSql(const std::string& schema, const std::vector<std::string>& tables,
                          const std::vector<ColumnInfo>& columns) {
  std::string cols;
  for (const auto& c : columns) cols += (cols.empty() ? "" : ", ") + db::QuoteIdent(c.name);
  if (tables.empty()) {
    std::string nulls;
    for (const auto& c : columns) {
      nulls += (nulls.empty() ? "" : ", ") +
               ("CAST(NULL AS " + c.type + ") AS " + db::QuoteIdent(c.name));
    }
    return "SELECT " + nulls + " WHERE false";
  }
  std::vector<std::string> selects;
  selects.reserve(tables.size());
  for (const auto& t : tables)
    selects.push_back("SELECT " + cols + " FROM " + db::QualifiedName(schema, t));
  return BalancedUnionAll(selects);
}

std::string KeyColumn(const ResolvedField& f) { return "key_" + f.field.Name(); }
std::string RangeColumn(const ResolvedField& f) { return "range_" + f.field.Name(); }
bool HasRange(const ResolvedField& f) {
  return f.field.transform == Transform::kRange || f.field.transform == Transform::kQuantile;
}

std::vector<std::string> CatalogSql(const std::string& catalog, const std::string& schema,
                                    const std::map<std::string, std::string>& spec_rows,
                                    const std::vector<ResolvedField>& fields,
                                    const std::vector<Partition>& partitions) {
  const std::string prefix = db::QuoteIdent(catalog) + "." + db::QuoteIdent(schema) + ".";
  const std::string spec_table = prefix + db::QuoteIdent(kTableSpecTable);
  const std::string parts_table = prefix + db::QuoteIdent(kTablePartitionsTable);
  std::vector<std::string> sql;
  sql.push_back("CREATE TABLE " + spec_table + " (key VARCHAR PRIMARY KEY, value VARCHAR)");
  std::string values;
  for (const auto& [k, v] : spec_rows) {
    values += (values.empty() ? "" : ", ") +
              ("(" + db::QuoteLiteral(k) + ", " + db::QuoteLiteral(v) + ")");
  }
  sql.push_back("INSERT INTO " + spec_table + " VALUES " + values);

  std::string cols =
      "id BIGINT PRIMARY KEY, path VARCHAR, table_name VARCHAR, rows BIGINT, checksum HUGEINT";
  for (const auto& f : fields) cols += ", " + db::QuoteIdent(KeyColumn(f)) + " VARCHAR";
  for (const auto& f : fields) {
    if (HasRange(f)) cols += ", " + db::QuoteIdent(RangeColumn(f)) + " VARCHAR";
  }
  sql.push_back("CREATE TABLE " + parts_table + " (" + cols + ")");
  constexpr size_t kBatch = 500;
  for (size_t start = 0; start < partitions.size(); start += kBatch) {
    std::string rows;
    for (size_t i = start; i < std::min(partitions.size(), start + kBatch); ++i) {
      const auto& p = partitions[i];
      std::string row = "(" + std::to_string(p.id) + ", " + db::QuoteLiteral(p.path) + ", " +
                        db::QuoteLiteral(p.table) + ", " + std::to_string(p.rows) + ", CAST(" +
                        db::QuoteLiteral(p.checksum) + " AS HUGEINT)";
      for (size_t f = 0; f < fields.size(); ++f) row += ", " + Lit(p.keys[f]);
      for (size_t f = 0; f < fields.size(); ++f) {
        if (HasRange(fields[f]))
          row += ", " + db::QuoteLiteral(f < p.ranges.size() ? p.ranges[f] : "");
      }
      rows += (rows.empty() ? "" : ", ") + row + ")";
    }
    sql.push_back("INSERT INTO " + parts_table + " VALUES " + rows);
  }
  return sql;
}

bool SchemaExists(db::Connection& conn, const std::string& catalog, const std::string& schema,
                  std::string* stored_name) {
  db::Result r = conn.Query("SELECT schema_name FROM duckdb_schemas() WHERE database_name = " +
                            db::QuoteLiteral(catalog) + " AND lower(schema_name) = lower(" +
                            db::QuoteLiteral(schema) + ")");
  if (r.RowCount() == 0) return false;
  if (stored_name) *stored_name = r.GetString(0, 0);
  return true;
}

bool IsDuckpartSchema(db::Connection& conn, const std::string& catalog, const std::string& schema) {
  db::Result r = conn.Query(
      "SELECT count(*) FROM duckdb_tables() WHERE database_name = " + db::QuoteLiteral(catalog) +
      " AND lower(schema_name) = lower(" + db::QuoteLiteral(schema) +
      ") AND table_name = " + db::QuoteLiteral(kTableSpecTable));
  return r.GetInt64(0, 0) > 0;
}

TableCatalog ReadTableCatalog(db::Connection& conn, const std::string& catalog,
                              const std::string& schema) {
  const std::string prefix = db::QuoteIdent(catalog) + "." + db::QuoteIdent(schema) + ".";
  TableCatalog out;
  const std::string where = "schema " + schema;
  try {
    db::Result r = conn.Query("SELECT key, value FROM " + prefix + db::QuoteIdent(kTableSpecTable));
    for (uint64_t i = 0; i < r.RowCount(); ++i) out.spec[r.GetString(i, 0)] = r.GetString(i, 1);
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kInterrupt) throw;
    throw InputError(where + " is not a duckpart partition schema (" +
                     std::string(kTableSpecTable) + " is unreadable: " + e.what() + ")");
  }
  if (out.spec["format"] != "duckpart-tables") {
    throw InputError(where + " is not a duckpart partition schema (" +
                     std::string(kTableSpecTable) + " has no format 'duckpart-tables')");
  }
  if (std::stoi(out.spec["format_version"].empty() ? "0" : out.spec["format_version"]) > 1) {
    throw InputError(where + " was written by a newer duckpart; upgrade duckpart");
  }
  try {
    out.manifest = ManifestFromJson(nlohmann::json::parse(out.spec["manifest"]));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where + ": the manifest in " + kTableSpecTable +
                     " does not parse: " + e.what());
  }
  out.view_schema = out.spec.count("view_schema") ? out.spec["view_schema"] : "main";
  out.view_name = out.spec["view_name"];

  std::string cols = "id, path, table_name, rows, CAST(checksum AS VARCHAR)";
  for (const auto& f : out.manifest.fields) cols += ", " + db::QuoteIdent(KeyColumn(f));
  try {
    db::Result r = conn.Query("SELECT " + cols + " FROM " + prefix +
                              db::QuoteIdent(kTablePartitionsTable) + " ORDER BY id");
    const size_t n = out.manifest.fields.size();
    for (uint64_t i = 0; i < r.RowCount(); ++i) {
      Partition p;
      p.id = r.GetInt64(i, 0);
      p.path = r.GetString(i, 1);
      p.table = r.GetString(i, 2);
      p.rows = r.GetInt64(i, 3);
      p.checksum = r.GetString(i, 4);
      for (size_t f = 0; f < n; ++f) p.keys.push_back(r.GetOptionalString(i, 5 + f));
      out.partitions.push_back(std::move(p));
    }
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kInterrupt) throw;
    out.problems.push_back(std::string("the catalog table ") + kTablePartitionsTable +
                           " is missing or damaged: " + e.what());
  }
  return out;
}

bool SameDatabaseFile(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

void AttachReadOnly(db::Connection& conn, const std::string& database) {
  try {
    conn.Execute("ATTACH " + db::QuoteLiteral(database) + " AS " +
                 db::QuoteIdent(kTableTargetAlias) + " (READ_ONLY)");
  } catch (const db::DbError& e) {
    throw InputError("cannot open database '" + database + "': " + e.what());
  }
}

}  // namespace duckpart::tables

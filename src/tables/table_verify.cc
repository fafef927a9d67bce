#include "tables/table_verify.h"

#include <algorithm>
#include <map>
#include <set>

#include "db/error_text.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "plan/keys.h"
#include "plan/transform.h"
#include "tables/table_layout.h"
#include "util/format.h"

namespace duckpart::tables {
namespace {

__extension__ typedef __int128 Int128;

Int128 ParseDecimal(const std::string& text) {
  Int128 v = 0;
  bool negative = false;
  for (char c : text) {
    if (c == '-')
      negative = true;
    else if (c >= '0' && c <= '9')
      v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

std::string DecimalText(Int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  std::string out;
  while (v != 0) {
    const int digit = static_cast<int>(v % 10);
    out.insert(out.begin(), static_cast<char>('0' + (negative ? -digit : digit)));
    v /= 10;
  }
  return negative ? "-" + out : out;
}

using util::Lower;

enum class Shape { kSame, kTypesDiffer, kColumnsDiffer };

struct Found {
  int64_t rows = 0;
  std::string checksum = "0";
  int64_t misplaced = 0;
};

// The columns and types of every table in the schema, by lower-case table name.
std::map<std::string, std::vector<ColumnInfo>> TableColumns(db::Connection& conn,
                                                            const std::string& catalog,
                                                            const std::string& schema) {
  db::Result r = conn.Query(
      "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = " +
      db::QuoteLiteral(catalog) + " AND lower(schema_name) = lower(" + db::QuoteLiteral(schema) +
      ") ORDER BY table_name, column_index");
  std::map<std::string, std::vector<ColumnInfo>> out;
  for (uint64_t i = 0; i < r.RowCount(); ++i) {
    out[Lower(r.GetString(i, 0))].push_back({r.GetString(i, 1), r.GetString(i, 2)});
  }
  return out;
}

Shape Compare(const std::vector<ColumnInfo>& have, const std::vector<ColumnInfo>& want) {
  if (have.size() != want.size()) return Shape::kColumnsDiffer;
  Shape s = Shape::kSame;
  for (size_t i = 0; i < have.size(); ++i) {
    if (have[i].name != want[i].name) return Shape::kColumnsDiffer;
    if (have[i].type != want[i].type) s = Shape::kTypesDiffer;
  }
  return s;
}

std::string DescribeDifference(const std::vector<ColumnInfo>& have,
                               const std::vector<ColumnInfo>& want) {
  for (const auto& w : want) {
    auto it = std::find_if(have.begin(), have.end(),
                           [&](const ColumnInfo& c) { return c.name == w.name; });
    if (it == have.end()) return "lacks column " + w.name;
    if (it->type != w.type) return "column " + w.name + " is " + it->type + ", expected " + w.type;
  }
  for (const auto& h : have) {
    auto it = std::find_if(want.begin(), want.end(),
                           [&](const ColumnInfo& c) { return c.name == h.name; });
    if (it == want.end()) return "has an extra column " + h.name;
  }
  return "has its columns in another order";
}

// SELECT <pid>, <expected labels>, <columns> FROM the table; columns cast back to the
// expected types when `cast` (a table whose types were changed).
std::string Branch(const std::string& catalog, const std::string& schema, const Partition& p,
                   const Manifest& m, bool cast) {
  std::string sql = "SELECT CAST(" + std::to_string(p.id) + " AS BIGINT) AS __dp_pid";
  for (size_t i = 0; i < m.fields.size(); ++i) {
    const auto& k = i < p.keys.size() ? p.keys[i] : std::nullopt;
    sql += ", CAST(" + (k ? db::QuoteLiteral(*k) : std::string("NULL")) + " AS VARCHAR) AS __dp_e" +
           std::to_string(i);
  }
  for (const auto& c : m.schema) {
    sql += ", " + (cast ? "CAST(" + db::QuoteIdent(c.name) + " AS " + c.type + ") AS " +
                              db::QuoteIdent(c.name)
                        : db::QuoteIdent(c.name));
  }
  return sql + " FROM " + db::QuoteIdent(catalog) + "." + db::QuoteIdent(schema) + "." +
         db::QuoteIdent(p.table);
}

std::string Aggregate(const Manifest& m, const std::string& union_sql) {
  std::string misplaced;
  for (size_t i = 0; i < m.fields.size(); ++i) {
    const auto& f = m.fields[i];
    misplaced += (i ? " OR " : "") + std::string("(") + plan::LabelOf(f.label_sql, f.key_sql) +
                 ") IS DISTINCT FROM __dp_e" + std::to_string(i);
  }
  if (misplaced.empty()) misplaced = "false";
  return "SELECT __dp_pid, count(*), CAST(" + ChecksumSql(m.schema) +
         " AS VARCHAR), count(*) FILTER (WHERE " + misplaced + ") FROM (" + union_sql +
         ") GROUP BY __dp_pid";
}

void Collect(db::Result& r, std::map<int64_t, Found>& found) {
  for (uint64_t i = 0; i < r.RowCount(); ++i) {
    found[r.GetInt64(i, 0)] = {r.GetInt64(i, 1), r.GetString(i, 2), r.GetInt64(i, 3)};
  }
}

// Reads the tables in chunks (one query per chunk); a chunk that fails is read table by
// table so each unreadable table is named.
void ReadTables(db::Connection& conn, const std::string& catalog, const std::string& schema,
                const Manifest& m, const std::vector<std::pair<const Partition*, bool>>& tables,
                std::map<int64_t, Found>& found, std::vector<ValidationProblem>& problems) {
  constexpr size_t kChunk = 256;
  for (size_t start = 0; start < tables.size(); start += kChunk) {
    const size_t end = std::min(tables.size(), start + kChunk);
    std::vector<std::string> branches;
    for (size_t i = start; i < end; ++i)
      branches.push_back(Branch(catalog, schema, *tables[i].first, m, tables[i].second));
    try {
      db::Result r = conn.Query(Aggregate(m, tables::BalancedUnionAll(branches)));
      Collect(r, found);
      continue;
    } catch (const db::DbError& e) {
      if (e.kind() == db::ErrorKind::kInterrupt || e.kind() == db::ErrorKind::kOutOfMemory) throw;
    }
    for (size_t i = start; i < end; ++i) {
      const Partition& p = *tables[i].first;
      try {
        db::Result r = conn.Query(Aggregate(m, Branch(catalog, schema, p, m, tables[i].second)));
        Collect(r, found);
      } catch (const db::DbError& e) {
        if (e.kind() == db::ErrorKind::kInterrupt || e.kind() == db::ErrorKind::kOutOfMemory) throw;
        problems.push_back(
            ValidationProblem::Make("unreadable", p.path,
                                    "partition " + p.path + ": table " + p.table +
                                        " cannot be read: " + db::WithoutSqlContext(e.what())));
        found[p.id] = {-1, "", 0};
      }
    }
  }
}

void CheckView(db::Connection& conn, const std::string& catalog, const Manifest& m,
               const std::string& view_schema, const std::string& view_name, int64_t rows,
               std::vector<ValidationProblem>& problems) {
  const auto add = [&](const std::string& message) {
    problems.push_back(ValidationProblem::Make("view", "", message));
  };
  const std::string name = view_schema + "." + view_name;
  const std::string qualified =
      db::QuoteIdent(catalog) + "." + db::QuoteIdent(view_schema) + "." + db::QuoteIdent(view_name);
  db::Result exists = conn.Query(
      "SELECT count(*) FROM duckdb_views() WHERE database_name = " + db::QuoteLiteral(catalog) +
      " AND lower(schema_name) = lower(" + db::QuoteLiteral(view_schema) +
      ") AND lower(view_name) = lower(" + db::QuoteLiteral(view_name) + ")");
  if (exists.GetInt64(0, 0) == 0) {
    add("the view " + name + " is missing");
    return;
  }
  try {
    db::Result d = conn.Query("DESCRIBE SELECT * FROM " + qualified);
    std::vector<ColumnInfo> cols;
    for (uint64_t i = 0; i < d.RowCount(); ++i)
      cols.push_back({d.GetString(i, 0), d.GetString(i, 1)});
    if (Compare(cols, m.schema) != Shape::kSame) {
      add("the view " + name + " " + DescribeDifference(cols, m.schema));
    }
    const int64_t n = conn.Query("SELECT count(*) FROM " + qualified).GetInt64(0, 0);
    if (n != rows) {
      add("the view " + name + " has " + std::to_string(n) + " rows, the tables " +
          std::to_string(rows));
    }
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kInterrupt || e.kind() == db::ErrorKind::kOutOfMemory) throw;
    add("the view " + name + " cannot be read: " + db::WithoutSqlContext(e.what()));
  }
}

}  // namespace

std::string AddDecimal(const std::string& a, const std::string& b) {
  return DecimalText(ParseDecimal(a) + ParseDecimal(b));
}

TableVerifyReport VerifyTables(db::Connection& conn, const std::string& catalog,
                               const std::string& schema, const Manifest& m,
                               const std::vector<Partition>& expected,
                               const std::string& view_schema, const std::string& view_name) {
  TableVerifyReport report;
  const auto add = [&](const char* kind, const std::string& partition, const std::string& message) {
    report.problems.push_back(ValidationProblem::Make(kind, partition, message));
  };
  auto columns = TableColumns(conn, catalog, schema);
  std::set<std::string> known = {Lower(kTableSpecTable), Lower(kTablePartitionsTable)};
  std::vector<std::pair<const Partition*, bool>> readable;
  for (const auto& p : expected) {
    known.insert(Lower(p.table));
    auto it = columns.find(Lower(p.table));
    if (it == columns.end()) {
      add("missing_table", p.path,
          "partition " + p.path + ": table " + schema + "." + p.table + " is missing");
      continue;
    }
    ++report.tables;
    switch (Compare(it->second, m.schema)) {
      case Shape::kSame:
        readable.push_back({&p, false});
        break;
      case Shape::kTypesDiffer:
        add("schema", p.path,
            "partition " + p.path + ": table " + p.table + " " +
                DescribeDifference(it->second, m.schema));
        readable.push_back({&p, true});
        break;
      case Shape::kColumnsDiffer:
        add("schema", p.path,
            "partition " + p.path + ": table " + p.table + " " +
                DescribeDifference(it->second, m.schema) + "; its rows were not checked");
        break;
    }
  }
  for (const auto& [table, cols] : columns) {
    if (!known.count(table)) {
      add("extra_table", "",
          "table " + schema + "." + table + " is not in the catalog (an extra table)");
    }
  }

  std::map<int64_t, Found> found;
  ReadTables(conn, catalog, schema, m, readable, found, report.problems);
  Int128 total = 0;
  for (const auto& [p, cast] : readable) {
    auto it = found.find(p->id);
    const Found f = it == found.end() ? Found{} : it->second;
    if (f.rows < 0) continue;  // unreadable, reported
    report.rows += f.rows;
    total += ParseDecimal(f.checksum);
    if (f.rows != p->rows) {
      add("rows", p->path,
          "partition " + p->path + ": table " + p->table + " has " + std::to_string(f.rows) +
              " rows, expected " + std::to_string(p->rows));
    } else if (f.checksum != p->checksum) {
      add("checksum", p->path,
          "partition " + p->path + ": table " + p->table + " has content checksum " + f.checksum +
              ", expected " + p->checksum);
    }
    if (f.misplaced > 0) {
      add("placement", p->path,
          "partition " + p->path + ": table " + p->table + " holds " + std::to_string(f.misplaced) +
              " rows that belong to another partition");
    }
  }
  report.checksum = DecimalText(total);
  if (report.rows != m.total_rows || report.checksum != m.total_checksum) {
    add("total", "",
        "total: " + std::to_string(report.rows) + " rows (checksum " + report.checksum +
            "), expected " + std::to_string(m.total_rows) + " (checksum " + m.total_checksum + ")");
  }
  if (!view_name.empty())
    CheckView(conn, catalog, m, view_schema, view_name, report.rows, report.problems);
  return report;
}

}  // namespace duckpart::tables

#include "plan/type_table.h"

#include <functional>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "plan/keys.h"
#include "plan/workspace_access.h"

namespace duckpart::plan {
namespace {

constexpr const char* kIntegerFix =
    "CAST it to DECIMAL(38,0) (values below 10^38) or VARCHAR in a --query, or write partition "
    "tables (--to-db)";

// Measured with DuckDB 1.4.4: COPY ... (FORMAT parquet) of a value of each type, then
// DESCRIBE of read_parquet and the values compared (tests/plan/type_table_test.cc).
const std::vector<TypeRule> kTable = {
    {"BOOLEAN", "BOOLEAN", Comparison::kExact, "", ""},
    {"TINYINT", "TINYINT", Comparison::kExact, "", ""},
    {"SMALLINT", "SMALLINT", Comparison::kExact, "", ""},
    {"INTEGER", "INTEGER", Comparison::kExact, "", ""},
    {"BIGINT", "BIGINT", Comparison::kExact, "", ""},
    {"UTINYINT", "UTINYINT", Comparison::kExact, "", ""},
    {"USMALLINT", "USMALLINT", Comparison::kExact, "", ""},
    {"UINTEGER", "UINTEGER", Comparison::kExact, "", ""},
    {"UBIGINT", "UBIGINT", Comparison::kExact, "", ""},
    {"HUGEINT", "DOUBLE", Comparison::kChecked, "integers DOUBLE cannot hold exactly (beyond 2^53)",
     kIntegerFix},
    {"UHUGEINT", "DOUBLE", Comparison::kChecked,
     "integers DOUBLE cannot hold exactly (beyond 2^53)", kIntegerFix},
    {"FLOAT", "FLOAT", Comparison::kExact, "", ""},
    {"DOUBLE", "DOUBLE", Comparison::kExact, "", ""},
    {"DECIMAL(p,s)", "DECIMAL(p,s)", Comparison::kExact, "", ""},
    {"BIGNUM", "VARCHAR", Comparison::kCast, "", ""},
    {"VARCHAR", "VARCHAR", Comparison::kExact, "", ""},
    {"JSON", "JSON", Comparison::kExact, "", ""},
    {"BLOB", "BLOB", Comparison::kExact, "", ""},
    {"BIT", "VARCHAR", Comparison::kCast, "", ""},
    {"UUID", "UUID", Comparison::kExact, "", ""},
    {"ENUM(...)", "VARCHAR", Comparison::kCast, "", ""},
    {"DATE", "DATE", Comparison::kExact, "", ""},
    {"TIME", "TIME", Comparison::kExact, "", ""},
    {"TIME_NS", "VARCHAR", Comparison::kCast, "", ""},
    {"TIME WITH TIME ZONE", "TIME WITH TIME ZONE", Comparison::kChecked,
     "times with an offset other than +00 (the writer drops the offset)",
     "CAST it to VARCHAR in a --query, or write partition tables (--to-db)"},
    {"TIMESTAMP", "TIMESTAMP", Comparison::kExact, "", ""},
    {"TIMESTAMP_S", "TIMESTAMP", Comparison::kCast, "", ""},
    {"TIMESTAMP_MS", "TIMESTAMP", Comparison::kCast, "", ""},
    {"TIMESTAMP_NS", "TIMESTAMP_NS", Comparison::kExact, "", ""},
    {"TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE", Comparison::kExact, "", ""},
    {"INTERVAL", "INTERVAL", Comparison::kChecked,
     "intervals with microseconds (Parquet keeps milliseconds)",
     "CAST it to VARCHAR in a --query, or write partition tables (--to-db)"},
    {"T[] (LIST)", "R[] (R: T read back)", Comparison::kExact, "", ""},
    {"T[N] (ARRAY)", "R[]", Comparison::kCast, "", ""},
    {"STRUCT(a T, ...)", "STRUCT(a R, ...)", Comparison::kExact, "", ""},
    {"MAP(K, V)", "MAP(RK, RV)", Comparison::kExact, "", ""},
    {"UNION(a T, ...)", "STRUCT(UTINYINT, R, ...)", Comparison::kCast, "", ""},
};

const TypeRule* FindRule(const std::string& type) {
  for (const auto& r : kTable) {
    if (r.type == type) return &r;
  }
  return nullptr;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// Splits "a INT, b STRUCT(x INT, y INT)" at its top-level commas (quotes respected).
std::vector<std::string> SplitMembers(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same text
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(Trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!Trim(cur).empty()) out.push_back(Trim(cur));
  return out;
}

// "name TYPE" (the name possibly "double-quoted") as {name, TYPE}.
std::pair<std::string, std::string> SplitNamed(const std::string& member) {
  size_t end = 0;
  if (!member.empty() && member[0] == '"') {
    end = 1;
    while (end < member.size()) {
      if (member[end] == '"' && (end + 1 >= member.size() || member[end + 1] != '"')) break;
      end += member[end] == '"' ? 2 : 1;
    }
    ++end;
  } else {
    end = member.find(' ');
  }
  if (end == std::string::npos || end >= member.size()) return {member, ""};
  return {member.substr(0, end), Trim(member.substr(end))};
}

bool Wraps(const std::string& t, const std::string& head) {
  return t.starts_with(head + "(") && t.ends_with(")");
}

std::string Inner(const std::string& t, const std::string& head) {
  return t.substr(head.size() + 1, t.size() - head.size() - 2);
}

// The read type of `type`; `base` sees every base type inside it (ENUMs as "ENUM(...)").
std::string Rewrite(const std::string& raw, const std::function<void(const std::string&)>& base) {
  const std::string t = Trim(raw);
  if (t.ends_with("]")) {
    const size_t open = t.rfind('[');
    return Rewrite(t.substr(0, open), base) + "[]";
  }
  if (Wraps(t, "STRUCT") || Wraps(t, "UNION")) {
    const bool is_union = t.starts_with("UNION");
    std::string out = is_union ? "STRUCT(UTINYINT" : "STRUCT(";
    bool first = !is_union;
    for (const auto& m : SplitMembers(Inner(t, is_union ? "UNION" : "STRUCT"))) {
      const auto [name, type] = SplitNamed(m);
      out += (first ? "" : ", ") + (is_union ? "" : name + " ") + Rewrite(type, base);
      first = false;
    }
    return out + ")";
  }
  if (Wraps(t, "MAP")) {
    const auto kv = SplitMembers(Inner(t, "MAP"));
    if (kv.size() != 2) return t;
    return "MAP(" + Rewrite(kv[0], base) + ", " + Rewrite(kv[1], base) + ")";
  }
  if (Wraps(t, "ENUM")) {
    base("ENUM(...)");
    return "VARCHAR";
  }
  base(t);
  const TypeRule* rule = FindRule(t);
  return rule ? rule->read_type : t;
}

bool IsChecked(const std::string& base) {
  const TypeRule* rule = FindRule(base);
  return rule && rule->comparison == Comparison::kChecked;
}

// SQL true for a value of column `c` (of `type`) that the Parquet writer would not keep.
std::string LostSql(const std::string& c, const std::string& type) {
  if (type == "INTERVAL") return "datepart('microseconds', " + c + ") % 1000 <> 0";
  if (type == "TIME WITH TIME ZONE") return "datepart('timezone', " + c + ") <> 0";
  bool unchecked = false;  // an INTERVAL or TIMETZ inside a nested type: not checkable
  Rewrite(type, [&](const std::string& b) {
    unchecked = unchecked || b == "INTERVAL" || b == "TIME WITH TIME ZONE";
  });
  if (unchecked) return c + " IS NOT NULL";
  // Integers through DOUBLE (also inside nested types): the round trip tells.
  return "TRY_CAST(CAST(" + c + " AS " + ParquetReadType(type) + ") AS " + type +
         ") IS DISTINCT FROM " + c;
}

std::string RefusalText(const ColumnInfo& col, int64_t lost, const std::string& example) {
  std::string what, fix = "CAST it to VARCHAR in a --query, or write partition tables (--to-db)";
  const bool nested = FindRule(col.type) == nullptr;
  Rewrite(col.type, [&](const std::string& b) {
    const TypeRule* rule = FindRule(b);
    if (rule && rule->comparison == Comparison::kChecked && what.empty()) {
      const bool whole = nested && b != "HUGEINT" && b != "UHUGEINT";  // see LostSql
      what =
          whole ? b + " inside a nested type is not checked value by value" : b + ": " + rule->lost;
      fix = rule->fix;
    }
  });
  const std::string shown = example.size() > 80 ? example.substr(0, 80) + "..." : example;
  return "column '" + col.name + "' (" + col.type + ") has " + std::to_string(lost) +
         (lost == 1 ? " value" : " values") + " a Parquet dataset cannot hold exactly, e.g. " +
         shown + " (" + what + "); " + fix;
}

std::string ComparisonText(const TypeRule& r) {
  // LIST, STRUCT, MAP: compared as their members are.
  const bool family =
      r.type.starts_with("T[]") || r.type.find(" T,") != std::string::npos || r.type == "MAP(K, V)";
  switch (r.comparison) {
    case Comparison::kExact:
      return family ? "as its members: exact, or equal after CAST when one is read back as "
                      "another type"
                    : "exact";
    case Comparison::kCast:
      return "equal after CAST to the source type";
    default:
      return std::string(r.read_type == r.type ? "exact" : "equal after CAST to the source type") +
             ", but refused before any work when a column holds " + r.lost;
  }
}

}  // namespace

const std::vector<TypeRule>& ParquetTypeTable() { return kTable; }

std::string ParquetReadType(const std::string& type) {
  return Rewrite(type, [](const std::string&) {});
}

Comparison ParquetComparison(const std::string& type) {
  bool checked = false;
  const std::string read = Rewrite(type, [&](const std::string& b) { checked |= IsChecked(b); });
  if (checked) return Comparison::kChecked;
  return read == type ? Comparison::kExact : Comparison::kCast;
}

std::string ReadBackSelectSql(const std::vector<ColumnInfo>& schema) {
  std::string replaced;
  for (const auto& c : schema) {
    if (ParquetReadType(c.type) == c.type) continue;
    const std::string q = db::QuoteIdent(c.name);
    replaced +=
        (replaced.empty() ? "" : ", ") + std::string("CAST(") + q + " AS " + c.type + ") AS " + q;
  }
  return replaced.empty() ? "*" : "* REPLACE (" + replaced + ")";
}

std::string UnionByNameOption(const std::vector<ColumnInfo>& schema) {
  return HasAddedColumns(schema) ? ", union_by_name = true" : "";
}

void CheckParquetTypes(Workspace& ws) {
  std::vector<const ColumnInfo*> checked;
  std::string sql = "SELECT 0";
  for (const auto& col : ws.columns()) {
    if (ParquetComparison(col.type) != Comparison::kChecked) continue;
    const std::string c = db::QuoteIdent(col.name);
    const std::string lost = " FILTER (WHERE " + LostSql(c, col.type) + ")";
    sql += ", count(*)" + lost + ", CAST(any_value(" + c + ")" + lost + " AS VARCHAR)";
    checked.push_back(&col);
  }
  if (checked.empty()) return;
  db::Result r = WorkspaceConnection(ws).Query(sql + " FROM " + ws.relation());
  for (size_t i = 0; i < checked.size(); ++i) {
    const int64_t lost = r.GetInt64(0, 1 + 2 * i);
    if (lost > 0) {
      throw InputError(
          RefusalText(*checked[i], lost, r.GetOptionalString(0, 2 + 2 * i).value_or("NULL")));
    }
  }
}

std::string ParquetTypeTableMarkdown() {
  std::string md =
      "| DuckDB type | Parquet reads it back as | duckpart compares |\n|---|---|---|\n";
  for (const auto& r : kTable) {
    md += "| `" + r.type + "` | `" + r.read_type + "` | " + ComparisonText(r) + " |\n";
  }
  return md;
}

}  // namespace duckpart::plan

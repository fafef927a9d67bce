#include "plan/date_formats.h"

#include <array>
#include <set>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "plan/column_types.h"
#include "plan/workspace_access.h"

namespace duckpart::plan {
namespace {

// Common date spellings, most specific first (day-first formats after month-first ones:
// a value such as 1/2/2000 is ambiguous, and the message says the format is a guess).
constexpr std::array<const char*, 16> kCandidates = {
    "%b %d %Y",          "%b %d, %Y",      "%B %d %Y",       "%B %d, %Y",
    "%d %b %Y",          "%d %B %Y",       "%m/%d/%Y",       "%d/%m/%Y",
    "%Y/%m/%d",          "%d.%m.%Y",       "%Y%m%d",         "%d-%m-%Y",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%a %b %d %H:%M:%S %Y"};

struct Entry {
  std::string column, format;
};

Entry SplitEntry(const std::string& entry) {
  const size_t eq = entry.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size()) {
    throw InputError("--date-format '" + entry +
                     "': expected COL=FORMAT, e.g. --date-format "
                     "\"date=%b %d %Y\" (DuckDB strptime)");
  }
  return {entry.substr(0, eq), entry.substr(eq + 1)};
}

void CheckEntry(Workspace& ws, const Entry& e) {
  const ColumnInfo* col = ws.FindColumn(e.column);
  if (!col)
    throw InputError("--date-format names column '" + e.column + "', which the source lacks");
  if (ClassifyType(col->type) != TypeClass::kString) {
    throw InputError("--date-format names column '" + e.column + "' of type " + col->type +
                     ": only VARCHAR columns are parsed with a format");
  }
  try {
    WorkspaceConnection(ws).Query("SELECT try_strptime('', " + db::QuoteLiteral(e.format) + ")");
  } catch (const db::DbError& err) {
    throw InputError("--date-format " + e.column + "=" + e.format + ": " + err.what());
  }
}

}  // namespace

std::optional<std::string> DateFormatOf(const SourceOptions& source, const std::string& column) {
  for (const auto& entry : source.date_formats) {
    Entry e = SplitEntry(entry);
    if (e.column == column) return e.format;
  }
  return std::nullopt;
}

void CheckDateFormats(Workspace& ws) {
  std::set<std::string> seen;
  for (const auto& entry : ws.source().date_formats) {
    const Entry e = SplitEntry(entry);
    if (!seen.insert(e.column).second) {
      throw InputError("--date-format names column '" + e.column + "' twice");
    }
    CheckEntry(ws, e);
  }
}

std::string ParseTimeSql(const std::string& column_sql, const std::optional<std::string>& format) {
  if (!format) return "CAST(" + column_sql + " AS TIMESTAMP)";
  return "strptime(" + column_sql + ", " + db::QuoteLiteral(*format) + ")";
}

std::string TryParseTimeSql(const std::string& column_sql,
                            const std::optional<std::string>& format) {
  if (!format) return "TRY_CAST(" + column_sql + " AS TIMESTAMP)";
  return "try_strptime(" + column_sql + ", " + db::QuoteLiteral(*format) + ")";
}

std::optional<std::string> GuessDateFormat(Workspace& ws, const std::string& column) {
  const std::string c = db::QuoteIdent(column);
  std::string sql = "SELECT count(*)";
  for (const char* f : kCandidates) {
    sql += ", count(try_strptime(v, " + db::QuoteLiteral(f) + "))";
  }
  db::Result r =
      WorkspaceConnection(ws).Query(sql + " FROM (SELECT CAST(" + c + " AS VARCHAR) AS v FROM " +
                                    ws.relation() + " WHERE " + c + " IS NOT NULL LIMIT 1000)");
  const int64_t sampled = r.GetInt64(0, 0);
  for (size_t i = 0; i < kCandidates.size() && sampled > 0; ++i) {
    if (r.GetInt64(0, i + 1) == sampled) return std::string(kCandidates[i]);
  }
  return std::nullopt;
}

}  // namespace duckpart::plan

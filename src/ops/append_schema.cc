// The schema check of `append`: the new rows must have the dataset's columns, each of a
// type that casts to the dataset's without losing a value.
#include <string>
#include <vector>

#include "db/database.h"
#include "db/error.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "ops/append_operation.h"
#include "plan/workspace_access.h"

namespace duckpart::ops {
namespace {

std::string Cut80(const std::string& value) {
  return value.size() > 80 ? value.substr(0, 80) + "..." : value;
}

void CheckNames(const Workspace& ws, const std::vector<ColumnInfo>& schema) {
  for (const auto& c : schema) {
    if (!ws.FindColumn(c.name)) {
      throw InputError("the new rows have no column '" + c.name + "' (" + c.type +
                       ") of the dataset; select it in the source (NULL AS \"" + c.name +
                       "\" for none)");
    }
  }
  for (const auto& c : ws.columns()) {
    bool known = false;
    for (const auto& d : schema) known |= d.name == c.name;
    if (!known) {
      throw InputError("column '" + c.name + "' (" + c.type +
                       ") of the new rows is not in the dataset; leave it out of the source");
    }
  }
}

// Refuses a column whose values change when cast to the dataset's type and back.
void CheckLossless(Workspace& ws, const ColumnInfo& from, const std::string& to_type) {
  const std::string c = "s." + db::QuoteIdent(from.name);
  const std::string cast = "TRY_CAST(" + c + " AS " + to_type + ")";
  const std::string lost = c + " IS NOT NULL AND (" + cast + " IS NULL OR CAST(" + cast + " AS " +
                           from.type + ") IS DISTINCT FROM " + c + ")";
  const std::string why = "column '" + from.name + "' is " + from.type +
                          " in the new rows and the dataset's type is " + to_type;
  try {
    db::Result r = WorkspaceConnection(ws).Query("SELECT count(*) FILTER (WHERE " + lost +
                                                 "), CAST(min(" + c + ") FILTER (WHERE " + lost +
                                                 ") AS VARCHAR) FROM " + ws.relation() + " AS s");
    if (const int64_t n = r.GetInt64(0, 0); n > 0) {
      throw InputError(why + ": " + std::to_string(n) + " values do not cast losslessly, e.g. '" +
                       Cut80(r.GetOptionalString(0, 1).value_or("")) +
                       "'; cast them in the source");
    }
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kInterrupt || e.kind() == db::ErrorKind::kOutOfMemory) throw;
    throw InputError(why + ", which it does not cast to; cast it in the source");
  }
}

}  // namespace

std::string ConformedRowsSql(Workspace& ws, const std::vector<ColumnInfo>& schema) {
  CheckNames(ws, schema);
  std::string select;
  for (const auto& c : schema) {
    const ColumnInfo* have = ws.FindColumn(c.name);
    const std::string q = db::QuoteIdent(c.name);
    select += select.empty() ? "" : ", ";
    if (have->type == c.type) {
      select += "s." + q;
      continue;
    }
    CheckLossless(ws, *have, c.type);
    select += "CAST(s." + q + " AS " + c.type + ") AS " + q;
  }
  return "(SELECT " + select + " FROM " + ws.relation() + " AS s)";
}

}  // namespace duckpart::ops

// The schema check of `append`: the new rows must have the dataset's columns, each of a
// type that casts to the dataset's without losing a value.
#include <string>
#include <vector>

#include "db/database.h"
#include "db/error.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "ops/append_operation.h"
#include "plan/field_names.h"
#include "plan/workspace_access.h"

namespace duckpart::ops {
namespace {

std::string Cut80(const std::string& value) {
  return value.size() > 80 ? value.substr(0, 80) + "..." : value;
}

// The new rows' columns the dataset lacks, checked against its schema and fields; throws
// InputError for a column of the dataset the rows lack, or for an extra one unless
// `new_columns`.
std::vector<ColumnInfo> ExtraColumns(const Workspace& ws, const Manifest& m,
                                     const NewColumns& new_columns) {
  for (const auto& c : m.schema) {
    if (!ws.FindColumn(c.name)) {
      throw InputError("the new rows have no column '" + c.name + "' (" + c.type +
                       ") of the dataset; select it in the source (NULL AS \"" + c.name +
                       "\" for none)");
    }
  }
  std::vector<ColumnInfo> extra;
  for (const auto& c : ws.columns()) {
    bool known = false;
    for (const auto& d : m.schema) known |= d.name == c.name;
    if (known) continue;
    if (!new_columns.allow) {
      throw InputError("column '" + c.name + "' (" + c.type +
                       ") of the new rows is not in the dataset; leave it out of the source, " +
                       "or add --allow-new-columns to add it (older rows read it as NULL)");
    }
    for (const auto& f : m.fields) {
      if (plan::SameName(f.field.Name(), c.name)) {
        throw InputError("new column '" + c.name + "' is named like the partition field '" +
                         f.field.Name() + "', whose value Hive readers take from the path; " +
                         "rename it in the source");
      }
    }
    extra.push_back({c.name, c.type, new_columns.version});
  }
  return extra;
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

ConformedRows ConformRows(Workspace& ws, const Manifest& m, const NewColumns& new_columns) {
  ConformedRows out{.schema = m.schema};
  for (auto& c : ExtraColumns(ws, m, new_columns)) out.schema.push_back(std::move(c));
  std::string select;
  for (const auto& c : out.schema) {
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
  out.sql = "(SELECT " + select + " FROM " + ws.relation() + " AS s)";
  return out;
}

}  // namespace duckpart::ops

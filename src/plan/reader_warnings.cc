#include "plan/reader_warnings.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/hive_path.h"
#include "plan/workspace_access.h"

namespace duckpart::plan {
namespace {

// A value that does not read back as written once cast to `type` and printed again.
std::string LossyUnder(const std::string& type) {
  return "TRY_CAST(l AS " + type + ") IS NOT NULL AND CAST(TRY_CAST(l AS " + type +
         ") AS VARCHAR) <> l";
}

// Readers take for a date only a value without a time of day (measured: DuckDB keeps
// '2024-01-01 10:00:00' as VARCHAR but reads '2024-1-1' as DATE 2024-01-01).
const char* kDate = "regexp_full_match(l, '-?[0-9]+-[0-9]{1,2}-[0-9]{1,2}')";
const char* kNumber = "regexp_full_match(l, '[+-]?[0-9]+([.][0-9]*)?([eE][+-]?[0-9]+)?')";

// Per field: distinct values, the sentinel string, and for each inferred type whether
// every value casts and up to three values that change. A field of dates is not also one
// of timestamps: readers take the first type that fits, dates before timestamps.
std::string FieldQuery(size_t i) {
  const std::string number_lossy = std::string(kNumber) +
                                   " AND l IS DISTINCT FROM CAST(TRY_CAST(l AS BIGINT) AS VARCHAR)"
                                   " AND l IS DISTINCT FROM CAST(TRY_CAST(l AS DOUBLE) AS VARCHAR)";
  auto examples = [](const std::string& cond) {
    return "CAST(to_json(list(l ORDER BY l) FILTER (WHERE " + cond + ")[1:3]) AS VARCHAR)";
  };
  const std::string date = std::string(kDate) + " AND TRY_CAST(l AS DATE) IS NOT NULL";
  return "SELECT count(l), count(*) FILTER (WHERE l = " + db::QuoteLiteral(std::string(kHiveNull)) +
         "), count(*) FILTER (WHERE " + date + "), " +
         examples(kDate + (" AND " + LossyUnder("DATE"))) +
         ", count(*) FILTER (WHERE TRY_CAST(l AS TIMESTAMP) IS NOT NULL AND NOT coalesce(" + date +
         ", false)), " + examples(LossyUnder("TIMESTAMP")) + ", count(*) FILTER (WHERE " + kNumber +
         "), " + examples(number_lossy) + " FROM (SELECT DISTINCT __dp_l" + std::to_string(i) +
         " AS l FROM __duckpart_keys)";
}

// The examples of a column holding to_json(list of up to three values), each printed as
// a JSON string (quoted, control characters escaped, cut at 80 bytes); "" when none.
std::string Examples(db::Result& r, uint64_t column) {
  const std::optional<std::string> text = r.GetOptionalString(0, column);
  if (!text) return "";
  std::string out;
  for (const auto& value : nlohmann::json::parse(*text)) {
    std::string v = value.get<std::string>();
    if (v.size() > 80) v = v.substr(0, 80) + "...";
    out += (out.empty() ? "" : ", ") +
           nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return out;
}

std::string ExactRead(const std::string& name) {
  return fmt::format(
      "read it exactly with `duckpart query`, or pin the type: DuckDB "
      "read_parquet(..., hive_types = {{'{0}': 'VARCHAR'}}), Polars "
      "scanParquet(..., {{hiveSchema: {{{0}: Utf8}}, tryParseHiveDates: false}})",
      name);
}

void AddTypeWarnings(db::Result& r, const std::string& name, std::vector<std::string>& out) {
  const int64_t values = r.GetInt64(0, 0);
  struct Kind {
    uint64_t all, lossy;
    const char* readers;
    const char* type;
  };
  const Kind kinds[] = {{2, 3, "DuckDB and Polars", "DATE"},
                        {4, 5, "Polars (hive partitioning)", "timestamps"},
                        {6, 7, "Polars (hive partitioning)", "numbers"}};
  for (const Kind& k : kinds) {
    const std::string lossy = Examples(r, k.lossy);
    if (values == 0 || r.GetInt64(0, k.all) != values || lossy.empty()) continue;
    out.push_back(
        fmt::format("partition field {} has values that {} read as {} and print "
                    "differently: {}; {}",
                    name, k.readers, k.type, lossy, ExactRead(name)));
  }
}

}  // namespace

std::vector<std::string> ReaderWarnings(Workspace& ws, const std::vector<ResolvedField>& fields) {
  std::vector<std::string> out;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string name = fields[i].field.Name();
    db::Result r = WorkspaceConnection(ws).Query(FieldQuery(i));
    if (r.GetInt64(0, 1) > 0) {
      out.push_back(fmt::format(
          "partition field {} has the string '{}', which Polars and DuckDB 1.4 cannot tell "
          "apart from the NULL partition (Polars reads both as null, DuckDB 1.4 both as the "
          "string; DuckDB 1.5 tells them apart); the source column itself reads back exactly, "
          "and `duckpart query` reads the field exactly",
          name, kHiveNull));
    }
    AddTypeWarnings(r, name, out);
  }
  return out;
}

}  // namespace duckpart::plan

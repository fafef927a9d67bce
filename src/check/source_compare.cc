#include "check/source_compare.h"

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/hive_path.h"
#include "plan/keys.h"
#include "plan/transform.h"
#include "plan/workspace_access.h"

namespace duckpart::check {
namespace {

std::string KeyPath(const Manifest& m, const std::vector<std::optional<std::string>>& keys) {
  std::string path;
  for (size_t i = 0; i < m.fields.size(); ++i)
    path += (i ? "/" : "") + HiveSegment(m.fields[i].field.Name(), keys[i]);
  return path;
}

void CompareColumns(Workspace& ws, const Manifest& m, const std::string& what,
                    std::vector<ValidationProblem>& problems) {
  if (ws.columns().size() != m.schema.size()) {
    problems.push_back(
        ValidationProblem::Make("source_schema", "",
                                "the source has " + std::to_string(ws.columns().size()) +
                                    " columns, " + what + " " + std::to_string(m.schema.size())));
    return;
  }
  for (size_t i = 0; i < m.schema.size(); ++i) {
    if (ws.columns()[i].name != m.schema[i].name || ws.columns()[i].type != m.schema[i].type) {
      problems.push_back(ValidationProblem::Make(
          "source_schema", "",
          "source column " + ws.columns()[i].name + " " + ws.columns()[i].type + " differs from " +
              what + "'s " + m.schema[i].name + " " + m.schema[i].type));
    }
  }
}

// The columns to hash the source's rows over: the dataset's schema when the source has
// its columns (so that rows hash as the dataset's do, added columns included: RowHashSql),
// else the source's own (CompareColumns names the difference).
std::vector<ColumnInfo> HashedColumns(const Workspace& ws, const std::vector<ColumnInfo>& schema) {
  if (ws.columns().size() != schema.size()) return ws.columns();
  for (const auto& c : schema) {
    if (!ws.FindColumn(c.name)) return ws.columns();
  }
  return schema;
}

}  // namespace

KeyCounts SourceKeyCounts(Workspace& ws, const std::vector<ResolvedField>& fields,
                          const std::vector<ColumnInfo>& schema) {
  std::string labels, group;
  for (size_t i = 0; i < fields.size(); ++i) {
    labels += plan::LabelOf(fields[i].label_sql, fields[i].key_sql) + " AS __dp_l" +
              std::to_string(i) + ", ";
    group += (i ? ", " : "") + std::string("__dp_l") + std::to_string(i);
  }
  db::Result q = WorkspaceConnection(ws).Query(
      "SELECT " + group +
      ", count(*), CAST(sum(CAST(__dp_h AS HUGEINT)) AS VARCHAR) FROM (SELECT " + labels +
      RowHashSql(HashedColumns(ws, schema), "s") + " AS __dp_h FROM " + ws.relation() +
      " AS s) GROUP BY " + group);
  const size_t n = fields.size();
  KeyCounts counts;
  for (uint64_t row = 0; row < q.RowCount(); ++row) {
    std::vector<std::optional<std::string>> keys;
    for (size_t i = 0; i < n; ++i) keys.push_back(q.GetOptionalString(row, i));
    counts[keys] = {q.GetInt64(row, n), q.GetString(row, n + 1)};
  }
  return counts;
}

std::string CastRowHashSql(const std::vector<ColumnInfo>& columns) {
  return RowHashSqlOf(columns, [](const ColumnInfo& c) {
    return "CAST(r." + db::QuoteIdent(c.name) + " AS " + c.type + ")";
  });
}

std::vector<ValidationProblem> CompareWithSource(Workspace& ws, const Manifest& m,
                                                 const std::vector<Partition>& partitions,
                                                 const std::string& what) {
  std::vector<ValidationProblem> problems;
  KeyCounts src = SourceKeyCounts(ws, m.fields, m.schema);
  for (const auto& p : partitions) {
    auto it = src.find(p.keys);
    if (it == src.end()) {
      problems.push_back(ValidationProblem::Make(
          "source_extra_partition", p.path, "partition " + p.path + " has no rows in the source"));
      continue;
    }
    if (it->second.first != p.rows || it->second.second != p.checksum) {
      problems.push_back(ValidationProblem::Make(
          "source_rows", p.path,
          "partition " + p.path + " differs from the source: " + std::to_string(p.rows) +
              " rows in " + what + ", " + std::to_string(it->second.first) + " in the source"));
    }
    src.erase(it);
  }
  for (const auto& [keys, v] : src) {
    const std::string path = KeyPath(m, keys);
    problems.push_back(ValidationProblem::Make("source_missing_rows", path,
                                               "the source has " + std::to_string(v.first) +
                                                   " rows for " + path + " that " + what +
                                                   " lacks"));
  }
  CompareColumns(ws, m, what, problems);
  return problems;
}

}  // namespace duckpart::check

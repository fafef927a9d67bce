#include <algorithm>
#include <map>
#include <set>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/hive_path.h"
#include "duckpart/plan.h"
#include "plan/column_types.h"
#include "plan/date_formats.h"
#include "plan/field_names.h"
#include "plan/keys.h"
#include "plan/reader_warnings.h"
#include "plan/transform.h"
#include "plan/workspace_access.h"

namespace duckpart {
namespace {

using plan::ClassifyType;
using plan::TypeClass;

// Columns the spec reads, each once, in spec order.
std::vector<std::string> SpecColumns(const Spec& spec) {
  std::vector<std::string> out;
  for (const auto& f : spec.fields) {
    if (std::find(out.begin(), out.end(), f.column) == out.end()) out.push_back(f.column);
  }
  return out;
}

bool NeedsTimeCast(const Spec& spec, const std::string& column, const std::string& type) {
  if (ClassifyType(type) != TypeClass::kString) return false;
  for (const auto& f : spec.fields) {
    if (f.column == column && plan::IsTimeTransform(f.transform)) return true;
  }
  return false;
}

// A value for a one-line message: at most 80 bytes.
std::string Cut80(const std::string& value) {
  return value.size() > 80 ? value.substr(0, 80) + "..." : value;
}

// "; --date-format 'date=%b %d %Y' parses the sampled values", or a pointer to the option.
std::string FormatHint(Workspace& ws, const std::string& column) {
  if (plan::DateFormatOf(ws.source(), column)) return " with the given --date-format";
  if (const auto format = plan::GuessDateFormat(ws, column)) {
    return "; --date-format '" + column + "=" + *format + "' parses the sampled values";
  }
  return "; give their format with --date-format '" + column +
         "=FORMAT' (DuckDB strptime), or partition a --query that reads them as NULL (TRY_CAST)";
}

// One or two examples of the values: 'a' and 'b', or 'a' when they are the same.
std::string Examples(const std::string& a, const std::string& b) {
  return "'" + Cut80(a) + "'" + (a == b ? "" : " and '" + Cut80(b) + "'");
}

// One scan: NULLs, distinct estimate, min and max of each spec column, and for VARCHAR
// columns under time transforms, the values that do not parse as timestamps.
// Values with a UTC offset other than zero ('2024-03-10T01:00:00+05:00'): a cast to
// TIMESTAMP keeps their wall-clock time and drops the offset (the session is in UTC, so
// the TIMESTAMPTZ cast differs exactly for those). Their count and one example.
std::string OffsetCountSql(const std::string& c) {
  const std::string offset = " FILTER (WHERE CAST(TRY_CAST(" + c +
                             " AS TIMESTAMPTZ) AS TIMESTAMP) <> TRY_CAST(" + c + " AS TIMESTAMP))";
  return ", count(*)" + offset + ", min(" + c + ")" + offset;
}

std::string OffsetWarning(const std::string& column, int64_t count, const std::string& example) {
  return "column '" + column + "' has " + std::to_string(count) +
         " timestamps with a UTC offset other than zero (e.g. '" + Cut80(example) +
         "'): time transforms take their wall-clock time and drop the offset; to partition by "
         "the instant, use --query with CAST(" +
         db::QuoteIdent(column) + " AS TIMESTAMPTZ) (--timezone then picks the zone of the days)";
}

// Without `distinct`, the estimate of distinct values is 0: counts, minima and maxima come
// from DuckDB's statistics almost for free, where the estimate hashes every value.
std::vector<ColumnStats> AnalyseColumns(Workspace& ws, const Spec& spec, bool distinct,
                                        int64_t* total, std::vector<std::string>& warnings) {
  const auto columns = SpecColumns(spec);
  std::string sql = "SELECT count(*)";
  for (const auto& name : columns) {
    const ColumnInfo* col = ws.FindColumn(name);
    if (!col) return {};  // ResolveField reports it with the list of columns
    const std::string c = db::QuoteIdent(name);
    sql += ", count(*) - count(" + c + "), " +
           (distinct ? "approx_count_distinct(" + c + ")" : std::string("0")) + ", CAST(min(" + c +
           ") AS VARCHAR), CAST(max(" + c + ") AS VARCHAR)";
    if (NeedsTimeCast(spec, name, col->type)) {
      const auto format = plan::DateFormatOf(ws.source(), name);
      const std::string bad = " FILTER (WHERE " + c + " IS NOT NULL AND " +
                              plan::TryParseTimeSql(c, format) + " IS NULL)";
      sql += ", count(*)" + bad + ", min(" + c + ")" + bad + ", max(" + c + ")" + bad;
      sql += format ? std::string(", 0, NULL") : OffsetCountSql(c);
    }
  }
  db::Result r = WorkspaceConnection(ws).Query(sql + " FROM " + ws.relation());
  *total = r.GetInt64(0, 0);
  std::vector<ColumnStats> stats;
  uint64_t i = 1;
  for (const auto& name : columns) {
    const ColumnInfo* col = ws.FindColumn(name);
    ColumnStats s{name,
                  col->type,
                  r.GetInt64(0, i),
                  r.GetInt64(0, i + 1),
                  r.GetOptionalString(0, i + 2).value_or(""),
                  r.GetOptionalString(0, i + 3).value_or("")};
    i += 4;
    if (NeedsTimeCast(spec, name, col->type)) {
      if (const int64_t bad = r.GetInt64(0, i); bad > 0) {
        throw InputError("column '" + name + "' has " + std::to_string(bad) +
                         " values that are not dates or timestamps, e.g. " +
                         Examples(r.GetString(0, i + 1), r.GetString(0, i + 2)) +
                         FormatHint(ws, name));
      }
      if (const int64_t offsets = r.GetInt64(0, i + 3); offsets > 0)
        warnings.push_back(OffsetWarning(name, offsets, r.GetString(0, i + 4)));
      i += 5;
    }
    stats.push_back(std::move(s));
  }
  return stats;
}

std::string KeyName(size_t i) { return "__dp_k" + std::to_string(i); }
std::string LabelName(size_t i) { return "__dp_l" + std::to_string(i); }

// The one pass that enumerates the partitions: keys, row counts and checksums, into the
// temporary table __duckpart_keys, numbered densely in key order with NULLs last.
void BuildKeysTable(Workspace& ws, const std::vector<ResolvedField>& fields) {
  std::string keys, labels, order;
  for (size_t i = 0; i < fields.size(); ++i) {
    keys += fields[i].key_sql + " AS " + KeyName(i) + ", ";
    labels += plan::LabelOf(fields[i].label_sql, KeyName(i)) + " AS " + LabelName(i) + ", ";
    order += (i ? ", " : "") + KeyName(i) + " NULLS LAST";
  }
  std::string group;
  for (size_t i = 0; i < fields.size(); ++i) group += (i ? ", " : "") + KeyName(i);
  WorkspaceConnection(ws).Execute(
      "CREATE OR REPLACE TEMP TABLE __duckpart_keys AS SELECT " + group + ", " + labels +
      "CAST(row_number() OVER (ORDER BY " + order +
      ") - 1 AS BIGINT) AS pid, rows, checksum FROM ("
      "SELECT " +
      group +
      ", count(*) AS rows, sum(CAST(__dp_h AS HUGEINT)) AS checksum FROM ("
      "SELECT " +
      keys + RowHashSql(ws.columns(), "s") + " AS __dp_h FROM " + ws.relation() +
      " AS s) GROUP BY " + group + ")");
}

// Bytes per row, estimated on a sample: fixed widths, and string lengths as sampled.
double EstimateRowBytes(Workspace& ws) {
  std::string sql = "SELECT 0";
  for (const auto& c : ws.columns()) {
    const TypeClass tc = ClassifyType(c.type);
    const std::string q = db::QuoteIdent(c.name);
    if (tc == TypeClass::kString) {
      sql += " + coalesce(avg(strlen(CAST(" + q + " AS VARCHAR))), 0)";
    } else if (tc == TypeClass::kBlob) {
      sql += " + coalesce(avg(octet_length(" + q + ")), 0)";
    } else if (tc == TypeClass::kNested) {
      sql += " + coalesce(avg(strlen(CAST(" + q + " AS VARCHAR))), 0)";
    } else {
      sql += " + 8";
    }
  }
  try {
    db::Result r = WorkspaceConnection(ws).Query(sql + " FROM (SELECT * FROM " + ws.relation() +
                                                 " LIMIT 100000) AS s");
    return r.IsNull(0, 0) ? 8.0 : r.GetDouble(0, 0);
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kInterrupt) throw;  // Ctrl-C is never an estimate's failure
    return 8.0 * static_cast<double>(ws.columns().size());
  }
}

void ReadPartitions(Workspace& ws, Plan& plan) {
  const size_t n = plan.fields.size();
  std::string cols;
  for (size_t i = 0; i < n; ++i) cols += LabelName(i) + ", ";
  db::Result r = WorkspaceConnection(ws).Query(
      "SELECT " + cols + "pid, rows, CAST(checksum AS VARCHAR) FROM __duckpart_keys ORDER BY pid");
  const double row_bytes = EstimateRowBytes(ws);
  std::set<std::string> paths;
  for (uint64_t row = 0; row < r.RowCount(); ++row) {
    Partition p;
    for (size_t i = 0; i < n; ++i) {
      p.keys.push_back(r.GetOptionalString(row, i));
      p.path += (i ? "/" : "") + HiveSegment(plan.fields[i].field.Name(), p.keys.back());
    }
    p.id = r.GetInt64(row, n);
    p.rows = r.GetInt64(row, n + 1);
    p.checksum = r.GetString(row, n + 2);
    p.est_bytes = static_cast<int64_t>(row_bytes * static_cast<double>(p.rows));
    if (!paths.insert(p.path).second) {
      throw RuntimeFailure("two partitions would share the path '" + p.path + "'");
    }
    plan.partitions.push_back(std::move(p));
  }
}

void DescribeRanges(Plan& plan) {
  for (auto& p : plan.partitions) {
    for (size_t i = 0; i < plan.fields.size(); ++i) {
      const auto& f = plan.fields[i];
      const bool ranged =
          f.field.transform == Transform::kRange || f.field.transform == Transform::kQuantile;
      p.ranges.push_back(ranged && p.keys[i] ? plan::RangeText(f.cuts, std::stoll(*p.keys[i]))
                                             : "");
    }
  }
}

}  // namespace

std::string KeysJoinSql(const std::vector<ResolvedField>& fields) {
  std::string keys, on;
  for (size_t i = 0; i < fields.size(); ++i) {
    keys += KeyName(i) + ", ";
    on += (i ? " AND " : "") + std::string("(") + fields[i].key_sql + ") IS NOT DISTINCT FROM k." +
          KeyName(i);
  }
  return " JOIN (SELECT " + keys + "pid AS __dp_pid FROM __duckpart_keys) AS k ON " + on;
}

std::string RowsWithPartitionSql(const std::string& relation,
                                 const std::vector<ResolvedField>& fields) {
  return "SELECT s.*, k.__dp_pid FROM " + relation + " AS s" + KeysJoinSql(fields);
}

std::string RowHashSqlOf(const std::vector<ColumnInfo>& columns,
                         const std::function<std::string(const ColumnInfo&)>& expr) {
  std::vector<std::string> exprs;
  size_t base = columns.size();  // columns before the first added one
  for (size_t i = 0; i < columns.size(); ++i) {
    exprs.push_back(expr(columns[i]));
    if (columns[i].added_in > 0 && base == columns.size()) base = i;
  }
  const auto hash_of = [&](size_t n) {
    std::string sql = "hash(";
    for (size_t i = 0; i < n; ++i) sql += (i ? ", " : "") + exprs[i];
    return sql + ")";
  };
  if (base == columns.size()) return hash_of(columns.size());
  std::string sql = "CASE";
  for (size_t last = columns.size(); last > base; --last)
    sql += " WHEN " + exprs[last - 1] + " IS NOT NULL THEN " + hash_of(last);
  return sql + " ELSE " + hash_of(base) + " END";
}

std::string RowHashSql(const std::vector<ColumnInfo>& columns, const std::string& qualifier) {
  return RowHashSqlOf(columns, [&](const ColumnInfo& c) {
    return (qualifier.empty() ? "" : qualifier + ".") + db::QuoteIdent(c.name);
  });
}

bool HasAddedColumns(const std::vector<ColumnInfo>& columns) {
  return std::any_of(columns.begin(), columns.end(),
                     [](const ColumnInfo& c) { return c.added_in > 0; });
}

std::string ChecksumSql(const std::vector<ColumnInfo>& columns, const std::string& qualifier) {
  return "coalesce(sum(CAST(" + RowHashSql(columns, qualifier) + " AS HUGEINT)), 0)";
}

Plan MakePlan(Workspace& ws, const Spec& spec, const PlanOptions& options) {
  if (spec.fields.empty()) throw InputError("the spec has no fields");
  if (options.transform_version < kFirstTransformVersion ||
      options.transform_version > kTransformVersion) {
    throw InputError("transform version " + std::to_string(options.transform_version) +
                     " is unknown to this duckpart (it knows 1 to " +
                     std::to_string(kTransformVersion) + ")");
  }
  plan::CheckFieldNames(ws.columns(), spec);
  plan::CheckDateFormats(ws);
  Plan plan{.spec = spec, .source = ws.source().Describe(), .schema = ws.columns()};
  plan.transform_version = options.transform_version;
  const auto step = [&options](const char* name) {
    if (options.on_step) options.on_step(name);
  };
  std::vector<std::string> column_warnings;
  step("stats");
  plan.stats =
      AnalyseColumns(ws, spec, options.distinct_estimates, &plan.total_rows, column_warnings);
  step("fields");  // quantile boundaries are computed here
  for (const auto& f : spec.fields) {
    int64_t nonnull = plan.total_rows;
    for (const auto& s : plan.stats) {
      if (s.column == f.column) nonnull = plan.total_rows - s.nulls;
    }
    plan.fields.push_back(plan::ResolveField(ws, f, nonnull, options));
  }
  step("keys");
  try {
    BuildKeysTable(ws, plan.fields);
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kConversion || e.kind() == db::ErrorKind::kInvalidInput) {
      throw InputError(std::string("the spec cannot be computed on this source: ") + e.what());
    }
    throw;
  }
  step("partitions");
  ReadPartitions(ws, plan);
  DescribeRanges(plan);
  std::vector<int64_t> rows;
  for (const auto& p : plan.partitions) {
    rows.push_back(p.rows);
    plan.est_bytes += p.est_bytes;
  }
  db::Result total = WorkspaceConnection(ws).Query(
      "SELECT CAST(coalesce(sum(checksum), 0) AS VARCHAR) FROM __duckpart_keys");
  plan.total_checksum = total.GetString(0, 0);
  plan.balance = ComputeBalance(rows, options);
  for (auto& w : column_warnings) plan.balance.warnings.push_back(std::move(w));
  for (auto& w : plan::ReaderWarnings(ws, plan.fields))
    plan.balance.warnings.push_back(std::move(w));
  return plan;
}

}  // namespace duckpart

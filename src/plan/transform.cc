#include "plan/transform.h"

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "plan/column_types.h"
#include "plan/date_formats.h"
#include "plan/quantile.h"

namespace duckpart::plan {
namespace {

[[noreturn]] void NotFit(const Field& f, const std::string& type, const std::string& why) {
  throw InputError(std::string(TransformName(f.transform)) + "(" + f.column + ") does not fit " +
                   "column '" + f.column + "' of type " + type + ": " + why);
}

// The column as a TIMESTAMP (or DATE) in the field's zone, for time transforms.
std::string TimeValueSql(const Field& f, const std::string& type, const std::string& zone,
                         const std::optional<std::string>& date_format) {
  const std::string c = db::QuoteIdent(f.column);
  switch (ClassifyType(type)) {
    case TypeClass::kDate:
      if (f.transform == Transform::kHour) NotFit(f, type, "a DATE has no hours");
      return c;
    case TypeClass::kTimestamp: return "CAST(" + c + " AS TIMESTAMP)";
    case TypeClass::kTimestampTz: return "timezone(" + db::QuoteLiteral(zone) + ", " + c + ")";
    case TypeClass::kString: return ParseTimeSql(c, date_format);
    default: NotFit(f, type, "time transforms need a DATE, TIMESTAMP or VARCHAR of dates");
  }
}

void ResolveTime(ResolvedField& r, const std::string& zone,
                 const std::optional<std::string>& date_format) {
  const std::string t = TimeValueSql(r.field, r.column_type, zone, date_format);
  const std::string finite = "CASE WHEN isfinite($k) THEN ";
  const std::string not_finite = " ELSE CAST($k AS VARCHAR) END";
  switch (r.field.transform) {
    case Transform::kYear:
      // year() of an infinite date is NULL: keep infinities out of the NULL partition as
      // the INTEGER extremes, labelled back as infinity.
      r.key_sql = "CASE WHEN isfinite(" + t + ") THEN year(" + t + ") WHEN " + t +
                  " > '2000-01-01' THEN 2147483647 WHEN " + t +
                  " < '2000-01-01' THEN -2147483648 END";
      r.label_sql =
          "CASE WHEN $k = 2147483647 THEN 'infinity' WHEN $k = -2147483648 THEN '-infinity' "
          "ELSE CAST($k AS VARCHAR) END";
      break;
    case Transform::kMonth:
      r.key_sql = "CAST(date_trunc('month', " + t + ") AS DATE)";
      r.label_sql = finite + "strftime($k, '%Y-%m')" + not_finite;
      break;
    case Transform::kDay:
      r.key_sql = "CAST(" + t + " AS DATE)";
      r.label_sql = finite + "strftime($k, '%Y-%m-%d')" + not_finite;
      break;
    default:
      r.key_sql = "date_trunc('hour', " + t + ")";
      r.label_sql = finite + "strftime($k, '%Y-%m-%d-%H')" + not_finite;
  }
}

void ResolveTruncate(ResolvedField& r) {
  const std::string c = db::QuoteIdent(r.field.column);
  switch (ClassifyType(r.column_type)) {
    case TypeClass::kInteger:
    case TypeClass::kDecimal: {
      // floor to a multiple of W, also for negative values (Iceberg's truncate), in exact
      // arithmetic: c - c % W truncates toward zero without overflow, and negative
      // remainders step one W further down. W is a plain literal so that a W beyond the
      // column's type still binds.
      const std::string m = "(" + c + " % " + std::to_string(r.field.param) + ")";
      r.key_sql = "CAST(" + c + " - " + m + " - CASE WHEN " + m + " < 0 THEN " +
                  std::to_string(r.field.param) + " ELSE 0 END AS " + r.column_type + ")";
      break;
    }
    case TypeClass::kFloat:
      r.key_sql = "CAST(floor(" + c + " / " + std::to_string(r.field.param) + ") * " +
                  std::to_string(r.field.param) + " AS " + r.column_type + ")";
      break;
    case TypeClass::kString:
      r.key_sql = "left(CAST(" + c + " AS VARCHAR), " + std::to_string(r.field.param) + ")";
      break;
    default:
      NotFit(r.field, r.column_type, "truncate needs a number or a VARCHAR");
  }
  r.label_sql = "CAST($k AS VARCHAR)";
}

void ResolveRange(Workspace& ws, ResolvedField& r) {
  if (!IsOrderable(ClassifyType(r.column_type))) {
    NotFit(r.field, r.column_type, "range needs an orderable type (number, string, date, time)");
  }
  for (const auto& b : r.field.bounds) {
    // Numbers and strings alike are cast from their text, so '2024-01-01' fits a DATE.
    r.cuts.push_back({false, "CAST(" + db::QuoteLiteral(b.text) + " AS " + r.column_type + ")",
                      b.text});
  }
  CheckCutsIncrease(ws, r);
  r.key_sql = RangeKeySql(db::QuoteIdent(r.field.column), r.cuts);
  r.label_sql = IndexLabelSql(r.cuts.size());
}

}  // namespace

bool IsTimeTransform(Transform t) {
  return t == Transform::kYear || t == Transform::kMonth || t == Transform::kDay ||
         t == Transform::kHour;
}

std::string RangeKeySql(const std::string& column_sql, const std::vector<Cut>& cuts) {
  std::string sql = "CASE WHEN " + column_sql + " IS NULL THEN NULL";
  for (size_t i = 0; i < cuts.size(); ++i) {
    sql += " WHEN " + column_sql + (cuts[i].inclusive ? " <= " : " < ") + cuts[i].sql +
           " THEN " + std::to_string(i);
  }
  return sql + " ELSE " + std::to_string(cuts.size()) + " END";
}

std::string LabelOf(const std::string& label_sql, const std::string& key_sql) {
  std::string out;
  for (size_t i = 0; i < label_sql.size(); ++i) {
    if (label_sql.compare(i, 2, "$k") == 0) {
      out += "(" + key_sql + ")";
      ++i;
    } else {
      out += label_sql[i];
    }
  }
  return out;
}

ResolvedField ResolveField(Workspace& ws, const Field& field, int64_t nonnull_rows,
                           const PlanOptions& options) {
  const ColumnInfo* col = ws.FindColumn(field.column);
  if (!col) {
    std::string names;
    for (const auto& c : ws.columns()) names += (names.empty() ? "" : ", ") + c.name;
    throw InputError("unknown column '" + field.column + "' (the source has: " + names + ")");
  }
  ResolvedField r{.field = field, .column_type = col->type};
  const TypeClass tc = ClassifyType(col->type);
  const std::string c = db::QuoteIdent(field.column);
  switch (field.transform) {
    case Transform::kIdentity:
      if (tc == TypeClass::kBlob || tc == TypeClass::kNested) {
        NotFit(field, col->type, "its values cannot name a folder; use bucket() instead");
      }
      r.key_sql = c;
      r.label_sql = "CAST($k AS VARCHAR)";
      break;
    case Transform::kBucket:
      if (tc == TypeClass::kBlob) NotFit(field, col->type, "bucket of binary data is not supported");
      r.key_sql = "CASE WHEN " + c + " IS NULL THEN NULL ELSE CAST(hash(" + c + ") % " +
                  std::to_string(field.param) + " AS BIGINT) END";
      r.label_sql = "CAST($k AS VARCHAR)";
      break;
    case Transform::kTruncate: ResolveTruncate(r); break;
    case Transform::kRange: ResolveRange(ws, r); break;
    case Transform::kQuantile:
      if (!IsOrderable(tc)) NotFit(field, col->type, "quantile needs an orderable type");
      ComputeQuantileCuts(ws, r, nonnull_rows, options);
      r.key_sql = RangeKeySql(c, r.cuts);
      r.label_sql = IndexLabelSql(r.cuts.size());
      break;
    default: ResolveTime(r, ws.engine().timezone, DateFormatOf(ws.source(), field.column));
  }
  return r;
}

}  // namespace duckpart::plan

#include "plan/transform.h"

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "plan/column_types.h"
#include "plan/date_formats.h"
#include "plan/quantile.h"
#include "plan/value_transform.h"

namespace duckpart::plan {
namespace {

void ResolveRange(Workspace& ws, ResolvedField& r) {
  if (!IsOrderable(ClassifyType(r.column_type))) {
    NotFit(r.field, r.column_type, "range needs an orderable type (number, string, date, time)");
  }
  if (r.field.bounds.size() > kMaxRangeBounds) {
    throw InputError("range(" + r.field.column + ", [...]) has " +
                     std::to_string(r.field.bounds.size()) + " bounds; at most " +
                     std::to_string(kMaxRangeBounds) + " (use quantile() for many ranges)");
  }
  for (const auto& b : r.field.bounds) {
    // Numbers and strings alike are cast from their text, so '2024-01-01' fits a DATE.
    r.cuts.push_back(
        {false, "CAST(" + db::QuoteLiteral(b.text) + " AS " + r.column_type + ")", b.text});
  }
  CheckCutsIncrease(ws, r);
  r.key_sql = RangeKeySql(db::QuoteIdent(r.field.column), r.cuts, r.column_type);
  r.label_sql = IndexLabelSql(r.cuts.size());
}

}  // namespace

std::string RangeText(const std::vector<Cut>& cuts, int64_t index) {
  const auto i = static_cast<size_t>(index);
  std::string lo = i == 0 ? "(-inf" : (cuts[i - 1].inclusive ? "(" : "[") + cuts[i - 1].text;
  std::string hi = i == cuts.size() ? "+inf)" : cuts[i].text + (cuts[i].inclusive ? "]" : ")");
  return lo + ", " + hi;
}

bool IsTimeTransform(Transform t) {
  return t == Transform::kYear || t == Transform::kMonth || t == Transform::kDay ||
         t == Transform::kHour;
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
  switch (field.transform) {
    case Transform::kRange:
      ResolveRange(ws, r);
      break;
    case Transform::kQuantile:
      if (!IsOrderable(tc)) NotFit(field, col->type, "quantile needs an orderable type");
      if (field.param > kMaxQuantiles) {
        throw InputError("quantile(" + std::to_string(field.param) + ", " + field.column +
                         ") asks for too many partitions: at most " +
                         std::to_string(kMaxQuantiles));
      }
      ComputeQuantileCuts(ws, r, nonnull_rows, options);
      r.key_sql = RangeKeySql(db::QuoteIdent(field.column), r.cuts, r.column_type);
      r.label_sql = IndexLabelSql(r.cuts.size());
      break;
    default:
      ResolveValueTransform(r, ws.engine().timezone, options.transform_version,
                            DateFormatOf(ws.source(), field.column));
  }
  return r;
}

}  // namespace duckpart::plan

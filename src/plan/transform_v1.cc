#include "plan/transform_v1.h"

#include "db/sql.h"
#include "plan/column_types.h"
#include "plan/value_transform.h"

namespace duckpart::plan::v1 {

void ResolveBucket(ResolvedField& r) {
  const std::string c = db::QuoteIdent(r.field.column);
  if (ClassifyType(r.column_type) == TypeClass::kBlob) {
    NotFit(r.field, r.column_type, "bucket of binary data is not supported");
  }
  r.key_sql = "CASE WHEN " + c + " IS NULL THEN NULL ELSE CAST(hash(" + c + ") % " +
              std::to_string(r.field.param) + " AS BIGINT) END";
  r.label_sql = "CAST($k AS VARCHAR)";
}

void ResolveTruncate(ResolvedField& r) {
  const std::string c = db::QuoteIdent(r.field.column);
  const std::string w = std::to_string(r.field.param);
  switch (ClassifyType(r.column_type)) {
    case TypeClass::kInteger:
    case TypeClass::kDecimal: {
      const std::string m = "(" + c + " % " + w + ")";
      r.key_sql = "CAST(" + c + " - " + m + " - CASE WHEN " + m + " < 0 THEN " + w +
                  " ELSE 0 END AS " + r.column_type + ")";
      break;
    }
    case TypeClass::kFloat:
      r.key_sql = "CAST(floor(" + c + " / " + w + ") * " + w + " AS " + r.column_type + ")";
      break;
    case TypeClass::kString:
      r.key_sql = "left(CAST(" + c + " AS VARCHAR), " + w + ")";
      break;
    default:
      NotFit(r.field, r.column_type, "truncate needs a number or a VARCHAR");
  }
  r.label_sql = "CAST($k AS VARCHAR)";
}

std::string TimeLabelSql(Transform t) {
  const std::string finite = "CASE WHEN isfinite($k) THEN ";
  const std::string not_finite = " ELSE CAST($k AS VARCHAR) END";
  switch (t) {
    case Transform::kYear:
      return "CASE WHEN $k = 2147483647 THEN 'infinity' WHEN $k = -2147483648 THEN '-infinity' "
             "ELSE CAST($k AS VARCHAR) END";
    case Transform::kMonth:
      return finite + "strftime($k, '%Y-%m')" + not_finite;
    case Transform::kDay:
      return finite + "strftime($k, '%Y-%m-%d')" + not_finite;
    default:
      return finite + "strftime($k, '%Y-%m-%d-%H')" + not_finite;
  }
}

}  // namespace duckpart::plan::v1

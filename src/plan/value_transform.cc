#include "plan/value_transform.h"

#include "db/scalar_function.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "plan/column_types.h"
#include "plan/date_formats.h"
#include "plan/transform_v1.h"

namespace duckpart::plan {
namespace {

// Why Iceberg's bucket has no canonical bytes for a value of this DuckDB type, or "".
// Mirrors db::BucketRefusal, which checks the same at bind time by DuckDB's type id.
std::string BucketTypeRefusal(const std::string& type) {
  switch (ClassifyType(type)) {
    case TypeClass::kInteger:
      if (type == "UBIGINT" || type == "HUGEINT" || type == "UHUGEINT") {
        return "Iceberg's bucket hashes integers as 64-bit longs, and " + type +
               " holds values beyond BIGINT; CAST it to BIGINT or VARCHAR in a --query";
      }
      return "";
    case TypeClass::kDecimal:
    case TypeClass::kString:
    case TypeClass::kDate:
    case TypeClass::kTimestamp:
    case TypeClass::kTimestampTz:
      return "";
    case TypeClass::kTime:
      if (type == "TIME") return "";
      return type == "TIME WITH TIME ZONE" ? "Iceberg has no time of day with a time zone to hash"
                                           : "DuckDB 1.4's C API cannot pass " + type +
                                                 " to duckpart_bucket; CAST it to TIME";
    case TypeClass::kBlob:
      return type == "BLOB" ? "" : "Iceberg has no bit strings to hash";
    case TypeClass::kFloat:
    case TypeClass::kBoolean:
      return "Iceberg does not bucket floating-point or boolean values; use range() or quantile()";
    default:
      if (type == "UUID") return "";
      return "Iceberg's bucket has no canonical form for this type (it takes integers, decimals, "
             "strings, binary, UUIDs, dates, times and timestamps)";
  }
}

// -0.0 and 0.0 are one value to DuckDB (equal, one group) but print apart ("-0.0"): a key
// of a float adds +0, which turns -0.0 into 0.0 and keeps every other value, so both fall
// into the partition 0.0 and every row's key prints as its partition's path says.
std::string PlusZero(const std::string& type) { return " + CAST(0 AS " + type + ")"; }

void ResolveBucket(ResolvedField& r) {
  const std::string why = BucketTypeRefusal(r.column_type);
  if (!why.empty()) NotFit(r.field, r.column_type, why);
  if (r.field.param > kMaxBuckets) {
    throw InputError("bucket(" + std::to_string(r.field.param) + ", " + r.field.column +
                     ") has too many buckets: Iceberg's bucket count is at most " +
                     std::to_string(kMaxBuckets));
  }
  r.key_sql = "CAST(" + std::string(db::kBucketFunction) + "(" + std::to_string(r.field.param) +
              ", " + db::QuoteIdent(r.field.column) + ") AS BIGINT)";
  r.label_sql = "CAST($k AS VARCHAR)";
}

// W units of the last digit of a DECIMAL with `scale` digits after the point, as a literal:
// 50 at scale 2 is 0.50.
std::string UnscaledLiteral(int64_t w, int scale) {
  std::string digits = std::to_string(w);
  if (scale == 0) return digits;
  if (static_cast<int>(digits.size()) <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  digits.insert(digits.size() - scale, ".");
  return digits;
}

// v - (((v % w) + w) % w), written as v - m - (w if m < 0) so no intermediate exceeds v or w.
std::string FloorToMultipleSql(const std::string& v, const std::string& w) {
  const std::string m = "(" + v + " % " + w + ")";
  return v + " - " + m + " - CASE WHEN " + m + " < 0 THEN " + w + " ELSE 0 END";
}

void ResolveTruncate(ResolvedField& r) {
  const std::string c = db::QuoteIdent(r.field.column);
  const std::string w = std::to_string(r.field.param);
  switch (ClassifyType(r.column_type)) {
    case TypeClass::kInteger:
      if (r.column_type.starts_with("U")) {  // never negative: v - v % W cannot overflow
        r.key_sql = "CAST(" + c + " - " + c + " % " + w + " AS " + r.column_type + ")";
      } else {  // in HUGEINT: truncate(100) of TINYINT -128 is -200
        r.key_sql = "(" + FloorToMultipleSql("CAST(" + c + " AS HUGEINT)", w) + ")";
      }
      break;
    case TypeClass::kDecimal: {
      const int scale = DecimalScale(r.column_type);
      const std::string wide = "DECIMAL(38," + std::to_string(scale) + ")";
      r.key_sql = "CAST(" +
                  FloorToMultipleSql("CAST(" + c + " AS " + wide + ")",
                                     UnscaledLiteral(r.field.param, scale)) +
                  " AS " + wide + ")";
      break;
    }
    case TypeClass::kFloat:
      r.key_sql = "CAST(floor(" + c + " / " + w + ") * " + w + " AS " + r.column_type + ")" +
                  PlusZero(r.column_type);
      break;
    case TypeClass::kString:  // left() counts code points, as Iceberg's truncate of a string
      r.key_sql = "left(CAST(" + c + " AS VARCHAR), " + w + ")";
      break;
    default:
      NotFit(r.field, r.column_type, "truncate needs a number or a VARCHAR");
  }
  r.label_sql = "CAST($k AS VARCHAR)";
}

// Iceberg's human strings: years as %04d (0005, -001, 10000), then -MM, -DD, -HH. strftime
// pads years from 0 on as Iceberg does and is the cheaper; printf only for years before 0.
std::string TimeLabelSql(Transform t) {
  const std::string finite = "CASE WHEN isfinite($k) THEN CASE WHEN $k >= DATE '0000-01-01' THEN ";
  const std::string not_finite = " END ELSE CAST($k AS VARCHAR) END";
  switch (t) {
    case Transform::kYear:
      return "CASE WHEN $k = 2147483647 THEN 'infinity' WHEN $k = -2147483648 THEN '-infinity' "
             "WHEN $k >= 1000 THEN CAST($k AS VARCHAR) ELSE printf('%04d', $k) END";
    case Transform::kMonth:
      return finite + "strftime($k, '%Y-%m') ELSE printf('%04d-%02d', year($k), month($k))" +
             not_finite;
    case Transform::kDay:
      return finite +
             "strftime($k, '%Y-%m-%d') ELSE printf('%04d-%02d-%02d', year($k), month($k), "
             "day($k))" +
             not_finite;
    default:
      return finite +
             "strftime($k, '%Y-%m-%d-%H') ELSE printf('%04d-%02d-%02d-%02d', year($k), "
             "month($k), " +
             "day($k), hour($k))" + not_finite;
  }
}

void ResolveTime(ResolvedField& r, const std::string& zone, int version,
                 const std::optional<std::string>& date_format) {
  const std::string t = TimeValueSql(r.field, r.column_type, zone, date_format);
  switch (r.field.transform) {
    case Transform::kYear:
      // year() of an infinite date is NULL: keep infinities out of the NULL partition as
      // the INTEGER extremes, labelled back as infinity.
      r.key_sql = "CASE WHEN isfinite(" + t + ") THEN year(" + t + ") WHEN " + t +
                  " > '2000-01-01' THEN 2147483647 WHEN " + t +
                  " < '2000-01-01' THEN -2147483648 END";
      break;
    case Transform::kMonth:
      r.key_sql = "CAST(date_trunc('month', " + t + ") AS DATE)";
      break;
    case Transform::kDay:
      r.key_sql = "CAST(" + t + " AS DATE)";
      break;
    default:
      r.key_sql = "date_trunc('hour', " + t + ")";
  }
  r.label_sql =
      version == 1 ? v1::TimeLabelSql(r.field.transform) : TimeLabelSql(r.field.transform);
}

}  // namespace

void NotFit(const Field& f, const std::string& type, const std::string& why) {
  throw InputError(std::string(TransformName(f.transform)) + "(" + f.column + ") does not fit " +
                   "column '" + f.column + "' of type " + type + ": " + why);
}

std::string TimeValueSql(const Field& f, const std::string& type, const std::string& zone,
                         const std::optional<std::string>& date_format) {
  const std::string c = db::QuoteIdent(f.column);
  switch (ClassifyType(type)) {
    case TypeClass::kDate:
      if (f.transform == Transform::kHour) NotFit(f, type, "a DATE has no hours");
      return c;
    case TypeClass::kTimestamp:
      return "CAST(" + c + " AS TIMESTAMP)";
    case TypeClass::kTimestampTz:
      return "timezone(" + db::QuoteLiteral(zone) + ", " + c + ")";
    case TypeClass::kString:
      return ParseTimeSql(c, date_format);
    default:
      NotFit(f, type, "time transforms need a DATE, TIMESTAMP or VARCHAR of dates");
  }
}

bool IsValueTransform(Transform t) { return t != Transform::kRange && t != Transform::kQuantile; }

void ResolveValueTransform(ResolvedField& r, const std::string& zone, int version,
                           const std::optional<std::string>& date_format) {
  const TypeClass tc = ClassifyType(r.column_type);
  switch (r.field.transform) {
    case Transform::kIdentity:
      if (tc == TypeClass::kBlob || tc == TypeClass::kNested) {
        NotFit(r.field, r.column_type, "its values cannot name a folder; use bucket() instead");
      }
      r.key_sql = db::QuoteIdent(r.field.column);
      if (tc == TypeClass::kFloat) r.key_sql = "(" + r.key_sql + PlusZero(r.column_type) + ")";
      r.label_sql = "CAST($k AS VARCHAR)";
      break;
    case Transform::kBucket:
      version == 1 ? v1::ResolveBucket(r) : ResolveBucket(r);
      break;
    case Transform::kTruncate:
      version == 1 ? v1::ResolveTruncate(r) : ResolveTruncate(r);
      break;
    case Transform::kRange:
    case Transform::kQuantile:
      throw InputError("range and quantile fields depend on the data");
    default:
      ResolveTime(r, zone, version, date_format);
  }
}

}  // namespace duckpart::plan

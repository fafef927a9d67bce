// The key and label SQL of the transforms that are a function of one value: identity,
// year/month/day/hour, bucket and truncate. Pure: no data is read, so the same SQL can be
// recomputed from a manifest (to tell whether a dataset's field is Iceberg's).
//
//   ResolvedField r{.field = ParseSpec("bucket(16, id)").fields[0], .column_type = "BIGINT"};
//   ResolveValueTransform(r, "UTC", kTransformVersion);
//   r.key_sql   == "CAST(duckpart_bucket(16, \"id\") AS BIGINT)"
//
// Version 2 (kTransformVersion) computes what Apache Iceberg's transforms compute:
//   bucket(N, c)   Iceberg's Murmur3 bucket (db/scalar_function.h), N <= 2147483647
//   truncate(W, c) integers: v - (((v % W) + W) % W), in HUGEINT so that no value overflows;
//                  decimals: the same on the unscaled value (truncate(50) of 10.65 is 10.50);
//                  strings: the first W code points (not bytes); FLOAT/DOUBLE: floor to a
//                  multiple of W (duckpart's own: Iceberg does not truncate floats)
//   year..hour     labels 2024, 2024-01, 2024-01-31, 2024-01-31-13 (years 4-digit padded,
//                  as Iceberg's human strings); infinities are labelled infinity/-infinity
// Version 1 keeps the SQL of datasets written before (plan/transform_v1.h).
#pragma once

#include <optional>
#include <string>

#include "duckpart/plan.h"

namespace duckpart::plan {

// Sets r.key_sql and r.label_sql from r.field and r.column_type. `zone` is the time zone
// of TIMESTAMPTZ columns for time transforms. Throws InputError (naming the field, the
// column and its type) when the transform does not fit the type, and for bucket counts
// beyond Iceberg's 32-bit limit.
// `date_format` (--date-format) parses a VARCHAR column for time transforms.
void ResolveValueTransform(ResolvedField& r, const std::string& zone, int version,
                           const std::optional<std::string>& date_format = std::nullopt);

// True for the transforms ResolveValueTransform handles.
bool IsValueTransform(Transform t);

// Throws the InputError "<transform>(<column>) does not fit column '<column>' of type T: why".
[[noreturn]] void NotFit(const Field& f, const std::string& type, const std::string& why);

// The column (already quoted SQL) as a TIMESTAMP or DATE in `zone`, for time transforms.
std::string TimeValueSql(const Field& f, const std::string& type, const std::string& zone,
                         const std::optional<std::string>& date_format = std::nullopt);

// The largest bucket count: Iceberg's bucket count is a 32-bit int.
inline constexpr int64_t kMaxBuckets = 2147483647;

}  // namespace duckpart::plan

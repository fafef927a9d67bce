// The key SQL of range and quantile fields: the index of the first cut a value falls
// below, as one SQL expression of the row that scales to many cuts.
//
//   RangeKeySql("\"id\"", cuts);  // CASE WHEN "id" IS NULL THEN NULL WHEN "id" < ... END
//
// Up to kLinearCuts cuts it is a CASE with one WHEN per cut. Above, a CASE with one WHEN
// per block of about sqrt(cuts) cuts, each block's cuts one list constant counted with
// list_filter: about 2*sqrt(cuts) comparisons a row and an expression of about sqrt(cuts)
// nodes (a CASE of 100,000 WHENs takes DuckDB 10 s to bind and is evaluated cut by cut).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "duckpart/plan.h"

namespace duckpart::plan {

inline constexpr size_t kLinearCuts = 64;

// Upper bounds on what a spec may ask (each a clear InputError): quantile(N, c) plans N
// partitions in one sort of the column and about 2*sqrt(N) comparisons a row; range bounds
// are typed by hand.
inline constexpr int64_t kMaxQuantiles = 100'000;
inline constexpr size_t kMaxRangeBounds = 10'000;

// `column_sql` is the value (a quoted column); `cuts` ascend (a value falls below a cut
// when `value < cut`, or `value <= cut` for an inclusive one); `type` is the column's
// DuckDB type, the type of every cut. NULL gives NULL; a value not below any cut gives
// cuts.size().
std::string RangeKeySql(const std::string& column_sql, const std::vector<Cut>& cuts,
                        const std::string& type);

// The texts as one constant list of `type` (CAST through JSON, so any text survives):
// one node of SQL however many values.
std::string CutListSql(const std::vector<std::string>& texts, const std::string& type);

}  // namespace duckpart::plan

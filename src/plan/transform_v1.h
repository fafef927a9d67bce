// Transform version 1: the key and label SQL of datasets written before duckpart computed
// Iceberg's transforms (see kTransformVersion). Kept so that such datasets are still read,
// validated and extended with their own keys; never used for a new dataset.
#pragma once

#include <string>

#include "duckpart/plan.h"

namespace duckpart::plan::v1 {

// bucket(N, c): CAST(hash(c) % N AS BIGINT), NULL for NULL.
void ResolveBucket(ResolvedField& r);
// truncate(W, c): integers and decimals floored to a multiple of W in the column's units,
// FLOAT/DOUBLE floored, strings to W characters.
void ResolveTruncate(ResolvedField& r);
// The label of a time key: years unpadded, months, days and hours through strftime.
std::string TimeLabelSql(Transform t);

}  // namespace duckpart::plan::v1

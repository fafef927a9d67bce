// Which partitions a retention window drops, from the partition values in a manifest
// (never from rows): the window grammar is in duckpart/retain.h.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "duckpart/manifest.h"
#include "duckpart/retain.h"

namespace duckpart::ops {

// Indexes into m.partitions of the partitions the window drops, in order. `conn` parses
// the window's values (DuckDB casts) and gives "now" for --keep. Throws InputError for a
// malformed window, one naming no usable field, or a --where that would split a partition.
std::vector<size_t> PartitionsToDrop(db::Connection& conn, const Manifest& m,
                                     const RetainWindow& window);

// The pieces both windows share.
// A partition's range on a time field, as microseconds since 1970 (wall time): [lo, hi);
// a point value (identity of a DATE or TIMESTAMP) has hi = lo + 1.
struct Span {
  int64_t lo = 0, hi = 0;
};
// True for identity of a DATE or TIMESTAMP column.
bool IsTimeIdentity(const ResolvedField& f);
// True for year/month/day/hour fields and time identities.
bool IsTimeField(const ResolvedField& f);
// The range of a partition value of a time field; nullopt for NULL or a value without one
// (infinity).
std::optional<Span> SpanOf(db::Connection& conn, const ResolvedField& f,
                           const std::optional<std::string>& label);
// Microseconds of a value as DuckDB casts it to TIMESTAMP, or nullopt when it does not.
std::optional<int64_t> ParseTime(db::Connection& conn, const std::string& text);
// The partitions `--where "field OP value"` drops (see duckpart/retain.h).
// On a range, quantile or truncate field (ranges of values, retain_where_ranges.cc): the
// partitions whose whole range satisfies "column OP value"; throws InputError when one
// holds values on both sides or the value is not of the column's type.
std::vector<size_t> RangeDrops(db::Connection& conn, const Manifest& m, size_t field,
                               const std::string& op, const std::string& value);
std::vector<size_t> WhereDrops(db::Connection& conn, const Manifest& m, const std::string& where);

}  // namespace duckpart::ops

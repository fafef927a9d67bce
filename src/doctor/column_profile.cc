#include "doctor/column_profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "db/database.h"
#include "db/sql.h"
#include "plan/workspace_access.h"
#include "util/format.h"

namespace duckpart::doctor {
namespace {

using plan::TypeClass;

constexpr int64_t kMinRowsPerPartition = 10'000;
constexpr int64_t kIdentityMaxValues = 64;

bool IsTime(TypeClass c) {
  return c == TypeClass::kDate || c == TypeClass::kTimestamp || c == TypeClass::kTimestampTz;
}

// Aggregates of one column: non-NULL count, min, max, approximate distinct, castable dates.
std::string ColumnAggregates(const ColumnInfo& c, TypeClass tc) {
  const std::string q = db::QuoteIdent(c.name);
  const bool comparable =
      tc != TypeClass::kNested && tc != TypeClass::kBlob && tc != TypeClass::kOther;
  std::string sql = "count(" + q + ")";
  sql += comparable ? ", CAST(min(" + q + ") AS VARCHAR), CAST(max(" + q + ") AS VARCHAR)"
                    : ", NULL, NULL";
  sql += tc == TypeClass::kNested ? ", NULL" : ", approx_count_distinct(" + q + ")";
  sql += tc == TypeClass::kString ? ", count(TRY_CAST(" + q + " AS TIMESTAMP))" : ", -1";
  // The span in hours of the finite time values, for choosing a time transform.
  const std::string t = tc == TypeClass::kString ? "TRY_CAST(" + q + " AS TIMESTAMP)"
                                                 : "CAST(" + q + " AS TIMESTAMP)";
  if (IsTime(tc) || tc == TypeClass::kString) {
    sql += ", date_diff('hour', min(" + t + ") FILTER (WHERE isfinite(" + t + ")), max(" + t +
           ") FILTER (WHERE isfinite(" + t + ")))";
  } else {
    sql += ", NULL";
  }
  return sql;
}

void ReadNullability(Workspace& ws, std::vector<ColumnProfile>& profiles) {
  if (ws.source().table.empty()) return;
  db::Result r = WorkspaceConnection(ws).Query(
      "SELECT column_name, is_nullable FROM duckdb_columns() WHERE database_name = 'src' AND "
      "schema_name = 'main' "
      "AND table_name = " +
      db::QuoteLiteral(ws.source().table));
  for (uint64_t i = 0; i < r.RowCount(); ++i) {
    for (auto& p : profiles) {
      if (p.name == r.GetString(i, 0)) p.nullable = r.GetBool(i, 1) ? "yes" : "no";
    }
  }
}

constexpr int kAggregates = 6;  // per column, in ColumnAggregates

// Partitions a time transform gives over the column's span.
int64_t TimePartitions(const ColumnProfile& c, const std::string& unit) {
  const double hours = static_cast<double>(c.span_hours);
  if (unit == "year") return static_cast<int64_t>(hours / 8766.0) + 1;
  if (unit == "month") return static_cast<int64_t>(hours / 730.5) + 1;
  if (unit == "day") return static_cast<int64_t>(hours / 24.0) + 1;
  return c.span_hours + 1;
}

Field SuggestTime(const ColumnProfile& c, int64_t max_partitions) {
  const bool has_hours = c.type_class != TypeClass::kDate;
  const std::pair<const char*, Transform> units[] = {{"hour", Transform::kHour},
                                                     {"day", Transform::kDay},
                                                     {"month", Transform::kMonth},
                                                     {"year", Transform::kYear}};
  for (const auto& [unit, transform] : units) {
    if (transform == Transform::kHour && !has_hours) continue;
    const int64_t n = TimePartitions(c, unit);
    if (n <= max_partitions && c.rows / n >= kMinRowsPerPartition)
      return {.transform = transform, .column = c.name};
  }
  return {.transform = Transform::kYear, .column = c.name};
}

// The column the suggestion rests on: the one with the most distinct values among those
// `pick` accepts, or nullptr.
template <typename Pick>
const ColumnProfile* MostDistinct(const std::vector<ColumnProfile>& columns, Pick pick) {
  const ColumnProfile* best = nullptr;
  for (const auto& c : columns) {
    if (pick(c) && (best == nullptr || c.distinct > best->distinct)) best = &c;
  }
  return best;
}

}  // namespace

bool ColumnProfile::LooksLikeDates() const {
  const int64_t values = rows - nulls;
  return castable_to_timestamp > 0 && castable_to_timestamp * 2 >= values;
}

int64_t ColumnProfile::BadDates() const {
  return LooksLikeDates() ? rows - nulls - castable_to_timestamp : 0;
}

std::vector<ColumnProfile> ProfileColumns(Workspace& ws, const std::vector<ColumnInfo>& columns) {
  std::vector<ColumnProfile> profiles;
  std::string sql = "SELECT count(*)";
  for (const auto& c : columns) {
    profiles.push_back({.name = c.name, .type = c.type, .type_class = plan::ClassifyType(c.type)});
    sql += ", " + ColumnAggregates(c, profiles.back().type_class);
  }
  db::Result r = WorkspaceConnection(ws).Query(sql + " FROM " + ws.relation() + " AS s");
  const int64_t rows = r.GetInt64(0, 0);
  for (size_t i = 0; i < profiles.size(); ++i) {
    auto& p = profiles[i];
    const auto col = static_cast<uint64_t>(1 + kAggregates * i);
    p.rows = rows;
    p.nulls = rows - r.GetInt64(0, col);
    p.min = r.GetOptionalString(0, col + 1).value_or("");
    p.max = r.GetOptionalString(0, col + 2).value_or("");
    p.distinct = r.IsNull(0, col + 3) ? 0 : std::min(r.GetInt64(0, col + 3), rows - p.nulls);
    p.castable_to_timestamp = r.GetInt64(0, col + 4);
    p.span_hours = r.IsNull(0, col + 5) ? -1 : r.GetInt64(0, col + 5);
  }
  ReadNullability(ws, profiles);
  return profiles;
}

std::vector<std::string> FittingTransforms(const ColumnProfile& c) {
  const TypeClass tc = c.type_class;
  std::vector<std::string> fits;
  if (IsTime(tc) || c.LooksLikeDates()) fits.insert(fits.end(), {"year", "month", "day"});
  if (tc == TypeClass::kTimestamp || tc == TypeClass::kTimestampTz || c.LooksLikeDates())
    fits.push_back("hour");
  if (tc != TypeClass::kBlob && tc != TypeClass::kNested && tc != TypeClass::kOther)
    fits.push_back("identity");
  if (tc != TypeClass::kBlob && tc != TypeClass::kOther) fits.push_back("bucket");
  if (tc == TypeClass::kInteger || tc == TypeClass::kDecimal || tc == TypeClass::kFloat ||
      tc == TypeClass::kString) {
    fits.push_back("truncate");
  }
  if (plan::IsOrderable(tc)) fits.insert(fits.end(), {"range", "quantile"});
  return fits;
}

DoctorCheck ColumnCheck(const ColumnProfile& c, int64_t max_partitions) {
  const auto fits = FittingTransforms(c);
  DoctorCheck check{
      "source", "column " + c.name, CheckStatus::kPass,
      fmt::format("{}, nullable {}, {} NULLs of {} rows, min {}, max {}, ~{} distinct; fits: {}",
                  c.type, c.nullable, util::FormatCount(c.nulls), util::FormatCount(c.rows),
                  c.min.empty() ? "-" : c.min, c.max.empty() ? "-" : c.max,
                  util::FormatCount(c.distinct),
                  fits.empty() ? "none" : fmt::format("{}", fmt::join(fits, ", "))),
      "nothing to do"};
  const bool identity = std::find(fits.begin(), fits.end(), "identity") != fits.end();
  if (c.BadDates() > 0) {
    check.status = CheckStatus::kWarn;
    check.advice = fmt::format(
        "a VARCHAR of dates: {} values do not cast to TIMESTAMP, so year/month/day/hour({}) is "
        "refused; fix them, or "
        "partition a --query that uses TRY_CAST (they then go to the NULL partition)",
        util::FormatCount(c.BadDates()), c.name);
  } else if (c.rows > 0 && c.nulls == c.rows) {
    check.status = CheckStatus::kWarn;
    check.advice = "every value is NULL: any spec on it puts all rows in one partition";
  } else if (c.LooksLikeDates()) {
    check.advice = "a VARCHAR of dates: time transforms cast it (every value casts to TIMESTAMP)";
  } else if (identity && c.distinct > max_partitions && !IsTime(c.type_class)) {
    check.advice = fmt::format(
        "identity({}) would make ~{} partitions (over max_partitions {}): use bucket(N, {})",
        c.name, util::FormatCount(c.distinct), util::FormatCount(max_partitions), c.name);
  }
  return check;
}

Spec SuggestSpec(const std::vector<ColumnProfile>& columns, int64_t max_partitions) {
  const ColumnProfile* time = MostDistinct(columns, [](const ColumnProfile& c) {
    return (IsTime(c.type_class) || (c.LooksLikeDates() && c.BadDates() == 0)) && c.span_hours >= 0;
  });
  if (time != nullptr) return {{SuggestTime(*time, max_partitions)}};
  const ColumnProfile* few = MostDistinct(columns, [](const ColumnProfile& c) {
    return c.distinct >= 2 && c.distinct <= kIdentityMaxValues &&
           (c.type_class == TypeClass::kString || c.type_class == TypeClass::kInteger ||
            c.type_class == TypeClass::kBoolean);
  });
  if (few != nullptr) return {{Field{.transform = Transform::kIdentity, .column = few->name}}};
  const ColumnProfile* many = MostDistinct(columns, [](const ColumnProfile& c) {
    return c.distinct >= 2 &&
           (c.type_class == TypeClass::kString || c.type_class == TypeClass::kInteger);
  });
  if (many == nullptr) return {};
  int64_t buckets = 2;
  while (buckets < 64 && many->rows / (buckets * 2) >= kMinRowsPerPartition * 10) buckets *= 2;
  return {{Field{.transform = Transform::kBucket, .column = many->name, .param = buckets}}};
}

}  // namespace duckpart::doctor

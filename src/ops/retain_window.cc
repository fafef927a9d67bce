#include "ops/retain_window.h"

#include <optional>
#include <regex>
#include <string>

#include "db/sql.h"
#include "duckpart/error.h"
#include "plan/column_types.h"
#include "plan/transform.h"

namespace duckpart::ops {
namespace {

constexpr int64_t kMicrosPerHour = 3'600'000'000LL;

int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t Micros(int64_t y, int64_t m, int64_t d, int64_t h) {
  return (DaysFromCivil(y, m, d) * 24 + h) * kMicrosPerHour;
}

// "2024", "2024-03", "2024-03-15", "2024-03-15-10" (years may be signed or longer).
std::optional<std::vector<int64_t>> LabelParts(const std::string& label) {
  static const std::regex kLabel(R"((-?\d{1,6})(?:-(\d{2})(?:-(\d{2})(?:-(\d{2}))?)?)?)");
  std::smatch m;
  if (!std::regex_match(label, m, kLabel)) return std::nullopt;
  std::vector<int64_t> parts;
  for (size_t i = 1; i < m.size() && m[i].matched; ++i) parts.push_back(std::stoll(m[i].str()));
  return parts;
}

}  // namespace

bool IsTimeIdentity(const ResolvedField& f) {
  const plan::TypeClass c = plan::ClassifyType(f.column_type);
  return f.field.transform == Transform::kIdentity &&
         (c == plan::TypeClass::kDate || c == plan::TypeClass::kTimestamp);
}

bool IsTimeField(const ResolvedField& f) {
  return plan::IsTimeTransform(f.field.transform) || IsTimeIdentity(f);
}

std::optional<int64_t> ParseTime(db::Connection& conn, const std::string& text) {
  db::Result r =
      conn.Query("SELECT epoch_us(TRY_CAST(" + db::QuoteLiteral(text) + " AS TIMESTAMP))");
  if (r.IsNull(0, 0)) return std::nullopt;
  return r.GetInt64(0, 0);
}

std::optional<Span> SpanOf(db::Connection& conn, const ResolvedField& f,
                           const std::optional<std::string>& label) {
  if (!label) return std::nullopt;
  if (IsTimeIdentity(f)) {
    const auto t = ParseTime(conn, *label);
    if (!t) return std::nullopt;
    return Span{*t, *t + 1};
  }
  const auto p = LabelParts(*label);
  if (!p) return std::nullopt;  // infinity and the like: never dropped
  const size_t n = p->size();
  const int64_t y = (*p)[0], mo = n > 1 ? (*p)[1] : 1, d = n > 2 ? (*p)[2] : 1,
                h = n > 3 ? (*p)[3] : 0;
  const int64_t lo = Micros(y, mo, d, h);
  switch (f.field.transform) {
    case Transform::kYear:
      return Span{lo, Micros(y + 1, 1, 1, 0)};
    case Transform::kMonth:
      return Span{lo, mo == 12 ? Micros(y + 1, 1, 1, 0) : Micros(y, mo + 1, 1, 0)};
    case Transform::kDay:
      return Span{lo, lo + 24 * kMicrosPerHour};
    default:
      return Span{lo, lo + kMicrosPerHour};
  }
}

namespace {

const ResolvedField& TimeField(const Manifest& m, const std::string& name, size_t* index) {
  for (size_t i = 0; i < m.fields.size(); ++i) {
    const auto& f = m.fields[i];
    const bool named = name.empty() || f.field.Name() == name || f.field.column == name;
    if (named && IsTimeField(f)) {
      *index = i;
      return f;
    }
  }
  if (!name.empty()) {
    throw InputError("--field " + name +
                     " is not a time field of the dataset (year, month, day or hour of a column, "
                     "or a DATE or TIMESTAMP value); spec: " +
                     ToString(m.spec));
  }
  throw InputError("the dataset has no time field (spec: " + ToString(m.spec) +
                   "); use --where \"field < value\" instead");
}

std::vector<size_t> OlderThan(db::Connection& conn, const Manifest& m, size_t field,
                              int64_t cutoff) {
  std::vector<size_t> out;
  for (size_t i = 0; i < m.partitions.size(); ++i) {
    const auto span = SpanOf(conn, m.fields[field], m.partitions[i].keys[field]);
    if (span && span->hi <= cutoff) out.push_back(i);
  }
  return out;
}

// The cutoff of --keep N[unit]: the start of the current unit, less N-1 units.
int64_t KeepCutoff(db::Connection& conn, const ResolvedField& f, const std::string& keep) {
  static const std::regex kKeep(R"((\d{1,18})([hdwmy]?))");
  std::smatch mt;
  if (!std::regex_match(keep, mt, kKeep)) {
    throw InputError("--keep '" + keep +
                     "' is not a count with an optional unit; e.g. --keep 12, 90d, 36h, 8w, 6m, "
                     "2y");
  }
  const int64_t n = std::stoll(mt[1].str());
  if (n < 1 || n > kMaxKeep) {
    throw InputError("--keep must keep between 1 and " + std::to_string(kMaxKeep) + " units, not " +
                     std::to_string(n));
  }
  std::string unit = mt[2].str();
  if (unit.empty()) {
    switch (f.field.transform) {
      case Transform::kYear:
        unit = "y";
        break;
      case Transform::kMonth:
        unit = "m";
        break;
      case Transform::kHour:
        unit = "h";
        break;
      default:
        unit = "d";
        break;
    }
  }
  const std::string name = unit == "h"   ? "hour"
                           : unit == "d" ? "day"
                           : unit == "w" ? "week"
                           : unit == "m" ? "month"
                                         : "year";
  const std::string step =
      unit == "w" ? std::to_string(7 * (n - 1)) + " DAY" : std::to_string(n - 1) + " " + name;
  db::Result r = conn.Query("SELECT epoch_us(date_trunc('" + name +
                            "', CAST(now() AS TIMESTAMP)) - INTERVAL " + step + ")");
  return r.GetInt64(0, 0);
}

}  // namespace

std::vector<size_t> PartitionsToDrop(db::Connection& conn, const Manifest& m,
                                     const RetainWindow& w) {
  const int given = !w.older_than.empty() + !w.keep.empty() + !w.where.empty();
  if (given != 1) throw InputError("give exactly one window: --older-than, --keep or --where");
  if (!w.where.empty()) {
    if (!w.field.empty()) throw InputError("--field applies to --older-than and --keep only");
    return WhereDrops(conn, m, w.where);
  }
  size_t index = 0;
  const ResolvedField& f = TimeField(m, w.field, &index);
  if (!w.keep.empty()) return OlderThan(conn, m, index, KeepCutoff(conn, f, w.keep));
  const auto cutoff = ParseTime(conn, w.older_than);
  if (!cutoff) {
    throw InputError("--older-than '" + w.older_than +
                     "' is not a date or timestamp; e.g. --older-than 2024-01-01");
  }
  return OlderThan(conn, m, index, *cutoff);
}

}  // namespace duckpart::ops

#include "granularity.h"

#include <fmt/format.h>

#include <stdexcept>

namespace bench {
namespace {

Granularity TimeGranularity(const std::string& id, const char* unit, const char* format) {
  Granularity g;
  g.id = id;
  g.table = "events";
  g.kind = Granularity::Kind::kTime;
  g.unit = unit;
  g.format = format;
  g.spec = fmt::format("{}(ts)", unit);
  g.field = fmt::format("ts_{}", unit);
  g.label = g.spec;
  return g;
}

// N of "<prefix>N", or 0 when id has another shape.
int64_t NumberSuffix(const std::string& id, const std::string& prefix) {
  if (id.rfind(prefix, 0) != 0 || id.size() == prefix.size()) return 0;
  try {
    return std::stoll(id.substr(prefix.size()));
  } catch (...) {
    return 0;
  }
}

Granularity ColumnGranularity(const std::string& id, Granularity::Kind kind,
                              const std::string& column, int64_t n) {
  Granularity g;
  g.id = id;
  g.table = "events";
  g.kind = kind;
  g.column = column;
  g.n = n;
  if (kind == Granularity::Kind::kHash) {
    g.spec = fmt::format("bucket({}, {})", n, column);
    g.field = column + "_bucket";
    g.label = g.spec;
  } else {
    g.spec = fmt::format("quantile({}, {})", n, column);
    g.field = column + "_quantile";
    g.label = g.spec + ", skewed";
  }
  return g;
}

}  // namespace

std::optional<Granularity> MakeGranularity(const std::string& id) {
  if (id == "month") return TimeGranularity(id, "month", "%Y-%m");
  if (id == "day") return TimeGranularity(id, "day", "%Y-%m-%d");
  if (id == "hour") return TimeGranularity(id, "hour", "%Y-%m-%d-%H");
  if (id == "wide_day") {
    Granularity g = TimeGranularity(id, "day", "%Y-%m-%d");
    g.table = "events_wide";
    g.label = "day(ts), 63-year range";
    return g;
  }
  using Kind = Granularity::Kind;
  if (int64_t n = NumberSuffix(id, "idbucket"); n > 0) {
    return ColumnGranularity(id, Kind::kHash, "id", n);
  }
  if (int64_t b = NumberSuffix(id, "bucket"); b > 0) {
    return ColumnGranularity(id, Kind::kHash, "user_id", b);
  }
  if (int64_t q = NumberSuffix(id, "quantile"); q >= 2) {
    return ColumnGranularity(id, Kind::kQuantile, "amount", q);
  }
  return std::nullopt;
}

Granularity MustGranularity(const std::string& id) {
  auto g = MakeGranularity(id);
  if (!g) throw std::invalid_argument("unknown granularity '" + id + "'");
  return *g;
}

}  // namespace bench

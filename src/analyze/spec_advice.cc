#include "analyze/spec_advice.h"

#include <algorithm>
#include <cmath>

namespace duckpart::analyze {
namespace {

bool IsIdentifierType(const std::string& type) {
  static const char* kTypes[] = {"BIGINT",   "INTEGER",  "HUGEINT", "UBIGINT",
                                 "UINTEGER", "SMALLINT", "VARCHAR", "UUID"};
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

bool InSpec(const Spec& spec, const std::string& column) {
  return std::any_of(spec.fields.begin(), spec.fields.end(),
                     [&](const Field& f) { return f.column == column; });
}

bool IdLike(const std::string& name) {
  return name == "id" || (name.size() > 3 && name.compare(name.size() - 3, 3, "_id") == 0);
}

// The power of two nearest below `x`, at least 1.
int64_t PowerOfTwoBelow(double x) {
  int64_t p = 1;
  while (static_cast<double>(p * 2) <= x && p < (int64_t{1} << 20)) p *= 2;
  return p;
}

Spec WithLast(const Spec& spec, Field field) {
  Spec out = spec;
  out.fields.back() = std::move(field);
  return out;
}

// Adds bucket(N, col) after the spec, or multiplies an existing bucket of that column.
std::optional<Spec> NestBucket(const Manifest& m, const SpecFigures& f) {
  const std::string col = BucketColumn(m);
  if (col.empty()) return std::nullopt;
  const double goal = f.target_rows > 0
                          ? std::min(static_cast<double>(f.target_rows), 2 * f.median_rows)
                          : 2 * f.median_rows;
  int64_t n = BucketCount(f.max_rows, std::max(goal, 1.0));
  while (n > 2 && f.partitions * n > f.max_partitions) n /= 2;
  Spec out = m.spec;
  out.fields.push_back(Field{.transform = Transform::kBucket, .column = col, .param = n});
  return out;
}

std::optional<Transform> FinerTime(Transform t) {
  switch (t) {
    case Transform::kYear:
      return Transform::kMonth;
    case Transform::kMonth:
      return Transform::kDay;
    case Transform::kDay:
      return Transform::kHour;
    default:
      return std::nullopt;
  }
}

std::optional<Transform> CoarserTime(Transform t) {
  switch (t) {
    case Transform::kHour:
      return Transform::kDay;
    case Transform::kDay:
      return Transform::kMonth;
    case Transform::kMonth:
      return Transform::kYear;
    default:
      return std::nullopt;
  }
}

int64_t TimeFactor(Transform finer) {
  return finer == Transform::kMonth ? 12 : finer == Transform::kDay ? 30 : 24;
}

// The partition count a coarser spec should aim at.
double WantedPartitions(const SpecFigures& f) {
  if (f.target_rows <= 0) return std::max(1.0, static_cast<double>(f.partitions) / 4.0);
  return std::max(1.0, std::min<double>(f.total_rows / static_cast<double>(f.target_rows),
                                        static_cast<double>(f.max_partitions)));
}

}  // namespace

bool HasRangeField(const Spec& spec) {
  return std::any_of(spec.fields.begin(), spec.fields.end(), [](const Field& f) {
    return f.transform == Transform::kRange || f.transform == Transform::kQuantile;
  });
}

std::string BucketColumn(const Manifest& m) {
  for (const auto& c : m.schema) {
    if (IdLike(c.name) && IsIdentifierType(c.type) && !InSpec(m.spec, c.name)) return c.name;
  }
  for (const auto& c : m.schema) {
    if (IsIdentifierType(c.type) && !InSpec(m.spec, c.name)) return c.name;
  }
  return "";
}

int64_t BucketCount(double rows, double goal) {
  int64_t n = 2;
  while (n < 1024 && rows / static_cast<double>(n) > goal) n *= 2;
  return n;
}

std::optional<Spec> FinerSpec(const Manifest& m, const SpecFigures& f) {
  if (m.spec.fields.empty() || HasRangeField(m.spec)) return std::nullopt;
  const Field& last = m.spec.fields.back();
  if (auto t = FinerTime(last.transform)) {
    if (f.partitions * TimeFactor(*t) <= f.max_partitions) {
      return WithLast(m.spec, Field{.transform = *t, .column = last.column});
    }
    const int64_t n = std::clamp<int64_t>(static_cast<int64_t>(WantedPartitions(f)), 2, 1000);
    return WithLast(m.spec,
                    Field{.transform = Transform::kQuantile, .column = last.column, .param = n});
  }
  return NestBucket(m, f);
}

namespace {

// The last field made coarser in place (bucket, truncate, identity), or nullopt.
std::optional<Field> CoarserKey(const Manifest& m, const SpecFigures& f, const Field& last) {
  const double ratio = std::max(2.0, static_cast<double>(f.partitions) / WantedPartitions(f));
  switch (last.transform) {
    case Transform::kBucket: {
      if (last.param <= 1) return std::nullopt;
      const int64_t n =
          std::min(last.param / 2, PowerOfTwoBelow(static_cast<double>(last.param) / ratio));
      return Field{.transform = Transform::kBucket, .column = last.column, .param = n};
    }
    case Transform::kTruncate: {
      // Strings keep a prefix of W characters (coarser = shorter); numbers round down to
      // multiples of W (coarser = wider).
      const bool text = !m.fields.empty() && m.fields.back().column_type == "VARCHAR";
      if (text ? last.param <= 1 : last.param > 1'000'000'000'000'000) return std::nullopt;
      const int64_t w = text ? last.param / 2 : last.param * 10;
      return Field{.transform = Transform::kTruncate, .column = last.column, .param = w};
    }
    case Transform::kIdentity: {
      const int64_t n =
          std::max<int64_t>(2, PowerOfTwoBelow(static_cast<double>(f.partitions) / ratio));
      if (n >= f.partitions) return std::nullopt;
      return Field{.transform = Transform::kBucket, .column = last.column, .param = n};
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<Spec> CoarserSpec(const Manifest& m, const SpecFigures& f) {
  if (m.spec.fields.empty() || HasRangeField(m.spec)) return std::nullopt;
  const Field& last = m.spec.fields.back();
  if (auto t = CoarserTime(last.transform)) {
    return WithLast(m.spec, Field{.transform = *t, .column = last.column});
  }
  if (last.transform == Transform::kYear) {
    if (m.spec.fields.size() < 2) return std::nullopt;
    Spec out = m.spec;
    out.fields.pop_back();
    return out;
  }
  if (auto field = CoarserKey(m, f, last)) return WithLast(m.spec, *field);
  return std::nullopt;
}

}  // namespace duckpart::analyze

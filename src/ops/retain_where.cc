// retain --where "field OP value": over partition values only, never rows.
#include <regex>
#include <string>

#include "db/sql.h"
#include "duckpart/error.h"
#include "ops/retain_window.h"
#include "plan/transform.h"

namespace duckpart::ops {
namespace {

struct Condition {
  std::string field, op, value;
};

Condition ParseWhere(const std::string& where) {
  static const std::regex kWhere(
      R"(\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|<>|!=|<|>|=)\s*(.*?)\s*)");
  std::smatch m;
  if (!std::regex_match(where, m, kWhere) || m[3].str().empty()) {
    throw InputError("--where '" + where +
                     "' is not \"field OP value\" (OP one of < <= > >= = <>); e.g. --where "
                     "\"ts < 2024-01-01\"");
  }
  Condition c{m[1].str(), m[2].str() == "!=" ? "<>" : m[2].str(), m[3].str()};
  if (c.field.front() == '"')
    c.field = std::regex_replace(c.field.substr(1, c.field.size() - 2), std::regex("\"\""), "\"");
  if (c.value.size() >= 2 && c.value.front() == '\'' && c.value.back() == '\'')
    c.value = std::regex_replace(c.value.substr(1, c.value.size() - 2), std::regex("''"), "'");
  return c;
}

size_t FieldIndex(const Manifest& m, const std::string& name) {
  for (size_t i = 0; i < m.fields.size(); ++i) {
    const auto& f = m.fields[i];
    if (f.field.Name() == name || f.field.column == name) return i;
  }
  throw InputError("--where names '" + name + "', which is not a partition field of the dataset (" +
                   ToString(m.spec) + "); retain drops whole partitions only");
}

// Whether every row of [lo, hi) satisfies `column OP v` (true), none does (false), or some do.
std::optional<bool> Decide(const Span& s, const std::string& op, int64_t v) {
  const bool point = s.lo == v && s.hi == v + 1, outside = v < s.lo || v >= s.hi;
  if (op == "<")
    return s.hi <= v ? std::optional(true) : s.lo >= v ? std::optional(false) : std::nullopt;
  if (op == "<=")
    return s.hi <= v + 1 ? std::optional(true) : s.lo > v ? std::optional(false) : std::nullopt;
  if (op == ">")
    return s.lo > v ? std::optional(true) : s.hi <= v + 1 ? std::optional(false) : std::nullopt;
  if (op == ">=")
    return s.lo >= v ? std::optional(true) : s.hi <= v ? std::optional(false) : std::nullopt;
  if (op == "=") return point ? std::optional(true) : outside ? std::optional(false) : std::nullopt;
  return outside ? std::optional(true) : point ? std::optional(false) : std::nullopt;
}

std::vector<size_t> TimeDrops(db::Connection& conn, const Manifest& m, size_t field,
                              const Condition& c) {
  const auto v = ParseTime(conn, c.value);
  if (!v) {
    throw InputError("--where value '" + c.value + "' is not a date or timestamp (field " +
                     m.fields[field].field.Name() + " is " + ToString(m.fields[field].field) + ")");
  }
  std::vector<size_t> out;
  for (size_t i = 0; i < m.partitions.size(); ++i) {
    const auto span = SpanOf(conn, m.fields[field], m.partitions[i].keys[field]);
    if (!span) continue;
    const auto all = Decide(*span, c.op, *v);
    if (!all) {
      throw InputError("--where \"" + c.field + " " + c.op + " " + c.value +
                       "\" would split partition " + m.partitions[i].path +
                       " (rows on both sides); give a value on a partition boundary");
    }
    if (*all) out.push_back(i);
  }
  return out;
}

// Partition values of `type` (the column's; INTEGER for a bucket number) compared as typed.
std::vector<size_t> IdentityDrops(db::Connection& conn, const Manifest& m, size_t field,
                                  const Condition& c, const std::string& type) {
  const std::string value = "CAST(" + db::QuoteLiteral(c.value) + " AS " + type + ")";
  if (conn.Query("SELECT TRY_" + value.substr(0) + " IS NULL").GetBool(0, 0)) {
    throw InputError("--where value '" + c.value + "' is not a " + type + " (the type of " +
                     m.fields[field].field.column + ")");
  }
  conn.Execute("CREATE OR REPLACE TEMP TABLE __dp_retain (idx BIGINT, label VARCHAR)");
  {
    db::Appender app(conn, "temp", "main", "__dp_retain");
    for (size_t i = 0; i < m.partitions.size(); ++i) {
      app.Append(static_cast<int64_t>(i));
      const auto& k = m.partitions[i].keys[field];
      if (k)
        app.Append(*k);
      else
        app.AppendNull();
      app.EndRow();
    }
    app.Flush();
  }
  db::Result r = conn.Query("SELECT idx FROM __dp_retain WHERE CAST(label AS " + type + ") " +
                            c.op + " " + value + " ORDER BY idx");
  std::vector<size_t> out;
  for (uint64_t i = 0; i < r.RowCount(); ++i) out.push_back(static_cast<size_t>(r.GetInt64(i, 0)));
  return out;
}

}  // namespace

std::vector<size_t> WhereDrops(db::Connection& conn, const Manifest& m, const std::string& where) {
  const Condition c = ParseWhere(where);
  const size_t field = FieldIndex(m, c.field);
  const Transform t = m.fields[field].field.transform;
  const ResolvedField& f = m.fields[field];
  if (t == Transform::kIdentity) return IdentityDrops(conn, m, field, c, f.column_type);
  if (plan::IsTimeTransform(t)) return TimeDrops(conn, m, field, c);
  if (t == Transform::kBucket) {
    if (c.field != f.field.Name()) {
      throw InputError("--where on " + ToString(f.field) + " compares bucket numbers: name the " +
                       "field, e.g. \"" + f.field.Name() + " < 4\" (a column value falls in " +
                       "every bucket)");
    }
    return IdentityDrops(conn, m, field, c, "INTEGER");
  }
  const bool text = f.column_type == "VARCHAR" || f.column_type == "BLOB";
  if (t == Transform::kTruncate && text) {
    throw InputError("--where on " + ToString(f.field) + " of a " + f.column_type +
                     " column is not supported (its prefixes do not order as ranges); "
                     "use a time, identity, range or quantile field");
  }
  return RangeDrops(conn, m, field, c.op, c.value);
}

}  // namespace duckpart::ops

#include "duckpart/spec_export.h"

#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/hive_path.h"
#include "plan/column_types.h"
#include "plan/transform.h"
#include "plan/value_transform.h"

namespace duckpart {
namespace {

using nlohmann::json;
using plan::ClassifyType;
using plan::TypeClass;

constexpr int64_t kMaxIcebergWidth = 2147483647;
constexpr int kFirstFieldId = 1000;  // as Iceberg's reference implementation assigns them

std::string IcebergTransform(const Field& f) {
  switch (f.transform) {
    case Transform::kBucket:
      return "bucket[" + std::to_string(f.param) + "]";
    case Transform::kTruncate:
      return "truncate[" + std::to_string(f.param) + "]";
    default:
      return TransformName(f.transform);  // identity, year, month, day, hour
  }
}

// The column's 1-based position in the schema.
int SourceId(const Manifest& m, const std::string& column) {
  for (size_t i = 0; i < m.schema.size(); ++i) {
    if (m.schema[i].name == column) return static_cast<int>(i) + 1;
  }
  throw InputError("malformed manifest: field column '" + column + "' is not in the schema");
}

void RequireIceberg(const Manifest& m, SpecFormat format) {
  for (const auto& f : m.fields) {
    const std::string why = IcebergRefusal(f, m.transform_version);
    if (why.empty()) continue;
    throw InputError(std::string(format == SpecFormat::kSpark ? "Spark" : "Iceberg") +
                     " has no equivalent of " + ToString(f.field) + ": " + why +
                     " (`--format duckdb` gives the exact DuckDB read)");
  }
}

json IcebergPartitionSpec(const Manifest& m) {
  json fields = json::array();
  for (size_t i = 0; i < m.fields.size(); ++i) {
    const Field& f = m.fields[i].field;
    fields.push_back({{"source-id", SourceId(m, f.column)},
                      {"field-id", kFirstFieldId + static_cast<int>(i)},
                      {"name", f.Name()},
                      {"transform", IcebergTransform(f)}});
  }
  return json{{"spec-id", 0}, {"fields", fields}};
}

json SourceColumns(const Manifest& m) {
  json out = json::array();
  for (const auto& f : m.fields) {
    bool seen = false;
    for (const auto& c : out) seen |= c["name"] == f.field.column;
    if (seen) continue;
    out.push_back({{"source-id", SourceId(m, f.field.column)},
                   {"name", f.field.column},
                   {"duckdb_type", f.column_type},
                   {"iceberg_type", IcebergTypeOf(f.column_type)}});
  }
  return out;
}

// A Spark SQL identifier: bare when it is a plain word, else in backticks.
std::string SparkIdent(const std::string& name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (plain) return name;
  std::string out = "`";
  for (char c : name) out += c == '`' ? std::string("``") : std::string(1, c);
  return out + "`";
}

std::string SparkTransform(const Field& f) {
  const std::string c = SparkIdent(f.column);
  switch (f.transform) {
    case Transform::kIdentity:
      return c;
    case Transform::kYear:
      return "years(" + c + ")";
    case Transform::kMonth:
      return "months(" + c + ")";
    case Transform::kDay:
      return "days(" + c + ")";
    case Transform::kHour:
      return "hours(" + c + ")";
    case Transform::kBucket:
      return "bucket(" + std::to_string(f.param) + ", " + c + ")";
    default:
      return "truncate(" + std::to_string(f.param) + ", " + c + ")";
  }
}

std::string SparkPartitionedBy(const Manifest& m) {
  std::string list;
  for (const auto& f : m.fields) list += (list.empty() ? "" : ", ") + SparkTransform(f.field);
  return "PARTITIONED BY (" + list + ")";
}

bool FieldNamedLikeColumn(const Manifest& m) {
  for (const auto& f : m.fields) {
    for (const auto& c : m.schema) {
      if (c.name == f.field.Name()) return true;
    }
  }
  return false;
}

// Every path value is read as the text duckpart wrote (no guessed types: '007' stays '007').
// DuckDB 1.4 reads the NULL folder as the string __HIVE_DEFAULT_PARTITION__: mapped back to
// NULL (a string value of that text, escaped on disk, reads back the same: see hive_path.h).
std::string DuckDbRead(const Manifest& m, const std::string& dataset_dir) {
  const std::string glob =
      (std::filesystem::absolute(dataset_dir).lexically_normal() / "**" / "*.parquet").string();
  const std::string files = db::QuoteLiteral(glob);
  if (FieldNamedLikeColumn(m)) {
    // A path field named like a file column would replace the file's values with the path's.
    return "SELECT * FROM read_parquet(" + files +
           ", hive_partitioning = false, union_by_name = true)";
  }
  std::string types, nulls;
  for (const auto& f : m.fields) {
    const std::string name = f.field.Name();
    types += (types.empty() ? "" : ", ") + db::QuoteLiteral(name) + ": 'VARCHAR'";
    nulls += (nulls.empty() ? "" : ", ") + std::string("nullif(") + db::QuoteIdent(name) + ", " +
             db::QuoteLiteral(kHiveNull) + ") AS " + db::QuoteIdent(name);
  }
  return "SELECT * REPLACE (" + nulls + ") FROM read_parquet(" + files +
         ", hive_partitioning = true, hive_types = {" + types +
         "}, hive_types_autocast = false, union_by_name = true)";
}

// What transform version 1 computed otherwise than Iceberg.
std::string VersionOneRefusal(const ResolvedField& f) {
  if (f.field.transform == Transform::kBucket) {
    return "this dataset's buckets are DuckDB's hash(), as duckpart computed them before transform "
           "version 2; write it again with `duckpart run` to get Iceberg's buckets";
  }
  if (f.field.transform == Transform::kTruncate &&
      ClassifyType(f.column_type) == TypeClass::kDecimal && plan::DecimalScale(f.column_type) > 0) {
    return "this dataset truncated decimals by W in the column's units (transform version 1); "
           "Iceberg "
           "truncates the unscaled value; write it again with `duckpart run`";
  }
  return "";
}

}  // namespace

SpecFormat SpecFormatFromName(const std::string& name) {
  if (name == "iceberg") return SpecFormat::kIceberg;
  if (name == "spark") return SpecFormat::kSpark;
  if (name == "duckdb") return SpecFormat::kDuckDb;
  throw InputError("--format '" + name + "' is not a spec format: use iceberg, spark or duckdb");
}

const char* SpecFormatName(SpecFormat format) {
  switch (format) {
    case SpecFormat::kIceberg:
      return "iceberg";
    case SpecFormat::kSpark:
      return "spark";
    default:
      return "duckdb";
  }
}

std::string IcebergTypeOf(const std::string& t) {
  if (t == "BOOLEAN") return "boolean";
  if (t == "TINYINT" || t == "SMALLINT" || t == "INTEGER" || t == "UTINYINT" || t == "USMALLINT")
    return "int";
  if (t == "BIGINT" || t == "UINTEGER") return "long";
  if (t == "FLOAT") return "float";
  if (t == "DOUBLE") return "double";
  if (t.starts_with("DECIMAL(")) {
    std::string d;
    for (char c : t.substr(8)) d += c == ' ' ? "" : std::string(1, c);
    return "decimal(" + d;
  }
  if (t == "VARCHAR" || t.starts_with("ENUM(")) return "string";
  if (t == "BLOB") return "binary";
  if (t == "UUID") return "uuid";
  if (t == "DATE") return "date";
  if (t == "TIME") return "time";
  if (t == "TIMESTAMP" || t == "TIMESTAMP_S" || t == "TIMESTAMP_MS") return "timestamp";
  if (t == "TIMESTAMP_NS") return "timestamp_ns";
  if (t == "TIMESTAMP WITH TIME ZONE") return "timestamptz";
  return "";
}

std::string IcebergRefusal(const ResolvedField& f, int transform_version) {
  const Transform t = f.field.transform;
  if (!plan::IsValueTransform(t)) {
    return "Iceberg has no range or quantile transform (it partitions by identity, year, month, "
           "day, hour, "
           "bucket and truncate)";
  }
  if (IcebergTypeOf(f.column_type).empty()) {
    return "column '" + f.field.column + "' of type " + f.column_type + " has no Iceberg type";
  }
  const TypeClass tc = ClassifyType(f.column_type);
  if (plan::IsTimeTransform(t) && tc == TypeClass::kString) {
    return "column '" + f.field.column + "' holds dates as text; Iceberg's " + TransformName(t) +
           " needs a date or timestamp column";
  }
  if (plan::IsTimeTransform(t) && tc == TypeClass::kTimestampTz &&
      f.key_sql.find("timezone('UTC', ") == std::string::npos) {
    return "its keys were computed in another time zone than UTC (--timezone); Iceberg's "
           "transforms "
           "of a timestamptz work in UTC";
  }
  if (t == Transform::kTruncate && tc == TypeClass::kFloat)
    return "Iceberg does not truncate floating-point values";
  if (t == Transform::kTruncate && f.field.param > kMaxIcebergWidth) {
    return "Iceberg's truncate width is at most " + std::to_string(kMaxIcebergWidth);
  }
  return transform_version == 1 ? VersionOneRefusal(f) : "";
}

std::string ExportSpec(const Manifest& m, const std::string& dataset_dir, SpecFormat format) {
  switch (format) {
    case SpecFormat::kIceberg:
      RequireIceberg(m, format);
      return IcebergPartitionSpec(m).dump(2);
    case SpecFormat::kSpark:
      RequireIceberg(m, format);
      return SparkPartitionedBy(m);
    default:
      return DuckDbRead(m, dataset_dir);
  }
}

json ExportSpecJson(const Manifest& m, const std::string& dataset_dir, SpecFormat format) {
  json out = {{"format", SpecFormatName(format)}, {"text", ExportSpec(m, dataset_dir, format)}};
  if (format == SpecFormat::kIceberg) {
    out["partition_spec"] = IcebergPartitionSpec(m);
    out["source_columns"] = SourceColumns(m);
  }
  return out;
}

}  // namespace duckpart

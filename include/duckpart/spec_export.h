// A dataset's partition spec in the terms of other engines, so that they can take the
// layout over (`duckpart spec DIR --format iceberg|spark|duckdb`):
//
//   ExportSpec(ReadManifest("out/events"), "out/events", SpecFormat::kIceberg)
//     // {"spec-id": 0, "fields": [{"source-id": 3, "field-id": 1000,
//     //   "name": "ts_month", "transform": "month"}]}
//
// iceberg  the Iceberg partition spec (table spec, appendix C). source-id is the column's
//          1-based position in the dataset's schema: the id Iceberg gives it when a table
//          is created with the columns in the same order. field-ids start at 1000.
// spark    the PARTITIONED BY clause of an Iceberg table in Spark SQL
//          (`PARTITIONED BY (months(ts), bucket(16, id))`).
// duckdb   the query that reads the dataset's rows exactly in DuckDB: read_parquet of the
//          files' own columns with union_by_name, and, when no field is named like a column
//          of the files, the partition fields from the paths as the text duckpart wrote
//          (hive_types pinned to VARCHAR, no autocast, the NULL folder read as NULL).
// Iceberg and Spark have no transform for range and quantile fields, for truncate of a
// floating-point column, for time transforms of text columns or of a TIMESTAMPTZ bucketed in
// another zone than UTC, or for the buckets of datasets written before duckpart computed
// Iceberg's (transform version 1): such a spec is refused with the field and the reason.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "duckpart/manifest.h"

namespace duckpart {

enum class SpecFormat { kIceberg, kSpark, kDuckDb };

// "iceberg", "spark" or "duckdb". Throws InputError naming the value and the choices.
SpecFormat SpecFormatFromName(const std::string& name);
const char* SpecFormatName(SpecFormat format);

// The text to hand to the other engine: the spec of the dataset `m`, read from
// `dataset_dir` (which the duckdb read names as given, made absolute), in `format`. Throws
// InputError when a field has no equivalent in the format, naming the field and why; the
// duckdb read always exists.
std::string ExportSpec(const Manifest& m, const std::string& dataset_dir, SpecFormat format);

// The same as JSON: {"format", "text"}, and for iceberg also "partition_spec" (the object)
// and "source_columns" (per source column: source-id, name, duckdb_type, iceberg_type).
nlohmann::json ExportSpecJson(const Manifest& m, const std::string& dataset_dir, SpecFormat format);

// Why Iceberg (and Spark's Iceberg tables) cannot compute `field` of a dataset of
// `transform_version` as duckpart did, or "" when it computes the same partitions.
std::string IcebergRefusal(const ResolvedField& field, int transform_version);

// The Iceberg type of a DuckDB column type ("long", "decimal(10,2)", ...), or "" when
// Iceberg has none (unsigned 64-bit and wider integers, intervals, nested types, ...).
std::string IcebergTypeOf(const std::string& duckdb_type);

}  // namespace duckpart

// duckpart's own SQL functions, registered through DuckDB's C API.
//
//   duckpart_bucket(N, v) -> INTEGER
//     Apache Iceberg's bucket transform: (murmur3_x86_32(canonical bytes of v) & INT32_MAX) % N
//     (see util/iceberg_hash.h). NULL when v or N is NULL. The bucket depends on the value
//     only, not on the DuckDB type that carries it: INTEGER and BIGINT, VARCHAR and ENUM,
//     TIMESTAMP_S/_MS/_NS and TIMESTAMP (the same instant) give the same bucket.
//     v: TINYINT..BIGINT, UTINYINT..UINTEGER, DECIMAL, VARCHAR, ENUM, BLOB, UUID, DATE,
//     TIME, TIMESTAMP (_S, _MS, _NS) and TIMESTAMP WITH TIME ZONE (UTC micros). (TIME_NS
//     reaches the C API of DuckDB 1.4 as an invalid type, so it is refused.)
//     Any other type fails at bind time; N outside [1, 2147483647] fails the query.
//
// Database's constructor registers them on every database duckpart opens, so every SQL
// text duckpart runs, writes into a manifest or hands to `duckpart query` can use them.
#pragma once

#include <duckdb.h>

#include <string>

namespace duckpart::db {

inline constexpr const char* kBucketFunction = "duckpart_bucket";

// Registers duckpart's functions in the database of `conn` (its system catalog, so every
// connection of that database sees them). Throws DbError when DuckDB refuses.
void RegisterFunctions(duckdb_connection conn);

// Why duckpart_bucket cannot hash a value of this DuckDB type, or "" when it can.
std::string BucketRefusal(duckdb_type type);

}  // namespace duckpart::db

// The child side of the harness: everything that opens DuckDB runs here, in a hidden mode of
// duckpart_bench started by the parent (runner.h), never in the parent itself. Each child
// prints one JSON line on stdout: {"ok": true, ...} or {"ok": false, "error_kind", "message"}.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/database.h"

namespace bench {

using json = nlohmann::json;

// The DuckDB settings every native case (and, by flag, duckpart) runs with.
struct EngineSettings {
  std::string memory_limit = "1GB";
  int threads = 2;
  bool preserve_insertion_order = true;
  std::string temp_dir;
};

// The library's open options for these settings.
duckpart::db::DatabaseOptions OpenOptions(const EngineSettings& s, const std::string& path,
                                          bool read_only);

// SET preserve_insertion_order on the connection. Throws db::DbError.
void ApplySessionSettings(duckpart::db::Connection& conn, const EngineSettings& s);

// Runs body, prints its JSON (or the error it threw, as JSON) on one line; returns the exit
// code of the child: 0, or 3 after an error.
int RunChild(const std::function<json()>& body);

// --child-generate: writes the events table (and events_wide when wide_rows > 0) into a new
// database at path, atomically (a .tmp file renamed at the end). Returns the exit code.
int ChildGenerate(const EngineSettings& s, const std::string& path, int64_t rows, int64_t wide_rows,
                  int64_t seed);

// --child-info: prints the tables' row counts, each granularity's partition count and the
// effective DuckDB settings. Returns the exit code.
int ChildInfo(const EngineSettings& s, const std::string& path,
              const std::vector<std::string>& grans);

// --child-case: runs one native method (reference, native_unsorted, native_sorted,
// where_per_partition) into out_dir; prints query_s, statements and one example SQL.
int ChildCase(const EngineSettings& s, const std::string& path, const std::string& table,
              const std::string& gran_id, const std::string& method, const std::string& out_dir);

}  // namespace bench

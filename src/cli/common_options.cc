#include "cli/common_options.h"

#include "cli/config_options.h"
#include "db/setting_check.h"
#include "util/format.h"

namespace duckpart::cli {
namespace {

// A size DuckDB accepts for `setting` ("512MB", "4GB", "1.5GiB"), else a message naming an example.
CLI::Validator SizeOf(const std::string& setting, const std::string& example) {
  return CLI::Validator(
      [setting, example](std::string& value) {
        // DuckDB reads "-5GB" as 2^64 - 5 GB, that is no limit at all.
        if (value.find('-') != std::string::npos)
          return "'" + value + "' is negative; give a size such as " + example;
        if (db::IsValidSetting(setting, value)) return std::string();
        return "'" + value + "' is not a size; give a number and a unit, e.g. " + example;
      },
      "SIZE");
}

constexpr int kMaxThreads = 1024;

}  // namespace

void AddSourceOptions(CLI::App& sub, SourceOptions& source) {
  sub.add_option("--db", source.db_path, "Source DuckDB database file (opened read-only)");
  sub.add_option("--table", source.table, "Source table in --db");
  sub.add_option("--query", source.query, "Source SQL query (over --db when given)");
  sub.add_option("--from", source.from, "Source files: a path or glob of Parquet, CSV or JSON");
  sub.add_option("--date-format", source.date_formats,
                 "COL=FORMAT: parse VARCHAR column COL as dates with DuckDB strptime, "
                 "e.g. \"date=%b %d %Y\" (repeatable)")
      ->allow_extra_args(false)
      ->take_all();
}

void AddEngineOptions(CLI::App& sub, EngineOptions& engine) {
  sub.add_option("--memory-limit", engine.memory_limit, "DuckDB memory limit, e.g. 256MB, 4GB")
      ->check(SizeOf("memory_limit", "--memory-limit 512MB or 4GB"))
      ->capture_default_str();
  sub.add_option("--threads", engine.threads, "Worker threads (0 = all cores)")
      ->check(CLI::Range(0, kMaxThreads))
      ->capture_default_str();
  sub.add_option("--temp-dir", engine.temp_directory,
                 "Where DuckDB spills (default: beside the target)");
  sub.add_option("--max-temp-size", engine.max_temp_size, "Cap on spilled bytes, e.g. 50GB")
      ->check(SizeOf("max_temp_directory_size", "--max-temp-size 50GB"));
  sub.add_option("--timezone", engine.timezone, "Zone for time transforms of TIMESTAMPTZ columns")
      ->capture_default_str();
}

std::string FormatBytes(int64_t bytes) { return util::FormatBytes(bytes); }
std::string FormatCount(int64_t n) { return util::FormatCount(n); }

}  // namespace duckpart::cli

// The sample database behind `duckpart demo`.
//
//   DemoSummary s = MakeDemoDatabase({.path = "demo/demo.db", .rows = 1'000'000, .seed = 42});
//
// The `events` table is deterministic for (rows, seed): timestamps over 2023-2024 with
// growth, daily and weekly seasonality; a skewed user_id with a few very heavy users;
// amounts with a long tail; a category; a nullable referrer; and a `tag` column of
// strings that are hard in file paths ('/', '=', '%', spaces, unicode, 'NULL', '', NULL).
#pragma once

#include <cstdint>
#include <string>

namespace duckpart {

struct DemoOptions {
  std::string path;  // database file; replaced if it exists
  int64_t rows = 1'000'000;
  int64_t seed = 42;
};

struct DemoSummary {
  int64_t rows = 0;
  std::string min_ts, max_ts;
  int64_t distinct_users = 0;
  int64_t null_referrers = 0;
  int64_t distinct_tags = 0;
  int64_t file_bytes = 0;
};

// Creates (or re-creates) the database with the events table. Throws on failure.
DemoSummary MakeDemoDatabase(const DemoOptions& options);

}  // namespace duckpart

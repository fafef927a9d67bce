// --child-generate: the events tables of ANCHORS.md, made deterministically from a seed.
#include "data_gen.h"

#include <fmt/format.h>

#include <filesystem>

#include "child.h"
#include "db/sql.h"
#include "text.h"

namespace bench {

namespace db = duckpart::db;

namespace {

// The events table of ANCHORS.md with random() replaced by hash-based uniforms. Stream k of
// row i is hash(i * 64 + k, seed), as in src/demo: hash(i, seed, k) mixes too little (its
// streams correlate at 0.6 to 0.97, which would tie user_id and amount to ts).
std::string EventsSql(const std::string& table, int64_t rows, int64_t seed,
                      const std::string& ts_start, int64_t ts_span_seconds) {
  auto h = [&](int stream) { return fmt::format("hash(i * 64 + {}, {})", stream, seed); };
  auto u = [&](int stream) {
    return fmt::format("({}::DOUBLE / 18446744073709551616.0)", h(stream));
  };
  return fmt::format(
      "CREATE TABLE {0} AS\n"
      "SELECT i AS id,\n"
      "       TIMESTAMP '{1}' + to_seconds(({2} % {3})::BIGINT) AS ts,\n"
      "       (floor(pow({4}, 3) * 1000000))::INT AS user_id,\n"
      "       round(exp({5} * 8), 2)::DECIMAL(12,2) AS amount,\n"
      "       ['web', 'ios', 'android', 'api', 'batch'][1 + (i % 5)] AS channel,\n"
      "       md5(i::VARCHAR) AS payload\n"
      "FROM range({6}) r(i)",
      db::QuoteIdent(table), ts_start, h(0), ts_span_seconds, u(1), u(2), rows);
}

void WriteTables(const EngineSettings& s, const std::string& path, int64_t rows, int64_t wide_rows,
                 int64_t seed) {
  EngineSettings gen = s;
  gen.memory_limit.clear();  // generation is not measured; let DuckDB use its default
  db::Database database(OpenOptions(gen, path, false));
  db::Connection conn(database);
  // Two years from 2023-01-01, as in ANCHORS.md.
  conn.Execute(EventsSql("events", rows, seed, "2023-01-01", 63072000));
  if (wide_rows > 0) {
    // 63 years of 365.25 days from 1990-01-01: about 23,000 days.
    conn.Execute(EventsSql("events_wide", wide_rows, seed, "1990-01-01", 1988150400));
  }
  conn.Execute(
      fmt::format("CREATE TABLE bench_meta AS SELECT {} AS generator, {} AS rows, {} AS "
                  "wide_rows, {} AS seed",
                  kGeneratorVersion, rows, wide_rows, seed));
  conn.Execute("CHECKPOINT");
}

}  // namespace

int ChildGenerate(const EngineSettings& s, const std::string& path, int64_t rows, int64_t wide_rows,
                  int64_t seed) {
  return RunChild([&]() -> json {
    const auto t0 = Clock::now();
    const fs::path final_path(path);
    if (final_path.has_parent_path()) fs::create_directories(final_path.parent_path());
    const std::string tmp = path + ".tmp";
    fs::remove(tmp);
    fs::remove(tmp + ".wal");
    WriteTables(s, tmp, rows, wide_rows, seed);
    fs::rename(tmp, final_path);
    return {{"ok", true}, {"seconds", Since(t0)}};
  });
}

}  // namespace bench

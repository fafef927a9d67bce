#include <filesystem>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/demo.h"
#include "duckpart/error.h"

namespace duckpart {
namespace {

// u(k): a uniform number in [0, 1) drawn from row i, the seed and a stream k.
std::string Uniform(int stream) {
  // hash(i * 64 + k) decorrelates the streams; hash(a, b) alone mixes too little.
  return "(hash(i * 64 + " + std::to_string(stream) + ", $seed) / 18446744073709551616.0)";
}

std::string EventsSql(int64_t rows, int64_t seed) {
  std::string sql = R"(
CREATE TABLE events AS
WITH base AS (
  SELECT i,
         -- growth: later days are busier (density rises linearly over two years)
         floor(731 * sqrt(U1))::INT AS day0,
         -- daily seasonality: 80% of events during working hours
         CASE WHEN U2 < 0.8 THEN 8 + floor(U3 * 12) ELSE floor(U3 * 24) END::INT AS hour,
         floor(U4 * 3600)::INT AS second_of_hour,
         U5 AS u_week, U6 AS u_user, U7 AS u_whale, U8 AS u_amount, U9 AS u_cat,
         U10 AS u_ref, U11 AS u_tag
  FROM range($rows) r(i)
), days AS (
  SELECT *, DATE '2023-01-01' + day0 AS d0 FROM base
)
SELECT i AS id,
       -- weekly seasonality: half of the weekend events move to the next Monday/Tuesday
       (CASE WHEN dayofweek(d0) IN (0, 6) AND u_week < 0.5 AND day0 < 729 THEN d0 + 2 ELSE d0 END
        + to_hours(hour) + to_seconds(second_of_hour))::TIMESTAMP AS ts,
       (CASE WHEN u_whale < 0.06 THEN 1 + floor(u_whale / 0.02)
             ELSE 10 + floor(pow(u_user, 3) * 200000) END)::INT AS user_id,
       round(exp(u_amount * 10) / 10, 2)::DECIMAL(12, 2) AS amount,
       (['books', 'games', 'music', 'garden', 'tools', 'food', 'toys', 'travel']
          [1 + floor(pow(u_cat, 2) * 8)::INT]) AS category,
       CASE WHEN u_ref < 0.12 THEN NULL
            ELSE (['search', 'email', 'social', 'direct', 'partner'])[1 + (i % 5)::INT] END AS referrer,
       CASE WHEN u_tag < 0.02 THEN NULL
            ELSE (['plain', 'a/b', 'x=y', '100%', 'with space', 'ünïcødé', '日本語', 'NULL', '',
                   '__HIVE_DEFAULT_PARTITION__', '..', 'semi;colon', 'quote''s', 'new
line'])[1 + floor(u_tag * 14)::INT] END AS tag
FROM days
ORDER BY ts;
)";
  for (int k = 11; k >= 1; --k) {
    const std::string name = "U" + std::to_string(k);
    for (size_t pos; (pos = sql.find(name)) != std::string::npos;) {
      sql.replace(pos, name.size(), Uniform(k));
    }
  }
  for (size_t pos; (pos = sql.find("$seed")) != std::string::npos;) {
    sql.replace(pos, 5, std::to_string(seed));
  }
  for (size_t pos; (pos = sql.find("$rows")) != std::string::npos;) {
    sql.replace(pos, 5, std::to_string(rows));
  }
  return sql;
}

}  // namespace

DemoSummary MakeDemoDatabase(const DemoOptions& options) {
  if (options.rows < 0) throw InputError("--rows must be zero or more");
  namespace fs = std::filesystem;
  const fs::path path(options.path);
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  // Build under a temporary name and rename, so a failed run never leaves half a database.
  const fs::path tmp = path.string() + ".tmp";
  fs::remove(tmp);
  fs::remove(tmp.string() + ".wal");
  {
    db::Database database(db::DatabaseOptions{.path = tmp.string()});
    db::Connection conn(database);
    conn.Execute(EventsSql(options.rows, options.seed));
    conn.Execute("CHECKPOINT");
  }
  fs::rename(tmp, path);
  fs::remove(path.string() + ".wal");

  db::Database database(
      db::DatabaseOptions{.path = path.string(), .access = db::Access::kReadOnly});
  db::Connection conn(database);
  db::Result r = conn.Query(
      "SELECT count(*), min(ts)::VARCHAR, max(ts)::VARCHAR, count(DISTINCT user_id), "
      "count(*) FILTER (WHERE referrer IS NULL), count(DISTINCT tag) FROM events");
  DemoSummary s;
  s.rows = r.GetInt64(0, 0);
  s.min_ts = r.GetString(0, 1);
  s.max_ts = r.GetString(0, 2);
  s.distinct_users = r.GetInt64(0, 3);
  s.null_referrers = r.GetInt64(0, 4);
  s.distinct_tags = r.GetInt64(0, 5);
  s.file_bytes = static_cast<int64_t>(fs::file_size(path));
  return s;
}

}  // namespace duckpart

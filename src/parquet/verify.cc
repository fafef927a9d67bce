#include "parquet/verify.h"

#include <filesystem>

#include "check/source_compare.h"
#include "db/error_text.h"
#include "db/sql.h"
#include "plan/keys.h"
#include "plan/transform.h"
#include "plan/type_table.h"
#include "plan/workspace_access.h"

namespace duckpart::parquet {
namespace {

namespace fs = std::filesystem;

std::string Abs(const std::string& root, const std::string& rel) {
  return (fs::path(root) / rel).lexically_normal().string();
}

// __dp_expect(__dp_file, __dp_pid, __dp_l0, ...): each file with its partition's labels.
void LoadExpectations(db::Connection& conn, const std::string& root, const Manifest& m) {
  std::string cols = "__dp_file VARCHAR, __dp_pid BIGINT";
  for (size_t i = 0; i < m.fields.size(); ++i) cols += ", __dp_l" + std::to_string(i) + " VARCHAR";
  conn.Execute("CREATE OR REPLACE TEMP TABLE __dp_expect (" + cols + ")");
  // In the temp catalog by name: with --db and --query the default database is the
  // read-only source (USE src), where an appender cannot be made.
  db::Appender app(conn, "temp", "main", "__dp_expect");
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) {
      app.Append(Abs(root, f.path)).Append(p.id);
      for (const auto& k : p.keys) {
        if (k)
          app.Append(*k);
        else
          app.AppendNull();
      }
      app.EndRow();
    }
  }
  app.Flush();
}

std::string MisplacedSql(const Manifest& m) {
  std::string cond;
  for (size_t i = 0; i < m.fields.size(); ++i) {
    const auto& f = m.fields[i];
    cond += (i ? " OR " : "") + plan::LabelOf(f.label_sql, f.key_sql) +
            " IS DISTINCT FROM e.__dp_l" + std::to_string(i);
  }
  return cond;
}

// Files that cannot be read at all are found one by one, so each is named.
void ReportUnreadable(db::Connection& conn, const std::string& root, const Manifest& m,
                      VerifyReport& report) {
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) {
      const std::string path = Abs(root, f.path);
      if (!fs::exists(path)) {
        report.problems.push_back(ValidationProblem::Make(
            "missing_file", p.path, "partition " + p.path + ": file " + f.path + " is missing"));
        continue;
      }
      try {
        conn.Query("SELECT count(*) FROM read_parquet(" + db::QuoteLiteral(path) +
                   ", hive_partitioning = false)");
      } catch (const db::DbError& e) {
        if (e.kind() == db::ErrorKind::kInterrupt || e.kind() == db::ErrorKind::kOutOfMemory)
          throw;  // Ctrl-C, not a damaged file
        report.problems.push_back(ValidationProblem::Make(
            "unreadable_file", p.path,
            "file " + f.path + " is unreadable or truncated: " + db::WithoutSqlContext(e.what())));
      }
    }
  }
}

// Per field i of a file's aggregates in __dp_found: whether every row carries the key
// its partition's label names (one key value, or NULL in the NULL partition).
std::string PlacedSql(const Manifest& m) {
  std::string cond;
  for (size_t i = 0; i < m.fields.size(); ++i) {
    const std::string n = std::to_string(i);
    cond += (i ? " AND " : "") + std::string("f.__dp_same") + n + " AND CASE WHEN e.__dp_l" + n +
            " IS NULL THEN f.__dp_nn" + n + " = 0 ELSE f.__dp_nn" + n + " = f.n AND f.__dp_min" +
            n + " = e.__dp_l" + n + " END";
  }
  return cond;
}

// Rows of each partition that belong to another, counted row by row: only in the files
// whose aggregates already showed a misplaced row (a damaged or foreign dataset).
std::map<int64_t, int64_t> MisplacedRows(db::Connection& conn, const Manifest& m) {
  db::Result r = conn.Query(
      "SELECT f.file FROM __dp_found AS f JOIN __dp_expect AS e ON f.file = "
      "e.__dp_file WHERE NOT (" +
      PlacedSql(m) + ")");
  std::map<int64_t, int64_t> bad;
  if (r.RowCount() == 0) return bad;
  std::string files;
  for (uint64_t i = 0; i < r.RowCount(); ++i)
    files += (i ? ", " : "") + db::QuoteLiteral(r.GetString(i, 0));
  db::Result counts = conn.Query(
      "SELECT e.__dp_pid, count(*) FILTER (WHERE " + MisplacedSql(m) + ") FROM (SELECT " +
      plan::ReadBackSelectSql(m.schema) + " FROM read_parquet([" + files +
      "], filename = true, hive_partitioning = false" + plan::UnionByNameOption(m.schema) +
      ")) AS r JOIN __dp_expect AS e ON r.filename = e.__dp_file GROUP BY e.__dp_pid");
  for (uint64_t i = 0; i < counts.RowCount(); ++i)
    bad[counts.GetInt64(i, 0)] = counts.GetInt64(i, 1);
  return bad;
}

void ComparePartitions(db::Connection& conn, const Manifest& m, VerifyReport& report) {
  const auto misplaced = MisplacedRows(conn, m);
  db::Result r = conn.Query(
      "SELECT e.__dp_pid, sum(f.n), CAST(sum(f.c) AS VARCHAR) FROM __dp_found AS f JOIN "
      "__dp_expect AS e ON f.file = e.__dp_file GROUP BY e.__dp_pid");
  std::map<int64_t, std::tuple<int64_t, std::string, int64_t>> found;
  for (uint64_t i = 0; i < r.RowCount(); ++i) {
    const int64_t pid = r.GetInt64(i, 0);
    const auto bad = misplaced.find(pid);
    found[pid] = {r.GetInt64(i, 1), r.GetString(i, 2), bad == misplaced.end() ? 0 : bad->second};
  }
  for (const auto& p : m.partitions) {
    auto it = found.find(p.id);
    const int64_t rows = it == found.end() ? 0 : std::get<0>(it->second);
    const std::string sum = it == found.end() ? "0" : std::get<1>(it->second);
    const int64_t bad = it == found.end() ? 0 : std::get<2>(it->second);
    if (rows != p.rows) {
      report.problems.push_back(
          ValidationProblem::Make("rows", p.path,
                                  "partition " + p.path + ": " + std::to_string(rows) +
                                      " rows, expected " + std::to_string(p.rows)));
    } else if (sum != p.checksum) {
      report.problems.push_back(
          ValidationProblem::Make("checksum", p.path,
                                  "partition " + p.path + ": content checksum " + sum +
                                      " differs from the expected " + p.checksum));
    }
    if (bad > 0) {
      report.problems.push_back(ValidationProblem::Make("placement", p.path,
                                                        "partition " + p.path + ": " +
                                                            std::to_string(bad) +
                                                            " rows belong to another partition"));
    }
  }
}

}  // namespace

namespace {

// Reading many files in one scan costs memory outside DuckDB's limit (per-file reader
// state, about 10 KB a file), so files are read in batches of this many.
constexpr size_t kFilesPerScan = 1000;

std::vector<std::string> FileBatches(const std::string& root, const Manifest& m) {
  std::vector<std::string> batches;
  size_t in_batch = 0;
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) {
      if (in_batch == 0) batches.emplace_back();
      batches.back() += (in_batch ? ", " : "") + db::QuoteLiteral(Abs(root, f.path));
      in_batch = (in_batch + 1) % kFilesPerScan;
    }
  }
  return batches;
}

// The rows each batch of FileBatches is expected to hold (a partition's rows spread
// evenly over its files where the files' own counts are not known yet).
std::vector<int64_t> BatchRows(const Manifest& m) {
  std::vector<int64_t> rows;
  size_t in_batch = 0;
  for (const auto& p : m.partitions) {
    const auto files = static_cast<int64_t>(p.files.size());
    for (size_t i = 0; i < p.files.size(); ++i) {
      if (in_batch == 0) rows.push_back(0);
      rows.back() += p.files[i].rows > 0
                         ? p.files[i].rows
                         : p.rows / files + (static_cast<int64_t>(i) < p.rows % files);
      in_batch = (in_batch + 1) % kFilesPerScan;
    }
  }
  return rows;
}

// One row per file: its rows, their checksum, and per field the label of the smallest
// key, whether all keys are one, and how many are not NULL (PlacedSql judges them).
void ScanBatch(db::Connection& conn, const Manifest& m, const std::string& files) {
  std::string keys;
  for (size_t i = 0; i < m.fields.size(); ++i) {
    const std::string n = std::to_string(i);
    const std::string& k = m.fields[i].key_sql;
    keys += ", " + plan::LabelOf(m.fields[i].label_sql, "min(" + k + ")") + ", min(" + k +
            ") IS NOT DISTINCT FROM max(" + k + "), count(" + k + ")";
  }
  conn.Execute("INSERT INTO __dp_found SELECT r.filename, count(*), sum(CAST(" +
               check::CastRowHashSql(m.schema) + " AS HUGEINT))" + keys + " FROM (SELECT " +
               plan::ReadBackSelectSql(m.schema) + " FROM read_parquet([" + files +
               "], filename = true, hive_partitioning = false" + plan::UnionByNameOption(m.schema) +
               ")) AS r GROUP BY r.filename");
}

// __dp_found: what ScanBatch finds, one row per file.
void CreateFound(db::Connection& conn, const Manifest& m) {
  std::string cols = "file VARCHAR, n BIGINT, c HUGEINT";
  for (size_t i = 0; i < m.fields.size(); ++i) {
    const std::string n = std::to_string(i);
    cols += ", __dp_min" + n + " VARCHAR, __dp_same" + n + " BOOLEAN, __dp_nn" + n + " BIGINT";
  }
  conn.Execute("CREATE OR REPLACE TEMP TABLE __dp_found (" + cols + ")");
}

}  // namespace

std::vector<std::string> ManifestFileBatches(const std::string& root, const Manifest& m) {
  return FileBatches(root, m);
}

VerifyReport VerifyParquet(db::Connection& conn, const std::string& root, const Manifest& m,
                           const VerifyBatchCallback& on_batch) {
  VerifyReport report;
  const auto batches = FileBatches(root, m);
  if (batches.empty()) {
    if (m.total_rows != 0)
      report.problems.push_back(ValidationProblem::Make(
          "no_files", "",
          "the manifest lists no files but " + std::to_string(m.total_rows) + " rows"));
    return report;
  }
  LoadExpectations(conn, root, m);
  CreateFound(conn, m);
  try {
    const std::vector<int64_t> rows = on_batch ? BatchRows(m) : std::vector<int64_t>{};
    for (size_t i = 0; i < batches.size(); ++i) {
      if (on_batch) on_batch(i, batches.size(), rows[i]);
      ScanBatch(conn, m, batches[i]);
    }
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kInterrupt || e.kind() == db::ErrorKind::kOutOfMemory) throw;
    ReportUnreadable(conn, root, m, report);
    if (report.problems.empty())
      report.problems.push_back(ValidationProblem::Make(
          "unreadable", "", "cannot read the data: " + db::WithoutSqlContext(e.what())));
    return report;
  }
  ComparePartitions(conn, m, report);
  db::Result files = conn.Query("SELECT file, n, CAST(c AS VARCHAR) FROM __dp_found");
  for (uint64_t i = 0; i < files.RowCount(); ++i) {
    const std::string rel = fs::path(files.GetString(i, 0)).lexically_relative(root).string();
    report.files[rel] = {files.GetInt64(i, 1), files.GetString(i, 2)};
  }
  db::Result total = conn.Query(
      "SELECT coalesce(sum(n), 0), CAST(coalesce(sum(c), 0) AS VARCHAR) FROM __dp_found");
  report.rows = total.GetInt64(0, 0);
  report.checksum = total.GetString(0, 1);
  if (report.rows != m.total_rows || report.checksum != m.total_checksum) {
    report.problems.push_back(ValidationProblem::Make(
        "total", "",
        "total: " + std::to_string(report.rows) + " rows (checksum " + report.checksum +
            "), expected " + std::to_string(m.total_rows) + " (checksum " + m.total_checksum +
            ")"));
  }
  return report;
}

}  // namespace duckpart::parquet

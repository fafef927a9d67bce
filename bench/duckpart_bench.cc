// duckpart_bench: duckpart against DuckDB's native partitioned COPY, one COPY per
// partition, and the unpartitioned reference (issue 7). See bench/README.md.
//
// The parent process never opens DuckDB. Every measured case, the data generation and
// the table inspection run in a child process: this binary again, in a hidden child mode,
// or build/duckpart. The parent times each child from fork to wait4, takes its peak RSS
// from wait4's rusage (ru_maxrss), and records a crash, a signal, an out-of-memory error
// or a timeout as a failure of that case, never of the harness.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <vector>

#include "db/database.h"
#include "db/error.h"
#include "db/sql.h"
#include "duckpart/version.h"

namespace {

namespace fs = std::filesystem;
namespace db = duckpart::db;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Bump when the generated data changes; it is part of the data file's name.
constexpr int kGeneratorVersion = 2;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// "2M", "500k", "1000000", "1.5M" -> rows.
int64_t ParseCount(const std::string& text) {
  if (text.empty()) throw std::invalid_argument("empty count");
  double mult = 1;
  std::string num = text;
  switch (std::tolower(static_cast<unsigned char>(text.back()))) {
    case 'k':
      mult = 1e3;
      num.pop_back();
      break;
    case 'm':
      mult = 1e6;
      num.pop_back();
      break;
    case 'g':
    case 'b':
      mult = 1e9;
      num.pop_back();
      break;
    default:
      break;
  }
  size_t used = 0;
  const double v = std::stod(num, &used);
  if (used != num.size() || v < 0) throw std::invalid_argument("bad count '" + text + "'");
  return static_cast<int64_t>(std::llround(v * mult));
}

std::string Thousands(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return v < 0 ? "-" + out : out;
}

std::string HumanCount(int64_t v) {
  if (v >= 1'000'000 && v % 1'000'000 == 0) return fmt::format("{}M", v / 1'000'000);
  if (v >= 1'000 && v % 1'000 == 0) return fmt::format("{}k", v / 1'000);
  return Thousands(v);
}

std::string HumanBytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} B", b) : fmt::format("{:.1f} {}", b, units[u]);
}

std::string HumanSeconds(double s) {
  return s < 100 ? fmt::format("{:.2f} s", s) : fmt::format("{:.1f} s", s);
}

std::string OneLine(std::string text, size_t max = 300) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '|') c = ' ';
  }
  if (text.size() > max) text = text.substr(0, max) + "...";
  return text;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of(" \n\r\t");
  if (end == std::string::npos) return {};
  size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

bool ContainsNoCase(const std::string& hay, const std::string& needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

// The 1-minute load average sampled before every measured run.
std::vector<double> g_load_samples;

double LoadAverage1() {
  std::ifstream in("/proc/loadavg");
  double v = 0;
  in >> v;
  return v;
}

// Seconds the parent spent deleting outputs between runs (outside every measurement).
double g_cleanup_seconds = 0;

// Runs f(items[i]) for every item on 16 threads, joined before returning.
template <typename F>
void Parallel(const std::vector<fs::path>& items, F f) {
  if (items.size() < 64) {
    for (const auto& p : items) f(p);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 16; ++t) {
    workers.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < items.size();) f(items[i]);
    });
  }
  for (auto& w : workers) w.join();
}

// Deletes a tree. On a file system mounted with `discard` every unlink and rmdir waits
// ~3 ms for the device, and a run may leave 20,000+ files in as many folders, so files and
// then folders (deepest level first) are removed 16 at a time. The threads are joined
// before returning: the parent is single-threaded again when it forks.
void RemoveAll(const fs::path& root) {
  const auto t0 = Clock::now();
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(root, ec))) return;
  std::vector<fs::path> files;
  std::map<int, std::vector<fs::path>, std::greater<int>> dirs_by_depth;
  if (fs::is_directory(fs::symlink_status(root, ec))) {
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_symlink(ec) || !it->is_directory(ec)) {
        files.push_back(it->path());
      } else {
        dirs_by_depth[it.depth()].push_back(it->path());
      }
    }
  }
  Parallel(files, [](const fs::path& p) { unlink(p.c_str()); });
  for (const auto& [depth, dirs] : dirs_by_depth) {
    Parallel(dirs, [](const fs::path& p) { rmdir(p.c_str()); });
  }
  fs::remove_all(root, ec);
  g_cleanup_seconds += Since(t0);
}

// ---------------------------------------------------------------------------
// Granularities: the partition specs measured, as duckpart specs and as the SQL a person
// would write for DuckDB's native COPY and for one COPY ... WHERE per partition.

struct Granularity {
  enum class Kind { kTime, kHash, kQuantile };
  std::string id;     // "month", "day", "hour", "bucket1024", "quantile16", "wide_day", "idbucketN"
  std::string label;  // shown in the tables
  std::string table;
  std::string spec;   // duckpart run --by
  std::string field;  // the Hive partition column in the native output
  Kind kind = Kind::kTime;
  std::string unit;    // time: date_trunc unit
  std::string format;  // time: strftime format of the key
  std::string column;  // hash, quantile: the column
  int64_t n = 0;       // hash: buckets; quantile: quantiles
};

std::optional<Granularity> MakeGranularity(const std::string& id) {
  Granularity g;
  g.id = id;
  g.table = "events";
  auto time = [&](const char* unit, const char* format) {
    g.kind = Granularity::Kind::kTime;
    g.unit = unit;
    g.format = format;
    g.spec = fmt::format("{}(ts)", unit);
    g.field = fmt::format("ts_{}", unit);
    g.label = g.spec;
  };
  auto number_suffix = [&](const std::string& prefix) -> int64_t {
    if (id.rfind(prefix, 0) != 0 || id.size() == prefix.size()) return 0;
    try {
      return std::stoll(id.substr(prefix.size()));
    } catch (...) {
      return 0;
    }
  };
  if (id == "month") {
    time("month", "%Y-%m");
  } else if (id == "day") {
    time("day", "%Y-%m-%d");
  } else if (id == "hour") {
    time("hour", "%Y-%m-%d-%H");
  } else if (id == "wide_day") {
    time("day", "%Y-%m-%d");
    g.table = "events_wide";
    g.label = "day(ts), 63-year range";
  } else if (int64_t n = number_suffix("idbucket"); n > 0) {
    g.kind = Granularity::Kind::kHash;
    g.column = "id";
    g.n = n;
  } else if (int64_t b = number_suffix("bucket"); b > 0) {
    g.kind = Granularity::Kind::kHash;
    g.column = "user_id";
    g.n = b;
  } else if (int64_t q = number_suffix("quantile"); q >= 2) {
    g.kind = Granularity::Kind::kQuantile;
    g.column = "amount";
    g.n = q;
  } else {
    return std::nullopt;
  }
  if (g.kind == Granularity::Kind::kHash) {
    g.spec = fmt::format("bucket({}, {})", g.n, g.column);
    g.field = g.column + "_bucket";
    g.label = g.spec;
  } else if (g.kind == Granularity::Kind::kQuantile) {
    g.spec = fmt::format("quantile({}, {})", g.n, g.column);
    g.field = g.column + "_quantile";
    g.label = g.spec + ", skewed";
  }
  return g;
}

Granularity MustGranularity(const std::string& id) {
  auto g = MakeGranularity(id);
  if (!g) throw std::invalid_argument("unknown granularity '" + id + "'");
  return *g;
}

// ---------------------------------------------------------------------------
// Child side: everything that touches DuckDB.

struct EngineSettings {
  std::string memory_limit = "1GB";
  int threads = 2;
  bool preserve_insertion_order = true;
  std::string temp_dir;
};

db::DatabaseOptions OpenOptions(const EngineSettings& s, const std::string& path, bool read_only) {
  return db::DatabaseOptions{.path = path,
                             .access = read_only ? db::Access::kReadOnly : db::Access::kReadWrite,
                             .memory_limit = s.memory_limit,
                             .threads = s.threads,
                             .temp_directory = s.temp_dir};
}

void ApplySessionSettings(db::Connection& conn, const EngineSettings& s) {
  conn.Execute(fmt::format("SET preserve_insertion_order = {}",
                           s.preserve_insertion_order ? "true" : "false"));
}

// The quantile boundaries b1 < ... < b(n-1) of the column, as SQL literals.
std::vector<std::string> QuantileBounds(db::Connection& conn, const Granularity& g) {
  std::string fractions;
  for (int64_t k = 1; k < g.n; ++k) {
    if (!fractions.empty()) fractions += ", ";
    fractions += fmt::format("{:.17g}", static_cast<double>(k) / static_cast<double>(g.n));
  }
  db::Result r = conn.Query(
      fmt::format("SELECT DISTINCT unnest(quantile_disc({}, [{}]))::VARCHAR AS b FROM {}",
                  db::QuoteIdent(g.column), fractions, db::QuoteIdent(g.table)));
  std::vector<std::string> bounds;
  for (uint64_t i = 0; i < r.RowCount(); ++i) bounds.push_back(r.GetString(i, 0));
  std::sort(bounds.begin(), bounds.end(),
            [](const std::string& a, const std::string& b) { return std::stod(a) < std::stod(b); });
  return bounds;
}

// The SQL expression of the partition key, as a person would write it for PARTITION_BY.
std::string KeySql(db::Connection& conn, const Granularity& g) {
  switch (g.kind) {
    case Granularity::Kind::kTime:
      if (g.unit == "day") return "CAST(ts AS DATE)";
      return fmt::format("strftime(ts, '{}')", g.format);
    case Granularity::Kind::kHash:
      return fmt::format("hash({}) % {}", db::QuoteIdent(g.column), g.n);
    case Granularity::Kind::kQuantile: {
      const auto bounds = QuantileBounds(conn, g);
      std::string sql = "CASE";
      for (size_t i = 0; i < bounds.size(); ++i) {
        sql += fmt::format(" WHEN {} < {} THEN {}", db::QuoteIdent(g.column), bounds[i], i);
      }
      return sql + fmt::format(" ELSE {} END", bounds.size());
    }
  }
  return {};
}

struct PartitionFilter {
  std::string label;      // the folder's value
  std::string predicate;  // WHERE clause
};

// One filter per non-empty partition, as people write them by hand: a half-open time range,
// a hash equality, a value range between quantile boundaries.
std::vector<PartitionFilter> PartitionFilters(db::Connection& conn, const Granularity& g) {
  std::vector<PartitionFilter> out;
  const std::string table = db::QuoteIdent(g.table);
  const std::string col = db::QuoteIdent(g.column);
  switch (g.kind) {
    case Granularity::Kind::kTime: {
      db::Result r = conn.Query(fmt::format(
          "SELECT v::VARCHAR, strftime(v, '{}') FROM (SELECT DISTINCT date_trunc('{}', ts) AS v "
          "FROM {}) ORDER BY v",
          g.format, g.unit, table));
      for (uint64_t i = 0; i < r.RowCount(); ++i) {
        const std::string v = r.GetString(i, 0);
        out.push_back(
            {r.GetString(i, 1),
             fmt::format("ts >= TIMESTAMP '{0}' AND ts < TIMESTAMP '{0}' + INTERVAL 1 {1}", v,
                         g.unit)});
      }
      break;
    }
    case Granularity::Kind::kHash: {
      const std::string key = KeySql(conn, g);
      db::Result r =
          conn.Query(fmt::format("SELECT DISTINCT {} AS v FROM {} ORDER BY v", key, table));
      for (uint64_t i = 0; i < r.RowCount(); ++i) {
        const std::string v = r.GetString(i, 0);
        out.push_back({v, fmt::format("{} = {}", key, v)});
      }
      break;
    }
    case Granularity::Kind::kQuantile: {
      const auto b = QuantileBounds(conn, g);
      for (size_t i = 0; i <= b.size(); ++i) {
        std::string pred;
        if (i == 0) {
          pred = fmt::format("{} < {}", col, b[0]);
        } else if (i == b.size()) {
          pred = fmt::format("{} >= {}", col, b[i - 1]);
        } else {
          pred = fmt::format("{0} >= {1} AND {0} < {2}", col, b[i - 1], b[i]);
        }
        out.push_back({std::to_string(i), pred});
      }
      break;
    }
  }
  return out;
}

json ErrorJson(const std::string& kind, const std::string& message) {
  return {{"ok", false}, {"error_kind", kind}, {"message", message}};
}

template <typename F>
int RunChild(F&& body) {
  json result;
  int code = 0;
  try {
    result = body();
  } catch (const db::DbError& e) {
    result = ErrorJson(db::ErrorKindName(e.kind()), e.what());
    code = 3;
  } catch (const std::bad_alloc&) {
    result = ErrorJson("out_of_memory", "std::bad_alloc");
    code = 3;
  } catch (const std::exception& e) {
    result = ErrorJson("other", e.what());
    code = 3;
  }
  std::cout << result.dump() << std::endl;
  return code;
}

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

int ChildGenerate(const EngineSettings& s, const std::string& path, int64_t rows, int64_t wide_rows,
                  int64_t seed) {
  return RunChild([&]() -> json {
    const auto t0 = Clock::now();
    const fs::path final_path(path);
    if (final_path.has_parent_path()) fs::create_directories(final_path.parent_path());
    const std::string tmp = path + ".tmp";
    fs::remove(tmp);
    fs::remove(tmp + ".wal");
    {
      EngineSettings gen = s;
      gen.memory_limit.clear();  // generation is not measured; let DuckDB use its default
      db::Database database(OpenOptions(gen, tmp, false));
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
    fs::rename(tmp, final_path);
    return {{"ok", true}, {"seconds", Since(t0)}};
  });
}

int ChildInfo(const EngineSettings& s, const std::string& path,
              const std::vector<std::string>& grans) {
  return RunChild([&]() -> json {
    db::Database database(OpenOptions(s, path, true));
    db::Connection conn(database);
    ApplySessionSettings(conn, s);
    json out = {{"ok", true}};
    db::Result tables = conn.Query(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'events%' ORDER BY 1");
    for (uint64_t i = 0; i < tables.RowCount(); ++i) {
      const std::string t = tables.GetString(i, 0);
      db::Result c = conn.Query("SELECT count(*) FROM " + db::QuoteIdent(t));
      out["tables"][t] = c.GetInt64(0, 0);
    }
    for (const auto& id : grans) {
      const Granularity g = MustGranularity(id);
      db::Result c = conn.Query(fmt::format("SELECT count(DISTINCT {}) FROM {}", KeySql(conn, g),
                                            db::QuoteIdent(g.table)));
      out["partitions"][id] = c.GetInt64(0, 0);
    }
    db::Result set = conn.Query(
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads', "
        "'preserve_insertion_order', 'temp_directory', 'max_temp_directory_size', "
        "'partitioned_write_max_open_files', 'partitioned_write_flush_threshold') ORDER BY name");
    for (uint64_t i = 0; i < set.RowCount(); ++i) {
      out["settings"][set.GetString(i, 0)] = set.GetString(i, 1);
    }
    out["duckdb_version"] = db::LibraryVersion();
    return out;
  });
}

int ChildCase(const EngineSettings& s, const std::string& path, const std::string& table,
              const std::string& gran_id, const std::string& method, const std::string& out_dir) {
  return RunChild([&]() -> json {
    db::Database database(OpenOptions(s, path, true));
    db::Connection conn(database);
    ApplySessionSettings(conn, s);
    const auto t0 = Clock::now();
    const fs::path out(out_dir);
    int64_t statements = 0;
    std::string example_sql;
    if (method == "reference") {
      fs::create_directories(out);
      example_sql = fmt::format("COPY {} TO {} (FORMAT parquet)", db::QuoteIdent(table),
                                db::QuoteLiteral((out / "data_0.parquet").string()));
      conn.Execute(example_sql);
      statements = 1;
    } else {
      const Granularity g = MustGranularity(gran_id);
      if (method == "native_unsorted" || method == "native_sorted") {
        const std::string field = db::QuoteIdent(g.field);
        example_sql = fmt::format(
            "COPY (SELECT *, {} AS {} FROM {}{}) TO {} (FORMAT parquet, PARTITION_BY ({}))",
            KeySql(conn, g), field, db::QuoteIdent(g.table),
            method == "native_sorted" ? " ORDER BY " + field : "", db::QuoteLiteral(out.string()),
            field);
        conn.Execute(example_sql);
        statements = 1;
      } else if (method == "where_per_partition") {
        for (const auto& f : PartitionFilters(conn, g)) {
          const fs::path dir = out / (g.field + "=" + f.label);
          fs::create_directories(dir);
          const std::string sql = fmt::format(
              "COPY (SELECT * FROM {} WHERE {}) TO {} (FORMAT parquet)", db::QuoteIdent(g.table),
              f.predicate, db::QuoteLiteral((dir / "data_0.parquet").string()));
          if (example_sql.empty()) example_sql = sql;
          conn.Execute(sql);
          ++statements;
        }
      } else {
        throw std::invalid_argument("unknown method '" + method + "'");
      }
    }
    return {{"ok", true}, {"query_s", Since(t0)}, {"statements", statements}, {"sql", example_sql}};
  });
}

// ---------------------------------------------------------------------------
// Parent side: processes, measurements, the plan, the report.

volatile sig_atomic_t g_interrupted = 0;
void OnSignal(int) { g_interrupted = 1; }

struct ProcResult {
  bool started = false;
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  bool timed_out = false;
  bool interrupted = false;
  double wall_s = 0;
  int64_t maxrss_bytes = 0;
  double user_s = 0, sys_s = 0;
};

double TimevalSeconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

// Runs argv in its own process group with stdout/stderr to files; waits up to timeout_s.
ProcResult RunProcess(const std::vector<std::string>& argv, const fs::path& out_file,
                      const fs::path& err_file, double timeout_s) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  ProcResult r;
  std::cout.flush();
  std::cerr.flush();
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) return r;
  if (pid == 0) {
    setpgid(0, 0);
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in >= 0) dup2(in, 0);
    if (out >= 0) dup2(out, 1);
    if (err >= 0) dup2(err, 2);
    execv(cargv[0], cargv.data());
    const char msg[] = "duckpart_bench: exec failed\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
  }
  setpgid(pid, pid);
  r.started = true;
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  int status = 0;
  rusage ru{};
  for (;;) {
    const pid_t w = wait4(pid, &status, WNOHANG, &ru);
    if (w == pid) break;
    if (Since(t0) > timeout_s || g_interrupted) {
      r.timed_out = !g_interrupted;
      r.interrupted = g_interrupted != 0;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      wait4(pid, &status, 0, &ru);
      break;
    }
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      poll(&p, 1, 200);
    } else {
      usleep(1000);
    }
  }
  r.wall_s = Since(t0);
  if (pidfd >= 0) close(pidfd);
  kill(-pid, SIGKILL);  // anything the child left running in its group
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.maxrss_bytes = static_cast<int64_t>(ru.ru_maxrss) * 1024;
  r.user_s = TimevalSeconds(ru.ru_utime);
  r.sys_s = TimevalSeconds(ru.ru_stime);
  return r;
}

std::optional<json> ParseLastJsonLine(const fs::path& p) {
  const std::string line = LastLine(ReadFile(p));
  if (line.empty()) return std::nullopt;
  try {
    return json::parse(line);
  } catch (...) {
    return std::nullopt;
  }
}

int64_t SelfRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

struct RunRecord {
  int round = 0;
  bool ok = false;
  double wall_s = 0;
  std::optional<double> query_s;
  int64_t maxrss_bytes = 0;
  double user_s = 0, sys_s = 0;
  int64_t files = 0, other_files = 0, bytes = 0;
  double loadavg_1m = 0;  // just before the run
  int exit_code = 0, signal = 0;
  std::string failure;  // "out of memory", "timeout after 300 s", ...
  std::string message;
  json child;  // the child's JSON (native cases) or duckpart's --json output
};

struct Case {
  std::string section;  // "main", "sweep_rows", "sweep_partitions"
  std::string group;    // first column of the table
  std::string gran_id;  // empty for the reference
  std::string table;
  std::string db;
  int64_t rows = 0;
  int64_t partitions = 1;
  std::string method;
  std::string ref_id;  // the id of the reference case this one is compared with
  std::string id;
  std::string skip;           // set: not run, with this reason
  std::string not_available;  // set after the first run: duckpart run does not exist
  bool stop = false;          // a timeout: not repeated in later rounds
  std::vector<RunRecord> runs;
};

const std::vector<std::string> kMethods = {"reference",     "native_unsorted",
                                           "native_sorted", "where_per_partition",
                                           "duckpart",      "duckpart_novalidate"};

// The flag of `duckpart run` that skips validation: the planned --no-validate, or what the
// binary's `run --help` offers (--no-verify).
std::string g_no_validate_flag = "--no-validate";

std::string MethodLabel(const std::string& m) {
  if (m == "reference") return "reference: COPY to one Parquet file";
  if (m == "native_unsorted") return "COPY ... PARTITION_BY";
  if (m == "native_sorted") return "COPY ... PARTITION_BY, sorted by key";
  if (m == "where_per_partition") return "one COPY ... WHERE per partition";
  if (m == "duckpart") return "duckpart run";
  if (m == "duckpart_novalidate") return "duckpart run " + g_no_validate_flag;
  return m;
}

struct Config {
  std::string size = "quick";
  int64_t rows = 0, wide_rows = -1, seed = 42;
  int runs = 3;
  EngineSettings engine;
  std::vector<std::string> methods, grans;
  int64_t where_max_partitions = 1000;
  double timeout_s = 0;
  fs::path data_dir, results_dir, duckpart_bin, self_exe, source_dir;
  bool sweep = false, sweep_only = false;
  std::vector<int64_t> sweep_rows, sweep_partitions;
  int64_t sweep_partition_rows = 10'000'000;
  int sweep_runs = 1;
  std::vector<std::string> sweep_methods;
  bool duckpart_has_run = false;
  bool duckpart_has_temp_dir = false;  // `run --temp-dir`: spill where the native cases spill
};

fs::path DataFile(const Config& c, int64_t rows, int64_t wide_rows) {
  return c.data_dir /
         fmt::format("events-r{}-w{}-s{}-g{}.duckdb", rows, wide_rows, c.seed, kGeneratorVersion);
}

std::vector<std::string> EngineArgs(const Config& c) {
  return {"--memory-limit",
          c.engine.memory_limit,
          "--threads",
          std::to_string(c.engine.threads),
          "--preserve-insertion-order",
          c.engine.preserve_insertion_order ? "true" : "false",
          "--temp-dir",
          c.engine.temp_dir};
}

fs::path LogDir(const Config& c) { return c.results_dir / "logs"; }

// Makes the data file when it is missing; false (with a message) when it cannot.
bool EnsureData(const Config& c, int64_t rows, int64_t wide_rows, std::string* why) {
  const fs::path path = DataFile(c, rows, wide_rows);
  if (fs::exists(path)) {
    std::cerr << fmt::format("data: reusing {} ({})\n", path.string(),
                             HumanBytes(static_cast<double>(fs::file_size(path))));
    return true;
  }
  fs::create_directories(c.data_dir);
  const auto space = fs::space(c.data_dir);
  const double need = static_cast<double>(rows + wide_rows) * 40.0;
  if (static_cast<double>(space.available) < need * 1.5) {
    *why = fmt::format("not enough disk for {} rows (need ~{}, have {})", Thousands(rows),
                       HumanBytes(need * 1.5), HumanBytes(static_cast<double>(space.available)));
    return false;
  }
  std::cerr << fmt::format(
      "data: generating {} rows{} into {} ...\n", Thousands(rows),
      wide_rows > 0 ? fmt::format(" (+{} wide-range rows)", Thousands(wide_rows)) : "",
      path.string());
  std::vector<std::string> argv = {c.self_exe.string(),
                                   "--child-generate",
                                   "--db",
                                   path.string(),
                                   "--rows",
                                   std::to_string(rows),
                                   "--wide-rows",
                                   std::to_string(wide_rows),
                                   "--seed",
                                   std::to_string(c.seed)};
  for (auto& a : EngineArgs(c)) argv.push_back(a);
  const ProcResult p = RunProcess(argv, LogDir(c) / fmt::format("generate-r{}.out", rows),
                                  LogDir(c) / fmt::format("generate-r{}.err", rows), 1e9);
  if (p.exit_code != 0 || !fs::exists(path)) {
    auto j = ParseLastJsonLine(LogDir(c) / fmt::format("generate-r{}.out", rows));
    *why = fmt::format("data generation failed: {}",
                       j && j->contains("message")
                           ? (*j)["message"].get<std::string>()
                           : fmt::format("exit {} signal {}", p.exit_code, p.signal));
    return false;
  }
  std::cerr << fmt::format("data: made in {}, {}\n", HumanSeconds(p.wall_s),
                           HumanBytes(static_cast<double>(fs::file_size(path))));
  return true;
}

std::optional<json> Inspect(const Config& c, const fs::path& db_path,
                            const std::vector<std::string>& grans) {
  std::string list;
  for (const auto& g : grans) list += (list.empty() ? "" : ",") + g;
  std::vector<std::string> argv = {c.self_exe.string(), "--child-info", "--db",
                                   db_path.string(),    "--grans",      list};
  for (auto& a : EngineArgs(c)) argv.push_back(a);
  const fs::path out = LogDir(c) / "info.out";
  RunProcess(argv, out, LogDir(c) / "info.err", 3600);
  auto j = ParseLastJsonLine(out);
  if (!j || !(*j).value("ok", false)) {
    std::cerr << "inspecting " << db_path
              << " failed: " << (j ? j->dump() : ReadFile(LogDir(c) / "info.err")) << "\n";
    return std::nullopt;
  }
  return j;
}

struct DiskUse {
  int64_t parquet_files = 0;
  int64_t other_files = 0;
  int64_t bytes = 0;  // of all regular files
};

// Everything under `root`, symbolic links not followed: duckpart's target is a link into a
// hidden store beside it (.<name>.duckpart/), which this counts once, with its manifest,
// lock and any leftovers.
DiskUse CountFiles(const fs::path& root) {
  DiskUse d;
  std::error_code ec;
  if (!fs::exists(root, ec)) return d;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    (it->path().extension() == ".parquet" ? d.parquet_files : d.other_files) += 1;
    d.bytes += static_cast<int64_t>(it->file_size(ec));
  }
  return d;
}

bool DuckpartUnknownCommand(const std::string& err) {
  return ContainsNoCase(err, "unknown command") || ContainsNoCase(err, "subcommand is required") ||
         ContainsNoCase(err, "unknown subcommand");
}

void RunOne(const Config& c, Case& k, int round) {
  // Each run writes to out/dataset; out/ holds whatever else the writer puts beside its
  // target, and is counted and removed as a whole.
  const fs::path out_root = c.data_dir / "out";
  const fs::path out_dir = out_root / "dataset";
  RemoveAll(out_root);
  fs::create_directories(out_root);
  RemoveAll(c.engine.temp_dir);
  fs::create_directories(c.engine.temp_dir);
  const std::string stem = fmt::format("{}-r{}", k.id, round);
  const fs::path out_log = LogDir(c) / (stem + ".out");
  const fs::path err_log = LogDir(c) / (stem + ".err");
  std::vector<std::string> argv;
  const bool is_duckpart = k.method == "duckpart" || k.method == "duckpart_novalidate";
  if (is_duckpart) {
    const Granularity g = MustGranularity(k.gran_id);
    argv = {c.duckpart_bin.string(),
            "run",
            "--db",
            k.db,
            "--table",
            g.table,
            "--by",
            g.spec,
            "--to",
            out_dir.string(),
            "--memory-limit",
            c.engine.memory_limit,
            "--threads",
            std::to_string(c.engine.threads),
            "--json"};
    if (c.duckpart_has_temp_dir) {
      argv.push_back("--temp-dir");
      argv.push_back(c.engine.temp_dir);
    }
    if (k.method == "duckpart_novalidate") argv.push_back(g_no_validate_flag);
  } else {
    argv = {c.self_exe.string(),
            "--child-case",
            "--db",
            k.db,
            "--table",
            k.table,
            "--method",
            k.method,
            "--out",
            out_dir.string()};
    if (!k.gran_id.empty()) {
      argv.push_back("--gran");
      argv.push_back(k.gran_id);
    }
    for (auto& a : EngineArgs(c)) argv.push_back(a);
  }
  std::cerr << fmt::format("[round {}/{}] {:<28} {:<38} ", round,
                           k.section == "main" ? c.runs : c.sweep_runs, k.group,
                           MethodLabel(k.method));
  const double load = LoadAverage1();
  g_load_samples.push_back(load);
  const ProcResult p = RunProcess(argv, out_log, err_log, c.timeout_s);
  RunRecord r;
  r.round = round;
  r.loadavg_1m = load;
  r.wall_s = p.wall_s;
  r.maxrss_bytes = p.maxrss_bytes;
  r.user_s = p.user_s;
  r.sys_s = p.sys_s;
  r.exit_code = p.exit_code;
  r.signal = p.signal;
  const DiskUse use = CountFiles(out_root);
  r.files = use.parquet_files;
  r.other_files = use.other_files;
  r.bytes = use.bytes;
  const std::string err = ReadFile(err_log);
  auto j = ParseLastJsonLine(out_log);
  if (j) r.child = *j;
  if (j && j->contains("query_s")) r.query_s = (*j)["query_s"].get<double>();
  if (p.interrupted) {
    r.failure = "interrupted";
  } else if (p.timed_out) {
    r.failure = fmt::format("timeout after {:.0f} s", c.timeout_s);
    k.stop = true;
  } else if (p.signal != 0) {
    r.failure = p.signal == SIGKILL
                    ? "killed by SIGKILL (the kernel's OOM killer?)"
                    : fmt::format("crashed: signal {} ({})", p.signal, strsignal(p.signal));
  } else if (p.exit_code == 0) {
    r.ok = true;
  } else if (is_duckpart && p.exit_code == 2 &&
             (DuckpartUnknownCommand(err) || !c.duckpart_has_run)) {
    k.not_available = OneLine(LastLine(err), 160);
    std::cerr << "not available\n";
    RemoveAll(out_root);
    return;
  } else if (is_duckpart) {
    r.message = OneLine(LastLine(err));
    if (ContainsNoCase(err, "out of memory")) {
      r.failure = "out of memory";
    } else if (p.exit_code == 1) {
      r.failure = "check failed";
    } else if (p.exit_code == 2) {
      r.failure = "usage error";
    } else {
      r.failure = fmt::format("exit {}", p.exit_code);
    }
  } else {
    const std::string kind = j ? j->value("error_kind", "") : "";
    r.message = j ? OneLine(j->value("message", "")) : OneLine(LastLine(err));
    r.failure = kind == "out_of_memory" ? "out of memory"
                : kind.empty()          ? fmt::format("exit {}", p.exit_code)
                                        : "error: " + kind;
  }
  std::cerr << (r.ok
                    ? fmt::format("{:>9}  RSS {:>10}  {:>7} files", HumanSeconds(r.wall_s),
                                  HumanBytes(static_cast<double>(r.maxrss_bytes)),
                                  Thousands(r.files))
                    : fmt::format("FAILED ({}) after {}, RSS {}", r.failure, HumanSeconds(r.wall_s),
                                  HumanBytes(static_cast<double>(r.maxrss_bytes))))
            << "\n";
  k.runs.push_back(std::move(r));
  RemoveAll(out_root);
}

void RunRounds(const Config& c, std::vector<Case>& cases, int runs) {
  for (int round = 1; round <= runs && !g_interrupted; ++round) {
    for (auto& k : cases) {
      if (g_interrupted) break;
      if (!k.skip.empty() || !k.not_available.empty() || k.stop) continue;
      RunOne(c, k, round);
    }
  }
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Summary {
  std::string status;
  int ok = 0, total = 0;
  std::optional<double> median_s, ratio;
  int64_t peak_rss = 0;
  int64_t files_min = 0, files_max = 0, bytes_min = 0, bytes_max = 0;
};

Summary Summarize(const Case& k, const std::map<std::string, double>& ref_medians) {
  Summary s;
  s.total = static_cast<int>(k.runs.size());
  std::vector<double> walls;
  std::map<std::string, int> failures;
  std::string first_message;
  bool first_ok = true;
  for (const auto& r : k.runs) {
    s.peak_rss = std::max(s.peak_rss, r.maxrss_bytes);
    if (r.ok) {
      ++s.ok;
      walls.push_back(r.wall_s);
      if (first_ok) {
        s.files_min = s.files_max = r.files;
        s.bytes_min = s.bytes_max = r.bytes;
        first_ok = false;
      }
      s.files_min = std::min(s.files_min, r.files);
      s.files_max = std::max(s.files_max, r.files);
      s.bytes_min = std::min(s.bytes_min, r.bytes);
      s.bytes_max = std::max(s.bytes_max, r.bytes);
    } else {
      ++failures[r.failure];
      if (first_message.empty()) first_message = r.message;
    }
  }
  if (!walls.empty()) {
    s.median_s = Median(walls);
    auto it = ref_medians.find(k.ref_id);
    if (it != ref_medians.end() && it->second > 0) s.ratio = *s.median_s / it->second;
  }
  if (!k.skip.empty()) {
    s.status = k.skip;
  } else if (!k.not_available.empty()) {
    s.status = "not available: duckpart run is not implemented yet";
  } else if (s.total == 0) {
    s.status = "not run";
  } else if (failures.empty()) {
    s.status = fmt::format("ok ({}/{} runs)", s.ok, s.total);
  } else {
    std::string f;
    for (const auto& [why, n] : failures)
      f += fmt::format("{}{} {}/{}", f.empty() ? "" : "; ", why, n, s.total);
    s.status =
        fmt::format("**FAILED**: {}{}", f, s.ok ? fmt::format("; ok {}/{}", s.ok, s.total) : "");
    // DuckDB's out-of-memory text is long and always the same; other failures say more.
    if (!first_message.empty() && !ContainsNoCase(first_message, "out of memory")) {
      s.status += fmt::format(" (`{}`)", OneLine(first_message, 120));
    }
    if (k.stop) s.status += " (timeout: not repeated)";
  }
  return s;
}

std::string Range(int64_t lo, int64_t hi, bool bytes) {
  auto f = [&](int64_t v) { return bytes ? HumanBytes(static_cast<double>(v)) : Thousands(v); };
  return f(lo) == f(hi) ? f(lo) : f(lo) + " – " + f(hi);
}

std::map<std::string, double> ReferenceMedians(const std::vector<Case>& cases) {
  std::map<std::string, double> out;
  for (const auto& k : cases) {
    if (k.method != "reference") continue;
    std::vector<double> w;
    for (const auto& r : k.runs)
      if (r.ok) w.push_back(r.wall_s);
    if (!w.empty()) out[k.id] = Median(w);
  }
  return out;
}

std::string MarkdownTable(const std::vector<Case>& cases, const std::string& first_col) {
  const auto refs = ReferenceMedians(cases);
  std::string md = fmt::format(
      "| {} | partitions | method | status | median wall | vs reference | peak RSS | Parquet files "
      "| bytes |\n"
      "|---|---:|---|---|---:|---:|---:|---:|---:|\n",
      first_col);
  for (const auto& k : cases) {
    const Summary s = Summarize(k, refs);
    const bool shown = s.total > 0;
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", k.group,
                      Thousands(k.partitions), MethodLabel(k.method), s.status,
                      s.median_s ? HumanSeconds(*s.median_s) : "—",
                      s.ratio ? fmt::format("{:.2f}×", *s.ratio) : "—",
                      shown && s.peak_rss ? HumanBytes(static_cast<double>(s.peak_rss)) : "—",
                      s.ok ? Range(s.files_min, s.files_max, false) : "—",
                      s.ok ? Range(s.bytes_min, s.bytes_max, true) : "—");
  }
  return md;
}

json CasesJson(const std::vector<Case>& cases) {
  const auto refs = ReferenceMedians(cases);
  json arr = json::array();
  for (const auto& k : cases) {
    const Summary s = Summarize(k, refs);
    json runs = json::array();
    for (const auto& r : k.runs) {
      json jr = {{"round", r.round},
                 {"ok", r.ok},
                 {"wall_s", r.wall_s},
                 {"peak_rss_bytes", r.maxrss_bytes},
                 {"user_s", r.user_s},
                 {"sys_s", r.sys_s},
                 {"loadavg_1m_before", r.loadavg_1m},
                 {"parquet_files", r.files},
                 {"other_files", r.other_files},
                 {"bytes", r.bytes},
                 {"exit_code", r.exit_code},
                 {"signal", r.signal}};
      if (r.query_s) jr["query_s"] = *r.query_s;
      if (!r.ok) {
        jr["failure"] = r.failure;
        jr["message"] = r.message;
      }
      if (!r.child.is_null()) jr["child"] = r.child;
      runs.push_back(jr);
    }
    json jc = {{"id", k.id},
               {"section", k.section},
               {"group", k.group},
               {"granularity", k.gran_id},
               {"table", k.table},
               {"database", k.db},
               {"rows", k.rows},
               {"partitions", k.partitions},
               {"method", k.method},
               {"method_label", MethodLabel(k.method)},
               {"reference", k.ref_id},
               {"status", s.status},
               {"ok_runs", s.ok},
               {"runs_attempted", s.total},
               {"median_wall_s", s.median_s ? json(*s.median_s) : json(nullptr)},
               {"ratio_to_reference", s.ratio ? json(*s.ratio) : json(nullptr)},
               {"peak_rss_bytes", s.peak_rss},
               {"parquet_files", s.ok ? json({s.files_min, s.files_max}) : json(nullptr)},
               {"bytes", s.ok ? json({s.bytes_min, s.bytes_max}) : json(nullptr)},
               {"runs", runs}};
    if (!k.skip.empty()) jc["skipped"] = k.skip;
    if (!k.not_available.empty()) jc["not_available"] = k.not_available;
    if (k.method != "reference" && !k.gran_id.empty()) jc["spec"] = MustGranularity(k.gran_id).spec;
    arr.push_back(jc);
  }
  return arr;
}

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\n"));
  s.erase(s.find_last_not_of(" \t\n") + 1);
  return s;
}

std::string Capture(const std::string& cmd) {
  std::string out;
  if (FILE* f = popen(cmd.c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, f)) out += buf;
    pclose(f);
  }
  return Trim(out);
}

json MachineJson(const Config& c) {
  json m;
  std::ifstream cpu("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpu, line)) {
    if (line.rfind("model name", 0) == 0) {
      m["cpu_model"] = Trim(line.substr(line.find(':') + 1));
      break;
    }
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  m["cpus_online"] = sysconf(_SC_NPROCESSORS_ONLN);
  if (sched_getaffinity(0, sizeof set, &set) == 0) m["cpus_usable"] = CPU_COUNT(&set);
  m["ram_bytes"] = static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  const std::string cg = Trim(ReadFile("/sys/fs/cgroup/memory.max"));
  if (!cg.empty()) m["cgroup_memory_max"] = cg;
  utsname u{};
  if (uname(&u) == 0) m["kernel"] = fmt::format("{} {} {}", u.sysname, u.release, u.machine);
  std::error_code ec;
  const auto space = fs::space(c.data_dir, ec);
  if (!ec) m["data_dir_free_bytes"] = static_cast<int64_t>(space.available);
  return m;
}

std::string UtcNow(const char* format) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::vector<Case> MainCases(const Config& c, const std::string& db_path, const json& info) {
  std::vector<Case> cases;
  auto has = [&](const std::string& m) {
    return std::find(c.methods.begin(), c.methods.end(), m) != c.methods.end();
  };
  auto rows_of = [&](const std::string& t) -> int64_t {
    return info["tables"].contains(t) ? info["tables"][t].get<int64_t>() : 0;
  };
  auto add_reference = [&](const std::string& table, const std::string& group) {
    Case k;
    k.section = "main";
    k.group = group;
    k.table = table;
    k.db = db_path;
    k.rows = rows_of(table);
    k.method = "reference";
    k.id = "main-ref-" + table;
    k.ref_id = k.id;
    cases.push_back(k);
  };
  add_reference("events", "reference (events)");
  bool wide_ref = false;
  for (const auto& id : c.grans) {
    const Granularity g = MustGranularity(id);
    if (g.table == "events_wide" && !wide_ref) {
      add_reference("events_wide", "reference (events_wide)");
      wide_ref = true;
    }
    for (const auto& m : c.methods) {
      if (m == "reference" || !has(m)) continue;
      Case k;
      k.section = "main";
      k.group = g.label;
      k.gran_id = id;
      k.table = g.table;
      k.db = db_path;
      k.rows = rows_of(g.table);
      k.partitions = info["partitions"][id].get<int64_t>();
      k.method = m;
      k.id = fmt::format("main-{}-{}", id, m);
      k.ref_id = "main-ref-" + g.table;
      if (m == "where_per_partition" && k.partitions > c.where_max_partitions) {
        k.skip = fmt::format(
            "skipped: too slow at this size ({} partitions = {} full scans > "
            "--where-max-partitions {})",
            Thousands(k.partitions), Thousands(k.partitions), Thousands(c.where_max_partitions));
      }
      cases.push_back(k);
    }
  }
  return cases;
}

void PrintAndSave(const Config& c, const json& doc, const std::string& md) {
  fs::create_directories(c.results_dir);
  std::ofstream(c.results_dir / "results.md") << md;
  std::ofstream(c.results_dir / "results.json") << doc.dump(2) << "\n";
  const fs::path parent = c.results_dir.parent_path();
  std::error_code ec;
  fs::copy_file(c.results_dir / "results.md", parent / "latest.md",
                fs::copy_options::overwrite_existing, ec);
  fs::copy_file(c.results_dir / "results.json", parent / "latest.json",
                fs::copy_options::overwrite_existing, ec);
}

int RunParent(Config& c) {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const auto t_start = Clock::now();
  fs::create_directories(LogDir(c));
  fs::create_directories(c.data_dir);

  // Measure one duckpart for the whole run: a copy, so a rebuild of build/duckpart meanwhile
  // (someone else's make) cannot mix two versions into one table. Its RPATH is absolute.
  const fs::path duckpart_source = c.duckpart_bin;
  {
    fs::create_directories(c.results_dir / "bin");
    const fs::path copy = c.results_dir / "bin" / "duckpart";
    std::error_code ec;
    fs::copy_file(c.duckpart_bin, copy, fs::copy_options::overwrite_existing, ec);
    if (!ec) c.duckpart_bin = copy;
  }
  // FNV-1a of the measured binary, to tell later which build produced the figures.
  uint64_t duckpart_hash = 14695981039346656037ull;
  for (unsigned char ch : ReadFile(c.duckpart_bin)) {
    duckpart_hash = (duckpart_hash ^ ch) * 1099511628211ull;
  }
  const std::string duckpart_version =
      Trim(Capture(fmt::format("'{}' --version 2>&1", c.duckpart_bin.string())));

  // Is `duckpart run` there? (`duckpart --help` lists the commands.)
  {
    const fs::path out = LogDir(c) / "duckpart-help.out";
    RunProcess({c.duckpart_bin.string(), "--help"}, out, LogDir(c) / "duckpart-help.err", 60);
    const std::string help = ReadFile(out);
    std::istringstream in(help);
    std::string line;
    while (std::getline(in, line)) {
      if (Trim(line).rfind("run ", 0) == 0 || Trim(line) == "run") c.duckpart_has_run = true;
    }
    if (c.duckpart_has_run) {
      const fs::path run_out = LogDir(c) / "duckpart-run-help.out";
      RunProcess({c.duckpart_bin.string(), "run", "--help"}, run_out,
                 LogDir(c) / "duckpart-run-help.err", 60);
      const std::string run_help = ReadFile(run_out);
      if (run_help.find("--no-validate") == std::string::npos &&
          run_help.find("--no-verify") != std::string::npos) {
        g_no_validate_flag = "--no-verify";
      }
      c.duckpart_has_temp_dir = run_help.find("--temp-dir") != std::string::npos;
    }
  }

  const std::string date = UtcNow("%Y-%m-%d %H:%M UTC");
  const std::string git =
      Capture(fmt::format("git -C '{}' rev-parse --short HEAD 2>/dev/null", c.source_dir.string()));
  const bool dirty =
      !Capture(fmt::format("git -C '{}' status --porcelain --untracked-files=no 2>/dev/null",
                           c.source_dir.string()))
           .empty();
  json machine = MachineJson(c);
  const int64_t harness_rss_kb = SelfRssKb();
  const std::string load_before = Trim(ReadFile("/proc/loadavg"));

  json settings = {{"memory_limit", c.engine.memory_limit},
                   {"threads", c.engine.threads},
                   {"preserve_insertion_order", c.engine.preserve_insertion_order},
                   {"temp_directory", c.engine.temp_dir},
                   {"runs", c.runs},
                   {"timeout_s", c.timeout_s},
                   {"where_max_partitions", c.where_max_partitions},
                   {"harness_rss_at_fork_kb", harness_rss_kb}};
  const std::string settings_line = fmt::format(
      "memory_limit={}, threads={}, preserve_insertion_order={} (native cases; duckpart gets "
      "--memory-limit {} --threads {}{}), temp_directory={}",
      c.engine.memory_limit, c.engine.threads, c.engine.preserve_insertion_order ? "true" : "false",
      c.engine.memory_limit, c.engine.threads, c.duckpart_has_temp_dir ? " --temp-dir (same)" : "",
      c.engine.temp_dir);
  std::cerr << "settings: " << settings_line << "\n";
  std::cerr << "duckpart: " << c.duckpart_bin.string()
            << (c.duckpart_has_run ? " (has `run`)" : " (no `run` command yet)") << "\n";

  json doc = {{"harness", "duckpart_bench"},
              {"date", date},
              {"size", c.size},
              {"seed", c.seed},
              {"machine", machine},
              {"duckdb_version", db::LibraryVersion()},
              {"duckpart_version", duckpart::kVersion},
              {"git_commit", git},
              {"git_dirty", dirty},
              {"duckpart_binary", duckpart_source.string()},
              {"duckpart_binary_fnv1a64", fmt::format("{:016x}", duckpart_hash)},
              {"duckpart_version_output", duckpart_version},
              {"duckpart_run_available", c.duckpart_has_run},
              {"duckpart_no_validate_flag", g_no_validate_flag},
              {"settings", settings}};

  std::string md = c.sweep_only ? std::string("# duckpart benchmark: scaling sweep\n\n")
                                : fmt::format("# duckpart benchmark: {} size\n\n", c.size);
  md += fmt::format(
      "- Date: {}. Machine: {} usable CPUs of {} ({}), {} RAM, {}.\n"
      "- DuckDB {}; duckpart {} (git {}{}), `duckpart run` {}.\n"
      "- Settings for every case: {}.\n"
      "- Each case runs in its own child process; cases alternate round-robin within one run. "
      "Wall time is the median over the successful runs, measured from fork to exit (process "
      "start, database open, write); the ratio is to the unpartitioned COPY of the same table. "
      "Peak RSS is the child's `ru_maxrss` from `wait4`, the largest over the runs (the harness "
      "itself was {} at fork). Parquet files and bytes are counted by walking the output folder "
      "(symbolic links not followed) after each run; bytes include any other file the writer "
      "left there (duckpart's manifest and lock); a range when runs differ. Per-case timeout "
      "{:.0f} s.\n",
      date, machine.value("cpus_usable", 0), machine.value("cpus_online", 0L),
      machine.value("cpu_model", std::string("?")),
      HumanBytes(static_cast<double>(machine.value("ram_bytes", int64_t{0}))),
      machine.value("kernel", std::string("?")), db::LibraryVersion(), duckpart::kVersion, git,
      dirty ? ", uncommitted changes" : "",
      c.duckpart_has_run ? "available" : "not implemented yet", settings_line,
      HumanBytes(static_cast<double>(harness_rss_kb) * 1024), c.timeout_s);

  // --- main matrix
  if (!c.sweep_only) {
    std::string why;
    if (!EnsureData(c, c.rows, c.wide_rows, &why)) {
      std::cerr << "error: " << why << "\n";
      return 1;
    }
    const fs::path db_path = DataFile(c, c.rows, c.wide_rows);
    auto info = Inspect(c, db_path, c.grans);
    if (!info) return 1;
    doc["effective_duckdb_settings"] = (*info)["settings"];
    doc["data"] = {{"database", db_path.string()},
                   {"database_bytes", fs::file_size(db_path)},
                   {"tables", (*info)["tables"]},
                   {"partitions", (*info)["partitions"]}};
    std::vector<Case> cases = MainCases(c, db_path.string(), *info);
    std::cerr << fmt::format("main: {} cases x {} runs\n", cases.size(), c.runs);
    RunRounds(c, cases, c.runs);
    doc["cases"] = CasesJson(cases);
    std::string data_line = fmt::format("- Data: `events` {} rows",
                                        Thousands((*info)["tables"].value("events", int64_t{0})));
    if ((*info)["tables"].contains("events_wide")) {
      data_line += fmt::format(", `events_wide` {} rows (timestamps over 63 years)",
                               Thousands((*info)["tables"]["events_wide"].get<int64_t>()));
    }
    data_line += fmt::format(", seed {}; database file {}.\n", c.seed,
                             HumanBytes(static_cast<double>(fs::file_size(db_path))));
    md += data_line;
    md += "\n## Granularities\n\n" + MarkdownTable(cases, "granularity");
  }

  // --- scaling sweep
  if (c.sweep || c.sweep_only) {
    std::vector<Case> sweep;
    md += "\n## Scaling sweep: rows (day(ts), about 730 partitions)\n\n";
    for (int64_t rows : c.sweep_rows) {
      if (g_interrupted) break;
      std::string why;
      const double need = static_cast<double>(rows) * 200.0;  // data + output + spill
      const auto space = fs::space(c.data_dir);
      const bool exists = fs::exists(DataFile(c, rows, 0));
      std::vector<Case> point;
      Case base;
      base.section = "sweep_rows";
      base.group = HumanCount(rows) + " rows";
      base.table = "events";
      base.db = DataFile(c, rows, 0).string();
      base.rows = rows;
      if ((!exists && static_cast<double>(space.available) < need) ||
          (exists && static_cast<double>(space.available) < need * 0.8)) {
        why = fmt::format("skipped: not enough disk (~{} needed, {} free)", HumanBytes(need),
                          HumanBytes(static_cast<double>(space.available)));
      } else if (!EnsureData(c, rows, 0, &why)) {
        why = "skipped: " + why;
      }
      std::optional<json> info;
      if (why.empty()) info = Inspect(c, base.db, {"day"});
      if (why.empty() && !info) why = "skipped: cannot inspect the data";
      for (const auto& m : c.sweep_methods) {
        Case k = base;
        k.method = m;
        k.id = fmt::format("sweep-rows{}-{}", rows, m);
        k.ref_id = fmt::format("sweep-rows{}-reference", rows);
        if (m != "reference") {
          k.gran_id = "day";
          k.partitions = info ? (*info)["partitions"]["day"].get<int64_t>() : 0;
          if (m == "where_per_partition" && k.partitions > c.where_max_partitions) {
            k.skip = "skipped: too slow at this size";
          }
        }
        if (!why.empty()) k.skip = why;
        point.push_back(k);
      }
      RunRounds(c, point, c.sweep_runs);
      for (auto& k : point) sweep.push_back(k);
    }
    std::vector<Case> rows_cases(sweep.begin(), sweep.end());
    md += MarkdownTable(rows_cases, "rows");

    std::vector<Case> parts_cases;
    const int64_t prow = c.sweep_partition_rows;
    md += fmt::format("\n## Scaling sweep: partitions (bucket(N, id), {} rows)\n\n",
                      HumanCount(prow));
    {
      std::string why;
      const double need = static_cast<double>(prow) * 200.0;
      const auto space = fs::space(c.data_dir);
      if (!fs::exists(DataFile(c, prow, 0)) && static_cast<double>(space.available) < need) {
        why = fmt::format("skipped: not enough disk (~{} needed, {} free)", HumanBytes(need),
                          HumanBytes(static_cast<double>(space.available)));
      } else if (!EnsureData(c, prow, 0, &why)) {
        why = "skipped: " + why;
      }
      std::vector<std::string> grans;
      for (int64_t n : c.sweep_partitions) grans.push_back(fmt::format("idbucket{}", n));
      const std::string db_path = DataFile(c, prow, 0).string();
      std::optional<json> info;
      if (why.empty()) info = Inspect(c, db_path, grans);
      if (why.empty() && !info) why = "skipped: cannot inspect the data";
      Case ref;
      ref.section = "sweep_partitions";
      ref.group = "reference";
      ref.table = "events";
      ref.db = db_path;
      ref.rows = prow;
      ref.method = "reference";
      ref.id = fmt::format("sweep-parts-r{}-reference", prow);
      ref.ref_id = ref.id;
      if (!why.empty()) ref.skip = why;
      parts_cases.push_back(ref);
      for (size_t i = 0; i < grans.size(); ++i) {
        for (const auto& m : c.sweep_methods) {
          if (m == "reference") continue;
          Case k = ref;
          k.group = fmt::format("{} buckets", Thousands(c.sweep_partitions[i]));
          k.gran_id = grans[i];
          k.method = m;
          k.id = fmt::format("sweep-parts-{}-{}", grans[i], m);
          k.partitions =
              info ? (*info)["partitions"][grans[i]].get<int64_t>() : c.sweep_partitions[i];
          if (m == "where_per_partition" && k.partitions > c.where_max_partitions) {
            k.skip = fmt::format("skipped: too slow at this size ({} partitions)",
                                 Thousands(k.partitions));
          }
          if (!why.empty()) k.skip = why;
          parts_cases.push_back(k);
        }
      }
      RunRounds(c, parts_cases, c.sweep_runs);
    }
    md += MarkdownTable(parts_cases, "N");
    json all = CasesJson(rows_cases);
    for (auto& j : CasesJson(parts_cases)) all.push_back(j);
    doc["sweep"] = {{"runs", c.sweep_runs}, {"cases", all}};
  }

  const double total = Since(t_start);
  const std::string load_after = Trim(ReadFile("/proc/loadavg"));
  doc["total_seconds"] = total;
  doc["loadavg_before"] = load_before;
  doc["loadavg_after"] = load_after;
  doc["cleanup_seconds"] = g_cleanup_seconds;
  if (g_interrupted) doc["interrupted"] = true;
  if (!g_load_samples.empty()) {
    const double max_load = *std::max_element(g_load_samples.begin(), g_load_samples.end());
    double sum = 0;
    for (double v : g_load_samples) sum += v;
    const double mean_load = sum / static_cast<double>(g_load_samples.size());
    const int cpus = machine.value("cpus_usable", 0);
    doc["loadavg_1m_during"] = {{"mean", mean_load}, {"max", max_load}};
    if (cpus > 0 && mean_load > cpus * 0.75) {
      md += fmt::format(
          "\n**Warning: the machine was busy.** The 1-minute load average before each run was "
          "{:.1f} on average (at most {:.1f}) on {} usable CPUs, so other processes competed "
          "with the measured ones: times are inflated and noisy, and the ratios only roughly "
          "comparable. Rerun on an idle machine before quoting them.\n",
          mean_load, max_load, cpus);
    }
  }
  md += fmt::format(
      "\nTime outside the measured runs: {} deleting outputs between runs (not measured).\n",
      HumanSeconds(g_cleanup_seconds));
  md += fmt::format(
      "\nTotal harness time {}{}. Load average (1/5/15 min) before: {}; after: {} (other work on "
      "the machine skews the times). Raw figures: `results.json`; logs of every run: `logs/`.\n",
      HumanSeconds(total), g_interrupted ? " (INTERRUPTED: partial results)" : "",
      load_before.substr(
          0, load_before.find(' ', load_before.find(' ', load_before.find(' ') + 1) + 1)),
      load_after.substr(0,
                        load_after.find(' ', load_after.find(' ', load_after.find(' ') + 1) + 1)));
  PrintAndSave(c, doc, md);
  RemoveAll(c.results_dir / "bin");  // the pinned copy of duckpart (~50 MB) is no longer needed
  std::cout << md;
  std::cerr << "results: " << (c.results_dir / "results.md").string() << " and results.json\n";
  return g_interrupted ? 130 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "duckpart_bench: duckpart run against DuckDB's native partitioned COPY, one COPY per "
      "partition, and the unpartitioned reference. Usually started by bench/run.sh.",
      "duckpart_bench"};
  Config c;
  std::string rows_text, wide_text, pio = "true", methods = "all", grans = "all";
  std::string sweep_rows = "1M,10M,100M", sweep_parts = "10,100,1000,10000,100000";
  std::string sweep_prow = "10M",
              sweep_methods =
                  "reference,native_unsorted,native_sorted,duckpart,duckpart_novalidate";
  std::string data_dir = std::string(DUCKPART_SOURCE_DIR) + "/bench/data";
  std::string results_root = std::string(DUCKPART_SOURCE_DIR) + "/bench/results";
  std::string duckpart_bin = DUCKPART_BINARY;
  std::string temp_dir;
  double timeout = 0;
  app.add_option("--size", c.size,
                 "quick (2M rows), anchors (20M rows, the ANCHORS.md table) or large (100M)")
      ->check(CLI::IsMember({"quick", "anchors", "large"}))
      ->capture_default_str();
  app.add_option("--rows", rows_text, "Rows of the events table (overrides --size), e.g. 5M");
  app.add_option("--wide-rows", wide_text,
                 "Rows of the 63-year events_wide table (default: by size)");
  app.add_option("--seed", c.seed, "Seed of the generated data")->capture_default_str();
  app.add_option("--runs", c.runs, "Runs per case (median reported)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--memory-limit", c.engine.memory_limit, "DuckDB memory_limit of every case")
      ->capture_default_str();
  app.add_option("--threads", c.engine.threads, "DuckDB threads of every case")
      ->capture_default_str();
  app.add_option("--preserve-insertion-order", pio, "true or false, for the native cases")
      ->check(CLI::IsMember({"true", "false"}))
      ->capture_default_str();
  app.add_option("--cases", methods,
                 "Methods to run, comma-separated: reference,native_unsorted,native_sorted,"
                 "where_per_partition,duckpart,duckpart_novalidate (the reference always runs)")
      ->capture_default_str();
  app.add_option("--granularities", grans,
                 "Comma-separated: month,day,hour,bucket1024,quantile16,wide_day")
      ->capture_default_str();
  app.add_option("--where-max-partitions", c.where_max_partitions,
                 "Skip one-COPY-per-partition above this many partitions")
      ->capture_default_str();
  app.add_option("--timeout", timeout,
                 "Seconds before a case is killed (default by size: 300/1800/3600)");
  app.add_option("--data-dir", data_dir, "Where the generated databases and outputs live")
      ->capture_default_str();
  app.add_option("--results-dir", results_root, "Results root; each run writes a dated folder")
      ->capture_default_str();
  app.add_option("--duckpart", duckpart_bin, "The duckpart binary (the last one given wins)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->capture_default_str();
  app.add_option("--temp-dir", temp_dir, "DuckDB temp_directory (default DATA_DIR/tmp)");
  app.add_flag("--sweep", c.sweep, "Also run the scaling sweep (rows and partitions)");
  app.add_flag("--sweep-only", c.sweep_only, "Run only the scaling sweep");
  app.add_option("--sweep-rows", sweep_rows, "Row counts of the rows sweep")->capture_default_str();
  app.add_option("--sweep-partitions", sweep_parts, "Bucket counts of the partitions sweep")
      ->capture_default_str();
  app.add_option("--sweep-partition-rows", sweep_prow, "Rows of the partitions sweep")
      ->capture_default_str();
  app.add_option("--sweep-runs", c.sweep_runs, "Runs per sweep case")->capture_default_str();
  app.add_option("--sweep-cases", sweep_methods, "Methods of the sweep")->capture_default_str();

  // Child modes (internal).
  std::string child_db, child_table = "events", child_gran, child_method, child_out, child_grans;
  bool child_generate = false, child_info = false, child_case = false;
  auto* internal = app.add_option_group("internal");
  internal->add_flag("--child-generate", child_generate);
  internal->add_flag("--child-info", child_info);
  internal->add_flag("--child-case", child_case);
  internal->add_option("--db", child_db);
  internal->add_option("--table", child_table);
  internal->add_option("--gran", child_gran);
  internal->add_option("--method", child_method);
  internal->add_option("--out", child_out);
  internal->add_option("--grans", child_grans);
  CLI11_PARSE(app, argc, argv);

  c.engine.preserve_insertion_order = pio == "true";
  if (!temp_dir.empty()) c.engine.temp_dir = temp_dir;
  try {
    if (child_generate) {
      return ChildGenerate(c.engine, child_db, ParseCount(rows_text), ParseCount(wide_text),
                           c.seed);
    }
    if (child_info) return ChildInfo(c.engine, child_db, SplitList(child_grans));
    if (child_case) {
      return ChildCase(c.engine, child_db, child_table, child_gran, child_method, child_out);
    }

    const std::map<std::string, std::tuple<int64_t, int64_t, double>> sizes = {
        {"quick", {2'000'000, 500'000, 300}},
        {"anchors", {20'000'000, 2'000'000, 1800}},
        {"large", {100'000'000, 10'000'000, 3600}}};
    const auto& [srows, swide, stimeout] = sizes.at(c.size);
    c.rows = rows_text.empty() ? srows : ParseCount(rows_text);
    c.wide_rows = wide_text.empty() ? swide : ParseCount(wide_text);
    c.timeout_s = timeout > 0 ? timeout : stimeout;
    c.methods = methods == "all" ? kMethods : SplitList(methods);
    if (std::find(c.methods.begin(), c.methods.end(), "reference") == c.methods.end()) {
      c.methods.insert(c.methods.begin(), "reference");
    }
    for (const auto& m : c.methods) {
      if (std::find(kMethods.begin(), kMethods.end(), m) == kMethods.end()) {
        throw std::invalid_argument("unknown case '" + m + "'");
      }
    }
    c.grans = grans == "all" ? std::vector<std::string>{"month",      "day",        "hour",
                                                        "bucket1024", "quantile16", "wide_day"}
                             : SplitList(grans);
    for (const auto& g : c.grans) MustGranularity(g);
    bool wide = false;
    for (const auto& g : c.grans) wide |= MustGranularity(g).table == "events_wide";
    if (!wide) c.wide_rows = 0;
    for (const auto& r : SplitList(sweep_rows)) c.sweep_rows.push_back(ParseCount(r));
    for (const auto& p : SplitList(sweep_parts)) c.sweep_partitions.push_back(ParseCount(p));
    c.sweep_partition_rows = ParseCount(sweep_prow);
    c.sweep_methods = SplitList(sweep_methods);
    if (std::find(c.sweep_methods.begin(), c.sweep_methods.end(), "reference") ==
        c.sweep_methods.end()) {
      c.sweep_methods.insert(c.sweep_methods.begin(), "reference");
    }
    c.data_dir = fs::absolute(data_dir);
    if (c.engine.temp_dir.empty()) c.engine.temp_dir = (c.data_dir / "tmp").string();
    c.engine.temp_dir = fs::absolute(c.engine.temp_dir).string();
    c.results_dir = fs::absolute(results_root) / (UtcNow("%Y%m%d-%H%M%S") + "-" +
                                                  (c.sweep_only ? std::string("sweep") : c.size));
    c.duckpart_bin = fs::absolute(duckpart_bin);
    // Children exec /proc/self/exe: the very image this process runs, even if the build
    // replaces build/bench/duckpart_bench meanwhile.
    c.self_exe = "/proc/self/exe";
    c.source_dir = DUCKPART_SOURCE_DIR;
    return RunParent(c);
  } catch (const std::exception& e) {
    std::cerr << "duckpart_bench: error: " << e.what() << "\n";
    return 2;
  }
}

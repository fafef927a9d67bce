// Helpers for end-to-end tests of Parquet datasets: demo sources, content read back
// through an independent DuckDB session, the store beside a dataset, its manifest, and
// a child process that can be signalled.
//
//   TempDir dir;
//   const std::string db = MakeDemo(dir / "src", 50'000);
//   ASSERT_EQ(RunDuckpart({"run", "--db", db, "--table", "events", "--by", "tag",
//                          "--to", dir / "ds", "--quiet"}).exit_code, 0);
//   EXPECT_EQ(ParquetContent(dir / "ds"), SourceContent(db));
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "db/database.h"
#include "db/sql.h"
#include "plan/keys.h"
#include "support/run_binary.h"

namespace duckpart::testing {

// All columns of the demo's events table, in order.
inline constexpr const char* kEventColumns = "id, ts, user_id, amount, category, referrer, tag";

// The order-independent content checksum of the events columns, as text.
inline std::string ChecksumSql() {
  return std::string("CAST(coalesce(sum(hash(") + kEventColumns + ")::HUGEINT), 0) AS VARCHAR)";
}

// Makes DIR/demo.db through the binary and returns its path.
inline std::string MakeDemo(const std::string& dir, int64_t rows, int64_t seed = 42) {
  RunResult r = RunDuckpart({"demo", "--rows", std::to_string(rows), "--seed", std::to_string(seed),
                             "--dir", dir, "--quiet"});
  if (r.exit_code != 0) throw std::runtime_error("duckpart demo failed: " + r.err);
  return (std::filesystem::path(dir) / "demo.db").string();
}

struct Content {
  int64_t rows = -1;
  std::string checksum;
  bool operator==(const Content&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const Content& c) {
  return os << c.rows << " rows, checksum " << c.checksum;
}

// An in-memory DuckDB session in UTC, independent of duckpart's own code paths.
class Session {
 public:
  Session() : database_(db::DatabaseOptions{}), conn_(database_) {
    conn_.Execute("SET TimeZone = 'UTC'");
  }
  db::Connection& conn() { return conn_; }
  std::string Scalar(const std::string& sql) {
    db::Result r = conn_.Query(sql);
    return r.IsNull(0, 0) ? "NULL" : r.GetString(0, 0);
  }
  int64_t Int(const std::string& sql) { return conn_.Query(sql).GetInt64(0, 0); }
  void AttachReadOnly(const std::string& db_path, const std::string& alias = "src") {
    conn_.Execute("ATTACH " + db::QuoteLiteral(db_path) + " AS " + db::QuoteIdent(alias) +
                  " (READ_ONLY)");
  }

 private:
  db::Database database_;
  db::Connection conn_;
};

// Rows and checksum of the source table events.
inline Content SourceContent(const std::string& db_path, const std::string& where = "true") {
  Session s;
  s.AttachReadOnly(db_path);
  db::Result r =
      s.conn().Query("SELECT count(*), " + ChecksumSql() + " FROM src.events WHERE " + where);
  return {r.GetInt64(0, 0), r.GetString(0, 1)};
}

// The glob of every Parquet file of a dataset, through its link.
inline std::string ParquetGlob(const std::string& dataset_dir) {
  return (std::filesystem::path(dataset_dir) / "**" / "*.parquet").string();
}

// read_parquet over all of a dataset's files with the given extra options.
inline std::string ReadParquetSql(const std::string& dataset_dir, const std::string& options) {
  return "read_parquet(" + db::QuoteLiteral(ParquetGlob(dataset_dir)) + ", " + options + ")";
}

// Rows and checksum of every Parquet file under the dataset, values from the files only.
inline Content ParquetContent(const std::string& dataset_dir) {
  Session s;
  db::Result r = s.conn().Query("SELECT count(*), " + ChecksumSql() + " FROM " +
                                ReadParquetSql(dataset_dir, "hive_partitioning = false"));
  return {r.GetInt64(0, 0), r.GetString(0, 1)};
}

// The store folder beside a dataset: DIR -> .DIR.duckpart/
inline std::filesystem::path StoreOf(const std::string& dataset_dir) {
  const std::filesystem::path t(dataset_dir);
  return t.parent_path() / ("." + t.filename().string() + ".duckpart");
}

// Names of the entries in a folder, sorted.
inline std::vector<std::string> Entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Store entries whose name starts with "staging-".
inline std::vector<std::string> StagingFolders(const std::string& dataset_dir) {
  std::vector<std::string> out;
  for (const auto& n : Entries(StoreOf(dataset_dir))) {
    if (n.rfind("staging-", 0) == 0) out.push_back(n);
  }
  return out;
}

// Where the dataset link points ("" when it is not a link).
inline std::string LinkTarget(const std::string& dataset_dir) {
  std::error_code ec;
  const auto target = std::filesystem::read_symlink(dataset_dir, ec);
  return ec ? "" : target.string();
}

inline nlohmann::json ManifestJson(const std::string& dataset_dir) {
  return nlohmann::json::parse(
      ReadFile((std::filesystem::path(dataset_dir) / "_duckpart" / "manifest.json").string()));
}

inline std::string ManifestText(const std::string& dataset_dir) {
  return ReadFile((std::filesystem::path(dataset_dir) / "_duckpart" / "manifest.json").string());
}

// The data file paths (relative to the dataset root) of the partition with this path.
inline std::vector<std::string> PartitionFiles(const nlohmann::json& manifest,
                                               const std::string& partition_path) {
  std::vector<std::string> files;
  for (const auto& p : manifest["partitions"]) {
    if (p["path"] == partition_path) {
      for (const auto& f : p["files"]) files.push_back(f["path"].get<std::string>());
    }
  }
  return files;
}

// The value of a one-row, one-column TSV printed by `duckpart query`.
inline std::string QueryScalar(const std::string& dataset_dir, const std::string& sql) {
  RunResult r = RunDuckpart({"query", dataset_dir, sql});
  if (r.exit_code != 0) throw std::runtime_error("duckpart query failed: " + r.err);
  const size_t first = r.out.find('\n');
  if (first == std::string::npos) throw std::runtime_error("no header in: " + r.out);
  std::string value = r.out.substr(first + 1);
  if (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

// Holds the exclusive flock on a dataset's store lock, as a running duckpart would.
class HeldStoreLock {
 public:
  explicit HeldStoreLock(const std::string& dataset_dir) {
    std::filesystem::create_directories(StoreOf(dataset_dir));
    const std::string path = (StoreOf(dataset_dir) / "lock").string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) throw std::runtime_error("cannot lock " + path);
  }
  ~HeldStoreLock() { Release(); }
  void Release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  HeldStoreLock(const HeldStoreLock&) = delete;
  HeldStoreLock& operator=(const HeldStoreLock&) = delete;

 private:
  int fd_ = -1;
};

// The duckpart binary as a child process (no shell), stdout and stderr to files. Its
// wait is bounded by kRunTimeout (then it is killed), and it is killed when destroyed.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& args, const std::string& out_path,
               const std::string& err_path)
      : pid_(SpawnDuckpart(args, out_path, err_path)) {}
  ~ChildProcess() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      Wait();
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True while the child has not exited (reaps it when it has).
  bool Running() {
    if (reaped_) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      Record(status);
      return false;
    }
    return true;
  }
  void Signal(int sig) { ::kill(pid_, sig); }
  // The exit code, or 128 + signal when a signal ended it (128 + SIGKILL after the timeout).
  int Wait() {
    if (!reaped_) {
      const ChildExit e = WaitBounded(pid_, kRunTimeout);
      reaped_ = true;
      exit_code_ = e.exit_code;
    }
    return exit_code_;
  }

 private:
  void Record(int status) {
    reaped_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
};

}  // namespace duckpart::testing

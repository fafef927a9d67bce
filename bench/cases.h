// The harness's configuration, the methods it compares and the cases (one method on one
// granularity of one table) it runs round-robin, each with the records of its runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "child.h"

namespace bench {

namespace fs = std::filesystem;

struct RunRecord {
  int round = 0;
  bool ok = false;
  double wall_s = 0;
  std::optional<double> query_s;
  int64_t maxrss_bytes = 0;
  double user_s = 0, sys_s = 0;
  // duckpart runs: the phases `duckpart run --json` reports under "seconds" (plan, write,
  // verify, total; stage and commit for partition tables).
  std::map<std::string, double> phases;
  int64_t files = 0, other_files = 0, bytes = 0;
  double loadavg_1m = 0;  // just before the run
  int exit_code = 0, signal = 0;
  std::string failure;  // "out of memory", "timeout after 300 s", ...
  std::string message;
  json child;  // the child's JSON (native cases) or duckpart's --json output
  double cpu_s() const { return user_s + sys_s; }
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

// Every method, in the order of the tables.
extern const std::vector<std::string> kMethods;

// Whether the method runs build/duckpart (not a native child).
bool IsDuckpartMethod(const std::string& method);
// duckpart_append_1pct (a dataset of the other 99% is written first, untimed; the append of
// the rows with id % 100 = 0 is timed) and duckpart_retain_month (a full dataset is written
// first, untimed; `retain --older-than` of its first month, 2023-02-01, is timed).
bool IsLifecycleMethod(const std::string& method);

// The flag of `duckpart run` that skips validation: the planned --no-validate (the default),
// or what the binary's `run --help` offers (--no-verify). Set once before any case runs.
void SetNoValidateFlag(const std::string& flag);
const std::string& NoValidateFlag();

// The method as the tables name it.
std::string MethodLabel(const std::string& m);

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

// The generated database of these sizes under the data folder.
fs::path DataFile(const Config& c, int64_t rows, int64_t wide_rows);

// The engine flags every child gets (--memory-limit, --threads, ...).
std::vector<std::string> EngineArgs(const Config& c);

// Where every child's stdout and stderr go.
fs::path LogDir(const Config& c);

// The main matrix: the reference of each table, then every chosen method on every
// granularity, with where_per_partition skipped above c.where_max_partitions. info is
// ChildInfo's JSON for db_path.
std::vector<Case> MainCases(const Config& c, const std::string& db_path, const json& info);

// One point of the rows sweep (day(ts) on `rows` rows): a case per sweep method, all skipped
// with `why` when it is not empty. info is ChildInfo's JSON, or nullopt.
std::vector<Case> SweepRowsCases(const Config& c, int64_t rows, const std::optional<json>& info,
                                 const std::string& why);

// The partitions sweep (bucket(N, id) on c.sweep_partition_rows rows): the reference, then a
// case per bucket count and sweep method, skipped with `why` when it is not empty.
std::vector<Case> SweepPartitionCases(const Config& c, const std::optional<json>& info,
                                      const std::string& why);

// The granularity ids of the partitions sweep: idbucketN for each N of c.sweep_partitions.
std::vector<std::string> SweepPartitionGrans(const Config& c);

}  // namespace bench

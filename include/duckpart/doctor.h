// duckpart doctor: is this machine, this folder and this source fit for a partitioning job?
//
//   DoctorOptions o{.engine = engine, .target_dir = "out", .source = source, .by = "month(ts)"};
//   DoctorReport report = RunDoctor(o);
//   for (const auto& c : report.checks) std::cout << StatusName(c.status) << " " << c.name << "\n";
//
// Three groups of checks, each PASS, WARN or FAIL with one line of advice:
//   environment: DuckDB version, cores, memory against the memory limit, the temp directory
//                (exists, writable, free space), the open-file limit against the files a spec
//                would open, clock sanity;
//   filesystem:  the atomic steps a publish takes, tried for real in a scratch folder of the
//                target's folder (rename over a file, symbolic links renamed over, fsync of a
//                file and a folder, renameat2 RENAME_EXCHANGE);
//   source:      per column (or the chosen one) type, nullability, NULLs, min, max, distinct
//                values, the transforms that fit, VARCHAR dates and how many would not cast,
//                identity over too many values; a suggested spec and the balance the planner
//                predicts for it (and for --by when given).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "duckpart/source.h"

namespace duckpart {

enum class CheckStatus { kPass, kWarn, kFail };

// "PASS", "WARN", "FAIL".
const char* StatusName(CheckStatus status);

struct DoctorCheck {
  std::string group;  // "environment", "filesystem", "source"
  std::string name;   // "memory", "temp-dir", "column ts", ...
  CheckStatus status = CheckStatus::kPass;
  std::string detail;  // what was found
  std::string advice;  // one line: what to do (or why nothing needs doing)
};

// The thresholds the checks use (from the configuration's `thresholds` keys).
struct DoctorThresholds {
  double cv_warn = 0.5;
  int64_t max_partitions = 10000;
  int64_t free_space_min = 1LL << 30;
  double open_files_ratio = 0.5;
};

struct DoctorOptions {
  EngineOptions engine;    // memory limit, threads, temp directory
  std::string target_dir;  // the folder a target would live in ("" = the working folder)
  std::optional<SourceOptions> source;  // the source columns to analyse, if any
  std::string column;                   // only this column ("" = all)
  std::string by;                       // a spec to predict (open files, balance); "" = none
  DoctorThresholds thresholds;
  // --leak-check: run this operation ("validate", "analyze", "info" or "monitor") over the
  // dataset `leak_target` `leak_iterations` times in this process and report the RSS growth
  // per iteration (group "leak": WARN above leak_warn_bytes); "" = no leak check.
  std::string leak_check, leak_target;
  int64_t leak_iterations = 100;
  int64_t leak_warn_bytes = 16 << 10;
};

struct DoctorReport {
  std::vector<DoctorCheck> checks;
  // True when any check failed.
  bool Failed() const;
};

// Runs every check. Throws InputError for a source that cannot be read, an unknown
// --column or a --by that does not parse; a spec that does not fit the source is a FAIL.
DoctorReport RunDoctor(const DoctorOptions& options);

nlohmann::json ToJson(const DoctorReport& report);

}  // namespace duckpart

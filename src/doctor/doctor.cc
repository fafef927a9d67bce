// duckpart doctor: runs the environment, filesystem and source checks (see duckpart/doctor.h).
#include "duckpart/doctor.h"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "config/value_rules.h"
#include "db/database.h"
#include "doctor/environment_checks.h"
#include "doctor/filesystem_checks.h"
#include "doctor/leak_check.h"
#include "doctor/source_checks.h"

namespace duckpart {
namespace {

int UsableCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::thread::hardware_concurrency());
}

DoctorCheck OpenFiles(int64_t partitions, double ratio) {
  struct rlimit limit {};
  getrlimit(RLIMIT_NOFILE, &limit);
  const auto value = [](rlim_t v) {
    return v == RLIM_INFINITY ? int64_t{-1} : static_cast<int64_t>(v);
  };
  const int64_t soft = value(limit.rlim_cur);
  return doctor::CheckOpenFiles(soft < 0 ? INT64_MAX : soft, value(limit.rlim_max), partitions,
                                ratio);
}

}  // namespace

const char* StatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass:
      return "PASS";
    case CheckStatus::kWarn:
      return "WARN";
    case CheckStatus::kFail:
      return "FAIL";
  }
  return "FAIL";
}

bool DoctorReport::Failed() const {
  for (const auto& c : checks) {
    if (c.status == CheckStatus::kFail) return true;
  }
  return false;
}

DoctorReport RunDoctor(const DoctorOptions& o) {
  doctor::SourceFindings source;
  if (o.source) source = doctor::CheckSource(o);
  const std::string target = o.target_dir.empty() ? "." : o.target_dir;
  const bool temp_unset = o.engine.temp_directory.empty();
  const std::string temp = temp_unset ? target : o.engine.temp_directory;
  DoctorReport r;
  r.checks.push_back(doctor::CheckDuckDbVersion(db::LibraryVersion()));
  r.checks.push_back(doctor::CheckCores(o.engine.threads, UsableCores()));
  r.checks.push_back(doctor::CheckMemory(config::ParseBytes(o.engine.memory_limit).value_or(0),
                                         doctor::ReadMemoryInfo()));
  r.checks.push_back(doctor::CheckTempDir(
      temp, temp_unset ? " (temp_dir unset: runs spill beside the target)" : ""));
  r.checks.push_back(doctor::CheckTempSpace(temp, o.thresholds.free_space_min, source.est_bytes));
  r.checks.push_back(OpenFiles(source.partitions, o.thresholds.open_files_ratio));
  r.checks.push_back(doctor::CheckClock(temp));
  for (auto& c : doctor::CheckAtomicSteps(target)) r.checks.push_back(std::move(c));
  for (auto& c : source.checks) r.checks.push_back(std::move(c));
  if (!o.leak_check.empty()) {
    const auto op = doctor::LeakOperation(o.leak_check, o.leak_target, o.engine);
    const doctor::LeakMeasure m =
        doctor::MeasureLeak(op, std::min<int64_t>(10, o.leak_iterations), o.leak_iterations);
    r.checks.push_back(doctor::LeakCheck(o.leak_check + " " + o.leak_target, m, o.leak_warn_bytes));
  }
  return r;
}

nlohmann::json ToJson(const DoctorReport& report) {
  nlohmann::json checks = nlohmann::json::array();
  int counts[3] = {0, 0, 0};
  for (const auto& c : report.checks) {
    ++counts[static_cast<int>(c.status)];
    checks.push_back({{"group", c.group},
                      {"name", c.name},
                      {"status", StatusName(c.status)},
                      {"detail", c.detail},
                      {"advice", c.advice}});
  }
  return {{"checks", checks},
          {"pass", counts[0]},
          {"warn", counts[1]},
          {"fail", counts[2]},
          {"ok", !report.Failed()}};
}

}  // namespace duckpart

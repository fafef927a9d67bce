// The machine checks of `duckpart doctor`: DuckDB, cores, memory, temp directory, open
// files, clock. Each takes what it measures as arguments so tests can give edge cases.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duckpart/doctor.h"

namespace duckpart::doctor {

struct MemoryInfo {
  int64_t total = -1;         // MemTotal of /proc/meminfo, bytes; -1 unknown
  int64_t available = -1;     // MemAvailable
  int64_t cgroup_limit = -1;  // cgroup v2 memory.max of this process; -1 none
};
MemoryInfo ReadMemoryInfo();

// FAIL when the limit exceeds what the machine (or the cgroup) has, WARN when it exceeds
// what is available now.
DoctorCheck CheckMemory(int64_t limit_bytes, const MemoryInfo& memory);
// WARN when more threads are asked for than cores this process may use.
DoctorCheck CheckCores(int threads, int cores);
DoctorCheck CheckDuckDbVersion(const std::string& version);
// The temp directory exists (or can be created) and takes a file: FAIL otherwise.
// `unset_note` says where runs spill when no temp directory is configured.
DoctorCheck CheckTempDir(const std::string& dir, const std::string& unset_note);
// Free space of the filesystem holding `dir` (or its nearest existing parent) against the
// minimum and the estimated spill (-1 unknown): WARN below either.
DoctorCheck CheckTempSpace(const std::string& dir, int64_t free_space_min, int64_t est_spill_bytes);
// The files a run opens at once against the soft open-file limit (`ulimit -n`): FAIL when
// they exceed it, WARN above `ratio` of it. `partitions` -1 = no spec given.
DoctorCheck CheckOpenFiles(int64_t soft_limit, int64_t hard_limit, int64_t partitions,
                           double ratio);
// The wall clock is plausible and a file written now carries about the same time.
DoctorCheck CheckClock(const std::string& dir);

// Files a Parquet run opens at once for `partitions` partitions (-1: the most a run opens).
int64_t OpenFilesNeeded(int64_t partitions);
// The nearest existing folder at or above `path` ("" = the working folder).
std::string ExistingAncestor(const std::string& path);

}  // namespace duckpart::doctor

// The monitor's checks as pure functions of what was measured, so tests can give any case.
// Each returns one HealthCheck against the thresholds (see duckpart/monitor.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "duckpart/monitor.h"
#include "duckpart/recover.h"

namespace duckpart::monitor {

// CV of rows per partition against cv_warn and cv_critical.
HealthCheck CheckBalance(double cv, int64_t partitions, const MonitorThresholds& t);
// `small` of `files` are under small_file_size; `bytes` is the dataset's total.
HealthCheck CheckSmallFiles(int64_t small, int64_t files, int64_t bytes,
                            const MonitorThresholds& t);
// Files the manifest lists that are missing on disk.
HealthCheck CheckMissingFiles(int64_t missing, const std::string& target);
// What an interrupted operation left, from the store's status.
HealthCheck CheckLeftovers(const StoreStatus& st);
// The store's lock; `lock_age` is the seconds since the lock file was last written (taken).
HealthCheck CheckLock(const StoreStatus& st, std::optional<int64_t> lock_age,
                      const MonitorThresholds& t);
// Seconds since the last successful write (nullopt: unknown time).
HealthCheck CheckFreshness(std::optional<int64_t> age, const std::string& at,
                           const MonitorThresholds& t);
// Free bytes on the target's filesystem (nullopt: could not be read, with `why`).
HealthCheck CheckFreeSpace(std::optional<int64_t> free_bytes, const std::string& where,
                           const std::string& why, const MonitorThresholds& t);
HealthCheck CheckVersions(int64_t kept, const MonitorThresholds& t, const std::string& target);
// A full validate's problems (empty: it passed).
HealthCheck CheckValidate(const std::vector<std::string>& problems, const std::string& command);

// "3h 20m", "2d 4h", "45s": a duration for people.
std::string FormatAge(int64_t seconds);

}  // namespace duckpart::monitor

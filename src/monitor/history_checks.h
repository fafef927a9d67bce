// The monitor's checks from what a dataset recorded about its operations: the failed ones
// in its store's failure log (ops/failure_log.h), the duration and the sampled peak memory
// of the committed ones in its history (duckpart/history.h). Pure functions of what was
// read, like monitor/checks.h.
#pragma once

#include <vector>

#include "duckpart/history.h"
#include "duckpart/monitor.h"
#include "ops/failure_log.h"

namespace duckpart::monitor {

// The failures logged while `current_version` was the published one (those since the last
// successful write), against failures_warn and failures_critical.
HealthCheck CheckFailures(const std::vector<ops::FailedOperation>& failures,
                          int64_t current_version, const MonitorThresholds& t);
// The longest of `recent` against slow_operation_warn and slow_operation_critical.
HealthCheck CheckSlowOperations(const std::vector<HistoryRecord>& recent,
                                const MonitorThresholds& t);
// The highest peak memory of `recent` against the limit each ran under (records without a
// sampled peak or a known limit are skipped), against the memory ratios.
HealthCheck CheckPeakMemory(const std::vector<HistoryRecord>& recent, const MonitorThresholds& t);

// The last `t.recent_operations` records of `history`.
std::vector<HistoryRecord> RecentOperations(const std::vector<HistoryRecord>& history,
                                            const MonitorThresholds& t);

// Fills the history figures of `h` and appends the three checks.
void AddHistoryChecks(const std::vector<HistoryRecord>& history,
                      const std::vector<ops::FailedOperation>& failures, const MonitorThresholds& t,
                      TargetHealth& h);

}  // namespace duckpart::monitor

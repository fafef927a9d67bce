// `duckpart doctor --leak-check OP`: one operation run many times in this process, and the
// growth of its resident memory per iteration, the diagnosis for a leak in a long-running
// caller (`monitor --listen`, a service linking libduckpart).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "duckpart/doctor.h"

namespace duckpart::doctor {

struct LeakMeasure {
  int64_t iterations = 0;
  int64_t rss_before = 0, rss_after = 0;  // bytes, after the warm-up and after the iterations
  double bytes_per_iteration = 0;
};

// Resident bytes of this process now (/proc/self/statm); -1 when unknown.
int64_t ResidentBytes();

// Runs `op` `warmup` times (caches, the allocator's arenas), then `iterations` times, and
// measures RSS around the second part.
LeakMeasure MeasureLeak(const std::function<void()>& op, int64_t warmup, int64_t iterations);

// WARN when the growth per iteration exceeds `warn_bytes_per_iteration`, else PASS; the detail
// gives the figures. `operation` names what ran ("validate out/events").
DoctorCheck LeakCheck(const std::string& operation, const LeakMeasure& m,
                      int64_t warn_bytes_per_iteration);

// The operation `name` over the dataset `target`, ready to run again and again: "validate"
// (a full validate, its own DuckDB session each time), "analyze", "info", or "monitor" (one
// Monitor, checked each time, as `monitor --listen` does). Throws InputError for another name
// or a target that holds no dataset (checked by running it once).
std::function<void()> LeakOperation(const std::string& name, const std::string& target,
                                    const EngineOptions& engine);

}  // namespace duckpart::doctor

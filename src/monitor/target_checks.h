// One target's health: the facts gathered from its metadata and store, and its checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "db/database.h"
#include "duckpart/monitor.h"

namespace duckpart::monitor {

struct CheckContext {
  const MonitorThresholds& thresholds;
  bool deep = false;
  EngineOptions engine;  // for validate's own session (deep)
  int64_t now_unix = 0;
  db::Connection& conn;  // the monitor's one connection
};

// The checks of the Parquet dataset at `target.dir`. Throws duckpart::Error when its
// manifest cannot be read (the caller reports it as the `readable` check).
TargetHealth CheckParquetTarget(const MonitorTarget& target, const CheckContext& ctx);
// The checks of partition tables, attached read-only through `ctx.conn` for the check and
// detached after it. Throws like CheckParquetTarget.
TargetHealth CheckTablesTarget(const MonitorTarget& target, const CheckContext& ctx);

// Free bytes for unprivileged users on the filesystem holding `path`; nullopt (with the
// reason in `why`) when it cannot be read.
std::optional<int64_t> FreeBytes(const std::string& path, std::string* why);

}  // namespace duckpart::monitor

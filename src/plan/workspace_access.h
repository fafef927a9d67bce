// The workspace's DuckDB session, for the library's own code: library users reach the
// source through Workspace's public members only.
#pragma once

#include "db/database.h"
#include "duckpart/source.h"

namespace duckpart {

// The connection of the workspace's in-memory DuckDB (the source ATTACHed as "src").
db::Connection& WorkspaceConnection(Workspace& ws);
// The workspace's database, for a second connection (e.g. ops/memory_sampler.h).
const db::Database& WorkspaceDatabase(Workspace& ws);

}  // namespace duckpart

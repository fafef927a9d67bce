// The fault seam: every durable step duckpart takes (a file created, written, synced,
// renamed, a link swapped, a folder removed, a database COMMIT) is announced here first,
// so that a test can fail it or end the process exactly there, as leveldb's
// FaultInjectionTestEnv and SQLite's test VFS do.
//
//   store::Step(store::StepKind::kRename, "staging -> v000002");  // before the rename
//
// In a normal run Step() only counts. Under a test's fault plan, read once from the
// environment:
//   DUCKPART_FAULT_TRACE=FILE   append "N kind what" for every step to FILE
//   DUCKPART_FAULT_AT=N         at the N-th step (1-based) ...
//   DUCKPART_FAULT_ACTION=fail  ... throw RuntimeFailure (an IO failure), or
//                        crash  ... end the process with SIGKILL, as kill -9 would
//   DUCKPART_FAULT_EXCHANGE=unsupported   renameat2(RENAME_EXCHANGE) reports EINVAL, so
//                               the fallback for file systems without it runs
#pragma once

#include <string>

namespace duckpart::store {

enum class StepKind { kCreate, kWrite, kSync, kRename, kLink, kRemove, kCommit };

// "create", "write", "sync", "rename", "link", "remove", "commit".
const char* StepKindName(StepKind kind);

// Announces a durable step that is about to happen. Throws RuntimeFailure
// (FailureClass::kIo) or kills the process when the fault plan says so.
void Step(StepKind kind, const std::string& what);

// True when the fault plan asks for a file system without RENAME_EXCHANGE.
bool ExchangeUnsupported();

}  // namespace duckpart::store

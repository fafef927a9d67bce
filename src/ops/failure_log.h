// The failed operations of a Parquet dataset: a writing command (run, append, retain,
// repartition) that fails once its work on the target began (from the stage phase on: a
// failed check or a runtime failure, exit 1 or 3) appends one JSON line to
// `failures.jsonl` in the dataset's store, which `duckpart monitor` reads for its `failures` check.
//
//   LogFailure("out/events", {.operation = "append", .kind = "runtime", ...});
//   for (const FailedOperation& f : ReadFailures("out/events")) ...
//
// Why a file beside the versions and not a history record: the history lives in each
// version's manifest, and a failed operation publishes no version; writing one would be a
// commit. The log is never read by a write, recovery or reader, so it cannot break the
// atomicity of a version; it is written only into a store that already exists (a failed
// first run leaves no store behind), with one append of one whole line (O_APPEND), and
// kept to the last kMaxFailuresKept lines (rewritten by rename once it grows past twice
// that). A process killed with -9 writes nothing: the monitor's `leftovers` and `lock`
// checks see what it left.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace duckpart {
class Error;
}

namespace duckpart::ops {

struct FailedOperation {
  std::string operation;  // "run", "append", "retain", "repartition"
  std::string time;       // UTC, ISO 8601: when it ended
  std::string kind;       // ExitCodeName: "usage", "check_failed", "runtime", "busy", ...
  int exit_code = 0;
  std::string message;  // the error's message
  double seconds = 0;   // from the start of the operation to its failure
  int64_t version = 0;  // the version published when it failed (0: none): a failure is
                        // "since the last successful write" while that version is current
};

inline constexpr size_t kMaxFailuresKept = 100;
inline constexpr const char* kFailureLogName = "failures.jsonl";

// Appends `failure` to the log of the dataset at `dataset` when its store exists. Never
// throws: a log that cannot be written is skipped (the failure itself is reported anyway).
void LogFailure(const std::string& dataset, const FailedOperation& failure) noexcept;

// LogFailure of `error`, which ended `operation` after `seconds`, with the time and the
// dataset's published version now; nothing for bad input (InputError, exit 2) or a busy
// lock (BusyError, exit 4), which promise to change nothing at all, nor for an interrupt
// (exit 130: Ctrl-C, SIGTERM), which is the caller's choice.
void LogFailure(const std::string& dataset, const std::string& operation, const Error& error,
                double seconds) noexcept;

// The logged failures of the dataset at `dataset`, oldest first (at most the last
// kMaxFailuresKept); empty when there is no log. Lines that do not parse are skipped.
std::vector<FailedOperation> ReadFailures(const std::string& dataset);

}  // namespace duckpart::ops

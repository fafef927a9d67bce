// Checks of a run's folders before any work: the spill folder the user gave and the
// folder a target is written into must be folders this process can write in. Each
// failure is an InputError (exit 2) naming the option or target; nothing is left behind
// (the probe file is removed at once).
//
//   CheckTempDirectory(engine.temp_directory);   // --temp-dir /no/such/dir: refused
//   CheckWritableFolder("/proc", "target '/proc/ds'");
#pragma once

#include <string>

namespace duckpart::ops {

// `dir` empty (the default spill folder) passes. Else it must be a folder this process can
// create a file in, or one DuckDB can make (its parent exists and is writable).
void CheckTempDirectory(const std::string& dir);

// `folder` must be an existing folder this process can create a file in (not a read-only
// or pseudo filesystem such as /proc). `what` names what needs it in the message.
void CheckWritableFolder(const std::string& folder, const std::string& what);

// `dir` must name a dataset path or its store (.NAME.duckpart beside it): recover and
// cleanup of a path where neither exists is an InputError, not "nothing to do".
void CheckDatasetPathExists(const std::string& dir);

// The folder a target path is made in: its parent, as an absolute path ("out/ds/" -> "out").
std::string FolderOf(const std::string& target);

}  // namespace duckpart::ops

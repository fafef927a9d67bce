// File-system steps with the durability the publish protocol needs.
#pragma once

#include <string>

namespace duckpart::util {

// Writes `content` to a temporary file beside `path`, fsyncs it, renames it over `path`
// and fsyncs the folder. Throws RuntimeFailure on an IO error.
void WriteFileDurably(const std::string& path, const std::string& content);
// fsync of a folder, so that renames inside it survive a crash.
void SyncDirectory(const std::string& dir);
// Atomically points the symbolic link `link` at `target` (a new link is made beside it
// and renamed over it). Throws RuntimeFailure.
void ReplaceSymlink(const std::string& target, const std::string& link);

}  // namespace duckpart::util

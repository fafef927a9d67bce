// File-system steps with the durability the publish protocol needs.
#pragma once

#include <string>

namespace duckpart::store {

// Writes `content` to a temporary file beside `path`, fsyncs it, renames it over `path`
// and fsyncs the folder. Throws RuntimeFailure on an IO error.
void WriteFileDurably(const std::string& path, const std::string& content);
// Renames `from` over `to` (one step of the fault seam). Throws RuntimeFailure.
void RenameFile(const std::string& from, const std::string& to);
// fsync of a folder, so that renames inside it survive a crash.
void SyncDirectory(const std::string& dir);
// The name suffix of the new link that ReplaceSymlink makes beside `link` before renaming
// it over `link`; a process killed in between leaves it behind.
inline constexpr const char* kLinkTempSuffix = ".duckpart-link-tmp";

// Atomically points the symbolic link `link` at `target` (a new link is made beside it
// and renamed over it). When `link` is an empty folder, the new link and the folder are
// exchanged atomically (renameat2 RENAME_EXCHANGE) and the folder is then removed, so
// `link` never disappears. Throws RuntimeFailure.
void ReplaceSymlink(const std::string& target, const std::string& link);
// fsync of a file's data, so that a rename of it that follows survives a crash.
void SyncFile(const std::string& path);

}  // namespace duckpart::store

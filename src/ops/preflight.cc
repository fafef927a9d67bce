#include "ops/preflight.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "duckpart/error.h"
#include "duckpart/run.h"

namespace duckpart::ops {
namespace {

namespace fs = std::filesystem;

// "" when a file can be made (and is removed) in `folder`, else why not.
std::string ProbeWrite(const fs::path& folder) {
  const fs::path probe = folder / (".duckpart-probe-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return std::strerror(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return "";
}

}  // namespace

void CheckTempDirectory(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError("--temp-dir '" + dir + "' is not a folder");
  // DuckDB makes the folder itself when its parent exists (as doctor's temp-dir check says).
  const fs::path probe = fs::is_directory(dir, ec)
                             ? fs::path(dir)
                             : fs::absolute(fs::path(dir)).lexically_normal().parent_path();
  if (!fs::is_directory(probe, ec)) {
    throw InputError("--temp-dir '" + dir + "' cannot be made: the folder '" + probe.string() +
                     "' does not exist; give an existing folder to spill into");
  }
  if (const std::string why = ProbeWrite(probe); !why.empty())
    throw InputError("--temp-dir '" + dir + "': cannot write in '" + probe.string() + "' (" + why +
                     ")");
}

void CheckDatasetPathExists(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir, ec)) || fs::exists(StoreDirOf(dir), ec)) return;
  throw InputError("'" + dir + "' does not exist (neither a dataset nor its store " +
                   fs::path(StoreDirOf(dir)).filename().string() + ")");
}

std::string FolderOf(const std::string& target) {
  fs::path p = fs::absolute(fs::path(target)).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.parent_path().string();
}

void CheckWritableFolder(const std::string& folder, const std::string& what) {
  if (const std::string why = ProbeWrite(folder); !why.empty()) {
    throw InputError(what + ": cannot write in the folder '" + folder + "' (" + why +
                     "); choose a folder on a writable filesystem");
  }
}

}  // namespace duckpart::ops

#include "store/fs.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "duckpart/error.h"
#include "store/fault.h"

namespace duckpart::store {
namespace {

[[noreturn]] void Fail(const std::string& what, const std::string& path) {
  const FailureClass c =
      errno == ENOSPC || errno == EDQUOT ? FailureClass::kDiskFull : FailureClass::kIo;
  throw RuntimeFailure(c, what + " '" + path + "': " + std::strerror(errno));
}

}  // namespace

void WriteFileDurably(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  Step(StepKind::kCreate, tmp);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) Fail("cannot create", tmp);
  size_t done = 0;
  Step(StepKind::kWrite, tmp);
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      Fail("cannot write", tmp);
    }
    done += static_cast<size_t>(n);
  }
  Step(StepKind::kSync, tmp);
  if (::fsync(fd) != 0) {
    ::close(fd);
    Fail("cannot sync", tmp);
  }
  ::close(fd);
  Step(StepKind::kRename, tmp + " -> " + path);
  if (::rename(tmp.c_str(), path.c_str()) != 0) Fail("cannot rename onto", path);
  SyncDirectory(std::filesystem::path(path).parent_path().string());
}

void RenameFile(const std::string& from, const std::string& to) {
  Step(StepKind::kRename, from + " -> " + to);
  if (::rename(from.c_str(), to.c_str()) != 0) Fail("cannot rename onto", to);
}

void SyncDirectory(const std::string& dir) {
  Step(StepKind::kSync, dir);
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) Fail("cannot open folder", dir);
  ::fsync(fd);
  ::close(fd);
}

void ReplaceSymlink(const std::string& target, const std::string& link) {
  const std::string tmp = link + kLinkTempSuffix;
  ::unlink(tmp.c_str());
  ::rmdir(tmp.c_str());  // an empty folder left by an interrupted exchange
  Step(StepKind::kLink, tmp + " -> " + target);
  if (::symlink(target.c_str(), tmp.c_str()) != 0) Fail("cannot create link", tmp);
  struct stat st {};
  if (::lstat(link.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    // rename() cannot put a link over a folder; exchange them atomically instead.
    Step(StepKind::kRename, "exchange " + tmp + " <-> " + link);
    const int exchanged = ExchangeUnsupported() ? (errno = EINVAL, -1)
                                                : ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD,
                                                              link.c_str(), RENAME_EXCHANGE);
    if (exchanged == 0) {
      if (::rmdir(tmp.c_str()) != 0) {  // the folder, now under the temporary name
        // Not empty after all (a file arrived): put it back and give up.
        const int saved = errno;
        ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, link.c_str(), RENAME_EXCHANGE);
        ::unlink(tmp.c_str());
        errno = saved;
        Fail("cannot replace the folder", link);
      }
      SyncDirectory(std::filesystem::path(link).parent_path().string());
      return;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
      const int saved = errno;
      ::unlink(tmp.c_str());
      errno = saved;
      Fail("cannot publish link", link);
    }
    // A file system without RENAME_EXCHANGE: remove the empty folder first.
    if (::rmdir(link.c_str()) != 0) {
      const int saved = errno;
      ::unlink(tmp.c_str());
      errno = saved;
      Fail("cannot replace the empty folder", link);
    }
  }
  Step(StepKind::kRename, tmp + " -> " + link);
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    Fail("cannot publish link", link);
  }
  SyncDirectory(std::filesystem::path(link).parent_path().string());
}

void SyncFile(const std::string& path) {
  Step(StepKind::kSync, path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) Fail("cannot open", path);
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    Fail("cannot sync", path);
  }
  ::close(fd);
}

}  // namespace duckpart::store

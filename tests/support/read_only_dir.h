// A folder this process cannot write into, as root too: for a non-root user a mode-555
// folder, for root (which ignores modes) a read-only tmpfs mounted on it. Removed, and
// unmounted, when it goes out of scope.
//
//   ReadOnlyDir locked(dir / "locked");
//   if (!locked.ok()) GTEST_SKIP() << locked.why();
//   ... a run into locked.path() / "ds" must fail before any work ...
#pragma once

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace duckpart::testing {

class ReadOnlyDir {
 public:
  // Creates `path` and makes it unwritable; ok() tells whether that worked (a root
  // without the right to mount, as in some containers, cannot have one).
  explicit ReadOnlyDir(std::filesystem::path path) : path_(std::move(path)) {
    namespace fs = std::filesystem;
    fs::create_directories(path_);
    fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                               fs::perms::group_exec | fs::perms::others_read |
                               fs::perms::others_exec);
    if (Writable() && ::geteuid() == 0) {
      mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
                         "size=64k") == 0;
      if (!mounted_)
        why_ = std::string("root, and mounting a read-only tmpfs failed: ") + std::strerror(errno);
    }
    if (why_.empty() && Writable()) why_ = "the folder is still writable";
  }
  ~ReadOnlyDir() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  ReadOnlyDir(const ReadOnlyDir&) = delete;
  ReadOnlyDir& operator=(const ReadOnlyDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  bool ok() const { return !Writable(); }
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }

 private:
  bool Writable() const { return ::access(path_.c_str(), W_OK) == 0; }
  std::filesystem::path path_;
  bool mounted_ = false;
  std::string why_;
};

}  // namespace duckpart::testing

#include "doctor/filesystem_checks.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "doctor/environment_checks.h"

namespace duckpart::doctor {
namespace {

namespace fs = std::filesystem;

DoctorCheck Fs(std::string name, const std::string& error, std::string ok, std::string advice) {
  if (error.empty())
    return {"filesystem", std::move(name), CheckStatus::kPass, std::move(ok), "nothing to do"};
  return {"filesystem", std::move(name), CheckStatus::kFail, error, std::move(advice)};
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

bool WriteSmall(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
  return static_cast<bool>(out);
}

std::string TryRenameOver(const fs::path& d) {
  if (!WriteSmall(d / "a", "new") || !WriteSmall(d / "b", "old"))
    return Errno("cannot write a file");
  if (::rename((d / "a").c_str(), (d / "b").c_str()) != 0)
    return Errno("rename over a file failed");
  std::ifstream in(d / "b");
  std::string text;
  in >> text;
  return text == "new" ? "" : "rename over a file left the old content";
}

std::string TrySymlinkSwap(const fs::path& d) {
  if (::symlink("v1", (d / "link").c_str()) != 0) return Errno("symlink failed");
  if (::symlink("v2", (d / "link.tmp").c_str()) != 0) return Errno("symlink failed");
  if (::rename((d / "link.tmp").c_str(), (d / "link").c_str()) != 0)
    return Errno("rename of a link over a link failed");
  std::error_code ec;
  return fs::read_symlink(d / "link", ec) == "v2"
             ? ""
             : "the renamed link does not point at its new target";
}

std::string TryFsync(const fs::path& d) {
  const int fd = ::open((d / "b").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open failed");
  const bool file_ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!file_ok) return Errno("fsync of a file failed");
  const int dfd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Errno("open of a folder failed");
  const bool dir_ok = ::fsync(dfd) == 0;
  ::close(dfd);
  return dir_ok ? "" : Errno("fsync of a folder failed");
}

std::string TryExchange(const fs::path& d) {
  std::error_code ec;
  fs::create_directory(d / "x", ec);
  fs::create_directory(d / "y", ec);
  WriteSmall(d / "x" / "mark", "x");
  if (::renameat2(AT_FDCWD, (d / "x").c_str(), AT_FDCWD, (d / "y").c_str(), RENAME_EXCHANGE) != 0) {
    return Errno("renameat2 RENAME_EXCHANGE failed");
  }
  return fs::exists(d / "y" / "mark", ec) ? "" : "RENAME_EXCHANGE did not exchange the folders";
}

}  // namespace

std::vector<DoctorCheck> CheckAtomicSteps(const std::string& dir) {
  const fs::path scratch =
      fs::path(ExistingAncestor(dir)) / (".duckpart-doctor-" + std::to_string(getpid()));
  std::error_code ec;
  if (!fs::create_directory(scratch, ec)) {
    return {{"filesystem", "scratch", CheckStatus::kFail,
             "cannot make a scratch folder " + scratch.string() + ": " + ec.message(),
             "a run needs to write beside its target: give a writable target folder"}};
  }
  std::vector<DoctorCheck> checks = {
      Fs("rename-over", TryRenameOver(scratch),
         "a file renamed over another replaces it atomically",
         "publishing the manifest needs rename over a file: use a local POSIX filesystem"),
      Fs("symlink-swap", TrySymlinkSwap(scratch),
         "a symbolic link renamed over another repoints it atomically",
         "a dataset is published by renaming a link over its path: use a filesystem with symbolic "
         "links"),
      Fs("fsync", TryFsync(scratch), "fsync of a file and a folder succeed",
         "without fsync a crash may lose a published version: use a local filesystem"),
  };
  DoctorCheck exchange =
      Fs("rename-exchange", TryExchange(scratch), "renameat2 RENAME_EXCHANGE swaps two folders",
         "only needed to replace an empty folder at the dataset path atomically; "
         "remove such a folder before the first run");
  if (exchange.status == CheckStatus::kFail) exchange.status = CheckStatus::kWarn;
  checks.push_back(exchange);
  fs::remove_all(scratch, ec);
  return checks;
}

}  // namespace duckpart::doctor

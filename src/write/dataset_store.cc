#include "write/dataset_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>

#include "duckpart/error.h"
#include "util/fs.h"

namespace duckpart::write {
namespace fs = std::filesystem;

namespace {

constexpr const char* kVersionPrefix = "v";

}  // namespace

std::string DatasetStore::VersionName(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%06lld", kVersionPrefix, static_cast<long long>(v));
  return buf;
}

std::optional<int64_t> DatasetStore::ParseVersionName(const std::string& name) {
  if (name.size() < 2 || name.rfind(kVersionPrefix, 0) != 0) return std::nullopt;
  for (size_t i = 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
  }
  if (name.size() > 19) return std::nullopt;
  return std::stoll(name.substr(1));
}

DatasetStore::DatasetStore(const std::string& target) {
  fs::path t = fs::absolute(target).lexically_normal();
  if (!t.has_filename()) t = t.parent_path();  // "out/events/" names "out/events"
  target_ = t;
  store_ = t.parent_path() / ("." + t.filename().string() + ".duckpart");
}

DatasetStore::TargetState DatasetStore::Inspect() const {
  std::error_code ec;
  const auto st = fs::symlink_status(target_, ec);
  if (ec || st.type() == fs::file_type::not_found) return TargetState::kAbsent;
  if (st.type() == fs::file_type::symlink) {
    return CurrentVersion() ? TargetState::kDataset : TargetState::kForeign;
  }
  if (st.type() == fs::file_type::directory && fs::is_empty(target_)) return TargetState::kEmptyDir;
  return TargetState::kForeign;
}

std::optional<int64_t> DatasetStore::CurrentVersion() const {
  std::error_code ec;
  const fs::path link = fs::read_symlink(target_, ec);
  if (ec) return std::nullopt;
  const std::string expected_parent = store_.filename().string();
  if (link.parent_path() != expected_parent) return std::nullopt;
  return ParseVersionName(link.filename().string());
}

int64_t DatasetStore::NextVersion() const {
  int64_t next = CurrentVersion().value_or(0) + 1;
  while (fs::exists(VersionDir(next))) ++next;  // a leftover of a killed run
  return next;
}

fs::path DatasetStore::VersionDir(int64_t version) const { return store_ / VersionName(version); }

fs::path DatasetStore::NewStaging() const {
  std::random_device rd;
  const fs::path dir = store_ / ("staging-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(dir);
  return dir;
}

void DatasetStore::Publish(int64_t version) const {
  // An empty target folder is exchanged with the new link atomically (see ReplaceSymlink).
  util::ReplaceSymlink((store_.filename() / VersionName(version)).string(), target_.string());
}

std::vector<fs::path> DatasetStore::Leftovers() const {
  std::vector<fs::path> out;
  if (!fs::exists(store_)) return out;
  const auto current = CurrentVersion();
  for (const auto& entry : fs::directory_iterator(store_)) {
    const std::string name = entry.path().filename().string();
    if (name == "lock" || name == "tmp") continue;
    if (current && name == VersionName(*current)) continue;
    out.push_back(entry.path());
  }
  return out;
}

size_t DatasetStore::RemoveLeftovers() const {
  const auto leftovers = Leftovers();
  for (const auto& p : leftovers) fs::remove_all(p);
  return leftovers.size();
}

StoreLock::StoreLock(const DatasetStore& store) {
  std::error_code ec;
  fs::create_directories(store.store(), ec);
  if (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted ||
      ec == std::errc::read_only_file_system) {
    throw InputError("cannot write in the folder of '" + store.target().string() + "': " + ec.message());
  }
  if (ec) throw RuntimeFailure("cannot create '" + store.store().string() + "': " + ec.message());
  const std::string path = (store.store() / "lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    if (errno == EACCES || errno == EPERM || errno == EROFS) {
      throw InputError("cannot write in '" + store.store().string() + "': " + std::strerror(errno));
    }
    throw RuntimeFailure("cannot open the lock file " + path + ": " + std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw BusyError("another duckpart process is writing to '" + store.target().string() +
                     "'; try again when it has finished");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] auto n = ::write(fd_, pid.data(), pid.size());
  }
}

StoreLock::Holder StoreLock::Probe(const DatasetStore& store) {
  Holder h;
  const std::string path = (store.store() / "lock").string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return h;  // no lock file: nobody ever locked, or the store is gone
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    h.held = errno == EWOULDBLOCK;
  } else {
    ::flock(fd, LOCK_UN);
  }
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  ::close(fd);
  if (n > 0) {
    char* end = nullptr;
    const long long pid = std::strtoll(buf, &end, 10);
    if (end != buf && pid > 0) h.pid = pid;
  }
  return h;
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace duckpart::write

#include "write/dataset_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include "duckpart/error.h"
#include "util/fs.h"

namespace duckpart::write {
namespace fs = std::filesystem;

namespace {

constexpr const char* kVersionPrefix = "v";

std::string VersionName(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%06lld", kVersionPrefix, static_cast<long long>(v));
  return buf;
}

}  // namespace

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
  const std::string name = link.filename().string();
  if (name.rfind(kVersionPrefix, 0) != 0) return std::nullopt;
  try {
    return std::stoll(name.substr(1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
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
  if (Inspect() == TargetState::kEmptyDir) fs::remove(target_);
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
  fs::create_directories(store.store());
  const std::string path = (store.store() / "lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw RuntimeFailure("cannot open the lock file " + path);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw InputError("another duckpart process is writing to '" + store.target().string() +
                     "'; try again when it has finished");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] auto n = ::write(fd_, pid.data(), pid.size());
  }
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace duckpart::write

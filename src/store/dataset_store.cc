#include "store/dataset_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "duckpart/error.h"
#include "store/fault.h"
#include "store/fs.h"
#include "store/version_retention.h"
#include "util/utc_time.h"

namespace duckpart::store {
namespace fs = std::filesystem;

namespace {

constexpr const char* kVersionPrefix = "v";
constexpr const char* kMarker = "_duckpart_store";
constexpr const char* kMarkerFormat = "duckpart-store";

// The folder of `target` as the operating system resolves it, then the target's name.
fs::path ResolveTarget(const std::string& target) {
  fs::path t = fs::absolute(target);
  if (!t.has_filename()) t = t.parent_path();  // "out/events/" names "out/events"
  std::error_code ec;
  fs::path parent = fs::weakly_canonical(t.parent_path(), ec);
  if (ec) parent = t.parent_path().lexically_normal();
  const std::string name = t.filename().string();
  if (name == "." || name == "..") return fs::weakly_canonical(t, ec);
  return parent / name;
}

// The store a link points into (".X.duckpart/vNNNNNN" relative to its folder), if any.
std::optional<fs::path> LinkedStore(const fs::path& link) {
  std::error_code ec;
  if (!fs::is_symlink(link, ec)) return std::nullopt;
  const fs::path text = fs::read_symlink(link, ec);
  if (ec || text.is_absolute()) return std::nullopt;
  const std::string store = text.parent_path().string();
  if (store.find('/') != std::string::npos || store.size() < 10 || store[0] != '.' ||
      store.substr(store.size() - 9) != ".duckpart") {
    return std::nullopt;
  }
  if (!DatasetStore::ParseVersionName(text.filename().string())) return std::nullopt;
  return link.parent_path() / store;
}

bool IsOwnEntry(const std::string& name, bool dir) {
  if (name == "lock" || name == kMarker || name == std::string(kMarker) + ".tmp") return !dir;
  if (name == "failures.jsonl" || name == "failures.jsonl.tmp") return !dir;  // ops/failure_log.h
  if (name == "tmp") return dir;
  return dir && (name.rfind("staging-", 0) == 0 || DatasetStore::ParseVersionName(name));
}

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
  target_ = ResolveTarget(target);
  store_ = LinkedStore(target_).value_or(target_.parent_path() /
                                         ("." + target_.filename().string() + ".duckpart"));
}

bool DatasetStore::Exists() const {
  std::error_code ec;
  return fs::is_directory(store_, ec);
}

bool DatasetStore::IsOurs() const {
  std::error_code ec;
  if (!Exists()) return true;
  if (fs::is_regular_file(store_ / kMarker, ec)) return true;
  for (auto it = fs::directory_iterator(store_, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code type_ec;
    const bool dir = it->symlink_status(type_ec).type() == fs::file_type::directory;
    if (!IsOwnEntry(it->path().filename().string(), dir)) return false;
  }
  return !ec;
}

void DatasetStore::Mark(std::optional<int64_t> published) const {
  nlohmann::json j;
  std::error_code ec;
  if (fs::is_regular_file(store_ / kMarker, ec)) {
    std::ifstream in(store_ / kMarker);
    j = nlohmann::json::parse(in, nullptr, false);
  }
  if (!j.is_object() || j.value("format", "") != kMarkerFormat) {
    j = {{"format", kMarkerFormat}, {"format_version", 1}, {"created_at", util::NowUtc()}};
  }
  if (published) j["published"] = *published;
  WriteFileDurably((store_ / kMarker).string(), j.dump() + "\n");
}

std::optional<int64_t> DatasetStore::LastPublished() const {
  std::ifstream in(store_ / kMarker);
  if (!in) return std::nullopt;
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object() || !j.contains("published") || !j["published"].is_number_integer())
    return std::nullopt;
  return j["published"].get<int64_t>();
}

std::vector<std::pair<fs::path, int64_t>> DatasetStore::OtherLinks() const {
  std::vector<std::pair<fs::path, int64_t>> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(target_.parent_path(), ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->path() == target_) continue;
    const auto linked = LinkedStore(it->path());
    if (!linked || *linked != store_) continue;
    const auto v = ParseVersionName(fs::read_symlink(it->path(), ec).filename().string());
    if (v) out.emplace_back(it->path(), *v);
  }
  return out;
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
  if (LinkedStore(target_) != store_) return std::nullopt;
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
  const fs::path dir =
      store_ / ("staging-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  Step(StepKind::kCreate, dir.string());
  fs::create_directories(dir);
  return dir;
}

void DatasetStore::Publish(int64_t version) const {
  // An empty target folder is exchanged with the new link atomically (see ReplaceSymlink).
  store::ReplaceSymlink((store_.filename() / VersionName(version)).string(), target_.string());
}

fs::path DatasetStore::MarkerPath() const { return store_ / kMarker; }

std::vector<fs::path> DatasetStore::Leftovers() const { return Leftovers(RecordedPolicy(*this)); }

std::vector<fs::path> DatasetStore::Leftovers(const RetentionPolicy& policy) const {
  std::vector<fs::path> out;
  if (!fs::exists(store_)) return out;
  const auto current = CurrentVersion();
  const auto others = OtherLinks();
  const auto kept = KeptVersions(*this, policy);
  for (const auto& entry : fs::directory_iterator(store_)) {
    const std::string name = entry.path().filename().string();
    std::error_code ec;
    if (!entry.is_directory(ec) || entry.is_symlink(ec)) continue;  // lock, marker: never
    const auto v = ParseVersionName(name);
    if (!v && name.rfind("staging-", 0) != 0) continue;  // tmp, and what duckpart did not make
    if (v && current && *v == *current) continue;
    if (v && kept.count(*v)) continue;  // kept by the retention policy
    if (v &&
        std::any_of(others.begin(), others.end(), [&](const auto& o) { return o.second == *v; }))
      continue;
    out.push_back(entry.path());
  }
  return out;
}

size_t DatasetStore::RemoveLeftovers() const { return RemoveLeftovers(RecordedPolicy(*this)); }

size_t DatasetStore::RemoveLeftovers(const RetentionPolicy& policy) const {
  const auto leftovers = Leftovers(policy);
  for (const auto& p : leftovers) {
    Step(StepKind::kRemove, p.string());
    fs::remove_all(p);
  }
  return leftovers.size();
}

StoreLock::StoreLock(const DatasetStore& store) {
  std::error_code ec;
  if (!store.IsOurs()) {
    throw InputError("'" + store.store().string() +
                     "' exists and was not made by duckpart; move it away or "
                     "choose another target name");
  }
  fs::create_directories(store.store(), ec);
  if (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted ||
      ec == std::errc::read_only_file_system) {
    throw InputError("cannot write in the folder of '" + store.target().string() +
                     "': " + ec.message());
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
  try {
    if (!fs::exists(store.store() / kMarker, ec))
      store.Mark();  // a new store, or an older duckpart's
  } catch (...) {
    ::close(fd_);
    throw;
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

}  // namespace duckpart::store

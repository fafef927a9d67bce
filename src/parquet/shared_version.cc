#include "parquet/shared_version.h"

#include <sys/stat.h>

#include <map>
#include <set>

#include "duckpart/error.h"
#include "store/fault.h"
#include "util/checksum_sum.h"

namespace duckpart::parquet {
namespace fs = std::filesystem;
namespace {

void LinkOrCopy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (!ec) fs::create_hard_link(from, to, ec);
  if (!ec) return;
  if (ec == std::errc::cross_device_link || ec == std::errc::operation_not_permitted ||
      ec == std::errc::operation_not_supported || ec == std::errc::too_many_links) {
    fs::copy_file(from, to, ec);
    if (!ec) return;
  }
  throw RuntimeFailure(
      ec == std::errc::no_space_on_device ? FailureClass::kDiskFull : FailureClass::kIo,
      "cannot share '" + from.string() + "' as '" + to.string() + "': " + ec.message());
}

bool SameFile(const fs::path& a, const fs::path& b, int64_t bytes) {
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && sb.st_size == bytes;
}

// Where a shared file of the new version lies in the base version.
std::string BasePath(const ops::Change& change, const std::string& path) {
  const auto it = change.moved_files.find(path);
  return it == change.moved_files.end() ? path : it->second;
}

}  // namespace

std::vector<Partition> ShareFiles(const ops::Change& change, const std::vector<Partition>& fresh,
                                  const fs::path& base, const fs::path& root) {
  std::map<int64_t, const Partition*> written;
  for (const auto& p : fresh) written[p.id] = &p;
  std::vector<Partition> out;
  for (const auto& planned : change.plan.partitions) {
    Partition p = planned;
    p.files.clear();
    p.bytes = 0;
    if (auto it = change.shared_files.find(p.id); it != change.shared_files.end()) {
      if (!it->second.empty()) {
        store::Step(store::StepKind::kLink,
                    std::to_string(it->second.size()) + " shared files of " + p.path);
      }
      for (const auto& f : it->second) LinkOrCopy(base / BasePath(change, f.path), root / f.path);
      p.files = it->second;
    }
    if (auto it = written.find(p.id); it != written.end()) {
      p.files.insert(p.files.end(), it->second->files.begin(), it->second->files.end());
    }
    for (const auto& f : p.files) p.bytes += f.bytes;
    out.push_back(std::move(p));
  }
  return out;
}

Plan WrittenPlan(const ops::Change& change) {
  Plan w = change.plan;
  w.partitions = change.written;
  w.total_rows = 0;
  w.est_bytes = 0;
  for (const auto& p : w.partitions) {
    w.total_rows += p.rows;
    w.est_bytes += p.est_bytes;
  }
  return w;
}

Manifest FilesToVerify(const ops::Change& change, const Manifest& built, const fs::path& base,
                       const fs::path& root) {
  std::map<int64_t, const Partition*> written;
  for (const auto& w : change.written) written[w.id] = &w;
  Manifest read = built;
  read.partitions.clear();
  read.total_rows = 0;
  read.total_checksum = "0";
  for (const auto& p : built.partitions) {
    const auto shared = change.shared_files.find(p.id);
    bool same = true;
    std::set<std::string> shared_paths;
    if (shared != change.shared_files.end()) {
      for (const auto& f : shared->second) {
        same = same && SameFile(base / BasePath(change, f.path), root / f.path, f.bytes);
        shared_paths.insert(f.path);
      }
    }
    const auto w = written.find(p.id);
    if (same && w == written.end()) continue;  // proved by identity
    Partition r = p;
    if (same) {  // only what was written for it
      std::erase_if(r.files,
                    [&](const PartitionFile& f) { return shared_paths.count(f.path) > 0; });
      r.rows = w->second->rows;
      r.checksum = w->second->checksum;
    }
    read.total_rows += r.rows;
    read.total_checksum = util::AddChecksums(read.total_checksum, r.checksum);
    read.partitions.push_back(std::move(r));
  }
  return read;
}

}  // namespace duckpart::parquet

#include "doctor/environment_checks.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "duckpart/run.h"
#include "util/format.h"

namespace duckpart::doctor {
namespace {

namespace fs = std::filesystem;

// Files open besides the partition writers: DuckDB's own, the source, spill files, the
// manifest, the lock.
constexpr int64_t kBaseOpenFiles = 32;
// Up to this many partitions a run writes them all at once; above, rows are sorted by
// partition and few files are open at a time.
const int64_t kDirectWritePartitions = RunOptions{}.sorted_write_threshold;

int64_t MeminfoField(const std::string& text, const std::string& field) {
  const size_t at = text.find(field + ":");
  if (at == std::string::npos) return -1;
  return std::stoll(text.substr(at + field.size() + 1)) * 1024;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Creates, writes, fsyncs and removes a probe file in `dir`; "" on success, else why not.
std::string ProbeWrite(const std::string& dir, int64_t* mtime_skew_seconds = nullptr) {
  const std::string path =
      (fs::path(dir) / (".duckpart-doctor-probe-" + std::to_string(getpid()))).string();
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return std::strerror(errno);
  std::string error;
  if (::write(fd, "x", 1) != 1 || ::fsync(fd) != 0) error = std::strerror(errno);
  struct stat st {};
  if (mtime_skew_seconds != nullptr && ::fstat(fd, &st) == 0) {
    *mtime_skew_seconds = static_cast<int64_t>(st.st_mtime) - static_cast<int64_t>(::time(nullptr));
  }
  ::close(fd);
  ::unlink(path.c_str());
  return error;
}

DoctorCheck Env(std::string name, CheckStatus status, std::string detail, std::string advice) {
  return {"environment", std::move(name), status, std::move(detail), std::move(advice)};
}

}  // namespace

MemoryInfo ReadMemoryInfo() {
  MemoryInfo m;
  const std::string meminfo = ReadText("/proc/meminfo");
  m.total = MeminfoField(meminfo, "MemTotal");
  m.available = MeminfoField(meminfo, "MemAvailable");
  const std::string cgroup = ReadText("/proc/self/cgroup");  // "0::/path" on cgroup v2
  const size_t at = cgroup.find("0::");
  if (at != std::string::npos) {
    std::string rel = cgroup.substr(at + 3);
    rel = rel.substr(0, rel.find('\n'));
    const std::string max = ReadText("/sys/fs/cgroup" + rel + "/memory.max");
    if (!max.empty() && std::isdigit(static_cast<unsigned char>(max[0])))
      m.cgroup_limit = std::stoll(max);
  }
  return m;
}

DoctorCheck CheckMemory(int64_t limit, const MemoryInfo& m) {
  const int64_t total =
      m.cgroup_limit > 0 && (m.total < 0 || m.cgroup_limit < m.total) ? m.cgroup_limit : m.total;
  const std::string detail =
      fmt::format("memory limit {}; {} total{}, {} available", util::FormatBytes(limit),
                  util::FormatBytes(total), total == m.cgroup_limit ? " (cgroup)" : "",
                  util::FormatBytes(m.available));
  if (total > 0 && limit > total) {
    return Env(
        "memory", CheckStatus::kFail, detail,
        fmt::format(
            "lower --memory-limit (memory_limit) below {}: DuckDB would be killed before it spills",
            util::FormatBytes(total)));
  }
  if (m.available > 0 && limit > m.available) {
    return Env(
        "memory", CheckStatus::kWarn, detail,
        "less memory is free than the limit allows: lower --memory-limit or stop other work");
  }
  return Env("memory", CheckStatus::kPass, detail, "the limit fits in the free memory");
}

DoctorCheck CheckCores(int threads, int cores) {
  const std::string detail = fmt::format("{} cores usable; threads {}", cores,
                                         threads == 0 ? "all" : std::to_string(threads));
  if (threads > cores) {
    return Env(
        "cores", CheckStatus::kWarn, detail,
        fmt::format("more threads than cores only adds memory per thread: use --threads {} or 0",
                    cores));
  }
  return Env("cores", CheckStatus::kPass, detail, "nothing to do");
}

DoctorCheck CheckDuckDbVersion(const std::string& version) {
  if (version == "v1.4.4")
    return Env("duckdb", CheckStatus::kPass, "DuckDB " + version,
               "the version duckpart is tested with");
  return Env("duckdb", CheckStatus::kWarn, "DuckDB " + version,
             "duckpart is built and tested against DuckDB v1.4.4; rebuild against it");
}

DoctorCheck CheckTempDir(const std::string& dir, const std::string& unset_note) {
  const std::string shown = dir + unset_note;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    return Env("temp-dir", CheckStatus::kFail, shown + " is not a folder",
               "give --temp-dir (temp_dir) a folder");
  }
  const std::string probe_dir = fs::is_directory(dir, ec) ? dir : ExistingAncestor(dir);
  if (!fs::is_directory(probe_dir, ec)) {
    return Env("temp-dir", CheckStatus::kFail,
               fmt::format("{} cannot be created: {} is not a folder", shown, probe_dir),
               "give --temp-dir (temp_dir) a folder that exists or can be created");
  }
  if (const std::string error = ProbeWrite(probe_dir); !error.empty()) {
    return Env("temp-dir", CheckStatus::kFail,
               fmt::format("{}: cannot write in {}: {}", shown, probe_dir, error),
               "DuckDB could not spill: give --temp-dir (temp_dir) a writable folder");
  }
  const bool exists = probe_dir == dir;
  return Env("temp-dir", CheckStatus::kPass,
             shown + (exists ? " is writable" : " will be created (parent writable)"),
             "nothing to do");
}

DoctorCheck CheckTempSpace(const std::string& dir, int64_t free_space_min, int64_t est_spill) {
  const std::string existing = ExistingAncestor(dir);
  struct statvfs st {};
  if (::statvfs(existing.c_str(), &st) != 0) {
    return Env("temp-space", CheckStatus::kWarn,
               "cannot read the free space of " + existing + ": " + std::strerror(errno),
               "check the temp directory's filesystem");
  }
  const auto free_bytes = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
  const std::string detail =
      fmt::format("{} free on the filesystem of {}{}", util::FormatBytes(free_bytes), existing,
                  est_spill >= 0 ? "; the source is ~" + util::FormatBytes(est_spill) : "");
  if (est_spill > free_bytes) {
    return Env("temp-space", CheckStatus::kWarn, detail,
               "a sorted write may spill up to the source's size: free space or give --temp-dir on "
               "a larger disk");
  }
  if (free_bytes < free_space_min) {
    return Env("temp-space", CheckStatus::kWarn, detail,
               fmt::format("below free_space_min ({}): free space or move --temp-dir",
                           util::FormatBytes(free_space_min)));
  }
  return Env("temp-space", CheckStatus::kPass, detail, "enough room to spill");
}

int64_t OpenFilesNeeded(int64_t partitions) {
  if (partitions < 0) return kBaseOpenFiles + kDirectWritePartitions;
  return kBaseOpenFiles + std::min(partitions, kDirectWritePartitions);
}

DoctorCheck CheckOpenFiles(int64_t soft, int64_t hard, int64_t partitions, double ratio) {
  const int64_t need = OpenFilesNeeded(partitions);
  const std::string detail = fmt::format(
      "open-file limit {} (hard {}); a run {} opens up to ~{} files at once", soft,
      hard < 0 ? std::string("unlimited") : std::to_string(hard),
      partitions < 0 ? std::string("of any spec") : fmt::format("of {} partitions", partitions),
      need);
  const std::string raise =
      fmt::format("raise it: ulimit -n {}", hard < 0 ? 4096 : std::min<int64_t>(hard, 4096));
  if (need > soft) {
    return Env("open-files", partitions < 0 ? CheckStatus::kWarn : CheckStatus::kFail, detail,
               "the run would fail with 'Too many open files': " + raise);
  }
  if (static_cast<double>(need) > ratio * static_cast<double>(soft)) {
    return Env("open-files", CheckStatus::kWarn, detail,
               "little headroom (open_files_ratio): " + raise);
  }
  return Env("open-files", CheckStatus::kPass, detail, "enough headroom");
}

DoctorCheck CheckClock(const std::string& dir) {
  const auto now = std::chrono::system_clock::now();
  const auto year = static_cast<int>(
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now)).year());
  if (year < 2020 || year >= 2100) {
    return Env("clock", CheckStatus::kFail, fmt::format("the clock says year {}", year),
               "set the system clock (NTP): dataset freshness and history depend on it");
  }
  int64_t skew = 0;
  const std::string error = ProbeWrite(ExistingAncestor(dir), &skew);
  if (error.empty() && std::abs(skew) > 120) {
    return Env("clock", CheckStatus::kWarn,
               fmt::format("a file written now is dated {} s off the clock", skew),
               "the filesystem's clock differs (a network filesystem?): synchronise both with NTP");
  }
  return Env("clock", CheckStatus::kPass,
             fmt::format("year {}; file times agree with the clock", year), "nothing to do");
}

std::string ExistingAncestor(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path.empty() ? "." : path, ec);
  while (!p.empty() && !fs::exists(p, ec) && p != p.root_path()) p = p.parent_path();
  // A file on the way (`file/sub`) is returned as is: the caller reports it.
  return p.string();
}

}  // namespace duckpart::doctor

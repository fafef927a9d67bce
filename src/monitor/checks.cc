#include "monitor/checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "util/format.h"

namespace duckpart::monitor {
namespace {

HealthCheck Make(const char* name, Health h, std::string detail, std::string advice = "") {
  return {.name = name,
          .health = h,
          .detail = std::move(detail),
          .advice = h == Health::kOk ? "" : std::move(advice)};
}

std::string Quote(const std::string& s) {
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' ||
          c == '-'))
      return "'" + s + "'";
  }
  return s;
}

}  // namespace

std::string FormatAge(int64_t s) {
  if (s < 0) return fmt::format("-{}", FormatAge(-s));
  if (s < 120) return fmt::format("{}s", s);
  if (s < 7200) return fmt::format("{}m", s / 60);
  if (s < 2 * 86400) return fmt::format("{}h {}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}d {}h", s / 86400, s % 86400 / 3600);
}

HealthCheck CheckBalance(double cv, int64_t partitions, const MonitorThresholds& t) {
  const std::string detail = fmt::format(
      "CV of rows per partition {:.3f} over {} partitions (warning above {:g}, "
      "critical above {:g})",
      cv, partitions, t.cv_warn, t.cv_critical);
  const Health h = cv > t.cv_critical ? Health::kCritical
                   : cv > t.cv_warn   ? Health::kWarning
                                      : Health::kOk;
  return Make("balance", h, detail,
              "see `duckpart analyze` for the partitions to split or merge and the command");
}

HealthCheck CheckSmallFiles(int64_t small, int64_t files, int64_t bytes,
                            const MonitorThresholds& t) {
  const double share = files > 0 ? static_cast<double>(small) / static_cast<double>(files) : 0;
  // The fewest files the bytes need at the small-file size: fewer files cannot help below it.
  const int64_t needed =
      t.small_file_size > 0
          ? std::max<int64_t>(1, (bytes + t.small_file_size - 1) / t.small_file_size)
          : files;
  const bool warn = share > t.small_file_ratio && files > needed;
  return Make("small_files", warn ? Health::kWarning : Health::kOk,
              fmt::format("{} of {} files under {} ({:.0f}%; warning above {:.0f}% when the "
                          "bytes fit in fewer files)",
                          small, files, util::FormatBytes(t.small_file_size), share * 100,
                          t.small_file_ratio * 100),
              "compact or coarsen the spec: `duckpart analyze` names the command");
}

HealthCheck CheckMissingFiles(int64_t missing, const std::string& target) {
  return Make("files", missing > 0 ? Health::kCritical : Health::kOk,
              missing > 0 ? fmt::format("{} files the manifest lists are missing on disk", missing)
                          : "every file the manifest lists is on disk",
              "the dataset is damaged: run `duckpart validate " + Quote(target) +
                  "` and rewrite it from its source");
}

HealthCheck CheckLeftovers(const StoreStatus& st) {
  const std::vector<StoreItem> items = st.Interrupted();
  if (items.empty()) return Make("leftovers", Health::kOk, "no leftovers of an interrupted write");
  int64_t bytes = 0;
  for (const auto& i : items) bytes += i.bytes;
  const std::string what = fmt::format("{} leftover{} of an interrupted operation ({}), e.g. {}",
                                       items.size(), items.size() == 1 ? "" : "s",
                                       util::FormatBytes(bytes), StoreItemKindName(items[0].kind));
  if (st.locked) {
    return Make("leftovers", Health::kOk,
                what + fmt::format(": a writer (pid {}) is at work now", st.lock_pid.value_or(0)));
  }
  const std::string who =
      st.lock_pid && !st.lock_pid_alive
          ? fmt::format(" (its writer, pid {}, is no longer running)", *st.lock_pid)
          : "";
  return Make("leftovers", Health::kWarning, what + who,
              "run `duckpart recover " + Quote(st.target) + "`");
}

HealthCheck CheckLock(const StoreStatus& st, std::optional<int64_t> lock_age,
                      const MonitorThresholds& t) {
  if (!st.locked) return Make("lock", Health::kOk, "no process holds the store's lock");
  const std::string pid = st.lock_pid ? std::to_string(*st.lock_pid) : "unknown";
  if (!st.lock_pid_alive) {
    return Make("lock", Health::kCritical,
                fmt::format("the store's lock is held, but the writer its lock file names (pid "
                            "{}) is no longer running: a stale lock, kept by a process that "
                            "inherited it",
                            pid),
                "find the holder with `fuser -v " + st.store +
                    "/lock` and end it; every write is refused until then");
  }
  const int64_t age = lock_age.value_or(0);
  const std::string detail = fmt::format(
      "a writer (pid {}) has held the lock for {} (warning "
      "above {})",
      pid, FormatAge(age), FormatAge(t.lock_max_age));
  return Make("lock", age > t.lock_max_age ? Health::kWarning : Health::kOk, detail,
              "check that process " + pid + " still makes progress");
}

HealthCheck CheckFreshness(std::optional<int64_t> age, const std::string& at,
                           const MonitorThresholds& t) {
  if (!age) {
    return Make("freshness", Health::kWarning,
                "the time of the last write is unknown ('" + at + "' is not an ISO 8601 time)",
                "rewrite the dataset with this duckpart");
  }
  const Health h = *age > t.freshness_critical_age ? Health::kCritical
                   : *age > t.freshness_max_age    ? Health::kWarning
                                                   : Health::kOk;
  return Make("freshness", h,
              fmt::format("last successful write {} ago, at {} (warning above {}, critical "
                          "above {})",
                          FormatAge(*age), at, FormatAge(t.freshness_max_age),
                          FormatAge(t.freshness_critical_age)),
              "check the job that writes this dataset (cron, timer, pipeline)");
}

HealthCheck CheckFreeSpace(std::optional<int64_t> free_bytes, const std::string& where,
                           const std::string& why, const MonitorThresholds& t) {
  if (!free_bytes) {
    return Make("free_space", Health::kWarning, "cannot read the free space of " + where + why,
                "check the filesystem");
  }
  const Health h = *free_bytes < t.free_space_critical ? Health::kCritical
                   : *free_bytes < t.free_space_min    ? Health::kWarning
                                                       : Health::kOk;
  return Make(
      "free_space", h,
      fmt::format("{} free on the filesystem of {} (warning under {}, critical under {})",
                  util::FormatBytes(*free_bytes), where, util::FormatBytes(t.free_space_min),
                  util::FormatBytes(t.free_space_critical)),
      "free space there: the next write needs room for a whole new version");
}

HealthCheck CheckVersions(int64_t kept, const MonitorThresholds& t, const std::string& target) {
  return Make("versions", kept > t.versions_max ? Health::kWarning : Health::kOk,
              fmt::format("{} version{} kept in the store (warning above {})", kept,
                          kept == 1 ? "" : "s", t.versions_max),
              "run `duckpart cleanup " + Quote(target) + "` to remove superseded versions");
}

HealthCheck CheckValidate(const std::vector<std::string>& problems, const std::string& command) {
  if (problems.empty())
    return Make("validate", Health::kOk, "validate found rows, checksums and files as recorded");
  return Make("validate", Health::kCritical,
              fmt::format("validate found {} problem{}; the first: {}", problems.size(),
                          problems.size() == 1 ? "" : "s", problems.front()),
              "run `" + command + "` for the full list");
}

}  // namespace duckpart::monitor

#include "ops/failure_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "duckpart/error.h"
#include "duckpart/run.h"
#include "store/dataset_store.h"
#include "util/utc_time.h"

namespace duckpart::ops {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path LogPath(const std::string& dataset) {
  return fs::path(StoreDirOf(dataset)) / kFailureLogName;
}

std::vector<std::string> Lines(const fs::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Keeps the last kMaxFailuresKept lines once the log holds twice as many: a new file
// renamed over the old one, so a reader sees the old log or the new one.
void Trim(const fs::path& path) {
  std::vector<std::string> lines = Lines(path);
  if (lines.size() <= 2 * kMaxFailuresKept) return;
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (size_t i = lines.size() - kMaxFailuresKept; i < lines.size(); ++i) out << lines[i] << '\n';
    if (!out) return;
  }
  fs::rename(tmp, path);
}

json ToJson(const FailedOperation& f) {
  return {{"operation", f.operation}, {"time", f.time},       {"kind", f.kind},
          {"exit_code", f.exit_code}, {"message", f.message}, {"seconds", f.seconds},
          {"version", f.version}};
}

}  // namespace

void LogFailure(const std::string& dataset, const FailedOperation& failure) noexcept {
  try {
    const fs::path path = LogPath(dataset);
    if (!fs::is_directory(path.parent_path())) return;
    const std::string line =
        ToJson(failure).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    const bool whole = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    if (whole) Trim(path);
  } catch (...) {  // the log is a courtesy: the failure is reported whatever happens here
  }
}

void LogFailure(const std::string& dataset, const std::string& operation, const Error& error,
                double seconds) noexcept {
  // Only failures of the work: bad input and a busy lock changed nothing (and nothing means
  // nothing, not even this log), and an interrupt is the caller's choice, not a failure.
  if (error.code() != ExitCode::kCheckFailed && error.code() != ExitCode::kRuntime) return;
  try {
    LogFailure(dataset, {.operation = operation,
                         .time = util::NowUtc(),
                         .kind = ExitCodeName(error.code()),
                         .exit_code = static_cast<int>(error.code()),
                         .message = error.what(),
                         .seconds = seconds,
                         .version = store::DatasetStore(dataset).CurrentVersion().value_or(0)});
  } catch (...) {  // see above
  }
}

std::vector<FailedOperation> ReadFailures(const std::string& dataset) {
  std::vector<FailedOperation> out;
  for (const std::string& line : Lines(LogPath(dataset))) {
    try {
      const json j = json::parse(line);
      out.push_back({.operation = j.value("operation", ""),
                     .time = j.value("time", ""),
                     .kind = j.value("kind", ""),
                     .exit_code = j.value("exit_code", 0),
                     .message = j.value("message", ""),
                     .seconds = j.value("seconds", 0.0),
                     .version = j.value("version", int64_t{0})});
    } catch (const json::exception&) {  // a line cut short or edited by hand
    }
  }
  if (out.size() > kMaxFailuresKept) out.erase(out.begin(), out.end() - kMaxFailuresKept);
  return out;
}

}  // namespace duckpart::ops

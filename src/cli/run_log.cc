#include "cli/run_log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "duckpart/error.h"

namespace duckpart::cli {

RunLog::RunLog(const std::string& path) {
  if (path.empty()) return;
  // spdlog would make the missing folders; a log in a folder that does not exist is a typo.
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (!folder.empty() && !std::filesystem::is_directory(folder)) {
    throw InputError("--log-file '" + path + "': the folder '" + folder.string() +
                     "' does not exist; give a file in a folder that exists");
  }
  try {
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, /*truncate=*/false);
    logger_ = std::make_shared<spdlog::logger>("duckpart", std::move(sink));
  } catch (const spdlog::spdlog_ex& e) {
    throw InputError("--log-file '" + path + "' cannot be opened (" + e.what() +
                     "); give a file in a folder that exists and is writable");
  }
  // The line's own fields follow time and level: %v is an object's members, without
  // its braces (see Write).
  logger_->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                       spdlog::pattern_time_type::utc);
  logger_->set_level(spdlog::level::info);
  logger_->flush_on(spdlog::level::info);  // a line is on disk before the next step
}

RunLog::~RunLog() = default;

void RunLog::Write(int level, nlohmann::ordered_json fields) {
  if (!logger_) return;
  std::string members = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  members = members.substr(1, members.size() - 2);  // never empty: "event" is always there
  logger_->log(static_cast<spdlog::level::level_enum>(level), "{}", members);
}

void RunLog::Start(const std::string& command, const nlohmann::ordered_json& fields) {
  nlohmann::ordered_json line = {{"event", "start"}, {"command", command}};
  for (const auto& [k, v] : fields.items()) line[k] = v;
  Write(spdlog::level::info, std::move(line));
}

void RunLog::Phase(const ProgressSnapshot& s) {
  nlohmann::ordered_json line = {
      {"event", "phase"}, {"phase", PhaseName(s.phase)}, {"seconds", s.phase_seconds}};
  if (s.work_total > 0) {  // a phase that works through rows: write, verify, a table stage
    line["rows"] = s.rows_total;
    line["bytes"] = s.bytes_written;
  }
  Write(spdlog::level::info, std::move(line));
}

void RunLog::Warning(const std::string& message) {
  Write(spdlog::level::warn, {{"event", "warning"}, {"message", message}});
}

void RunLog::Done(const nlohmann::json& result) {
  Write(spdlog::level::info, {{"event", "done"}, {"exit_code", 0}, {"result", result}});
}

void RunLog::Failed(const Failure& f) {
  Write(spdlog::level::err, {{"event", "failed"},
                             {"exit_code", static_cast<int>(f.code)},
                             {"kind", ExitCodeName(f.code)},
                             {"message", f.message}});
}

}  // namespace duckpart::cli

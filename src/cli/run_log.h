// --log-file FILE (config key log_file): the log of an unattended writing command, one
// JSON object per line, appended through spdlog (which owns the file, its locking
// between threads and the flush after every line). Every line has "time" (UTC, ISO
// 8601 with microseconds), "level" ("info", "warning", "error") and "event":
//
//   {"time":"2026-12-01T12:00:00.123456Z","level":"info","event":"start","command":"run",...}
//   {"time":...,"level":"info","event":"phase","phase":"write","seconds":3.2,"rows":20000000,
//    "bytes":432123456}
//   {"time":...,"level":"warning","event":"warning","message":"..."}
//   {"time":...,"level":"info","event":"done","exit_code":0,"result":{...}}   or
//   {"time":...,"level":"error","event":"failed","exit_code":3,"kind":"runtime","message":"..."}
//
// An empty path logs nothing. Thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/failure.h"
#include "duckpart/operation.h"

namespace spdlog {
class logger;
}

namespace duckpart::cli {

class RunLog {
 public:
  // Opens `path` for appending (creating it). Throws InputError naming --log-file when it
  // cannot be opened, before any work.
  explicit RunLog(const std::string& path);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  // The command begins; `fields` say what it works on (target, source, spec).
  void Start(const std::string& command, const nlohmann::ordered_json& fields);
  // A phase ended (the driver's last snapshot of it).
  void Phase(const ProgressSnapshot& snapshot);
  void Warning(const std::string& message);
  // The command succeeded with `result` (its --json output).
  void Done(const nlohmann::json& result);
  // The command failed.
  void Failed(const Failure& failure);

 private:
  void Write(int level, nlohmann::ordered_json fields);

  std::shared_ptr<spdlog::logger> logger_;  // null: no log
};

}  // namespace duckpart::cli

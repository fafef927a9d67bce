// Errors that end a duckpart operation, each with the exit code the CLI returns.
//
//   throw InputError("unknown column 'ts2' in table events");   // exit 2
//   throw CheckFailed("2 partitions differ from the manifest");  // exit 1
//
// DuckDB's own failures arrive as db::DbError and are mapped at the CLI boundary.
#pragma once

#include <stdexcept>
#include <string>

namespace duckpart {

enum class ExitCode : int { kOk = 0, kCheckFailed = 1, kUsage = 2, kRuntime = 3 };

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  const ExitCode code_;
};

// Bad input found before any work: nothing was changed.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message) : Error(ExitCode::kUsage, message) {}
};

// A check (validation, integrity) did not hold.
class CheckFailed : public Error {
 public:
  explicit CheckFailed(const std::string& message) : Error(ExitCode::kCheckFailed, message) {}
};

// The work itself failed (IO, out of memory after retries, interrupted).
class RuntimeFailure : public Error {
 public:
  explicit RuntimeFailure(const std::string& message) : Error(ExitCode::kRuntime, message) {}
};

}  // namespace duckpart

// Errors that end a duckpart operation, each with its failure class and the exit code
// the CLI returns.
//
//   throw InputError("unknown column 'ts2' in table events");   // exit 2
//   throw CheckFailed("2 partitions differ from the manifest");  // exit 1
//   throw RuntimeFailure(FailureClass::kDiskFull, "no space left on /data");  // exit 3
//   throw BusyError("another duckpart process is writing to 'out/events'");  // exit 4
//
// Exit codes (the CLI's contract, also in the README and every command's help):
//   0 success, 1 a check failed, 2 usage or input error (nothing changed),
//   3 runtime failure, 4 busy (another process holds the lock; nothing changed, try
//   again later), 130 interrupted (Ctrl-C or SIGTERM; what was begun is rolled back).
//
// DuckDB's own failures arrive as db::DbError inside the library and become one of these
// in one place (ops::TranslateFailure); retries and exit codes read the class, never the
// message text.
#pragma once

#include <stdexcept>
#include <string>

namespace duckpart {

enum class ExitCode : int {
  kOk = 0,
  kCheckFailed = 1,
  kUsage = 2,
  kRuntime = 3,
  kBusy = 4,
  kInterrupted = 130,  // 128 + SIGINT, as shells report a process ended by Ctrl-C
};

// Why an operation failed; decides whether it is worth another attempt.
enum class FailureClass {
  kOutOfMemory,   // DuckDB out of memory, std::bad_alloc
  kDiskFull,      // no space left on a device, or the spill cap (max_temp_directory_size) hit
  kIo,            // other IO errors (permissions, missing files, ...)
  kInterrupted,   // Ctrl-C / SIGTERM, or DuckDB's interrupt
  kIntegrity,     // CheckFailed: the written data did not match
  kInvalidInput,  // InputError, and DuckDB parser/binder/catalog/conversion errors
  kOther,
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, FailureClass failure, const std::string& message)
      : std::runtime_error(message), code_(code), failure_(failure) {}
  ExitCode code() const { return code_; }
  FailureClass failure() const { return failure_; }

 private:
  const ExitCode code_;
  const FailureClass failure_;
};

// Bad input found before any work: nothing was changed.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message)
      : Error(ExitCode::kUsage, FailureClass::kInvalidInput, message) {}
};

// A check (validation, integrity) did not hold.
class CheckFailed : public Error {
 public:
  explicit CheckFailed(const std::string& message)
      : Error(ExitCode::kCheckFailed, FailureClass::kIntegrity, message) {}
};

// The work itself failed (IO, out of memory after retries, ...).
class RuntimeFailure : public Error {
 public:
  explicit RuntimeFailure(const std::string& message)
      : RuntimeFailure(FailureClass::kOther, message) {}
  RuntimeFailure(FailureClass failure, const std::string& message)
      : Error(ExitCode::kRuntime, failure, message) {}

 protected:
  RuntimeFailure(ExitCode code, FailureClass failure, const std::string& message)
      : Error(code, failure, message) {}
};

// The operation was cancelled (Ctrl-C, SIGTERM, a CancelToken) before its commit point;
// what it had begun was rolled back. Exit 130.
class Interrupted : public RuntimeFailure {
 public:
  explicit Interrupted(const std::string& message)
      : RuntimeFailure(ExitCode::kInterrupted, FailureClass::kInterrupted, message) {}
};
using InterruptedError = Interrupted;

// Another process holds the lock on the target (a duckpart writer, or DuckDB's own lock
// on a database file): nothing was changed; the same command may succeed later.
class BusyError : public Error {
 public:
  explicit BusyError(const std::string& message)
      : Error(ExitCode::kBusy, FailureClass::kOther, message) {}
};

// A stable lower-case name of an exit code, for JSON ("check_failed", "usage", "runtime",
// "busy", "interrupted"; "ok" for 0).
inline const char* ExitCodeName(ExitCode code) {
  switch (code) {
    case ExitCode::kOk:
      return "ok";
    case ExitCode::kCheckFailed:
      return "check_failed";
    case ExitCode::kUsage:
      return "usage";
    case ExitCode::kRuntime:
      return "runtime";
    case ExitCode::kBusy:
      return "busy";
    case ExitCode::kInterrupted:
      return "interrupted";
  }
  return "runtime";
}

}  // namespace duckpart

#include "cli/failure.h"

#include <iostream>
#include <new>
#include <nlohmann/json.hpp>

#include "db/error.h"
#include "db/error_text.h"

namespace duckpart::cli {
namespace {

std::string OneLine(const std::string& message) {
  std::string line = db::WithoutSqlContext(message);
  std::string out;
  for (char c : line) {
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Failure Classify(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return {e.code(), e.what()};
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kInterrupt) return {ExitCode::kInterrupted, "interrupted"};
    return {ExitCode::kRuntime, e.what()};
  } catch (const std::bad_alloc&) {
    return {ExitCode::kRuntime, "out of memory; raise --memory-limit or lower --threads"};
  } catch (const std::exception& e) {
    return {ExitCode::kRuntime, e.what()};
  } catch (...) {
    return {ExitCode::kRuntime, "unknown failure"};
  }
}

}  // namespace

Failure DescribeFailure(std::exception_ptr error, bool interrupted) {
  Failure f = Classify(error);
  if (const auto lock = db::LockConflict(f.message); lock && f.code != ExitCode::kInterrupted) {
    f.code = ExitCode::kBusy;
    f.message = *lock + "; nothing was changed, try again when it has finished";
  }
  if (interrupted) f.code = ExitCode::kInterrupted;
  f.message = OneLine(f.message);
  return f;
}

int ReportFailure(const Failure& failure, bool json) {
  std::cerr << "duckpart: error: " << failure.message << "\n";
  if (json) {
    const nlohmann::ordered_json out = {{"error",
                                         {{"kind", ExitCodeName(failure.code)},
                                          {"message", failure.message},
                                          {"exit_code", static_cast<int>(failure.code)}}}};
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
  }
  return static_cast<int>(failure.code);
}

}  // namespace duckpart::cli

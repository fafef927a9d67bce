// How a command's failure reaches the user: one line on stderr, `duckpart: error: ...`,
// and with --json also {"error": {"kind", "message", "exit_code"}} on stdout; the exit
// code from duckpart/error.h.
#pragma once

#include <exception>
#include <string>

#include "duckpart/error.h"

namespace duckpart::cli {

struct Failure {
  ExitCode code = ExitCode::kRuntime;
  std::string message;  // one line, without DuckDB's SQL context
};

// The failure that `error` stands for. duckpart::Error keeps its code; DuckDB errors are
// runtime failures, except an interrupt (130) and a database file locked by another
// process (busy, 4). When `interrupted` (Ctrl-C was pressed), any error is an interrupt.
Failure DescribeFailure(std::exception_ptr error, bool interrupted);

// Prints the failure (stderr, and stdout as JSON when `json`); returns its exit code.
int ReportFailure(const Failure& failure, bool json);

}  // namespace duckpart::cli

// The one place where a failure from below (DuckDB, the file system, the allocator)
// becomes a duckpart Error with its FailureClass, which retries and exit codes read.
#pragma once

#include <exception>

#include "duckpart/operation.h"

namespace duckpart::ops {

// Rethrows `failure` as a duckpart Error: duckpart Errors as they are; DuckDB's
// interrupt, or any failure once `cancel` is cancelled, as Interrupted; DuckDB errors,
// filesystem errors and std::bad_alloc as an Error of exit code 3 whose class comes from
// DuckDB's error type (never from the message, except that a full disk is told apart
// from other IO errors by the operating system's words). Anything else as it is.
[[noreturn]] void ThrowTranslated(std::exception_ptr failure, const CancelToken* cancel);

}  // namespace duckpart::ops

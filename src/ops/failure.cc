#include "ops/failure.h"

#include <filesystem>
#include <new>

#include "db/error.h"
#include "duckpart/error.h"
#include "duckpart/retry.h"

namespace duckpart::ops {

[[noreturn]] void ThrowTranslated(std::exception_ptr failure, const CancelToken* cancel) {
  try {
    std::rethrow_exception(failure);
  } catch (const Error& e) {
    if (cancel && cancel->cancelled() && e.failure() != FailureClass::kIntegrity &&
        e.failure() != FailureClass::kInvalidInput) {
      throw Interrupted("interrupted");
    }
    throw;
  } catch (const db::DbError& e) {
    const FailureClass c =
        cancel && cancel->cancelled() ? FailureClass::kInterrupted : ClassifyFailure(e);
    if (c == FailureClass::kInterrupted) throw Interrupted("interrupted");
    throw Error(ExitCode::kRuntime, c, e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    throw Error(ExitCode::kRuntime, ClassifyFailure(e), e.what());
  } catch (const std::bad_alloc&) {
    throw RuntimeFailure(FailureClass::kOutOfMemory, "out of memory (allocation failed)");
  }
}

}  // namespace duckpart::ops

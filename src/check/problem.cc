// ValidationProblem::Make (include/duckpart/validate.h): the one way every check names a
// problem.
#include "duckpart/validate.h"

namespace duckpart {

ValidationProblem ValidationProblem::Make(std::string kind, std::string partition,
                                          std::string message) {
  std::string detail = message;
  const std::string prefix = "partition " + partition + ": ";
  if (!partition.empty() && detail.starts_with(prefix)) detail.erase(0, prefix.size());
  return {std::move(kind), std::move(partition), std::move(detail), std::move(message)};
}

}  // namespace duckpart

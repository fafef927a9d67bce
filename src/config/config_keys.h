// Internal helpers over the key table of duckpart/config.h.
#pragma once

#include <string>

#include "duckpart/config.h"

namespace duckpart::config {

// The valid key closest to `name` by edit distance (for "did you mean"), or "" when none is
// close (more than half the name would change). `section` "features" limits the search to
// feature keys, "" searches the others.
std::string NearestKeyName(const std::string& name, const std::string& section);

}  // namespace duckpart::config

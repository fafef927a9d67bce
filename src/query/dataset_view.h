// The view `dataset` of `duckpart query`: exactly the files of a version's manifest, with
// the files' own columns (never values guessed from the paths) plus each field computed
// from them as the spec does.
#pragma once

#include <string>

#include "duckpart/manifest.h"

namespace duckpart::query {

// "CREATE VIEW dataset AS ..." over the files of `m` under `root` (an absolute, resolved
// dataset folder).
std::string DatasetViewSql(const std::string& root, const Manifest& m);

}  // namespace duckpart::query

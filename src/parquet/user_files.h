// Files a user put inside a dataset: everything under the current version's folder that its
// manifest does not list (a README.txt at the top, a Parquet file dropped into a partition
// folder, a dataset written inside it). `run --replace` would leave them behind in the
// superseded version, which is then removed: duckpart deletes only what it can prove it made,
// so the replace is refused instead, before any work, naming them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "duckpart/manifest.h"
#include "store/dataset_store.h"

namespace duckpart::parquet {

// Paths (relative to `root`, sorted) of the files and links under `root` that `m` does not
// list; the manifest itself is listed. Folders count only through what they hold.
std::vector<std::string> UnlistedFiles(const std::filesystem::path& root, const Manifest& m);

// Throws InputError when the published version of `store` holds unlisted files (named, the
// first few), or when its manifest cannot be read (then duckpart cannot tell its files from
// the user's). Does nothing when the target holds no published version.
void CheckNoUserFiles(const store::DatasetStore& store, const std::string& target);

}  // namespace duckpart::parquet

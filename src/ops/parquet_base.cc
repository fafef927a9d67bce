#include "ops/parquet_base.h"

#include <filesystem>

#include "duckpart/error.h"
#include "duckpart/run.h"
#include "store/dataset_store.h"

namespace duckpart::ops {

BaseVersion CurrentParquetVersion(const std::string& target) {
  store::DatasetStore store(target);
  const auto version = store.Inspect() == store::DatasetStore::TargetState::kDataset
                           ? store.CurrentVersion()
                           : std::nullopt;
  if (!version) {
    throw InputError("no duckpart dataset at '" + target + "'; create it with duckpart run --to " +
                     target);
  }
  return {ReadManifest(store.VersionDir(*version).string()), *version};
}

std::string DefaultTempDirectory(const std::string& target) {
  return (std::filesystem::path(StoreDirOf(target)) / "tmp").string();
}

}  // namespace duckpart::ops

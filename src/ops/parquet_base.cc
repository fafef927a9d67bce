#include "ops/parquet_base.h"

#include <filesystem>

#include "duckpart/error.h"
#include "duckpart/run.h"
#include "ops/driver.h"
#include "parquet/parquet_target.h"
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

EngineOptions WithDatasetSpill(EngineOptions engine, const std::string& target) {
  if (engine.temp_directory.empty())
    engine.temp_directory = (std::filesystem::path(StoreDirOf(target)) / "tmp").string();
  return engine;
}

Outcome DriveOnParquet(const SourceOptions& source, const EngineOptions& engine, Operation& op,
                       const RunOptions& options, const OperationControl& control,
                       const std::string& operation,
                       const std::function<void(const Manifest&, Change&)>& committed) {
  DriveOptions drive{.control = control, .verify = options.verify};
  drive.space_path = StoreDirOf(options.target);
  drive.failure_log = options.target;
  drive.operation = operation;
  return Drive(
      source, engine, op,
      [&](Workspace& ws, const Attempt& a) -> std::unique_ptr<Target> {
        return std::make_unique<parquet::ParquetTarget>(ws, options, a);
      },
      drive,
      [&](Target& t, Change& change, const Outcome&) {
        committed(static_cast<parquet::ParquetTarget&>(t).manifest(), change);
      });
}

}  // namespace duckpart::ops

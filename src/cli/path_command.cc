// duckpart path: the folder of one version of a dataset, for readers outside duckpart that
// must see one version from start to end (a snapshot): read under the printed folder, not
// through the dataset link, and a concurrent `run --replace` changes nothing you read.
#include <iostream>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "duckpart/manifest.h"
#include "store/version_pin.h"

namespace duckpart::cli {
namespace {

struct PathArgs {
  std::string dir;
  int64_t version = 0;  // 0: the current version
};

int RunPath(const PathArgs& args, const GlobalOptions& global) {
  const store::PinnedVersion pin = store::PinVersion(
      args.dir, args.version ? std::optional<int64_t>(args.version) : std::nullopt);
  const Manifest m = ReadManifest(pin.root.string());  // InputError when there is no dataset
  if (global.json) {
    PrintJson({{"target", args.dir}, {"version", m.version}, {"path", pin.root.string()}});
  } else {
    std::cout << pin.root.string() << "\n";
  }
  return 0;
}

}  // namespace

Command AddPathCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "path", "Print the folder of the dataset's current version (or --version N): a snapshot");
  sub->footer(
      "Read under the printed folder (e.g. read_parquet('<folder>/**/*.parquet', "
      "hive_partitioning = false)) and the read sees exactly that version, also while a "
      "`run --replace` publishes another: version folders never change, and a superseded one "
      "stays for the writer's --version-grace (default 10m). A glob through the dataset link "
      "itself gives no such promise during a write: it never reads torn bytes, but may fail "
      "with a missing file or mix two versions. After `append --allow-new-columns` the "
      "older files lack the added columns: add union_by_name = true.");
  auto args = std::make_shared<PathArgs>();
  sub->add_option("dir", args->dir, "Dataset folder")->required();
  sub->add_option("--version", args->version, "An earlier version the store keeps")
      ->check(CLI::Range(int64_t{1}, int64_t{999999999999999}));
  return {sub, [args, &global] { return RunPath(*args, global); }};
}

}  // namespace duckpart::cli

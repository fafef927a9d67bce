// duckpart spec: a dataset's partition spec as Iceberg JSON, Spark SQL, or the exact
// DuckDB read, so that another engine can take the layout over.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "duckpart/manifest.h"
#include "duckpart/spec_export.h"

namespace duckpart::cli {
namespace {

struct SpecArgs {
  std::string dir;
  std::string format = "iceberg";
};

int RunSpec(const SpecArgs& args, const GlobalOptions& global) {
  const SpecFormat format = SpecFormatFromName(args.format);
  const Manifest m = ReadManifest(args.dir);
  if (global.json) {
    PrintJson(ExportSpecJson(m, args.dir, format));
  } else {
    std::cout << ExportSpec(m, args.dir, format) << "\n";
  }
  return 0;
}

}  // namespace

Command AddSpecCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "spec",
      "Print a dataset's partition spec as Iceberg JSON, Spark SQL or the exact DuckDB read");
  auto args = std::make_shared<SpecArgs>();
  sub->add_option("dir", args->dir, "Dataset folder")->required();
  sub->add_option("--format", args->format,
                  "iceberg (partition spec JSON), spark (PARTITIONED BY clause) or duckdb "
                  "(read_parquet call)")
      ->capture_default_str();
  return {sub, [args, &global] { return RunSpec(*args, global); }};
}

}  // namespace duckpart::cli

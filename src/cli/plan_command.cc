// duckpart plan: the partitions a spec gives, with rows, bytes and balance; changes nothing.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/plan_output.h"
#include "duckpart/plan.h"
#include "duckpart/spec.h"

namespace duckpart::cli {
namespace {

struct PlanArgs {
  SourceOptions source;
  EngineOptions engine;
  std::string by;
  int64_t show = kDefaultShownPartitions;
};

}  // namespace

Command AddPlanCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "plan", "Dry run: the partitions a spec gives, with rows, bytes and balance");
  auto args = std::make_shared<PlanArgs>();
  AddSourceOptions(*sub, args->source);
  AddEngineOptions(*sub, args->engine);
  sub->add_option("--by", args->by, "Partition spec, e.g. \"month(ts), bucket(8, user_id)\"")
      ->required();
  sub->add_option("--show", args->show, "Partitions to list")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000}))
      ->capture_default_str();
  return {sub, [args, &global] {
            return PlanAndPrint(args->source, args->engine, args->by, args->show, global);
          }};
}

}  // namespace duckpart::cli

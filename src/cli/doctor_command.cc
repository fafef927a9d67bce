// duckpart doctor: environment, filesystem and source checks before a big job.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "duckpart/config.h"
#include "duckpart/doctor.h"
#include "duckpart/error.h"

namespace duckpart::cli {
namespace {

struct DoctorArgs {
  SourceOptions source;
  EngineOptions engine;
  std::string column, by, to, leak_check;
  int64_t iterations = 100;
};

DoctorThresholds Thresholds(const Config& config) {
  return {.cv_warn = config.Number("cv_warn"),
          .max_partitions = config.Integer("max_partitions"),
          .free_space_min = config.Bytes("free_space_min"),
          .open_files_ratio = config.Number("open_files_ratio")};
}

void PrintReport(const DoctorReport& report) {
  std::string group;
  for (const auto& c : report.checks) {
    if (c.group != group) std::cout << (group.empty() ? "" : "\n") << (group = c.group) << "\n";
    std::cout << fmt::format("  {}  {:<16} {}\n", StatusName(c.status), c.name, c.detail);
    if (c.status != CheckStatus::kPass)
      std::cout << fmt::format("        {:<16} -> {}\n", "", c.advice);
  }
  int counts[3] = {0, 0, 0};
  for (const auto& c : report.checks) ++counts[static_cast<int>(c.status)];
  std::cout << fmt::format("\n{} passed, {} warnings, {} failed\n", counts[0], counts[1],
                           counts[2]);
}

int RunDoctorCommand(const DoctorArgs& args, const GlobalOptions& global) {
  const SourceOptions& s = args.source;
  DoctorOptions o{.engine = args.engine,
                  .column = args.column,
                  .by = args.by,
                  .thresholds = Thresholds(*global.config)};
  if (!s.db_path.empty() || !s.table.empty() || !s.query.empty() || !s.from.empty()) {
    if (!s.db_path.empty() && s.table.empty() && s.query.empty())
      throw InputError("--db needs --table or --query");
    o.source = s;
  } else if (!args.column.empty() || !args.by.empty()) {
    throw InputError(
        "--column and --by need a source: --db FILE --table T, --query SQL or --from FILES");
  }
  if (!args.to.empty()) o.target_dir = std::filesystem::absolute(args.to).parent_path().string();
  o.leak_check = args.leak_check;
  o.leak_target = args.to;
  o.leak_iterations = args.iterations;
  const DoctorReport report = RunDoctor(o);
  if (global.json) {
    PrintJson(ToJson(report));
  } else {
    PrintReport(report);
  }
  return report.Failed() ? static_cast<int>(ExitCode::kCheckFailed) : 0;
}

}  // namespace

Command AddDoctorCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand("doctor",
                                  "Check the machine, the target's filesystem and the source's "
                                  "columns before a job; exit 1 on a FAIL");
  auto args = std::make_shared<DoctorArgs>();
  AddSourceOptions(*sub, args->source);
  AddEngineOptions(*sub, args->engine);
  sub->add_option("--column", args->column, "Analyse only this source column");
  sub->add_option("--by", args->by, "A spec to predict: its balance and the files it would open");
  sub->add_option(
      "--to", args->to,
      "The target a run would write (its folder's filesystem is checked; default: here)");
  sub->add_option("--leak-check", args->leak_check,
                  "Run this operation over the dataset --to DIR many times in one process and "
                  "report RSS growth per iteration: validate, analyze, info or monitor");
  sub->add_option("--iterations", args->iterations, "With --leak-check: how many runs")
      ->check(CLI::Range(int64_t{1}, int64_t{100000}))
      ->capture_default_str();
  return {sub, [args, &global] { return RunDoctorCommand(*args, global); }};
}

}  // namespace duckpart::cli

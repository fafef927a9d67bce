// duckpart plan: the partitions a spec gives, with rows, bytes and balance; changes nothing.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "duckpart/plan.h"
#include "duckpart/spec.h"

namespace duckpart::cli {
namespace {

struct PlanArgs {
  SourceOptions source;
  EngineOptions engine;
  std::string by;
  int64_t show = 40;
};

void PrintPlan(const Plan& plan, int64_t show) {
  std::cout << "Plan for " << plan.source << ", spec " << ToString(plan.spec) << "\n";
  for (const auto& s : plan.stats) {
    std::cout << fmt::format("  column {} {}: {} NULLs, ~{} distinct, min {}, max {}\n", s.column,
                             s.type, FormatCount(s.nulls), FormatCount(s.distinct_estimate),
                             s.min.empty() ? "-" : s.min, s.max.empty() ? "-" : s.max);
  }
  for (const auto& f : plan.fields) {
    if (!f.quantile_method.empty()) {
      std::cout << fmt::format("  {}: {} cuts ({} heavy values), {}\n", ToString(f.field),
                               f.cuts.size(), f.heavy_values, f.quantile_method);
    }
  }
  std::cout << fmt::format("\n{:<60} {:>12} {:>7} {:>11}\n", "partition", "rows", "share",
                           "est. bytes");
  const double total = plan.total_rows > 0 ? static_cast<double>(plan.total_rows) : 1.0;
  int64_t shown = 0;
  for (const auto& p : plan.partitions) {
    if (shown++ >= show) {
      std::cout << fmt::format("... {} more (use --show N)\n",
                               plan.partitions.size() - static_cast<size_t>(show));
      break;
    }
    std::string name = p.path;
    for (const auto& r : p.ranges) {
      if (!r.empty()) name += " " + r;
    }
    std::cout << fmt::format("{:<60} {:>12} {:>6.2f}% {:>11}\n", name, FormatCount(p.rows),
                             100.0 * static_cast<double>(p.rows) / total, FormatBytes(p.est_bytes));
  }
  const auto& b = plan.balance;
  std::cout << fmt::format(
      "\n{} partitions, {} rows, ~{} uncompressed\nbalance: {} (CV {:.3f}; mean {:.0f}, median "
      "{:.0f}, "
      "stddev {:.0f}, max/median {:.2f})\n",
      FormatCount(b.partitions), FormatCount(plan.total_rows), FormatBytes(plan.est_bytes),
      b.verdict, b.cv, b.mean, b.median, b.stddev, b.max_over_median);
  for (const auto& w : b.warnings) std::cout << "warning: " << w << "\n";
}

int RunPlan(const PlanArgs& args, const GlobalOptions& global) {
  const Spec spec = ParseSpec(args.by);
  Workspace ws(args.source, args.engine);
  const Plan plan = MakePlan(ws, spec, PlanOptions{});
  if (global.json) {
    PrintJson(ToJson(plan));
  } else {
    PrintPlan(plan, args.show);
  }
  return 0;
}

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
  return {sub, [args, &global] { return RunPlan(*args, global); }};
}

}  // namespace duckpart::cli

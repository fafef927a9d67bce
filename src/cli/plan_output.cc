#include "cli/plan_output.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/common_options.h"
#include "duckpart/spec.h"

namespace duckpart::cli {
namespace {

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

}  // namespace

nlohmann::ordered_json PlanJson(const Plan& plan) {
  const nlohmann::json j = ToJson(plan);
  return {{"source", j["source"]},
          {"spec", j["spec"]},
          {"rows", plan.total_rows},
          {"checksum", plan.total_checksum},
          {"est_bytes", plan.est_bytes},
          {"partitions", plan.partitions.size()},
          {"transform_version", plan.transform_version},
          {"spec_json", j["spec_json"]},
          {"columns", j["schema"]},
          {"column_stats", j["columns"]},
          {"fields", j["fields"]},
          {"balance", j["balance"]},
          {"partition_list", j["partitions"]}};
}

int PlanAndPrint(const SourceOptions& source, const EngineOptions& engine, const std::string& by,
                 int64_t show, const GlobalOptions& global) {
  const Spec spec = ParseSpec(by);
  Workspace ws(source, engine);
  const Plan plan = MakePlan(ws, spec, PlanOptions{});
  if (global.json) {
    PrintOrderedJson(PlanJson(plan));
  } else {
    PrintPlan(plan, show);
  }
  return 0;
}

}  // namespace duckpart::cli

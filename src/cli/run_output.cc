#include "cli/run_output.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/common_options.h"

namespace duckpart::cli {

nlohmann::json ResultJson(const RunResult& r, const std::string& target) {
  return {{"target", target},
          {"version", r.manifest.version},
          {"strategy", r.strategy},
          {"partitions", r.manifest.partitions.size()},
          {"files", r.files},
          {"rewritten_partitions", r.merged_partitions},
          {"rows", r.manifest.total_rows},
          {"bytes", r.manifest.total_bytes},
          {"checksum", r.manifest.total_checksum},
          {"verified", r.verify_seconds > 0 || r.manifest.total_rows == 0},
          {"seconds",
           {{"plan", r.plan_seconds},
            {"write", r.write_seconds},
            {"verify", r.verify_seconds},
            {"total", r.total_seconds}}}};
}

void PrintResult(const RunResult& r, const std::string& target, bool verified) {
  std::cout << fmt::format(
      "Published {} (version {}): {} partitions, {} files, {} rows, {}\n"
      "  {} in {:.1f} s (plan {:.1f} s, write {:.1f} s [{}], verify {:.1f} s)\n",
      target, r.manifest.version, FormatCount(static_cast<int64_t>(r.manifest.partitions.size())),
      FormatCount(r.files), FormatCount(r.manifest.total_rows), FormatBytes(r.manifest.total_bytes),
      verified ? "verified (rows, checksums, placement)" : "NOT verified (--no-verify)",
      r.total_seconds, r.plan_seconds, r.write_seconds, r.strategy, r.verify_seconds);
  for (const auto& w : r.plan.balance.warnings) std::cout << "warning: " << w << "\n";
}

nlohmann::json TableResultJson(const TableRunResult& r) {
  return {{"target", {{"database", r.database}, {"schema", r.schema}, {"view", r.view}}},
          {"version", r.manifest.version},
          {"strategy", r.strategy},
          {"same_file", r.same_file},
          {"partitions", r.tables.size()},
          {"tables", r.tables.size()},
          {"rows", r.manifest.total_rows},
          {"checksum", r.manifest.total_checksum},
          {"verified", r.verify_seconds > 0 || r.manifest.total_rows == 0},
          {"seconds",
           {{"plan", r.plan_seconds},
            {"stage", r.stage_seconds},
            {"write", r.write_seconds},
            {"verify", r.verify_seconds},
            {"commit", r.commit_seconds},
            {"total", r.total_seconds}}}};
}

void PrintTableResult(const TableRunResult& r, bool verified) {
  std::cout << fmt::format(
      "Published schema {} in {} (version {}): {} partition tables, {} rows, view {}\n"
      "  {} in {:.1f} s (plan {:.1f} s, stage {:.1f} s [{}], write {:.1f} s, verify {:.1f} s, "
      "commit {:.1f} s)\n",
      r.schema, r.database, r.manifest.version, FormatCount(static_cast<int64_t>(r.tables.size())),
      FormatCount(r.manifest.total_rows), r.view,
      verified ? "verified (rows, checksums, placement, types) before commit"
               : "NOT verified (--no-verify)",
      r.total_seconds, r.plan_seconds, r.stage_seconds, r.strategy, r.write_seconds,
      r.verify_seconds, r.commit_seconds);
  for (const auto& w : r.plan.balance.warnings) std::cout << "warning: " << w << "\n";
}

void PrintWarnings(const Outcome& outcome) {
  for (const auto& w : outcome.warnings) std::cerr << "duckpart: warning: " << w << "\n";
  if (outcome.cancelled_during_commit) {
    std::cerr
        << "duckpart: warning: interrupted during the commit; the new version was published\n";
  }
}

}  // namespace duckpart::cli

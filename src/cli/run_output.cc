#include "cli/run_output.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/common_options.h"
#include "cli/run_log.h"

namespace duckpart::cli {

nlohmann::ordered_json PhaseSeconds(const Outcome& o) {
  nlohmann::ordered_json phases = nlohmann::ordered_json::object();
  for (Phase p : {Phase::kPlan, Phase::kStage, Phase::kWrite, Phase::kVerify, Phase::kCommit})
    phases[PhaseName(p)] = o.seconds(p);
  return phases;
}

nlohmann::ordered_json StepSeconds(const Outcome& o) {
  nlohmann::ordered_json steps = nlohmann::ordered_json::object();
  for (const auto& t : o.steps) steps[PhaseName(t.phase)][t.step] = t.seconds;
  return steps;
}

nlohmann::ordered_json ResultJson(const RunResult& r, const Outcome& o, const std::string& target) {
  return {{"target", target},
          {"kind", "parquet"},
          {"version", r.manifest.version},
          {"rows", r.manifest.total_rows},
          {"bytes", r.manifest.total_bytes},
          {"partitions", r.manifest.partitions.size()},
          {"files", r.files},
          {"checksum", r.manifest.total_checksum},
          {"verified", r.verify_seconds > 0 || r.manifest.total_rows == 0},
          {"strategy", r.strategy},
          {"rewritten_partitions", r.merged_partitions},
          {"attempts", o.attempts},
          {"seconds", r.total_seconds},
          {"phase_seconds", PhaseSeconds(o)},
          {"step_seconds", StepSeconds(o)}};
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

nlohmann::ordered_json TableResultJson(const TableRunResult& r, const Outcome& o) {
  return {{"target", r.database},
          {"kind", "tables"},
          {"schema", r.schema},
          {"view", r.view},
          {"same_file", r.same_file},
          {"version", r.manifest.version},
          {"rows", r.manifest.total_rows},
          {"bytes", nullptr},
          {"partitions", r.tables.size()},
          {"tables", r.tables.size()},
          {"checksum", r.manifest.total_checksum},
          {"verified", r.verify_seconds > 0 || r.manifest.total_rows == 0},
          {"strategy", r.strategy},
          {"attempts", o.attempts},
          {"seconds", r.total_seconds},
          {"phase_seconds", PhaseSeconds(o)},
          {"step_seconds", StepSeconds(o)}};
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

void PrintWarnings(const std::vector<std::string>& warnings, RunLog* log) {
  for (const auto& w : warnings) {
    std::cerr << "duckpart: warning: " << w << "\n";
    if (log) log->Warning(w);
  }
}

void PrintWarnings(const Outcome& outcome, RunLog* log) {
  PrintWarnings(outcome.warnings, log);
  if (outcome.cancelled_during_commit) {
    const std::string w = "interrupted during the commit; the new version was published";
    std::cerr << "duckpart: warning: " << w << "\n";
    if (log) log->Warning(w);
  }
}

}  // namespace duckpart::cli

// duckpart rebalance: even out a dataset's partitions (split, merge) and files (compact).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/progress.h"
#include "duckpart/error.h"
#include "duckpart/rebalance.h"
#include "util/byte_size.h"

namespace duckpart::cli {
namespace {

struct RebalanceArgs {
  RebalanceRequest request;
  int64_t target_rows = 0;
  std::string target_size, target_file_size = "512MiB";
  bool no_verify = false;
};

int64_t Size(const std::string& text, const char* option) {
  const auto bytes = util::ParseByteSize(text);
  if (!bytes) {
    throw InputError(fmt::format("{} '{}' is not a size (e.g. 512MiB, 128MB, 1GiB)", option, text));
  }
  return *bytes;
}

nlohmann::json GroupsJson(const RebalanceReport& r) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups) {
    groups.push_back({{"kind", g.kind},
                      {"from", g.from},
                      {"to", g.to},
                      {"rows", g.rows},
                      {"files_before", g.files_before},
                      {"bytes", g.bytes}});
  }
  return groups;
}

nlohmann::json RebalanceJson(const RebalanceReport& r, const std::string& target) {
  return {{"target", target},
          {"dry_run", r.dry_run},
          {"committed", r.outcome.committed},
          {"version", r.manifest.version},
          {"target_rows", r.target_rows},
          {"target_file_bytes", r.target_file_bytes},
          {"groups", GroupsJson(r)},
          {"partitions_before", r.partitions_before},
          {"partitions_after", r.partitions_after},
          {"partitions_shared", r.partitions_shared},
          {"rows_rewritten", r.rows_rewritten},
          {"notes", r.notes},
          {"rows", r.manifest.total_rows}};
}

void PrintRebalance(const RebalanceReport& r, const std::string& target) {
  for (const auto& n : r.notes) std::cout << "Note: " << n << "\n";
  if (r.groups.empty()) {
    std::cout << fmt::format("Nothing to rebalance in {}: partitions and files are in band\n",
                             target);
    return;
  }
  std::cout << fmt::format("{} {} partitions ({} rows) of {} into {}; {} shared unchanged{}:\n",
                           r.dry_run ? "Would rewrite" : "Rewrote",
                           r.partitions_before - r.partitions_shared, FormatCount(r.rows_rewritten),
                           target, r.partitions_after - r.partitions_shared, r.partitions_shared,
                           r.dry_run ? "" : fmt::format(" (now version {})", r.manifest.version));
  for (const auto& g : r.groups) {
    std::cout << fmt::format(
        "  {:<7} {} -> {}  ({} rows, {} files, {})\n", g.kind,
        g.from.size() == 1 ? g.from[0] : g.from.front() + " .. " + g.from.back(),
        g.to.size() == 1 ? g.to[0] : std::to_string(g.to.size()) + " partitions",
        FormatCount(g.rows), g.files_before, FormatBytes(g.bytes));
  }
}

int RunRebalance(RebalanceArgs& args, const GlobalOptions& global) {
  RebalanceRequest& r = args.request;
  r.verify = !args.no_verify;
  r.target_file_bytes = Size(args.target_file_size, "--target-file-size");
  if (!args.target_size.empty()) r.target_bytes = Size(args.target_size, "--target-size");
  SignalCancel signals;
  const OperationControl control{.cancel = &signals.token(), .max_attempts = 1};
  const RebalanceReport report = RebalanceDataset(r, control);
  for (const auto& w : report.outcome.warnings) std::cerr << "duckpart: warning: " << w << "\n";
  if (global.json)
    PrintJson(RebalanceJson(report, r.target));
  else if (!global.quiet)
    PrintRebalance(report, r.target);
  return 0;
}

}  // namespace

Command AddRebalanceCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "rebalance",
      "Even out a dataset: split large range partitions, merge small adjacent ones, compact "
      "files; a new version that shares every partition it does not touch");
  sub->footer(
      "Give one of --target-rows, --target-size (per partition) or --compact. A spec of one "
      "range or quantile field gets new cuts, so each new partition holds 0.5x-2x the target "
      "(a single value holding more keeps a partition of its own); other specs keep their "
      "partitions and only have their files compacted. Files are compacted in every mode: a "
      "partition with two or more files under 0.75x --target-file-size, or one over 1.8x, is "
      "rewritten as files of about that size. Every rewritten partition is proved against the "
      "rows it took from the old ones before the new version is published.");
  auto args = std::make_shared<RebalanceArgs>();
  RebalanceRequest& r = args->request;
  AddEngineOptions(*sub, r.engine);
  sub->add_option("dir", r.target, "The dataset folder");
  sub->add_option("--to-db", r.database, "Partition tables in a DuckDB file (not supported yet)");
  auto* rows = sub->add_option("--target-rows", args->target_rows, "Rows per partition to aim at");
  sub->add_option(
      "--target-size", args->target_size,
      "Bytes per partition to aim at, e.g. 512MB (rows at the dataset's bytes per row)");
  sub->add_flag("--compact", r.compact, "Only compact files; partitions stay as they are");
  sub->add_option("--target-file-size", args->target_file_size, "The size of one file")
      ->capture_default_str();
  sub->add_option("--partition", r.partitions,
                  "Limit the work to this partition path (repeatable), e.g. id_quantile=3");
  sub->add_flag("--dry-run", r.dry_run, "List what would be rewritten; change nothing");
  sub->add_flag("--no-verify", args->no_verify, "Skip reading the new partitions back");
  return {sub, [args, &global, rows] {
            if (rows->count() > 0) args->request.target_rows = args->target_rows;
            return RunRebalance(*args, global);
          }};
}

}  // namespace duckpart::cli

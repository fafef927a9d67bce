// duckpart retain: drop the partitions past a retention window, as a new version.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/logged_command.h"
#include "cli/progress.h"
#include "cli/run_output.h"
#include "duckpart/error.h"
#include "duckpart/retain.h"

namespace duckpart::cli {
namespace {

struct RetainArgs {
  RetainRequest request;
  bool no_verify = false;
  std::string log_file;
};

nlohmann::json RetainJson(const RetainReport& r, const std::string& target) {
  nlohmann::json dropped = nlohmann::json::array();
  for (const auto& p : r.dropped)
    dropped.push_back({{"path", p.path}, {"rows", p.rows}, {"bytes", p.bytes}});
  nlohmann::json out = {{"target", target},
                        {"dry_run", r.dry_run},
                        {"committed", r.outcome.committed},
                        {"version", r.manifest.version},
                        {"dropped", dropped},
                        {"rows_dropped", r.rows_dropped},
                        {"bytes_dropped", r.bytes_dropped},
                        {"partitions", r.manifest.partitions.size()},
                        {"rows", r.manifest.total_rows}};
  if (!r.archive.dest.empty()) {
    out["archive"] = {{"target", r.archive.dest},
                      {"version", r.archive.version},
                      {"skipped", r.archive.skipped},
                      {"batch_id", r.archive.batch_id}};
  }
  return out;
}

void PrintRetain(const RetainReport& r, const std::string& target) {
  if (r.dropped.empty()) {
    std::cout << fmt::format("Nothing to drop in {}: no partition is past the window\n", target);
    return;
  }
  std::cout << (r.dry_run ? "Would drop" : "Dropped")
            << fmt::format(" {} partition{} ({} rows, {}) from {}", r.dropped.size(),
                           r.dropped.size() == 1 ? "" : "s", FormatCount(r.rows_dropped),
                           FormatBytes(r.bytes_dropped), target)
            << (r.dry_run ? "" : fmt::format(" (now version {})", r.manifest.version)) << ":\n";
  for (const auto& p : r.dropped) {
    std::cout << fmt::format("  {}  {} rows, {}\n", p.path, FormatCount(p.rows),
                             FormatBytes(p.bytes));
  }
  if (!r.archive.dest.empty()) {
    std::cout << fmt::format("  archived to {} (version {}{}), verified before the drop\n",
                             r.archive.dest, r.archive.version,
                             r.archive.skipped ? ", archived by an earlier run" : "");
  }
}

std::string Target(const RetainRequest& r) { return r.to_db.empty() ? r.target : r.to_db; }

int RunRetain(RetainArgs& args, const GlobalOptions& global) {
  args.request.verify = !args.no_verify;
  RunLog log(args.log_file);
  log.Start("retain", {{"target", Target(args.request)}, {"dry_run", args.request.dry_run}});
  SignalCancel signals;
  return Logged(log, signals, [&] {
    const OperationControl control{
        .cancel = &signals.token(),
        .on_phase_done = [&log](const ProgressSnapshot& s) { log.Phase(s); },
        .on_warning = [&log](const std::string& w) { log.Warning(w); },
        .max_attempts = 1};
    const RetainReport report = RetainDataset(args.request, control);
    PrintWarnings(report.outcome, &log);
    const nlohmann::json result = RetainJson(report, Target(args.request));
    if (global.json)
      PrintJson(result);
    else if (!global.quiet)
      PrintRetain(report, Target(args.request));
    return result;
  });
}

}  // namespace

Command AddRetainCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "retain",
      "Drop the partitions past a retention window (whole partitions, never rows), as a new "
      "version published atomically");
  sub->footer(
      "Give one window. --older-than and --keep work on the dataset's time field (its first "
      "year/month/day/hour field, or --field); a partition goes when its whole range lies "
      "before the cutoff. --keep N keeps the current unit and the N-1 before it (units of the "
      "field, or N with h, d, w, m (months), y). --where compares partition values only and is "
      "refused when a partition holds rows on both sides; the NULL partition never matches. "
      "The last partition is never dropped without --allow-empty. --where also works on "
      "range, quantile and truncate fields (over each partition's range of values) and on "
      "bucket fields by name (bucket numbers, e.g. \"id_bucket < 4\"). "
      "--archive DEST first puts the dropped partitions' rows into the Parquet dataset DEST "
      "(created with this dataset's spec, or appended to when it has the same spec), verified "
      "and published there, and only then drops them here. The archive batch is named after "
      "the dataset, its version and the dropped rows: if the retain is interrupted after the "
      "archive published, the rows are in both; run the same retain again and it finds the "
      "batch in DEST, appends nothing and finishes the drop (no duplicates). "
      "With --to-db FILE the dataset is partition tables: the dropped tables go and the view "
      "is rewritten in one transaction, proved before COMMIT; --archive then reads the "
      "dropped tables into the Parquet dataset DEST the same way before that transaction.");
  auto args = std::make_shared<RetainArgs>();
  RetainRequest& r = args->request;
  sub->add_option("dir", r.target, "The dataset folder");
  sub->add_option("--to-db", r.to_db,
                  "Instead of DIR: partition tables written by `run --to-db FILE`; the tables "
                  "are dropped and the view rewritten in one transaction");
  sub->add_option("--schema", r.schema,
                  "With --to-db: the dataset's schema (default: the database's only one)");
  sub->add_option("--older-than", r.window.older_than,
                  "Drop partitions whose range lies before this date or timestamp");
  sub->add_option("--keep", r.window.keep, "Keep the newest N units, e.g. 12, 90d, 36h, 6m");
  sub->add_option(
      "--where", r.window.where,
      "Drop partitions whose value matches \"field OP value\", e.g. \"ts < 2024-01-01\"");
  sub->add_option("--field", r.window.field, "The time field for --older-than and --keep");
  sub->add_option("--archive", r.archive,
                  "Move the dropped partitions into this Parquet dataset first (created when "
                  "missing), verified there before they leave");
  sub->add_flag("--allow-empty", r.allow_empty, "Allow dropping every partition");
  sub->add_flag("--dry-run", r.dry_run, "List what would be dropped, with rows and bytes");
  sub->add_option("--memory-limit", r.engine.memory_limit, "DuckDB memory limit")
      ->capture_default_str();
  sub->add_flag("--no-verify", args->no_verify, "Skip the checks of the new version");
  AddLogFileOption(*sub, args->log_file);
  return {sub, [args, &global] { return RunRetain(*args, global); }};
}

}  // namespace duckpart::cli

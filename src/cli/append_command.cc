// duckpart append: new rows into an existing dataset under its own spec, as a new version
// that shares every unchanged file, verified and published atomically.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/logged_command.h"
#include "cli/progress.h"
#include "cli/run_output.h"
#include "duckpart/append.h"
#include "duckpart/error.h"

namespace duckpart::cli {
namespace {

struct AppendArgs {
  AppendRequest request;
  bool no_verify = false;
  int max_attempts = 3;
  std::string log_file;
};

nlohmann::json AppendJson(const AppendReport& r, const std::string& target) {
  return {{"target", target},
          {"skipped", r.skipped},
          {"version", r.skipped ? r.skipped_version : r.manifest.version},
          {"rows_added", r.rows_added},
          {"partitions_touched", r.partitions_touched},
          {"partitions_created", r.partitions_created},
          {"files_added", r.files_added},
          {"columns_added", r.columns_added},
          {"rows", r.manifest.total_rows},
          {"partitions", r.manifest.partitions.size()},
          {"bytes", r.manifest.total_bytes},
          {"checksum", r.manifest.total_checksum},
          {"warnings", r.warnings},
          {"seconds", r.outcome.total_seconds}};
}

void PrintAppend(const AppendReport& r, const std::string& target, bool verified, bool tables) {
  if (r.skipped) {
    std::cout << fmt::format("Skipped: batch already appended to {} in version {}\n", target,
                             r.skipped_version);
    return;
  }
  const char* added = tables ? "tables created" : "files added";
  std::cout << fmt::format(
      "Appended {} rows to {} (version {}): {} touched, {} new, {} {}\n"
      "  now {} partitions, {} rows, {}; {} in {:.1f} s\n",
      FormatCount(r.rows_added), target, r.manifest.version,
      FormatCount(r.partitions_touched) +
          (r.partitions_touched == 1 ? " partition" : " partitions"),
      FormatCount(r.partitions_created), FormatCount(r.files_added), added,
      FormatCount(static_cast<int64_t>(r.manifest.partitions.size())),
      FormatCount(r.manifest.total_rows), FormatBytes(r.manifest.total_bytes),
      verified ? "verified" : "NOT verified (--no-verify)", r.outcome.total_seconds);
  if (!r.columns_added.empty()) {
    std::string names;
    for (const auto& c : r.columns_added) names += (names.empty() ? "" : ", ") + c;
    std::cout << fmt::format(
        "  new column{} {}: older rows read NULL{}\n", r.columns_added.size() > 1 ? "s" : "", names,
        tables ? "" : " (outside readers: read_parquet(..., union_by_name = true))");
  }
}

std::string Target(const AppendRequest& r) { return r.to_db.empty() ? r.parquet.target : r.to_db; }

int RunAppend(AppendArgs& args, const GlobalOptions& global) {
  args.request.parquet.verify = !args.no_verify;
  const std::string target = Target(args.request);
  RunLog log(args.log_file);
  log.Start("append", {{"target", target}, {"batch_id", args.request.batch_id}});
  SignalCancel signals;
  return Logged(log, signals, [&] {
    ProgressLine line(ProgressModeFor(global.quiet, global.json));
    const AppendReport report =
        AppendDataset(args.request, LoggedControl(line, signals, log, args.max_attempts));
    line.Clear();
    PrintWarnings(report.outcome, &log);
    for (const auto& w : report.warnings) log.Warning(w);
    if (!global.quiet) PrintWarnings(report.warnings);
    const nlohmann::json result = AppendJson(report, target);
    if (global.json)
      PrintJson(result);
    else if (!global.quiet)
      PrintAppend(report, target, !args.no_verify, !args.request.to_db.empty());
    return result;
  });
}

}  // namespace

Command AddAppendCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "append",
      "Add new rows to an existing dataset under its own spec: a new version, verified and "
      "published atomically, that shares every unchanged file");
  sub->footer(
      "The new rows must have the dataset's columns (names and types; a type that casts "
      "without loss is accepted); with --allow-new-columns, columns the dataset lacks are "
      "added, and rows written before read them as NULL (outside readers of the files: "
      "union_by_name = true). Range and quantile fields keep the dataset's cuts: values "
      "beyond the outer cuts go to the outer ranges. Each touched partition gets one new "
      "file; the others are shared with the previous version (hard links in the store). "
      "With --to-db, one transaction inserts into the touched partition tables, creates the "
      "new ones and rewrites the catalog and the view; the touched tables are read back and "
      "the others counted before COMMIT, and the history is kept in the catalog.");
  auto args = std::make_shared<AppendArgs>();
  AppendRequest& r = args->request;
  sub->add_option("dir", r.parquet.target, "The dataset folder (written by `run --to`)");
  sub->add_option("--to-db", r.to_db,
                  "Instead of DIR: partition tables written by `run --to-db FILE`; the new rows "
                  "go into them in one transaction, proved before COMMIT");
  sub->add_option("--schema", r.schema,
                  "With --to-db: the dataset's schema (default: the database's only one)");
  AddSourceOptions(*sub, r.source);
  AddEngineOptions(*sub, r.engine);
  sub->add_option("--batch-id", r.batch_id,
                  "Record this batch in the dataset's history; the same id again is refused");
  sub->add_flag("--allow-new-columns", r.allow_new_columns,
                "Add columns the dataset lacks (nullable; older rows read them as NULL) "
                "instead of refusing them");
  sub->add_flag("--if-new", r.if_new,
                "With --batch-id: a batch appended before is skipped (exit 0), not refused");
  sub->add_option("--small-files-warning", r.small_files_warning,
                  "Warn when a touched partition then holds more files under 32 MiB than this")
      ->check(CLI::Range(int64_t{1}, kMaxSmallFilesWarning))
      ->capture_default_str();
  sub->add_option("--compression", r.parquet.compression, "Parquet compression of the new files")
      ->capture_default_str();
  sub->add_option("--max-attempts", args->max_attempts,
                  "Attempts when out of memory, each with half the threads and more spilling")
      ->check(CLI::Range(1, kMaxAttempts))
      ->capture_default_str();
  sub->add_flag("--no-verify", args->no_verify,
                "Skip reading the new files back before publishing");
  AddLogFileOption(*sub, args->log_file);
  return {sub, [args, &global] { return RunAppend(*args, global); }};
}

}  // namespace duckpart::cli

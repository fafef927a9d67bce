// duckpart run: write the partitions, verify them, publish atomically.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/failure.h"
#include "cli/plan_output.h"
#include "cli/progress.h"
#include "cli/run_log.h"
#include "cli/run_output.h"
#include "cli/version_options.h"
#include "duckpart/error.h"
#include "duckpart/run_request.h"
#include "duckpart/spec.h"
#include "duckpart/table_run.h"

namespace duckpart::cli {
namespace {

struct RunArgs {
  SourceOptions source;
  EngineOptions engine;
  RunOptions run;
  TableRunOptions tables;  // --to-db
  std::string by;
  bool no_verify = false;
  bool compression_given = false;
  int max_attempts = 3;
  bool dry_run = false;
  int64_t show = kDefaultShownPartitions;  // with --dry-run
  std::string log_file;
};

// The checks of the arguments that need no work; a dry run makes them too.
void CheckRunArgs(const RunArgs& args) {
  const bool to_db = !args.tables.database.empty();
  if (args.run.target.empty() == !to_db) {
    throw InputError(
        "give exactly one target: --to DIR (Parquet dataset) or --to-db FILE (partition tables)");
  }
  if (!to_db && (!args.tables.schema.empty() || !args.tables.view.empty())) {
    throw InputError("--schema and --view apply to --to-db only");
  }
  if (to_db && args.compression_given)
    throw InputError("--compression applies to --to (Parquet) only");
}

RunRequest MakeRequest(RunArgs& args) {
  RunRequest request{.source = args.source, .engine = args.engine, .spec = ParseSpec(args.by)};
  if (!args.tables.database.empty()) {
    TableRunOptions& o = args.tables;
    o.replace = args.run.replace;
    o.verify = !args.no_verify;
    o.sort_by = args.run.sort_by;
    o.plan = args.run.plan;
    request.tables = o;
  } else {
    args.run.verify = !args.no_verify;
    request.parquet = args.run;
  }
  return request;
}

// What the log's first line says the run works on.
nlohmann::ordered_json LogStart(const RunArgs& args) {
  const bool to_db = !args.tables.database.empty();
  return {{"target", to_db ? args.tables.database : args.run.target},
          {"kind", to_db ? "tables" : "parquet"},
          {"spec", args.by}};
}

int RunRun(RunArgs& args, const GlobalOptions& global) {
  CheckRunArgs(args);
  if (args.dry_run) return PlanAndPrint(args.source, args.engine, args.by, args.show, global);
  const RunRequest request = MakeRequest(args);
  RunLog log(args.log_file);
  log.Start("run", LogStart(args));
  SignalCancel signals;
  try {
    ProgressLine line(ProgressModeFor(global.quiet, global.json));
    const OperationControl control{
        .cancel = &signals.token(),
        .on_progress = [&line](const ProgressSnapshot& s) { line.Draw(s); },
        .on_phase_done =
            [&line, &log](const ProgressSnapshot& s) {
              line.PhaseDone(s);
              log.Phase(s);
            },
        .on_warning =
            [&line, &log](const std::string& w) {
              line.Warn(w);
              log.Warning(w);
            },
        .max_attempts = args.max_attempts};
    const RunReport report = RunDataset(request, control);
    line.Clear();
    PrintWarnings(report.outcome, &log);
    const Plan& plan = request.tables ? report.tables.plan : report.parquet.plan;
    for (const auto& w : plan.balance.warnings) log.Warning(w);  // printed with the result
    const nlohmann::ordered_json result =
        request.tables ? TableResultJson(report.tables, report.outcome)
                       : ResultJson(report.parquet, report.outcome, args.run.target);
    log.Done(result);
    if (global.json)
      PrintOrderedJson(result);
    else if (!global.quiet && request.tables)
      PrintTableResult(report.tables, !args.no_verify);
    else if (!global.quiet)
      PrintResult(report.parquet, args.run.target, !args.no_verify);
  } catch (...) {
    log.Failed(DescribeFailure(std::current_exception(), signals.token().cancelled()));
    throw;
  }
  return 0;
}

}  // namespace

// The target's options: the folder or the database, its schema and view, and replacing.
void AddRunTargetOptions(CLI::App& sub, RunArgs& args) {
  sub.add_option("--to", args.run.target, "Target dataset folder (Parquet, Hive layout)");
  sub.add_option("--to-db", args.tables.database,
                 "Target DuckDB database file for partition tables (created if missing; may be "
                 "the --db file)");
  sub.add_option("--schema", args.tables.schema,
                 "With --to-db: schema of the partition tables (default: <table>_parts)");
  sub.add_option("--view", args.tables.view,
                 "With --to-db: name of the view over all partitions, in schema main (default: "
                 "<table>_partitioned, or "
                 "<schema>_partitioned when --schema is given)");
  sub.add_flag("--replace", args.run.replace,
               "Replace the dataset at --to, or the schema and view at --to-db (the old one stays "
               "until the new one "
               "is published; refused while the dataset holds files duckpart did not write)");
}

std::string RunFooter() {
  return "--to-db FILE writes one table per partition into schema <table>_parts of FILE (which "
         "may be the source's own database; the source table is only read), catalog tables "
         "<schema>._duckpart_spec and <schema>._duckpart_partitions, and the view "
         "main.<table>_partitioned over all of them, in one transaction that is verified before "
         "COMMIT: a failure or a kill leaves the database as it was.\n" +
         std::string(kVersionRetentionHelp) +
         "\n--replace never deletes files duckpart did not write: when the current version holds "
         "any (a README.txt, a Parquet file put into a partition folder, a dataset inside it), "
         "the replace is refused before any work, naming them; move them out of the dataset and "
         "run again.";
}

Command AddRunCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand("run",
                                  "Write the partitions as a Parquet dataset (--to) or as "
                                  "partition tables in a DuckDB database "
                                  "(--to-db), verify, publish atomically");
  sub->footer(RunFooter());
  auto args = std::make_shared<RunArgs>();
  AddSourceOptions(*sub, args->source);
  AddEngineOptions(*sub, args->engine);
  sub->add_option("--by", args->by, "Partition spec, e.g. \"month(ts), bucket(8, user_id)\"")
      ->required();
  AddRunTargetOptions(*sub, *args);
  sub->add_option("--max-attempts", args->max_attempts,
                  "Attempts when out of memory, each with half the threads and more spilling")
      ->check(CLI::Range(1, kMaxAttempts))
      ->capture_default_str();
  AddVersionOptions(*sub, args->run);
  sub->add_flag("--no-verify", args->no_verify,
                "Skip reading the written data back before publishing");
  sub->add_option("--sort-by", args->run.sort_by,
                  "Columns ordering rows inside each partition, e.g. \"ts,id\"");
  sub->add_flag("--dry-run", args->dry_run,
                "Change nothing: print what `duckpart plan` prints for the same source and spec "
                "(text or --json), after checking the arguments");
  sub->add_option("--show", args->show, "With --dry-run: partitions to list")
      ->capture_default_str();
  sub->add_option("--log-file", args->log_file,
                  "Append one JSON line per phase and per warning (and one at the start and the "
                  "end) to FILE, for unattended runs");
  auto* compression =
      sub->add_option("--compression", args->run.compression,
                      "Parquet compression: snappy, zstd, gzip, lz4, brotli, uncompressed")
          ->check(CLI::IsMember({"snappy", "zstd", "gzip", "lz4", "uncompressed", "brotli"}))
          ->capture_default_str();
  return {sub, [args, &global, compression] {
            args->compression_given = compression->count() > 0;
            return RunRun(*args, global);
          }};
}

}  // namespace duckpart::cli

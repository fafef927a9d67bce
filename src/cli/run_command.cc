// duckpart run: write the partitions, verify them, publish atomically.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/progress.h"
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
};

int RunRun(RunArgs& args, const GlobalOptions& global) {
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
  RunRequest request{.source = args.source, .engine = args.engine, .spec = ParseSpec(args.by)};
  if (to_db) {
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
  SignalCancel signals;
  ProgressLine line(!global.quiet && !global.json && StderrIsTerminal());
  const OperationControl control{
      .cancel = &signals.token(),
      .on_progress = [&line](const ProgressSnapshot& s) { line.Draw(s); },
      .on_warning = [&line](const std::string& w) { line.Warn(w); },
      .max_attempts = args.max_attempts};
  const RunReport report = RunDataset(request, control);
  line.Clear();
  PrintWarnings(report.outcome);
  if (to_db) {
    if (global.json)
      PrintJson(TableResultJson(report.tables));
    else if (!global.quiet)
      PrintTableResult(report.tables, !args.no_verify);
  } else {
    if (global.json)
      PrintJson(ResultJson(report.parquet, args.run.target));
    else if (!global.quiet)
      PrintResult(report.parquet, args.run.target, !args.no_verify);
  }
  return 0;
}

}  // namespace

Command AddRunCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand("run",
                                  "Write the partitions as a Parquet dataset (--to) or as "
                                  "partition tables in a DuckDB database "
                                  "(--to-db), verify, publish atomically");
  sub->footer(
      "--to-db FILE writes one table per partition into schema <table>_parts of FILE (which may be "
      "the source's "
      "own database; the source table is only read), catalog tables <schema>._duckpart_spec and "
      "<schema>._duckpart_partitions, and the view main.<table>_partitioned over all of them, in "
      "one transaction "
      "that is verified before COMMIT: a failure or a kill leaves the database as it was.\n" +
      std::string(kVersionRetentionHelp) +
      "\n--replace never deletes files duckpart did not write: when the current version holds "
      "any (a README.txt, a Parquet file put into a partition folder, a dataset inside it), the "
      "replace is refused before any work, naming them; move them out of the dataset and run "
      "again.");
  auto args = std::make_shared<RunArgs>();
  AddSourceOptions(*sub, args->source);
  AddEngineOptions(*sub, args->engine);
  sub->add_option("--by", args->by, "Partition spec, e.g. \"month(ts), bucket(8, user_id)\"")
      ->required();
  sub->add_option("--to", args->run.target, "Target dataset folder (Parquet, Hive layout)");
  sub->add_option("--to-db", args->tables.database,
                  "Target DuckDB database file for partition tables (created if missing; may be "
                  "the --db file)");
  sub->add_option("--schema", args->tables.schema,
                  "With --to-db: schema of the partition tables (default: <table>_parts)");
  sub->add_option("--view", args->tables.view,
                  "With --to-db: name of the view over all partitions, in schema main (default: "
                  "<table>_partitioned, or "
                  "<schema>_partitioned when --schema is given)");
  sub->add_flag("--replace", args->run.replace,
                "Replace the dataset at --to, or the schema and view at --to-db (the old one stays "
                "until the new one "
                "is published; refused while the dataset holds files duckpart did not write)");
  sub->add_option("--max-attempts", args->max_attempts,
                  "Attempts when out of memory, each with half the threads and more spilling")
      ->check(CLI::Range(1, kMaxAttempts))
      ->capture_default_str();
  AddVersionOptions(*sub, args->run);
  sub->add_flag("--no-verify", args->no_verify,
                "Skip reading the written data back before publishing");
  sub->add_option("--sort-by", args->run.sort_by,
                  "Columns ordering rows inside each partition, e.g. \"ts,id\"");
  auto* compression =
      sub->add_option("--compression", args->run.compression,
                      "Parquet compression: snappy, zstd, gzip, lz4, uncompressed")
          ->check(CLI::IsMember({"snappy", "zstd", "gzip", "lz4", "uncompressed", "brotli"}))
          ->capture_default_str();
  return {sub, [args, &global, compression] {
            args->compression_given = compression->count() > 0;
            return RunRun(*args, global);
          }};
}

}  // namespace duckpart::cli

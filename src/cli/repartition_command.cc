// duckpart repartition: rewrite a dataset under a new spec from its own current version.
#include <iostream>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/logged_command.h"
#include "cli/progress.h"
#include "cli/run_output.h"
#include "cli/version_options.h"
#include "duckpart/error.h"
#include "duckpart/operation.h"
#include "duckpart/repartition.h"
#include "duckpart/spec.h"
#include "duckpart/table_run.h"

namespace duckpart::cli {
namespace {

struct RepartitionArgs {
  RepartitionRequest request;
  std::string by;
  bool no_verify = false;
  bool compression_given = false;
  int max_attempts = 3;
  std::string log_file;
};

// With --to-db and no --schema: the database's only dataset.
std::string OnlySchema(const RepartitionRequest& r) {
  const std::vector<std::string> schemas = ListTableDatasets(r.database, r.engine);
  if (schemas.size() == 1) return schemas.front();
  throw InputError(schemas.empty()
                       ? "'" + r.database + "' holds no partition tables"
                       : "'" + r.database + "' holds " + std::to_string(schemas.size()) +
                             " partition schemas; name one with --schema");
}

// What the log's first line says the command works on.
nlohmann::ordered_json LogStart(const RepartitionArgs& args) {
  const RepartitionRequest& r = args.request;
  const bool to_db = !r.database.empty();
  return {{"target", to_db ? r.database : r.dataset},
          {"kind", to_db ? "tables" : "parquet"},
          {"spec", args.by}};
}

// Prints the result (JSON or text) and returns the JSON for the log.
nlohmann::ordered_json PrintReport(const RunReport& report, const RepartitionRequest& r,
                                   const GlobalOptions& global) {
  const bool to_db = !r.database.empty();
  nlohmann::ordered_json result = to_db ? TableResultJson(report.tables, report.outcome)
                                        : ResultJson(report.parquet, report.outcome, r.dataset);
  if (global.json)
    PrintOrderedJson(result);
  else if (!global.quiet && to_db)
    PrintTableResult(report.tables, r.write.verify);
  else if (!global.quiet)
    PrintResult(report.parquet, r.dataset, r.write.verify);
  return result;
}

int RunRepartition(RepartitionArgs& args, const GlobalOptions& global) {
  RepartitionRequest& r = args.request;
  if (r.dataset.empty() == r.database.empty()) {
    throw InputError("give a dataset folder, or --to-db FILE for partition tables (one of them)");
  }
  if (!r.schema.empty() && r.database.empty()) throw InputError("--schema needs --to-db FILE");
  if (!r.database.empty() && args.compression_given)
    throw InputError("--compression applies to a Parquet dataset only");
  r.spec = ParseSpec(args.by);
  r.write.verify = !args.no_verify;
  if (!r.database.empty() && r.schema.empty()) r.schema = OnlySchema(r);
  RunLog log(args.log_file);
  log.Start("repartition", LogStart(args));
  SignalCancel signals;
  return Logged(log, signals, [&] {
    ProgressLine line(ProgressModeFor(global.quiet, global.json));
    const RunReport report =
        RepartitionDataset(r, LoggedControl(line, signals, log, args.max_attempts));
    line.Clear();
    PrintWarnings(report.outcome, &log);
    return PrintReport(report, r, global);
  });
}

}  // namespace

Command AddRepartitionCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "repartition",
      "Rewrite a dataset under a new spec from its own current version (no source needed), "
      "verified against it and published atomically like run --replace");
  sub->footer(
      "The rows are read from exactly the files (or tables) of the version current when the "
      "command starts, and held to its manifest's rows and checksum before anything is written: "
      "a dataset whose data no longer matches its manifest is refused (exit 1; run validate).");
  auto args = std::make_shared<RepartitionArgs>();
  AddEngineOptions(*sub, args->request.engine);
  sub->add_option("dir", args->request.dataset, "Dataset folder (a Parquet dataset)");
  sub->add_option("--to-db", args->request.database,
                  "Instead of a folder: the DuckDB file holding partition tables");
  sub->add_option("--schema", args->request.schema,
                  "With --to-db: the dataset's partition schema (default: the only one)");
  sub->add_option("--by", args->by, "The new partition spec, e.g. \"day(ts), bucket(8, user_id)\"")
      ->required();
  sub->add_option("--max-attempts", args->max_attempts,
                  "Attempts when out of memory, each with half the threads and more spilling")
      ->check(CLI::Range(1, kMaxAttempts))
      ->capture_default_str();
  AddVersionOptions(*sub, args->request.write);
  sub->add_flag("--no-verify", args->no_verify,
                "Skip reading the written data back before publishing");
  sub->add_option("--sort-by", args->request.write.sort_by,
                  "Columns ordering rows inside each partition, e.g. \"ts,id\"");
  AddLogFileOption(*sub, args->log_file);
  auto* compression =
      sub->add_option("--compression", args->request.write.compression,
                      "Parquet compression: snappy, zstd, gzip, lz4, brotli, uncompressed")
          ->check(CLI::IsMember({"snappy", "zstd", "gzip", "lz4", "uncompressed", "brotli"}))
          ->capture_default_str();
  return {sub, [args, &global, compression] {
            args->compression_given = compression->count() > 0;
            return RunRepartition(*args, global);
          }};
}

}  // namespace duckpart::cli

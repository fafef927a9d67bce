// duckpart run: write the partitions, verify them, publish atomically.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/progress.h"
#include "db/database.h"
#include "duckpart/error.h"
#include "duckpart/run.h"
#include "duckpart/spec.h"

namespace duckpart::cli {
namespace {

struct RunArgs {
  SourceOptions source;
  EngineOptions engine;
  RunOptions run;
  std::string by;
  bool no_verify = false;
};

nlohmann::json ResultJson(const RunResult& r, const std::string& target) {
  return {{"target", target}, {"version", r.manifest.version}, {"strategy", r.strategy},
          {"partitions", r.manifest.partitions.size()}, {"files", r.files},
          {"rows", r.manifest.total_rows}, {"bytes", r.manifest.total_bytes},
          {"checksum", r.manifest.total_checksum}, {"verified", r.verify_seconds > 0 || r.manifest.total_rows == 0},
          {"seconds", {{"plan", r.plan_seconds}, {"write", r.write_seconds},
                       {"verify", r.verify_seconds}, {"total", r.total_seconds}}}};
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

int RunRun(RunArgs& args, const GlobalOptions& global) {
  const Spec spec = ParseSpec(args.by);
  args.run.verify = !args.no_verify;
  CheckParquetTarget(args.run, args.source);
  if (args.engine.temp_directory.empty()) {
    args.engine.temp_directory = (std::filesystem::path(StoreDirOf(args.run.target)) / "tmp").string();
  }
  Workspace ws(args.source, args.engine);
  ProgressReporter progress(ws.conn(), !global.quiet && !global.json && StderrIsTerminal());
  RunResult result;
  try {
    result = RunToParquet(ws, spec, args.run, [&](const std::string& p) { progress.Phase(p); });
  } catch (const db::DbError& e) {
    if (e.kind() == db::ErrorKind::kInterrupt || ProgressReporter::Interrupted()) {
      throw RuntimeFailure("interrupted; nothing was published and the previous version is intact");
    }
    throw;
  }
  if (global.json) {
    PrintJson(ResultJson(result, args.run.target));
  } else if (!global.quiet) {
    PrintResult(result, args.run.target, args.run.verify);
  }
  return 0;
}

}  // namespace

Command AddRunCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand("run", "Write the partitions as a Parquet dataset, verify, publish atomically");
  auto args = std::make_shared<RunArgs>();
  AddSourceOptions(*sub, args->source);
  AddEngineOptions(*sub, args->engine);
  sub->add_option("--by", args->by, "Partition spec, e.g. \"month(ts), bucket(8, user_id)\"")->required();
  sub->add_option("--to", args->run.target, "Target dataset folder")->required();
  sub->add_flag("--replace", args->run.replace, "Replace the dataset at --to (the old version stays until the new one is published)");
  sub->add_flag("--no-verify", args->no_verify, "Skip reading the written data back before publishing");
  sub->add_option("--sort-by", args->run.sort_by, "Columns ordering rows inside each partition, e.g. \"ts,id\"");
  sub->add_option("--compression", args->run.compression, "Parquet compression: snappy, zstd, gzip, lz4, uncompressed")
      ->check(CLI::IsMember({"snappy", "zstd", "gzip", "lz4", "uncompressed", "brotli"}))
      ->capture_default_str();
  return {sub, [args, &global] { return RunRun(*args, global); }};
}

}  // namespace duckpart::cli

// duckpart demo: make the sample database and run the main job on it.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "cli/command.h"
#include "cli/common_options.h"
#include "cli/progress.h"
#include "duckpart/demo.h"
#include "duckpart/error.h"
#include "duckpart/run.h"
#include "duckpart/validate.h"
#include "plan/workspace_access.h"

namespace duckpart::cli {
namespace {

struct DemoArgs {
  int64_t rows = 1'000'000;
  int64_t seed = 42;
  std::string dir = "duckpart-demo";
  bool data_only = false;
  bool replace = false;
};

// The main job on the sample: month partitions of events, published and validated.
RunResult PartitionSample(const std::string& db_path, const std::string& target, bool quiet) {
  const EngineOptions engine{.memory_limit = "1GB", .temp_directory = StoreDirOf(target) + "/tmp"};
  Workspace ws(SourceOptions{.db_path = db_path, .table = "events"}, engine);
  ProgressReporter progress(WorkspaceConnection(ws), !quiet && StderrIsTerminal());
  return RunToParquet(ws, ParseSpec("month(ts)"), RunOptions{.target = target, .replace = true},
                      [&](const std::string& p) { progress.Phase(p); });
}

void PrintSummary(const DemoSummary& s, const std::string& db_path, double secs) {
  std::cout << "Sample database " << db_path << " (" << s.file_bytes / (1024 * 1024)
            << " MiB, made in " << std::fixed << std::setprecision(1) << secs << " s)\n"
            << "  table events: " << FormatCount(s.rows) << " rows, ts from " << s.min_ts << " to "
            << s.max_ts << "\n"
            << "  " << FormatCount(s.distinct_users) << " distinct users (skewed), "
            << FormatCount(s.null_referrers) << " NULL referrers, " << s.distinct_tags
            << " distinct hard-to-path tags\n";
}

void PrintRun(const RunResult& r, const ValidationReport& v, const std::string& target,
              const std::string& db_path) {
  std::cout << fmt::format(
      "\nPartitioned events by month(ts) into {}\n"
      "  {} partitions, {} files, {} rows, {}; written in {:.1f} s (plan {:.1f}, write {:.1f}, "
      "verify {:.1f})\n  validate: {}\n",
      target, r.manifest.partitions.size(), r.files, FormatCount(r.manifest.total_rows),
      FormatBytes(r.manifest.total_bytes), r.total_seconds, r.plan_seconds, r.write_seconds,
      r.verify_seconds, v.ok() ? "OK, equal to the source (rows, checksums, placement)" : "FAILED");
  std::cout << "\nTry:\n"
            << "  duckpart plan --db " << db_path << " --table events --by 'quantile(8, amount)'\n"
            << "  duckpart validate " << target << " --db " << db_path << " --table events\n"
            << "  duckpart query " << target
            << " \"SELECT ts_month, count(*) FROM dataset GROUP BY ALL ORDER BY 1\"\n"
            << "  duckdb -c \"SELECT count(*) FROM read_parquet('" << target
            << "/**/*.parquet', hive_partitioning = true)\"\n";
}

int RunDemo(const DemoArgs& args, const GlobalOptions& global) {
  namespace fs = std::filesystem;
  if (args.rows < 0) throw InputError("--rows must be zero or more");
  if (fs::exists(args.dir) && !fs::is_directory(args.dir)) {
    throw InputError("--dir '" + args.dir + "' exists and is not a directory");
  }
  const std::string db_path = (fs::path(args.dir) / "demo.db").string();
  const std::string target = (fs::path(args.dir) / "events_by_month").string();
  if (fs::exists(db_path) && !args.replace) {
    throw InputError("--dir '" + args.dir +
                     "' already holds a demo (demo.db); add --replace to make it anew, or choose "
                     "another --dir");
  }
  const auto start = std::chrono::steady_clock::now();
  DemoSummary s = MakeDemoDatabase({.path = db_path, .rows = args.rows, .seed = args.seed});
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!global.json && !global.quiet) PrintSummary(s, db_path, secs);
  if (args.data_only) {
    if (global.json)
      PrintJson({{"database", db_path},
                 {"rows", s.rows},
                 {"null_referrers", s.null_referrers},
                 {"distinct_tags", s.distinct_tags},
                 {"database_bytes", s.file_bytes},
                 {"seconds", secs}});
    return 0;
  }
  const RunResult r = PartitionSample(db_path, target, global.quiet || global.json);
  Workspace source(SourceOptions{.db_path = db_path, .table = "events"}, EngineOptions{});
  const ValidationReport v = ValidateDataset(target, &source, EngineOptions{});
  if (global.json) {
    PrintJson({{"database", db_path},
               {"table", "events"},
               {"rows", s.rows},
               {"min_ts", s.min_ts},
               {"max_ts", s.max_ts},
               {"distinct_users", s.distinct_users},
               {"null_referrers", s.null_referrers},
               {"distinct_tags", s.distinct_tags},
               {"database_bytes", s.file_bytes},
               {"target", target},
               {"version", r.manifest.version},
               {"partitions", r.manifest.partitions.size()},
               {"files", r.files},
               {"bytes", r.manifest.total_bytes},
               {"checksum", r.manifest.total_checksum},
               {"verified", v.ok()},
               {"seconds",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}});
  } else if (!global.quiet) {
    PrintRun(r, v, target, db_path);
  }
  return v.ok() ? 0 : static_cast<int>(ExitCode::kCheckFailed);
}

}  // namespace

Command AddDemoCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub =
      root.add_subcommand("demo", "Make a realistic sample database and run the main job on it");
  auto args = std::make_shared<DemoArgs>();
  sub->add_option("--rows", args->rows, "Rows in the events table")
      ->check(CLI::Range(int64_t{0}, int64_t{10'000'000'000}))
      ->capture_default_str();
  sub->add_option("--seed", args->seed, "Seed; the same seed gives the same data")
      ->capture_default_str();
  sub->add_option("--dir", args->dir, "Folder for the sample database and the dataset")
      ->capture_default_str();
  sub->add_flag("--data-only", args->data_only, "Only make the sample database");
  sub->add_flag("--replace", args->replace,
                "Replace the demo already in --dir (its database and dataset)");
  return {sub, [args, &global] { return RunDemo(*args, global); }};
}

}  // namespace duckpart::cli

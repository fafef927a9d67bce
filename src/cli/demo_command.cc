// duckpart demo: make the sample database and run the main job on it.
#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "duckpart/demo.h"
#include "duckpart/error.h"

namespace duckpart::cli {
namespace {

struct DemoArgs {
  int64_t rows = 1'000'000;
  int64_t seed = 42;
  std::string dir = "duckpart-demo";
};

int RunDemo(const DemoArgs& args, const GlobalOptions& global) {
  namespace fs = std::filesystem;
  if (args.rows < 0) throw InputError("--rows must be zero or more");
  if (fs::exists(args.dir) && !fs::is_directory(args.dir)) {
    throw InputError("--dir '" + args.dir + "' exists and is not a directory");
  }
  const std::string db_path = (fs::path(args.dir) / "demo.db").string();
  const auto start = std::chrono::steady_clock::now();
  DemoSummary s = MakeDemoDatabase({.path = db_path, .rows = args.rows, .seed = args.seed});
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (global.json) {
    PrintJson({{"database", db_path},
               {"table", "events"},
               {"rows", s.rows},
               {"min_ts", s.min_ts},
               {"max_ts", s.max_ts},
               {"distinct_users", s.distinct_users},
               {"null_referrers", s.null_referrers},
               {"distinct_tags", s.distinct_tags},
               {"bytes", s.file_bytes},
               {"seconds", secs}});
    return 0;
  }
  std::cout << "Sample database " << db_path << " (" << s.file_bytes / (1024 * 1024)
            << " MiB, made in " << std::fixed << std::setprecision(1) << secs << " s)\n"
            << "  table events: " << s.rows << " rows, ts from " << s.min_ts << " to "
            << s.max_ts << "\n"
            << "  " << s.distinct_users << " distinct users (skewed), " << s.null_referrers
            << " NULL referrers, " << s.distinct_tags << " distinct hard-to-path tags\n";
  return 0;
}

}  // namespace

Command AddDemoCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand("demo", "Make a realistic sample database and run the main job on it");
  auto args = std::make_shared<DemoArgs>();
  sub->add_option("--rows", args->rows, "Rows in the events table")->capture_default_str();
  sub->add_option("--seed", args->seed, "Seed; the same seed gives the same data")
      ->capture_default_str();
  sub->add_option("--dir", args->dir, "Folder for the sample database and the dataset")
      ->capture_default_str();
  return {sub, [args, &global] { return RunDemo(*args, global); }};
}

}  // namespace duckpart::cli

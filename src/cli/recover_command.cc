// duckpart recover: complete or roll back an operation that a crash interrupted.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "duckpart/error.h"
#include "duckpart/recover.h"
#include "ops/preflight.h"

namespace duckpart::cli {
namespace {

struct RecoverArgs {
  std::string dir;
  std::string db;
  bool dry_run = false;
};

int RunRecoverDatabase(const RecoverArgs& args, const GlobalOptions& global) {
  const DatabaseRecoverReport r = RecoverDatabase(args.db, args.dry_run);
  if (global.json) {
    PrintJson({{"target", args.db},
               {"kind", "tables"},
               {"outcome", r.outcome},
               {"summary", r.summary},
               {"actions", r.actions},
               {"wal_bytes", r.wal_bytes},
               {"dry_run", r.dry_run}});
  } else if (!global.quiet) {
    std::cout << r.summary << "\n";
    for (const auto& a : r.actions) std::cout << "  " << a << "\n";
  }
  return 0;
}

int RunRecover(const RecoverArgs& args, const GlobalOptions& global) {
  if (args.dir.empty() == args.db.empty()) {
    throw InputError(
        "give exactly one target: DIR (a Parquet dataset) or --db FILE (partition tables)");
  }
  if (!args.db.empty()) return RunRecoverDatabase(args, global);
  ops::CheckDatasetPathExists(args.dir);
  const RecoverReport r = Recover(args.dir, args.dry_run);
  if (global.json) {
    PrintJson({{"target", args.dir},
               {"kind", "parquet"},
               {"outcome", r.outcome},
               {"summary", r.summary},
               {"actions", r.actions},
               {"version", r.version ? nlohmann::json(*r.version) : nlohmann::json(nullptr)},
               {"dry_run", r.dry_run}});
  } else if (!global.quiet) {
    std::cout << r.summary << "\n";
    for (const auto& a : r.actions) std::cout << "  " << a << "\n";
  }
  return 0;
}

}  // namespace

Command AddRecoverCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "recover",
      "Complete or roll back an operation a crash interrupted, back to a committed version");
  auto args = std::make_shared<RecoverArgs>();
  sub->add_option("dir", args->dir, "Dataset folder");
  sub->add_option("--db,--to-db", args->db,
                  "A database with partition tables (run --to-db) instead of a dataset folder");
  sub->add_flag("--dry-run", args->dry_run, "Say what would be done; change nothing");
  return {sub, [args, &global] { return RunRecover(*args, global); }};
}

}  // namespace duckpart::cli

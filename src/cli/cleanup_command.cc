// duckpart cleanup: list, then remove, what no version of a dataset needs.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "duckpart/error.h"
#include "duckpart/recover.h"
#include "ops/preflight.h"

namespace duckpart::cli {
namespace {

struct CleanupArgs {
  std::string dir;
  std::string db;
  CleanupOptions options;
};

int RunCleanupDatabase(const CleanupArgs& args, const GlobalOptions& global) {
  const DatabaseRecoverReport r = CleanupDatabase(args.db, args.options.dry_run);
  if (global.json) {
    PrintJson({{"target", args.db},
               {"kind", "tables"},
               {"dry_run", r.dry_run},
               {"actions", r.actions},
               {"spill_files", r.spill_files},
               {"spill_bytes", r.spill_bytes}});
  } else if (!global.quiet) {
    std::cout << args.db << "\n";
    if (r.actions.empty()) std::cout << "  nothing to remove: no spill files of duckpart's\n";
    for (const auto& a : r.actions) std::cout << "  " << a << "\n";
    std::cout << "temporary tables: duckpart stages in TEMP tables of its own session, which end "
                 "with it; no table or view is ever dropped here\n";
  }
  return 0;
}

constexpr const char* kTempTablesNote =
    "temporary tables: none (not applicable to a Parquet dataset; its work lives only in the "
    "store)";

nlohmann::json CleanupJson(const std::string& dir, const CleanupReport& r) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : r.removed) {
    items.push_back({{"kind", StoreItemKindName(i.kind)},
                     {"name", i.name},
                     {"files", i.files},
                     {"bytes", i.bytes}});
  }
  nlohmann::json kept_entries = nlohmann::json::array();
  for (const auto& i : r.kept) kept_entries.push_back(i.name);
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& [version, why] : r.before.kept_versions)
    kept.push_back({{"version", version}, {"reason", why}});
  return {{"target", dir},
          {"kind", "parquet"},
          {"dry_run", r.dry_run},
          {"kept_versions", kept},
          {"version", r.before.current_version ? nlohmann::json(*r.before.current_version)
                                               : nlohmann::json(nullptr)},
          {"removed", items},
          {"kept", kept_entries},
          {"removed_bytes", r.bytes},
          {"orphans", r.orphans},
          {"orphan_bytes", r.orphan_bytes},
          {"orphans_removed", r.orphans_removed},
          {"manifest_problem", r.manifest_problem.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(r.manifest_problem)},
          {"store_removed", r.store_removed}};
}

void PrintRemoved(const CleanupReport& r) {
  if (r.removed.empty()) {
    std::cout << "  nothing to remove: no staging data, unpublished or superseded versions, or "
                 "spill files\n";
    return;
  }
  for (const auto& i : r.removed) {
    std::cout << fmt::format("  {:<20} {:<40} {:>8} files {:>10}\n", StoreItemKindName(i.kind),
                             i.name, FormatCount(i.files), FormatBytes(i.bytes));
  }
  std::cout << fmt::format("{} {} entr{} ({})\n", r.dry_run ? "Would remove" : "Removed",
                           r.removed.size(), r.removed.size() == 1 ? "y" : "ies",
                           FormatBytes(r.bytes));
}

void PrintOrphans(const CleanupReport& r, bool orphans_asked) {
  if (!r.manifest_problem.empty()) {
    std::cout << "orphans: not checked, the manifest cannot be read: " << r.manifest_problem
              << "\n";
    return;
  }
  if (r.orphans.empty()) {
    if (r.before.current_version)
      std::cout << "orphans: none (every file in the dataset is in its manifest)\n";
    return;
  }
  std::cout << fmt::format(
      "orphans: {} file{} ({}) in the dataset that its manifest does not list:\n", r.orphans.size(),
      r.orphans.size() == 1 ? "" : "s", FormatBytes(r.orphan_bytes));
  for (const auto& o : r.orphans) std::cout << "  " << o << "\n";
  if (r.orphans_removed) {
    std::cout << "  removed\n";
  } else if (r.dry_run && orphans_asked) {
    std::cout << "  (would be removed)\n";
  } else {
    std::cout << "  (kept: they may be yours; add --orphans to remove them)\n";
  }
}

int RunCleanup(const CleanupArgs& args, const GlobalOptions& global) {
  if (args.dir.empty() == args.db.empty()) {
    throw InputError(
        "give exactly one target: DIR (a Parquet dataset) or --db FILE (partition tables)");
  }
  if (!args.db.empty()) return RunCleanupDatabase(args, global);
  ops::CheckDatasetPathExists(args.dir);
  const CleanupReport r = Cleanup(args.dir, args.options);
  if (global.json) {
    PrintJson(CleanupJson(args.dir, r));
    return 0;
  }
  if (global.quiet) return 0;
  const std::string at = r.before.current_version
                             ? fmt::format("version {}", *r.before.current_version)
                             : std::string("no dataset");
  std::cout << fmt::format("{} ({}), store {}\n", args.dir, at, r.before.store);
  PrintRemoved(r);
  for (const auto& [version, why] : r.before.kept_versions)
    std::cout << fmt::format("  kept version {} ({})\n", version, why);
  for (const auto& i : r.kept)
    std::cout << fmt::format("  kept {} (not duckpart's: move or remove it yourself)\n", i.name);
  PrintOrphans(r, args.options.orphans);
  if (r.store_removed)
    std::cout << "removed the empty store " << r.before.store << " (no dataset uses it)\n";
  std::cout << kTempTablesNote << "\n";
  return 0;
}

}  // namespace

Command AddCleanupCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "cleanup",
      "List, then remove, staging data, old versions, spill files and (--orphans) unlisted files");
  sub->footer(
      "Superseded versions stay while the last write's --keep-versions keeps them or while they "
      "are inside its --version-grace period (readers in flight finish on them); cleanup removes "
      "them only past both, and names the versions it keeps.");
  auto args = std::make_shared<CleanupArgs>();
  sub->add_option("dir", args->dir, "Dataset folder");
  sub->add_option("--db,--to-db", args->db,
                  "A database with partition tables (run --to-db) instead of a dataset folder");
  sub->add_flag("--dry-run", args->options.dry_run, "List only; change nothing");
  sub->add_flag(
      "--orphans", args->options.orphans,
      "Also remove files in the dataset that its manifest does not list (they may be yours)");
  return {sub, [args, &global] { return RunCleanup(*args, global); }};
}

}  // namespace duckpart::cli

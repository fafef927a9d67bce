// duckpart restore: a Parquet backup back into a table, in one verified transaction.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "duckpart/backup.h"
#include "duckpart/operation.h"

namespace duckpart::cli {
namespace {

int RestoreCommand(const RestoreOptions& o, int max_attempts, const GlobalOptions& global) {
  OperationControl control{.max_attempts = max_attempts};
  control.on_warning = [](const std::string& line) {
    std::cerr << "duckpart: warning: " << line << "\n";
  };
  const RestoreResult r = duckpart::RunRestore(o, control);
  if (global.json) {
    PrintJson({{"table", r.table},
               {"database", o.db_path},
               {"file", o.from},
               {"rows", r.rows},
               {"checksum", r.checksum},
               {"replaced", r.replaced},
               {"from_backup", r.from_backup},
               {"created_database", r.created_database},
               {"columns", ColumnsJson(r.schema)},
               {"verified", true},
               {"seconds", r.seconds}});
  } else if (!global.quiet) {
    std::cout << fmt::format("Restored table {} in {} from {}: {} rows, {} columns{}\n", r.table,
                             o.db_path, o.from, FormatCount(r.rows), r.schema.size(),
                             r.replaced ? " (replaced the existing table)" : "")
              << fmt::format("  verified (rows and checksum equal the {}) in {:.1f} s\n",
                             r.from_backup ? "backup's record" : "file", r.seconds);
  }
  return 0;
}

}  // namespace

Command AddRestoreCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "restore", "Load a Parquet backup into a table, verified, in one transaction");
  auto o = std::make_shared<RestoreOptions>();
  sub->add_option("--from", o->from, "The Parquet file (a duckpart backup or any Parquet file)")
      ->required();
  sub->add_option("--db", o->db_path, "Database file (created if missing)")->required();
  sub->add_option("--table", o->table, "Table to create")->required();
  sub->add_flag("--replace", o->replace, "Replace the table if it exists");
  AddEngineOptions(*sub, o->engine);
  auto max_attempts = std::make_shared<int>(3);
  sub->add_option("--max-attempts", *max_attempts,
                  "Attempts when out of memory, each with half the threads")
      ->check(CLI::Range(1, kMaxAttempts))
      ->capture_default_str();
  return {sub, [o, max_attempts, &global] { return RestoreCommand(*o, *max_attempts, global); }};
}

}  // namespace duckpart::cli

// duckpart backup: a table to one verified Parquet file.
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

int BackupCommand(const BackupOptions& o, int max_attempts, const GlobalOptions& global) {
  OperationControl control{.max_attempts = max_attempts};
  control.on_warning = [](const std::string& line) {
    std::cerr << "duckpart: warning: " << line << "\n";
  };
  const BackupResult r = duckpart::RunBackup(o, control);
  for (const auto& w : r.warnings) control.on_warning(w);
  if (global.json) {
    PrintJson({{"table", o.table},
               {"database", o.db_path},
               {"file", r.file},
               {"rows", r.rows},
               {"checksum", r.checksum},
               {"bytes", r.bytes},
               {"columns", ColumnsJson(r.schema)},
               {"verified", true},
               {"seconds", r.seconds},
               {"warnings", r.warnings}});
  } else if (!global.quiet) {
    std::cout << fmt::format("Backed up table {} of {} to {}: {} rows, {} columns, {}\n", o.table,
                             o.db_path, r.file, FormatCount(r.rows), r.schema.size(),
                             FormatBytes(r.bytes))
              << fmt::format("  verified (rows and checksum read back) in {:.1f} s\n", r.seconds);
  }
  return 0;
}

}  // namespace

Command AddBackupCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "backup", "Copy a table to one Parquet file, verified by count and checksum");
  auto o = std::make_shared<BackupOptions>();
  sub->add_option("--db", o->db_path, "Database file (opened read-only)")->required();
  sub->add_option("--table", o->table, "Table to back up")->required();
  sub->add_option("--to", o->to, "The Parquet file to write")->required();
  sub->add_flag("--replace", o->replace, "Overwrite the file if it exists");
  sub->add_option("--compression", o->compression, "Parquet compression")
      ->check(CLI::IsMember({"snappy", "zstd", "gzip", "lz4", "uncompressed", "brotli"}))
      ->capture_default_str();
  AddEngineOptions(*sub, o->engine);
  auto max_attempts = std::make_shared<int>(3);
  sub->add_option("--max-attempts", *max_attempts,
                  "Attempts when out of memory, each with half the threads")
      ->check(CLI::Range(1, kMaxAttempts))
      ->capture_default_str();
  return {sub, [o, max_attempts, &global] { return BackupCommand(*o, *max_attempts, global); }};
}

}  // namespace duckpart::cli

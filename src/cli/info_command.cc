// duckpart info: what a dataset is (spec, versions, partitions, rows, bytes, files, last
// operation), from its own metadata, in one screen or as JSON.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "duckpart/error.h"
#include "duckpart/info.h"

namespace duckpart::cli {
namespace {

struct InfoArgs {
  std::string dir;
  std::string to_db;
  std::string schema;
  EngineOptions engine;
};

template <typename T>
nlohmann::json OrNull(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json InfoJson(const DatasetInfo& i) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : i.columns) columns.push_back({{"name", c.name}, {"type", c.type}});
  const bool tables = i.kind == "tables";
  return {{"target", i.target},
          {"kind", i.kind},
          {"schema", tables ? nlohmann::json(i.schema) : nlohmann::json(nullptr)},
          {"view", tables ? nlohmann::json(i.view) : nlohmann::json(nullptr)},
          {"spec", i.spec},
          {"version", i.version},
          {"kept_versions", i.kept_versions},
          {"partitions", i.partitions},
          {"rows", i.rows},
          {"bytes", OrNull(i.bytes)},
          {"files", tables ? nlohmann::json(nullptr) : nlohmann::json(i.files)},
          {"tables", tables ? nlohmann::json(i.files) : nlohmann::json(nullptr)},
          {"missing_files", i.missing_files},
          {"checksum", i.checksum},
          {"partition_rows",
           {{"min", i.min_partition_rows},
            {"median", i.median_partition_rows},
            {"max", i.max_partition_rows}}},
          {"columns", columns},
          {"last_operation",
           {{"operation", i.last_operation}, {"at", i.last_operation_at}, {"source", i.source}}},
          {"writer_pid", OrNull(i.writer_pid)},
          {"leftovers", i.leftovers}};
}

std::string Versions(const std::vector<int64_t>& versions) {
  std::string s;
  for (auto v : versions) s += (s.empty() ? "" : ", ") + std::to_string(v);
  return s;
}

std::string Columns(const DatasetInfo& i) {
  std::string s;
  for (const auto& c : i.columns) {
    s += (s.empty() ? "" : ", ") + c.name + " " + c.type +
         (c.added_in > 0 ? " (added in version " + std::to_string(c.added_in) + ")" : "");
  }
  return fmt::format("{}: {}", i.columns.size(), s);
}

void PrintInfo(const DatasetInfo& i) {
  const bool tables = i.kind == "tables";
  std::cout << (tables ? fmt::format("{} schema {}: partition tables, view {}\n", i.target,
                                     i.schema, i.view)
                       : fmt::format("{}: Parquet dataset\n", i.target));
  std::cout << fmt::format("  spec            {}\n", i.spec)
            << fmt::format("  version         {} (kept: {})\n", i.version,
                           Versions(i.kept_versions))
            << fmt::format("  last operation  {} at {} from {}\n", i.last_operation,
                           i.last_operation_at, i.source)
            << fmt::format("  partitions      {} (rows each: min {}, median {}, max {})\n",
                           FormatCount(i.partitions), FormatCount(i.min_partition_rows),
                           FormatCount(i.median_partition_rows), FormatCount(i.max_partition_rows))
            << fmt::format("  rows            {}\n", FormatCount(i.rows));
  if (tables) {
    std::cout << fmt::format("  tables          {}\n", FormatCount(i.files));
  } else {
    std::cout << fmt::format("  files           {} ({})\n", FormatCount(i.files),
                             FormatBytes(i.bytes.value_or(0)));
  }
  std::cout << fmt::format("  columns         {}\n", Columns(i))
            << fmt::format("  checksum        {}\n", i.checksum);
}

void WarnAbout(const DatasetInfo& i) {
  if (i.missing_files > 0) {
    std::cerr << fmt::format(
        "duckpart: warning: {} file(s) listed in the manifest are missing; run `duckpart "
        "validate {}`\n",
        i.missing_files, i.target);
  }
  if (i.writer_pid) {
    std::cerr << fmt::format(
        "duckpart: warning: a duckpart process (pid {}) is writing to '{}' now; this describes "
        "the version published before it\n",
        *i.writer_pid, i.target);
  } else if (!i.leftovers.empty()) {
    std::cerr << fmt::format(
        "duckpart: warning: an interrupted operation left {} leftover(s); run `duckpart recover "
        "{}`\n",
        i.leftovers.size(), i.target);
  }
}

int RunInfo(const InfoArgs& args, const GlobalOptions& global) {
  if (args.dir.empty() == args.to_db.empty()) {
    throw InputError("give a dataset folder, or --to-db FILE for partition tables (one of them)");
  }
  if (!args.schema.empty() && args.to_db.empty()) throw InputError("--schema needs --to-db FILE");
  const DatasetInfo i = args.to_db.empty() ? DescribeDataset(args.dir)
                                           : DescribeTables(args.to_db, args.schema, args.engine);
  if (global.json) {
    PrintJson(InfoJson(i));
  } else {
    PrintInfo(i);
  }
  if (!global.quiet) WarnAbout(i);
  return 0;
}

}  // namespace

Command AddInfoCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand("info",
                                  "Describe a dataset: spec, versions, partitions, rows, bytes, "
                                  "files, last operation (reads no data)");
  auto args = std::make_shared<InfoArgs>();
  sub->add_option("dir", args->dir, "Dataset folder (a Parquet dataset written by `run --to`)");
  sub->add_option("--to-db", args->to_db,
                  "Instead of a folder: the DuckDB file holding partition tables (`run --to-db`)");
  sub->add_option("--schema", args->schema,
                  "With --to-db: their schema (default: the only duckpart schema)");
  return {sub, [args, &global] { return RunInfo(*args, global); }};
}

}  // namespace duckpart::cli

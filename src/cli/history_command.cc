// duckpart history: the committed operations of a dataset, version by version.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "duckpart/error.h"
#include "duckpart/history.h"
#include "ops/lifecycle_tables.h"

namespace duckpart::cli {
namespace {

struct HistoryArgs {
  std::string dir, to_db, schema;
};

// A sampled figure, or "-" for a record written before memory was sampled.
std::string Sampled(const HistoryRecord& h, int64_t bytes) {
  return h.memory_limit_bytes > 0 ? FormatBytes(bytes) : "-";
}

void PrintHistory(const std::vector<HistoryRecord>& history) {
  std::cout << fmt::format(
      "{:>7}  {:<8} {:<20} {:>12} {:>12} {:>10} {:>10} {:>6} {:>8} {:>10} {:>10}  {}\n", "version",
      "op", "time", "rows added", "rows removed", "bytes +", "bytes -", "parts", "seconds",
      "peak mem", "spilled", "batch / source");
  for (const auto& h : history) {
    std::cout << fmt::format(
        "{:>7}  {:<8} {:<20} {:>12} {:>12} {:>10} {:>10} {:>6} {:>8.1f} {:>10} {:>10}  {}\n",
        h.version, h.operation, h.time, FormatCount(h.rows_added), FormatCount(h.rows_removed),
        FormatBytes(h.bytes_added), FormatBytes(h.bytes_removed), FormatCount(h.partitions_touched),
        h.seconds, Sampled(h, h.peak_memory_bytes), Sampled(h, h.spill_bytes),
        h.batch_id.empty() ? h.source : h.batch_id + " / " + h.source);
  }
}

int RunHistory(const HistoryArgs& args, const GlobalOptions& global) {
  if (args.dir.empty() == args.to_db.empty())
    throw InputError("give the dataset: DIR or --to-db FILE, one of them");
  const std::vector<HistoryRecord> history =
      args.to_db.empty() ? ReadHistory(args.dir) : ops::ReadTablesHistory(args.to_db, args.schema);
  if (global.json) {
    nlohmann::json records = nlohmann::json::array();
    for (const auto& h : history) records.push_back(ToJson(h));
    PrintJson({{"target", args.to_db.empty() ? args.dir : args.to_db}, {"history", records}});
  } else {
    PrintHistory(history);
  }
  return 0;
}

}  // namespace

Command AddHistoryCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "history",
      "The committed operations of a dataset, version by version: operation, time, source, "
      "batch id, rows and bytes added and removed, partitions touched, duration");
  auto args = std::make_shared<HistoryArgs>();
  sub->add_option("dir", args->dir, "The dataset folder");
  sub->add_option("--to-db", args->to_db,
                  "Instead of DIR: partition tables written by `run --to-db FILE` (their "
                  "catalog keeps the history)");
  sub->add_option("--schema", args->schema,
                  "With --to-db: the dataset's schema (default: the database's only one)");
  return {sub, [args, &global] { return RunHistory(*args, global); }};
}

}  // namespace duckpart::cli

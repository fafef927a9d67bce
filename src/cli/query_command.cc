// duckpart query: one read-only SQL statement over a dataset, with exact values.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/command.h"
#include "duckpart/query.h"
#include "query/column_reader.h"

namespace duckpart::cli {
namespace {

struct QueryArgs {
  std::string dir;
  std::string sql;
  int64_t version = 0;  // --version N: an earlier version the store keeps (0: the current)
};

void PrintTsvLine(const std::vector<std::string>& cells) {
  for (size_t c = 0; c < cells.size(); ++c) std::cout << (c ? "\t" : "") << cells[c];
  std::cout << "\n";
}

int RunQuery(const QueryArgs& args, const GlobalOptions& global) {
  DatasetQuery q(args.dir, args.sql,
                 args.version ? std::optional<int64_t>(args.version) : std::nullopt);
  if (global.json) {
    // One row per line inside one array: valid JSON that is written as the rows arrive.
    bool first = true;
    q.RunJson([&](const nlohmann::ordered_json& row) {
      std::cout << (first ? "[\n" : ",\n")
                << row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      first = false;
    });
    std::cout << (first ? "[]\n" : "\n]\n");
    return 0;
  }
  std::vector<std::string> header;
  for (const auto& c : q.columns()) header.push_back(query::EscapeCell(c.name));
  q.RunText(PrintTsvLine, [&] { PrintTsvLine(header); });
  return 0;
}

}  // namespace

Command AddQueryCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "query", "Run one read-only SELECT over a dataset as the view `dataset`, with exact values");
  sub->footer(
      "Output: tab-separated, a header line of column names, then one line per row. NULL prints as "
      "\\N; "
      "backslash, tab, newline, carriage return and other control characters in values print as "
      "\\\\, \\t, "
      "\\n, \\r and \\xHH, so the string 'NULL' and a NULL never look alike. Nested values print "
      "as DuckDB "
      "literals ([1, NULL], {'a': 'x'}, {k=v}) with their strings quoted. With --json: an array of "
      "one object per "
      "row, keys in SELECT order, typed values (numbers, true/false, arrays, objects, null); "
      "integers beyond "
      "64 bits and decimals of more than 15 digits are strings, as are dates, times and "
      "intervals.\n"
      "Only one SELECT runs (DESCRIBE, SHOW and SUMMARIZE are SELECTs); anything else (several "
      "statements, "
      "CREATE, INSERT, COPY, ATTACH, PRAGMA, SET) is refused with exit 2 and nothing runs.\n"
      "The dataset link is resolved once: the statement reads one version from start to end, "
      "also while a `run --replace` publishes another (the superseded version is kept for "
      "--version-grace). --version N reads an earlier version while the store keeps it "
      "(`duckpart info` lists them; writers keep more with --keep-versions).");
  auto args = std::make_shared<QueryArgs>();
  sub->add_option("dir", args->dir, "Dataset folder")->required();
  sub->add_option("sql", args->sql, "One SELECT over the view `dataset`")->required();
  sub->add_option("--version", args->version,
                  "Read this earlier version (kept by --keep-versions or its grace period)")
      ->check(CLI::Range(int64_t{1}, int64_t{999999999999999}));
  return {sub, [args, &global] { return RunQuery(*args, global); }};
}

}  // namespace duckpart::cli

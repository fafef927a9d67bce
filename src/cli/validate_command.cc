// duckpart validate: prove a dataset complete and correct.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "duckpart/error.h"
#include "duckpart/validate.h"

namespace duckpart::cli {
namespace {

struct ValidateArgs {
  std::string dir;
  SourceOptions source;
  EngineOptions engine;
};

int RunValidate(const ValidateArgs& args, const GlobalOptions& global) {
  std::unique_ptr<Workspace> ws;
  const bool with_source = !args.source.table.empty() || !args.source.query.empty() || !args.source.from.empty();
  if (!with_source && !args.source.db_path.empty()) throw InputError("--db needs --table or --query");
  if (with_source) ws = std::make_unique<Workspace>(args.source, args.engine);
  const ValidationReport r = ValidateDataset(args.dir, ws.get(), args.engine);
  if (global.json) {
    PrintJson({{"dataset", r.dataset}, {"version", r.version}, {"ok", r.ok()}, {"partitions", r.partitions},
               {"files", r.files}, {"rows", r.rows}, {"checksum", r.checksum},
               {"compared_with_source", r.compared_with_source}, {"problems", r.problems}});
  } else {
    std::cout << fmt::format("{} (version {}): {} partitions, {} files, {} rows read back\n", r.dataset, r.version,
                             FormatCount(r.partitions), FormatCount(r.files), FormatCount(r.rows));
    for (const auto& p : r.problems) std::cout << "FAIL " << p << "\n";
    if (r.ok()) {
      std::cout << "OK: rows, checksums, placement, files and schema hold"
                << (r.compared_with_source ? ", and equal the source" : "") << "\n";
    } else {
      std::cout << r.problems.size() << " problem(s) found\n";
    }
  }
  return r.ok() ? 0 : static_cast<int>(ExitCode::kCheckFailed);
}

}  // namespace

Command AddValidateCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand("validate", "Prove a dataset holds exactly its manifest's (and source's) rows");
  auto args = std::make_shared<ValidateArgs>();
  sub->add_option("dir", args->dir, "Dataset folder")->required();
  AddSourceOptions(*sub, args->source);
  AddEngineOptions(*sub, args->engine);
  return {sub, [args, &global] { return RunValidate(*args, global); }};
}

}  // namespace duckpart::cli

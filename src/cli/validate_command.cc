// duckpart validate: prove a dataset complete and correct.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/command.h"
#include "cli/common_options.h"
#include "duckpart/error.h"
#include "duckpart/recover.h"
#include "duckpart/table_run.h"
#include "duckpart/validate.h"

namespace duckpart::cli {
namespace {

struct ValidateArgs {
  std::string dir;
  std::string to_db;   // partition tables: the database written by `run --to-db`
  std::string schema;  // and their schema (default: <table>_parts, or the only one)
  SourceOptions source;
  EngineOptions engine;
};

// Each problem as {kind, partition, detail, message}.
nlohmann::json ProblemsJson(const ValidationReport& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : r.problems) {
    out.push_back({{"kind", p.kind},
                   {"partition", p.partition},
                   {"detail", p.detail},
                   {"message", p.message}});
  }
  return out;
}

// Partition tables in a DuckDB database (`run --to-db`).
int RunValidateTables(const ValidateArgs& args, const GlobalOptions& global) {
  if (!args.dir.empty()) throw InputError("give either a dataset folder or --to-db FILE, not both");
  // --table without --db names the schema only (<table>_parts), as --schema's help says;
  // with --db it is also the source to compare with.
  SourceOptions source = args.source;
  if (source.db_path.empty()) source.table.clear();
  std::unique_ptr<Workspace> ws;
  const bool with_source = !source.table.empty() || !source.query.empty() || !source.from.empty();
  if (!with_source && !source.db_path.empty()) throw InputError("--db needs --table or --query");
  if (with_source) ws = std::make_unique<Workspace>(source, args.engine);
  const std::string schema = !args.schema.empty()
                                 ? args.schema
                                 : (args.source.table.empty() ? "" : args.source.table + "_parts");
  const ValidationReport r = ValidateTables(args.to_db, schema, ws.get(), args.engine);
  if (global.json) {
    PrintOrderedJson({{"target", args.to_db},
                      {"kind", "tables"},
                      {"schema", r.schema},
                      {"version", r.version},
                      {"ok", r.ok()},
                      {"rows", r.rows},
                      {"partitions", r.partitions},
                      {"tables", r.files},
                      {"checksum", r.checksum},
                      {"compared_with_source", r.compared_with_source},
                      {"problems", ProblemsJson(r)}});
  } else {
    std::cout << fmt::format("{} (version {}): {} partitions, {} tables, {} rows read back\n",
                             r.dataset, r.version, FormatCount(r.partitions), FormatCount(r.files),
                             FormatCount(r.rows));
    for (const auto& p : r.problems) std::cout << "FAIL " << p.message << "\n";
    if (r.ok()) {
      std::cout << "OK: rows, checksums, placement, tables, schema and view hold"
                << (r.compared_with_source ? ", and equal the source" : "") << "\n";
    } else {
      std::cout << r.problems.size() << " problem(s) found\n";
    }
  }
  return r.ok() ? 0 : static_cast<int>(ExitCode::kCheckFailed);
}

int RunValidate(const ValidateArgs& args, const GlobalOptions& global) {
  if (!args.to_db.empty()) return RunValidateTables(args, global);
  if (!args.schema.empty()) throw InputError("--schema needs --to-db FILE");
  if (args.dir.empty())
    throw InputError("give a dataset folder, or --to-db FILE for partition tables");
  std::unique_ptr<Workspace> ws;
  const bool with_source =
      !args.source.table.empty() || !args.source.query.empty() || !args.source.from.empty();
  if (!with_source && !args.source.db_path.empty())
    throw InputError("--db needs --table or --query");
  if (with_source) ws = std::make_unique<Workspace>(args.source, args.engine);
  // An operation in progress, or the leftovers of one that was interrupted.
  std::string note;
  nlohmann::json leftovers = nlohmann::json::array();
  std::optional<int64_t> writer;
  try {
    const StoreStatus st = InspectStore(args.dir);
    for (const auto& i : st.Interrupted()) leftovers.push_back(i.name);
    if (st.locked) {
      writer = st.lock_pid.value_or(0);
      note = fmt::format(
          "a duckpart process{} is writing to '{}' now; this checks the version published before "
          "it",
          st.lock_pid ? fmt::format(" (pid {})", *st.lock_pid) : std::string(), args.dir);
    } else if (!leftovers.empty()) {
      note = fmt::format(
          "an interrupted operation left {} leftover{} in {}; run `duckpart recover {}`",
          leftovers.size(), leftovers.size() == 1 ? "" : "s", st.store, args.dir);
    }
  } catch (const Error&) {
    // The dataset check below names the problem.
  }
  const ValidationReport r = [&] {
    try {
      return ValidateDataset(args.dir, ws.get(), args.engine);
    } catch (const InputError& e) {
      if (note.empty()) throw;
      throw InputError(std::string(e.what()) + "; " + note);
    }
  }();
  if (!note.empty() && !global.quiet) std::cerr << "duckpart: warning: " << note << "\n";
  if (global.json) {
    PrintOrderedJson({{"target", args.dir},
                      {"kind", "parquet"},
                      {"version", r.version},
                      {"ok", r.ok()},
                      {"rows", r.rows},
                      {"partitions", r.partitions},
                      {"files", r.files},
                      {"checksum", r.checksum},
                      {"compared_with_source", r.compared_with_source},
                      {"problems", ProblemsJson(r)},
                      {"leftovers", leftovers},
                      {"writer_pid", writer ? nlohmann::json(*writer) : nlohmann::json(nullptr)}});
  } else {
    std::cout << fmt::format("{} (version {}): {} partitions, {} files, {} rows read back\n",
                             r.dataset, r.version, FormatCount(r.partitions), FormatCount(r.files),
                             FormatCount(r.rows));
    for (const auto& p : r.problems) std::cout << "FAIL " << p.message << "\n";
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
  auto* sub = root.add_subcommand(
      "validate", "Prove a dataset holds exactly its manifest's (and source's) rows");
  auto args = std::make_shared<ValidateArgs>();
  sub->add_option("dir", args->dir, "Dataset folder (a Parquet dataset written by `run --to`)");
  sub->add_option(
      "--to-db", args->to_db,
      "Instead of a folder: the DuckDB file holding partition tables written by `run --to-db` "
      "(--table T alone picks the schema T_parts)");
  sub->add_option(
      "--schema", args->schema,
      "With --to-db: their schema (default: <table>_parts with --table, else the only one)");
  AddSourceOptions(*sub, args->source);
  AddEngineOptions(*sub, args->engine);
  return {sub, [args, &global] { return RunValidate(*args, global); }};
}

}  // namespace duckpart::cli

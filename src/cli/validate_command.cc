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
// The text report: what was read back, each problem, and the verdict; `units` names what
// holds the rows (files, tables) and `held` what else was proved.
void PrintReportText(const ValidationReport& r, const char* units, const char* held) {
  std::cout << fmt::format("{} (version {}): {} partitions, {} {}, {} rows read back\n", r.dataset,
                           r.version, FormatCount(r.partitions), FormatCount(r.files), units,
                           FormatCount(r.rows));
  for (const auto& p : r.problems) std::cout << "FAIL " << p.message << "\n";
  if (r.ok()) {
    std::cout << "OK: rows, checksums, placement, " << held << " hold"
              << (r.compared_with_source ? ", and equal the source" : "") << "\n";
  } else {
    std::cout << r.problems.size() << " problem(s) found\n";
  }
}

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
    PrintReportText(r, "tables", "tables, schema and view");
  }
  return r.ok() ? 0 : static_cast<int>(ExitCode::kCheckFailed);
}

// An operation in progress, or the leftovers of one that was interrupted: named in a
// note, since validate checks the version published before it.
struct StoreNote {
  std::string note;
  nlohmann::json leftovers = nlohmann::json::array();
  std::optional<int64_t> writer;
};

StoreNote NoteStore(const std::string& dir) {
  StoreNote n;
  try {
    const StoreStatus st = InspectStore(dir);
    for (const auto& i : st.Interrupted()) n.leftovers.push_back(i.name);
    if (st.locked) {
      n.writer = st.lock_pid.value_or(0);
      n.note = fmt::format(
          "a duckpart process{} is writing to '{}' now; this checks the version published before "
          "it",
          st.lock_pid ? fmt::format(" (pid {})", *st.lock_pid) : std::string(), dir);
    } else if (!n.leftovers.empty()) {
      n.note = fmt::format(
          "an interrupted operation left {} leftover{} in {}; run `duckpart recover {}`",
          n.leftovers.size(), n.leftovers.size() == 1 ? "" : "s", st.store, dir);
    }
  } catch (const Error&) {
    // The dataset check names the problem.
  }
  return n;
}

void PrintDatasetReport(const ValidateArgs& args, const ValidationReport& r, const StoreNote& n,
                        bool json) {
  if (json) {
    PrintOrderedJson(
        {{"target", args.dir},
         {"kind", "parquet"},
         {"version", r.version},
         {"ok", r.ok()},
         {"rows", r.rows},
         {"partitions", r.partitions},
         {"files", r.files},
         {"checksum", r.checksum},
         {"compared_with_source", r.compared_with_source},
         {"problems", ProblemsJson(r)},
         {"leftovers", n.leftovers},
         {"writer_pid", n.writer ? nlohmann::json(*n.writer) : nlohmann::json(nullptr)}});
    return;
  }
  PrintReportText(r, "files", "files and schema");
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
  const StoreNote n = NoteStore(args.dir);
  const ValidationReport r = [&] {
    try {
      return ValidateDataset(args.dir, ws.get(), args.engine);
    } catch (const InputError& e) {
      if (n.note.empty()) throw;
      throw InputError(std::string(e.what()) + "; " + n.note);
    }
  }();
  if (!n.note.empty() && !global.quiet) std::cerr << "duckpart: warning: " << n.note << "\n";
  PrintDatasetReport(args, r, n, global.json);
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

// What every command file provides to the command layer, and the options all share.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace duckpart {
class Config;
struct ColumnInfo;
}  // namespace duckpart

namespace duckpart::cli {

struct GlobalOptions {
  bool json = false;        // machine-readable output on stdout
  bool quiet = false;       // no progress, no chatter
  std::string config_file;  // --config
  std::string profile;      // --profile
  // The layered configuration, loaded after parsing and before run() (see cli/config_options.h).
  std::shared_ptr<const Config> config;
};

// A registered command: run() is called after parsing when the command was chosen,
// and returns the process exit code. Errors are thrown (duckpart::Error, db::DbError).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
  // The command reads the configuration itself (`config`); otherwise app.cc loads it and
  // applies it to the command's options before run().
  bool loads_config = false;
};

// Each command file defines one of these; app.cc calls them all.
Command AddDemoCommand(CLI::App& root, const GlobalOptions& global);
Command AddPlanCommand(CLI::App& root, const GlobalOptions& global);
Command AddRunCommand(CLI::App& root, const GlobalOptions& global);
Command AddRepartitionCommand(CLI::App& root, const GlobalOptions& global);
Command AddRebalanceCommand(CLI::App& root, const GlobalOptions& global);
Command AddValidateCommand(CLI::App& root, const GlobalOptions& global);
Command AddQueryCommand(CLI::App& root, const GlobalOptions& global);
Command AddRecoverCommand(CLI::App& root, const GlobalOptions& global);
Command AddCleanupCommand(CLI::App& root, const GlobalOptions& global);
Command AddBackupCommand(CLI::App& root, const GlobalOptions& global);
Command AddRestoreCommand(CLI::App& root, const GlobalOptions& global);
Command AddConfigCommand(CLI::App& root, const GlobalOptions& global);
Command AddDoctorCommand(CLI::App& root, const GlobalOptions& global);
Command AddMonitorCommand(CLI::App& root, const GlobalOptions& global);
Command AddAnalyzeCommand(CLI::App& root, const GlobalOptions& global);
Command AddInfoCommand(CLI::App& root, const GlobalOptions& global);
Command AddHelpCommand(CLI::App& root, const GlobalOptions& global);
Command AddSpecCommand(CLI::App& root, const GlobalOptions& global);
Command AddPathCommand(CLI::App& root, const GlobalOptions& global);
Command AddAppendCommand(CLI::App& root, const GlobalOptions& global);
Command AddRetainCommand(CLI::App& root, const GlobalOptions& global);
Command AddHistoryCommand(CLI::App& root, const GlobalOptions& global);

// Adds --json and --quiet to a subcommand.
void AddOutputFlags(CLI::App& sub, GlobalOptions& global);

// Columns as the output contract gives them: [{"name", "type"}, ...].
nlohmann::json ColumnsJson(const std::vector<ColumnInfo>& columns);

// Prints JSON to stdout (pretty on a terminal, one line otherwise).
void PrintJson(const nlohmann::json& value);
// The same, keys in the order given.
void PrintOrderedJson(const nlohmann::ordered_json& value);
// True when stdout/stderr is a terminal.
bool StdoutIsTerminal();
bool StderrIsTerminal();

}  // namespace duckpart::cli

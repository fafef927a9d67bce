#include "cli/app.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <vector>

#include "cli/command.h"
#include "cli/config_options.h"
#include "cli/failure.h"
#include "cli/help_text.h"
#include "cli/parse_errors.h"
#include "cli/progress.h"
#include "db/database.h"
#include "duckpart/config.h"
#include "duckpart/error.h"
#include "duckpart/source.h"
#include "duckpart/version.h"

namespace duckpart::cli {
namespace {

std::string VersionText() {
  return std::string("duckpart ") + kVersion + " (DuckDB " + db::LibraryVersion() + ")";
}

// What the arguments say before CLI11 parses them: the command word (the first argument
// that is not an option) and whether --json was asked for, so that even a parse error
// can answer in JSON and name the command's own help.
struct ArgsPreview {
  std::string command;
  bool json = false;
};

ArgsPreview Preview(int argc, char** argv) {
  ArgsPreview p;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) p.json = true;
  }
  if (argc > 1 && argv[1][0] != '-') p.command = argv[1];
  return p;
}

CLI::App* FindCommand(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

std::string HelpHint(const std::string& command) {
  return command.empty() ? " (see duckpart --help)" : " (see duckpart " + command + " --help)";
}

int UsageFailure(const std::string& message, bool json) {
  return ReportFailure({ExitCode::kUsage, message}, json);
}

std::vector<Command> RegisterCommands(CLI::App& app, GlobalOptions& global) {
  std::vector<Command> commands;
  commands.push_back(AddDemoCommand(app, global));
  commands.push_back(AddPlanCommand(app, global));
  commands.push_back(AddRunCommand(app, global));
  commands.push_back(AddRepartitionCommand(app, global));
  commands.push_back(AddRebalanceCommand(app, global));
  commands.push_back(AddAppendCommand(app, global));
  commands.push_back(AddRetainCommand(app, global));
  commands.push_back(AddHistoryCommand(app, global));
  commands.push_back(AddValidateCommand(app, global));
  commands.push_back(AddQueryCommand(app, global));
  commands.push_back(AddInfoCommand(app, global));
  commands.push_back(AddRecoverCommand(app, global));
  commands.push_back(AddCleanupCommand(app, global));
  commands.push_back(AddBackupCommand(app, global));
  commands.push_back(AddRestoreCommand(app, global));
  commands.push_back(AddConfigCommand(app, global));
  commands.push_back(AddDoctorCommand(app, global));
  commands.push_back(AddMonitorCommand(app, global));
  commands.push_back(AddAnalyzeCommand(app, global));
  commands.push_back(AddSpecCommand(app, global));
  commands.push_back(AddPathCommand(app, global));
  commands.push_back(AddHelpCommand(app, global));
  for (auto& c : commands) {
    if (c.app->get_name() != "help") {
      AddOutputFlags(*c.app, global);
      AddConfigFlags(*c.app, global);
    }
    c.app->footer(CommandFooter(c.app->get_name(), c.app->get_footer()));
  }
  return commands;
}

// Runs the chosen command; any failure is reported here, once.
int RunChosen(std::vector<Command>& commands, GlobalOptions& global) {
  for (auto& c : commands) {
    if (!c.app->parsed()) continue;
    try {
      if (!c.loads_config && c.app->get_name() != "help") {
        global.config = std::make_shared<const Config>(
            LoadConfig(ConfigSources::FromProcess(global.config_file, global.profile)));
        ApplyConfig(*c.app, *global.config, std::cerr);
      }
      return c.run();
    } catch (...) {
      return ReportFailure(
          DescribeFailure(std::current_exception(), ProgressReporter::Interrupted()), global.json);
    }
  }
  return UsageFailure("no command given (see duckpart --help)", global.json);
}

}  // namespace

void AddOutputFlags(CLI::App& sub, GlobalOptions& global) {
  sub.add_flag("--json", global.json, "Print machine-readable JSON on stdout (also on failure)");
  sub.add_flag("-q,--quiet", global.quiet, "No progress bar or chatter");
}

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(StdoutIsTerminal() ? 2 : -1) << std::endl;
}

nlohmann::json ColumnsJson(const std::vector<ColumnInfo>& columns) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : columns) out.push_back({{"name", c.name}, {"type", c.type}});
  return out;
}

void PrintOrderedJson(const nlohmann::ordered_json& value) {
  std::cout << value.dump(StdoutIsTerminal() ? 2 : -1) << std::endl;
}

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }
bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

int Main(int argc, char** argv) {
  CLI::App app{"duckpart: partition DuckDB tables and files into verified, atomic datasets",
               "duckpart"};
  app.set_version_flag("--version", VersionText());
  app.require_subcommand(1);
  app.footer(
      "Run `duckpart help COMMAND` or `duckpart COMMAND --help` for a command's options and "
      "examples.\n\n" +
      ExitCodesHelp());
  GlobalOptions global;
  std::vector<Command> commands = RegisterCommands(app, global);

  const ArgsPreview preview = Preview(argc, argv);
  if (argc <= 1) {
    std::cerr << app.help();
    return static_cast<int>(ExitCode::kUsage);
  }
  CLI::App* chosen = preview.command.empty() ? nullptr : FindCommand(app, preview.command);
  if (!preview.command.empty() && chosen == nullptr) {
    return UsageFailure(UnknownCommandMessage(app, preview.command) + HelpHint(""), preview.json);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return UsageFailure(DescribeParseError(e, chosen ? *chosen : app) + HelpHint(preview.command),
                        preview.json);
  }
  return RunChosen(commands, global);
}

}  // namespace duckpart::cli

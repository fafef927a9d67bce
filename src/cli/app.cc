#include "cli/app.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <vector>

#include "cli/command.h"
#include "db/database.h"
#include "db/error.h"
#include "duckpart/error.h"
#include "duckpart/version.h"

namespace duckpart::cli {
namespace {

int Fail(ExitCode code, const std::string& message) {
  std::string line = message;
  // One line: DuckDB messages may span several.
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cerr << "duckpart: error: " << line << "\n";
  return static_cast<int>(code);
}

std::string VersionText() {
  return std::string("duckpart ") + kVersion + " (DuckDB " + db::LibraryVersion() + ")";
}

}  // namespace

void AddOutputFlags(CLI::App& sub, GlobalOptions& global) {
  sub.add_flag("--json", global.json, "Print machine-readable JSON on stdout");
  sub.add_flag("-q,--quiet", global.quiet, "No progress bar or chatter");
}

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(StdoutIsTerminal() ? 2 : -1) << std::endl;
}

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }
bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

int Main(int argc, char** argv) {
  CLI::App app{"duckpart: partition DuckDB tables and files into verified, atomic datasets",
               "duckpart"};
  app.set_version_flag("--version", VersionText());
  app.require_subcommand(1);
  app.failure_message([](const CLI::App*, const CLI::Error& e) { return std::string(e.what()); });

  GlobalOptions global;
  std::vector<Command> commands;
  commands.push_back(AddDemoCommand(app, global));
  commands.push_back(AddPlanCommand(app, global));
  commands.push_back(AddRunCommand(app, global));
  commands.push_back(AddValidateCommand(app, global));
  commands.push_back(AddQueryCommand(app, global));
  commands.push_back(AddRecoverCommand(app, global));
  commands.push_back(AddCleanupCommand(app, global));
  commands.push_back(AddBackupCommand(app, global));
  commands.push_back(AddRestoreCommand(app, global));
  commands.push_back(AddSpecCommand(app, global));
  for (auto& c : commands) AddOutputFlags(*c.app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Fail(ExitCode::kUsage, std::string(e.what()) + " (see duckpart --help)");
  }

  for (auto& c : commands) {
    if (!c.app->parsed()) continue;
    try {
      return c.run();
    } catch (const Error& e) {
      return Fail(e.code(), e.what());
    } catch (const db::DbError& e) {
      return Fail(ExitCode::kRuntime, e.what());
    } catch (const std::exception& e) {
      return Fail(ExitCode::kRuntime, e.what());
    }
  }
  return Fail(ExitCode::kUsage, "no command given (see duckpart --help)");
}

}  // namespace duckpart::cli

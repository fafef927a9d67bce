// duckpart help [COMMAND]: the help of one command (or the list of commands).
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/parse_errors.h"
#include "duckpart/error.h"

namespace duckpart::cli {

Command AddHelpCommand(CLI::App& root, const GlobalOptions&) {
  auto* sub = root.add_subcommand("help", "Show the help of a command: duckpart help run");
  auto name = std::make_shared<std::string>();
  sub->add_option("command", *name, "The command whose help to show (none: the list of commands)");
  return {sub, [&root, sub, name] {
            if (name->empty()) {
              std::cout << root.get_formatter()->make_help(&root, root.get_name(),
                                                           CLI::AppFormatMode::Normal);
              return 0;
            }
            CLI::App* target = nullptr;
            for (CLI::App* s : root.get_subcommands([](CLI::App*) { return true; })) {
              if (s->get_name() == *name && s != sub) target = s;
            }
            if (target == nullptr && *name == "help") target = sub;
            if (target == nullptr)
              throw InputError(UnknownCommandMessage(root, *name) + " (see duckpart --help)");
            std::cout << target->help(root.get_name());
            return 0;
          }};
}

}  // namespace duckpart::cli

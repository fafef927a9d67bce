// duckpart config: every key's effective value and where it came from; --check validates.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "duckpart/config.h"
#include "duckpart/error.h"

namespace duckpart::cli {
namespace {

struct ConfigArgs {
  bool check = false;
  std::map<std::string, std::string> values;  // key -> value given as a flag
  std::map<std::string, bool> switches;       // inverted keys (--no-verify) -> given
};

nlohmann::json OriginJson(const ConfigOrigin& o) {
  nlohmann::json j = {{"kind", o.KindName()}, {"describe", o.Describe()}};
  if (!o.file.empty()) j["file"] = o.file;
  if (o.line > 0) j["line"] = o.line;
  if (!o.name.empty()) j["name"] = o.name;
  return j;
}

nlohmann::json ProblemJson(const ConfigProblem& p) {
  return {{"file", p.file}, {"line", p.line}, {"message", p.message}, {"fatal", p.fatal}};
}

nlohmann::json ConfigJson(const Config& config) {
  nlohmann::json settings = nlohmann::json::array();
  for (const auto& s : config.settings()) {
    nlohmann::json j = {{"key", s.key->name},
                        {"section", s.key->section},
                        {"value", s.value},
                        {"default", s.key->default_value},
                        {"origin", OriginJson(s.origin)},
                        {"env", ConfigEnvName(*s.key)},
                        {"description", s.key->description}};
    if (!s.key->flag.empty()) j["flag"] = s.key->flag;
    if (!s.note.empty()) j["note"] = s.note;
    settings.push_back(j);
  }
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : config.problems()) problems.push_back(ProblemJson(p));
  return {{"profile", config.profile()},
          {"files", config.files()},
          {"settings", settings},
          {"problems", problems}};
}

void PrintConfig(const Config& config) {
  std::cout << fmt::format(
      "Configuration (profile: {}; files: {})\n",
      config.profile().empty() ? "none" : config.profile(),
      config.files().empty() ? "none" : fmt::format("{}", fmt::join(config.files(), ", ")));
  std::string section;
  for (const auto& s : config.settings()) {
    if (s.key->section != section) std::cout << (section = s.key->section) << "\n";
    const std::string value = s.value.empty() ? "(unset)" : s.value;
    std::cout << fmt::format("  {:<30} {:<12} {}{}\n", s.key->name, value, s.origin.Describe(),
                             s.note.empty() ? "" : "; " + s.note);
  }
  for (const auto& p : config.problems())
    std::cerr << "duckpart: warning: " << p.Describe() << "\n";
}

int Check(const Config& config, const GlobalOptions& global) {
  bool failed = false;
  for (const auto& p : config.problems()) {
    failed = failed || p.fatal;
    if (!global.json)
      std::cerr << "duckpart: " << (p.fatal ? "error: " : "warning: ") << p.Describe() << "\n";
  }
  if (global.json) {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : config.problems()) problems.push_back(ProblemJson(p));
    PrintJson({{"ok", !failed}, {"files", config.files()}, {"problems", problems}});
  } else if (!failed && !global.quiet) {
    std::cout << fmt::format("configuration OK ({} files: {})\n", config.files().size(),
                             fmt::join(config.files(), ", "));
  }
  return failed ? static_cast<int>(ExitCode::kUsage) : 0;
}

int RunConfig(const ConfigArgs& args, const GlobalOptions& global) {
  const ConfigSources sources = ConfigSources::FromProcess(global.config_file, global.profile);
  if (args.check) return Check(BuildConfig(sources), global);
  Config config = LoadConfig(sources);
  for (const auto& [key, value] : args.values)
    config.SetFromFlag(key, value, FindConfigKey(key)->flag);
  for (const auto& [key, given] : args.switches) {
    if (given) config.SetFromFlag(key, "true", FindConfigKey(key)->flag);
  }
  if (global.json) {
    PrintJson(ConfigJson(config));
  } else {
    PrintConfig(config);
  }
  return 0;
}

}  // namespace

Command AddConfigCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "config", "The effective configuration: every key, its value and where it came from");
  sub->footer(
      "Layers, a later one winning: defaults, ~/.config/duckpart/config.yaml ($XDG_CONFIG_HOME), "
      "duckpart.yaml "
      "(from the working folder upward, or --config), the profile (--profile or DUCKPART_PROFILE), "
      "DUCKPART_<KEY> "
      "variables, flags. The key flags below show what a command given them would use.");
  auto args = std::make_shared<ConfigArgs>();
  sub->add_flag("--check", args->check,
                "Validate the configuration files and variables; exit 2 on a problem");
  for (const auto& key : ConfigKeys()) {
    if (key.flag.empty()) continue;
    if (key.flag_inverted) {
      sub->add_flag(key.flag, args->switches[key.name], key.description);
    } else {
      sub->add_option(key.flag, args->values[key.name], key.description);
    }
  }
  Command c{sub, [args, &global, sub] {
              std::map<std::string, std::string> given;
              for (const auto& [key, value] : args->values) {
                if (sub->get_option(FindConfigKey(key)->flag)->count() > 0) given[key] = value;
              }
              ConfigArgs effective = *args;
              effective.values = given;
              return RunConfig(effective, global);
            }};
  c.loads_config = true;
  return c;
}

}  // namespace duckpart::cli

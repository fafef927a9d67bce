#include "cli/config_options.h"

#include <fmt/format.h>

#include "config/value_rules.h"
#include "duckpart/error.h"

namespace duckpart::cli {
namespace {

// Sets an option's value without counting it as given (count() stays 0).
void SetOptionDefault(CLI::Option* opt, const std::string& value, const ConfigSetting& s) {
  try {
    opt->run_callback_for_default();
    opt->default_val(value);
  } catch (const CLI::Error& e) {
    throw InputError(fmt::format("configuration {} = '{}' ({}): {}", s.key->name, s.value,
                                 s.origin.Describe(), e.what()));
  }
}

CLI::Option* NotGiven(CLI::App& sub, const std::string& flag) {
  CLI::Option* opt = sub.get_option_no_throw(flag);
  return opt != nullptr && opt->count() == 0 ? opt : nullptr;
}

void ApplyFeatures(CLI::App& sub, const Config& config, std::ostream& warnings) {
  const ConfigSetting& retries = config.Get("features.retries");
  if (retries.value == "false") {
    if (CLI::Option* opt = NotGiven(sub, "--max-attempts")) SetOptionDefault(opt, "1", retries);
  }
  const ConfigSetting& feature = config.Get("features.verification");
  const ConfigSetting& key = config.Get("verify");
  const ConfigSetting* off = feature.value == "false" ? &feature
                             : key.value == "false"   ? &key
                                                      : nullptr;
  if (off == nullptr || sub.get_option_no_throw("--no-verify") == nullptr) return;
  if (CLI::Option* opt = NotGiven(sub, "--no-verify")) SetOptionDefault(opt, "true", *off);
  warnings << fmt::format(
      "duckpart: warning: verification is off ({}: false, {}): the data is published without being "
      "read back "
      "and proved\n",
      off->key->name, off->note.empty() ? off->origin.Describe() : off->note);
}

}  // namespace

void AddConfigFlags(CLI::App& sub, GlobalOptions& global) {
  sub.add_option("--config", global.config_file,
                 "Configuration file (default: duckpart.yaml from the working folder upward)");
  sub.add_option("--profile", global.profile,
                 "Configuration profile, e.g. production (default: $DUCKPART_PROFILE)");
}

void ApplyConfig(CLI::App& sub, const Config& config, std::ostream& warnings) {
  for (const auto& s : config.settings()) {
    if (s.key->flag.empty() || s.origin.kind == ConfigOriginKind::kDefault) continue;
    CLI::Option* opt = NotGiven(sub, s.key->flag);
    if (opt == nullptr) continue;
    if (!s.key->flag_inverted) {
      SetOptionDefault(opt, s.value, s);
    }
  }
  ApplyFeatures(sub, config, warnings);
}

CLI::Validator SizeCheck() {
  return CLI::Validator(
      [](std::string& value) {
        return config::ParseBytes(value) ? std::string()
                                         : "'" + value + "' is not a size: " + config::SizeRule();
      },
      "SIZE");
}

}  // namespace duckpart::cli

#include "cli/version_options.h"

#include "config/value_rules.h"
#include "store/version_retention.h"

namespace duckpart::cli {

const char* const kVersionRetentionHelp =
    "Versions: after the swap, the superseded version stays for --version-grace (default 10m), "
    "so readers in flight (a glob, `duckpart query`, a reader of `duckpart path DIR`) finish on "
    "their own version; with --keep-versions N the N newest versions stay (`duckpart query DIR "
    "--version N` reads them). Versions past both go at the next write or `duckpart cleanup`, "
    "never inside their grace period.";

void AddVersionOptions(CLI::App& sub, RunOptions& run) {
  sub.add_option("--keep-versions", run.keep_versions,
                 "Keep the N newest versions, the current one included (1 to 1000)")
      ->check(CLI::Range(int64_t{1}, store::kMaxKeepVersions))
      ->capture_default_str();
  const CLI::Validator duration(
      [](std::string& value) {
        const auto s = config::ParseSeconds(value);
        if (!s) return "'" + value + "' is not a duration: a number and s, m, h or d (e.g. 10m)";
        if (*s > store::kMaxGraceSeconds) return "'" + value + "' is out of range: 0s to 366d";
        return std::string();
      },
      "DURATION");
  sub.add_option_function<std::string>(
         "--version-grace",
         [&run](const std::string& value) {
           run.version_grace_seconds =
               config::ParseSeconds(value).value_or(run.version_grace_seconds);
         },
         "Keep a superseded version this long for readers in flight (e.g. 90s, 10m, 0s)")
      ->check(duration)
      ->default_str("10m");
}

}  // namespace duckpart::cli

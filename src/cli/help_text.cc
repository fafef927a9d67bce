#include "cli/help_text.h"

#include <map>
#include <vector>

namespace duckpart::cli {
namespace {

const std::map<std::string, std::vector<std::string>>& Examples() {
  static const std::map<std::string, std::vector<std::string>> kExamples = {
      {"demo", {"duckpart demo --dir duckpart-demo", "duckpart demo --rows 20000 --replace"}},
      {"plan",
       {"duckpart plan --db analytics.db --table events --by \"month(ts), bucket(8, user_id)\"",
        "duckpart plan --from 'data/*.parquet' --by \"quantile(16, amount)\" --json"}},
      {"run",
       {"duckpart run --db analytics.db --table events --by \"day(ts)\" --to out/events "
        "--memory-limit 1GB",
        "duckpart run --db analytics.db --table events --by \"month(ts)\" --to-db analytics.db",
        "duckpart run --from 'data/*.csv' --by \"bucket(16, user_id)\" --to out/users --replace",
        "duckpart run --db analytics.db --table events --by \"day(ts)\" --to out/events --dry-run",
        "duckpart run ... --to out/events --log-file run.log --quiet   # unattended: JSON lines"}},
      {"repartition",
       {"duckpart repartition out/events --by \"day(ts)\"",
        "duckpart repartition --to-db analytics.db --schema events_parts --by \"bucket(8, "
        "user_id)\""}},
      {"rebalance",
       {"duckpart rebalance out/events --target-rows 2000000 --dry-run",
        "duckpart rebalance out/events --target-size 512MB",
        "duckpart rebalance out/events --compact --partition ts_month=2024-05"}},
      {"append",
       {"duckpart append out/events --db analytics.db --table events_today --batch-id 2024-06-01",
        "duckpart append out/events --from 'incoming/*.parquet' --batch-id b42 --if-new",
        "duckpart append out/events --from 'incoming/*.parquet' --log-file append.log --quiet"}},
      {"retain",
       {"duckpart retain out/events --older-than 2024-01-01 --dry-run",
        "duckpart retain out/events --keep 90d",
        "duckpart retain out/events --where \"category < 'm'\""}},
      {"history", {"duckpart history out/events", "duckpart history out/events --json"}},
      {"validate",
       {"duckpart validate out/events",
        "duckpart validate out/events --db analytics.db --table events   # also against the source",
        "duckpart validate --to-db analytics.db --schema events_parts"}},
      {"query",
       {"duckpart query out/events \"SELECT ts_day, count(*) AS n FROM dataset GROUP BY ALL ORDER "
        "BY 1\"",
        "duckpart query out/events \"SELECT * FROM dataset WHERE tag IS NULL LIMIT 5\" --json",
        "duckpart query out/events \"SELECT count(*) FROM dataset\" --version 3"}},
      {"path",
       {"duckpart path out/events   # the current version's own folder: read a snapshot there",
        "duckpart path out/events --version 3 --json"}},
      {"info",
       {"duckpart info out/events",
        "duckpart info --to-db analytics.db --schema events_parts --json"}},
      {"recover", {"duckpart recover out/events --dry-run", "duckpart recover out/events"}},
      {"cleanup",
       {"duckpart cleanup out/events --dry-run", "duckpart cleanup out/events --orphans"}},
      {"backup", {"duckpart backup --db analytics.db --table events --to events.parquet"}},
      {"restore",
       {"duckpart restore --from events.parquet --db analytics.db --table events_restored"}},
      {"monitor",
       {"duckpart monitor out/events out/users   # exit 1 on any warning: for cron and CI",
        "duckpart monitor out/events --prometheus /var/lib/node_exporter/textfile/duckpart.prom",
        "duckpart monitor out/events --to-db analytics.db --listen 127.0.0.1:9464 --interval 60s",
        "duckpart monitor out/events --deep --json"}},
      {"help", {"duckpart help run"}},
  };
  return kExamples;
}

}  // namespace

const std::string& ExitCodesHelp() {
  static const std::string kText =
      "Exit codes:\n"
      "  0    success\n"
      "  1    a check failed (validate found a problem, or verification failed and nothing was "
      "published)\n"
      "  2    usage or input error, found before any work: nothing was changed\n"
      "  3    runtime failure (IO, out of memory after retries): what was begun is rolled back\n"
      "  4    busy: another process holds the lock on the target; nothing was changed, try again "
      "later\n"
      "  130  interrupted (Ctrl-C): what was begun is rolled back\n"
      "With --json, a failure prints {\"error\": {\"kind\", \"message\", \"exit_code\"}} on "
      "stdout.";
  return kText;
}

std::string ExamplesHelp(const std::string& command) {
  const auto it = Examples().find(command);
  if (it == Examples().end()) return "";
  std::string text = "Examples:\n";
  for (const auto& e : it->second) text += "  " + e + "\n";
  text.pop_back();
  return text;
}

std::string CommandFooter(const std::string& command, const std::string& existing) {
  std::string text = existing;
  for (const std::string& section : {ExamplesHelp(command), ExitCodesHelp()}) {
    if (section.empty()) continue;
    text += (text.empty() ? "" : "\n\n") + section;
  }
  return text;
}

}  // namespace duckpart::cli

#include "harness.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "files.h"
#include "plot.h"
#include "preamble.h"
#include "process.h"
#include "report.h"
#include "runner.h"
#include "text.h"
#include "util/format.h"

namespace bench {

using duckpart::util::FormatBytes;
using duckpart::util::FormatCount;

namespace {

std::string DataLine(const Config& c, const json& info, const fs::path& db_path) {
  std::string line = fmt::format("- Data: `events` {} rows",
                                 FormatCount(info["tables"].value("events", int64_t{0})));
  if (info["tables"].contains("events_wide")) {
    line += fmt::format(", `events_wide` {} rows (timestamps over 63 years)",
                        FormatCount(info["tables"]["events_wide"].get<int64_t>()));
  }
  return line + fmt::format(", seed {}; database file {}.\n", c.seed,
                            FormatBytes(static_cast<int64_t>(fs::file_size(db_path))));
}

// The main matrix; false when its data cannot be made or inspected.
bool RunMainMatrix(const Config& c, json& doc, std::string& md) {
  std::string why;
  if (!EnsureData(c, c.rows, c.wide_rows, &why)) {
    std::cerr << "error: " << why << "\n";
    return false;
  }
  const fs::path db_path = DataFile(c, c.rows, c.wide_rows);
  auto info = Inspect(c, db_path, c.grans);
  if (!info) return false;
  doc["effective_duckdb_settings"] = (*info)["settings"];
  doc["data"] = {{"database", db_path.string()},
                 {"database_bytes", fs::file_size(db_path)},
                 {"tables", (*info)["tables"]},
                 {"partitions", (*info)["partitions"]}};
  std::vector<Case> cases = MainCases(c, db_path.string(), *info);
  std::cerr << fmt::format("main: {} cases x {} runs\n", cases.size(), c.runs);
  RunRounds(c, cases, c.runs);
  doc["cases"] = CasesJson(cases);
  md += DataLine(c, *info, db_path);
  md += "\n## Granularities\n\n" + MarkdownTable(cases, "granularity");
  return true;
}

std::string NotEnoughDisk(double need, const fs::space_info& space) {
  return fmt::format("skipped: not enough disk (~{} needed, {} free)",
                     FormatBytes(static_cast<int64_t>(need)),
                     FormatBytes(static_cast<int64_t>(space.available)));
}

// Why a sweep point at `rows` cannot run (empty when it can); makes its data.
std::string SweepDataProblem(const Config& c, int64_t rows, bool reuse_margin) {
  std::string why;
  const double need = static_cast<double>(rows) * 200.0;  // data + output + spill
  const auto space = fs::space(c.data_dir);
  const double free = static_cast<double>(space.available);
  const bool exists = fs::exists(DataFile(c, rows, 0));
  if ((!exists && free < need) || (reuse_margin && exists && free < need * 0.8)) {
    return NotEnoughDisk(need, space);
  }
  if (!EnsureData(c, rows, 0, &why)) return "skipped: " + why;
  return {};
}

std::optional<json> SweepInfo(const Config& c, int64_t rows, const std::vector<std::string>& grans,
                              std::string& why) {
  std::optional<json> info;
  if (why.empty()) info = Inspect(c, DataFile(c, rows, 0), grans);
  if (why.empty() && !info) why = "skipped: cannot inspect the data";
  return info;
}

std::vector<Case> SweepRows(const Config& c) {
  std::vector<Case> sweep;
  for (int64_t rows : c.sweep_rows) {
    if (Interrupted()) break;
    std::string why = SweepDataProblem(c, rows, true);
    const auto info = SweepInfo(c, rows, {"day"}, why);
    std::vector<Case> point = SweepRowsCases(c, rows, info, why);
    RunRounds(c, point, c.sweep_runs);
    sweep.insert(sweep.end(), point.begin(), point.end());
  }
  return sweep;
}

std::vector<Case> SweepPartitions(const Config& c) {
  const int64_t prow = c.sweep_partition_rows;
  std::string why = SweepDataProblem(c, prow, false);
  const auto info = SweepInfo(c, prow, SweepPartitionGrans(c), why);
  std::vector<Case> cases = SweepPartitionCases(c, info, why);
  RunRounds(c, cases, c.sweep_runs);
  return cases;
}

void RunSweep(const Config& c, json& doc, std::string& md) {
  md += "\n## Scaling sweep: rows (day(ts), about 730 partitions)\n\n";
  const std::vector<Case> rows_cases = SweepRows(c);
  md += MarkdownTable(rows_cases, "rows");
  md += fmt::format("\n## Scaling sweep: partitions (bucket(N, id), {} rows)\n\n",
                    HumanCount(c.sweep_partition_rows));
  const std::vector<Case> parts_cases = SweepPartitions(c);
  md += MarkdownTable(parts_cases, "N");
  json all = CasesJson(rows_cases);
  for (auto& j : CasesJson(parts_cases)) all.push_back(j);
  doc["sweep"] = {{"runs", c.sweep_runs}, {"cases", all}};
}

// The warning when the load average before the runs shows a busy machine. The 1-minute
// average sampled before a run still holds the runs before it (each child keeps up to
// --threads CPUs busy), so the harness's own share is taken off first: other processes
// are competing when the rest passes 3/4 of the usable CPUs.
void AddLoadSummary(const Config& c, const RunContext& rc, json& doc, std::string& md) {
  const auto& samples = LoadSamples();
  if (samples.empty()) return;
  const double max_load = *std::max_element(samples.begin(), samples.end());
  double sum = 0;
  for (double v : samples) sum += v;
  const double mean_load = sum / static_cast<double>(samples.size());
  const int cpus = rc.machine.value("cpus_usable", 0);
  const double own = std::min(c.engine.threads, cpus);
  doc["loadavg_1m_during"] = {{"mean", mean_load}, {"max", max_load}, {"own_threads", own}};
  if (cpus > 0 && mean_load - own > cpus * 0.75) {
    md += fmt::format(
        "\n**Warning: the machine was busy.** The 1-minute load average before each run was "
        "{:.1f} on average (at most {:.1f}) on {} usable CPUs, {:.1f} more than the harness's "
        "own {} threads, so other processes competed with the measured ones: times are "
        "inflated and noisy, and the ratios only roughly comparable. Rerun on an idle machine "
        "before quoting them.\n",
        mean_load, max_load, cpus, mean_load - own, c.engine.threads);
  } else if (cpus > 0) {
    md += fmt::format(
        "\nThe 1-minute load average before each run was {:.1f} on average (at most {:.1f}) "
        "on {} usable CPUs, the harness's own runs ({} threads) included: no other work "
        "competed to speak of.\n",
        mean_load, max_load, cpus, c.engine.threads);
  }
}

// "0.52 0.61 0.70 1/300 12345" -> "0.52 0.61 0.70".
std::string ThreeLoads(const std::string& loadavg) {
  return loadavg.substr(0, loadavg.find(' ', loadavg.find(' ', loadavg.find(' ') + 1) + 1));
}

void AddFooter(const Config& c, const RunContext& rc, double total, json& doc, std::string& md) {
  const std::string load_after = Trim(ReadFile("/proc/loadavg"));
  doc["total_seconds"] = total;
  doc["loadavg_before"] = rc.load_before;
  doc["loadavg_after"] = load_after;
  doc["cleanup_seconds"] = CleanupSeconds();
  if (Interrupted()) doc["interrupted"] = true;
  AddLoadSummary(c, rc, doc, md);
  md += fmt::format(
      "\nTime outside the measured runs: {} deleting outputs between runs (not measured).\n",
      HumanSeconds(CleanupSeconds()));
  md += fmt::format(
      "\nTotal harness time {}{}. Load average (1/5/15 min) before: {}; after: {} (other work on "
      "the machine skews the times). Raw figures: `results.json`; logs of every run: `logs/`.\n",
      HumanSeconds(total), Interrupted() ? " (INTERRUPTED: partial results)" : "",
      ThreeLoads(rc.load_before), ThreeLoads(load_after));
}

void Save(const Config& c, const json& doc, const std::string& md) {
  fs::create_directories(c.results_dir);
  std::ofstream(c.results_dir / "results.md") << md;
  std::ofstream(c.results_dir / "results.json") << doc.dump(2) << "\n";
  const fs::path parent = c.results_dir.parent_path();
  std::error_code ec;
  fs::copy_file(c.results_dir / "results.md", parent / "latest.md",
                fs::copy_options::overwrite_existing, ec);
  fs::copy_file(c.results_dir / "results.json", parent / "latest.json",
                fs::copy_options::overwrite_existing, ec);
}

}  // namespace

int RunParent(Config& c) {
  InstallInterruptHandlers();
  const auto t_start = Clock::now();
  fs::create_directories(LogDir(c));
  fs::create_directories(c.data_dir);
  const RunContext rc = PrepareRun(c);
  json doc = DocumentHead(c, rc);
  std::string md = MarkdownHead(c, rc);
  if (!c.sweep_only && !RunMainMatrix(c, doc, md)) return 1;
  if (c.sweep || c.sweep_only) RunSweep(c, doc, md);
  AddFooter(c, rc, Since(t_start), doc, md);
  Save(c, doc, md);
  for (const auto& chart : WriteSweepCharts(doc, c.results_dir))
    std::cerr << "chart: " << chart.string() << "\n";
  RemoveAll(c.results_dir / "bin");  // the pinned copy of duckpart (~50 MB) is no longer needed
  std::cout << md;
  std::cerr << "results: " << (c.results_dir / "results.md").string() << " and results.json\n";
  return Interrupted() ? 130 : 0;
}

}  // namespace bench

// duckpart_bench: duckpart against DuckDB's native partitioned COPY, one COPY per
// partition, and the unpartitioned reference (issue 7). See bench/README.md.
//
// The parent process never opens DuckDB. Every measured case, the data generation and
// the table inspection run in a child process: this binary again, in a hidden child mode
// (child.h), or build/duckpart. The parent times each child from fork to wait4, takes its
// peak RSS and CPU seconds from wait4's rusage (process.h), and records a crash, a signal,
// an out-of-memory error or a timeout as a failure of that case, never of the harness.
//
// The files: text (helpers), granularity (the specs), child + data_gen + native_sql +
// native_case (the child modes), process (fork/wait4), files (counting and deleting
// outputs), cases (configuration and cases), runner (one run of a case), report (tables and
// JSON), preamble (what a results file says first), harness (the parent), main (flags).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <tuple>

#include "cases.h"
#include "child.h"
#include "granularity.h"
#include "harness.h"
#include "plot.h"
#include "text.h"

namespace {

using namespace bench;

// The flags as given, before they are turned into a Config.
struct Flags {
  std::string rows, wide, pio = "true", methods = "all", grans = "all";
  std::string sweep_rows = "1M,10M,100M", sweep_parts = "10,100,1000,10000,100000";
  std::string sweep_prow = "10M",
              sweep_methods =
                  "reference,native_unsorted,native_sorted,duckpart,duckpart_novalidate";
  std::string data_dir = std::string(DUCKPART_SOURCE_DIR) + "/bench/data";
  std::string results_root = std::string(DUCKPART_SOURCE_DIR) + "/bench/results";
  std::string duckpart_bin = DUCKPART_BINARY;
  std::string temp_dir;
  double timeout = 0;
  // Child modes (internal).
  std::string child_db, child_table = "events", child_gran, child_method, child_out, child_grans;
  bool child_generate = false, child_info = false, child_case = false;
  std::string plot_sweep;  // --plot-sweep FILE: draw the charts of a results.json and stop
};

void AddDataOptions(CLI::App& app, Config& c, Flags& f) {
  app.add_option("--size", c.size,
                 "quick (2M rows), anchors (20M rows, the ANCHORS.md table) or large (100M)")
      ->check(CLI::IsMember({"quick", "anchors", "large"}))
      ->capture_default_str();
  app.add_option("--rows", f.rows, "Rows of the events table (overrides --size), e.g. 5M");
  app.add_option("--wide-rows", f.wide, "Rows of the 63-year events_wide table (default: by size)");
  app.add_option("--seed", c.seed, "Seed of the generated data")->capture_default_str();
  app.add_option("--runs", c.runs, "Runs per case (median reported)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void AddEngineOptions(CLI::App& app, Config& c, Flags& f) {
  app.add_option("--memory-limit", c.engine.memory_limit, "DuckDB memory_limit of every case")
      ->capture_default_str();
  app.add_option("--threads", c.engine.threads, "DuckDB threads of every case")
      ->capture_default_str();
  app.add_option("--preserve-insertion-order", f.pio, "true or false, for the native cases")
      ->check(CLI::IsMember({"true", "false"}))
      ->capture_default_str();
}

void AddCaseOptions(CLI::App& app, Config& c, Flags& f) {
  app.add_option("--cases", f.methods,
                 "Methods to run, comma-separated: reference,native_unsorted,native_sorted,"
                 "where_per_partition,duckpart,duckpart_novalidate (the reference always runs)")
      ->capture_default_str();
  app.add_option("--granularities", f.grans,
                 "Comma-separated: month,day,hour,bucket1024,quantile16,wide_day")
      ->capture_default_str();
  app.add_option("--where-max-partitions", c.where_max_partitions,
                 "Skip one-COPY-per-partition above this many partitions")
      ->capture_default_str();
  app.add_option("--timeout", f.timeout,
                 "Seconds before a case is killed (default by size: 300/1800/3600)");
}

void AddPathOptions(CLI::App& app, Flags& f) {
  app.add_option("--data-dir", f.data_dir, "Where the generated databases and outputs live")
      ->capture_default_str();
  app.add_option("--results-dir", f.results_root, "Results root; each run writes a dated folder")
      ->capture_default_str();
  app.add_option("--duckpart", f.duckpart_bin, "The duckpart binary (the last one given wins)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->capture_default_str();
  app.add_option("--temp-dir", f.temp_dir, "DuckDB temp_directory (default DATA_DIR/tmp)");
}

void AddSweepOptions(CLI::App& app, Config& c, Flags& f) {
  app.add_flag("--sweep", c.sweep, "Also run the scaling sweep (rows and partitions)");
  app.add_flag("--sweep-only", c.sweep_only, "Run only the scaling sweep");
  app.add_option("--sweep-rows", f.sweep_rows, "Row counts of the rows sweep")
      ->capture_default_str();
  app.add_option("--sweep-partitions", f.sweep_parts, "Bucket counts of the partitions sweep")
      ->capture_default_str();
  app.add_option("--sweep-partition-rows", f.sweep_prow, "Rows of the partitions sweep")
      ->capture_default_str();
  app.add_option("--sweep-runs", c.sweep_runs, "Runs per sweep case")->capture_default_str();
  app.add_option("--sweep-cases", f.sweep_methods, "Methods of the sweep")->capture_default_str();
  app.add_option("--plot-sweep", f.plot_sweep,
                 "Only draw the sweep charts of this results.json (sweep-rows.svg, "
                 "sweep-partitions.svg beside it); no case runs");
}

void AddChildOptions(CLI::App& app, Flags& f) {
  auto* internal = app.add_option_group("internal");
  internal->add_flag("--child-generate", f.child_generate);
  internal->add_flag("--child-info", f.child_info);
  internal->add_flag("--child-case", f.child_case);
  internal->add_option("--db", f.child_db);
  internal->add_option("--table", f.child_table);
  internal->add_option("--gran", f.child_gran);
  internal->add_option("--method", f.child_method);
  internal->add_option("--out", f.child_out);
  internal->add_option("--grans", f.child_grans);
}

// -1 when no child mode was asked for, otherwise the child's exit code.
int RunChildMode(const Config& c, const Flags& f) {
  if (f.child_generate) {
    return ChildGenerate(c.engine, f.child_db, ParseCount(f.rows), ParseCount(f.wide), c.seed);
  }
  if (f.child_info) return ChildInfo(c.engine, f.child_db, SplitList(f.child_grans));
  if (f.child_case) {
    return ChildCase(c.engine, f.child_db, f.child_table, f.child_gran, f.child_method,
                     f.child_out);
  }
  return -1;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The list with "reference" first when it is missing.
std::vector<std::string> WithReference(std::vector<std::string> v) {
  if (!Contains(v, "reference")) v.insert(v.begin(), "reference");
  return v;
}

void ResolveMethods(Config& c, const Flags& f) {
  c.methods = WithReference(f.methods == "all" ? kMethods : SplitList(f.methods));
  for (const auto& m : c.methods) {
    if (!Contains(kMethods, m)) throw std::invalid_argument("unknown case '" + m + "'");
  }
  c.grans = f.grans == "all" ? std::vector<std::string>{"month",      "day",        "hour",
                                                        "bucket1024", "quantile16", "wide_day"}
                             : SplitList(f.grans);
  bool wide = false;
  for (const auto& g : c.grans) wide |= MustGranularity(g).table == "events_wide";
  if (!wide) c.wide_rows = 0;
}

void ResolveSweep(Config& c, const Flags& f) {
  for (const auto& r : SplitList(f.sweep_rows)) c.sweep_rows.push_back(ParseCount(r));
  for (const auto& p : SplitList(f.sweep_parts)) c.sweep_partitions.push_back(ParseCount(p));
  c.sweep_partition_rows = ParseCount(f.sweep_prow);
  c.sweep_methods = WithReference(SplitList(f.sweep_methods));
}

void ResolvePaths(Config& c, const Flags& f) {
  c.data_dir = fs::absolute(f.data_dir);
  if (c.engine.temp_dir.empty()) c.engine.temp_dir = (c.data_dir / "tmp").string();
  c.engine.temp_dir = fs::absolute(c.engine.temp_dir).string();
  c.results_dir = fs::absolute(f.results_root) /
                  (UtcNow("%Y%m%d-%H%M%S") + "-" + (c.sweep_only ? std::string("sweep") : c.size));
  c.duckpart_bin = fs::absolute(f.duckpart_bin);
  // Children exec /proc/self/exe: the very image this process runs, even if the build
  // replaces build/bench/duckpart_bench meanwhile.
  c.self_exe = "/proc/self/exe";
  c.source_dir = DUCKPART_SOURCE_DIR;
}

// The parent's Config from the flags; throws std::invalid_argument for a bad value.
void Resolve(Config& c, const Flags& f) {
  const std::map<std::string, std::tuple<int64_t, int64_t, double>> sizes = {
      {"quick", {2'000'000, 500'000, 300}},
      {"anchors", {20'000'000, 2'000'000, 1800}},
      {"large", {100'000'000, 10'000'000, 3600}}};
  const auto& [srows, swide, stimeout] = sizes.at(c.size);
  c.rows = f.rows.empty() ? srows : ParseCount(f.rows);
  c.wide_rows = f.wide.empty() ? swide : ParseCount(f.wide);
  c.timeout_s = f.timeout > 0 ? f.timeout : stimeout;
  ResolveMethods(c, f);
  ResolveSweep(c, f);
  ResolvePaths(c, f);
}

// Draws the sweep charts of a results.json beside it.
int PlotSweep(const std::string& results_json) {
  std::ifstream in(results_json);
  if (!in) throw std::runtime_error("cannot read " + results_json);
  const auto written = WriteSweepCharts(nlohmann::json::parse(in),
                                        std::filesystem::path(results_json).parent_path());
  if (written.empty()) throw std::runtime_error(results_json + " holds no sweep");
  for (const auto& w : written) std::cout << w.string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "duckpart_bench: duckpart run against DuckDB's native partitioned COPY, one COPY per "
      "partition, and the unpartitioned reference. Usually started by bench/run.sh.",
      "duckpart_bench"};
  Config c;
  Flags f;
  AddDataOptions(app, c, f);
  AddEngineOptions(app, c, f);
  AddCaseOptions(app, c, f);
  AddPathOptions(app, f);
  AddSweepOptions(app, c, f);
  AddChildOptions(app, f);
  CLI11_PARSE(app, argc, argv);

  c.engine.preserve_insertion_order = f.pio == "true";
  if (!f.temp_dir.empty()) c.engine.temp_dir = f.temp_dir;
  try {
    if (const int code = RunChildMode(c, f); code >= 0) return code;
    if (!f.plot_sweep.empty()) return PlotSweep(f.plot_sweep);
    Resolve(c, f);
    return RunParent(c);
  } catch (const std::exception& e) {
    std::cerr << "duckpart_bench: error: " << e.what() << "\n";
    return 2;
  }
}

// duckpart analyze: balance statistics and findings of an existing dataset, from its
// metadata only; human text, --json, or an HTML page (--html FILE).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/common_options.h"
#include "duckpart/analyze.h"
#include "duckpart/error.h"
#include "util/byte_size.h"

namespace duckpart::cli {
namespace {

namespace fs = std::filesystem;

struct AnalyzeArgs {
  std::string dir, to_db, schema, html;
  std::string target_file_size = "512MiB";
  int64_t target_rows = 0;
  double uneven_cv = 0.3;
  size_t show = 10;
  bool strict = false;
};

AnalyzeOptions Options(const AnalyzeArgs& a) {
  AnalyzeOptions o;
  const auto bytes = util::ParseByteSize(a.target_file_size);
  if (!bytes) {
    throw InputError("--target-file-size '" + a.target_file_size +
                     "' is not a size (e.g. 512MiB, 128MB, 1GiB)");
  }
  o.target_file_bytes = *bytes;
  if (a.target_rows < 0) throw InputError("--target-rows must be positive");
  o.target_rows = a.target_rows;
  o.uneven_cv = a.uneven_cv;
  CheckOptions(o);
  return o;
}

void CheckHtmlPath(const std::string& path) {
  if (path.empty()) return;
  const fs::path parent = fs::absolute(path).parent_path();
  if (!fs::is_directory(parent))
    throw InputError("--html " + path + ": the folder " + parent.string() + " does not exist");
  if (fs::is_directory(path))
    throw InputError("--html " + path + " is a folder; give a file name such as report.html");
}

void WriteHtml(const std::string& path, const AnalysisReport& r) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << RenderHtml(r);
  out.close();
  if (!out) throw RuntimeFailure("cannot write " + path);
}

std::string Dist(const Distribution& d, bool bytes) {
  auto v = [&](double x) {
    return bytes ? FormatBytes(std::llround(x)) : FormatCount(std::llround(x));
  };
  return fmt::format(
      "mean {}, median {}, stddev {}, min {}, max {}; CV {:.3f}, max/median {:.2f}, Gini {:.3f}",
      v(d.mean), v(d.median), v(d.stddev), v(d.min), v(d.max), d.cv, d.max_over_median, d.gini);
}

void PrintFindings(const AnalysisReport& r) {
  if (r.findings.empty()) {
    std::cout << "\nno findings: partitions and files are within their targets\n";
    return;
  }
  std::cout << "\nfindings:\n";
  for (const auto& f : r.findings) {
    std::cout << fmt::format("  {} {}: {}\n", SeverityName(f.severity), f.kind, f.message);
    std::cout << "    fix: " << (f.command.empty() ? "(no automatic fix)" : f.command) << "\n";
    if (f.partitions.empty()) continue;
    std::string list;
    for (const auto& p : f.partitions) list += (list.empty() ? "" : ", ") + p;
    const int64_t more =
        f.kind == "compact" ? 0 : f.count - static_cast<int64_t>(f.partitions.size());
    std::cout << "    partitions: " << list << (more > 0 ? fmt::format(" (+{} more)", more) : "")
              << "\n";
  }
}

void PrintLargest(const AnalysisReport& r, size_t show) {
  std::vector<const PartitionStats*> order;
  for (const auto& p : r.partitions) order.push_back(&p);
  const size_t n = std::min(show, order.size());
  std::partial_sort(
      order.begin(), order.begin() + static_cast<long>(n), order.end(),
      [](auto* a, auto* b) { return a->rows != b->rows ? a->rows > b->rows : a->id < b->id; });
  if (n == 0) return;
  const bool tables = r.kind == "tables";
  std::cout << fmt::format(
      "\n{:<48} {:>12} {:>11} {}\n", "largest partitions", "rows", "bytes",
      tables ? "table" : fmt::format("{:>6} {:>11} {:>11}", "files", "smallest", "largest"));
  for (size_t i = 0; i < n; ++i) {
    const PartitionStats& p = *order[i];
    std::cout << fmt::format(
        "{:<48} {:>12} {:>11} {}\n", p.path, FormatCount(p.rows), FormatBytes(p.bytes),
        tables ? p.table
               : fmt::format("{:>6} {:>11} {:>11}", p.files, FormatBytes(p.smallest_file),
                             FormatBytes(p.largest_file)));
  }
}

void PrintReport(const AnalysisReport& r, size_t show) {
  std::cout << fmt::format("{} (version {}), spec {}: {} partitions, {} rows, {}, {} {}\n",
                           r.target, r.version, r.spec, FormatCount(r.rows.count),
                           FormatCount(r.total_rows), FormatBytes(r.total_bytes),
                           FormatCount(r.kind == "tables" ? r.rows.count : r.total_files),
                           r.kind == "tables" ? "tables" : "files");
  std::cout << "rows per partition:  " << Dist(r.rows, false) << "\n";
  std::cout << "bytes per partition: " << Dist(r.bytes, true) << "\n";
  const FileBand& b = r.file_band;
  if (b.files > 0) {
    std::cout << fmt::format("files against the band [{}, {}]: {} below, {} within, {} above\n",
                             FormatBytes(b.low_bytes), FormatBytes(b.high_bytes),
                             FormatCount(b.below), FormatCount(b.within), FormatCount(b.above));
  }
  std::cout << fmt::format(
      "target: {} rows per partition{}, files of {}\n", FormatCount(r.target_rows),
      r.target_rows_derived ? " (one target file at the dataset's bytes per row)" : "",
      FormatBytes(r.target_file_bytes));
  std::cout << fmt::format("verdict: {} (CV {:.3f}; good below {:g})\n", r.verdict, r.rows.cv,
                           r.options.uneven_cv);
  PrintFindings(r);
  PrintLargest(r, show);
}

int RunAnalyze(const AnalyzeArgs& args, const GlobalOptions& global) {
  const AnalyzeOptions options = Options(args);
  CheckHtmlPath(args.html);
  if (!args.to_db.empty() && !args.dir.empty())
    throw InputError("give either a dataset folder or --to-db FILE, not both");
  if (args.to_db.empty() && !args.schema.empty()) throw InputError("--schema needs --to-db FILE");
  if (args.to_db.empty() && args.dir.empty())
    throw InputError("give a dataset folder, or --to-db FILE for partition tables");
  const AnalysisReport r = args.to_db.empty()
                               ? AnalyzeDataset(args.dir, options, EngineOptions{})
                               : AnalyzeTables(args.to_db, args.schema, options, EngineOptions{});
  if (!args.html.empty()) WriteHtml(args.html, r);
  if (global.json) {
    PrintJson(ToJson(r));
  } else {
    PrintReport(r, args.show);
    if (!args.html.empty() && !global.quiet)
      std::cout << "\nreport written to " << args.html << "\n";
  }
  return args.strict && r.HasWarnings() ? static_cast<int>(ExitCode::kCheckFailed) : 0;
}

}  // namespace

Command AddAnalyzeCommand(CLI::App& root, const GlobalOptions& global) {
  auto* sub = root.add_subcommand(
      "analyze",
      "Balance of an existing dataset from its metadata (no data scan): per-partition rows, bytes "
      "and files, CV, "
      "Gini, and findings, each with the command that fixes it. Exit 0 when the analysis ran "
      "(findings are a "
      "report, not a failure), 1 with --strict when a warning was found, 2 for bad input");
  auto args = std::make_shared<AnalyzeArgs>();
  sub->add_option("dir", args->dir, "Dataset folder (a Parquet dataset written by `run --to`)");
  sub->add_option("--to-db", args->to_db,
                  "Instead of a folder: the DuckDB file holding partition tables");
  sub->add_option("--schema", args->schema,
                  "With --to-db: their schema (default: the only duckpart schema)");
  sub->add_option(
         "--target-file-size", args->target_file_size,
         "Target file size; files below 0.75x or above 1.8x of it are compaction candidates")
      ->capture_default_str();
  sub->add_option("--target-rows", args->target_rows,
                  "Target rows per partition (default: the rows of one target-size file)")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000'000'000}));
  sub->add_option("--uneven-cv", args->uneven_cv,
                  "Verdict 'good' below this CV of rows per partition")
      ->check(CLI::Range(0.001, 100.0))
      ->capture_default_str();
  sub->add_option("--html", args->html,
                  "Also write a self-contained HTML report with charts to FILE");
  sub->add_option("--show", args->show, "Largest partitions to list")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  sub->add_flag("--strict", args->strict,
                "Exit 1 when a finding of warning level exists (for scripts and CI)");
  return {sub, [args, &global] { return RunAnalyze(*args, global); }};
}

}  // namespace duckpart::cli

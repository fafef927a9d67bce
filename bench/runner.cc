#include "runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <iostream>

#include "files.h"
#include "granularity.h"
#include "process.h"
#include "text.h"
#include "util/format.h"

namespace bench {

using duckpart::util::FormatBytes;
using duckpart::util::FormatCount;

namespace {

std::vector<double> g_load_samples;

std::vector<std::string> GenerateArgv(const Config& c, const fs::path& path, int64_t rows,
                                      int64_t wide_rows) {
  std::vector<std::string> argv = {c.self_exe.string(),
                                   "--child-generate",
                                   "--db",
                                   path.string(),
                                   "--rows",
                                   std::to_string(rows),
                                   "--wide-rows",
                                   std::to_string(wide_rows),
                                   "--seed",
                                   std::to_string(c.seed)};
  for (auto& a : EngineArgs(c)) argv.push_back(a);
  return argv;
}

bool EnoughDiskForData(const Config& c, int64_t rows, int64_t wide_rows, std::string* why) {
  const auto space = fs::space(c.data_dir);
  const double need = static_cast<double>(rows + wide_rows) * 40.0;
  if (static_cast<double>(space.available) >= need * 1.5) return true;
  *why = fmt::format("not enough disk for {} rows (need ~{}, have {})", FormatCount(rows),
                     FormatBytes(static_cast<int64_t>(need * 1.5)),
                     FormatBytes(static_cast<int64_t>(space.available)));
  return false;
}

}  // namespace

bool EnsureData(const Config& c, int64_t rows, int64_t wide_rows, std::string* why) {
  const fs::path path = DataFile(c, rows, wide_rows);
  if (fs::exists(path)) {
    std::cerr << fmt::format("data: reusing {} ({})\n", path.string(),
                             FormatBytes(static_cast<int64_t>(fs::file_size(path))));
    return true;
  }
  fs::create_directories(c.data_dir);
  if (!EnoughDiskForData(c, rows, wide_rows, why)) return false;
  std::cerr << fmt::format(
      "data: generating {} rows{} into {} ...\n", FormatCount(rows),
      wide_rows > 0 ? fmt::format(" (+{} wide-range rows)", FormatCount(wide_rows)) : "",
      path.string());
  const fs::path out = LogDir(c) / fmt::format("generate-r{}.out", rows);
  const ProcResult p = RunProcess(GenerateArgv(c, path, rows, wide_rows), out,
                                  LogDir(c) / fmt::format("generate-r{}.err", rows), 1e9);
  if (p.exit_code != 0 || !fs::exists(path)) {
    auto j = ParseLastJsonLine(out);
    *why = fmt::format("data generation failed: {}",
                       j && j->contains("message")
                           ? (*j)["message"].get<std::string>()
                           : fmt::format("exit {} signal {}", p.exit_code, p.signal));
    return false;
  }
  std::cerr << fmt::format("data: made in {}, {}\n", HumanSeconds(p.wall_s),
                           FormatBytes(static_cast<int64_t>(fs::file_size(path))));
  return true;
}

std::optional<json> Inspect(const Config& c, const fs::path& db_path,
                            const std::vector<std::string>& grans) {
  std::string list;
  for (const auto& g : grans) list += (list.empty() ? "" : ",") + g;
  std::vector<std::string> argv = {c.self_exe.string(), "--child-info", "--db",
                                   db_path.string(),    "--grans",      list};
  for (auto& a : EngineArgs(c)) argv.push_back(a);
  const fs::path out = LogDir(c) / "info.out";
  RunProcess(argv, out, LogDir(c) / "info.err", 3600);
  auto j = ParseLastJsonLine(out);
  if (!j || !(*j).value("ok", false)) {
    std::cerr << "inspecting " << db_path
              << " failed: " << (j ? j->dump() : ReadFile(LogDir(c) / "info.err")) << "\n";
    return std::nullopt;
  }
  return j;
}

namespace {

// The untimed set-up of a lifecycle case: the dataset it appends to or retains from.
std::vector<std::string> PrepareArgv(const Config& c, const Case& k, const fs::path& out_dir) {
  const Granularity g = MustGranularity(k.gran_id);
  const std::string where = k.method == "duckpart_append_1pct" ? "id % 100 <> 0" : "true";
  std::vector<std::string> argv = {c.duckpart_bin.string(),
                                   "run",
                                   "--db",
                                   k.db,
                                   "--query",
                                   "SELECT * FROM " + g.table + " WHERE " + where,
                                   "--by",
                                   g.spec,
                                   "--to",
                                   out_dir.string(),
                                   "--memory-limit",
                                   c.engine.memory_limit,
                                   "--threads",
                                   std::to_string(c.engine.threads),
                                   "--quiet"};
  return argv;
}

// The timed command of a lifecycle case.
std::vector<std::string> LifecycleArgv(const Config& c, const Case& k, const fs::path& out_dir) {
  const Granularity g = MustGranularity(k.gran_id);
  if (k.method == "duckpart_retain_month") {
    return {c.duckpart_bin.string(), "retain",     out_dir.string(),
            "--older-than",          "2023-02-01", "--memory-limit",
            c.engine.memory_limit,   "--json"};
  }
  return {c.duckpart_bin.string(),
          "append",
          out_dir.string(),
          "--db",
          k.db,
          "--query",
          "SELECT * FROM " + g.table + " WHERE id % 100 = 0",
          "--memory-limit",
          c.engine.memory_limit,
          "--threads",
          std::to_string(c.engine.threads),
          "--json"};
}

std::vector<std::string> DuckpartArgv(const Config& c, const Case& k, const fs::path& out_dir) {
  if (IsLifecycleMethod(k.method)) return LifecycleArgv(c, k, out_dir);
  const Granularity g = MustGranularity(k.gran_id);
  std::vector<std::string> argv = {c.duckpart_bin.string(),
                                   "run",
                                   "--db",
                                   k.db,
                                   "--table",
                                   g.table,
                                   "--by",
                                   g.spec,
                                   "--to",
                                   out_dir.string(),
                                   "--memory-limit",
                                   c.engine.memory_limit,
                                   "--threads",
                                   std::to_string(c.engine.threads),
                                   "--json"};
  if (c.duckpart_has_temp_dir) {
    argv.push_back("--temp-dir");
    argv.push_back(c.engine.temp_dir);
  }
  if (k.method == "duckpart_novalidate") argv.push_back(NoValidateFlag());
  return argv;
}

std::vector<std::string> NativeArgv(const Config& c, const Case& k, const fs::path& out_dir) {
  std::vector<std::string> argv = {c.self_exe.string(),
                                   "--child-case",
                                   "--db",
                                   k.db,
                                   "--table",
                                   k.table,
                                   "--method",
                                   k.method,
                                   "--out",
                                   out_dir.string()};
  if (!k.gran_id.empty()) {
    argv.push_back("--gran");
    argv.push_back(k.gran_id);
  }
  for (auto& a : EngineArgs(c)) argv.push_back(a);
  return argv;
}

bool DuckpartUnknownCommand(const std::string& err) {
  return ContainsNoCase(err, "unknown command") || ContainsNoCase(err, "subcommand is required") ||
         ContainsNoCase(err, "unknown subcommand");
}

// The seconds of `step` within `phase` in a "step_seconds" object (0 when absent).
double StepSeconds(const json& steps, const char* phase, const char* step) {
  if (!steps.contains(phase) || !steps[phase].is_object()) return 0;
  const json& p = steps[phase];
  return p.contains(step) && p[step].is_number() ? p[step].get<double>() : 0;
}

// Carves "stats" (the column statistics) out of "plan" and "compaction" (the rewrites of
// split partitions: merge, sort, split) out of "write", from the steps duckpart timed.
void CarveSteps(const json& steps, std::map<std::string, double>& out) {
  if (!steps.is_object()) return;
  const double stats = StepSeconds(steps, "plan", "stats");
  const double compaction = StepSeconds(steps, "write", "merge") +
                            StepSeconds(steps, "write", "sort") +
                            StepSeconds(steps, "write", "split");
  if (out.count("plan") && stats > 0) {
    out["stats"] = stats;
    out["plan"] = std::max(0.0, out["plan"] - stats);
  }
  if (out.count("write")) {
    out["compaction"] = compaction;
    out["write"] = std::max(0.0, out["write"] - compaction);
  }
}

// The phases of `duckpart run --json`: its "phase_seconds" object, with "stats" and
// "compaction" carved out of it by its "step_seconds", and "seconds" as "total".
std::map<std::string, double> Phases(const json& child) {
  std::map<std::string, double> out;
  if (!child.is_object()) return out;
  if (child.contains("phase_seconds") && child["phase_seconds"].is_object()) {
    for (const auto& [name, v] : child["phase_seconds"].items()) {
      if (v.is_number()) out[name] = v.get<double>();
    }
  }
  if (child.contains("step_seconds")) CarveSteps(child["step_seconds"], out);
  if (child.contains("seconds") && child["seconds"].is_number())
    out["total"] = child["seconds"].get<double>();
  return out;
}

RunRecord MakeRecord(const ProcResult& p, int round, double load, const fs::path& out_root,
                     const fs::path& out_log) {
  RunRecord r;
  r.round = round;
  r.loadavg_1m = load;
  r.wall_s = p.wall_s;
  r.maxrss_bytes = p.maxrss_bytes;
  r.user_s = p.user_s;
  r.sys_s = p.sys_s;
  r.exit_code = p.exit_code;
  r.signal = p.signal;
  const DiskUse use = CountFiles(out_root);
  r.files = use.parquet_files;
  r.other_files = use.other_files;
  r.bytes = use.bytes;
  auto j = ParseLastJsonLine(out_log);
  if (j) r.child = *j;
  if (j && j->contains("query_s")) r.query_s = (*j)["query_s"].get<double>();
  r.phases = Phases(r.child);
  return r;
}

void ClassifyDuckpartFailure(const std::string& err, int exit_code, RunRecord& r) {
  r.message = OneLine(LastLine(err));
  if (ContainsNoCase(err, "out of memory")) {
    r.failure = "out of memory";
  } else if (exit_code == 1) {
    r.failure = "check failed";
  } else if (exit_code == 2) {
    r.failure = "usage error";
  } else {
    r.failure = fmt::format("exit {}", exit_code);
  }
}

void ClassifyNativeFailure(const std::string& err, int exit_code, RunRecord& r) {
  const bool has_json = r.child.is_object();
  const std::string kind = has_json ? r.child.value("error_kind", "") : "";
  r.message = has_json ? OneLine(r.child.value("message", "")) : OneLine(LastLine(err));
  r.failure = kind == "out_of_memory" ? "out of memory"
              : kind.empty()          ? fmt::format("exit {}", exit_code)
                                      : "error: " + kind;
}

// Sets r.ok or r.failure; false when duckpart has no `run` (the case is then unavailable).
bool Classify(const Config& c, Case& k, const ProcResult& p, const std::string& err, RunRecord& r) {
  const bool is_duckpart = IsDuckpartMethod(k.method);
  if (p.interrupted) {
    r.failure = "interrupted";
  } else if (p.timed_out) {
    r.failure = fmt::format("timeout after {:.0f} s", c.timeout_s);
    k.stop = true;
  } else if (p.signal != 0) {
    r.failure = p.signal == SIGKILL
                    ? "killed by SIGKILL (the kernel's OOM killer?)"
                    : fmt::format("crashed: signal {} ({})", p.signal, strsignal(p.signal));
  } else if (p.exit_code == 0) {
    r.ok = true;
  } else if (is_duckpart && p.exit_code == 2 &&
             (DuckpartUnknownCommand(err) || !c.duckpart_has_run)) {
    k.not_available = OneLine(LastLine(err), 160);
    return false;
  } else if (is_duckpart) {
    ClassifyDuckpartFailure(err, p.exit_code, r);
  } else {
    ClassifyNativeFailure(err, p.exit_code, r);
  }
  return true;
}

std::string RunLine(const RunRecord& r) {
  if (!r.ok) {
    return fmt::format("FAILED ({}) after {}, RSS {}", r.failure, HumanSeconds(r.wall_s),
                       FormatBytes(r.maxrss_bytes));
  }
  return fmt::format("{:>9}  CPU {:>9}  RSS {:>10}  {:>7} files", HumanSeconds(r.wall_s),
                     HumanSeconds(r.cpu_s()), FormatBytes(r.maxrss_bytes), FormatCount(r.files));
}

void ResetDir(const fs::path& dir) {
  RemoveAll(dir);
  fs::create_directories(dir);
}

void RunOne(const Config& c, Case& k, int round) {
  // Each run writes to out/dataset; out/ holds whatever else the writer puts beside its
  // target, and is counted and removed as a whole.
  const fs::path out_root = c.data_dir / "out";
  const fs::path out_dir = out_root / "dataset";
  ResetDir(out_root);
  ResetDir(c.engine.temp_dir);
  const std::string stem = fmt::format("{}-r{}", k.id, round);
  const fs::path out_log = LogDir(c) / (stem + ".out");
  const fs::path err_log = LogDir(c) / (stem + ".err");
  const auto argv =
      IsDuckpartMethod(k.method) ? DuckpartArgv(c, k, out_dir) : NativeArgv(c, k, out_dir);
  if (IsLifecycleMethod(k.method)) {
    RunProcess(PrepareArgv(c, k, out_dir), LogDir(c) / (stem + ".prepare.out"),
               LogDir(c) / (stem + ".prepare.err"), c.timeout_s);
  }
  std::cerr << fmt::format("[round {}/{}] {:<28} {:<38} ", round,
                           k.section == "main" ? c.runs : c.sweep_runs, k.group,
                           MethodLabel(k.method));
  const double load = LoadAverage1();
  g_load_samples.push_back(load);
  const ProcResult p = RunProcess(argv, out_log, err_log, c.timeout_s);
  RunRecord r = MakeRecord(p, round, load, out_root, out_log);
  if (!Classify(c, k, p, ReadFile(err_log), r)) {
    std::cerr << "not available\n";
  } else {
    std::cerr << RunLine(r) << "\n";
    k.runs.push_back(std::move(r));
  }
  RemoveAll(out_root);
}

}  // namespace

void RunRounds(const Config& c, std::vector<Case>& cases, int runs) {
  for (int round = 1; round <= runs && !Interrupted(); ++round) {
    for (auto& k : cases) {
      if (Interrupted()) break;
      if (!k.skip.empty() || !k.not_available.empty() || k.stop) continue;
      RunOne(c, k, round);
    }
  }
}

const std::vector<double>& LoadSamples() { return g_load_samples; }

}  // namespace bench

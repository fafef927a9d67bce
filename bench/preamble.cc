#include "preamble.h"

#include <fmt/format.h>
#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "db/database.h"
#include "duckpart/version.h"
#include "process.h"
#include "text.h"
#include "util/format.h"

namespace bench {

using duckpart::util::FormatBytes;

namespace {

json MachineJson(const Config& c) {
  json m;
  std::ifstream cpu("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpu, line)) {
    if (line.rfind("model name", 0) == 0) {
      m["cpu_model"] = Trim(line.substr(line.find(':') + 1));
      break;
    }
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  m["cpus_online"] = sysconf(_SC_NPROCESSORS_ONLN);
  if (sched_getaffinity(0, sizeof set, &set) == 0) m["cpus_usable"] = CPU_COUNT(&set);
  m["ram_bytes"] = static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  const std::string cg = Trim(ReadFile("/sys/fs/cgroup/memory.max"));
  if (!cg.empty()) m["cgroup_memory_max"] = cg;
  utsname u{};
  if (uname(&u) == 0) m["kernel"] = fmt::format("{} {} {}", u.sysname, u.release, u.machine);
  std::error_code ec;
  const auto space = fs::space(c.data_dir, ec);
  if (!ec) m["data_dir_free_bytes"] = static_cast<int64_t>(space.available);
  return m;
}

// Pins the binary (see PrepareRun) and fills the duckpart fields of rc.
void PinDuckpart(Config& c, RunContext& rc) {
  rc.duckpart_source = c.duckpart_bin;
  fs::create_directories(c.results_dir / "bin");
  const fs::path copy = c.results_dir / "bin" / "duckpart";
  std::error_code ec;
  fs::copy_file(c.duckpart_bin, copy, fs::copy_options::overwrite_existing, ec);
  if (!ec) c.duckpart_bin = copy;  // its RPATH is absolute
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char ch : ReadFile(c.duckpart_bin)) hash = (hash ^ ch) * 1099511628211ull;
  rc.duckpart_hash = fmt::format("{:016x}", hash);
  rc.duckpart_version = Trim(Capture(fmt::format("'{}' --version 2>&1", c.duckpart_bin.string())));
}

std::string HelpText(const Config& c, const std::vector<std::string>& args, const char* stem) {
  std::vector<std::string> argv = {c.duckpart_bin.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const fs::path out = LogDir(c) / (std::string(stem) + ".out");
  RunProcess(argv, out, LogDir(c) / (std::string(stem) + ".err"), 60);
  return ReadFile(out);
}

// Is `duckpart run` there (`duckpart --help` lists the commands), and which flags has it?
void ProbeDuckpart(Config& c) {
  std::istringstream in(HelpText(c, {"--help"}, "duckpart-help"));
  std::string line;
  while (std::getline(in, line)) {
    if (Trim(line).rfind("run ", 0) == 0 || Trim(line) == "run") c.duckpart_has_run = true;
  }
  if (!c.duckpart_has_run) return;
  const std::string run_help = HelpText(c, {"run", "--help"}, "duckpart-run-help");
  if (run_help.find("--no-validate") == std::string::npos &&
      run_help.find("--no-verify") != std::string::npos) {
    SetNoValidateFlag("--no-verify");
  }
  c.duckpart_has_temp_dir = run_help.find("--temp-dir") != std::string::npos;
}

std::string SettingsLine(const Config& c) {
  return fmt::format(
      "memory_limit={}, threads={}, preserve_insertion_order={} (native cases; duckpart gets "
      "--memory-limit {} --threads {}{}), temp_directory={}",
      c.engine.memory_limit, c.engine.threads, c.engine.preserve_insertion_order ? "true" : "false",
      c.engine.memory_limit, c.engine.threads, c.duckpart_has_temp_dir ? " --temp-dir (same)" : "",
      c.engine.temp_dir);
}

json SettingsJson(const Config& c, const RunContext& rc) {
  return {{"memory_limit", c.engine.memory_limit},
          {"threads", c.engine.threads},
          {"preserve_insertion_order", c.engine.preserve_insertion_order},
          {"temp_directory", c.engine.temp_dir},
          {"runs", c.runs},
          {"timeout_s", c.timeout_s},
          {"where_max_partitions", c.where_max_partitions},
          {"harness_rss_at_fork_kb", rc.harness_rss_kb}};
}

}  // namespace

RunContext PrepareRun(Config& c) {
  RunContext rc;
  PinDuckpart(c, rc);
  ProbeDuckpart(c);
  rc.date = UtcNow("%Y-%m-%d %H:%M UTC");
  const std::string src = c.source_dir.string();
  rc.git = Capture(fmt::format("git -C '{}' rev-parse --short HEAD 2>/dev/null", src));
  rc.dirty =
      !Capture(fmt::format("git -C '{}' status --porcelain --untracked-files=no 2>/dev/null", src))
           .empty();
  rc.machine = MachineJson(c);
  rc.harness_rss_kb = SelfRssKb();
  rc.load_before = Trim(ReadFile("/proc/loadavg"));
  std::cerr << "settings: " << SettingsLine(c) << "\n";
  std::cerr << "duckpart: " << c.duckpart_bin.string()
            << (c.duckpart_has_run ? " (has `run`)" : " (no `run` command yet)") << "\n";
  return rc;
}

json DocumentHead(const Config& c, const RunContext& rc) {
  return {{"harness", "duckpart_bench"},
          {"date", rc.date},
          {"size", c.size},
          {"seed", c.seed},
          {"machine", rc.machine},
          {"duckdb_version", duckpart::db::LibraryVersion()},
          {"duckpart_version", duckpart::kVersion},
          {"git_commit", rc.git},
          {"git_dirty", rc.dirty},
          {"duckpart_binary", rc.duckpart_source.string()},
          {"duckpart_binary_fnv1a64", rc.duckpart_hash},
          {"duckpart_version_output", rc.duckpart_version},
          {"duckpart_run_available", c.duckpart_has_run},
          {"duckpart_no_validate_flag", NoValidateFlag()},
          {"settings", SettingsJson(c, rc)}};
}

std::string MarkdownHead(const Config& c, const RunContext& rc) {
  std::string md = c.sweep_only ? std::string("# duckpart benchmark: scaling sweep\n\n")
                                : fmt::format("# duckpart benchmark: {} size\n\n", c.size);
  const json& m = rc.machine;
  md += fmt::format(
      "- Date: {}. Machine: {} usable CPUs of {} ({}), {} RAM, {}.\n"
      "- DuckDB {}; duckpart {} (git {}{}), `duckpart run` {}.\n"
      "- Settings for every case: {}.\n"
      "- Each case runs in its own child process; cases alternate round-robin within one run. "
      "Wall time is the median over the successful runs, measured from fork to exit (process "
      "start, database open, write); CPU is the median of the child's user + system seconds "
      "from `wait4`; the ratio is to the unpartitioned COPY of the same table. For duckpart, "
      "the phase columns (plan, write, verify, ...) are the medians of the seconds `duckpart "
      "run --json` reports for itself. "
      "Peak RSS is the child's `ru_maxrss` from `wait4`, the largest over the runs (the harness "
      "itself was {} at fork). Parquet files and bytes are counted by walking the output folder "
      "(symbolic links not followed) after each run; bytes include any other file the writer "
      "left there (duckpart's manifest and lock); a range when runs differ. Per-case timeout "
      "{:.0f} s.\n",
      rc.date, m.value("cpus_usable", 0), m.value("cpus_online", 0L),
      m.value("cpu_model", std::string("?")), FormatBytes(m.value("ram_bytes", int64_t{0})),
      m.value("kernel", std::string("?")), duckpart::db::LibraryVersion(), duckpart::kVersion,
      rc.git, rc.dirty ? ", uncommitted changes" : "",
      c.duckpart_has_run ? "available" : "not implemented yet", SettingsLine(c),
      FormatBytes(rc.harness_rss_kb * 1024), c.timeout_s);
  return md;
}

}  // namespace bench

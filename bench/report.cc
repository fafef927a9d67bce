#include "report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "granularity.h"
#include "text.h"
#include "util/format.h"

namespace bench {

using duckpart::util::FormatBytes;
using duckpart::util::FormatCount;

namespace {

// Min and max of the files and bytes over the ok runs.
void AddOkRun(const RunRecord& r, bool first, Summary& s) {
  if (first) {
    s.files_min = s.files_max = r.files;
    s.bytes_min = s.bytes_max = r.bytes;
  }
  s.files_min = std::min(s.files_min, r.files);
  s.files_max = std::max(s.files_max, r.files);
  s.bytes_min = std::min(s.bytes_min, r.bytes);
  s.bytes_max = std::max(s.bytes_max, r.bytes);
}

std::map<std::string, double> MedianPhases(const Case& k) {
  std::map<std::string, std::vector<double>> by_phase;
  for (const auto& r : k.runs) {
    if (!r.ok) continue;
    for (const auto& [name, v] : r.phases) by_phase[name].push_back(v);
  }
  std::map<std::string, double> out;
  for (const auto& [name, v] : by_phase) out[name] = Median(v);
  return out;
}

std::string FailedStatus(const Case& k, const Summary& s,
                         const std::map<std::string, int>& failures,
                         const std::string& first_message) {
  std::string f;
  for (const auto& [why, n] : failures)
    f += fmt::format("{}{} {}/{}", f.empty() ? "" : "; ", why, n, s.total);
  std::string status =
      fmt::format("**FAILED**: {}{}", f, s.ok ? fmt::format("; ok {}/{}", s.ok, s.total) : "");
  // DuckDB's out-of-memory text is long and always the same; other failures say more.
  if (!first_message.empty() && !ContainsNoCase(first_message, "out of memory")) {
    status += fmt::format(" (`{}`)", OneLine(first_message, 120));
  }
  if (k.stop) status += " (timeout: not repeated)";
  return status;
}

std::string Status(const Case& k, const Summary& s, const std::map<std::string, int>& failures,
                   const std::string& first_message) {
  if (!k.skip.empty()) return k.skip;
  if (!k.not_available.empty()) return "not available: duckpart run is not implemented yet";
  if (s.total == 0) return "not run";
  if (failures.empty()) return fmt::format("ok ({}/{} runs)", s.ok, s.total);
  return FailedStatus(k, s, failures, first_message);
}

std::string Range(int64_t lo, int64_t hi, bool bytes) {
  auto f = [&](int64_t v) { return bytes ? FormatBytes(v) : FormatCount(v); };
  return f(lo) == f(hi) ? f(lo) : f(lo) + " – " + f(hi);
}

// The phases duckpart reported in these cases, in pipeline order ("total" is the wall
// column's business and is left out).
std::vector<std::string> PhaseColumns(const std::vector<Case>& cases) {
  static const std::vector<std::string> kOrder = {"stats",      "plan",   "stage",  "write",
                                                  "compaction", "verify", "commit", "publish"};
  std::set<std::string> seen;
  for (const auto& k : cases) {
    for (const auto& r : k.runs) {
      for (const auto& [name, v] : r.phases) {
        if (name != "total") seen.insert(name);
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& p : kOrder) {
    if (seen.erase(p)) out.push_back(p);
  }
  out.insert(out.end(), seen.begin(), seen.end());
  return out;
}

std::string TableHeader(const std::string& first_col, const std::vector<std::string>& phases) {
  std::string head = fmt::format(
      "| {} | partitions | method | status | median wall | median CPU | vs reference", first_col);
  std::string rule = "|---|---:|---|---|---:|---:|---:";
  for (const auto& p : phases) {
    head += " | " + p;
    rule += "|---:";
  }
  return head + " | peak RSS | Parquet files | bytes |\n" + rule + "|---:|---:|---:|\n";
}

std::string TableRow(const Case& k, const Summary& s, const std::vector<std::string>& phases) {
  const auto seconds = [](const std::optional<double>& v) {
    return v ? HumanSeconds(*v) : std::string("—");
  };
  std::string row =
      fmt::format("| {} | {} | {} | {} | {} | {} | {}", k.group, FormatCount(k.partitions),
                  MethodLabel(k.method), s.status, seconds(s.median_s), seconds(s.median_cpu_s),
                  s.ratio ? fmt::format("{:.2f}×", *s.ratio) : "—");
  for (const auto& p : phases) {
    auto it = s.median_phases.find(p);
    row += " | " + (it == s.median_phases.end() ? std::string("—") : HumanSeconds(it->second));
  }
  return row + fmt::format(" | {} | {} | {} |\n",
                           s.total > 0 && s.peak_rss ? FormatBytes(s.peak_rss) : "—",
                           s.ok ? Range(s.files_min, s.files_max, false) : "—",
                           s.ok ? Range(s.bytes_min, s.bytes_max, true) : "—");
}

json RunJson(const RunRecord& r) {
  json jr = {{"round", r.round},
             {"ok", r.ok},
             {"wall_s", r.wall_s},
             {"cpu_s", r.cpu_s()},
             {"peak_rss_bytes", r.maxrss_bytes},
             {"user_s", r.user_s},
             {"sys_s", r.sys_s},
             {"loadavg_1m_before", r.loadavg_1m},
             {"parquet_files", r.files},
             {"other_files", r.other_files},
             {"bytes", r.bytes},
             {"exit_code", r.exit_code},
             {"signal", r.signal}};
  if (r.query_s) jr["query_s"] = *r.query_s;
  if (!r.phases.empty()) jr["phases_s"] = r.phases;
  if (!r.ok) {
    jr["failure"] = r.failure;
    jr["message"] = r.message;
  }
  if (!r.child.is_null()) jr["child"] = r.child;
  return jr;
}

json OptionalJson(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json CaseJson(const Case& k, const Summary& s) {
  json runs = json::array();
  for (const auto& r : k.runs) runs.push_back(RunJson(r));
  json jc = {{"id", k.id},
             {"section", k.section},
             {"group", k.group},
             {"granularity", k.gran_id},
             {"table", k.table},
             {"database", k.db},
             {"rows", k.rows},
             {"partitions", k.partitions},
             {"method", k.method},
             {"method_label", MethodLabel(k.method)},
             {"reference", k.ref_id},
             {"status", s.status},
             {"ok_runs", s.ok},
             {"runs_attempted", s.total},
             {"median_wall_s", OptionalJson(s.median_s)},
             {"median_cpu_s", OptionalJson(s.median_cpu_s)},
             {"ratio_to_reference", OptionalJson(s.ratio)},
             {"peak_rss_bytes", s.peak_rss},
             {"parquet_files", s.ok ? json({s.files_min, s.files_max}) : json(nullptr)},
             {"bytes", s.ok ? json({s.bytes_min, s.bytes_max}) : json(nullptr)},
             {"runs", runs}};
  if (!s.median_phases.empty()) jc["median_phases_s"] = s.median_phases;
  if (!k.skip.empty()) jc["skipped"] = k.skip;
  if (!k.not_available.empty()) jc["not_available"] = k.not_available;
  if (k.method != "reference" && !k.gran_id.empty()) jc["spec"] = MustGranularity(k.gran_id).spec;
  return jc;
}

}  // namespace

std::map<std::string, double> ReferenceMedians(const std::vector<Case>& cases) {
  std::map<std::string, double> out;
  for (const auto& k : cases) {
    if (k.method != "reference") continue;
    std::vector<double> w;
    for (const auto& r : k.runs)
      if (r.ok) w.push_back(r.wall_s);
    if (!w.empty()) out[k.id] = Median(w);
  }
  return out;
}

Summary Summarize(const Case& k, const std::map<std::string, double>& ref_medians) {
  Summary s;
  s.total = static_cast<int>(k.runs.size());
  std::vector<double> walls, cpus;
  std::map<std::string, int> failures;
  std::string first_message;
  for (const auto& r : k.runs) {
    s.peak_rss = std::max(s.peak_rss, r.maxrss_bytes);
    if (r.ok) {
      AddOkRun(r, s.ok++ == 0, s);
      walls.push_back(r.wall_s);
      cpus.push_back(r.cpu_s());
    } else {
      ++failures[r.failure];
      if (first_message.empty()) first_message = r.message;
    }
  }
  if (!walls.empty()) {
    s.median_s = Median(walls);
    s.median_cpu_s = Median(cpus);
    auto it = ref_medians.find(k.ref_id);
    if (it != ref_medians.end() && it->second > 0) s.ratio = *s.median_s / it->second;
  }
  s.median_phases = MedianPhases(k);
  s.status = Status(k, s, failures, first_message);
  return s;
}

std::string MarkdownTable(const std::vector<Case>& cases, const std::string& first_col) {
  const auto refs = ReferenceMedians(cases);
  const auto phases = PhaseColumns(cases);
  std::string md = TableHeader(first_col, phases);
  for (const auto& k : cases) md += TableRow(k, Summarize(k, refs), phases);
  return md;
}

json CasesJson(const std::vector<Case>& cases) {
  const auto refs = ReferenceMedians(cases);
  json arr = json::array();
  for (const auto& k : cases) arr.push_back(CaseJson(k, Summarize(k, refs)));
  return arr;
}

}  // namespace bench

// The results: each case summarized over its runs (median wall and CPU seconds, duckpart's
// own phases, peak RSS, files, bytes), as the Markdown table of results.md and the case
// objects of results.json.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cases.h"

namespace bench {

struct Summary {
  std::string status;
  int ok = 0, total = 0;
  std::optional<double> median_s, ratio, median_cpu_s;
  std::map<std::string, double> median_phases;  // duckpart's phases, median over ok runs
  int64_t peak_rss = 0;
  int64_t files_min = 0, files_max = 0, bytes_min = 0, bytes_max = 0;
};

// The median wall seconds of each reference case with an ok run, by case id.
std::map<std::string, double> ReferenceMedians(const std::vector<Case>& cases);

// The case over its runs; ratio against ref_medians[k.ref_id] when there is one.
Summary Summarize(const Case& k, const std::map<std::string, double>& ref_medians);

// The Markdown table of the cases, first column titled first_col. duckpart's phase columns
// (plan, write, verify, ...) are those its runs in this table reported.
std::string MarkdownTable(const std::vector<Case>& cases, const std::string& first_col);

// The cases with their summaries and every run, for results.json.
json CasesJson(const std::vector<Case>& cases);

}  // namespace bench

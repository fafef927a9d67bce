// The analysis core shared by both targets: totals, target, distributions, band, verdict,
// findings. No IO.
#include <algorithm>
#include <cmath>

#include "analyze/findings.h"
#include "duckpart/analyze.h"
#include "duckpart/error.h"

namespace duckpart {
namespace {

int64_t DerivedTargetRows(const AnalyzeOptions& o, const AnalysisReport& r) {
  if (o.target_rows > 0) return o.target_rows;
  if (r.total_rows <= 0 || r.total_bytes <= 0) return 0;
  const double bytes_per_row =
      static_cast<double>(r.total_bytes) / static_cast<double>(r.total_rows);
  return std::max<int64_t>(1,
                           std::llround(static_cast<double>(o.target_file_bytes) / bytes_per_row));
}

FileBand Band(const AnalyzeOptions& o, const AnalysisReport& r) {
  FileBand b{
      .low_bytes = std::llround(o.small_file_ratio * static_cast<double>(o.target_file_bytes)),
      .high_bytes = std::llround(o.large_file_ratio * static_cast<double>(o.target_file_bytes))};
  for (const auto& p : r.partitions) {
    for (int64_t s : p.file_sizes) {
      ++b.files;
      (s < b.low_bytes ? b.below : s > b.high_bytes ? b.above : b.within) += 1;
    }
  }
  return b;
}

void Require(bool ok, const std::string& message) {
  if (!ok) throw InputError(message);
}

}  // namespace

const char* SeverityName(Severity s) { return s == Severity::kWarning ? "warning" : "info"; }

bool AnalysisReport::HasWarnings() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::kWarning; });
}

void CheckOptions(const AnalyzeOptions& o) {
  Require(o.target_file_bytes >= 1024 && o.target_file_bytes <= (int64_t{1} << 40),
          "--target-file-size must be between 1KB and 1TB");
  Require(o.target_rows >= 0 && o.target_rows <= 1'000'000'000'000,
          "--target-rows must be between 1 and 10^12");
  Require(o.uneven_cv > 0 && o.uneven_cv < 100, "the uneven CV threshold must be in (0, 100)");
  Require(o.merge_under_target > 0 && o.merge_under_target < 1 && o.split_over_target > 1,
          "merge and split thresholds must satisfy 0 < merge < 1 < split");
  Require(o.split_over_median > 1, "the split-over-median threshold must be over 1");
  Require(o.small_file_ratio > 0 && o.small_file_ratio < 1 && o.large_file_ratio > 1,
          "file band ratios must satisfy 0 < small < 1 < large");
  Require(o.max_partitions >= 1 && o.max_partitions <= 10'000'000,
          "max partitions must be in [1, 10^7]");
}

void AnalyzeLoaded(const Manifest& manifest, const AnalyzeOptions& o, AnalysisReport& r) {
  CheckOptions(o);
  r.options = o;
  r.version = manifest.version;
  r.spec = ToString(manifest.spec);
  r.source = manifest.source;
  r.created_at = manifest.created_at;
  std::vector<double> rows, bytes;
  r.total_rows = r.total_bytes = r.total_files = 0;
  for (const auto& p : r.partitions) {
    rows.push_back(static_cast<double>(p.rows));
    bytes.push_back(static_cast<double>(p.bytes));
    r.total_rows += p.rows;
    r.total_bytes += p.bytes;
    r.total_files += p.files;
  }
  r.rows = Describe(std::move(rows));
  r.bytes = Describe(std::move(bytes));
  r.target_file_bytes = o.target_file_bytes;
  r.target_rows = DerivedTargetRows(o, r);
  r.target_rows_derived = o.target_rows == 0;
  r.file_band = Band(o, r);
  r.verdict = r.partitions.empty() || r.total_rows == 0 ? "empty"
              : r.rows.cv < o.uneven_cv                 ? "good"
                                                        : "uneven";
  r.findings = analyze::FindFindings(manifest, o, r);
}

}  // namespace duckpart

#include "analyze/findings.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "analyze/commands.h"
#include "analyze/spec_advice.h"
#include "util/format.h"

namespace duckpart::analyze {
namespace {

using Pick = std::function<bool(const PartitionStats&)>;

enum class Order { kLargestFirst, kSmallestFirst };

// The partitions `pick` selects, by rows, ties in key order.
std::vector<const PartitionStats*> Select(const AnalysisReport& r, const Pick& pick,
                                          Order order = Order::kLargestFirst) {
  std::vector<const PartitionStats*> out;
  for (const auto& p : r.partitions) {
    if (pick(p)) out.push_back(&p);
  }
  std::stable_sort(out.begin(), out.end(), [order](auto* a, auto* b) {
    return order == Order::kLargestFirst ? a->rows > b->rows : a->rows < b->rows;
  });
  return out;
}

Finding Make(std::string kind, Severity s, const std::vector<const PartitionStats*>& parts,
             size_t listed) {
  Finding f{.kind = std::move(kind), .severity = s, .count = static_cast<int64_t>(parts.size())};
  for (size_t i = 0; i < parts.size() && i < listed; ++i) f.partitions.push_back(parts[i]->path);
  return f;
}

SpecFigures Figures(const AnalyzeOptions& o, const AnalysisReport& r) {
  return {.partitions = r.rows.count,
          .total_rows = r.rows.sum,
          .median_rows = r.rows.median,
          .max_rows = r.rows.max,
          .target_rows = r.target_rows,
          .max_partitions = o.max_partitions};
}

// rebalance for range specs, else repartition with `spec` when there is one.
std::string FixBy(const Manifest& m, const AnalysisReport& r, const std::optional<Spec>& spec) {
  if (HasRangeField(m.spec) && r.target_rows > 0) return RebalanceRowsCommand(r);
  return spec ? RepartitionCommand(r, *spec) : "";
}

std::string Share(double part, double whole) {
  return fmt::format("{:.1f}%", whole > 0 ? 100 * part / whole : 0);
}

double MergeLimit(const AnalyzeOptions& o, const AnalysisReport& r) {
  return o.merge_under_target * static_cast<double>(r.target_rows);
}

void SkewedKey(const Manifest& m, const AnalyzeOptions& o, const AnalysisReport& r,
               std::vector<Finding>& out) {
  const double limit = o.split_over_median * r.rows.median;
  if (r.rows.median <= 0 || r.rows.max <= limit) return;
  const auto parts =
      Select(r, [&](const PartitionStats& p) { return static_cast<double>(p.rows) > limit; });
  const bool sized = r.target_rows <= 0 || static_cast<double>(parts[0]->rows) >= MergeLimit(o, r);
  Finding f = Make("skewed_key", sized ? Severity::kWarning : Severity::kInfo, parts, o.max_listed);
  const auto spec = FinerSpec(m, Figures(o, r));
  f.message = fmt::format(
      "the key is skewed: {} partition(s) hold over {:g}x the median rows; the largest, {}, holds "
      "{} of the "
      "rows ({:.1f}x the median){}",
      parts.size(), o.split_over_median, parts[0]->path,
      Share(static_cast<double>(parts[0]->rows), r.rows.sum), r.rows.max_over_median,
      spec ? "; a better spec: " + ToString(*spec)
           : (HasRangeField(m.spec) ? "; rebalance re-cuts the ranges" : ""));
  f.command = FixBy(m, r, spec);
  out.push_back(std::move(f));
}

void Split(const Manifest& m, const AnalyzeOptions& o, const AnalysisReport& r,
           std::vector<Finding>& out) {
  if (r.target_rows <= 0) return;
  const double over_target = o.split_over_target * static_cast<double>(r.target_rows);
  const double over_median = o.split_over_median * r.rows.median;
  const auto parts = Select(r, [&](const PartitionStats& p) {
    const auto rows = static_cast<double>(p.rows);
    return rows > over_target || (rows > over_median && rows >= MergeLimit(o, r));
  });
  if (parts.empty()) return;
  Finding f = Make("split", Severity::kWarning, parts, o.max_listed);
  f.message = fmt::format(
      "{} partition(s) should be split: over {:g}x the target of {} rows, or over {:g}x the median "
      "and not "
      "small; the largest, {}, has {} rows ({})",
      parts.size(), o.split_over_target, util::FormatCount(r.target_rows), o.split_over_median,
      parts[0]->path, util::FormatCount(parts[0]->rows), util::FormatBytes(parts[0]->bytes));
  f.command = FixBy(m, r, FinerSpec(m, Figures(o, r)));
  out.push_back(std::move(f));
}

void Merge(const Manifest& m, const AnalyzeOptions& o, const AnalysisReport& r,
           std::vector<Finding>& out) {
  if (r.target_rows <= 0) return;
  const auto parts = Select(
      r,
      [&](const PartitionStats& p) {
        return p.rows > 0 && static_cast<double>(p.rows) < MergeLimit(o, r);
      },
      Order::kSmallestFirst);
  if (parts.empty()) return;
  Finding f = Make("merge", Severity::kWarning, parts, o.max_listed);
  f.message = fmt::format(
      "{} of {} partitions hold under {:g}x the target of {} rows (smallest: {}, {} rows)",
      util::FormatCount(static_cast<int64_t>(parts.size())),
      util::FormatCount(static_cast<int64_t>(r.partitions.size())), o.merge_under_target,
      util::FormatCount(r.target_rows), parts[0]->path, util::FormatCount(parts[0]->rows));
  f.command = FixBy(m, r, CoarserSpec(m, Figures(o, r)));
  if (r.total_bytes < r.target_file_bytes) {
    f.message += fmt::format("; the whole dataset ({}) is smaller than one target file",
                             util::FormatBytes(r.total_bytes));
  }
  out.push_back(std::move(f));
}

void TooMany(const Manifest& m, const AnalyzeOptions& o, const AnalysisReport& r,
             std::vector<Finding>& out) {
  const bool many = r.rows.count > o.max_partitions;
  const bool tiny =
      r.rows.count > 1 && r.bytes.median < static_cast<double>(o.min_median_partition_bytes);
  if (!many && !tiny) return;
  Finding f{.kind = "too_many_partitions", .severity = Severity::kWarning, .count = r.rows.count};
  f.message =
      many ? fmt::format(
                 "{} partitions is too many (over {}): each costs files, footers and planning",
                 util::FormatCount(r.rows.count), util::FormatCount(o.max_partitions))
           : fmt::format("the median partition is {}, under {}: the spec cuts the data too finely",
                         util::FormatBytes(static_cast<int64_t>(r.bytes.median)),
                         util::FormatBytes(o.min_median_partition_bytes));
  const auto spec = CoarserSpec(m, Figures(o, r));
  if (spec) f.message += "; a coarser spec: " + ToString(*spec);
  f.command = FixBy(m, r, spec);
  out.push_back(std::move(f));
}

void TooFew(const Manifest& m, const AnalyzeOptions& o, const AnalysisReport& r,
            std::vector<Finding>& out) {
  if (r.target_rows <= 0 || r.rows.mean <= o.split_over_target * static_cast<double>(r.target_rows))
    return;
  Finding f{.kind = "too_few_partitions", .severity = Severity::kWarning, .count = r.rows.count};
  f.message = fmt::format(
      "{} partition(s) for {} rows: the mean partition holds {:.1f}x the target of {} rows",
      r.rows.count, util::FormatCount(r.total_rows),
      r.rows.mean / static_cast<double>(r.target_rows), util::FormatCount(r.target_rows));
  const auto spec = FinerSpec(m, Figures(o, r));
  if (spec) f.message += "; a finer spec: " + ToString(*spec);
  f.command = FixBy(m, r, spec);
  out.push_back(std::move(f));
}

// Partitions where a rewrite helps: two or more small files, or an oversized file.
void Compact(const AnalyzeOptions& o, const AnalysisReport& r, std::vector<Finding>& out) {
  const int64_t low = r.file_band.low_bytes, high = r.file_band.high_bytes;
  int64_t small = 0, large = 0;
  std::vector<const PartitionStats*> parts;
  for (const auto& p : r.partitions) {
    const auto s =
        std::count_if(p.file_sizes.begin(), p.file_sizes.end(), [&](int64_t b) { return b < low; });
    const auto l = std::count_if(p.file_sizes.begin(), p.file_sizes.end(),
                                 [&](int64_t b) { return b > high; });
    if (s < 2 && l == 0) continue;
    parts.push_back(&p);
    small += s >= 2 ? s : 0;
    large += l;
  }
  if (parts.empty()) return;
  Finding f = Make("compact", Severity::kWarning, parts, o.max_listed);
  f.count = small + large;
  f.message = fmt::format(
      "{} file(s) in {} partition(s) lie outside the target band [{}, {}] ({:g}x-{:g}x of {}) and "
      "can be "
      "rewritten: {} small file(s) sharing a partition, {} oversized",
      f.count, parts.size(), util::FormatBytes(low), util::FormatBytes(high), o.small_file_ratio,
      o.large_file_ratio, util::FormatBytes(r.target_file_bytes), small, large);
  f.command = CompactCommand(r, parts.size() == 1 ? parts[0]->path : "");
  out.push_back(std::move(f));
}

void Empty(const Manifest& m, const AnalyzeOptions& o, const AnalysisReport& r,
           std::vector<Finding>& out) {
  const auto parts = Select(r, [](const PartitionStats& p) { return p.rows == 0; });
  if (parts.empty()) return;
  Finding f = Make("empty", Severity::kInfo, parts, o.max_listed);
  f.message = fmt::format("{} partition(s) hold no rows; rewriting under the same spec drops them",
                          parts.size());
  f.command = RepartitionCommand(r, m.spec);
  out.push_back(std::move(f));
}

}  // namespace

std::vector<Finding> FindFindings(const Manifest& m, const AnalyzeOptions& o,
                                  const AnalysisReport& r) {
  std::vector<Finding> out;
  if (r.partitions.empty()) return out;
  SkewedKey(m, o, r, out);
  Split(m, o, r, out);
  Merge(m, o, r, out);
  TooMany(m, o, r, out);
  TooFew(m, o, r, out);
  Compact(o, r, out);
  Empty(m, o, r, out);
  return out;
}

}  // namespace duckpart::analyze

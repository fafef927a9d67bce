#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "duckpart/plan.h"

namespace duckpart {

Balance ComputeBalance(const std::vector<int64_t>& rows, const PlanOptions& options) {
  Balance b;
  b.partitions = static_cast<int64_t>(rows.size());
  if (rows.empty()) {
    b.verdict = "empty";
    b.warnings.push_back("the source has no rows: nothing to partition");
    return b;
  }
  const auto n = static_cast<double>(rows.size());
  double sum = 0;
  for (auto r : rows) sum += static_cast<double>(r);
  b.mean = sum / n;
  std::vector<int64_t> sorted = rows;
  std::sort(sorted.begin(), sorted.end());
  const size_t mid = sorted.size() / 2;
  b.median = sorted.size() % 2
                 ? static_cast<double>(sorted[mid])
                 : (static_cast<double>(sorted[mid - 1]) + static_cast<double>(sorted[mid])) / 2;
  double var = 0;
  for (auto r : rows) var += (static_cast<double>(r) - b.mean) * (static_cast<double>(r) - b.mean);
  b.stddev = std::sqrt(var / n);
  b.cv = b.mean > 0 ? b.stddev / b.mean : 0;
  b.max_over_median = b.median > 0 ? static_cast<double>(sorted.back()) / b.median : 0;
  b.verdict = b.cv < 0.3 ? "balanced" : "skewed";

  const auto over = std::count_if(rows.begin(), rows.end(),
                                  [&](int64_t r) { return static_cast<double>(r) > 5 * b.median; });
  if (over > 0) {
    b.warnings.push_back(fmt::format(
        "{} partition(s) hold over 5x the median rows (largest {:.1f}x); consider quantile() "
        "or adding bucket() to split them",
        over, b.max_over_median));
  }
  if (b.partitions > options.max_partitions_warning) {
    b.warnings.push_back(fmt::format(
        "{} partitions is very many (over {}); prefer a coarser transform (day instead of hour, "
        "fewer buckets)",
        b.partitions, options.max_partitions_warning));
  }
  const int64_t small = options.small_partition_rows > 0 ? options.small_partition_rows
                                                         : static_cast<int64_t>(b.mean / 1000);
  const auto tiny = std::count_if(rows.begin(), rows.end(), [&](int64_t r) { return r < small; });
  if (tiny > 0) {
    b.warnings.push_back(fmt::format(
        "{} partition(s) hold fewer than {} rows; tiny partitions make tiny files, consider a "
        "coarser transform or range()",
        tiny, small));
  }
  return b;
}

}  // namespace duckpart

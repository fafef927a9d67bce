// Summary statistics over partitions: mean, standard deviation, CV, median, Gini.
#include <algorithm>
#include <cmath>

#include "duckpart/analyze.h"

namespace duckpart {
namespace {

double Median(const std::vector<double>& sorted) {
  const size_t mid = sorted.size() / 2;
  return sorted.size() % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// G = 2 * sum(i * x_i) / (n * sum(x)) - (n + 1) / n over x sorted ascending, i from 1.
double Gini(const std::vector<double>& sorted, double sum) {
  if (sum <= 0) return 0;
  const auto n = static_cast<double>(sorted.size());
  double weighted = 0;
  for (size_t i = 0; i < sorted.size(); ++i) weighted += static_cast<double>(i + 1) * sorted[i];
  return 2 * weighted / (n * sum) - (n + 1) / n;
}

}  // namespace

Distribution Describe(std::vector<double> values) {
  Distribution d;
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  const auto n = static_cast<double>(values.size());
  d.count = static_cast<int64_t>(values.size());
  for (double v : values) d.sum += v;
  d.mean = d.sum / n;
  double var = 0;
  for (double v : values) var += (v - d.mean) * (v - d.mean);
  d.stddev = std::sqrt(var / n);
  d.cv = d.mean > 0 ? d.stddev / d.mean : 0;
  d.median = Median(values);
  d.min = values.front();
  d.max = values.back();
  d.max_over_median = d.median > 0 ? d.max / d.median : 0;
  d.gini = Gini(values, d.sum);
  return d;
}

}  // namespace duckpart

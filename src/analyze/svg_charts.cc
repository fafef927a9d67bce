#include "analyze/svg_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "util/format.h"

namespace duckpart::analyze {
namespace {

constexpr double kWidth = 1000, kHeight = 260, kLeft = 70, kBottom = 40, kTop = 12;
constexpr double kPlotW = kWidth - kLeft - 10, kPlotH = kHeight - kTop - kBottom;

// The same rules as the split and merge findings.
const char* Class(const PartitionStats& p, const AnalysisReport& r) {
  const AnalyzeOptions& o = r.options;
  if (p.rows == 0) return "empty";
  const auto rows = static_cast<double>(p.rows);
  const double t = static_cast<double>(r.target_rows);
  const bool small = t > 0 && rows < o.merge_under_target * t;
  const bool skewed = r.rows.median > 0 && rows > o.split_over_median * r.rows.median;
  if ((t > 0 && rows > o.split_over_target * t) || (skewed && !small && t > 0)) return "split";
  if (skewed) return "skew";
  return small ? "merge" : "ok";
}

struct RefLine {
  double value;
  std::string label, cls;
};

// Horizontal reference lines inside the plot, each labelled at the right unless its label
// would overlap the one drawn just above it.
std::string Lines(std::vector<RefLine> lines, double max) {
  std::erase_if(lines, [&](const RefLine& l) { return l.value <= 0 || l.value > max; });
  std::sort(lines.begin(), lines.end(),
            [](const RefLine& a, const RefLine& b) { return a.value > b.value; });
  std::string out;
  double last_label_y = -100;
  for (const auto& l : lines) {
    const double y = kTop + kPlotH * (1 - l.value / max);
    out +=
        fmt::format("<line class=\"ref {0}\" x1=\"{1}\" x2=\"{2}\" y1=\"{3:.1f}\" y2=\"{3:.1f}\"/>",
                    l.cls, kLeft, kLeft + kPlotW, y);
    if (y - last_label_y < 12) continue;
    out += fmt::format(
        "<text class=\"ref-label {}\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", l.cls,
        kLeft + kPlotW, y - 3, EscapeHtml(l.label));
    last_label_y = y;
  }
  return out;
}

// A round axis maximum at or above `max`: a multiple of a step of 1, 2 or 5 x 10^k that
// gives 2 to 5 intervals.
double NiceMax(double max, double* step) {
  const double raw = std::max(max, 1.0) / 4;
  const double p = std::pow(10, std::floor(std::log10(raw)));
  *step = p * (raw <= p ? 1 : raw <= 2 * p ? 2 : raw <= 5 * p ? 5 : 10);
  if (*step < 1) *step = 1;
  return *step * std::ceil(std::max(max, 1.0) / *step);
}

std::string YAxis(double max, double step, const std::function<std::string(double)>& format) {
  std::string out;
  for (double v = 0; v <= max + step / 2; v += step) {
    const double y = kTop + kPlotH * (1 - v / max);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\"/>"
        "<text class=\"axis\" x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>",
        kLeft, kLeft + kPlotW, y, kLeft - 6, y + 4, format(v));
  }
  return out;
}

// Labels under the bars: the first and last partition and up to three between.
std::string XLabels(const AnalysisReport& r, double step) {
  const size_t n = r.partitions.size();
  std::vector<size_t> at{0};
  for (size_t k = 1; k < 4 && n > 4; ++k) at.push_back(n * k / 4);
  if (n > 1) at.push_back(n - 1);
  std::string out;
  for (size_t i : at) {
    std::string label = r.partitions[i].path;
    if (label.size() > 28) label = label.substr(0, 27) + "…";
    const char* anchor = i == 0 ? "start" : i == n - 1 ? "end" : "middle";
    out += fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"{}\">{}</text>",
                       kLeft + step * (static_cast<double>(i) + 0.5), kHeight - kBottom + 16,
                       anchor, EscapeHtml(label));
  }
  return out;
}

std::string Svg(const std::string& id, const std::string& title, const std::string& body) {
  return fmt::format(
      "<svg id=\"{}\" class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" "
      "xmlns=\"http://www.w3.org/2000/svg\">{}</svg>",
      id, kWidth, kHeight, EscapeHtml(title), body);
}

}  // namespace

std::string EscapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RowsChart(const AnalysisReport& r) {
  const AnalyzeOptions& o = r.options;
  const size_t n = r.partitions.size();
  double tick = 1;
  const double max = NiceMax(r.rows.max, &tick);
  const double step = kPlotW / static_cast<double>(std::max<size_t>(n, 1));
  const double width = std::max(step * (n > 200 ? 1.0 : 0.8), 0.6);
  std::string body = YAxis(max, tick, [](double v) { return util::FormatCount(std::llround(v)); });
  body.reserve(body.size() + n * 120);
  for (size_t i = 0; i < n; ++i) {
    const PartitionStats& p = r.partitions[i];
    const double h = std::max(kPlotH * static_cast<double>(p.rows) / max, p.rows > 0 ? 0.5 : 0.0);
    body += fmt::format(
        "<rect class=\"bar {}\" x=\"{:.3f}\" y=\"{:.2f}\" width=\"{:.3f}\" height=\"{:.2f}\">"
        "<title>{}: {} rows, {}, {} file(s)</title></rect>",
        Class(p, r), kLeft + step * static_cast<double>(i), kTop + kPlotH - h, width, h,
        EscapeHtml(p.path), util::FormatCount(p.rows), util::FormatBytes(p.bytes), p.files);
  }
  const double t = static_cast<double>(r.target_rows);
  body += Lines(
      {{r.rows.median, "median " + util::FormatCount(std::llround(r.rows.median)), "median"},
       {t, "target " + util::FormatCount(r.target_rows), "target"},
       {o.split_over_target * t, fmt::format("{:g}x target", o.split_over_target), "split"},
       {o.merge_under_target * t, fmt::format("{:g}x target", o.merge_under_target), "merge"}},
      max);
  if (n > 0) body += XLabels(r, step);
  return Svg("rows-chart", "rows per partition, in key order", body);
}

namespace {

int Log2(int64_t bytes) {
  return static_cast<int>(std::floor(std::log2(std::max<int64_t>(bytes, 1))));
}

// Files counted in bins [2^k, 2^(k+1)) from the smallest file (or the band) to the largest
// (or the band); first = the k of bin 0.
struct SizeBins {
  int first = 0;
  std::vector<int64_t> counts;
};

SizeBins Bin(const AnalysisReport& r) {
  int lo = Log2(r.file_band.low_bytes), hi = Log2(r.file_band.high_bytes);
  for (const auto& p : r.partitions) {
    for (int64_t s : p.file_sizes) lo = std::min(lo, Log2(s)), hi = std::max(hi, Log2(s));
  }
  SizeBins b{.first = lo, .counts = std::vector<int64_t>(static_cast<size_t>(hi - lo + 1), 0)};
  for (const auto& p : r.partitions) {
    for (int64_t s : p.file_sizes) ++b.counts[static_cast<size_t>(Log2(s) - lo)];
  }
  return b;
}

std::string BinRect(const SizeBins& b, size_t i, double step, double max) {
  const double h = kPlotH * static_cast<double>(b.counts[i]) / max;
  const int64_t from = int64_t{1} << (b.first + static_cast<int>(i));
  std::string out = fmt::format(
      "<rect class=\"file-bin\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
      "<title>{} file(s) of {} to {}</title></rect>",
      kLeft + step * static_cast<double>(i) + 1, kTop + kPlotH - h, std::max(step - 2, 1.0), h,
      b.counts[i], util::FormatBytes(from), util::FormatBytes(from * 2));
  if (i % std::max<size_t>(1, b.counts.size() / 8) == 0) {
    out +=
        fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    kLeft + step * (static_cast<double>(i) + 0.5), kHeight - kBottom + 16,
                    util::FormatBytes(from));
  }
  return out;
}

}  // namespace

std::string FileSizeChart(const AnalysisReport& r) {
  if (r.file_band.files == 0) return "";
  const SizeBins bins = Bin(r);
  double tick = 1;
  const double max = NiceMax(
      static_cast<double>(*std::max_element(bins.counts.begin(), bins.counts.end())), &tick);
  const double step = kPlotW / static_cast<double>(bins.counts.size());
  auto x_of = [&](int64_t bytes) {
    return kLeft +
           step * (std::log2(static_cast<double>(std::max<int64_t>(bytes, 1))) - bins.first);
  };
  const FileBand& band = r.file_band;
  std::string body = fmt::format(
      "<rect class=\"band\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\">"
      "<title>target band {} to {}</title></rect>",
      x_of(band.low_bytes), kTop, x_of(band.high_bytes) - x_of(band.low_bytes), kPlotH,
      util::FormatBytes(band.low_bytes), util::FormatBytes(band.high_bytes));
  body += YAxis(max, tick, [](double v) { return util::FormatCount(std::llround(v)); });
  for (size_t i = 0; i < bins.counts.size(); ++i) body += BinRect(bins, i, step, max);
  return Svg("files-chart", "files by size against the target band", body);
}

}  // namespace duckpart::analyze

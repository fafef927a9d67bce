#include "plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <tuple>

namespace bench {
namespace {

using nlohmann::json;

constexpr double kWidth = 720, kHeight = 440;
constexpr double kLeft = 70, kRight = 210, kTop = 40, kBottom = 50;  // margins; legend right

// How each known method is drawn: its colour and a legend name shorter than the table's.
struct Look {
  std::string colour, label;
};

const std::map<std::string, Look>& Looks() {
  static const std::map<std::string, Look> k = {
      {"reference", {"#7f7f7f", "one unpartitioned COPY"}},
      {"native_unsorted", {"#1f77b4", "native PARTITION_BY"}},
      {"native_sorted", {"#2ca02c", "native, sorted by key"}},
      {"where_per_partition", {"#9467bd", "one COPY per partition"}},
      {"duckpart", {"#d62728", "duckpart run"}},
      {"duckpart_novalidate", {"#ff7f0e", "duckpart --no-verify"}}};
  return k;
}

// A method's look; an unknown one is black under the table's label.
Look LookOf(const std::string& method, const std::string& label) {
  const auto it = Looks().find(method);
  return it == Looks().end() ? Look{"#000", label} : it->second;
}

struct Point {
  double x = 0;
  std::optional<double> seconds;  // unset: the run failed or was skipped
};

struct Series {
  std::string method;
  Look look;
  std::vector<Point> points;
};

std::vector<Series> SeriesOf(const json& cases, const std::string& section, const std::string& x) {
  std::map<std::string, Series> by;
  std::vector<std::string> order;
  for (const auto& c : cases) {
    if (c.value("section", "") != section) continue;
    const std::string method = c.value("method", "");
    if (!by.count(method)) {
      order.push_back(method);
      by[method] = {method, LookOf(method, c.value("method_label", method)), {}};
    }
    Point p{.x = c.value(x, 0.0)};
    if (c.contains("median_wall_s") && c["median_wall_s"].is_number())
      p.seconds = c["median_wall_s"].get<double>();
    by[method].points.push_back(p);
  }
  std::vector<Series> out;
  for (const auto& m : order) {
    auto s = by[m];
    std::sort(s.points.begin(), s.points.end(),
              [](const Point& a, const Point& b) { return a.x < b.x; });
    out.push_back(std::move(s));
  }
  return out;
}

// A logarithmic axis over [lo, hi], widened to whole powers of ten.
struct LogAxis {
  double lo = 1, hi = 10;
  double Map(double v, double from, double to) const {
    const double t = (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return from + t * (to - from);
  }
};

LogAxis AxisOver(double lo, double hi) {
  LogAxis a;
  a.lo = std::pow(10, std::floor(std::log10(std::max(lo, 1e-3))));
  a.hi = std::pow(10, std::ceil(std::log10(std::max(hi, a.lo * 10))));
  if (a.hi <= a.lo) a.hi = a.lo * 10;
  return a;
}

std::string Tick(double v) {
  if (v >= 1e6) return fmt::format("{:g}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:g}k", v / 1e3);
  return fmt::format("{:g}", v);
}

std::string Axes(const LogAxis& xa, const LogAxis& ya, const std::string& x_name) {
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = kHeight - kBottom, y1 = kTop;
  std::string svg =
      fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333"/>)", x0,
                  y1, x1 - x0, y0 - y1);
  for (double v = xa.lo; v <= xa.hi * 1.0001; v *= 10) {
    const double x = xa.Map(v, x0, x1);
    svg += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#ddd"/>)", x, y0, y1);
    svg +=
        fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)", x, y0 + 18, Tick(v));
  }
  for (double v = ya.lo; v <= ya.hi * 1.0001; v *= 10) {
    const double y = ya.Map(v, y0, y1);
    svg += fmt::format(R"(<line x1="{1}" y1="{0}" x2="{2}" y2="{0}" stroke="#ddd"/>)", y, x0, x1);
    svg +=
        fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{} s</text>)", x0 - 6, y + 4, Tick(v));
  }
  svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{} (log)</text>)", (x0 + x1) / 2,
                     kHeight - 12, x_name);
  return svg;
}

// A reference measured once for the whole sweep (one unpartitioned file): a dashed line
// across the chart.
bool Flat(const Series& s, const std::string& x) {
  return x == "partitions" && s.method == "reference" && s.points.size() == 1;
}

std::string Line(const Series& s, const LogAxis& xa, const LogAxis& ya, size_t index, bool flat) {
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = kHeight - kBottom, y1 = kTop;
  const std::string& colour = s.look.colour;
  const double ly = kTop + 14 + 20 * static_cast<double>(index);
  const std::string legend = fmt::format(
      R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="{3}" stroke-width="2"/><text x="{4}" y="{5}">{6}</text>)",
      kWidth - kRight + 12, ly, kWidth - kRight + 32, colour, kWidth - kRight + 38, ly + 4,
      s.look.label.substr(0, 26));
  if (flat && s.points[0].seconds) {
    const double y = ya.Map(std::max(*s.points[0].seconds, ya.lo), y0, y1);
    return fmt::format(
               R"(<line x1="{0}" y1="{2:.1f}" x2="{1}" y2="{2:.1f}" stroke="{3}" stroke-dasharray="6 4"/>)",
               x0, x1, y, colour) +
           legend;
  }
  std::string pts, marks;
  for (const auto& p : s.points) {
    const double x = xa.Map(p.x, x0, x1);
    if (!p.seconds) {  // failed: a cross on the horizontal axis
      marks += fmt::format(
          R"svg(<path d="M{0} {1}l8 8m0 -8l-8 8" transform="translate(-4 -4)" stroke="{2}" stroke-width="2"/>)svg",
          x, y0, colour);
      continue;
    }
    const double y = ya.Map(std::max(*p.seconds, ya.lo), y0, y1);
    pts += fmt::format("{}{:.1f},{:.1f}", pts.empty() ? "" : " ", x, y);
    marks += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"/>)", x, y, colour);
  }
  return fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>)", pts,
                     colour) +
         marks + legend;
}

}  // namespace

std::string SweepChart(const json& cases, const std::string& section, const std::string& x,
                       const std::string& title) {
  const auto series = SeriesOf(cases, section, x);
  if (series.empty()) return "";
  double xlo = 1e300, xhi = 0, ylo = 1e300, yhi = 0;
  for (const auto& s : series) {
    for (const auto& p : s.points) {
      if (!Flat(s, x)) {
        xlo = std::min(xlo, p.x);
        xhi = std::max(xhi, p.x);
      }
      if (!p.seconds) continue;
      ylo = std::min(ylo, *p.seconds);
      yhi = std::max(yhi, *p.seconds);
    }
  }
  if (yhi == 0) ylo = 0.1, yhi = 1;
  if (xhi == 0) xlo = 1, xhi = 10;
  const LogAxis xa = AxisOver(xlo, xhi), ya = AxisOver(ylo, yhi);
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-family="sans-serif" font-size="12">)",
      kWidth, kHeight);
  svg += fmt::format(R"(<text x="{}" y="22" font-size="15">{}</text>)", kLeft, title);
  svg += Axes(xa, ya, x);
  for (size_t i = 0; i < series.size(); ++i) svg += Line(series[i], xa, ya, i, Flat(series[i], x));
  return svg + "</svg>\n";
}

std::vector<std::filesystem::path> WriteSweepCharts(const json& doc,
                                                    const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> written;
  if (!doc.contains("sweep") || !doc["sweep"].contains("cases")) return written;
  const json& cases = doc["sweep"]["cases"];
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> charts = {
      {"sweep_rows", "rows", "sweep-rows.svg",
       "Median wall time against rows, day(ts) (about 730 partitions)"},
      {"sweep_partitions", "partitions", "sweep-partitions.svg",
       "Median wall time against partitions, bucket(N, id)"}};
  for (const auto& [section, x, file, title] : charts) {
    const std::string svg = SweepChart(cases, section, x, title);
    if (svg.empty()) continue;
    std::ofstream(dir / file) << svg;
    written.push_back(dir / file);
  }
  return written;
}

}  // namespace bench

// RenderHtml: the analysis as one self-contained page: inline CSS, inline SVG charts, one
// inline script that only counts the drawn bars into the page (a render check for people
// and tests); nothing is fetched from anywhere.
#include <fmt/format.h>

#include <algorithm>

#include "analyze/svg_charts.h"
#include "duckpart/analyze.h"
#include "util/format.h"

namespace duckpart {
namespace {

using analyze::EscapeHtml;

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
.sub{color:#5c6773;margin:0 0 18px}.sub code{background:#e9ecef;padding:1px 5px;border-radius:4px}
.verdict{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff;margin-left:8px;font-size:13px;vertical-align:middle}
.verdict.good{background:#2b8a3e}.verdict.uneven{background:#d9480f}.verdict.empty{background:#868e96}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px 12px}
.card .k{color:#5c6773;font-size:12px;text-transform:uppercase;letter-spacing:.03em}.card .v{font-size:19px;font-weight:600}
.finding{background:#fff;border:1px solid #dde1e6;border-left:5px solid #f08c00;border-radius:6px;padding:10px 14px;margin:8px 0}
.finding.info{border-left-color:#1c7ed6}.sev{font-size:11px;text-transform:uppercase;font-weight:700;padding:1px 6px;border-radius:4px;margin-right:8px;color:#fff;background:#f08c00}.sev.info{background:#1c7ed6}.finding .kind{font-weight:600;margin-right:6px}
.finding pre{background:#1d232b;color:#e9ecef;padding:8px 10px;border-radius:5px;overflow-x:auto;margin:8px 0 2px}
.finding .parts{color:#5c6773;font-size:12px;word-break:break-all}
.none{color:#2b8a3e;font-weight:600}
.panel{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px}
svg.chart{width:100%;height:auto;display:block}
.bar.ok{fill:#4c6ef5}.bar.split{fill:#e03131}.bar.skew{fill:#f76707}.bar.merge{fill:#fab005}.bar.empty{fill:#adb5bd}
.file-bin{fill:#4c6ef5}.band{fill:#d3f9d8}.grid{stroke:#edf0f3}.axis{font-size:11px;fill:#5c6773}
.ref{stroke-width:1.2;stroke-dasharray:5 4}.ref.median{stroke:#495057}.ref.target{stroke:#2b8a3e;stroke-dasharray:none}
.ref.split{stroke:#e03131}.ref.merge{stroke:#f08c00}.ref-label{font-size:11px}.ref-label.median{fill:#495057}
.ref-label.target{fill:#2b8a3e}.ref-label.split{fill:#e03131}.ref-label.merge{fill:#f08c00}
.legend{font-size:12px;color:#5c6773;margin:6px 0 0}.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;border-radius:2px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde1e6;border-radius:8px}
th,td{padding:5px 10px;border-bottom:1px solid #edf0f3;text-align:right}th:first-child,td:first-child{text-align:left;word-break:break-all}
th{background:#f1f3f5;font-weight:600;font-size:12px}footer{color:#868e96;font-size:12px;margin-top:24px}
)";

std::string Card(const std::string& key, const std::string& value) {
  return fmt::format("<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>",
                     EscapeHtml(key), EscapeHtml(value));
}

std::string Cards(const AnalysisReport& r) {
  return "<div class=\"cards\">" + Card("partitions", util::FormatCount(r.rows.count)) +
         Card("rows", util::FormatCount(r.total_rows)) +
         Card("bytes", util::FormatBytes(r.total_bytes)) +
         Card(r.kind == "tables" ? "tables" : "files",
              util::FormatCount(r.kind == "tables" ? r.rows.count : r.total_files)) +
         Card("CV of rows", fmt::format("{:.3f}", r.rows.cv)) +
         Card("Gini", fmt::format("{:.3f}", r.rows.gini)) +
         Card("max / median", fmt::format("{:.2f}", r.rows.max_over_median)) +
         Card("median rows", util::FormatCount(std::llround(r.rows.median))) +
         Card(r.target_rows_derived ? "target rows (derived)" : "target rows",
              util::FormatCount(r.target_rows)) +
         Card("target file", util::FormatBytes(r.target_file_bytes)) + "</div>";
}

std::string FindingHtml(const Finding& f) {
  std::string parts;
  for (const auto& p : f.partitions) parts += (parts.empty() ? "" : ", ") + p;
  if (static_cast<int64_t>(f.partitions.size()) < f.count && !parts.empty()) parts += ", …";
  return fmt::format(
      "<div class=\"finding {0}\"><span class=\"sev {0}\">{0}</span><span "
      "class=\"kind\">{1}</span>{2}{3}{4}"
      "</div>",
      SeverityName(f.severity), EscapeHtml(f.kind), EscapeHtml(f.message),
      f.command.empty() ? "" : "<pre><code>" + EscapeHtml(f.command) + "</code></pre>",
      parts.empty() ? "" : "<div class=\"parts\">" + EscapeHtml(parts) + "</div>");
}

std::string Findings(const AnalysisReport& r) {
  if (r.findings.empty())
    return "<p class=\"none\">No findings: partitions and files are within their targets.</p>";
  std::string out;
  for (const auto& f : r.findings) out += FindingHtml(f);
  return out;
}

std::string LargestTable(const AnalysisReport& r) {
  std::vector<const PartitionStats*> order;
  for (const auto& p : r.partitions) order.push_back(&p);
  const size_t n = std::min<size_t>(order.size(), 15);
  std::partial_sort(
      order.begin(), order.begin() + static_cast<long>(n), order.end(),
      [](auto* a, auto* b) { return a->rows != b->rows ? a->rows > b->rows : a->id < b->id; });
  const bool tables = r.kind == "tables";
  std::string rows;
  for (size_t i = 0; i < n; ++i) {
    const PartitionStats& p = *order[i];
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td>", EscapeHtml(p.path),
                        util::FormatCount(p.rows), util::FormatBytes(p.bytes));
    rows +=
        tables ? "<td>" + EscapeHtml(p.table) + "</td></tr>"
               : fmt::format("<td>{}</td><td>{}</td><td>{}</td></tr>", p.files,
                             util::FormatBytes(p.smallest_file), util::FormatBytes(p.largest_file));
  }
  return std::string("<table><tr><th>partition</th><th>rows</th><th>bytes</th>") +
         (tables ? "<th>table</th>" : "<th>files</th><th>smallest file</th><th>largest file</th>") +
         "</tr>" + rows + "</table>";
}

std::string FilesSection(const AnalysisReport& r) {
  const FileBand& b = r.file_band;
  const std::string chart = analyze::FileSizeChart(r);
  if (chart.empty()) return "<p>No files to chart (partition tables, or an empty dataset).</p>";
  return fmt::format(
      "<div class=\"panel\">{}</div><p class=\"legend\">{} files: {} below the band, {} within "
      "[{} to {}], {} above. The shaded area is the target band.</p>",
      chart, util::FormatCount(b.files), util::FormatCount(b.below), util::FormatCount(b.within),
      util::FormatBytes(b.low_bytes), util::FormatBytes(b.high_bytes), util::FormatCount(b.above));
}

constexpr const char* kLegend =
    "<p class=\"legend\"><i style=\"background:#4c6ef5\"></i>within target<i "
    "style=\"background:#e03131\"></i>split"
    "<i style=\"background:#f76707\"></i>over 5x median (small)<i "
    "style=\"background:#fab005\"></i>merge"
    "<i style=\"background:#adb5bd\"></i>empty</p>";

constexpr const char* kScript =
    "<script>(function(){var n=document.querySelectorAll('#rows-chart rect.bar').length;"
    "var e=document.getElementById('render-check');e.setAttribute('data-bars',String(n));"
    "e.textContent='Rows chart: '+n.toLocaleString('en-US')+' bars drawn, one per "
    "partition.';})();</script>";

}  // namespace

std::string RenderHtml(const AnalysisReport& r) {
  std::string page =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  page += "<title>duckpart analyze: " + EscapeHtml(r.target) + "</title><style>" + kStyle +
          "</style></head><body><main>";
  page += fmt::format("<h1>{}<span class=\"verdict {}\">{}</span></h1>", EscapeHtml(r.target),
                      EscapeHtml(r.verdict), EscapeHtml(r.verdict));
  page +=
      fmt::format("<p class=\"sub\">spec <code>{}</code> · version {} · written {} · from {}</p>",
                  EscapeHtml(r.spec), r.version, EscapeHtml(r.created_at), EscapeHtml(r.source));
  page += Cards(r) + "<h2>Findings</h2>" + Findings(r);
  page += "<h2>Rows per partition, in key order</h2><div class=\"panel\">" + analyze::RowsChart(r) +
          "</div>" + kLegend;
  page += "<h2>File sizes against the target band</h2>" + FilesSection(r);
  page += "<h2>Largest partitions</h2>" + LargestTable(r);
  page += fmt::format(
      "<footer><p id=\"render-check\" data-bars=\"0\">Rows chart not rendered.</p>Made by duckpart "
      "analyze from metadata only, in {:.3f} s.</footer>",
      r.seconds);
  return page + kScript + "</main></body></html>";
}

}  // namespace duckpart

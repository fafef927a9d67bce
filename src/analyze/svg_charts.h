// Inline SVG charts of an analysis report, for the self-contained HTML page.
#pragma once

#include <string>

#include "duckpart/analyze.h"

namespace duckpart::analyze {

// Text with &, <, >, " and ' escaped for HTML and SVG.
std::string EscapeHtml(const std::string& text);
// Rows per partition: one <rect class="bar ..."> per partition in key order (classes
// "split", "skew" (over the median factor but small), "merge", "empty" or "ok"), with
// the median and target lines.
std::string RowsChart(const AnalysisReport& r);
// Files by size, in powers of two, against the shaded target band: one
// <rect class="file-bin"> per bin. Empty string when the report has no files.
std::string FileSizeChart(const AnalysisReport& r);

}  // namespace duckpart::analyze

// The HTML page itself: one bar per partition at any count, escaped text, nothing fetched.
#include <gtest/gtest.h>

#include <string>

#include "duckpart/analyze.h"

namespace duckpart {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

AnalysisReport Report(int partitions, const std::string& first_path = "k=0") {
  Manifest m;
  m.spec = ParseSpec("k");
  m.schema = {{"k", "VARCHAR"}, {"id", "BIGINT"}};
  AnalysisReport r{.target = "ds", .kind = "parquet", .dir = "ds"};
  for (int i = 0; i < partitions; ++i) {
    const int64_t rows = 100 + (i % 7) * 30 + (i == partitions / 2 ? 5000 : 0);
    PartitionStats p{.id = i,
                     .path = i == 0 ? first_path : "k=" + std::to_string(i),
                     .rows = rows,
                     .bytes = rows * 20,
                     .files = 1,
                     .smallest_file = rows * 20,
                     .largest_file = rows * 20};
    p.file_sizes = {rows * 20};
    r.partitions.push_back(p);
  }
  AnalyzeOptions o;
  o.target_rows = 1000;
  AnalyzeLoaded(m, o, r);
  return r;
}

TEST(HtmlReport, OneBarPerPartitionEvenAtThousands) {
  const std::string page = RenderHtml(Report(5000));
  EXPECT_EQ(Count(page, "<rect class=\"bar "), 5000u);
  EXPECT_EQ(Count(page, "<rect class=\"bar split\""), 1u);     // the heavy one in the middle
  EXPECT_EQ(Count(page, "<rect class=\"bar merge\""), 4999u);  // under 0.5x the target of 1,000
  EXPECT_EQ(Count(page, "<svg id=\"rows-chart\""), 1u);
  EXPECT_EQ(Count(page, "<svg id=\"files-chart\""), 1u);
}

TEST(HtmlReport, SelfContainedAndEscaped) {
  const std::string page = RenderHtml(Report(3, "k=<script>alert(1)</script>"));
  EXPECT_EQ(Count(page, "<script"), 1u);  // only the page's own inline bar count
  EXPECT_EQ(Count(page, "<script src"), 0u);
  EXPECT_EQ(Count(page, "https://"), 0u);
  EXPECT_EQ(Count(page, "http://"), Count(page, "http://www.w3.org/2000/svg"));
  EXPECT_EQ(Count(page, "<link"), 0u);
  EXPECT_NE(page.find("k=&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(HtmlReport, FindingsCarryTheirCommands) {
  const AnalysisReport r = Report(40);
  ASSERT_FALSE(r.findings.empty());
  const std::string page = RenderHtml(r);
  for (const auto& f : r.findings) {
    if (f.command.empty()) continue;
    std::string escaped;
    for (char c : f.command) escaped += c == '"' ? std::string("&quot;") : std::string(1, c);
    EXPECT_NE(page.find("<code>" + escaped + "</code>"), std::string::npos) << f.command;
  }
}

}  // namespace
}  // namespace duckpart

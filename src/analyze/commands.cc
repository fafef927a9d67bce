#include "analyze/commands.h"

#include <algorithm>

namespace duckpart::analyze {

std::string ShellQuote(const std::string& text) {
  const bool safe = !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("_./-=,:@%+").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (safe) return text;
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string TargetArgs(const AnalysisReport& r) {
  if (r.kind == "tables")
    return "--to-db " + ShellQuote(r.database) + " --schema " + ShellQuote(r.schema);
  return ShellQuote(r.dir);
}

// rebalance's --target-file-size when the analysis used another than the default.
std::string FileSizeArg(const AnalysisReport& r) {
  if (r.target_file_bytes == AnalyzeOptions{}.target_file_bytes) return "";
  return " --target-file-size " + std::to_string(r.target_file_bytes);
}

std::string RebalanceRowsCommand(const AnalysisReport& r) {
  return "duckpart rebalance " + TargetArgs(r) + " --target-rows " + std::to_string(r.target_rows) +
         FileSizeArg(r);
}

std::string CompactCommand(const AnalysisReport& r, const std::string& partition) {
  std::string cmd = "duckpart rebalance " + TargetArgs(r) + " --compact" + FileSizeArg(r);
  if (!partition.empty()) cmd += " --partition " + ShellQuote(partition);
  return cmd;
}

// A spec in double quotes, as people write it, unless it holds a character the shell
// expands there; then in single quotes.
std::string QuoteSpec(const std::string& spec) {
  if (spec.find_first_of("\"$`\\!") != std::string::npos) return ShellQuote(spec);
  return "\"" + spec + "\"";
}

std::string RepartitionCommand(const AnalysisReport& r, const Spec& spec) {
  return "duckpart repartition " + TargetArgs(r) + " --by " + QuoteSpec(ToString(spec));
}

}  // namespace duckpart::analyze

// The analysis report as JSON (`duckpart analyze --json`).
#include <nlohmann/json.hpp>

#include "duckpart/analyze.h"

namespace duckpart {
namespace {

using nlohmann::json;

json DistributionJson(const Distribution& d) {
  return {{"count", d.count},   {"sum", d.sum}, {"mean", d.mean},
          {"stddev", d.stddev}, {"cv", d.cv},   {"median", d.median},
          {"min", d.min},       {"max", d.max}, {"max_over_median", d.max_over_median},
          {"gini", d.gini}};
}

json FindingJson(const Finding& f) {
  return {{"kind", f.kind},       {"severity", SeverityName(f.severity)},
          {"message", f.message}, {"command", f.command.empty() ? json(nullptr) : json(f.command)},
          {"count", f.count},     {"partitions", f.partitions}};
}

json PartitionJson(const PartitionStats& p) {
  json keys = json::array();
  for (const auto& k : p.keys) keys.push_back(k ? json(*k) : json(nullptr));
  json out = {{"id", p.id},
              {"path", p.path},
              {"keys", keys},
              {"rows", p.rows},
              {"bytes", p.bytes},
              {"files", p.files},
              {"smallest_file", p.smallest_file},
              {"largest_file", p.largest_file}};
  if (!p.table.empty()) out["table"] = p.table;
  return out;
}

}  // namespace

nlohmann::json ToJson(const AnalysisReport& r) {
  json findings = json::array(), parts = json::array();
  for (const auto& f : r.findings) findings.push_back(FindingJson(f));
  for (const auto& p : r.partitions) parts.push_back(PartitionJson(p));
  const FileBand& b = r.file_band;
  return {{"target", r.target},
          {"kind", r.kind},
          {"version", r.version},
          {"spec", r.spec},
          {"source", r.source},
          {"created_at", r.created_at},
          {"verdict", r.verdict},
          {"partitions", static_cast<int64_t>(r.partitions.size())},
          {"rows", r.total_rows},
          {"bytes", r.total_bytes},
          {"files", r.total_files},
          {"target_rows", r.target_rows},
          {"target_rows_derived", r.target_rows_derived},
          {"target_file_bytes", r.target_file_bytes},
          {"rows_per_partition", DistributionJson(r.rows)},
          {"bytes_per_partition", DistributionJson(r.bytes)},
          {"file_band",
           {{"files", b.files},
            {"below", b.below},
            {"within", b.within},
            {"above", b.above},
            {"low_bytes", b.low_bytes},
            {"high_bytes", b.high_bytes}}},
          {"findings", findings},
          {"footer_files", r.footer_files},
          {"seconds", r.seconds},
          {"partition_stats", parts}};
}

}  // namespace duckpart

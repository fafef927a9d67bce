#include <nlohmann/json.hpp>

#include "duckpart/error.h"
#include "duckpart/plan.h"

namespace duckpart {

using nlohmann::json;

json ToJson(const ResolvedField& f) {
  json cuts = json::array();
  for (const auto& c : f.cuts)
    cuts.push_back({{"inclusive", c.inclusive}, {"sql", c.sql}, {"text", c.text}});
  json out = {{"field", ToString(f.field)},   {"name", f.field.Name()}, {"column", f.field.column},
              {"column_type", f.column_type}, {"key_sql", f.key_sql},   {"label_sql", f.label_sql}};
  if (!f.cuts.empty()) out["cuts"] = cuts;
  if (f.heavy_values) out["heavy_values"] = f.heavy_values;
  if (!f.quantile_method.empty()) out["quantile_method"] = f.quantile_method;
  return out;
}

ResolvedField ResolvedFieldFromJson(const json& j) {
  try {
    ResolvedField f;
    const Spec spec = ParseSpec(j.at("field").get<std::string>());
    if (spec.fields.size() != 1) throw InputError("a resolved field holds one field");
    f.field = spec.fields[0];
    // "name" is the field's name on disk; manifests written before fields could be named
    // with AS record the names of their time (an identity field named after its column).
    if (j.contains("name")) {
      f.field.name = j.at("name").get<std::string>();
      if (f.field.name.empty() || f.field.name == f.field.DefaultName()) f.field.name.clear();
    }
    f.column_type = j.at("column_type").get<std::string>();
    f.key_sql = j.at("key_sql").get<std::string>();
    f.label_sql = j.at("label_sql").get<std::string>();
    for (const auto& c : j.value("cuts", json::array())) {
      f.cuts.push_back({c.at("inclusive").get<bool>(), c.at("sql").get<std::string>(),
                        c.at("text").get<std::string>()});
    }
    f.heavy_values = j.value("heavy_values", int64_t{0});
    f.quantile_method = j.value("quantile_method", std::string());
    return f;
  } catch (const json::exception& e) {
    throw InputError(std::string("malformed field in manifest: ") + e.what());
  }
}

json ToJson(const Plan& plan) {
  json fields = json::array(), stats = json::array(), parts = json::array(), schema = json::array();
  for (const auto& f : plan.fields) fields.push_back(ToJson(f));
  for (const auto& c : plan.schema) schema.push_back({{"name", c.name}, {"type", c.type}});
  for (const auto& s : plan.stats) {
    stats.push_back({{"column", s.column},
                     {"type", s.type},
                     {"nulls", s.nulls},
                     {"distinct_estimate", s.distinct_estimate},
                     {"min", s.min},
                     {"max", s.max}});
  }
  for (const auto& p : plan.partitions) {
    json keys = json::array();
    for (const auto& k : p.keys) keys.push_back(k ? json(*k) : json(nullptr));
    json part = {{"id", p.id},     {"path", p.path},         {"keys", keys},
                 {"rows", p.rows}, {"checksum", p.checksum}, {"est_bytes", p.est_bytes}};
    bool any_range = false;
    for (const auto& r : p.ranges) any_range |= !r.empty();
    if (any_range) part["ranges"] = p.ranges;
    parts.push_back(part);
  }
  const auto& b = plan.balance;
  return {{"spec", ToString(plan.spec)},
          {"spec_json", ToJson(plan.spec)},
          {"source", plan.source},
          {"schema", schema},
          {"fields", fields},
          {"columns", stats},
          {"total_rows", plan.total_rows},
          {"total_checksum", plan.total_checksum},
          {"est_bytes", plan.est_bytes},
          {"transform_version", plan.transform_version},
          {"balance",
           {{"partitions", b.partitions},
            {"mean", b.mean},
            {"median", b.median},
            {"stddev", b.stddev},
            {"cv", b.cv},
            {"max_over_median", b.max_over_median},
            {"verdict", b.verdict},
            {"warnings", b.warnings}}},
          {"partitions", parts}};
}

}  // namespace duckpart

#include "cases.h"

#include <fmt/format.h>

#include <algorithm>

#include "data_gen.h"
#include "granularity.h"
#include "text.h"
#include "util/format.h"

namespace bench {

using duckpart::util::FormatCount;

const std::vector<std::string> kMethods = {
    "reference", "native_unsorted",     "native_sorted",        "where_per_partition",
    "duckpart",  "duckpart_novalidate", "duckpart_append_1pct", "duckpart_retain_month"};

namespace {

std::string g_no_validate_flag = "--no-validate";

int64_t RowsOf(const json& info, const std::string& table) {
  return info["tables"].contains(table) ? info["tables"][table].get<int64_t>() : 0;
}

Case MainReference(const std::string& db_path, const json& info, const std::string& table) {
  Case k;
  k.section = "main";
  k.group = "reference (" + table + ")";
  k.table = table;
  k.db = db_path;
  k.rows = RowsOf(info, table);
  k.method = "reference";
  k.id = "main-ref-" + table;
  k.ref_id = k.id;
  return k;
}

Case MainCase(const Config& c, const std::string& db_path, const json& info, const std::string& id,
              const std::string& m) {
  const Granularity g = MustGranularity(id);
  Case k;
  k.section = "main";
  k.group = g.label;
  k.gran_id = id;
  k.table = g.table;
  k.db = db_path;
  k.rows = RowsOf(info, g.table);
  k.partitions = info["partitions"][id].get<int64_t>();
  k.method = m;
  k.id = fmt::format("main-{}-{}", id, m);
  k.ref_id = "main-ref-" + g.table;
  if (m == "where_per_partition" && k.partitions > c.where_max_partitions) {
    k.skip = fmt::format(
        "skipped: too slow at this size ({} partitions = {} full scans > "
        "--where-max-partitions {})",
        FormatCount(k.partitions), FormatCount(k.partitions), FormatCount(c.where_max_partitions));
  }
  if (IsLifecycleMethod(m) && g.kind != Granularity::Kind::kTime)
    k.skip = "skipped: append and retain are measured on the time granularities";
  return k;
}

}  // namespace

bool IsDuckpartMethod(const std::string& method) {
  return method == "duckpart" || method == "duckpart_novalidate" || IsLifecycleMethod(method);
}

bool IsLifecycleMethod(const std::string& method) {
  return method == "duckpart_append_1pct" || method == "duckpart_retain_month";
}

void SetNoValidateFlag(const std::string& flag) { g_no_validate_flag = flag; }
const std::string& NoValidateFlag() { return g_no_validate_flag; }

std::string MethodLabel(const std::string& m) {
  if (m == "reference") return "reference: COPY to one Parquet file";
  if (m == "native_unsorted") return "COPY ... PARTITION_BY";
  if (m == "native_sorted") return "COPY ... PARTITION_BY, sorted by key";
  if (m == "where_per_partition") return "one COPY ... WHERE per partition";
  if (m == "duckpart") return "duckpart run";
  if (m == "duckpart_novalidate") return "duckpart run " + g_no_validate_flag;
  if (m == "duckpart_append_1pct") return "duckpart append of 1% (id % 100 = 0)";
  if (m == "duckpart_retain_month") return "duckpart retain of the oldest month";
  return m;
}

fs::path DataFile(const Config& c, int64_t rows, int64_t wide_rows) {
  return c.data_dir /
         fmt::format("events-r{}-w{}-s{}-g{}.duckdb", rows, wide_rows, c.seed, kGeneratorVersion);
}

std::vector<std::string> EngineArgs(const Config& c) {
  return {"--memory-limit",
          c.engine.memory_limit,
          "--threads",
          std::to_string(c.engine.threads),
          "--preserve-insertion-order",
          c.engine.preserve_insertion_order ? "true" : "false",
          "--temp-dir",
          c.engine.temp_dir};
}

fs::path LogDir(const Config& c) { return c.results_dir / "logs"; }

std::vector<Case> MainCases(const Config& c, const std::string& db_path, const json& info) {
  std::vector<Case> cases = {MainReference(db_path, info, "events")};
  bool wide_ref = false;
  for (const auto& id : c.grans) {
    if (MustGranularity(id).table == "events_wide" && !wide_ref) {
      cases.push_back(MainReference(db_path, info, "events_wide"));
      wide_ref = true;
    }
    for (const auto& m : c.methods) {
      if (m != "reference") cases.push_back(MainCase(c, db_path, info, id, m));
    }
  }
  return cases;
}

std::vector<Case> SweepRowsCases(const Config& c, int64_t rows, const std::optional<json>& info,
                                 const std::string& why) {
  std::vector<Case> point;
  for (const auto& m : c.sweep_methods) {
    Case k;
    k.section = "sweep_rows";
    k.group = HumanCount(rows) + " rows";
    k.table = "events";
    k.db = DataFile(c, rows, 0).string();
    k.rows = rows;
    k.method = m;
    k.id = fmt::format("sweep-rows{}-{}", rows, m);
    k.ref_id = fmt::format("sweep-rows{}-reference", rows);
    if (m != "reference") {
      k.gran_id = "day";
      k.partitions = info ? (*info)["partitions"]["day"].get<int64_t>() : 0;
      if (m == "where_per_partition" && k.partitions > c.where_max_partitions) {
        k.skip = "skipped: too slow at this size";
      }
    }
    if (!why.empty()) k.skip = why;
    point.push_back(k);
  }
  return point;
}

std::vector<std::string> SweepPartitionGrans(const Config& c) {
  std::vector<std::string> grans;
  for (int64_t n : c.sweep_partitions) grans.push_back(fmt::format("idbucket{}", n));
  return grans;
}

namespace {

Case SweepPartitionReference(const Config& c, const std::string& why) {
  const int64_t prow = c.sweep_partition_rows;
  Case ref;
  ref.section = "sweep_partitions";
  ref.group = "reference";
  ref.table = "events";
  ref.db = DataFile(c, prow, 0).string();
  ref.rows = prow;
  ref.method = "reference";
  ref.id = fmt::format("sweep-parts-r{}-reference", prow);
  ref.ref_id = ref.id;
  if (!why.empty()) ref.skip = why;
  return ref;
}

}  // namespace

std::vector<Case> SweepPartitionCases(const Config& c, const std::optional<json>& info,
                                      const std::string& why) {
  const Case ref = SweepPartitionReference(c, why);
  const std::vector<std::string> grans = SweepPartitionGrans(c);
  std::vector<Case> cases = {ref};
  for (size_t i = 0; i < grans.size(); ++i) {
    for (const auto& m : c.sweep_methods) {
      if (m == "reference") continue;
      Case k = ref;
      k.group = fmt::format("{} buckets", FormatCount(c.sweep_partitions[i]));
      k.gran_id = grans[i];
      k.method = m;
      k.id = fmt::format("sweep-parts-{}-{}", grans[i], m);
      k.partitions = info ? (*info)["partitions"][grans[i]].get<int64_t>() : c.sweep_partitions[i];
      if (m == "where_per_partition" && k.partitions > c.where_max_partitions) {
        k.skip = fmt::format("skipped: too slow at this size ({} partitions)",
                             FormatCount(k.partitions));
      }
      if (!why.empty()) k.skip = why;
      cases.push_back(k);
    }
  }
  return cases;
}

}  // namespace bench

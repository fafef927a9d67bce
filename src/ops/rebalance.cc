// `rebalance` on a Parquet dataset: the RebalanceOperation driven over a ParquetTarget.
#include "duckpart/rebalance.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "duckpart/error.h"
#include "duckpart/run.h"
#include "ops/parquet_base.h"
#include "ops/rebalance_operation.h"
#include "plan/range_key.h"
#include "store/dataset_store.h"
#include "util/byte_size.h"
#include "util/format.h"

namespace duckpart {
namespace {

// Rebalance reads the base version's files itself: its workspace needs a source only to exist.
const SourceOptions kNoRows{.query = "SELECT 1 AS no_rows"};

void CheckBound(const std::optional<int64_t>& value, const char* option, int64_t low,
                int64_t high) {
  if (!value || (*value >= low && *value <= high)) return;
  throw InputError(fmt::format("{} must be between {} and {}, not {}", option, low, high, *value));
}

void CheckRequest(const RebalanceRequest& r) {
  if (!r.database.empty()) {
    throw InputError(
        "rebalance --to-db is not supported yet; rebalance a Parquet dataset "
        "folder, or rewrite the schema with duckpart repartition --to-db");
  }
  if (r.target.empty()) throw InputError("give the dataset to rebalance");
  const int modes = (r.target_rows ? 1 : 0) + (r.target_bytes ? 1 : 0) + (r.compact ? 1 : 0);
  if (modes != 1) {
    throw InputError(modes == 0 ? "give --target-rows N, --target-size SIZE or --compact"
                                : "give only one of --target-rows, --target-size and --compact");
  }
  CheckBound(r.target_rows, "--target-rows", 1, kMaxRebalanceTargetRows);
  CheckBound(r.target_bytes, "--target-size", kMinRebalanceFileBytes, kMaxRebalanceFileBytes);
  CheckBound(r.target_file_bytes, "--target-file-size", kMinRebalanceFileBytes,
             kMaxRebalanceFileBytes);
  if (r.partitions.size() > kMaxRebalancePartitionArgs) {
    throw InputError(fmt::format("--partition is given {} times; at most {}", r.partitions.size(),
                                 kMaxRebalancePartitionArgs));
  }
}

// Per partition of `m`, whether the request lets rebalance rewrite it.
std::vector<bool> Eligible(const Manifest& m, const RebalanceRequest& r) {
  if (r.partitions.empty()) return std::vector<bool>(m.partitions.size(), true);
  std::set<std::string> wanted;
  for (std::string p : r.partitions) {
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    wanted.insert(p);
  }
  std::vector<bool> out;
  for (const auto& p : m.partitions) out.push_back(wanted.erase(p.path) > 0);
  if (!wanted.empty()) {
    throw InputError(
        fmt::format("dataset '{}' has no partition '{}' ({} partitions; `duckpart "
                    "info {}` lists them); nothing was changed",
                    r.target, *wanted.begin(), m.partitions.size(), r.target));
  }
  return out;
}

// The rows per partition a re-cut aims at (0: compaction only), with the notes that say why.
int64_t TargetRows(const Manifest& m, const RebalanceRequest& r, std::vector<std::string>& notes) {
  if (r.compact) return 0;
  if (!ops::CanRecut(m)) {
    notes.push_back("the spec " + ToString(m.spec) +
                    " has no single range or quantile field: rebalance keeps its partitions and "
                    "only compacts files (duckpart repartition --by changes the spec)");
    return 0;
  }
  int64_t rows = r.target_rows.value_or(0);
  if (r.target_bytes && m.total_bytes > 0) {
    rows = static_cast<int64_t>(
        std::ceil(static_cast<double>(*r.target_bytes) * static_cast<double>(m.total_rows) /
                  static_cast<double>(m.total_bytes)));
  }
  rows = std::max<int64_t>(rows, 1);
  if (m.total_rows / rows > plan::kMaxQuantiles) {
    throw InputError(
        fmt::format("a target of {} rows would cut {} rows into over {} partitions; "
                    "give a larger target",
                    rows, m.total_rows, plan::kMaxQuantiles));
  }
  return rows;
}

std::string Describe(const RebalanceRequest& r) {
  std::string d = r.compact       ? "--compact"
                  : r.target_rows ? "--target-rows " + std::to_string(*r.target_rows)
                                  : "--target-size " + util::FormatBytes(*r.target_bytes);
  if (r.target_file_bytes != RebalanceRequest{}.target_file_bytes)
    d += " --target-file-size " + util::FormatBytes(r.target_file_bytes);
  for (const auto& p : r.partitions) d += " --partition " + p;
  return d;
}

}  // namespace

namespace {

void Summarize(RebalanceReport& report, const Manifest& base) {
  int64_t from = 0, to = 0;
  for (const auto& g : report.groups) {
    report.rows_rewritten += g.rows;
    from += static_cast<int64_t>(g.from.size());
    to += static_cast<int64_t>(g.to.size());
  }
  report.partitions_before = static_cast<int64_t>(base.partitions.size());
  report.partitions_after = report.partitions_before - from + to;
  report.partitions_shared = report.partitions_before - from;
}

ops::RebalanceSettings SettingsFor(const RebalanceRequest& r, const ops::BaseVersion& base,
                                   std::vector<std::string>& notes) {
  ops::RebalanceSettings s;
  s.layout.target_rows = TargetRows(base.manifest, r, notes);
  s.layout.band = ops::BandOf(r.target_file_bytes);
  s.layout.eligible = Eligible(base.manifest, r);
  s.describe = Describe(r);
  return s;
}

bool NothingToDo(const Manifest& m, const ops::RebalanceSettings& s) {
  const auto groups = ops::PlanLayout(m, s.layout);
  return std::none_of(groups.begin(), groups.end(),
                      [](const ops::LayoutGroup& g) { return g.rewritten(); });
}

Outcome Drive(const RebalanceRequest& request, const EngineOptions& engine,
              ops::RebalanceOperation& op, RebalanceReport& report,
              const OperationControl& control) {
  const RunOptions options{.target = request.target, .replace = true, .verify = request.verify};
  return ops::DriveOnParquet(kNoRows, engine, op, options, control, "rebalance",
                             [&](const Manifest& m, ops::Change&) { report.manifest = m; });
}

}  // namespace

RebalanceReport RebalanceDataset(const RebalanceRequest& request, const OperationControl& control) {
  CheckRequest(request);
  const EngineOptions engine = ops::WithDatasetSpill(request.engine, request.target);
  RebalanceReport report{.dry_run = request.dry_run,
                         .target_file_bytes = request.target_file_bytes};
  const ops::BaseVersion base = ops::CurrentParquetVersion(request.target);
  const ops::RebalanceSettings settings = SettingsFor(request, base, report.notes);
  report.target_rows = settings.layout.target_rows;
  report.manifest = base.manifest;
  if (NothingToDo(base.manifest, settings)) return report;
  ops::RebalanceOperation op(base, store::DatasetStore(request.target).VersionDir(base.version),
                             settings);
  if (request.dry_run) {
    Workspace ws(kNoRows, engine);
    ops::WorkMeter untimed;
    op.Plan(ws, untimed);
  } else {
    report.outcome = Drive(request, engine, op, report, control);
  }
  report.groups = op.groups();
  Summarize(report, base.manifest);
  return report;
}

}  // namespace duckpart

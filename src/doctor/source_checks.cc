#include "doctor/source_checks.h"

#include <fmt/format.h>

#include "db/database.h"
#include "db/sql.h"
#include "doctor/column_profile.h"
#include "duckpart/error.h"
#include "duckpart/plan.h"
#include "duckpart/spec.h"
#include "plan/workspace_access.h"
#include "util/format.h"

namespace duckpart::doctor {
namespace {

std::vector<ColumnInfo> ChosenColumns(const Workspace& ws, const std::string& column,
                                      std::vector<DoctorCheck>* checks) {
  if (!column.empty()) {
    const ColumnInfo* c = ws.FindColumn(column);
    if (c == nullptr)
      throw InputError("--column '" + column + "': no such column in " + ws.source().Describe());
    return {*c};
  }
  std::vector<ColumnInfo> columns = ws.columns();
  if (columns.size() > kMaxProfiledColumns) {
    checks->push_back(
        {"source", "columns", CheckStatus::kWarn,
         fmt::format("{} columns; the first {} are analysed", columns.size(), kMaxProfiledColumns),
         "name the column to partition by with --column"});
    columns.resize(kMaxProfiledColumns);
  }
  return columns;
}

// Up to three values of a VARCHAR column that do not cast to TIMESTAMP, quoted.
std::string BadDateExamples(Workspace& ws, const std::string& column) {
  const std::string q = db::QuoteIdent(column);
  db::Result r = WorkspaceConnection(ws).Query("SELECT DISTINCT " + q + " FROM " + ws.relation() +
                                               " AS s WHERE " + q + " IS NOT NULL AND TRY_CAST(" +
                                               q + " AS TIMESTAMP) IS NULL LIMIT 3");
  std::string examples;
  for (uint64_t i = 0; i < r.RowCount(); ++i)
    examples += (i ? ", '" : "'") + r.GetString(i, 0) + "'";
  return examples;
}

// The planner's prediction for `spec`: balance against cv_warn and max_partitions; a spec that
// does not fit is a FAIL.
DoctorCheck Predict(Workspace& ws, const Spec& spec, const std::string& name,
                    const DoctorThresholds& t, SourceFindings* findings) {
  const std::string text = ToString(spec);
  Plan plan;
  try {
    plan = MakePlan(ws, spec, PlanOptions{.max_partitions_warning = t.max_partitions});
  } catch (const InputError& e) {
    return {"source", name, CheckStatus::kFail, text + ": " + e.what(),
            "choose a transform the column checks list as fitting"};
  }
  findings->est_bytes = plan.est_bytes;
  if (name == "spec") findings->partitions = plan.balance.partitions;
  const Balance& b = plan.balance;
  DoctorCheck check{
      "source", name, CheckStatus::kPass,
      fmt::format("{}: {} partitions of ~{} rows, CV {:.2f} ({}), max/median {:.2f}", text,
                  util::FormatCount(b.partitions), util::FormatCount(static_cast<int64_t>(b.mean)),
                  b.cv, b.verdict, b.max_over_median),
      "balanced: duckpart plan --by \"" + text + "\" lists the partitions"};
  if (b.cv > t.cv_warn || b.partitions > t.max_partitions) {
    check.status = CheckStatus::kWarn;
    check.advice = !b.warnings.empty()
                       ? b.warnings.front()
                       : fmt::format("CV over cv_warn {:.2f}: try quantile(N, {}) for equal ranges",
                                     t.cv_warn, spec.fields.front().column);
  }
  return check;
}

}  // namespace

SourceFindings CheckSource(const DoctorOptions& o) {
  Workspace ws(*o.source, o.engine);
  SourceFindings findings;
  const std::vector<ColumnProfile> profiles =
      ProfileColumns(ws, ChosenColumns(ws, o.column, &findings.checks));
  for (const auto& p : profiles) {
    DoctorCheck check = ColumnCheck(p, o.thresholds.max_partitions);
    if (p.BadDates() > 0)
      check.detail += "; values that do not cast: " + BadDateExamples(ws, p.name);
    findings.checks.push_back(check);
  }
  const Spec suggested = SuggestSpec(profiles, o.thresholds.max_partitions);
  if (suggested.fields.empty()) {
    findings.checks.push_back(
        {"source", "suggested-spec", CheckStatus::kWarn, "no column suits partitioning",
         "the source is small or its columns are all floats, blobs or nested"});
  } else {
    findings.checks.push_back(Predict(ws, suggested, "suggested-spec", o.thresholds, &findings));
  }
  if (!o.by.empty())
    findings.checks.push_back(Predict(ws, ParseSpec(o.by), "spec", o.thresholds, &findings));
  return findings;
}

}  // namespace duckpart::doctor

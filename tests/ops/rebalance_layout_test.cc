#include "ops/rebalance_layout.h"

#include <gtest/gtest.h>

namespace duckpart::ops {
namespace {

// A quantile dataset whose partitions hold these rows (range indices 0..n-1; a negative
// count is the NULL partition with that many rows), each in one file of `bytes`.
Manifest Of(const std::vector<int64_t>& rows, int64_t bytes = 100) {
  Manifest m;
  m.spec = ParseSpec("quantile(4, id)");
  m.fields.push_back({.field = m.spec.fields[0], .column_type = "BIGINT"});
  for (size_t i = 0; i < rows.size(); ++i) {
    Partition p{.id = static_cast<int64_t>(i), .rows = rows[i] < 0 ? -rows[i] : rows[i]};
    if (rows[i] >= 0) p.keys = {std::to_string(i)};
    if (rows[i] < 0) p.keys = {std::nullopt};
    p.path = "p" + std::to_string(i);
    p.files = {{p.path + "/f", p.rows, bytes}};
    m.partitions.push_back(std::move(p));
  }
  return m;
}

LayoutSettings Target(const Manifest& m, int64_t rows) {
  return {.target_rows = rows,
          .band = BandOf(100),
          .eligible = std::vector<bool>(m.partitions.size(), true)};
}

std::vector<std::string> Kinds(const std::vector<LayoutGroup>& groups) {
  std::vector<std::string> out;
  for (const auto& g : groups) out.push_back(g.kind.empty() ? "keep" : g.kind);
  return out;
}

TEST(RebalanceLayout, SplitsAPartitionOverTwiceTheTargetIntoRoundedPieces) {
  const Manifest m = Of({1000, 10000, 900});
  const auto groups = PlanLayout(m, Target(m, 1000));
  EXPECT_EQ(Kinds(groups), (std::vector<std::string>{"keep", "split", "keep"}));
  EXPECT_EQ(groups[1].pieces, 10);
}

TEST(RebalanceLayout, MergesARunOfSmallPartitionsUntilEachHoldsHalfTheTarget) {
  const Manifest m = Of({100, 200, 300, 100, 1000});
  const auto groups = PlanLayout(m, Target(m, 1000));
  ASSERT_EQ(Kinds(groups), (std::vector<std::string>{"merge", "merge"}));
  EXPECT_EQ(groups[0].members, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(groups[0].rows, 600);
  // The small tail joined the partition after it (then 1100 rows, in band).
  EXPECT_EQ(groups[1].members, (std::vector<size_t>{3, 4}));
}

TEST(RebalanceLayout, ASmallLastPartitionJoinsTheGroupBefore) {
  const Manifest m = Of({1000, 1000, 100});
  const auto groups = PlanLayout(m, Target(m, 1000));
  EXPECT_EQ(Kinds(groups), (std::vector<std::string>{"keep", "merge"}));
  EXPECT_EQ(groups[1].rows, 1100);
}

TEST(RebalanceLayout, TheNullPartitionAndPartitionsNotChosenStayAlone) {
  const Manifest m = Of({100, 100, 100, -50});
  LayoutSettings s = Target(m, 1000);
  s.eligible[1] = false;
  EXPECT_EQ(Kinds(PlanLayout(m, s)), (std::vector<std::string>{"keep", "keep", "keep", "keep"}));
}

TEST(RebalanceLayout, WithoutATargetOnlyPartitionsWithFilesOutOfTheBandAreRewritten) {
  Manifest m = Of({10, 10, 10}, 80);
  m.partitions[0].files.push_back({"p0/g", 1, 10});
  m.partitions[0].files.push_back({"p0/h", 1, 10});
  m.partitions[2].files[0].bytes = 500;  // over 1.8x the target of 100
  const auto groups = PlanLayout(m, Target(m, 0));
  EXPECT_EQ(Kinds(groups), (std::vector<std::string>{"compact", "keep", "compact"}));
}

TEST(RebalanceLayout, OneSmallFileIsNotACompaction) {
  const Manifest m = Of({10}, 5);
  EXPECT_FALSE(NeedsCompaction(m.partitions[0], BandOf(100)));
}

}  // namespace
}  // namespace duckpart::ops

#include "cli/progress_model.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace duckpart::cli {
namespace {

// A write of `total` rows: `done` rows finished, a running step of `running` rows at
// DuckDB's `fraction`, `seen` of them seen finished by duckpart.
ProgressSnapshot Write(double seconds, int64_t total, int64_t done, int64_t running,
                       std::optional<double> fraction, int64_t seen = 0) {
  ProgressSnapshot s;
  s.phase = Phase::kWrite;
  s.phase_seconds = seconds;
  s.rows_total = total;
  s.work_total = total;
  s.work_done = done;
  s.work_running = running;
  s.fraction = fraction;
  s.work_seen = seen;
  return s;
}

TEST(ProgressModel, ANewQueryThatRestartsDuckDbsFractionDoesNotMoveTheBarBack) {
  ProgressModel m;
  // One step of the whole phase (a phase of several queries): 90%, then the next query.
  const double before = m.Update(Write(1, 1000, 0, 1000, 0.9)).percent;
  const double after = m.Update(Write(2, 1000, 0, 1000, 0.1)).percent;
  EXPECT_NEAR(before, 90 * kRunningShare, 1e-9);
  EXPECT_GE(after, before);
  // ... and it moves again as the new query does, towards 100 but not to it.
  const double later = m.Update(Write(3, 1000, 0, 1000, 0.55)).percent;
  EXPECT_GT(later, after);
  // half of what remained after the restart
  const double a = 0.1 * kRunningShare, at = 0.55 * kRunningShare;
  EXPECT_NEAR(later, before + (100 - before) * (at - a) / (1 - a), 1e-9);
  EXPECT_LT(m.Update(Write(4, 1000, 0, 1000, 1.0)).percent, 100);
}

TEST(ProgressModel, PartitionsSeenWrittenMoveTheBarWhileDuckDbStandsStill) {
  ProgressModel m;
  // DuckDB's sorted COPY stands at 93% while the partitions are written.
  double last = m.Update(Write(1, 1000, 0, 1000, 0.93)).percent;
  for (int64_t seen : {940, 960, 980, 995}) {
    const double now = m.Update(Write(2, 1000, 0, 1000, 0.93, seen)).percent;
    EXPECT_GT(now, last) << seen;
    last = now;
  }
}

TEST(ProgressModel, WorkFoundLaterDoesNotMoveTheBarBack) {
  ProgressModel m;
  const double copied = m.Update(Write(1, 1000, 1000, 0, std::nullopt)).percent;
  // Merges found after the write add 500 rows of work.
  ProgressSnapshot s = Write(2, 1000, 1000, 250, 0.0);
  s.work_total = 1500;
  const double merging = m.Update(s).percent;
  EXPECT_GE(merging, copied);
  s.work_done = 1250;
  s.work_running = 250;
  const double more = m.Update(s).percent;
  EXPECT_GT(more, merging);
  EXPECT_LT(more, 100);
}

TEST(ProgressModel, OnlyTheEndOfThePhaseShows100) {
  ProgressModel m;
  EXPECT_LT(m.Update(Write(1, 1000, 1000, 0, std::nullopt)).percent, 100);
  const ProgressView v = m.Finish(Write(2, 1000, 1000, 0, std::nullopt));
  EXPECT_EQ(v.percent, 100);
  EXPECT_EQ(v.rows_done, 1000);
}

TEST(ProgressModel, ASnapshotThatArrivesAfterThePhaseEndedDoesNotUndoIt) {
  ProgressModel m;
  m.Update(Write(1, 1000, 500, 500, 0.5));
  EXPECT_EQ(m.Finish(Write(2, 1000, 1000, 0, std::nullopt)).percent, 100);
  EXPECT_EQ(m.Update(Write(1.9, 1000, 900, 100, 0.5)).percent, 100);
}

TEST(ProgressModel, EtaIsTheRemainingRowsAtTheRateSoFar) {
  ProgressModel m;
  EXPECT_FALSE(m.Update(Write(0.0, 1000, 0, 1000, std::nullopt)).eta) << "no rate yet";
  const ProgressView v = m.Update(Write(10, 1000, 200, 800, 0.25));  // 400 rows in 10 s
  ASSERT_TRUE(v.eta);
  EXPECT_NEAR(*v.eta, 15, 1e-9);
  EXPECT_NEAR(v.rows_per_second, 40, 1e-9);
  EXPECT_EQ(v.rows_done, 400);
}

TEST(ProgressModel, ANewPhaseStartsAfresh) {
  ProgressModel m;
  m.Update(Write(1, 1000, 900, 100, std::nullopt));
  ProgressSnapshot verify = Write(0.5, 1000, 0, 1000, 0.1);
  verify.phase = Phase::kVerify;
  EXPECT_NEAR(m.Update(verify).percent, 10 * kRunningShare, 1e-9);
}

TEST(ProgressModel, RowsAndBytesNeverGoBack) {
  ProgressModel m;
  ProgressSnapshot s = Write(1, 1000, 0, 1000, 0.5);
  s.bytes_written = 5000;
  m.Update(s);
  s.fraction = 0.1;  // a restart
  s.bytes_written = 4000;
  const ProgressView v = m.Update(s);
  EXPECT_EQ(v.rows_done, 500);
  EXPECT_EQ(v.bytes, 5000);
}

TEST(DescribeProgress, SaysRowsOfTheTotalBytesRateStepAndEta) {
  ProgressModel m;
  ProgressSnapshot s = Write(10, 2000, 1000, 1000, 0.0);
  s.bytes_written = 3 * 1024 * 1024;
  s.step = "pass 2/2";
  const std::string text = DescribeProgress(m.Update(s));
  EXPECT_NE(text.find(fmt::format("{:.1f}%", 50 * kRunningShare)), std::string::npos) << text;
  EXPECT_NE(text.find("1,000 of 2,000 rows"), std::string::npos) << text;
  EXPECT_NE(text.find("3.0 MiB"), std::string::npos) << text;
  EXPECT_NE(text.find("100 rows/s"), std::string::npos) << text;
  EXPECT_NE(text.find("pass 2/2"), std::string::npos) << text;
  EXPECT_NE(text.find("eta 10s"), std::string::npos) << text;
}

TEST(DescribeProgress, APhaseThatCountsNoRowsShowsOnlyItsTime) {
  ProgressModel m;
  ProgressSnapshot s;
  s.phase = Phase::kPlan;
  s.phase_seconds = 3.2;
  s.fraction = 0.5;
  const std::string text = DescribeProgress(m.Update(s));
  EXPECT_EQ(text, "3s");
}

TEST(DescribePhaseDone, GivesRowsBytesTimeAndRate) {
  ProgressModel m;
  ProgressSnapshot s = Write(2, 1000, 1000, 0, std::nullopt);
  s.bytes_written = 2048;
  EXPECT_EQ(DescribePhaseDone(m.Finish(s)), "write: 1,000 rows, 2.0 KiB in 2.0 s (500 rows/s)");
  ProgressSnapshot plan;
  plan.phase_seconds = 0.3;
  EXPECT_EQ(DescribePhaseDone(m.Finish(plan)), "plan: done in 0.3 s");
}

}  // namespace
}  // namespace duckpart::cli

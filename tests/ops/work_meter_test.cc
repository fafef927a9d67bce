// The WorkMeter times each kind of step of a phase: from its start to its finish, to the
// next step's start when it was not finished, and to TakeSteps for the one still running.
#include "ops/work_meter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace duckpart::ops {
namespace {

void Sleep(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

TEST(WorkMeter, StepsOfOneKindAddUpInTheOrderFirstBegun) {
  WorkMeter m;
  m.Begin(100);
  m.StartStep("pass", 0, 2, 50);
  Sleep(10);
  m.FinishStep();
  Sleep(400);  // between steps: no step's time
  m.StartStep("merge", 0, 1, 10);
  Sleep(10);
  m.StartStep("pass", 1, 2, 50);  // the unfinished merge ends here
  Sleep(10);
  m.FinishStep();
  Sleep(400);
  const auto steps = m.TakeSteps(Phase::kWrite);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].step, "pass");
  EXPECT_EQ(steps[1].step, "merge");
  EXPECT_EQ(steps[0].phase, Phase::kWrite);
  // Lower bounds from the sleeps; upper ones far below the 400 ms outside every step.
  EXPECT_GE(steps[0].seconds, 0.020);
  EXPECT_LT(steps[0].seconds, 0.400);
  EXPECT_GE(steps[1].seconds, 0.010);
  EXPECT_LT(steps[1].seconds, 0.400);
}

TEST(WorkMeter, TakeStepsStopsTheRunningStepAndEmptiesTheMeter) {
  WorkMeter m;
  m.Begin(0);
  m.StartStep("stats", 0, 1, 0);
  Sleep(20);
  const auto steps = m.TakeSteps(Phase::kPlan);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].phase, Phase::kPlan);
  EXPECT_GE(steps[0].seconds, 0.020);
  Sleep(20);
  EXPECT_TRUE(m.TakeSteps(Phase::kPlan).empty());  // nothing runs on after it was taken
}

TEST(WorkMeter, BeginForgetsThePreviousPhasesSteps) {
  WorkMeter m;
  m.Begin(10);
  m.StartStep("copy", 0, 1, 10);
  m.Begin(10);
  m.StartStep("batch", 0, 1, 10);
  m.FinishStep();
  const auto steps = m.TakeSteps(Phase::kVerify);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].step, "batch");
}

}  // namespace
}  // namespace duckpart::ops

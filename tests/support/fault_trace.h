// Trials that fail or crash every durable step of a command through the fault seam
// (src/store/fault.h), and the trace that counts those steps.
//
//   StepTrial t{.fresh = [&](const std::string& name) { return CopyOfOldVersion(name); },
//               .command = [&](const std::string& target) { return ReplaceArgs(target); },
//               .seen = [&](const std::string& target) { return WhichVersion(target); },
//               .settle = RecoverValidateCleanup(...)};
//   TrialEveryStep(dir, t);
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "duckpart/recover.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {

// Runs the command with DUCKPART_FAULT_TRACE=trace (it must succeed) and returns the durable
// steps it took: one line of the trace each.
inline int CountSteps(const std::vector<std::string>& args, const std::string& trace) {
  const RunResult r = RunDuckpart(args, {"DUCKPART_FAULT_TRACE=" + trace});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(ReadFile(trace));
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

// Which version a target shows: the old one, the new one, or a mix of them (or neither).
enum class Seen { kOld, kNew, kMix };

// Which version `value` (what a reader saw) is, given what the old and the new one hold.
template <class T>
Seen SeenOf(const T& value, const T& old_value, const T& new_value) {
  return value == old_value ? Seen::kOld : value == new_value ? Seen::kNew : Seen::kMix;
}

struct StepTrial {
  // A fresh target holding the old version, under a name of its own.
  std::function<std::string(const std::string& name)> fresh;
  // The command that changes a target to the new version.
  std::function<std::vector<std::string>(const std::string& target)> command;
  // What a reader sees in the target, asked right after the fault and before any recover.
  std::function<Seen(const std::string& target)> seen;
  // After the check: recover, validate, clean up, asserting the target still shows `seen`.
  std::function<void(const std::string& target, Seen seen)> settle;
  int min_steps = 1;
  bool new_can_show = true;  // some step lies past the commit point
};

// Counts the command's steps on one fresh target, then for every step N fails it and ends
// the process there (each on a fresh target): a crash exits by SIGKILL, a failure with 3
// (or 0 when it came after the commit point, when the new version shows); the target shows
// exactly the old or the new version before any recover, and `settle` passes. Both versions
// must be seen across the trials (the old one only, when `new_can_show` is false).
inline void TrialEveryStep(const TempDir& dir, const StepTrial& t) {
  const int steps = CountSteps(t.command(t.fresh("traced")), dir / "trace");
  ASSERT_GE(steps, t.min_steps) << ReadFile(dir / "trace");
  int old_seen = 0, new_seen = 0;
  for (int n = 1; n <= steps; ++n) {
    for (const std::string action : {"crash", "fail"}) {
      SCOPED_TRACE(action + " at step " + std::to_string(n));
      const std::string target = t.fresh("t" + std::to_string(n) + action);
      const RunResult r = RunDuckpart(t.command(target), {"DUCKPART_FAULT_AT=" + std::to_string(n),
                                                          "DUCKPART_FAULT_ACTION=" + action});
      if (action == "crash") {
        ASSERT_EQ(r.exit_code, 128 + 9) << r.err;
      } else {
        ASSERT_TRUE(r.exit_code == 3 || r.exit_code == 0) << r.exit_code << " " << r.err;
        if (r.exit_code == 3)
          EXPECT_NE(r.err.find("injected failure at step"), std::string::npos) << r.err;
      }
      const Seen seen = t.seen(target);
      ASSERT_NE(seen, Seen::kMix) << "before any recover; " << r.err;
      (seen == Seen::kNew ? new_seen : old_seen)++;
      if (action == "fail") EXPECT_EQ(seen == Seen::kNew, r.exit_code == 0) << r.err;
      if (t.settle) t.settle(target, seen);
    }
  }
  EXPECT_GT(old_seen, 0);
  if (t.new_can_show) {
    EXPECT_GT(new_seen, 0);
  } else {
    EXPECT_EQ(new_seen, 0);
  }
}

// The settle step for a Parquet dataset: `recover` keeps what a reader saw, `validate`
// (with `validate_args` after the folder, such as a source to compare with) passes,
// `cleanup` succeeds and the store holds no leftover.
inline std::function<void(const std::string&, Seen)> RecoverValidateCleanup(
    std::function<Seen(const std::string&)> seen, std::vector<std::string> validate_args = {}) {
  return [seen = std::move(seen), validate_args = std::move(validate_args)](
             const std::string& target, Seen before) {
    const RunResult rec = RunDuckpart({"recover", target});
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    EXPECT_EQ(seen(target), before) << "recover changed what readers see: " << rec.out;
    std::vector<std::string> validate = {"validate", target};
    validate.insert(validate.end(), validate_args.begin(), validate_args.end());
    const RunResult val = RunDuckpart(validate);
    EXPECT_EQ(val.exit_code, 0) << val.out << val.err;
    ASSERT_EQ(RunDuckpart({"cleanup", target}).exit_code, 0);
    for (const auto& item : InspectStore(target).leftovers)
      ADD_FAILURE() << "left behind: " << item.name;
  };
}

}  // namespace duckpart::testing

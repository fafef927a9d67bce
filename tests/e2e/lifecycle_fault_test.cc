// The guarantees of append and retain at every durable step: each step the fault seam
// (src/store/fault.h) announces is made to fail, and to die as by kill -9, one per trial.
// After each, a plain glob reader, before any `recover`, sees exactly the old version or,
// past the commit point, exactly the new one (they differ in rows and content); `recover`
// leaves it so; `validate` passes; `cleanup` leaves nothing behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "duckpart/recover.h"
#include "support/dataset.h"
#include "support/fault_trace.h"
#include "support/lifecycle.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

// Every step of `command(target)` over copies of `base`, read by a plain glob reader.
void TrialEveryStepOf(const TempDir& dir, const std::string& base,
                      const std::function<std::vector<std::string>(const std::string&)>& command,
                      const Content& old_content, const Content& new_content) {
  TrialEveryStepOnCopies(dir, base, command, ParquetContent, old_content, new_content);
}

TEST(FaultSeam, EveryDurableStepOfAnAppendFailsOrDiesLeavingOneWholeVersion) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 3000);
  const std::string base = dir / "base";
  // January to March (half of March); the append touches March and creates April.
  const std::string march = "ts >= TIMESTAMP '2023-03-01' AND ts < TIMESTAMP '2023-04-01'";
  ASSERT_EQ(RunDuckpart(Cat(Cat({"run"}, EventsWhere(db, "ts < TIMESTAMP '2023-04-01' AND NOT (" +
                                                             march + " AND id % 2 = 1)")),
                            {"--by", "month(ts)", "--to", base, "--threads", "1", "--quiet"}))
                .exit_code,
            0);
  const auto append = [&](const std::string& target) {
    return Cat(Cat({"append", target},
                   EventsWhere(db, "(" + march +
                                       " AND id % 2 = 1) OR (ts >= TIMESTAMP "
                                       "'2023-04-01' AND ts < TIMESTAMP '2023-05-01')")),
               {"--threads", "1", "--batch-id", "b", "--quiet"});
  };
  TrialEveryStepOf(dir, base, append, ParquetContent(base),
                   SourceContent(db, "ts < TIMESTAMP '2023-05-01'"));
}

TEST(FaultSeam, EveryDurableStepOfARetainFailsOrDiesLeavingOneWholeVersion) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 3000);
  const std::string base = dir / "base";
  ASSERT_EQ(RunDuckpart(Cat(Cat({"run"}, EventsWhere(db, "ts < TIMESTAMP '2023-05-01'")),
                            {"--by", "month(ts)", "--to", base, "--threads", "1", "--quiet"}))
                .exit_code,
            0);
  const auto retain = [](const std::string& target) {
    return std::vector<std::string>{"retain", target, "--older-than", "2023-03-01", "--quiet"};
  };
  TrialEveryStepOf(
      dir, base, retain, ParquetContent(base),
      SourceContent(db, "ts >= TIMESTAMP '2023-03-01' AND ts < TIMESTAMP '2023-05-01'"));
}

}  // namespace
}  // namespace duckpart::testing

// `duckpart doctor --leak-check OP --to DIR`: an operation run many times in one process, with
// the RSS growth per iteration.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/dataset.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

using nlohmann::json;

const json* LeakCheck(const json& report) {
  for (const auto& c : report["checks"])
    if (c["group"] == "leak") return &c;
  return nullptr;
}

TEST(DoctorLeakCheck, RepeatsAnOperationAndReportsRssGrowthPerIteration) {
  TempDir dir;
  const std::string db = MakeDemo(dir / "src", 1000);
  const std::string ds = dir / "ds";
  ASSERT_EQ(RunDuckpart({"run", "--db", db, "--table", "events", "--by", "bucket(2, id)", "--to",
                         ds, "--quiet"})
                .exit_code,
            0);
  for (const auto& [op, n] :
       std::vector<std::pair<std::string, std::string>>{{"monitor", "300"}, {"validate", "30"}}) {
    const RunResult r =
        RunDuckpart({"doctor", "--leak-check", op, "--to", ds, "--iterations", n, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const json report = json::parse(r.out);
    const json* c = LeakCheck(report);
    ASSERT_NE(c, nullptr) << r.out;
    EXPECT_EQ((*c)["status"], "PASS") << (*c)["detail"];
    EXPECT_NE((*c)["detail"].get<std::string>().find(op + " " + ds + " x " + n), std::string::npos)
        << (*c)["detail"];
    EXPECT_NE((*c)["detail"].get<std::string>().find("bytes per iteration"), std::string::npos);
  }
}

TEST(DoctorLeakCheck, AnUnknownOperationOrAMissingDatasetIsBadInput) {
  TempDir dir;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"doctor", "--leak-check", "compile", "--to", dir / "x"},
           {"doctor", "--leak-check", "validate", "--to", dir / "missing"},
           {"doctor", "--leak-check", "monitor"}}) {
    const RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << r.err;
  }
}

}  // namespace
}  // namespace duckpart::testing

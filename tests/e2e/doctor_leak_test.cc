// `duckpart doctor --leak-check OP --to DIR`: an operation run many times in one process, with
// the RSS growth per iteration.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "doctor/leak_check.h"
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
    // PASS or WARN is the machine's verdict (RSS moves with the allocator on a loaded
    // machine); MonitorMemory.* holds the monitor to a bound over 1,000 cycles.
    EXPECT_TRUE((*c)["status"] == "PASS" || (*c)["status"] == "WARN") << (*c)["detail"];
    EXPECT_NE((*c)["detail"].get<std::string>().find(op + " " + ds + " x " + n), std::string::npos)
        << (*c)["detail"];
    EXPECT_NE((*c)["detail"].get<std::string>().find("bytes per iteration"), std::string::npos);
  }
}

TEST(DoctorLeakCheck, GrowthPerIterationOverTheBoundWarns) {
  doctor::LeakMeasure m{.iterations = 100, .rss_before = 10 << 20, .rss_after = 12 << 20};
  m.bytes_per_iteration = (2 << 20) / 100.0;  // about 21 KB per iteration
  EXPECT_EQ(doctor::LeakCheck("monitor x", m, 16 << 10).status, CheckStatus::kWarn);
  EXPECT_EQ(doctor::LeakCheck("monitor x", m, 64 << 10).status, CheckStatus::kPass);
  EXPECT_NE(doctor::LeakCheck("monitor x", m, 16 << 10).detail.find("monitor x x 100"),
            std::string::npos);
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

#include "doctor/leak_check.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <memory>

#include "duckpart/analyze.h"
#include "duckpart/error.h"
#include "duckpart/info.h"
#include "duckpart/monitor.h"
#include "duckpart/validate.h"
#include "util/format.h"

namespace duckpart::doctor {

int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return -1;
  return resident * static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
}

LeakMeasure MeasureLeak(const std::function<void()>& op, int64_t warmup, int64_t iterations) {
  for (int64_t i = 0; i < warmup; ++i) op();
  LeakMeasure m{.iterations = iterations, .rss_before = ResidentBytes()};
  for (int64_t i = 0; i < iterations; ++i) op();
  m.rss_after = ResidentBytes();
  if (iterations > 0)
    m.bytes_per_iteration =
        static_cast<double>(m.rss_after - m.rss_before) / static_cast<double>(iterations);
  return m;
}

DoctorCheck LeakCheck(const std::string& operation, const LeakMeasure& m,
                      int64_t warn_bytes_per_iteration) {
  const bool leaks = m.bytes_per_iteration > static_cast<double>(warn_bytes_per_iteration);
  return {.group = "leak",
          .name = "rss",
          .status = leaks ? CheckStatus::kWarn : CheckStatus::kPass,
          .detail = fmt::format("{} x {}: RSS {} -> {}, {:.0f} bytes per iteration (warning above "
                                "{})",
                                operation, m.iterations, util::FormatBytes(m.rss_before),
                                util::FormatBytes(m.rss_after), m.bytes_per_iteration,
                                util::FormatBytes(warn_bytes_per_iteration)),
          .advice = leaks ? "memory grows with each run: report it with this command's output"
                          : "no growth beyond the allocator's noise"};
}

std::function<void()> LeakOperation(const std::string& name, const std::string& target,
                                    const EngineOptions& engine) {
  if (target.empty()) throw InputError("--leak-check needs the dataset: --to DIR");
  std::function<void()> op;
  if (name == "validate") {
    op = [=] { ValidateDataset(target, nullptr, engine); };
  } else if (name == "analyze") {
    op = [=] { AnalyzeDataset(target, AnalyzeOptions{}, engine); };
  } else if (name == "info") {
    op = [=] { DescribeDataset(target); };
  } else if (name == "monitor") {
    auto monitor =
        std::make_shared<Monitor>(MonitorOptions{.targets = {{.dir = target}}, .engine = engine});
    op = [monitor] { monitor->Check(); };
  } else {
    throw InputError("--leak-check '" + name + "': choose validate, analyze, info or monitor");
  }
  op();  // once now, so that a target without a dataset is refused before the measure
  return op;
}

}  // namespace duckpart::doctor

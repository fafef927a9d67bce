#include "parquet/write_probe.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <system_error>

namespace duckpart::parquet {
namespace fs = std::filesystem;
namespace {

constexpr std::chrono::milliseconds kMinInterval{250};
constexpr std::chrono::milliseconds kMaxInterval{5000};
constexpr int kIntervalPerListing = 20;  // wait 20x a walk's time: under 5% of a core

// The partition id of a `__dp_pid=N` folder name, or -1.
int64_t PidOf(const std::string& name) {
  static const std::string kPrefix = "__dp_pid=";
  if (name.rfind(kPrefix, 0) != 0) return -1;
  try {
    return std::stoll(name.substr(kPrefix.size()));
  } catch (...) {
    return -1;
  }
}

}  // namespace

int64_t BytesUnder(const fs::path& dir) {
  std::error_code ec;
  int64_t bytes = 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code fec;
    if (it->is_regular_file(fec)) {
      const auto size = it->file_size(fec);
      if (!fec) bytes += static_cast<int64_t>(size);
    }
  }
  return bytes;
}

WriteProbe::WriteProbe(ops::WorkMeter& meter, fs::path raw, const Plan& plan, int64_t first,
                       int64_t last, bool sorted)
    : meter_(meter), raw_(std::move(raw)), first_(first), last_(last), sorted_(sorted) {
  for (const auto& p : plan.partitions) {
    if (p.id >= first && p.id <= last) rows_before_.emplace_back(p.id, p.rows);
  }
  std::sort(rows_before_.begin(), rows_before_.end());
  int64_t sum = 0;
  for (auto& [id, rows] : rows_before_) sum += std::exchange(rows, sum);
  thread_ = std::thread([this] { Loop(); });
}

WriteProbe::~WriteProbe() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

namespace {

using Clock = std::chrono::steady_clock;

// Runs `look` when it is due, and makes it due again after 20 times what it took (at
// least kMinInterval, at most kMaxInterval later).
template <typename F>
void WhenDue(Clock::time_point& due, F&& look) {
  if (Clock::now() < due) return;
  const auto start = Clock::now();
  look();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  due = Clock::now() + std::clamp(took * kIntervalPerListing, kMinInterval, kMaxInterval);
}

}  // namespace

void WriteProbe::Loop() {
  auto partitions_due = Clock::now(), bytes_due = Clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    try {
      WhenDue(partitions_due, [this] { LookAtPartitions(); });
      WhenDue(bytes_due, [this] { meter_.SetBytes(BytesUnder(raw_)); });
    } catch (...) {
      // a folder that changes under the listing: the next look sees it
    }
    lock.lock();
    wake_.wait_for(lock, kMinInterval, [this] { return stop_; });
  }
}

void WriteProbe::LookAtPartitions() {
  if (!sorted_) return;
  int64_t highest = -1;
  std::error_code ec;
  for (fs::directory_iterator it(raw_, ec), end; !ec && it != end; it.increment(ec)) {
    const int64_t pid = PidOf(it->path().filename().string());
    if (pid >= first_ && pid <= last_) highest = std::max(highest, pid);
  }
  if (highest < 0) return;
  // The partitions before the highest one begun are written (the one begun may not be).
  const auto at = std::lower_bound(rows_before_.begin(), rows_before_.end(),
                                   std::make_pair(highest, int64_t{0}));
  if (at != rows_before_.end() && at->first == highest) meter_.See(at->second);
}

}  // namespace duckpart::parquet

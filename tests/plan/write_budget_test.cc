// The write budget: partition buffers counted by columns and their types, passes that
// keep a thread's partitions in flight within the memory limit, refusal of a table too
// wide for the limit.
#include "plan/write_budget.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "duckpart/error.h"
#include "support/seed.h"
#include "util/byte_size.h"

namespace duckpart::plan {
namespace {

constexpr int64_t kMiB = 1024 * 1024;

std::vector<ColumnInfo> Columns(int n, const std::string& type) {
  std::vector<ColumnInfo> cols;
  for (int i = 0; i < n; ++i) cols.push_back({"c" + std::to_string(i), type});
  return cols;
}

// Passes must cover 0..n-1 in order, each id once.
void ExpectCover(const WriteBudget& b, int64_t n) {
  int64_t next = 0;
  for (const auto& [first, last] : b.passes) {
    EXPECT_EQ(first, next);
    EXPECT_LE(first, last);
    next = last + 1;
  }
  EXPECT_EQ(next, n);
}

// The most partitions a window of `window` sorted rows touches inside one pass, by brute force.
int64_t MaxTouched(const std::vector<int64_t>& rows, int64_t first, int64_t last, int64_t window) {
  std::vector<int64_t> owner;
  for (int64_t id = first; id <= last; ++id) owner.insert(owner.end(), rows[id], id);
  int64_t most = 0;
  for (size_t start = 0; start < owner.size(); ++start) {
    const size_t end = std::min(owner.size(), start + static_cast<size_t>(window)) - 1;
    most = std::max(most, owner[end] - owner[start] + 1);
  }
  return most;
}

TEST(WriteBudget, BufferBytesFollowTheColumnTypes) {
  EXPECT_EQ(BufferBytesPerRow("VARCHAR"), 16);
  EXPECT_EQ(BufferBytesPerRow("INTEGER[]"), 16);
  EXPECT_EQ(BufferBytesPerRow("BIGINT"), 8);
  EXPECT_EQ(BufferBytesPerRow("TIMESTAMP WITH TIME ZONE"), 8);
  EXPECT_EQ(BufferBytesPerRow("INTEGER"), 4);
  EXPECT_EQ(BufferBytesPerRow("BOOLEAN"), 1);
  EXPECT_EQ(BufferBytesPerRow("DECIMAL(4,1)"), 2);
  EXPECT_EQ(BufferBytesPerRow("DECIMAL(12,2)"), 8);
  EXPECT_EQ(BufferBytesPerRow("DECIMAL(38,2)"), 16);
  EXPECT_EQ(BufferBytesPerRow("HUGEINT"), 16);
}

TEST(WriteBudget, WideTableOfTinyPartitionsIsSplitIntoPassesThatFit) {
  // Issue 15, item 4: 40 VARCHAR columns, 2,000 one-row partitions.
  const WriteBudget b = PlanWriteBudget({.schema = Columns(40, "VARCHAR"),
                                         .partition_rows = std::vector<int64_t>(2000, 1),
                                         .memory_limit = 256 * kMiB,
                                         .threads = 2,
                                         .sorted = true});
  EXPECT_EQ(b.partition_buffer_bytes, (40 * 16 + 8) * kVectorRows);
  EXPECT_GT(b.passes.size(), 1u);
  ExpectCover(b, 2000);
  for (const auto& [first, last] : b.passes) EXPECT_LE(last - first + 1, b.max_in_flight);
  EXPECT_LE(b.max_in_flight * b.partition_buffer_bytes * 2, 128 * kMiB);
}

TEST(WriteBudget, NarrowTableOfManySmallPartitionsNeedsOnePass) {
  // 23,000 day partitions of about 87 rows: a window of 2,048 sorted rows spans ~25.
  const WriteBudget b = PlanWriteBudget({.schema = Columns(3, "BIGINT"),
                                         .partition_rows = std::vector<int64_t>(23'000, 87),
                                         .memory_limit = 256 * kMiB,
                                         .threads = 2,
                                         .sorted = true});
  ASSERT_EQ(b.passes.size(), 1u);
  ExpectCover(b, 23'000);
  EXPECT_EQ(b.flush_threshold, 87 * 8 > kVectorRows ? 87 * 8 : kVectorRows);
  EXPECT_EQ(b.max_open_files, 16);
}

TEST(WriteBudget, UnsortedPassesHoldAtMostTheInFlightBound) {
  const WriteBudget b = PlanWriteBudget({.schema = Columns(200, "VARCHAR"),
                                         .partition_rows = std::vector<int64_t>(64, 100'000),
                                         .memory_limit = 256 * kMiB,
                                         .threads = 2,
                                         .sorted = false});
  ExpectCover(b, 64);
  for (const auto& [first, last] : b.passes) EXPECT_LE(last - first + 1, b.max_in_flight);
  EXPECT_GT(b.passes.size(), 1u);
}

TEST(WriteBudget, FlushThresholdShrinksWithTheRowWidth) {
  const auto narrow = PlanWriteBudget({.schema = Columns(2, "BIGINT"),
                                       .partition_rows = {10'000'000},
                                       .memory_limit = 256 * kMiB,
                                       .threads = 2});
  const auto wide = PlanWriteBudget({.schema = Columns(40, "VARCHAR"),
                                     .partition_rows = {10'000'000},
                                     .est_row_bytes = 2000,
                                     .memory_limit = 256 * kMiB,
                                     .threads = 2});
  EXPECT_EQ(narrow.flush_threshold, 524288);
  EXPECT_LT(wide.flush_threshold, narrow.flush_threshold);
  EXPECT_LE(wide.flush_threshold * 2000, 64 * kMiB / 2);
}

TEST(WriteBudget, UnknownMemoryLimitGivesOnePass) {
  const WriteBudget b = PlanWriteBudget({.schema = Columns(40, "VARCHAR"),
                                         .partition_rows = std::vector<int64_t>(2000, 1),
                                         .sorted = true});
  EXPECT_EQ(b.passes.size(), 1u);
}

TEST(WriteBudget, TableTooWideForTheLimitIsRefusedNamingTheLimitItNeeds) {
  try {
    PlanWriteBudget({.schema = Columns(5000, "VARCHAR"),
                     .partition_rows = {10},
                     .memory_limit = 256 * kMiB,
                     .threads = 4});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("5000 columns"), std::string::npos) << m;
    EXPECT_NE(m.find("raise --memory-limit to "), std::string::npos) << m;
    EXPECT_NE(m.find("4 threads"), std::string::npos) << m;
  }
}

TEST(WriteBudget, SortedPassesNeverLetAWindowSpanMoreThanTheBound) {
  std::mt19937_64 rng(duckpart::testing::TestSeed());
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<int64_t> rows(1 + rng() % 400);
    for (auto& r : rows) r = 1 + static_cast<int64_t>(rng() % (rng() % 2 ? 5 : 3000));
    const WriteBudget b =
        PlanWriteBudget({.schema = Columns(1 + static_cast<int>(rng() % 60), "VARCHAR"),
                         .partition_rows = rows,
                         .memory_limit = 64 * kMiB,
                         .threads = 1 + static_cast<int>(rng() % 4),
                         .sorted = true});
    ExpectCover(b, static_cast<int64_t>(rows.size()));
    for (const auto& [first, last] : b.passes) {
      EXPECT_LE(MaxTouched(rows, first, last, std::max(b.flush_threshold, kVectorRows)),
                b.max_in_flight)
          << "pass " << first << ".." << last;
    }
  }
}

TEST(WriteBudget, ByteSizesParseAsDuckDbPrintsThem) {
  EXPECT_EQ(util::ParseByteSize("953.6 MiB").value_or(0), std::llround(953.6 * kMiB));
  EXPECT_EQ(util::ParseByteSize("256MB").value_or(0), 256'000'000);
  EXPECT_EQ(util::ParseByteSize("1 GiB").value_or(0), 1024 * kMiB);
  EXPECT_EQ(util::ParseByteSize("lots").value_or(0), 0);
  EXPECT_EQ(util::ParseByteSize("-5GB").value_or(0), 0);
}

}  // namespace
}  // namespace duckpart::plan

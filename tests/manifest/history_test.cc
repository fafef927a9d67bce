#include "duckpart/history.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "duckpart/error.h"
#include "duckpart/manifest.h"

namespace duckpart {
namespace {

Manifest Sample() {
  Manifest m;
  m.version = 3;
  m.created_at = "2024-06-01T00:00:00Z";
  m.source = "table events in a.db";
  m.spec = ParseSpec("tag");
  m.total_rows = 10;
  m.total_checksum = "42";
  m.total_bytes = 1000;
  return m;
}

TEST(History, RecordsSurviveTheManifestRoundTrip) {
  Manifest m = Sample();
  m.history = {{.version = 1, .operation = "run", .time = "t1", .rows_added = 8},
               {.version = 3,
                .operation = "append",
                .time = "t3",
                .source = "query",
                .batch_id = "b'7",
                .rows_added = 2,
                .bytes_added = 99,
                .checksum_added = "18446744073709551617",
                .partitions_touched = 1,
                .seconds = 0.25,
                .peak_memory_bytes = 123'456,
                .spill_bytes = 7,
                .memory_limit_bytes = 1'000'000}};
  EXPECT_EQ(ManifestFromJson(ToJson(m)).history, m.history);
}

TEST(History, AManifestWithoutHistoryReadsAsOneRunRecord) {
  nlohmann::json j = ToJson(Sample());
  ASSERT_FALSE(j.contains("history"));  // none written when there is none
  const Manifest m = ManifestFromJson(j);
  EXPECT_TRUE(m.history.empty());
  const auto h = HistoryOf(m);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].operation, "run");
  EXPECT_EQ(h[0].version, 3);
  EXPECT_EQ(h[0].rows_added, 10);
  EXPECT_EQ(h[0].checksum_added, "42");
}

TEST(History, FindBatchFindsOnlyAGivenId) {
  const std::vector<HistoryRecord> h = {{.version = 1, .batch_id = ""},
                                        {.version = 2, .batch_id = "x"}};
  EXPECT_EQ(FindBatch(h, ""), nullptr);
  ASSERT_NE(FindBatch(h, "x"), nullptr);
  EXPECT_EQ(FindBatch(h, "x")->version, 2);
  EXPECT_EQ(FindBatch(h, "X"), nullptr);
}

TEST(History, AMalformedRecordIsAnInputError) {
  nlohmann::json j = ToJson(Sample());
  j["history"] = nlohmann::json::array({{{"version", "one"}}});
  EXPECT_THROW(ManifestFromJson(j), InputError);
}

}  // namespace
}  // namespace duckpart

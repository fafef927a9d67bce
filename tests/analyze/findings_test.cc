// The findings of AnalyzeLoaded on hand-made figures: which kinds fire, with which
// command, and where the thresholds lie.
#include <gtest/gtest.h>

#include <algorithm>

#include "duckpart/analyze.h"

namespace duckpart {
namespace {

Manifest MakeManifest(const std::string& spec, const std::string& key_type = "TIMESTAMP") {
  Manifest m;
  m.version = 1;
  m.spec = ParseSpec(spec);
  for (const auto& f : m.spec.fields)
    m.fields.push_back(ResolvedField{.field = f, .column_type = key_type});
  m.schema = {{"id", "BIGINT"}, {"ts", "TIMESTAMP"}, {"category", "VARCHAR"}, {"amount", "DOUBLE"}};
  return m;
}

// A partition of `rows` rows at 10 bytes a row, in one file unless sizes are given.
PartitionStats Part(const std::string& path, int64_t rows, std::vector<int64_t> sizes = {}) {
  if (sizes.empty() && rows > 0) sizes = {rows * 10};
  int64_t bytes = 0;
  for (auto s : sizes) bytes += s;
  PartitionStats p{
      .path = path, .rows = rows, .bytes = bytes, .files = static_cast<int64_t>(sizes.size())};
  p.file_sizes = sizes;
  return p;
}

AnalysisReport Analyze(const Manifest& m, std::vector<PartitionStats> parts, AnalyzeOptions o,
                       const std::string& dir = "ds") {
  AnalysisReport r{.target = dir, .kind = "parquet", .dir = dir};
  r.partitions = std::move(parts);
  AnalyzeLoaded(m, o, r);
  return r;
}

const Finding* Find(const AnalysisReport& r, const std::string& kind) {
  for (const auto& f : r.findings) {
    if (f.kind == kind) return &f;
  }
  return nullptr;
}

std::string Month(int i) {
  return "ts_month=" + std::to_string(2023 + i / 12) + "-" + (i % 12 < 9 ? "0" : "") +
         std::to_string(i % 12 + 1);
}

// 24 months of 520 rows, one (2024-03) of 8,000: 40% of the rows.
std::vector<PartitionStats> HeavyMonth() {
  std::vector<PartitionStats> parts;
  for (int i = 0; i < 24; ++i) parts.push_back(Part(Month(i), i == 14 ? 8000 : 520));
  return parts;
}

AnalyzeOptions Options(int64_t target_rows, int64_t target_file = 64 << 10) {
  AnalyzeOptions o;
  o.target_rows = target_rows;
  o.target_file_bytes = target_file;
  o.min_median_partition_bytes = 1024;  // these partitions are small on purpose
  return o;
}

TEST(Findings, HeavyMonthSuggestsDaySpecAndSplits) {
  const AnalysisReport r = Analyze(MakeManifest("month(ts)"), HeavyMonth(), Options(1000));
  EXPECT_EQ(r.verdict, "uneven");
  EXPECT_NEAR(r.rows.max_over_median, 8000.0 / 520, 1e-9);
  const Finding* skew = Find(r, "skewed_key");
  ASSERT_NE(skew, nullptr);
  EXPECT_EQ(skew->severity, Severity::kWarning);
  EXPECT_EQ(skew->command, "duckpart repartition ds --by \"day(ts)\"");
  EXPECT_NE(skew->message.find("the largest, ts_month=2024-03, holds 40.1% of the rows"),
            std::string::npos)
      << skew->message;
  const Finding* split = Find(r, "split");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(split->count, 1);
  EXPECT_EQ(split->partitions, std::vector<std::string>{"ts_month=2024-03"});
  EXPECT_EQ(split->command, "duckpart repartition ds --by \"day(ts)\"");
  EXPECT_EQ(Find(r, "merge"), nullptr);  // 520 rows is over 0.5x of 1,000
}

TEST(Findings, MergeBelowHalfTheTarget) {
  const AnalysisReport r = Analyze(MakeManifest("day(ts)"), HeavyMonth(), Options(1100));
  const Finding* merge = Find(r, "merge");
  ASSERT_NE(merge, nullptr);
  EXPECT_EQ(merge->count, 23);  // 520 < 550
  EXPECT_EQ(merge->command, "duckpart repartition ds --by \"month(ts)\"");
  EXPECT_EQ(Find(Analyze(MakeManifest("day(ts)"), HeavyMonth(), Options(1040)), "merge"), nullptr);
}

TEST(Findings, HeavyIdentityValueGetsNestedBucket) {
  std::vector<PartitionStats> parts{Part("category=books", 12000)};
  for (int i = 0; i < 9; ++i) parts.push_back(Part("category=c" + std::to_string(i), 887));
  const AnalysisReport r = Analyze(MakeManifest("category", "VARCHAR"), parts, Options(1000));
  const Finding* skew = Find(r, "skewed_key");
  ASSERT_NE(skew, nullptr);
  // 12,000 rows toward at most min(1,000, 2 x 887) per bucket: 16 buckets of the id column.
  EXPECT_EQ(skew->command, "duckpart repartition ds --by \"identity(category), bucket(16, id)\"");
}

TEST(Findings, RangeSpecsAreRebalancedToTheTarget) {
  std::vector<PartitionStats> parts{Part("amount_quantile=0", 9000)};
  for (int i = 1; i < 8; ++i) parts.push_back(Part("amount_quantile=" + std::to_string(i), 300));
  const AnalysisReport r =
      Analyze(MakeManifest("quantile(8, amount)", "DOUBLE"), parts, Options(1000));
  ASSERT_NE(Find(r, "split"), nullptr);
  EXPECT_EQ(Find(r, "split")->command,
            "duckpart rebalance ds --target-rows 1000 --target-file-size 65536");
  ASSERT_NE(Find(r, "merge"), nullptr);
  EXPECT_EQ(Find(r, "merge")->command,
            "duckpart rebalance ds --target-rows 1000 --target-file-size 65536");
}

TEST(Findings, SmallFilesSharingOnePartitionAreCompactedThere) {
  // Target 64 KiB: the band is [48 KiB, 115.2 KiB].
  std::vector<PartitionStats> parts{Part("category=a", 3000, {10'000, 12'000, 8'000}),
                                    Part("category=b", 6000, {60'000}),
                                    Part("category=c", 1000, {10'000})};
  const AnalysisReport r = Analyze(MakeManifest("category", "VARCHAR"), parts, Options(5000));
  EXPECT_EQ(r.file_band.below, 4);
  EXPECT_EQ(r.file_band.within, 1);
  const Finding* c = Find(r, "compact");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->count, 3);  // c's lone small file cannot be merged with anything
  EXPECT_EQ(c->command,
            "duckpart rebalance ds --compact --target-file-size 65536 --partition category=a");
}

TEST(Findings, OversizedFilesAnywhereCompactTheWholeDataset) {
  std::vector<PartitionStats> parts{Part("category=a", 3000, {10'000, 12'000}),
                                    Part("category=b", 6000, {200'000})};
  const AnalysisReport r = Analyze(MakeManifest("category", "VARCHAR"), parts, Options(5000));
  const Finding* c = Find(r, "compact");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->count, 3);
  EXPECT_EQ(c->command, "duckpart rebalance ds --compact --target-file-size 65536");
}

TEST(Findings, FilesWithinTheBandNeedNoCompaction) {
  std::vector<PartitionStats> parts{Part("category=a", 5000, {50'000, 60'000}),
                                    Part("category=b", 5000, {100'000})};
  EXPECT_EQ(Find(Analyze(MakeManifest("category", "VARCHAR"), parts, Options(5000)), "compact"),
            nullptr);
}

TEST(Findings, EmptyPartitionIsInfoWithSameSpecRewrite) {
  std::vector<PartitionStats> parts{Part(Month(0), 1000), Part(Month(1), 0), Part(Month(2), 1000)};
  const AnalysisReport r = Analyze(MakeManifest("month(ts)"), parts, Options(1000));
  const Finding* e = Find(r, "empty");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->severity, Severity::kInfo);
  EXPECT_EQ(e->partitions, std::vector<std::string>{Month(1)});
  EXPECT_EQ(e->command, "duckpart repartition ds --by \"month(ts)\"");
}

TEST(Findings, TooManyPartitionsSuggestsCoarserSpec) {
  std::vector<PartitionStats> parts;
  for (int i = 0; i < 10'001; ++i) parts.push_back(Part("ts_day=" + std::to_string(i), 100));
  AnalyzeOptions o = Options(100);
  o.min_median_partition_bytes = 1000;  // the partitions' own size: only the count can fire
  const AnalysisReport r = Analyze(MakeManifest("day(ts)"), parts, o);
  const Finding* f = Find(r, "too_many_partitions");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->command, "duckpart repartition ds --by \"month(ts)\"");
  EXPECT_NE(f->message.find("10,001 partitions is too many (over 10,000)"), std::string::npos)
      << f->message;
  parts.pop_back();
  EXPECT_EQ(Find(Analyze(MakeManifest("day(ts)"), parts, o), "too_many_partitions"), nullptr);
}

TEST(Findings, TinyMedianPartitionIsTooMany) {
  std::vector<PartitionStats> parts{Part("category=a", 100),
                                    Part("category=b", 100)};  // 1,000 bytes each
  AnalyzeOptions o = Options(100);
  o.min_median_partition_bytes = 1001;
  ASSERT_NE(Find(Analyze(MakeManifest("category", "VARCHAR"), parts, o), "too_many_partitions"),
            nullptr);
  o.min_median_partition_bytes = 1000;
  EXPECT_EQ(Find(Analyze(MakeManifest("category", "VARCHAR"), parts, o), "too_many_partitions"),
            nullptr);
}

TEST(Findings, TooFewPartitionsSuggestsFinerSpec) {
  std::vector<PartitionStats> parts{Part("ts_year=2023", 10'000), Part("ts_year=2024", 10'000)};
  const AnalysisReport r = Analyze(MakeManifest("year(ts)"), parts, Options(1000));
  const Finding* f = Find(r, "too_few_partitions");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->command, "duckpart repartition ds --by \"month(ts)\"");
  EXPECT_EQ(r.verdict, "good");  // even, but too coarse
}

TEST(Findings, EvenPartitionsNearTheTargetHaveNoFindings) {
  std::vector<PartitionStats> parts;
  for (int i = 0; i < 12; ++i) parts.push_back(Part(Month(i), 5000 + 10 * i, {50'000 + 100 * i}));
  const AnalysisReport r = Analyze(MakeManifest("month(ts)"), parts, Options(5000));
  EXPECT_EQ(r.verdict, "good");
  EXPECT_TRUE(r.findings.empty()) << r.findings[0].kind << ": " << r.findings[0].message;
  EXPECT_FALSE(r.HasWarnings());
}

TEST(Findings, TargetRowsDerivedFromTargetFileAndBytesPerRow) {
  // 10 bytes a row: a 64 KiB file holds 6,554 rows.
  const AnalysisReport r = Analyze(MakeManifest("month(ts)"), HeavyMonth(), Options(0));
  EXPECT_TRUE(r.target_rows_derived);
  EXPECT_EQ(r.target_rows, 6554);
}

TEST(Findings, CommandsQuoteTheTargetForTheShell) {
  const AnalysisReport r =
      Analyze(MakeManifest("month(ts)"), HeavyMonth(), Options(1000), "my data/it's");
  ASSERT_NE(Find(r, "split"), nullptr);
  EXPECT_EQ(Find(r, "split")->command, "duckpart repartition 'my data/it'\\''s' --by \"day(ts)\"");
}

TEST(Findings, PartitionTablesAreNamedByDatabaseAndSchema) {
  AnalysisReport r{.target = "a.db schema events_parts",
                   .kind = "tables",
                   .database = "a.db",
                   .schema = "events_parts"};
  r.partitions = HeavyMonth();
  AnalyzeLoaded(MakeManifest("month(ts)"), Options(1000), r);
  ASSERT_NE(Find(r, "split"), nullptr);
  EXPECT_EQ(Find(r, "split")->command,
            "duckpart repartition --to-db a.db --schema events_parts --by \"day(ts)\"");
}

TEST(Findings, ListsAtMostMaxListedButCountsAll) {
  std::vector<PartitionStats> parts;
  for (int i = 0; i < 30; ++i) parts.push_back(Part("ts_day=" + std::to_string(i), 10));
  AnalyzeOptions o = Options(1000);
  o.max_listed = 5;
  const Finding* merge = Find(Analyze(MakeManifest("day(ts)"), parts, o), "merge");
  ASSERT_NE(merge, nullptr);
  EXPECT_EQ(merge->count, 30);
  EXPECT_EQ(merge->partitions.size(), 5u);
}

TEST(Findings, OptionsOutOfRangeAreInputErrors) {
  AnalyzeOptions o;
  o.target_file_bytes = 10;
  EXPECT_THROW(CheckOptions(o), InputError);
  o = AnalyzeOptions{};
  o.small_file_ratio = 1.5;
  EXPECT_THROW(CheckOptions(o), InputError);
}

}  // namespace
}  // namespace duckpart

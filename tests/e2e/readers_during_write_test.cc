// Readers while `run --replace` publishes, again and again (issue 15, item 1): a reader pinned
// to one version (the folder `duckpart path` prints, and `duckpart query`) always returns
// exactly one version's totals and never fails; a glob through the dataset link never reads
// torn bytes (file names are never reused and the superseded version outlives its readers).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "db/sql.h"
#include "store/version_pin.h"
#include "support/dataset.h"
#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Two contents of the same columns: even ids and odd ids (different totals everywhere).
std::string SourceSql(int parity) {
  return "SELECT i AS id, TIMESTAMP '2024-01-01' + to_minutes(i) AS ts, 'tag' || (i % 13) AS tag "
         "FROM range(" +
         std::to_string(parity) + ", 24000, 2) t(i)";
}

constexpr const char* kTotals =
    "SELECT count(*)::VARCHAR || ' ' || sum(hash(id))::VARCHAR || ' ' || sum(hash(ts))::VARCHAR "
    "|| ' ' || sum(hash(tag))::VARCHAR";

std::string Totals(Session& s, const std::string& from) {
  return s.Scalar(std::string(kTotals) + " FROM " + from);
}

std::string GlobUnder(const fs::path& dir) {
  return "read_parquet(" + db::QuoteLiteral((dir / "**" / "*.parquet").string()) +
         ", hive_partitioning = false)";
}

bool Torn(const std::string& message) {
  for (const char* sign : {"TProtocolException", "Invalid data", "Corrupt", "corrupt", "magic"}) {
    if (message.find(sign) != std::string::npos) return true;
  }
  return false;
}

struct Tally {
  std::mutex mu;
  std::set<std::string> seen;         // totals returned (guarded by mu)
  std::vector<std::string> failures;  // what failed or read a mix (guarded by mu)
  std::atomic<int> reads{0};
  std::atomic<int> errors{0};  // failed reads that are allowed (a live glob's missing file)
  void Fail(const std::string& what) {
    std::lock_guard<std::mutex> g(mu);
    if (failures.size() < 20) failures.push_back(what);
  }
  void Saw(const std::string& totals) {
    std::lock_guard<std::mutex> g(mu);
    seen.insert(totals);
  }
};

TEST(ReadersDuringWrite, PinnedReadersSeeOneVersionAndLiveGlobsNeverReadTornBytes) {
  TempDir dir;
  const std::string ds = dir / "ds";
  const std::vector<std::string> sources = {SourceSql(0), SourceSql(1)};
  std::set<std::string> expected;
  {
    Session s;
    for (const auto& q : sources) expected.insert(Totals(s, "(" + q + ")"));
  }
  ASSERT_EQ(expected.size(), 2u);
  auto run = [&](int parity, const std::string& spec, bool replace) {
    std::vector<std::string> a = {"run",  "--query", sources[parity], "--by", spec,
                                  "--to", ds,        "--threads",     "1",    "--quiet"};
    if (replace) a.push_back("--replace");
    return RunDuckpart(a);
  };
  const RunResult first = run(0, "day(ts)", false);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  {
    Session s;
    ASSERT_TRUE(expected.count(Totals(s, GlobUnder(store::PinVersion(ds).root))))
        << "the written data does not read back as its source";
  }

  std::atomic<bool> stop{false};
  Tally pinned, live, query;
  auto pinned_reader = [&] {
    Session s;
    while (!stop) {
      try {
        const std::string t = Totals(s, GlobUnder(store::PinVersion(ds).root));
        if (!expected.count(t)) pinned.Fail("a mix through the pinned folder: " + t);
        pinned.Saw(t);
      } catch (const std::exception& e) {
        pinned.Fail(std::string("a pinned read failed: ") + e.what());
      }
      ++pinned.reads;
    }
  };
  auto live_reader = [&] {
    Session s;
    while (!stop) {
      try {
        live.Saw(Totals(s, GlobUnder(ds)));
      } catch (const std::exception& e) {
        if (Torn(e.what())) live.Fail(std::string("a torn read through the link: ") + e.what());
        ++live.errors;
      }
      ++live.reads;
    }
  };
  auto query_reader = [&] {
    while (!stop) {
      const RunResult r =
          RunDuckpart({"query", ds, std::string(kTotals) + " AS totals FROM dataset"});
      const std::string t = r.out.substr(r.out.find('\n') + 1);
      if (r.exit_code != 0) {
        query.Fail("duckpart query failed: " + r.err);
      } else if (!expected.count(t.substr(0, t.size() - 1))) {
        query.Fail("duckpart query read a mix: " + r.out);
      } else {
        query.Saw(t);
      }
      ++query.reads;
    }
  };
  std::vector<std::thread> readers;
  readers.emplace_back(pinned_reader);
  readers.emplace_back(live_reader);
  readers.emplace_back(query_reader);

  // Alternate the contents, once also the spec, within a bounded time.
  const auto deadline = Clock::now() + std::chrono::seconds(35);
  int writes = 0;
  for (int i = 1; i <= 8 && Clock::now() < deadline; ++i) {
    const RunResult r = run(i % 2, i == 4 ? "bucket(4, id)" : "day(ts)", true);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    ++writes;
  }
  stop = true;
  for (auto& t : readers) t.join();

  std::cout << "[ readers  ] " << writes << " replaces; pinned reads " << pinned.reads
            << ", duckpart query " << query.reads << ", live glob " << live.reads << " ("
            << live.errors << " failed without torn bytes, " << live.seen.size()
            << " distinct totals)\n";
  EXPECT_GE(writes, 4);
  for (const auto& f : pinned.failures) ADD_FAILURE() << f;
  for (const auto& f : live.failures) ADD_FAILURE() << f;
  for (const auto& f : query.failures) ADD_FAILURE() << f;
  EXPECT_GE(pinned.reads.load(), 2 * writes) << "too few pinned reads to overlap the swaps";
  EXPECT_GE(query.reads.load(), 2);
  EXPECT_EQ(pinned.seen.size(), 2u) << "the pinned reader never saw both versions";
  // Every superseded version is still there, inside its grace period (default 10 minutes).
  int versions = 0;
  for (const auto& n : Entries(StoreOf(ds))) versions += n.rfind("v0", 0) == 0 ? 1 : 0;
  EXPECT_EQ(versions, writes + 1);
}

}  // namespace
}  // namespace duckpart::testing

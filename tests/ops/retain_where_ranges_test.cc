// retain --where on range, quantile, truncate and bucket fields: whole partitions by their
// ranges (or bucket numbers), refused when a range holds values on both sides.
#include <gtest/gtest.h>

#include "db/database.h"
#include "duckpart/error.h"
#include "ops/retain_window.h"

namespace duckpart::ops {
namespace {

using Keys = std::vector<std::optional<std::string>>;

// A manifest of one field over a `type` column, with these cuts ("<10" exclusive, "<=5"
// inclusive) and partition keys (nullopt: the NULL partition).
Manifest Of(const std::string& spec, const std::string& type, const std::vector<std::string>& cuts,
            const Keys& keys) {
  Manifest m;
  m.spec = ParseSpec(spec);
  ResolvedField f{.field = m.spec.fields[0], .column_type = type};
  for (const auto& c : cuts) {
    const bool inclusive = c.rfind("<=", 0) == 0;
    const std::string v = c.substr(inclusive ? 2 : 1);
    f.cuts.push_back(
        {.inclusive = inclusive, .sql = "CAST('" + v + "' AS " + type + ")", .text = v});
  }
  m.fields.push_back(f);
  for (size_t i = 0; i < keys.size(); ++i)
    m.partitions.push_back(
        {.id = static_cast<int64_t>(i), .keys = {keys[i]}, .path = keys[i].value_or("NULL")});
  return m;
}

class RetainWhereRanges : public ::testing::Test {
 protected:
  std::vector<size_t> Drops(const Manifest& m, const std::string& where) {
    return PartitionsToDrop(conn_, m, {.where = where});
  }
  db::Database database_{db::DatabaseOptions{}};
  db::Connection conn_{database_};
};

TEST_F(RetainWhereRanges, RangeFieldDropsWholeRangesOnly) {
  const Manifest m =
      Of("range(amount, [10, 100])", "DOUBLE", {"<10", "<100"}, {"0", "1", "2", std::nullopt});
  EXPECT_EQ(Drops(m, "amount < 10"), (std::vector<size_t>{0}));
  EXPECT_EQ(Drops(m, "amount < 100"), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(Drops(m, "amount >= 100"), (std::vector<size_t>{2}));
  EXPECT_EQ(Drops(m, "amount_range >= 10"), (std::vector<size_t>{1, 2}));  // never NULL
  EXPECT_THROW(Drops(m, "amount < 50"), InputError);
  EXPECT_THROW(Drops(m, "amount > 5"), InputError);
  EXPECT_THROW(Drops(m, "amount < ten"), InputError);
}

TEST_F(RetainWhereRanges, QuantileHeavyValueIsAPointOfItsOwn) {
  const Manifest m = Of("quantile(3, n)", "BIGINT", {"<5", "<=5"}, {"0", "1", "2"});
  EXPECT_EQ(Drops(m, "n = 5"), (std::vector<size_t>{1}));
  EXPECT_EQ(Drops(m, "n <> 5"), (std::vector<size_t>{0, 2}));
  EXPECT_EQ(Drops(m, "n <= 5"), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(Drops(m, "n < 5"), (std::vector<size_t>{0}));
  EXPECT_EQ(Drops(m, "n > 5"), (std::vector<size_t>{2}));
  EXPECT_THROW(Drops(m, "n = 7"), InputError);
}

TEST_F(RetainWhereRanges, TruncateOfANumberHoldsItsWidth) {
  const Manifest m = Of("truncate(10, n)", "INTEGER", {}, {"0", "10", "20", std::nullopt});
  EXPECT_EQ(Drops(m, "n < 20"), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(Drops(m, "n >= 10"), (std::vector<size_t>{1, 2}));
  EXPECT_EQ(Drops(m, "n <= 9"), (std::vector<size_t>{0}));
  EXPECT_THROW(Drops(m, "n < 15"), InputError);
  EXPECT_THROW(Drops(Of("truncate(2, s)", "VARCHAR", {}, {"ab"}), "s < 'b'"), InputError);
}

TEST_F(RetainWhereRanges, BucketComparesBucketNumbersByFieldName) {
  const Manifest m = Of("bucket(4, id)", "BIGINT", {}, {"0", "1", "2", "3"});
  EXPECT_EQ(Drops(m, "id_bucket < 2"), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(Drops(m, "id_bucket = 3"), (std::vector<size_t>{3}));
  EXPECT_THROW(Drops(m, "id < 2"), InputError);
}

}  // namespace
}  // namespace duckpart::ops

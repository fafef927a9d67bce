#include "duckpart/hive_path.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cctype>
#include <map>
#include <optional>
#include <string>

#include "plan/plan_test_support.h"

namespace duckpart {
namespace {

using testing::K;
using testing::Scenario;

TEST(HivePath, EscapesPathSeparatorsAndSpecialCharacters) {
  EXPECT_EQ(HiveSegment("tag", "a/b"), "tag=a%2Fb");
  EXPECT_EQ(EscapeHiveValue("a=b"), "a%3Db");
  EXPECT_EQ(EscapeHiveValue("100%"), "100%25");
  EXPECT_EQ(EscapeHiveValue("12:30"), "12%3A30");
  EXPECT_EQ(EscapeHiveValue("line\nbreak"), "line%0Abreak");
  EXPECT_EQ(EscapeHiveValue("tab\there"), "tab%09here");
  EXPECT_EQ(EscapeHiveValue("back\\slash"), "back%5Cslash");
  EXPECT_EQ(EscapeHiveValue("\x7F"), "%7F");
  EXPECT_EQ(EscapeHiveValue("\"#'*?{[]^"), "%22%23%27%2A%3F%7B%5B%5D%5E");
  EXPECT_EQ(EscapeHiveValue(std::string("a\0b", 3)), "a%00b");
}

TEST(HivePath, KeepsOrdinaryTextAndUnicode) {
  EXPECT_EQ(EscapeHiveValue("2024-01-15"), "2024-01-15");
  EXPECT_EQ(EscapeHiveValue("hello world.csv_-+,;"), "hello world.csv_-+,;");
  EXPECT_EQ(EscapeHiveValue("日本語"), "日本語");
  EXPECT_EQ(EscapeHiveValue("ünïcödé €"), "ünïcödé €");
  EXPECT_EQ(EscapeHiveValue("😀"), "😀");
}

TEST(HivePath, NullStringIsEscapedButSqlNullIsTheDefaultPartition) {
  EXPECT_EQ(HiveSegment("tag", std::nullopt), "tag=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(HiveSegment("tag", std::string("NULL")), "tag=%4EULL");
  EXPECT_EQ(EscapeHiveValue("__HIVE_DEFAULT_PARTITION__"), "%5F_HIVE_DEFAULT_PARTITION__");
  // only the exact reserved words are escaped
  EXPECT_EQ(EscapeHiveValue("null"), "null");
  EXPECT_EQ(EscapeHiveValue("NULLS"), "NULLS");
  EXPECT_EQ(UnescapeHiveValue("%4EULL"), "NULL");
}

TEST(HivePath, EmptyStringStaysEmpty) {
  EXPECT_EQ(EscapeHiveValue(""), "");
  EXPECT_EQ(HiveSegment("tag", std::string("")), "tag=");
  EXPECT_EQ(UnescapeHiveValue(""), "");
}

TEST(HivePath, FieldNameIsEscapedToo) {
  EXPECT_EQ(HiveSegment("a=b/c", std::string("x")), "a%3Db%2Fc=x");
}

TEST(HivePath, UnescapeDecodesAnyHexPairAndLeavesBrokenEscapes) {
  EXPECT_EQ(UnescapeHiveValue("a%2fb%2Fc"), "a/b/c");
  EXPECT_EQ(UnescapeHiveValue("%41"), "A");
  EXPECT_EQ(UnescapeHiveValue("50%"), "50%");
  EXPECT_EQ(UnescapeHiveValue("%4"), "%4");
  EXPECT_EQ(UnescapeHiveValue("%zz"), "%zz");
}

bool IsSafeEscapedByte(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return false;
  for (char bad : std::string("\"#'*/:=?\\{[]^")) {
    if (c == static_cast<unsigned char>(bad)) return false;
  }
  return true;
}

TEST(HivePath, EscapeRoundTripsAnyByteString) {
  EXPECT_TRUE(rc::check("Unescape(Escape(s)) == s, and the escaped text is safe", [] {
    const auto bytes = *rc::gen::oneOf(
        rc::gen::arbitrary<std::string>(),
        rc::gen::container<std::string>(rc::gen::elementOf(std::string("%/=:\n\"#NUL_ \x7F\x01"))),
        rc::gen::element<std::string>("NULL", "__HIVE_DEFAULT_PARTITION__", "", "%", "%4EULL",
                                      "%25", "%%41"));
    const std::string escaped = EscapeHiveValue(bytes);
    RC_ASSERT(UnescapeHiveValue(escaped) == bytes);
    RC_ASSERT(escaped != "NULL");
    RC_ASSERT(escaped != std::string(kHiveNull));
    for (size_t i = 0; i < escaped.size(); ++i) {
      const auto c = static_cast<unsigned char>(escaped[i]);
      if (c == '%') {
        RC_ASSERT(i + 2 < escaped.size());
        RC_ASSERT(std::isxdigit(static_cast<unsigned char>(escaped[i + 1])) &&
                  std::isxdigit(static_cast<unsigned char>(escaped[i + 2])));
      } else {
        RC_ASSERT(IsSafeEscapedByte(c));
      }
    }
  }));
}

TEST(HivePath, DistinctValuesGiveDistinctSegments) {
  EXPECT_TRUE(rc::check("Escape is injective", [](const std::string& a, const std::string& b) {
    RC_PRE(a != b);
    RC_ASSERT(HiveSegment("k", a) != HiveSegment("k", b));
    RC_ASSERT(HiveSegment("k", a) != HiveSegment("k", std::nullopt));
  }));
}

TEST(HivePathPlan, NullNullStringAndEmptyAreThreePartitions) {
  Scenario s(
      "CREATE TABLE t AS SELECT * FROM (VALUES (1, NULL), (2, 'NULL'), (3, ''), (4, NULL), "
      "(5, 'NULL'), (6, 'a/b=c')) v(i, tag)",
      "tag");
  const auto& parts = s.plan().partitions;
  ASSERT_EQ(parts.size(), 4u);
  std::map<std::string, std::pair<testing::Keys, int64_t>> by_path;
  for (const auto& p : parts) by_path[p.path] = {p.keys, p.rows};
  ASSERT_TRUE(by_path.count("tag_identity=__HIVE_DEFAULT_PARTITION__"));
  ASSERT_TRUE(by_path.count("tag_identity=%4EULL"));
  ASSERT_TRUE(by_path.count("tag_identity="));
  ASSERT_TRUE(by_path.count("tag_identity=a%2Fb%3Dc"));
  EXPECT_EQ(by_path["tag_identity=__HIVE_DEFAULT_PARTITION__"],
            std::make_pair(K(std::nullopt), int64_t{2}));
  EXPECT_EQ(by_path["tag_identity=%4EULL"], std::make_pair(K("NULL"), int64_t{2}));
  EXPECT_EQ(by_path["tag_identity="], std::make_pair(K(""), int64_t{1}));
  EXPECT_EQ(by_path["tag_identity=a%2Fb%3Dc"], std::make_pair(K("a/b=c"), int64_t{1}));
  // NULLs last
  EXPECT_EQ(parts.back().path, "tag_identity=__HIVE_DEFAULT_PARTITION__");
}

TEST(HivePathPlan, PathsJoinFieldsWithSlashInSpecOrder) {
  Scenario s("CREATE TABLE t AS SELECT DATE '2024-02-29' AS d, 'x:y' AS tag", "month(d), tag");
  ASSERT_EQ(s.plan().partitions.size(), 1u);
  EXPECT_EQ(s.plan().partitions[0].path, "d_month=2024-02/tag_identity=x%3Ay");
}

}  // namespace
}  // namespace duckpart

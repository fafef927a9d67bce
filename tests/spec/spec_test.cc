#include "duckpart/spec.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace duckpart {

// Lets rapidcheck print a failing spec in its text form.
void showValue(const Spec& spec, std::ostream& os) { os << ToString(spec); }

namespace {

using nlohmann::json;
using Kind = Literal::Kind;

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

Field MakeField(Transform transform, std::string column, int64_t param = 0,
                std::vector<Literal> bounds = {}, std::string name = "") {
  return Field{transform, std::move(column), param, std::move(bounds), std::move(name)};
}

Literal Num(std::string text) { return Literal{Kind::kNumber, std::move(text)}; }
Literal Str(std::string text) { return Literal{Kind::kString, std::move(text)}; }

Field ParseOne(std::string_view text) {
  const Spec spec = ParseSpec(text);
  EXPECT_EQ(spec.fields.size(), 1u) << text;
  return spec.fields.empty() ? Field{} : spec.fields[0];
}

// Parsing `text` fails at `position` with a one-line message containing `fragment`.
void ExpectSpecError(std::string_view text, size_t position, const std::string& fragment) {
  SCOPED_TRACE(std::string(text));
  try {
    ParseSpec(text);
    ADD_FAILURE() << "parsed without error";
  } catch (const SpecError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.position(), position) << what;
    const std::string prefix =
        "invalid spec at position " + std::to_string(position) + ": expected ";
    EXPECT_EQ(what.rfind(prefix, 0), 0u) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

// --- Parsing valid specs ---------------------------------------------------

TEST(SpecParse, ParsesEveryTransform) {
  EXPECT_EQ(ParseOne("identity(channel)"), MakeField(Transform::kIdentity, "channel"));
  EXPECT_EQ(ParseOne("year(ts)"), MakeField(Transform::kYear, "ts"));
  EXPECT_EQ(ParseOne("month(ts)"), MakeField(Transform::kMonth, "ts"));
  EXPECT_EQ(ParseOne("day(ts)"), MakeField(Transform::kDay, "ts"));
  EXPECT_EQ(ParseOne("hour(ts)"), MakeField(Transform::kHour, "ts"));
  EXPECT_EQ(ParseOne("bucket(8, user_id)"), MakeField(Transform::kBucket, "user_id", 8));
  EXPECT_EQ(ParseOne("truncate(3, name)"), MakeField(Transform::kTruncate, "name", 3));
  EXPECT_EQ(ParseOne("quantile(2, amount)"), MakeField(Transform::kQuantile, "amount", 2));
  EXPECT_EQ(ParseOne("range(amount, [10, 'x'])"),
            MakeField(Transform::kRange, "amount", 0, {Num("10"), Str("x")}));
}

TEST(SpecParse, BareColumnIsIdentity) {
  EXPECT_EQ(ParseOne("channel"), MakeField(Transform::kIdentity, "channel"));
  EXPECT_EQ(ParseSpec("channel"), ParseSpec("identity(channel)"));
}

TEST(SpecParse, KeywordsAreCaseInsensitiveAndColumnsKeepTheirCase) {
  EXPECT_EQ(ParseOne("MONTH(Ts)"), MakeField(Transform::kMonth, "Ts"));
  EXPECT_EQ(ParseOne("Bucket(4, UserId)"), MakeField(Transform::kBucket, "UserId", 4));
  EXPECT_EQ(ParseOne("IdEnTiTy(X)"), MakeField(Transform::kIdentity, "X"));
}

TEST(SpecParse, KeywordWithoutParenthesisIsAColumn) {
  EXPECT_EQ(ParseOne("month"), MakeField(Transform::kIdentity, "month"));
  EXPECT_EQ(ParseOne("bucket(2, range)"), MakeField(Transform::kBucket, "range", 2));
}

TEST(SpecParse, WhitespaceIsFreeBetweenTokens) {
  const Spec spec = ParseSpec(" \tmonth ( ts )\n,\r\nbucket(  8 ,user_id )  ");
  EXPECT_EQ(spec, ParseSpec("month(ts), bucket(8, user_id)"));
}

TEST(SpecParse, ParsesLargestBucketCount) {
  EXPECT_EQ(ParseOne("bucket(9223372036854775807, x)").param, kMaxInt64);
  EXPECT_EQ(ParseOne("bucket(0008, x)").param, 8);
}

TEST(SpecParse, NumbersAreKeptAsWritten) {
  EXPECT_EQ(
      ParseOne("range(x, [-2.50, 0, 1E5, 1.5e+10, 2e+011])").bounds,
      (std::vector<Literal>{Num("-2.50"), Num("0"), Num("1E5"), Num("1.5e+10"), Num("2e+011")}));
}

TEST(SpecParse, StringBoundsUnescapeDoubledQuotes) {
  EXPECT_EQ(ParseOne("range(x, ['it''s', '', 'a, b', '])'])").bounds,
            (std::vector<Literal>{Str("it's"), Str(""), Str("a, b"), Str("])")}));
}

TEST(SpecParse, StringBoundsNeedNotIncrease) {
  EXPECT_EQ(ParseOne("range(x, ['b', 'a'])").bounds.size(), 2u);
  EXPECT_EQ(ParseOne("range(x, [5, 'a', 1])").bounds.size(), 3u);
}

TEST(SpecParse, NumberBoundsCompareByValue) {
  EXPECT_NO_THROW(ParseSpec("range(x, [-1e3, -999.9, -0.5, 0, 1e-3, 0.1, 0.10001, 1, 9.9, 10])"));
  EXPECT_NO_THROW(ParseSpec("range(x, [99999999999999999998, 99999999999999999999])"));
  EXPECT_NO_THROW(ParseSpec("range(x, [0.1, 0.10000000000000001])"));
}

TEST(SpecParse, ParsesNestedSpecWithManyFields) {
  const Spec spec = ParseSpec(
      "month(ts), bucket(16, \"a(b), c\"), range(amount, [-1.5, 0, 1e3]), "
      "range(\"x]\", ['(', ')', '[,]']), channel, quantile(10, \"price, net\")");
  const Spec expected{
      {MakeField(Transform::kMonth, "ts"), MakeField(Transform::kBucket, "a(b), c", 16),
       MakeField(Transform::kRange, "amount", 0, {Num("-1.5"), Num("0"), Num("1e3")}),
       MakeField(Transform::kRange, "x]", 0, {Str("("), Str(")"), Str("[,]")}),
       MakeField(Transform::kIdentity, "channel"),
       MakeField(Transform::kQuantile, "price, net", 10)}};
  EXPECT_EQ(spec, expected);
  EXPECT_EQ(ParseSpec(ToString(spec)), spec);
}

TEST(SpecParse, HostileQuotedColumnNames) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("we""ird col")", "we\"ird col"},
      {R"("with space")", "with space"},
      {R"("ünïcødé 日本")", "ünïcødé 日本"},
      {R"("a,b")", "a,b"},
      {R"x("f(x)")x", "f(x)"},
      {R"("[1, 2]")", "[1, 2]"},
      {R"("it's")", "it's"},
      {"\"new\nline\"", "new\nline"},
      {R"("""")", "\""},
      {R"("month")", "month"},
      {R"("1st")", "1st"},
      {R"("drop table x; --")", "drop table x; --"},
  };
  for (const auto& [text, column] : cases) {
    EXPECT_EQ(ParseOne(text), MakeField(Transform::kIdentity, column)) << text;
    EXPECT_EQ(ParseOne("bucket(3, " + text + ")"), MakeField(Transform::kBucket, column, 3))
        << text;
  }
}

// --- Errors ------------------------------------------------------------------

TEST(SpecParse, EmptySpecNeedsAField) {
  ExpectSpecError("", 0, "expected a field");
  ExpectSpecError("  \t ", 4, "expected a field");
}

TEST(SpecParse, TrailingCommaNeedsAField) { ExpectSpecError("month(ts),", 10, "expected a field"); }

TEST(SpecParse, FieldCannotStartWithPunctuationOrUnicode) {
  ExpectSpecError("month(ts), @", 11, "expected a field");
  ExpectSpecError("ünï", 0, "expected a field");
}

TEST(SpecParse, UnclosedTransformNeedsParenthesis) {
  ExpectSpecError("month(ts", 8, "expected ')' after the column name");
  ExpectSpecError("bucket(8, x", 11, "expected ')' after the column name");
  ExpectSpecError("month(x y)", 8, "expected ')' after the column name");
}

TEST(SpecParse, TransformNeedsAColumn) {
  ExpectSpecError("month()", 6, "expected a column name");
  ExpectSpecError("bucket(4, 5)", 10, "expected a column name");
}

TEST(SpecParse, QuotedColumnCannotBeEmpty) {
  ExpectSpecError("\"\"", 0, "expected a non-empty column name");
  ExpectSpecError("day(\"\")", 4, "expected a non-empty column name");
}

TEST(SpecParse, UnknownTransformListsTheKnownOnes) {
  ExpectSpecError("weekly(ts)", 0,
                  "expected a transform (identity, year, month, day, hour, bucket, truncate, "
                  "range, quantile), got 'weekly'");
  ExpectSpecError("month(ts), Minute(ts)", 11, "got 'Minute'");
}

TEST(SpecParse, BucketNeedsPositiveCount) {
  ExpectSpecError("bucket(0, x)", 7, "expected a bucket count > 0");
  ExpectSpecError("bucket(-3, user_id)", 7, "expected a bucket count > 0");
  ExpectSpecError("bucket(1.5, x)", 7, "expected a bucket count > 0");
  ExpectSpecError("bucket(x, 8)", 7, "expected a bucket count > 0");
}

TEST(SpecParse, TruncateNeedsPositiveWidth) {
  ExpectSpecError("truncate(0, name)", 9, "expected a truncate width > 0");
}

TEST(SpecParse, QuantileNeedsAtLeastTwo) {
  ExpectSpecError("quantile(1, amount)", 9, "expected a quantile count >= 2");
  ExpectSpecError("quantile(0, amount)", 9, "expected a quantile count >= 2");
}

TEST(SpecParse, ParamMustFitInSixtyFourBits) {
  ExpectSpecError("bucket(9223372036854775808, x)", 7,
                  "expected an integer no larger than 9223372036854775807");
  ExpectSpecError("quantile(123456789012345678901234567890, x)", 9, "no larger than");
}

TEST(SpecParse, ParamNeedsCommaBeforeColumn) {
  ExpectSpecError("bucket(8 x)", 9, "expected ',' after the bucket argument");
}

TEST(SpecParse, TrailingGarbageIsRejected) {
  ExpectSpecError("month(ts) day(ts)", 10, "expected ',', AS or the end of the spec");
  ExpectSpecError("month(ts))", 9, "expected ',', AS or the end of the spec");
  ExpectSpecError("\"month\"(ts)", 7, "expected ',', AS or the end of the spec");
}

TEST(SpecParse, DuplicateFieldNamesAreRejected) {
  ExpectSpecError("month(ts), ts, month(ts)", 15, "duplicate field 'ts_month'");
  ExpectSpecError("identity(x) AS ts_month, MONTH(ts)", 25, "duplicate field 'ts_month'");
  ExpectSpecError("channel, identity(channel)", 9, "duplicate field 'channel_identity'");
  ExpectSpecError("bucket(2, x), bucket(4, x)", 14, "duplicate field 'x_bucket'");
}

TEST(SpecParse, DuplicateHostileNameStaysOnOneLine) {
  ExpectSpecError("\"a\nb\", \"a\nb\"", 7, "duplicate field 'a\\nb_identity'");
}

TEST(SpecParse, RangeNeedsBounds) {
  ExpectSpecError("range(amount, [])", 15, "expected at least one bound");
  ExpectSpecError("range(amount)", 12, "expected ',' and the bounds after the column name");
  ExpectSpecError("range(x, 10)", 9, "expected '[' to start the range bounds");
  ExpectSpecError("range(x, [1, ])", 13, "expected a bound");
}

TEST(SpecParse, RangeNeedsClosingBrackets) {
  ExpectSpecError("range(x, [1, 2)", 14, "expected ',' or ']' after a bound");
  ExpectSpecError("range(x, [1, 2]", 15, "expected ')' after the bounds");
}

TEST(SpecParse, NumberBoundsMustStrictlyIncrease) {
  ExpectSpecError("range(x, [1, 1])", 13,
                  "expected bounds in strictly increasing order, but 1 is not greater than 1");
  ExpectSpecError("range(x, [1, 10, 2])", 17, "but 2 is not greater than 10");
  ExpectSpecError("range(x, [1.0, 1])", 15, "but 1 is not greater than 1.0");
  ExpectSpecError("range(x, [1e3, 999.5])", 15, "but 999.5 is not greater than 1e3");
  ExpectSpecError("range(x, [0, -0])", 13, "but -0 is not greater than 0");
  ExpectSpecError("range(x, [-1, -2])", 14, "but -2 is not greater than -1");
}

TEST(SpecParse, UnterminatedQuotesAreRejected) {
  ExpectSpecError("identity(\"ab", 12,
                  "expected a closing '\"' for the quoted name opened at position 9");
  ExpectSpecError("\"we\"\"ird", 8, "expected a closing '\"'");
  ExpectSpecError("range(x, ['ab])", 15,
                  "expected a closing \"'\" for the quoted string opened at position 10");
}

TEST(SpecParse, NulBytesAreRejected) {
  ExpectSpecError(std::string("identity(\"a\0b\")", 15), 11, "expected no NUL byte in a name");
  ExpectSpecError(std::string("range(x, ['a\0'])", 16), 12, "expected no NUL byte in a string");
}

TEST(SpecParse, MalformedNumbersAreRejected) {
  ExpectSpecError("range(x, [1.])", 12, "expected a digit after '.'");
  ExpectSpecError("range(x, [- 1])", 11, "expected a digit in the number");
  ExpectSpecError("range(x, [1e])", 12, "expected a digit in the exponent");
  ExpectSpecError("range(x, [.5])", 10, "expected a bound");
}

TEST(SpecParse, ErrorIsAnInputErrorWithUsageExitCode) {
  try {
    ParseSpec("month(");
    FAIL() << "parsed";
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_STREQ(e.what(),
                 "invalid spec at position 6: expected a column name (user_id or "
                 "\"double-quoted\")");
  }
}

// --- Names and printing ------------------------------------------------------

TEST(TransformName, NamesEveryTransformInLowerCase) {
  EXPECT_STREQ(TransformName(Transform::kIdentity), "identity");
  EXPECT_STREQ(TransformName(Transform::kYear), "year");
  EXPECT_STREQ(TransformName(Transform::kMonth), "month");
  EXPECT_STREQ(TransformName(Transform::kDay), "day");
  EXPECT_STREQ(TransformName(Transform::kHour), "hour");
  EXPECT_STREQ(TransformName(Transform::kBucket), "bucket");
  EXPECT_STREQ(TransformName(Transform::kTruncate), "truncate");
  EXPECT_STREQ(TransformName(Transform::kRange), "range");
  EXPECT_STREQ(TransformName(Transform::kQuantile), "quantile");
}

TEST(FieldName, IsColumnUnderscoreTransformForEveryTransform) {
  const Spec spec = ParseSpec(
      "channel, month(ts), bucket(8, user_id), quantile(4, amount), truncate(2, name), "
      "range(\"a b\", [1])");
  std::vector<std::string> names;
  for (const Field& field : spec.fields) names.push_back(field.Name());
  EXPECT_EQ(names, (std::vector<std::string>{"channel_identity", "ts_month", "user_id_bucket",
                                             "amount_quantile", "name_truncate", "a b_range"}));
}

TEST(FieldName, AsGivesTheFieldItsOwnName) {
  const Spec spec = ParseSpec(R"(month(ts) AS m, channel as "Chan nel", bucket(4, id) As b)");
  std::vector<std::string> names;
  for (const Field& field : spec.fields) names.push_back(field.Name());
  EXPECT_EQ(names, (std::vector<std::string>{"m", "Chan nel", "b"}));
  EXPECT_EQ(spec.fields[0].DefaultName(), "ts_month");
  EXPECT_EQ(spec.fields[1], MakeField(Transform::kIdentity, "channel", 0, {}, "Chan nel"));
}

TEST(FieldName, AsTheDefaultNameIsTheSameFieldAsNone) {
  EXPECT_EQ(ParseOne("month(ts) AS ts_month"), MakeField(Transform::kMonth, "ts"));
  EXPECT_EQ(ToString(ParseSpec("month(ts) AS ts_month")), "month(ts)");
  EXPECT_EQ(MakeField(Transform::kMonth, "ts", 0, {}, "ts_month"),
            MakeField(Transform::kMonth, "ts"));
  EXPECT_NE(ParseOne("month(ts) AS m"), MakeField(Transform::kMonth, "ts"));
}

TEST(FieldName, ColumnNamedAsStaysAColumn) {
  EXPECT_EQ(ParseOne("as"), MakeField(Transform::kIdentity, "as"));
  EXPECT_EQ(ParseOne("identity(as) AS as"), MakeField(Transform::kIdentity, "as", 0, {}, "as"));
  EXPECT_EQ(ToString(ParseSpec("identity(as) AS as")), "identity(as) AS as");
}

TEST(FieldName, AsNeedsAName) {
  ExpectSpecError("month(ts) AS", 12, "expected a field name after AS");
  ExpectSpecError("month(ts) AS ,x", 13, "expected a field name after AS");
  ExpectSpecError(R"(month(ts) AS "")", 13, "expected a non-empty field name");
  ExpectSpecError("month(ts) AS m n", 15, "expected ',', AS or the end");
  ExpectSpecError("month(ts) AS m, day(ts) AS m", 16, "duplicate field 'm'");
}

TEST(SpecPrint, PrintsCanonicalForm) {
  EXPECT_EQ(ToString(ParseSpec("MONTH( ts ),Bucket(8,user_id)")), "month(ts), bucket(8, user_id)");
  EXPECT_EQ(ToString(ParseSpec("channel")), "identity(channel)");
  EXPECT_EQ(ToString(ParseSpec("range(col,[1,2.5,'x'])")), "range(col, [1, 2.5, 'x'])");
  EXPECT_EQ(ToString(ParseSpec("truncate(3, name), quantile(4, amount)")),
            "truncate(3, name), quantile(4, amount)");
}

TEST(SpecPrint, QuotesColumnsThatAreNotPlainIdentifiers) {
  EXPECT_EQ(ToString(MakeField(Transform::kIdentity, "we\"ird col")), R"(identity("we""ird col"))");
  EXPECT_EQ(ToString(MakeField(Transform::kDay, "1st")), R"(day("1st"))");
  EXPECT_EQ(ToString(MakeField(Transform::kDay, "ünï")), R"(day("ünï"))");
  EXPECT_EQ(ToString(MakeField(Transform::kDay, "_ok9")), "day(_ok9)");
}

TEST(SpecPrint, QuotesTransformKeywordsAsColumns) {
  EXPECT_EQ(ToString(ParseSpec("month")), R"(identity("month"))");
  EXPECT_EQ(ToString(MakeField(Transform::kYear, "Range")), R"(year("Range"))");
  EXPECT_EQ(ToString(MakeField(Transform::kYear, "months")), "year(months)");
}

TEST(SpecPrint, EscapesQuotesInStringBounds) {
  const Field field = MakeField(Transform::kRange, "x", 0, {Str("it's"), Str("\"")});
  EXPECT_EQ(ToString(field), R"(range(x, ['it''s', '"']))");
  EXPECT_EQ(ParseOne(ToString(field)), field);
}

TEST(SpecPrint, RoundTripsHostileSpecs) {
  const std::vector<std::string> texts = {
      R"("we""ird col", bucket(3, "a,b"), range("(", [')', '''']))",
      "\"new\nline\", \"tab\there\", hour(\"日本\")",
      R"("identity", identity("IDENTITY"), month("Month"))",
      R"(month(ts) AS "a/b=c", day(ts) AS "as", hour(ts) AS "日本", "x" AS "AS")",
  };
  for (const std::string& text : texts) {
    const Spec spec = ParseSpec(text);
    EXPECT_EQ(ParseSpec(ToString(spec)), spec) << text;
  }
}

// --- JSON --------------------------------------------------------------------

TEST(SpecJson, HasTheDocumentedShape) {
  const Spec spec = ParseSpec("bucket(8, user_id), range(amount, [10, 'x']), channel");
  const json expected = json::parse(R"({"fields": [
      {"transform": "bucket", "column": "user_id", "param": 8, "name": "user_id_bucket"},
      {"transform": "range", "column": "amount", "name": "amount_range",
       "bounds": [{"number": "10"}, {"string": "x"}]},
      {"transform": "identity", "column": "channel", "name": "channel_identity"}]})");
  EXPECT_EQ(ToJson(spec), expected);
}

TEST(SpecJson, NameIsTheFieldsNameAndOptional) {
  const Spec spec = SpecFromJson(json::parse(R"({"fields": [
      {"transform": "month", "column": "ts", "name": "m"},
      {"transform": "identity", "column": "tag", "name": "tag"},
      {"transform": "day", "column": "ts"}]})"));
  EXPECT_EQ(ToString(spec), "month(ts) AS m, identity(tag) AS tag, day(ts)");
  EXPECT_EQ(ToJson(spec)["fields"][1]["name"], "tag");
  EXPECT_EQ(SpecFromJson(ToJson(spec)), spec);
}

TEST(SpecJson, RoundTripsThroughJsonText) {
  const Spec spec = ParseSpec(
      R"(month(ts), bucket(9223372036854775807, "we""ird"), range(x, [-1.50e2, 'it''s']), )"
      R"(truncate(2, "日本"), quantile(2, "a\nb"))");
  EXPECT_EQ(SpecFromJson(json::parse(ToJson(spec).dump())), spec);
}

void ExpectBadJson(const std::string& text, const std::string& fragment) {
  SCOPED_TRACE(text);
  try {
    SpecFromJson(json::parse(text));
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("invalid spec JSON: ", 0), 0u) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

TEST(SpecJson, RejectsMalformedStructure) {
  ExpectBadJson("[]", "expected an object");
  ExpectBadJson("{}", R"(expected "fields" to be an array)");
  ExpectBadJson(R"({"fields": [1]})", "expected each field to be an object");
  ExpectBadJson(R"({"fields": [{"column": "x"}]})", R"(expected "transform" to be a string)");
  ExpectBadJson(R"({"fields": [{"transform": "month"}]})", R"(expected "column" to be a string)");
  ExpectBadJson(R"({"fields": [{"transform": "weekly", "column": "x"}]})", "got 'weekly'");
  ExpectBadJson(R"({"fields": [{"transform": "MONTH", "column": "x"}]})", "got 'MONTH'");
}

TEST(SpecJson, RejectsBadParamsAndBounds) {
  ExpectBadJson(R"({"fields": [{"transform": "bucket", "column": "x"}]})",
                R"(expected "param" to be an integer)");
  ExpectBadJson(R"({"fields": [{"transform": "bucket", "column": "x", "param": 2.5}]})",
                R"(expected "param" to be an integer)");
  ExpectBadJson(
      R"({"fields": [{"transform": "bucket", "column": "x", "param": 9223372036854775808}]})",
      "fit in 64 bits");
  ExpectBadJson(R"({"fields": [{"transform": "quantile", "column": "x", "param": 1}]})",
                "expected a quantile count >= 2");
  ExpectBadJson(R"({"fields": [{"transform": "range", "column": "x"}]})",
                R"(expected "bounds" to be an array)");
  ExpectBadJson(R"({"fields": [{"transform": "range", "column": "x", "bounds": []}]})",
                "expected at least one bound");
  ExpectBadJson(R"({"fields": [{"transform": "range", "column": "x", "bounds": [{"n": "1"}]}]})",
                R"(expected "number" to be a string)");
  ExpectBadJson(
      R"({"fields": [{"transform": "range", "column": "x", "bounds": [{"number": "1, 2"}]}]})",
      "'1, 2' is not a number");
  ExpectBadJson(
      R"({"fields": [{"transform": "range", "column": "x", "bounds": [{"number": "2"}, {"number": "1"}]}]})",
      "strictly increasing");
}

TEST(SpecJson, RejectsWhatTheTextFormRejects) {
  ExpectBadJson(R"({"fields": []})", "expected a field");
  ExpectBadJson(R"({"fields": [{"transform": "month", "column": ""}]})", "non-empty column name");
  ExpectBadJson(R"({"fields": [{"transform": "month", "column": "a\u0000b"}]})", "NUL byte");
  ExpectBadJson(R"({"fields": [{"transform": "identity", "column": "y", "name": "x_day"},
                               {"transform": "day", "column": "x"}]})",
                "duplicate field 'x_day'");
  ExpectBadJson(R"({"fields": [{"transform": "day", "column": "x", "name": ""}]})",
                R"(expected "name" to be a non-empty string)");
  ExpectBadJson(R"({"fields": [{"transform": "day", "column": "x", "name": "a\u0000b"}]})",
                "NUL byte");
}

// --- Properties ----------------------------------------------------------------

// Appends code point `cp` to `out` as UTF-8.
void AppendUtf8(std::string& out, uint32_t cp) {
  auto byte = [](uint32_t bits) { return static_cast<char>(bits); };
  if (cp < 0x80) {
    out += byte(cp);
  } else if (cp < 0x800) {
    out += byte(0xC0 | (cp >> 6));
    out += byte(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += byte(0xE0 | (cp >> 12));
    out += byte(0x80 | ((cp >> 6) & 0x3F));
    out += byte(0x80 | (cp & 0x3F));
  } else {
    out += byte(0xF0 | (cp >> 18));
    out += byte(0x80 | ((cp >> 12) & 0x3F));
    out += byte(0x80 | ((cp >> 6) & 0x3F));
    out += byte(0x80 | (cp & 0x3F));
  }
}

// Any valid UTF-8 text without NUL, weighted toward the characters the grammar cares about.
rc::Gen<std::string> HostileText() {
  const auto special = rc::gen::elementOf(std::string("\"'(),[] \t\n\r_-.e0"));
  const auto code_point =
      rc::gen::oneOf(rc::gen::inRange<uint32_t>(1, 0x80), rc::gen::inRange<uint32_t>(0x80, 0xD800),
                     rc::gen::inRange<uint32_t>(0xE000, 0x110000),
                     rc::gen::map(special, [](char c) { return static_cast<uint32_t>(c); }));
  return rc::gen::map(rc::gen::container<std::vector<uint32_t>>(code_point),
                      [](const std::vector<uint32_t>& cps) {
                        std::string out;
                        for (uint32_t cp : cps) AppendUtf8(out, cp);
                        return out;
                      });
}

rc::Gen<std::string> BareWord() {
  const std::string first = "abcxyzABCXYZ_";
  const std::string rest = first + "0123456789";
  return rc::gen::apply([](char c, const std::string& tail) { return c + tail; },
                        rc::gen::elementOf(first),
                        rc::gen::container<std::string>(rc::gen::elementOf(rest)));
}

rc::Gen<std::string> ColumnName() {
  return rc::gen::oneOf(
      rc::gen::element<std::string>("ts", "user_id", "month", "Month", "IDENTITY", "range",
                                    "we\"ird col", "a,b", "f(x)", "[x]", "日本語", "new\nline", " ",
                                    "'", "\"", "_", "x1", "1x"),
      BareWord(), rc::gen::nonEmpty(HostileText()));
}

// A number as written, in one of several spellings of the value `thousandths` / 1000.
rc::Gen<std::string> SpelledNumber(int64_t thousandths) {
  const std::string sign = thousandths < 0 ? "-" : "";
  const int64_t magnitude = thousandths < 0 ? -thousandths : thousandths;
  const std::string frac = std::to_string(1000 + magnitude % 1000).substr(1);
  std::vector<std::string> spellings = {
      std::to_string(thousandths) + "e-3",
      sign + std::to_string(magnitude / 1000) + "." + frac,
      std::to_string(thousandths) + "000E-6",
  };
  if (magnitude % 1000 == 0) {
    spellings.push_back(std::to_string(thousandths / 1000));
    spellings.push_back(std::to_string(thousandths / 1000) + "e+0");
  }
  return rc::gen::elementOf(spellings);
}

rc::Gen<std::vector<Literal>> IncreasingNumbers() {
  return rc::gen::exec([] {
    const auto values = *rc::gen::nonEmpty(
        rc::gen::container<std::set<int64_t>>(rc::gen::inRange<int64_t>(-10'000'000, 10'000'000)));
    std::vector<Literal> bounds;
    for (int64_t v : values) bounds.push_back(Num(*SpelledNumber(v)));
    return bounds;
  });
}

// Any number the grammar accepts: -?digits[.digits][e[+-]digits].
rc::Gen<std::string> AnyNumber() {
  const auto digits = rc::gen::nonEmpty(
      rc::gen::container<std::string>(rc::gen::elementOf(std::string("0123456789"))));
  return rc::gen::exec([digits] {
    std::string text = *rc::gen::element<std::string>("", "-") + *digits;
    if (*rc::gen::arbitrary<bool>()) text += "." + *digits;
    if (*rc::gen::arbitrary<bool>()) {
      text += *rc::gen::element<std::string>("e", "E", "e+", "e-", "E-") + *digits;
    }
    return text;
  });
}

// Bounds with at least one string, so they need not increase.
rc::Gen<std::vector<Literal>> MixedBounds() {
  return rc::gen::exec([] {
    const auto literal =
        rc::gen::oneOf(rc::gen::map(AnyNumber(), Num), rc::gen::map(HostileText(), Str));
    auto bounds = *rc::gen::container<std::vector<Literal>>(literal);
    const size_t at = *rc::gen::inRange<size_t>(0, bounds.size() + 1);
    bounds.insert(bounds.begin() + static_cast<std::ptrdiff_t>(at), Str(*HostileText()));
    return bounds;
  });
}

rc::Gen<Field> AnyField() {
  return rc::gen::exec([] {
    Field field;
    field.transform =
        *rc::gen::element(Transform::kIdentity, Transform::kYear, Transform::kMonth,
                          Transform::kDay, Transform::kHour, Transform::kBucket,
                          Transform::kTruncate, Transform::kRange, Transform::kQuantile);
    field.column = *ColumnName();
    const int64_t min = field.transform == Transform::kQuantile ? 2 : 1;
    const bool has_param = field.transform == Transform::kBucket ||
                           field.transform == Transform::kTruncate ||
                           field.transform == Transform::kQuantile;
    if (has_param) {
      field.param =
          *rc::gen::oneOf(rc::gen::inRange<int64_t>(min, 100),
                          rc::gen::inRange<int64_t>(min, kMaxInt64), rc::gen::just(kMaxInt64));
    }
    if (field.transform == Transform::kRange) {
      field.bounds = *rc::gen::oneOf(IncreasingNumbers(), MixedBounds());
    }
    if (*rc::gen::arbitrary<bool>()) field.name = *ColumnName();  // "AS name"
    return field;
  });
}

// A valid spec: one or more fields, names unique (the first of each name is kept).
rc::Gen<Spec> AnySpec() {
  return rc::gen::map(rc::gen::nonEmpty(rc::gen::container<std::vector<Field>>(AnyField())),
                      [](const std::vector<Field>& fields) {
                        Spec spec;
                        std::set<std::string> names;
                        for (const Field& f : fields) {
                          if (names.insert(f.Name()).second) spec.fields.push_back(f);
                        }
                        return spec;
                      });
}

TEST(SpecProperty, TextAndJsonRoundTrip) {
  EXPECT_TRUE(rc::check("ParseSpec(ToString(s)) == s and SpecFromJson(ToJson(s)) == s", [] {
    const Spec spec = *AnySpec();
    RC_ASSERT(ParseSpec(ToString(spec)) == spec);
    RC_ASSERT(SpecFromJson(ToJson(spec)) == spec);
    RC_ASSERT(SpecFromJson(json::parse(ToJson(spec).dump())) == spec);
  }));
}

TEST(SpecProperty, PrintingIsCanonical) {
  EXPECT_TRUE(rc::check("ToString(ParseSpec(ToString(s))) == ToString(s)", [] {
    const std::string text = ToString(*AnySpec());
    RC_ASSERT(ToString(ParseSpec(text)) == text);
  }));
}

TEST(SpecProperty, ErrorsAreOneLineWithAPositionInsideTheText) {
  EXPECT_TRUE(rc::check("parse errors name a position within the text", [] {
    const std::string text = *HostileText();
    try {
      ParseSpec(text);
    } catch (const SpecError& e) {
      RC_ASSERT(e.position() <= text.size());
      RC_ASSERT(std::string(e.what()).find('\n') == std::string::npos);
    }
  }));
}

}  // namespace
}  // namespace duckpart

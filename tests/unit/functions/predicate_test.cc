// IN, BETWEEN, LIKE, ILIKE and RLIKE, with expected values from the Spark 3.5 SQL
// function reference examples.

#include <gtest/gtest.h>

#include "tests/unit/functions/function_test_util.h"

namespace weir {
namespace {

using testing::EvalColumns;
using testing::EvalLiterals;

Value I(int32_t v) { return Value::Int32(v); }
Value S(std::string v) { return Value::String(std::move(v)); }
Value B(bool b) { return Value::Boolean(b); }
Value NB() { return Value::Null(DataType::Boolean()); }

TEST(PredicateTest, InFollowsThreeValuedLogic) {
  // `SELECT 1 in(1, 2, 3);` -> true, `SELECT 1 in(2, 3, 4);` -> false
  EXPECT_EQ(B(true), *EvalLiterals("in", {I(1), I(1), I(2), I(3)}));
  EXPECT_EQ(B(false), *EvalLiterals("in", {I(1), I(2), I(3), I(4)}));
  // No match and a NULL in the list: NULL. A match wins over NULLs.
  EXPECT_EQ(NB(), *EvalLiterals("in", {I(1), I(2), Value()}));
  EXPECT_EQ(B(true), *EvalLiterals("in", {I(2), Value(), I(2)}));
  EXPECT_EQ(NB(), *EvalLiterals("in", {Value(), I(2)}));
  // Widening: 1 IN (1.0) compares as DOUBLE.
  EXPECT_EQ(B(true), *EvalLiterals("in", {I(1), Value::Double(1.0)}));
  EXPECT_EQ(B(true), *EvalLiterals("in", {S("b"), S("a"), S("b")}));
}

TEST(PredicateTest, Between) {
  // `SELECT 2 BETWEEN 1 AND 3;` -> true (inclusive bounds)
  EXPECT_EQ(B(true), *EvalLiterals("between", {I(2), I(1), I(3)}));
  EXPECT_EQ(B(true), *EvalLiterals("between", {I(3), I(1), I(3)}));
  EXPECT_EQ(B(false), *EvalLiterals("between", {I(4), I(1), I(3)}));
  EXPECT_EQ(NB(), *EvalLiterals("between", {I(2), Value(), I(3)}));
  EXPECT_EQ(B(false), *EvalLiterals("between", {I(5), Value(), I(3)}));
}

TEST(PredicateTest, LikeShapes) {
  // Spark docs: `SELECT like('Spark', '_park');` -> true
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("Spark"), S("_park")}));
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("Spark"), S("Spark")}));
  EXPECT_EQ(B(false), *EvalLiterals("like", {S("Spark"), S("spark")}));
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("Spark"), S("Sp%")}));
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("Spark"), S("%ark")}));
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("/video?channel_id=7"), S("%channel_id%")}));
  EXPECT_EQ(B(false), *EvalLiterals("like", {S("/video"), S("%channel_id%")}));
  EXPECT_EQ(B(true), *EvalLiterals("like", {S(""), S("%")}));
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("a\nb"), S("a%b")}));  // % spans newlines
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("abc"), S("a%c")}));
  EXPECT_EQ(B(false), *EvalLiterals("like", {S("abc"), S("a_")}));
  // '_' is one character, not one byte: 'é' is two UTF-8 bytes.
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("caf\xC3\xA9"), S("caf_")}));
  // Regex metacharacters in the pattern are literal.
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("a.b*c"), S("a.b*_")}));
  EXPECT_EQ(B(false), *EvalLiterals("like", {S("axb*c"), S("a.b*_")}));
  EXPECT_EQ(NB(), *EvalLiterals("like", {S("a"), Value::Null(DataType::String())}));
}

// A plain recursive LIKE over bytes (ASCII inputs only), as a reference.
bool ReferenceLike(std::string_view s, std::string_view p) {
  if (p.empty()) return s.empty();
  if (p[0] == '%')
    return ReferenceLike(s, p.substr(1)) || (!s.empty() && ReferenceLike(s.substr(1), p));
  if (s.empty()) return false;
  return (p[0] == '_' || p[0] == s[0]) && ReferenceLike(s.substr(1), p.substr(1));
}

TEST(PredicateTest, LikeAgreesWithAReferenceOnRandomPatterns) {
  // Small alphabets make overlaps, repeats and near misses common.
  uint64_t x = 7;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  const char kText[] = "ab";
  const char kPat[] = "ab%_";
  for (int round = 0; round < 3000; ++round) {
    std::string s, p;
    for (uint64_t n = next() % 7; n > 0; --n) s.push_back(kText[next() % 2]);
    for (uint64_t n = next() % 6; n > 0; --n) p.push_back(kPat[next() % 4]);
    Result<Value> r = EvalLiterals("like", {S(s), S(p)});
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(B(ReferenceLike(s, p)), *r) << "'" << s << "' LIKE '" << p << "'";
  }
}

TEST(PredicateTest, LikeUnderscoreInsideSegments) {
  // '_' is a wildcard even inside '%...%': 'channel_id' also matches 'channelXid'.
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("?x=1&channel_id=2"), S("%channel_id%")}));
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("channelXid"), S("%channel_id%")}));
  EXPECT_EQ(B(false), *EvalLiterals("like", {S("channelid"), S("%channel_id%")}));
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("acbxb"), S("a%b_b")}));
  EXPECT_EQ(B(false), *EvalLiterals("like", {S("abcab"), S("a%b_b")}));
  EXPECT_EQ(B(false), *EvalLiterals("like", {S("a"), S("a%a")}));
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("aa"), S("a%a")}));
  // '_' at the end takes one whole UTF-8 character.
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("x\xE2\x82\xAC"), S("%x_")}));
  EXPECT_EQ(B(false), *EvalLiterals("like", {S("x\xE2\x82\xAC"), S("%x__")}));
}

TEST(PredicateTest, LikeEscapes) {
  // Spark docs: `SELECT '%SystemDrive%\\Users\\John' like '\%SystemDrive\%\\\\Users%'` -> true
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("%SystemDrive%\\Users\\John"),
                                            S("\\%SystemDrive\\%\\\\Users%")}));
  // `SELECT '%SystemDrive%/Users/John' like '/%SystemDrive/%//Users%' ESCAPE '/'` -> true
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("%SystemDrive%/Users/John"),
                                            S("/%SystemDrive/%//Users%"), S("/")}));
  EXPECT_EQ(B(false), *EvalLiterals("like", {S("50 percent"), S("50\\%")}));
  EXPECT_EQ(B(true), *EvalLiterals("like", {S("50%"), S("50\\%")}));
  // An escape before an ordinary character is an error naming the pattern.
  auto bad = EvalLiterals("like", {S("abc"), S("a\\bc")});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string::npos, bad.status().message().find("'a\\bc'"));
  auto bad_escape = EvalLiterals("like", {S("abc"), S("a%"), S("ab")});
  ASSERT_FALSE(bad_escape.ok());
  EXPECT_EQ(StatusCode::kInvalidSql, bad_escape.status().code());
}

TEST(PredicateTest, IlikeIgnoresCase) {
  // Spark docs: `SELECT ilike('Spark', '_Park');` -> true
  EXPECT_EQ(B(true), *EvalLiterals("ilike", {S("Spark"), S("_Park")}));
  EXPECT_EQ(B(true), *EvalLiterals("ilike", {S("SPARK"), S("sp%")}));
  EXPECT_EQ(B(false), *EvalLiterals("ilike", {S("Spork"), S("sp%a%")}));
}

TEST(PredicateTest, LikeWithPatternsPerRow) {
  auto r = EvalColumns("like",
                       {{DataType::String(),
                         {S("apple"), S("banana"), S("cherry"), Value::Null(DataType::String())}},
                        {DataType::String(), {S("a%"), S("%nan%"), S("c_erry_"), S("%")}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{B(true), B(true), B(false), NB()}), *r);
}

TEST(PredicateTest, RLike) {
  // Spark docs: `SELECT rlike('%SystemDrive%\Users\John', '%SystemDrive%\\Users.*');` -> true
  EXPECT_EQ(B(true), *EvalLiterals("rlike", {S("%SystemDrive%\\Users\\John"),
                                             S("%SystemDrive%\\\\Users.*")}));
  // Partial match, like Java's Matcher.find().
  EXPECT_EQ(B(true), *EvalLiterals("rlike", {S("weir stream"), S("str")}));
  EXPECT_EQ(B(false), *EvalLiterals("rlike", {S("weir stream"), S("^str")}));
  EXPECT_EQ(B(true), *EvalLiterals("regexp", {S("abc123"), S("[0-9]+$")}));
  EXPECT_EQ(B(true), *EvalLiterals("regexp_like", {S("abc123"), S("\\d{3}")}));
  // An invalid regex is an error with the pattern in the message.
  auto bad = EvalLiterals("rlike", {S("a"), S("(unclosed")});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string::npos, bad.status().message().find("(unclosed"));
  EXPECT_NE(std::string::npos, bad.status().message().find("INVALID_PARAMETER_VALUE.PATTERN"));
  auto per_row = EvalColumns(
      "rlike", {{DataType::String(), {S("a1"), S("b")}}, {DataType::String(), {S("\\d"), S("[")}}});
  ASSERT_FALSE(per_row.ok());
  EXPECT_NE(std::string::npos, per_row.status().message().find("'['"));
}

}  // namespace
}  // namespace weir

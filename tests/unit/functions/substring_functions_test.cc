// substring / substr, left, right, instr, locate / position, replace, translate,
// split_part. Cases cite the Spark 3.5 SQL function reference example ("docs:
// SELECT ...") or the Spark source behaviour they pin (UTF8String.substringSQL,
// indexOf, replace, translate; ByteArray.subStringSQL; StringLocate; SplitPart).

#include <gtest/gtest.h>

#include "tests/unit/functions/string_test_util.h"

namespace weir {
namespace {

using namespace weir::testing;  // NOLINT: test helpers

const std::string kE = "\xC3\xA9";
const std::string kEuro = "\xE2\x82\xAC";
const std::string kSmile = "\xF0\x9F\x98\x80";
const std::string kLong = "The quick brown fox jumps over the lazy dog";

TEST(SubstringFunctionsTest, Substring) {
  RunCases({
      {"docs: SELECT substring('Spark SQL', 5) -> k SQL",
       "substring",
       {S("Spark SQL"), I(5)},
       S("k SQL")},
      {"docs: SELECT substring('Spark SQL', -3) -> SQL",
       "substring",
       {S("Spark SQL"), I(-3)},
       S("SQL")},
      {"docs: SELECT substring('Spark SQL', 5, 1) -> k",
       "substring",
       {S("Spark SQL"), I(5), I(1)},
       S("k")},
      {"docs: SELECT substr('Spark SQL', 5) -> k SQL",
       "substr",
       {S("Spark SQL"), I(5)},
       S("k SQL")},
      {"docs: SELECT substr('Spark SQL', -3) -> SQL", "substr", {S("Spark SQL"), I(-3)}, S("SQL")},
      {"docs: SELECT substr('Spark SQL', 5, 1) -> k",
       "substr",
       {S("Spark SQL"), I(5), I(1)},
       S("k")},
      {"docs: SELECT substring(encode('Spark SQL', 'utf-8'), 5) -> k SQL (BINARY)",
       "substring",
       {Bin("Spark SQL"), I(5)},
       Bin("k SQL")},
      {"substringSQL: position 0 is read as 1", "substring", {S("Spark"), I(0), I(2)}, S("Sp")},
      {"substringSQL: negative start with a length",
       "substring",
       {S("Spark SQL"), I(-3), I(2)},
       S("SQ")},
      {"substringSQL: start before the beginning shortens the length",
       "substring",
       {S("Spark"), I(-7), I(4)},
       S("Sp")},
      {"substringSQL: start far before the beginning -> ''",
       "substring",
       {S("Spark"), I(-30), I(5)},
       S("")},
      {"substringSQL: start past the end -> ''", "substring", {S("Spark"), I(10)}, S("")},
      {"substringSQL: negative length -> ''", "substring", {S("Spark"), I(2), I(-1)}, S("")},
      {"substringSQL: characters, not bytes",
       "substring",
       {S("a" + kE + kEuro + kSmile + "b"), I(2), I(3)},
       S(kE + kEuro + kSmile)},
      {"substringSQL: negative start counts characters",
       "substring",
       {S(kE + kEuro + kSmile), I(-2)},
       S(kEuro + kSmile)},
      {"subStringSQL: BINARY counts bytes",
       "substring",
       {Bin("caf" + kE), I(4), I(1)},
       Bin("\xC3")},
      {"substring: out-of-line piece", "substring", {S(kLong), I(5), I(15)}, S("quick brown fox")},
      {"substring: NULL", "substring", {NullStr(), I(1)}, NullStr()},
      {"substring: NULL position", "substring", {S("abc"), NullInt()}, NullStr()},
      {"substring: a STRING position is cast to INT",
       "substring",
       {S("Spark"), S("2"), S("3")},
       S("par")},
      {"substring: a number is cast to STRING", "substring", {I(12345), I(2), I(2)}, S("23")},
      {"docs: SELECT left('Spark SQL', 3) -> Spa", "left", {S("Spark SQL"), I(3)}, S("Spa")},
      {"docs: SELECT left(encode('Spark SQL', 'utf-8'), 3) -> Spa (BINARY)",
       "left",
       {Bin("Spark SQL"), I(3)},
       Bin("Spa")},
      {"Left: len <= 0 -> ''", "left", {S("Spark"), I(0)}, S("")},
      {"Left: longer than the string", "left", {S(kE + "x"), I(10)}, S(kE + "x")},
      {"docs: SELECT right('Spark SQL', 3) -> SQL", "right", {S("Spark SQL"), I(3)}, S("SQL")},
      {"Right: len <= 0 -> ''", "right", {S("Spark"), I(-2)}, S("")},
      {"Right: longer than the string", "right", {S("Spark"), I(9)}, S("Spark")},
      {"Right: characters", "right", {S("ab" + kEuro + kSmile), I(2)}, S(kEuro + kSmile)},
      {"Right: NULL string", "right", {NullStr(), I(2)}, NullStr()},
  });
}

TEST(SubstringFunctionsTest, SubstringOverColumnWithNulls) {
  std::vector<Value> got = EvalRows("substring", {S(kLong), NullStr(), S("ab"), S(kSmile + kLong)},
                                    DataType::String(), 0, {I(2), I(14)});
  ASSERT_EQ(4u, got.size());
  EXPECT_EQ(S("he quick brown"), got[0]);
  EXPECT_EQ(NullStr(), got[1]);
  EXPECT_EQ(S("b"), got[2]);
  EXPECT_EQ(S("The quick brow"), got[3]);
}

TEST(SubstringFunctionsTest, InstrLocate) {
  RunCases({
      {"docs: SELECT instr('SparkSQL', 'SQL') -> 6", "instr", {S("SparkSQL"), S("SQL")}, I(6)},
      {"StringInstr: not found -> 0", "instr", {S("SparkSQL"), S("sql")}, I(0)},
      {"StringInstr: empty substring -> 1", "instr", {S("abc"), S("")}, I(1)},
      {"StringInstr: character positions", "instr", {S(kE + kEuro + "abc"), S("b")}, I(4)},
      {"StringInstr: NULL", "instr", {NullStr(), S("a")}, NullInt()},
      {"docs: SELECT locate('bar', 'foobarbar') -> 4", "locate", {S("bar"), S("foobarbar")}, I(4)},
      {"docs: SELECT locate('bar', 'foobarbar', 5) -> 7",
       "locate",
       {S("bar"), S("foobarbar"), I(5)},
       I(7)},
      {"docs: SELECT POSITION('bar' IN 'foobarbar') -> 4",
       "position",
       {S("bar"), S("foobarbar")},
       I(4)},
      {"StringLocate: start < 1 -> 0", "locate", {S("bar"), S("foobarbar"), I(0)}, I(0)},
      {"StringLocate: negative start -> 0", "locate", {S("bar"), S("foobarbar"), I(-1)}, I(0)},
      {"StringLocate: a NULL start -> 0, not NULL",
       "locate",
       {S("bar"), S("foobarbar"), NullInt()},
       I(0)},
      {"StringLocate: a NULL start wins over a NULL string",
       "locate",
       {NullStr(), NullStr(), NullInt()},
       I(0)},
      {"StringLocate: NULL substring -> NULL", "locate", {NullStr(), S("foobarbar")}, NullInt()},
      {"StringLocate: start past the end -> 0", "locate", {S("bar"), S("foobarbar"), I(20)}, I(0)},
      {"UTF8String.indexOf: an empty substring is found at 1 whatever the start",
       "locate",
       {S(""), S("abc"), I(3)},
       I(1)},
      {"StringLocate: character positions with a start",
       "locate",
       {S(kE), S(kE + "x" + kE), I(2)},
       I(3)},
  });
}

TEST(SubstringFunctionsTest, ReplaceTranslate) {
  RunCases({
      {"docs: SELECT replace('ABCabc', 'abc', 'DEF') -> ABCDEF",
       "replace",
       {S("ABCabc"), S("abc"), S("DEF")},
       S("ABCDEF")},
      {"StringReplace: two arguments remove the search string",
       "replace",
       {S("ABCabc"), S("abc")},
       S("ABC")},
      {"UTF8String.replace: an empty search string changes nothing",
       "replace",
       {S("abc"), S(""), S("x")},
       S("abc")},
      {"replace: non-overlapping, left to right", "replace", {S("aaaa"), S("aa"), S("b")}, S("bb")},
      {"replace: growing out of line",
       "replace",
       {S("a.b.c"), S("."), S(kLong)},
       S("a" + kLong + "b" + kLong + "c")},
      {"replace: multi-byte",
       "replace",
       {S(kE + "x" + kE), S(kE), S(kEuro)},
       S(kEuro + "x" + kEuro)},
      {"replace: NULL replacement -> NULL", "replace", {S("abc"), S("b"), NullStr()}, NullStr()},
      {"docs: SELECT translate('AaBbCc', 'abc', '123') -> A1B2C3",
       "translate",
       {S("AaBbCc"), S("abc"), S("123")},
       S("A1B2C3")},
      {"StringTranslate: characters without a counterpart are deleted",
       "translate",
       {S("abcabc"), S("abc"), S("x")},
       S("xx")},
      {"StringTranslate.buildDict: the first occurrence wins",
       "translate",
       {S("aaa"), S("aa"), S("xy")},
       S("xxx")},
      {"StringTranslate: multi-byte characters",
       "translate",
       {S("caf" + kE + " " + kEuro), S(kE + kEuro), S("e" + kSmile)},
       S("cafe " + kSmile)},
      {"StringTranslate: no match leaves the input",
       "translate",
       {S(kLong), S("#"), S("%")},
       S(kLong)},
      {"StringTranslate: NULL", "translate", {S("abc"), NullStr(), S("x")}, NullStr()},
  });
}

TEST(SubstringFunctionsTest, SplitPart) {
  RunCases({
      {"docs: SELECT split_part('11.12.13', '.', 3) -> 13",
       "split_part",
       {S("11.12.13"), S("."), I(3)},
       S("13")},
      {"SplitPart: negative parts count from the end",
       "split_part",
       {S("11.12.13"), S("."), I(-1)},
       S("13")},
      {"SplitPart: -3 is the first part", "split_part", {S("11.12.13"), S("."), I(-3)}, S("11")},
      {"SplitPart: out of range -> ''", "split_part", {S("11.12.13"), S("."), I(4)}, S("")},
      {"SplitPart: out of range from the end -> ''",
       "split_part",
       {S("11.12.13"), S("."), I(-4)},
       S("")},
      {"SplitPart: an empty delimiter does not split",
       "split_part",
       {S("abc"), S(""), I(1)},
       S("abc")},
      {"SplitPart: an empty delimiter, part 2 -> ''", "split_part", {S("abc"), S(""), I(2)}, S("")},
      {"SplitPart: empty parts are kept (split(..., -1))",
       "split_part",
       {S("a,,b,"), S(","), I(4)},
       S("")},
      {"SplitPart: a multi-character delimiter is literal",
       "split_part",
       {S("a.*b.*c"), S(".*"), I(2)},
       S("b")},
      {"SplitPart: the delimiter at the start gives an empty first part",
       "split_part",
       {S(",a"), S(","), I(1)},
       S("")},
      {"SplitPart: out-of-line part",
       "split_part",
       {S("x|" + kLong + "|y"), S("|"), I(2)},
       S(kLong)},
      {"SplitPart: NULL", "split_part", {S("a.b"), NullStr(), I(1)}, NullStr()},
  });
  RunErrorCase({"ElementAt: index 0 is an error",
                "split_part",
                {S("a.b"), S("."), I(0)},
                StatusCode::kInvalidInput,
                {"[INVALID_INDEX_OF_ZERO]"}});
}

}  // namespace
}  // namespace weir

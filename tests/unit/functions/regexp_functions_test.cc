// split, regexp_extract, regexp_extract_all, regexp_replace. Cases cite the Spark 3.5
// SQL function reference example ("docs: SELECT ...") or the behaviour they pin
// (UTF8String.split with Java's String.split, Matcher.find / appendReplacement,
// RegExpExtractBase.checkGroupIndex, RegExpReplace.checkInputDataTypes).

#include <gtest/gtest.h>

#include "tests/unit/functions/string_test_util.h"

namespace weir {
namespace {

using namespace weir::testing;  // NOLINT: test helpers

const std::string kE = "\xC3\xA9";
const std::string kLong = "The quick brown fox jumps over the lazy dog";

TEST(RegexpFunctionsTest, Split) {
  RunCases({
      {"docs: SELECT split('oneAtwoBthreeC', '[ABC]') -> [\"one\",\"two\",\"three\",\"\"]",
       "split",
       {S("oneAtwoBthreeC"), S("[ABC]")},
       Strs({"one", "two", "three", ""})},
      {"docs: SELECT split('oneAtwoBthreeC', '[ABC]', -1) -> [\"one\",\"two\",\"three\",\"\"]",
       "split",
       {S("oneAtwoBthreeC"), S("[ABC]"), I(-1)},
       Strs({"one", "two", "three", ""})},
      {"docs: SELECT split('oneAtwoBthreeC', '[ABC]', 2) -> [\"one\",\"twoBthreeC\"]",
       "split",
       {S("oneAtwoBthreeC"), S("[ABC]"), I(2)},
       Strs({"one", "twoBthreeC"})},
      {"UTF8String.split: limit 0 behaves as -1 (trailing empty strings kept)",
       "split",
       {S("a,b,,"), S(","), I(0)},
       Strs({"a", "b", "", ""})},
      {"String.split: limit 1 -> the whole string",
       "split",
       {S("a,b"), S(","), I(1)},
       Strs({"a,b"})},
      {"String.split: no match -> the input", "split", {S("abc"), S(",")}, Strs({"abc"})},
      {"String.split: '' -> ['']", "split", {S(""), S(",")}, Strs({""})},
      {"String.split: a leading match gives an empty first part",
       "split",
       {S(",a"), S(",")},
       Strs({"", "a"})},
      {"String.split: a zero-width match at the start gives no empty part",
       "split",
       {S("abc"), S("x*")},
       Strs({"a", "b", "c", ""})},
      {"Spark 3.5: an empty pattern splits into characters, no trailing ''",
       "split",
       {S("hello"), S("")},
       Strs({"h", "e", "l", "l", "o"})},
      {"Spark 3.5: an empty pattern with a limit keeps the first characters",
       "split",
       {S("hello"), S(""), I(2)},
       Strs({"h", "e"})},
      {"split: an empty pattern on '' -> ['']", "split", {S(""), S("")}, Strs({""})},
      {"split: regex metacharacters",
       "split",
       {S("a1b22c333d"), S("[0-9]+")},
       Strs({"a", "b", "c", "d"})},
      {"split: '.' is a regex (every character matches)",
       "split",
       {S("a.b"), S(".")},
       Strs({"", "", "", ""})},
      {"split: a quoted dot", "split", {S("a.b"), S("\\.")}, Strs({"a", "b"})},
      {"split: multi-byte delimiter and parts",
       "split",
       {S(kE + "," + kLong), S(",")},
       Strs({kE, kLong})},
      {"split: NULL pattern -> NULL", "split", {S("a"), NullStr()}, NullStrs()},
      {"split: NULL string -> NULL", "split", {NullStr(), S(",")}, NullStrs()},
  });
}

// split by a constant literal without a positive limit builds its parts as refs into
// the input (SplitByLiteral); the same call with the pattern in a column takes the
// general path. Both must agree on every row, over all rows and over a subset.
TEST(RegexpFunctionsTest, SplitByLiteralMatchesGeneralPath) {
  const std::vector<Value> strs = {
      S("https://www.nexmark.com/abcde/fghij/klmno/item.htm?query=1&channel_id=12"),
      S(""),
      S("/"),
      S("//"),
      S("/leading"),
      S("trailing/"),
      NullStr(),
      S("no delimiter at all, and longer than twelve bytes"),
      S("a/b"),
      S("short/a-part-longer-than-12/x"),
      S(kE + "/" + kE + kE + "/" + kLong),
      S("a::b:::c"),
  };
  // Delimiters on and around the 16-byte steps of the one-byte scan, runs of them
  // across a step, and strings of every length up to 70.
  std::vector<Value> more = strs;
  uint64_t seed = 42;
  for (int len = 0; len <= 70; ++len) {
    std::string t;
    for (int k = 0; k < len; ++k) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      const int r = static_cast<int>((seed >> 33) % 7);
      t.push_back(r == 0 ? '/' : r == 1 ? ':' : r == 2 ? ',' : static_cast<char>('a' + r));
    }
    more.push_back(S(t));
  }
  for (size_t at : {15, 16, 17, 31, 32, 33, 47, 48}) {
    std::string t(50, 'x');
    t[at] = '/';
    more.push_back(S(t));
    t[at - 1] = '/';
    more.push_back(S(t));
  }
  const std::vector<Value>& all = more;
  for (const std::string& delim : {std::string("/"), std::string("::"), std::string(",")}) {
    for (const Value& limit : {I(-1), I(0), I(2)}) {
      SchemaPtr schema = MakeSchema({{"s", DataType::String(), true},
                                     {"p", DataType::String(), true},
                                     {"l", DataType::Int32(), true}});
      auto sb = MakeBuilder(DataType::String()), pb = MakeBuilder(DataType::String()),
           lb = MakeBuilder(DataType::Int32());
      for (const Value& v : all) {
        ASSERT_TRUE(sb->AppendValue(v).ok());
        ASSERT_TRUE(pb->AppendValue(S(delim)).ok());
        ASSERT_TRUE(lb->AppendValue(limit).ok());
      }
      Result<Batch> batch = Batch::Make(schema, {sb->Finish(), pb->Finish(), lb->Finish()});
      ASSERT_TRUE(batch.ok());
      auto resolve = [&](bool constant) {
        std::vector<ExprPtr> args = {ColumnRef(*schema, 0),
                                     constant ? Literal(S(delim)) : ColumnRef(*schema, 1),
                                     constant ? Literal(limit) : ColumnRef(*schema, 2)};
        Result<ExprPtr> call = FunctionRegistry::Builtins().Resolve("split", std::move(args), {});
        EXPECT_TRUE(call.ok()) << call.status();
        return *call;
      };
      ExprPtr fast = resolve(true), general = resolve(false);
      EvalContext ctx{EvalOptions{}};
      std::vector<uint32_t> odd;
      for (uint32_t i = 1; i < all.size(); i += 2) odd.push_back(i);
      for (const RowSet& rows :
           {RowSet(batch->physical_rows()), RowSet(batch->physical_rows(), odd)}) {
        Result<Datum> a = fast->Eval(ctx, *batch, rows);
        Result<Datum> b = general->Eval(ctx, *batch, rows);
        ASSERT_TRUE(a.ok() && b.ok());
        rows.ForEach([&](int64_t i) {
          EXPECT_EQ(b->GetValue(i), a->GetValue(i)) << "row " << i << " delim " << delim;
        });
      }
    }
  }
  // Spelled out, so that both paths being wrong the same way shows.
  RunCases({{"split by '/': leading, inner and trailing empty parts",
             "split",
             {S("/a//b/"), S("/")},
             Strs({"", "a", "", "b", ""})}});
}

TEST(RegexpFunctionsTest, RegexpExtract) {
  RunCases({
      {"docs: SELECT regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 1) -> 100",
       "regexp_extract",
       {S("100-200"), S("(\\d+)-(\\d+)"), I(1)},
       S("100")},
      {"RegExpExtract: the default group is 1",
       "regexp_extract",
       {S("100-200"), S("(\\d+)-(\\d+)")},
       S("100")},
      {"RegExpExtract: group 2",
       "regexp_extract",
       {S("100-200"), S("(\\d+)-(\\d+)"), I(2)},
       S("200")},
      {"RegExpExtract: group 0 is the whole match",
       "regexp_extract",
       {S("x100-200y"), S("(\\d+)-(\\d+)"), I(0)},
       S("100-200")},
      {"RegExpExtract: no match -> ''", "regexp_extract", {S("abc"), S("(\\d+)"), I(1)}, S("")},
      {"RegExpExtract: an optional group that did not match -> ''",
       "regexp_extract",
       {S("ac"), S("a(b)?c"), I(1)},
       S("")},
      {"RegExpExtract: named groups (Java syntax)",
       "regexp_extract",
       {S("key=value"), S("(?<k>\\w+)=(?<v>\\w+)"), I(2)},
       S("value")},
      {"RegExpExtract: POSIX class \\p{Alpha}",
       "regexp_extract",
       {S("123abc456"), S("(\\p{Alpha}+)"), I(1)},
       S("abc")},
      {"RegExpExtract: out-of-line group",
       "regexp_extract",
       {S("<" + kLong + ">"), S("<(.*)>"), I(1)},
       S(kLong)},
      {"RegExpExtract: UTF-8 aware",
       "regexp_extract",
       {S("caf" + kE + "!"), S("f(.)"), I(1)},
       S(kE)},
      {"RegExpExtract: NULL", "regexp_extract", {NullStr(), S("a"), I(0)}, NullStr()},
      {"RegExpExtract: NULL pattern", "regexp_extract", {S("a"), NullStr(), I(0)}, NullStr()},
      {"docs: SELECT regexp_extract_all('100-200, 300-400', '(\\\\d+)-(\\\\d+)', 1) -> "
       "[\"100\",\"300\"]",
       "regexp_extract_all",
       {S("100-200, 300-400"), S("(\\d+)-(\\d+)"), I(1)},
       Strs({"100", "300"})},
      {"RegExpExtractAll: group 2",
       "regexp_extract_all",
       {S("100-200, 300-400"), S("(\\d+)-(\\d+)"), I(2)},
       Strs({"200", "400"})},
      {"RegExpExtractAll: no match -> []", "regexp_extract_all", {S("abc"), S("(\\d)")}, Strs({})},
      {"RegExpExtractAll: empty matches, as Matcher.find",
       "regexp_extract_all",
       {S("ab"), S("x*"), I(0)},
       Strs({"", "", ""})},
  });
}

TEST(RegexpFunctionsTest, RegexpReplace) {
  RunCases({
      {"docs: SELECT regexp_replace('100-200', '(\\\\d+)', 'num') -> num-num",
       "regexp_replace",
       {S("100-200"), S("(\\d+)"), S("num")},
       S("num-num")},
      {"appendReplacement: $1 is group 1",
       "regexp_replace",
       {S("100-200"), S("(\\d+)-(\\d+)"), S("$2-$1")},
       S("200-100")},
      {"appendReplacement: ${name} is a named group",
       "regexp_replace",
       {S("a=b"), S("(?<k>\\w)=(?<v>\\w)"), S("${v}=${k}")},
       S("b=a")},
      {"appendReplacement: \\$ is a literal $",
       "regexp_replace",
       {S("5"), S("(\\d)"), S("\\$$1")},
       S("$5")},
      {"appendReplacement: $12 with one group is $1 followed by '2'",
       "regexp_replace",
       {S("a"), S("(a)"), S("$12")},
       S("a2")},
      {"Matcher.find: an empty match after a non-empty one",
       "regexp_replace",
       {S("abc"), S("b*"), S("-")},
       S("-a--c-")},
      {"Matcher.find: empty matches between characters",
       "regexp_replace",
       {S(kE + "b"), S(""), S("|")},
       S("|" + kE + "|b|")},
      {"RegExpReplace: position 4 leaves the first 3 characters",
       "regexp_replace",
       {S("aaaaa"), S("a"), S("b"), I(4)},
       S("aaabb"),
       true},
      {"RegExpReplace: ^ anchors at the position (Matcher.region)",
       "regexp_replace",
       {S("aaaa"), S("^a"), S("b"), I(3)},
       S("aaba"),
       true},
      {"RegExpReplace: a position past the end returns the input",
       "regexp_replace",
       {S("abc"), S("c"), S("x"), I(10)},
       S("abc"),
       true},
      {"RegExpReplace: the position of the last character",
       "regexp_replace",
       {S("abc"), S("c"), S("x"), I(3)},
       S("abx"),
       true},
      {"RegExpReplace: position length + 1 returns the input",
       "regexp_replace",
       {S("abc"), S("c"), S("x"), I(4)},
       S("abc"),
       true},
      {"RegExpReplace: no match returns the input",
       "regexp_replace",
       {S(kLong), S("\\d"), S("#")},
       S(kLong)},
      {"RegExpReplace: out of line",
       "regexp_replace",
       {S(kLong), S("o"), S("0")},
       S("The quick br0wn f0x jumps 0ver the lazy d0g")},
      {"RegExpReplace: NULL replacement -> NULL",
       "regexp_replace",
       {S("abc"), S("b"), NullStr()},
       NullStr()},
      {"RegExpReplace: a NULL position -> NULL",
       "regexp_replace",
       {S("abc"), S("b"), S("x"), NullInt()},
       NullStr(),
       true},
  });
  // The column path: pattern and replacement vary per row; the position stays constant.
  std::vector<std::pair<DataType, std::vector<Value>>> columns = {
      {DataType::String(), {S("100-200"), S("a.b"), NullStr(), S("xyz")}},
      {DataType::String(), {S("(\\d+)"), S("\\."), S("a"), S("(y)")}},
      {DataType::String(), {S("<$1>"), S("/"), S("b"), S("[$1]")}}};
  Result<std::vector<Value>> got = EvalColumns("regexp_replace", columns);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(S("<100>-<200>"), (*got)[0]);
  EXPECT_EQ(S("a/b"), (*got)[1]);
  EXPECT_EQ(NullStr(), (*got)[2]);
  EXPECT_EQ(S("x[y]z"), (*got)[3]);
}

TEST(RegexpFunctionsTest, Errors) {
  // An invalid regex names the error class, the function and the pattern; per row as
  // well as for a constant pattern.
  for (const char* fn : {"split", "regexp_extract", "regexp_extract_all"}) {
    RunErrorCase({std::string("invalid regex in ") + fn,
                  fn,
                  {S("abc"), S("(ab")},
                  StatusCode::kInvalidInput,
                  {"[INVALID_PARAMETER_VALUE.PATTERN]", std::string("`") + fn + "`", "'(ab'"}});
  }
  RunErrorCase({"invalid regex in regexp_replace",
                "regexp_replace",
                {S("abc"), S("a[b"), S("x")},
                StatusCode::kInvalidInput,
                {"[INVALID_PARAMETER_VALUE.PATTERN]", "`regexp_replace`", "'a[b'"}});
  RunErrorCase({"RE2 has no lookahead: a clear error, not a crash",
                "regexp_extract",
                {S("abc"), S("a(?=b)"), I(0)},
                StatusCode::kInvalidInput,
                {"[INVALID_PARAMETER_VALUE.PATTERN]", "'a(?=b)'"}});
  RunErrorCase({"checkGroupIndex: group 3 of 2",
                "regexp_extract",
                {S("100-200"), S("(\\d+)-(\\d+)"), I(3)},
                StatusCode::kInvalidInput,
                {"[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX]",
                 "Expects group index between 0 and 2, but got 3."}});
  RunErrorCase({"checkGroupIndex: a negative group",
                "regexp_extract_all",
                {S("100-200"), S("(\\d+)"), I(-1)},
                StatusCode::kInvalidInput,
                {"[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX]", "but got -1"}});
  RunErrorCase({"appendReplacement: no group 2",
                "regexp_replace",
                {S("abc"), S("(b)"), S("$2")},
                StatusCode::kInvalidInput,
                {"No group 2"}});
  RunErrorCase({"appendReplacement: a trailing backslash",
                "regexp_replace",
                {S("abc"), S("b"), S("x\\")},
                StatusCode::kInvalidInput,
                {"character to be escaped is missing"}});
  RunErrorCase({"RegExpReplace: position 0 is out of range",
                "regexp_replace",
                {S("abc"), S("b"), S("x"), I(0)},
                StatusCode::kInvalidSql,
                {"[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE]"}},
               /*literal_only=*/true);
  // A malformed replacement is only an error when a match uses it, as in Java.
  RunCases({{"appendReplacement is not called without a match",
             "regexp_replace",
             {S("abc"), S("z"), S("$9")},
             S("abc")}});
  // The position must be a constant.
  std::vector<std::pair<DataType, std::vector<Value>>> columns = {{DataType::String(), {S("abc")}},
                                                                  {DataType::String(), {S("b")}},
                                                                  {DataType::String(), {S("x")}},
                                                                  {DataType::Int32(), {I(1)}}};
  Result<std::vector<Value>> r = EvalColumns("regexp_replace", columns);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("NON_FOLDABLE_INPUT")) << r.status();
}

}  // namespace
}  // namespace weir

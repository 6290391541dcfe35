// concat, concat_ws, length and friends, lower / upper / initcap, trim family,
// lpad / rpad, repeat, reverse, ascii, chr. Cases cite the Spark 3.5 SQL function
// reference example ("docs: SELECT ...") or the Spark source behaviour they pin
// (UTF8String.java, ByteArray.java, stringExpressions.scala).

#include <gtest/gtest.h>

#include "tests/unit/functions/string_test_util.h"

namespace weir {
namespace {

using namespace weir::testing;  // NOLINT: test helpers

// 'é' (2 bytes), '€' (3 bytes), '😀' (4 bytes).
const std::string kE = "\xC3\xA9";
const std::string kEuro = "\xE2\x82\xAC";
const std::string kSmile = "\xF0\x9F\x98\x80";
// Longer than StringRef's 12 inline bytes: stored out of line.
const std::string kLong = "The quick brown fox jumps over the lazy dog";

TEST(StringFunctionsTest, Concat) {
  RunCases({
      {"docs: SELECT concat('Spark', 'SQL') -> SparkSQL",
       "concat",
       {S("Spark"), S("SQL")},
       S("SparkSQL")},
      {"concat: NULL if any argument is NULL", "concat", {S("a"), NullStr(), S("b")}, NullStr()},
      {"concat: an untyped NULL literal", "concat", {S("a"), Value()}, NullStr()},
      {"concat: empty strings", "concat", {S(""), S("")}, S("")},
      {"concat: one argument", "concat", {S(kLong)}, S(kLong)},
      {"concat: out-of-line result", "concat", {S(kLong), S("!"), S(kE)}, S(kLong + "!" + kE)},
      {"ConcatCoercion: numbers are cast to STRING",
       "concat",
       {S("n="), I(42), S("/"), D(1.5)},
       S("n=42/1.5")},
      {"ConcatCoercion: BOOLEAN is cast to STRING",
       "concat",
       {Value::Boolean(true), S("!")},
       S("true!")},
      {"ConcatCoercion: all BINARY stays BINARY",
       "concat",
       {Bin("ab"), Bin("\x01")},
       Bin("ab\x01")},
      {"ConcatCoercion: BINARY with STRING is STRING", "concat", {Bin("ab"), S("cd")}, S("abcd")},
      {"docs: SELECT concat_ws(' ', 'Spark', 'SQL') -> Spark SQL",
       "concat_ws",
       {S(" "), S("Spark"), S("SQL")},
       S("Spark SQL")},
      {"docs: SELECT concat_ws('s') -> ''", "concat_ws", {S("s")}, S("")},
      {"docs: SELECT concat_ws('/', 'foo', null, 'bar') -> foo/bar",
       "concat_ws",
       {S("/"), S("foo"), NullStr(), S("bar")},
       S("foo/bar")},
      {"docs: SELECT concat_ws(null, 'Spark', 'SQL') -> NULL",
       "concat_ws",
       {NullStr(), S("Spark"), S("SQL")},
       NullStr()},
      {"concat_ws: array<string> arguments are flattened, NULL elements skipped",
       "concat_ws",
       {S(", "), Value::Array(DataType::String(), {S("a"), NullStr(), S("b")}), S("c")},
       S("a, b, c")},
      {"concat_ws: all NULL -> ''", "concat_ws", {S(","), NullStr(), NullStr()}, S("")},
      {"concat_ws: a multi-byte separator",
       "concat_ws",
       {S(kEuro), S("1"), S("2")},
       S("1" + kEuro + "2")},
      {"concat_ws: numbers are cast to STRING", "concat_ws", {S("-"), I(1), L(2)}, S("1-2")},
  });
}

TEST(StringFunctionsTest, ConcatOverColumnsWithNulls) {
  // A column mixing NULLs, short and long strings, concatenated with a constant.
  std::vector<Value> rows = {S("a"), NullStr(), S(kLong), S(""), S(kE)};
  std::vector<Value> got = EvalRows("concat", rows, DataType::String(), 0, {S("|x")});
  ASSERT_EQ(5u, got.size());
  EXPECT_EQ(S("a|x"), got[0]);
  EXPECT_EQ(NullStr(), got[1]);
  EXPECT_EQ(S(kLong + "|x"), got[2]);
  EXPECT_EQ(S("|x"), got[3]);
  EXPECT_EQ(S(kE + "|x"), got[4]);
  // concat_ws skips the NULL rows of a column argument instead.
  got = EvalRows("concat_ws", rows, DataType::String(), 1, {S("+"), S("z")});
  EXPECT_EQ(S("a+z"), got[0]);
  EXPECT_EQ(S("z"), got[1]);
  EXPECT_EQ(S("+z"), got[3]);
}

TEST(StringFunctionsTest, Lengths) {
  RunCases({
      {"docs: SELECT length('Spark SQL ') -> 10", "length", {S("Spark SQL ")}, I(10)},
      {"docs: SELECT length(x'537061726b2053514c') -> 9",
       "length",
       {Bin("\x53\x70\x61\x72\x6b\x20\x53\x51\x4c")},
       I(9)},
      {"docs: SELECT CHAR_LENGTH('Spark SQL ') -> 10", "char_length", {S("Spark SQL ")}, I(10)},
      {"docs: SELECT CHARACTER_LENGTH('Spark SQL ') -> 10",
       "character_length",
       {S("Spark SQL ")},
       I(10)},
      {"Length: characters, not bytes", "length", {S("caf" + kE + kEuro + kSmile)}, I(6)},
      {"Length: BINARY counts bytes", "length", {Bin("caf" + kE)}, I(5)},
      {"Length: ''", "length", {S("")}, I(0)},
      {"Length: NULL", "length", {NullStr()}, NullInt()},
      {"Length: untyped NULL", "length", {Value()}, NullInt()},
      {"Length: a number is cast to STRING", "length", {I(-123)}, I(4)},
      {"Length: out of line", "length", {S(kLong)}, I(43)},
      {"docs: SELECT octet_length('Spark SQL') -> 9", "octet_length", {S("Spark SQL")}, I(9)},
      {"docs: SELECT octet_length(x'537061726b2053514c') -> 9",
       "octet_length",
       {Bin("Spark SQL")},
       I(9)},
      {"OctetLength: bytes of UTF-8", "octet_length", {S(kE + kSmile)}, I(6)},
      {"docs: SELECT bit_length('Spark SQL') -> 72", "bit_length", {S("Spark SQL")}, I(72)},
      {"docs: SELECT bit_length(x'537061726b2053514c') -> 72",
       "bit_length",
       {Bin("Spark SQL")},
       I(72)},
      {"BitLength: NULL", "bit_length", {NullStr()}, NullInt()},
  });
}

TEST(StringFunctionsTest, Case) {
  RunCases({
      {"docs: SELECT lower('SparkSql') -> sparksql", "lower", {S("SparkSql")}, S("sparksql")},
      {"docs: SELECT lcase('SparkSql') -> sparksql", "lcase", {S("SparkSql")}, S("sparksql")},
      {"docs: SELECT upper('SparkSql') -> SPARKSQL", "upper", {S("SparkSql")}, S("SPARKSQL")},
      {"docs: SELECT ucase('SparkSql') -> SPARKSQL", "ucase", {S("SparkSql")}, S("SPARKSQL")},
      {"upper: NULL", "upper", {NullStr()}, NullStr()},
      {"upper: ''", "upper", {S("")}, S("")},
      {"upper: out of line ASCII",
       "upper",
       {S(kLong)},
       S("THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG")},
      {"toUpperCase: Latin-1", "upper", {S("caf\xC3\xA9 \xC3\xBF")}, S("CAF\xC3\x89 \xC5\xB8")},
      {"toUpperCase: full mapping, sharp s -> SS",
       "upper",
       {S("stra\xC3\x9F"
          "e")},
       S("STRASSE")},
      {"toUpperCase: Greek",
       "upper",
       {S("\xCE\xB1\xCE\xB2\xCE\xB3")},
       S("\xCE\x91\xCE\x92\xCE\x93")},
      {"toUpperCase: Cyrillic",
       "upper",
       {S("\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82")},
       S("\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2")},
      {"toUpperCase: the ligature fi -> FI", "upper", {S("\xEF\xAC\x81")}, S("FI")},
      {"toLowerCase: Latin-1 and Cyrillic",
       "lower",
       {S("\xC3\x89T\xC3\x89 \xD0\x9C\xD0\x98\xD0\xA0")},
       S("\xC3\xA9t\xC3\xA9 \xD0\xBC\xD0\xB8\xD1\x80")},
      {"toLowerCase: dotted capital I -> i + combining dot",
       "lower",
       {S("\xC4\xB0")},
       S("i\xCC\x87")},
      {"toLowerCase: Greek final sigma",
       "lower",
       {S("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 \xCE\xA3")},
       S("\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82 \xCF\x83")},
      {"toUpperCase: a 4-byte character (Deseret) maps",
       "upper",
       {S("\xF0\x90\x90\xA8")},
       S("\xF0\x90\x90\x80")},
      {"toUpperCase: characters without case stay",
       "upper",
       {S(kSmile + kEuro + "1")},
       S(kSmile + kEuro + "1")},
      {"lower: a number is cast to STRING", "lower", {D(1e10)}, S("1.0e10")},
      {"docs: SELECT initcap('sPark sql') -> Spark Sql",
       "initcap",
       {S("sPark sql")},
       S("Spark Sql")},
      {"InitCap: words are delimited by ' ' only",
       "initcap",
       {S("hello-world foo_bar\tbaz")},
       S("Hello-world Foo_bar\tbaz")},
      {"InitCap: leading and repeated spaces", "initcap", {S("  a  b")}, S("  A  B")},
      {"InitCap: non-ASCII words",
       "initcap",
       {S("\xC3\xA9T\xC3\x89 \xD0\xBC\xD0\x98\xD0\xA0")},
       S("\xC3\x89t\xC3\xA9 \xD0\x9C\xD0\xB8\xD1\x80")},
      {"InitCap: titlecase digraph dz -> Dz", "initcap", {S("\xC7\x86ungla")}, S("\xC7\x85ungla")},
      {"InitCap: NULL", "initcap", {NullStr()}, NullStr()},
  });
}

TEST(StringFunctionsTest, CaseOverColumnWithNulls) {
  std::vector<Value> got =
      EvalRows("upper", {S("ab"), NullStr(), S(kLong), S("\xC3\xA9" + kLong), S("")},
               DataType::String(), 0, {});
  ASSERT_EQ(5u, got.size());
  EXPECT_EQ(S("AB"), got[0]);
  EXPECT_EQ(NullStr(), got[1]);
  EXPECT_EQ(S("THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG"), got[2]);
  EXPECT_EQ(S("\xC3\x89THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG"), got[3]);
  EXPECT_EQ(S(""), got[4]);
}

// lower/upper store an ASCII value they leave unchanged as the input's own ref: the
// unchanged, changed, inline (<= 12 bytes), out-of-line, non-ASCII and empty cases
// side by side in one column.
TEST(StringFunctionsTest, CaseKeepsUnchangedValues) {
  const std::string lower_long = "https://www.nexmark.com/item.htm?query=1";
  std::vector<Value> got =
      EvalRows("lower",
               {S("apple"), S("Apple"), S(lower_long), S("HTTPS://X.COM/" + lower_long), S(""),
                NullStr(), S("caf\xC3\xA9"), S("CAF\xC3\x89 long enough to be out of line"),
                S("0123456789-_=&"), S("@[`{")},
               DataType::String(), 0, {});
  EXPECT_EQ((std::vector<Value>{S("apple"), S("apple"), S(lower_long),
                                S("https://x.com/" + lower_long), S(""), NullStr(),
                                S("caf\xC3\xA9"), S("caf\xC3\xA9 long enough to be out of line"),
                                S("0123456789-_=&"), S("@[`{")}),
            got);
  got = EvalRows("upper", {S("ID"), S("id"), S("ALREADY UPPER AND LONG"), S("@[`{"), S("")},
                 DataType::String(), 0, {});
  EXPECT_EQ((std::vector<Value>{S("ID"), S("ID"), S("ALREADY UPPER AND LONG"), S("@[`{"), S("")}),
            got);
}

// Every ASCII byte at positions that start, end and straddle the 8-byte words the
// unchanged-value check reads, in strings of 1 to 17 bytes.
TEST(StringFunctionsTest, CaseOfEveryAsciiByte) {
  for (const char* fn : {"lower", "upper"}) {
    std::vector<Value> in, want;
    for (int c = 1; c < 128; ++c) {
      for (size_t len : {1, 7, 8, 9, 12, 13, 16, 17}) {
        for (size_t pos : {size_t{0}, len / 2, len - 1}) {
          std::string s(len, fn[0] == 'l' ? 'q' : 'Q');
          s[pos] = static_cast<char>(c);
          in.push_back(S(s));
          for (char& ch : s) {
            if (fn[0] == 'l' && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
            if (fn[0] == 'u' && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
          }
          want.push_back(S(s));
        }
      }
    }
    EXPECT_EQ(want, EvalRows(fn, in, DataType::String(), 0, {})) << fn;
  }
}

TEST(StringFunctionsTest, Trim) {
  RunCases({
      {"docs: SELECT trim('    SparkSQL   ') -> SparkSQL",
       "trim",
       {S("    SparkSQL   ")},
       S("SparkSQL")},
      {"docs: SELECT trim('SL' FROM 'SSparkSQLS') -> parkSQ (trim(trimStr, str))",
       "trim",
       {S("SL"), S("SSparkSQLS")},
       S("parkSQ")},
      {"docs: SELECT trim(LEADING 'SL' FROM 'SSparkSQLS') -> parkSQLS",
       "ltrim",
       {S("SL"), S("SSparkSQLS")},
       S("parkSQLS")},
      {"docs: SELECT trim(TRAILING 'SL' FROM 'SSparkSQLS') -> SSparkSQ",
       "rtrim",
       {S("SL"), S("SSparkSQLS")},
       S("SSparkSQ")},
      {"docs: SELECT ltrim('    SparkSQL   ') -> 'SparkSQL   '",
       "ltrim",
       {S("    SparkSQL   ")},
       S("SparkSQL   ")},
      {"docs: SELECT rtrim('    SparkSQL   ') -> '    SparkSQL'",
       "rtrim",
       {S("    SparkSQL   ")},
       S("    SparkSQL")},
      {"docs: SELECT btrim('    SparkSQL   ') -> SparkSQL",
       "btrim",
       {S("    SparkSQL   ")},
       S("SparkSQL")},
      {"docs: SELECT btrim('SSparkSQLS', 'SL') -> parkSQ (btrim(str, trimStr))",
       "btrim",
       {S("SSparkSQLS"), S("SL")},
       S("parkSQ")},
      {"docs: SELECT btrim(encode('SSparkSQLS', 'utf-8'), encode('SL', 'utf-8')) -> parkSQ",
       "btrim",
       {Bin("SSparkSQLS"), Bin("SL")},
       S("parkSQ")},
      {"UTF8String.trim: only ' ', not tabs or newlines", "trim", {S("\t a \n")}, S("\t a \n")},
      {"trim: all spaces -> ''", "trim", {S("     ")}, S("")},
      {"trim: NULL source", "trim", {NullStr()}, NullStr()},
      {"trim: NULL trim string -> NULL", "trim", {NullStr(), S("abc")}, NullStr()},
      {"trim: empty trim string trims nothing", "trim", {S(""), S("  x  ")}, S("  x  ")},
      {"trim: multi-byte trim characters",
       "trim",
       {S(kE + kEuro), S(kEuro + kE + "x" + kE)},
       S("x")},
      {"trim: out-of-line result is a ref into the input",
       "trim",
       {S("  " + kLong + "  ")},
       S(kLong)},
      {"ltrim: trims characters of the set in any order",
       "ltrim",
       {S("ab"), S("babaXab")},
       S("Xab")},
  });
}

TEST(StringFunctionsTest, Pad) {
  RunCases({
      {"docs: SELECT lpad('hi', 5, '\?\?') -> ???hi", "lpad", {S("hi"), I(5), S("??")}, S("???hi")},
      {"docs: SELECT lpad('hi', 1, '\?\?') -> h", "lpad", {S("hi"), I(1), S("??")}, S("h")},
      {"docs: SELECT lpad('hi', 5) -> '   hi'", "lpad", {S("hi"), I(5)}, S("   hi")},
      {"docs: SELECT hex(lpad(unhex('aabb'), 5)) -> 000000AABB",
       "lpad",
       {Bin("\xaa\xbb"), I(5)},
       Bin(std::string("\0\0\0\xaa\xbb", 5))},
      {"docs: SELECT hex(lpad(unhex('aabb'), 5, unhex('1122'))) -> 112211AABB",
       "lpad",
       {Bin("\xaa\xbb"), I(5), Bin("\x11\x22")},
       Bin("\x11\x22\x11\xaa\xbb")},
      {"docs: SELECT rpad('hi', 5, '\?\?') -> hi???", "rpad", {S("hi"), I(5), S("??")}, S("hi???")},
      {"docs: SELECT rpad('hi', 1, '\?\?') -> h", "rpad", {S("hi"), I(1), S("??")}, S("h")},
      {"docs: SELECT rpad('hi', 5) -> 'hi   '", "rpad", {S("hi"), I(5)}, S("hi   ")},
      {"docs: SELECT hex(rpad(unhex('aabb'), 5)) -> AABB000000",
       "rpad",
       {Bin("\xaa\xbb"), I(5)},
       Bin(std::string("\xaa\xbb\0\0\0", 5))},
      {"docs: SELECT hex(rpad(unhex('aabb'), 5, unhex('1122'))) -> AABB112211",
       "rpad",
       {Bin("\xaa\xbb"), I(5), Bin("\x11\x22")},
       Bin("\xaa\xbb\x11\x22\x11")},
      {"UTF8String.lpad: an empty pad leaves the string", "lpad", {S("hi"), I(5), S("")}, S("hi")},
      {"UTF8String.lpad: an empty pad still truncates", "lpad", {S("hello"), I(2), S("")}, S("he")},
      {"UTF8String.lpad: negative length -> ''", "lpad", {S("hi"), I(-1), S("x")}, S("")},
      {"UTF8String.rpad: zero length -> ''", "rpad", {S("hi"), I(0)}, S("")},
      {"lpad: lengths count characters",
       "lpad",
       {S(kE + kE), I(4), S(kEuro)},
       S(kEuro + kEuro + kE + kE)},
      {"rpad: truncation by characters",
       "rpad",
       {S(kE + kEuro + kSmile), I(2), S("x")},
       S(kE + kEuro)},
      {"rpad: a partial pad at the end", "rpad", {S("a"), I(4), S("xyz")}, S("axyz")},
      {"lpad: out-of-line result", "lpad", {S("x"), I(20), S("ab")}, S("abababababababababax")},
      {"lpad: NULL pad -> NULL", "lpad", {S("hi"), I(5), NullStr()}, NullStr()},
      {"lpad: NULL length -> NULL", "lpad", {S("hi"), NullInt(), S("?")}, NullStr()},
      {"lpad: a BIGINT length is cast to INT", "lpad", {S("7"), L(3), S("0")}, S("007")},
      {"lpad: BINARY with a STRING pad pads as STRING",
       "lpad",
       {Bin("ab"), I(3), S("-")},
       S("-ab")},
  });
}

TEST(StringFunctionsTest, RepeatReverseAsciiChr) {
  RunCases({
      {"docs: SELECT repeat('123', 2) -> 123123", "repeat", {S("123"), I(2)}, S("123123")},
      {"UTF8String.repeat: n <= 0 -> ''", "repeat", {S("ab"), I(0)}, S("")},
      {"repeat: negative", "repeat", {S("ab"), I(-3)}, S("")},
      {"repeat: out of line",
       "repeat",
       {S(kE), I(10)},
       S(kE + kE + kE + kE + kE + kE + kE + kE + kE + kE)},
      {"repeat: NULL count", "repeat", {S("ab"), NullInt()}, NullStr()},
      {"docs: SELECT reverse('Spark SQL') -> LQS krapS",
       "reverse",
       {S("Spark SQL")},
       S("LQS krapS")},
      {"docs: SELECT reverse(array(2, 1, 4, 3)) -> [3,4,1,2]",
       "reverse",
       {Value::Array(DataType::Int32(), {I(2), I(1), I(4), I(3)})},
       Value::Array(DataType::Int32(), {I(3), I(4), I(1), I(2)})},
      {"UTF8String.reverse: by characters",
       "reverse",
       {S("a" + kE + kEuro + kSmile)},
       S(kSmile + kEuro + kE + "a")},
      {"reverse: out of line", "reverse", {S("abcdefghijklmnopq")}, S("qponmlkjihgfedcba")},
      {"reverse: NULL", "reverse", {NullStr()}, NullStr()},
      {"reverse: an array with a NULL element",
       "reverse",
       {Value::Array(DataType::String(), {S("a"), NullStr()})},
       Value::Array(DataType::String(), {NullStr(), S("a")})},
      {"docs: SELECT ascii('222') -> 50", "ascii", {S("222")}, I(50)},
      {"docs: SELECT ascii(2) -> 50", "ascii", {I(2)}, I(50)},
      {"Ascii: '' -> 0", "ascii", {S("")}, I(0)},
      {"Ascii: the first code point", "ascii", {S(kEuro + "x")}, I(0x20AC)},
      {"Ascii: NULL", "ascii", {NullStr()}, NullInt()},
      {"docs: SELECT chr(65) -> A", "chr", {I(65)}, S("A")},
      {"docs: SELECT char(65) -> A", "char", {I(65)}, S("A")},
      {"Chr: n mod 256", "chr", {L(256 + 66)}, S("B")},
      {"Chr: negative -> ''", "chr", {I(-1)}, S("")},
      {"Chr: 0 -> U+0000", "chr", {I(0)}, S(std::string(1, '\0'))},
      {"Chr: 233 -> U+00E9 as UTF-8", "chr", {I(233)}, S(kE)},
      {"Chr: NULL", "chr", {Value()}, NullStr()},
  });
}

TEST(StringFunctionsTest, BadInput) {
  // Functions that take strings refuse nested types, as Spark's type check does.
  Result<Value> r = EvalLiterals("upper", {Value::Array(DataType::Int32(), {I(1)})});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
  EXPECT_NE(std::string::npos, r.status().message().find("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"))
      << r.status();
  EXPECT_NE(std::string::npos, r.status().message().find("\"ARRAY<INT>\"")) << r.status();
  // Wrong argument counts are the registry's WRONG_NUM_ARGS.
  r = EvalLiterals("lpad", {S("a")});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("WRONG_NUM_ARGS")) << r.status();
  // A result larger than a Java array can hold is an error, not a crash.
  r = EvalLiterals("repeat", {S("abcdefghij"), I(1000000000)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kInvalidInput, r.status().code());
  EXPECT_NE(std::string::npos, r.status().message().find("`repeat`")) << r.status();
}

}  // namespace
}  // namespace weir

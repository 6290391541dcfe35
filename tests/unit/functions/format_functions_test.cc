// format_string / printf (java.util.Formatter) and format_number
// (java.text.DecimalFormat). Cases cite the Spark 3.5 SQL function reference example
// ("docs: SELECT ...") or the Java behaviour Spark inherits (Formatter, DecimalFormat
// with HALF_EVEN, FormatString passing internal values).

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "tests/unit/functions/string_test_util.h"

namespace weir {
namespace {

using namespace weir::testing;  // NOLINT: test helpers

Value Dec(int64_t unscaled, int p, int s) { return Value::Decimal(unscaled, p, s); }

TEST(FormatStringTest, Conversions) {
  RunCases({
      {"docs: SELECT format_string(\"Hello World %d %s\", 100, \"days\") -> Hello World 100 days",
       "format_string",
       {S("Hello World %d %s"), I(100), S("days")},
       S("Hello World 100 days")},
      {"docs: SELECT printf(\"Hello World %d %s\", 100, \"days\") -> Hello World 100 days",
       "printf",
       {S("Hello World %d %s"), I(100), S("days")},
       S("Hello World 100 days")},
      {"Formatter: width and '-'",
       "format_string",
       {S("[%5s|%-5s]"), S("ab"), S("cd")},
       S("[   ab|cd   ]")},
      {"Formatter: %.2s truncates", "format_string", {S("%.2s"), S("abcdef")}, S("ab")},
      {"Formatter: %S upper-cases", "format_string", {S("%S"), S("abc")}, S("ABC")},
      {"Formatter: %05d", "format_string", {S("%05d"), I(42)}, S("00042")},
      {"Formatter: %05d negative", "format_string", {S("%05d"), I(-42)}, S("-0042")},
      {"Formatter: %,d groups", "format_string", {S("%,d"), L(1234567)}, S("1,234,567")},
      {"Formatter: %+d and % d", "format_string", {S("%+d|% d"), I(5), I(5)}, S("+5| 5")},
      {"Formatter: %(d", "format_string", {S("%(d"), I(-5)}, S("(5)")},
      {"Formatter: %x of a negative Integer is 32-bit",
       "format_string",
       {S("%x"), I(-1)},
       S("ffffffff")},
      {"Formatter: %x of a negative Long is 64-bit",
       "format_string",
       {S("%x"), L(-1)},
       S("ffffffffffffffff")},
      {"Formatter: %X and %#x", "format_string", {S("%X %#x"), I(255), I(255)}, S("FF 0xff")},
      {"Formatter: %08X pads with zeros", "format_string", {S("%08X"), I(255)}, S("000000FF")},
      {"Formatter: %#010x pads after the prefix",
       "format_string",
       {S("%#010x"), I(255)},
       S("0x000000ff")},
      {"Formatter: %o", "format_string", {S("%o"), I(8)}, S("10")},
      {"Formatter: %f defaults to 6 digits", "format_string", {S("%f"), D(1.5)}, S("1.500000")},
      {"Formatter: %.2f", "format_string", {S("%.2f"), D(3.14159)}, S("3.14")},
      {"Formatter: %.2f rounds the shortest repr HALF_UP",
       "format_string",
       {S("%.2f"), D(0.125)},
       S("0.13")},
      {"Formatter: %.2f of 1.005 (shortest digits 1.005) -> 1.01",
       "format_string",
       {S("%.2f"), D(1.005)},
       S("1.01")},
      {"Formatter: %.0f", "format_string", {S("%.0f"), D(2.5)}, S("3")},
      {"Formatter: %10.3f", "format_string", {S("[%10.3f]"), D(-3.14159)}, S("[    -3.142]")},
      {"Formatter: %,.2f", "format_string", {S("%,.2f"), D(1234567.891)}, S("1,234,567.89")},
      {"Formatter: %e", "format_string", {S("%e"), D(12345.678)}, S("1.234568e+04")},
      {"Formatter: %.2E", "format_string", {S("%.2E"), D(0.000123)}, S("1.23E-04")},
      {"Formatter: NaN", "format_string", {S("%f"), D(std::nan(""))}, S("NaN")},
      {"Formatter: %c of an Integer code point",
       "format_string",
       {S("%c%c"), I(65), I(0x20AC)},
       S("A\xE2\x82\xAC")},
      {"Formatter: %b",
       "format_string",
       {S("%b %b %B"), Value::Boolean(false), S("x"), Value::Boolean(true)},
       S("false true TRUE")},
      {"Formatter: %b of null is false", "format_string", {S("%b"), NullStr()}, S("false")},
      {"Formatter: null prints as 'null'",
       "format_string",
       {S("%s|%d"), NullStr(), NullInt()},
       S("null|null")},
      {"Formatter: %% and %n", "format_string", {S("100%%%n")}, S("100%\n")},
      {"Formatter: explicit indexes", "format_string", {S("%2$s %1$s"), S("a"), S("b")}, S("b a")},
      {"Formatter: %<s reuses the previous argument",
       "format_string",
       {S("%s %<s"), S("a")},
       S("a a")},
      {"Formatter: unused arguments are ignored", "format_string", {S("x"), I(1)}, S("x")},
      {"Formatter: %s of a double is Double.toString",
       "format_string",
       {S("%s"), D(1.5)},
       S("1.5")},
      {"Formatter: %s of a decimal is Decimal.toString",
       "format_string",
       {S("%s"), Dec(150, 3, 2)},
       S("1.50")},
      {"FormatString: a DATE reaches Formatter as its day number",
       "format_string",
       {S("%s"), Value::Date(18262)},
       S("18262")},
      {"FormatString: a NULL format -> NULL", "format_string", {NullStr(), I(1)}, NullStr()},
      {"FormatString: multi-byte text and width",
       "format_string",
       {S("%3s|"), S("\xC3\xA9")},
       S("  \xC3\xA9|")},
  });
}

TEST(FormatStringTest, Errors) {
  RunErrorCase({"IllegalFormatConversionException: %d of a string",
                "format_string",
                {S("%d"), S("abc")},
                StatusCode::kInvalidInput,
                {"d != org.apache.spark.unsafe.types.UTF8String"}});
  RunErrorCase({"IllegalFormatConversionException: %f of a Spark Decimal",
                "format_string",
                {S("%.2f"), Dec(314159, 6, 5)},
                StatusCode::kInvalidInput,
                {"f != org.apache.spark.sql.types.Decimal"}});
  RunErrorCase({"IllegalFormatConversionException: %d of a double",
                "format_string",
                {S("%d"), D(1.5)},
                StatusCode::kInvalidInput,
                {"d != java.lang.Double"}});
  RunErrorCase({"UnknownFormatConversionException",
                "format_string",
                {S("%q"), I(1)},
                StatusCode::kInvalidInput,
                {"UnknownFormatConversionException", "'q'"}});
  RunErrorCase({"an unsupported Java conversion names itself",
                "format_string",
                {S("%g"), D(1.0)},
                StatusCode::kInvalidInput,
                {"%g", "not supported"}});
  RunErrorCase({"MissingFormatArgumentException",
                "format_string",
                {S("%s %s"), S("a")},
                StatusCode::kInvalidInput,
                {"MissingFormatArgumentException", "'%s'"}});
  RunErrorCase({"MissingFormatWidthException",
                "format_string",
                {S("%-d"), I(1)},
                StatusCode::kInvalidInput,
                {"MissingFormatWidthException"}});
  RunErrorCase({"IllegalFormatPrecisionException: %.2d",
                "format_string",
                {S("%.2d"), I(1)},
                StatusCode::kInvalidInput,
                {"IllegalFormatPrecisionException"}});
  RunErrorCase({"SPARK-37013: %0$ is refused",
                "format_string",
                {S("%0$s"), S("a")},
                StatusCode::kInvalidSql,
                {"[INVALID_PARAMETER_VALUE.ZERO_INDEX]"}},
               /*literal_only=*/true);
}

TEST(FormatStringTest, PrintsOnlyTheUsersArguments) {
  // DOUBLE arguments carry a hidden CAST AS STRING (for %s); plans must not show it.
  Result<ExprPtr> call = FunctionRegistry::Builtins().Resolve(
      "format_string", {Literal(S("%s")), ColumnRef(0, "x", DataType::Double())});
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(std::string::npos, (*call)->ToString().find("CAST")) << (*call)->ToString();
  EXPECT_NE(std::string::npos, (*call)->ToString().find("format_string(")) << (*call)->ToString();
}

TEST(FormatNumberTest, Examples) {
  RunCases({
      {"docs: SELECT format_number(12332.123456, 4) -> 12,332.1235",
       "format_number",
       {Dec(12332123456, 11, 6), I(4)},
       S("12,332.1235")},
      {"docs: SELECT format_number(12332.123456, '##################.###') -> 12332.123",
       "format_number",
       {Dec(12332123456, 11, 6), S("##################.###")},
       S("12332.123")},
      {"FormatNumber: a DOUBLE", "format_number", {D(12332.123456), I(4)}, S("12,332.1235")},
      {"FormatNumber: d = 0 has no decimal point",
       "format_number",
       {L(1234567), I(0)},
       S("1,234,567")},
      {"FormatNumber: integers get d zeros", "format_number", {I(5), I(2)}, S("5.00")},
      {"FormatNumber: negative", "format_number", {D(-1234.567), I(2)}, S("-1,234.57")},
      {"DecimalFormat HALF_EVEN: 0.5 -> 0", "format_number", {Dec(5, 1, 1), I(0)}, S("0")},
      {"DecimalFormat HALF_EVEN: 1.5 -> 2", "format_number", {Dec(15, 2, 1), I(0)}, S("2")},
      {"DecimalFormat HALF_EVEN: 2.5 -> 2", "format_number", {Dec(25, 2, 1), I(0)}, S("2")},
      {"DecimalFormat HALF_EVEN: the double 0.125 is an exact tie -> 0.12",
       "format_number",
       {D(0.125), I(2)},
       S("0.12")},
      {"DecimalFormat: the double 2.675 is just below the tie -> 2.67",
       "format_number",
       {D(2.675), I(2)},
       S("2.67")},
      {"DecimalFormat: shortest digits when they fit (0.1 stays 0.1000)",
       "format_number",
       {D(0.1), I(4)},
       S("0.1000")},
      {"DecimalFormat: a negative value rounding to zero keeps its sign",
       "format_number",
       {D(-0.001), I(2)},
       S("-0.00")},
      {"FormatNumber: a large double",
       "format_number",
       {D(1e20), I(1)},
       S("100,000,000,000,000,000,000.0")},
      {"FormatNumber: BIGINT minimum",
       "format_number",
       {L(std::numeric_limits<int64_t>::min()), I(0)},
       S("-9,223,372,036,854,775,808")},
      {"FormatNumber: d < 0 -> NULL", "format_number", {D(1.5), I(-1)}, NullStr()},
      {"FormatNumber: NULL", "format_number", {Value::Null(DataType::Double()), I(2)}, NullStr()},
      {"FormatNumber: NaN", "format_number", {D(std::nan("")), I(2)}, S("NaN")},
      {"FormatNumber: Infinity", "format_number", {D(-INFINITY), I(2)}, S("-\xE2\x88\x9E")},
      {"DecimalFormat pattern '#.00': no integer zero",
       "format_number",
       {D(0.5), S("#.00")},
       S(".50")},
      {"DecimalFormat pattern '0.###'", "format_number", {D(1.5), S("0.###")}, S("1.5")},
      {"DecimalFormat pattern '##.##' reads as '#0.##'",
       "format_number",
       {D(0.456), S("##.##")},
       S("0.46")},
      {"DecimalFormat pattern '#,##0.0#'",
       "format_number",
       {D(1234.5), S("#,##0.0#")},
       S("1,234.5")},
      {"DecimalFormat pattern: grouping size 4",
       "format_number",
       {L(123456789), S("#,####")},
       S("1,2345,6789")},
      {"DecimalFormat pattern: literal prefix and suffix",
       "format_number",
       {D(1234.5), S("$#,##0.00 'units'")},
       S("$1,234.50 units")},
      {"FormatNumber: '' is the default pattern without decimals",
       "format_number",
       {D(1234.56), S("")},
       S("1,235")},
      {"FormatNumber: a decimal rounded by a pattern",
       "format_number",
       {Dec(-123456, 6, 3), S("0.0")},
       S("-123.5")},
  });
}

TEST(FormatNumberTest, Errors) {
  RunErrorCase({"ExpectsInputTypes: a STRING number is refused",
                "format_number",
                {S("123"), I(2)},
                StatusCode::kInvalidSql,
                {"DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "\"NUMERIC\""}});
  RunErrorCase({"ExpectsInputTypes: a BIGINT d is refused",
                "format_number",
                {D(1.0), L(2)},
                StatusCode::kInvalidSql,
                {"DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"}});
  RunErrorCase({"DecimalFormat: an exponent pattern is not supported",
                "format_number",
                {D(1.0), S("0.00E0")},
                StatusCode::kInvalidInput,
                {"'0.00E0'", "'E'"}});
  RunErrorCase({"DecimalFormat: two decimal separators",
                "format_number",
                {D(1.0), S("0.0.0")},
                StatusCode::kInvalidInput,
                {"Multiple decimal separators"}});
}

}  // namespace
}  // namespace weir

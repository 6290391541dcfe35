#include "weir/types/decimal.h"

#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace weir {
namespace {

// 38 nines: the largest DECIMAL(38, s) unscaled value.
Int128 MaxUnscaled38() { return PowerOfTen(38) - 1; }

// Parses or fails the test.
Int128 Parse(std::string_view text, int precision, int scale) {
  Result<Int128> r = ParseDecimal(text, precision, scale);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status();
  return r.ok() ? *r : Int128(-424242);
}

void ExpectInvalid(std::string_view text, int precision, int scale) {
  Result<Int128> r = ParseDecimal(text, precision, scale);
  ASSERT_FALSE(r.ok()) << "'" << text << "' parsed as " << Int128ToString(*r);
  EXPECT_EQ(StatusCode::kInvalidInput, r.status().code()) << text;
}

TEST(DecimalTest, PowerOfTen) {
  EXPECT_EQ(Int128(1), PowerOfTen(0));
  EXPECT_EQ(Int128(10), PowerOfTen(1));
  EXPECT_EQ(Int128(1'000'000'000'000'000'000), PowerOfTen(18));
  EXPECT_EQ("100000000000000000000000000000000000000", Int128ToString(PowerOfTen(38)));
  for (int i = 1; i <= 38; ++i) EXPECT_EQ(PowerOfTen(i - 1) * 10, PowerOfTen(i)) << i;
}

TEST(DecimalTest, FitsPrecision) {
  EXPECT_TRUE(DecimalFitsPrecision(0, 1));
  EXPECT_TRUE(DecimalFitsPrecision(9, 1));
  EXPECT_TRUE(DecimalFitsPrecision(-9, 1));
  EXPECT_FALSE(DecimalFitsPrecision(10, 1));
  EXPECT_FALSE(DecimalFitsPrecision(-10, 1));
  EXPECT_TRUE(DecimalFitsPrecision(99999, 5));
  EXPECT_FALSE(DecimalFitsPrecision(100000, 5));
  EXPECT_TRUE(DecimalFitsPrecision(MaxUnscaled38(), 38));
  EXPECT_TRUE(DecimalFitsPrecision(-MaxUnscaled38(), 38));
  EXPECT_FALSE(DecimalFitsPrecision(PowerOfTen(38), 38));
  EXPECT_FALSE(DecimalFitsPrecision(std::numeric_limits<Int128>::max(), 38));
  EXPECT_FALSE(DecimalFitsPrecision(std::numeric_limits<Int128>::min(), 38));
}

TEST(DecimalTest, Int128ToString) {
  EXPECT_EQ("0", Int128ToString(0));
  EXPECT_EQ("7", Int128ToString(7));
  EXPECT_EQ("-7", Int128ToString(-7));
  EXPECT_EQ("9223372036854775808", Int128ToString(Int128(INT64_MAX) + 1));
  EXPECT_EQ("-9223372036854775809", Int128ToString(Int128(INT64_MIN) - 1));
  EXPECT_EQ("170141183460469231731687303715884105727",
            Int128ToString(std::numeric_limits<Int128>::max()));
  EXPECT_EQ("-170141183460469231731687303715884105728",
            Int128ToString(std::numeric_limits<Int128>::min()));
}

// Spark renders decimals with BigDecimal.toPlainString (ToPrettyString's
// useDecimalPlainString): always exactly `scale` fraction digits.
TEST(DecimalTest, DecimalToString) {
  EXPECT_EQ("12.34", DecimalToString(1234, 2));
  EXPECT_EQ("-12.34", DecimalToString(-1234, 2));
  EXPECT_EQ("-0.005", DecimalToString(-5, 3));
  EXPECT_EQ("0.005", DecimalToString(5, 3));
  EXPECT_EQ("7", DecimalToString(7, 0));
  EXPECT_EQ("-7", DecimalToString(-7, 0));
  EXPECT_EQ("0", DecimalToString(0, 0));
  EXPECT_EQ("0.00", DecimalToString(0, 2));
  EXPECT_EQ("0.10", DecimalToString(10, 2));
  EXPECT_EQ("1.00", DecimalToString(100, 2));
  // Scale equal to and greater than the number of digits.
  EXPECT_EQ("0.123", DecimalToString(123, 3));
  EXPECT_EQ("-0.123", DecimalToString(-123, 3));
  EXPECT_EQ("0.00000000000000000000000000000000000001", DecimalToString(1, 38));
  // The 38-digit maximum at several scales.
  EXPECT_EQ("99999999999999999999999999999999999999", DecimalToString(MaxUnscaled38(), 0));
  EXPECT_EQ("-99999999999999999999.999999999999999999", DecimalToString(-MaxUnscaled38(), 18));
  EXPECT_EQ("0.99999999999999999999999999999999999999", DecimalToString(MaxUnscaled38(), 38));
  EXPECT_EQ("-0.99999999999999999999999999999999999999", DecimalToString(-MaxUnscaled38(), 38));
}

TEST(DecimalTest, AppendDecimalAppends) {
  std::string out = "x=";
  AppendDecimal(-1234, 1, &out);
  EXPECT_EQ("x=-123.4", out);
}

TEST(DecimalTest, ParsePlain) {
  EXPECT_EQ(Int128(1234), Parse("12.34", 10, 2));
  EXPECT_EQ(Int128(-1234), Parse("-12.34", 10, 2));
  EXPECT_EQ(Int128(1234), Parse("+12.34", 10, 2));
  EXPECT_EQ(Int128(1200), Parse("12", 10, 2));
  EXPECT_EQ(Int128(1200), Parse("12.", 10, 2));
  EXPECT_EQ(Int128(50), Parse(".5", 10, 2));
  EXPECT_EQ(Int128(5), Parse("0.05", 10, 2));
  EXPECT_EQ(Int128(5), Parse("000.0500", 10, 2));
  EXPECT_EQ(Int128(0), Parse("0", 10, 2));
  EXPECT_EQ(Int128(0), Parse("-0.00", 10, 2));
  EXPECT_EQ(Int128(0), Parse("0000", 1, 0));
  EXPECT_EQ(Int128(7), Parse("7", 1, 0));
  EXPECT_EQ(MaxUnscaled38(), Parse("99999999999999999999999999999999999999", 38, 0));
  EXPECT_EQ(-MaxUnscaled38(), Parse("-9999999999999999999.9999999999999999999", 38, 19));
  EXPECT_EQ(Int128(1), Parse("0.00000000000000000000000000000000000001", 38, 38));
}

// Spark rounds extra fraction digits HALF_UP (away from zero on a tie).
TEST(DecimalTest, ParseRoundsHalfUp) {
  EXPECT_EQ(Int128(123), Parse("1.234", 10, 2));
  EXPECT_EQ(Int128(124), Parse("1.235", 10, 2));
  EXPECT_EQ(Int128(124), Parse("1.2351", 10, 2));
  EXPECT_EQ(Int128(123), Parse("1.2349999", 10, 2));
  EXPECT_EQ(Int128(-124), Parse("-1.235", 10, 2));
  EXPECT_EQ(Int128(-123), Parse("-1.2349", 10, 2));
  EXPECT_EQ(Int128(1), Parse("0.5", 10, 0));
  EXPECT_EQ(Int128(-1), Parse("-0.5", 10, 0));
  EXPECT_EQ(Int128(0), Parse("0.4999", 10, 0));
  EXPECT_EQ(Int128(3), Parse("2.5", 10, 0));
  EXPECT_EQ(Int128(1), Parse("0.005", 10, 2));
  EXPECT_EQ(Int128(0), Parse("0.0049", 10, 2));
  EXPECT_EQ(Int128(0), Parse("0.0005", 10, 2));
  // Rounding that carries into a new digit.
  EXPECT_EQ(Int128(10000), Parse("9.9995", 10, 3));  // 10.000
  EXPECT_EQ(Int128(100), Parse("0.995", 3, 2));
}

TEST(DecimalTest, ParseExponents) {
  EXPECT_EQ(Int128(1200), Parse("1.2e1", 10, 2));
  EXPECT_EQ(Int128(1200), Parse("1.2E+1", 10, 2));
  EXPECT_EQ(Int128(12), Parse("1.2e-1", 10, 2));
  EXPECT_EQ(Int128(1), Parse("1.2e-2", 10, 2));
  EXPECT_EQ(Int128(2), Parse("1.5e-2", 10, 2));
  EXPECT_EQ(Int128(0), Parse("1e-3", 10, 2));
  EXPECT_EQ(Int128(100000), Parse("1e5", 10, 0));
  EXPECT_EQ(Int128(-100000), Parse("-1E5", 10, 0));
  EXPECT_EQ(Int128(123), Parse("12300e-2", 10, 0));
  EXPECT_EQ(Int128(0), Parse("1e-1000", 10, 2));
  EXPECT_EQ(Int128(0), Parse("0e10", 10, 2));
  EXPECT_EQ(PowerOfTen(37), Parse("1e37", 38, 0));
}

TEST(DecimalTest, ParseOverflow) {
  ExpectInvalid("123456", 5, 0);
  ExpectInvalid("1234.5", 5, 2);  // 1234.50 needs 6 digits.
  ExpectInvalid("-1234.5", 5, 2);
  ExpectInvalid("100", 2, 0);
  ExpectInvalid("1e2", 2, 0);
  ExpectInvalid("1e38", 38, 0);
  ExpectInvalid("1e1000", 38, 0);
  ExpectInvalid("100000000000000000000000000000000000000", 38, 0);
  ExpectInvalid("1", 38, 38);
  // Rounding up overflows the precision.
  ExpectInvalid("99.995", 4, 2);
  ExpectInvalid("-99.995", 4, 2);
  ExpectInvalid("9.5", 1, 0);
  // Just inside.
  EXPECT_EQ(Int128(9999), Parse("99.994", 4, 2));
}

TEST(DecimalTest, ParseInvalidText) {
  for (std::string_view bad :
       {"",    "+",    "-",     ".",    "-.",     "abc", "1a", "a1",  "1.2.3",
        "1e",  "1e+",  "1e-",   "e5",   ".e5",    "1 ",  " 1", "1,5", "--1",
        "+-1", "1e5x", "1e1.5", "0x10", "1e1001", "inf", "NaN"}) {
    ExpectInvalid(bad, 10, 2);
  }
  Result<Int128> r = ParseDecimal("abc", 10, 2);
  EXPECT_EQ("'abc' is not a valid DECIMAL(10,2)", r.status().message());
}

TEST(DecimalTest, RoundTripThroughText) {
  for (Int128 v : {Int128(0), Int128(1), Int128(-1), Int128(123456789), Int128(-987654321),
                   MaxUnscaled38(), -MaxUnscaled38(), PowerOfTen(20) + 7}) {
    for (int scale : {0, 1, 5, 18, 38}) {
      std::string text = DecimalToString(v, scale);
      EXPECT_EQ(v, Parse(text, 38, scale)) << text;
    }
  }
}

}  // namespace
}  // namespace weir

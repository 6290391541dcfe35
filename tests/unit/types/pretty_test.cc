#include "weir/types/pretty.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

#include "types_test_util.h"

namespace weir {
namespace {

using testing::I32;
using testing::I64;
using testing::MakeColumn;
using testing::NullOf;
using testing::Str;

std::string Pretty(const DataType& type, const Value& v, const PrettyOptions& options = {}) {
  ColumnPtr c = MakeColumn(type, {v});
  return FormatPretty(*c, 0, options);
}

// Java's Double.toString, which Spark's ToPrettyString (Spark 3.5) uses for DOUBLE.
TEST(JavaDoubleTest, MatchesJavaDoubleToString) {
  EXPECT_EQ("1.0", FormatJavaDouble(1.0));
  EXPECT_EQ("-1.0", FormatJavaDouble(-1.0));
  EXPECT_EQ("0.0", FormatJavaDouble(0.0));
  EXPECT_EQ("-0.0", FormatJavaDouble(-0.0));
  EXPECT_EQ("0.1", FormatJavaDouble(0.1));
  EXPECT_EQ("0.5", FormatJavaDouble(0.5));
  EXPECT_EQ("100.0", FormatJavaDouble(100.0));
  EXPECT_EQ("123.456", FormatJavaDouble(123.456));
  EXPECT_EQ("-123.456", FormatJavaDouble(-123.456));
  EXPECT_EQ("0.001", FormatJavaDouble(0.001));
  EXPECT_EQ("0.00123", FormatJavaDouble(0.00123));
  EXPECT_EQ("1.0E-4", FormatJavaDouble(0.0001));
  EXPECT_EQ("9.99E-4", FormatJavaDouble(0.000999));
  EXPECT_EQ("1.5E-4", FormatJavaDouble(0.00015));
  EXPECT_EQ("9999999.0", FormatJavaDouble(9999999.0));
  EXPECT_EQ("1234567.5", FormatJavaDouble(1234567.5));
  EXPECT_EQ("1.0E7", FormatJavaDouble(1e7));
  EXPECT_EQ("-1.0E7", FormatJavaDouble(-1e7));
  EXPECT_EQ("1.2345678E7", FormatJavaDouble(12345678.0));
  EXPECT_EQ("1.0E10", FormatJavaDouble(1e10));
  EXPECT_EQ("1.0E100", FormatJavaDouble(1e100));
  EXPECT_EQ("1.0E-100", FormatJavaDouble(1e-100));
  EXPECT_EQ("0.30000000000000004", FormatJavaDouble(0.1 + 0.2));
  EXPECT_EQ("3.141592653589793", FormatJavaDouble(std::numbers::pi));
  EXPECT_EQ("NaN", FormatJavaDouble(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ("Infinity", FormatJavaDouble(std::numeric_limits<double>::infinity()));
  EXPECT_EQ("-Infinity", FormatJavaDouble(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ("1.7976931348623157E308", FormatJavaDouble(std::numeric_limits<double>::max()));
  EXPECT_EQ("-1.7976931348623157E308", FormatJavaDouble(std::numeric_limits<double>::lowest()));
  EXPECT_EQ("2.2250738585072014E-308", FormatJavaDouble(std::numeric_limits<double>::min()));
  // Double.MIN_VALUE: Java always prints two significant digits, choosing the
  // nearest ones (4.9), not the shortest digit padded with zero (5.0).
  EXPECT_EQ("4.9E-324", FormatJavaDouble(std::numeric_limits<double>::denorm_min()));
  EXPECT_EQ("-4.9E-324", FormatJavaDouble(-std::numeric_limits<double>::denorm_min()));
  EXPECT_EQ("9.223372036854776E18", FormatJavaDouble(9223372036854775807.0));

  std::string out = "v=";
  AppendJavaDouble(2.5, &out);
  EXPECT_EQ("v=2.5", out);
}

// Every rendering must read back as the same double (Java's round-trip guarantee).
TEST(JavaDoubleTest, RoundTrips) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof(v));
    if (!std::isfinite(v)) continue;
    std::string s = FormatJavaDouble(v);
    ASSERT_EQ(v, std::strtod(s.c_str(), nullptr)) << s;
    ASSERT_NE(std::string::npos, s.find('.')) << s;
  }
}

TEST(HexBytesTest, Format) {
  std::string out;
  AppendHexBytes(std::string("\x01\xab", 2), &out);
  EXPECT_EQ("[01 AB]", out);
  out.clear();
  AppendHexBytes("", &out);
  EXPECT_EQ("[]", out);
  out.clear();
  AppendHexBytes(std::string("\x00\xff\x7f", 3), &out);
  EXPECT_EQ("[00 FF 7F]", out);
}

// Spark 3.5 ToPrettyString (what Dataset.show() prints).
TEST(PrettyTest, Primitives) {
  EXPECT_EQ("true", Pretty(DataType::Boolean(), Value::Boolean(true)));
  EXPECT_EQ("false", Pretty(DataType::Boolean(), Value::Boolean(false)));
  EXPECT_EQ("-2147483648", Pretty(DataType::Int32(), I32(INT32_MIN)));
  EXPECT_EQ("-9223372036854775808", Pretty(DataType::Int64(), I64(INT64_MIN)));
  EXPECT_EQ("1.0E7", Pretty(DataType::Double(), Value::Double(1e7)));
  EXPECT_EQ("NaN", Pretty(DataType::Double(), Value::Double(std::nan(""))));
  // Decimals in plain notation with the type's scale (useDecimalPlainString).
  EXPECT_EQ("0.0000000000", Pretty(DataType::DecimalUnchecked(20, 10), Value::Decimal(0, 20, 10)));
  EXPECT_EQ("-1.50", Pretty(DataType::DecimalUnchecked(5, 2), Value::Decimal(-150, 5, 2)));
  EXPECT_EQ("", Pretty(DataType::String(), Str("")));
  EXPECT_EQ("a\nb", Pretty(DataType::String(), Str("a\nb")));
  EXPECT_EQ("[01 AB]", Pretty(DataType::Binary(), Value::Binary("\x01\xab")));
  EXPECT_EQ("[]", Pretty(DataType::Binary(), Value::Binary("")));
  EXPECT_EQ("2024-03-05", Pretty(DataType::Date(), Value::Date(19787)));
  EXPECT_EQ("1970-01-01 00:00:00", Pretty(DataType::Timestamp(), Value::Timestamp(0)));
  EXPECT_EQ("1 years 2 months", Pretty(DataType::Interval(), Value::IntervalValue({14, 0, 0})));
}

TEST(PrettyTest, TopLevelNull) {
  for (const DataType& t :
       {DataType::Null(), DataType::Boolean(), DataType::Int64(), DataType::String(),
        DataType::Binary(), DataType::Timestamp(), DataType::Array(DataType::Int32()),
        DataType::Struct({{"a", DataType::Int32()}})}) {
    EXPECT_EQ("NULL", Pretty(t, Value::Null(t))) << t;
  }
  PrettyOptions opts;
  opts.null_string = "null";
  EXPECT_EQ("null", Pretty(DataType::Int32(), NullOf(DataType::Int32()), opts));
}

TEST(PrettyTest, NestedNulls) {
  DataType ai = DataType::Array(DataType::Int32());
  EXPECT_EQ("[1, NULL]",
            Pretty(ai, Value::Array(DataType::Int32(), {I32(1), NullOf(DataType::Int32())})));
  EXPECT_EQ("[NULL]", Pretty(ai, Value::Array(DataType::Int32(), {NullOf(DataType::Int32())})));
  EXPECT_EQ("[]", Pretty(ai, Value::Array(DataType::Int32(), {})));
  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  EXPECT_EQ("{1, NULL}", Pretty(st, Value::Struct(st, {I32(1), NullOf(DataType::String())})));
  EXPECT_EQ("{NULL, x}", Pretty(st, Value::Struct(st, {NullOf(DataType::Int32()), Str("x")})));
  DataType mt = DataType::Map(DataType::String(), DataType::Int64());
  EXPECT_EQ("{a -> NULL}", Pretty(mt, Value::Map(DataType::String(), DataType::Int64(),
                                                 {{Str("a"), NullOf(DataType::Int64())}})));
  EXPECT_EQ("{a -> 1, b -> 2}", Pretty(mt, Value::Map(DataType::String(), DataType::Int64(),
                                                      {{Str("a"), I64(1)}, {Str("b"), I64(2)}})));
  EXPECT_EQ("{}", Pretty(mt, Value::Map(DataType::String(), DataType::Int64(), {})));
  PrettyOptions opts;
  opts.null_string = "null";
  EXPECT_EQ("[1, null]",
            Pretty(ai, Value::Array(DataType::Int32(), {I32(1), NullOf(DataType::Int32())}), opts));
}

TEST(PrettyTest, NestedValuesUseTheirOwnRendering) {
  DataType bin_arr = DataType::Array(DataType::Binary());
  EXPECT_EQ(
      "[[01], [], NULL]",
      Pretty(bin_arr, Value::Array(DataType::Binary(), {Value::Binary("\x01"), Value::Binary(""),
                                                        NullOf(DataType::Binary())})));
  DataType st = DataType::Struct({{"d", DataType::Double()},
                                  {"ts", DataType::Timestamp()},
                                  {"dec", DataType::DecimalUnchecked(4, 2)},
                                  {"b", DataType::Boolean()},
                                  {"dt", DataType::Date()}});
  EXPECT_EQ("{1.0, 1970-01-01 00:00:01, 0.10, true, 1970-01-02}",
            Pretty(st, Value::Struct(
                           st, {Value::Double(1.0), Value::Timestamp(kMicrosPerSecond),
                                Value::Decimal(10, 4, 2), Value::Boolean(true), Value::Date(1)})));
  // Strings are not quoted, even when nested.
  DataType sa = DataType::Array(DataType::String());
  EXPECT_EQ("[a, , b c]",
            Pretty(sa, Value::Array(DataType::String(), {Str("a"), Str(""), Str("b c")})));
  // Struct inside array inside map.
  DataType nested = DataType::Map(DataType::Int32(), DataType::Array(st));
  EXPECT_EQ("{1 -> [NULL]}",
            Pretty(nested, Value::Map(DataType::Int32(), DataType::Array(st),
                                      {{I32(1), Value::Array(st, {NullOf(st)})}})));
}

TEST(PrettyTest, TimestampInSessionTimeZone) {
  Result<TimeZone> la = TimeZone::Load("America/Los_Angeles");
  ASSERT_TRUE(la.ok());
  PrettyOptions opts;
  opts.time_zone = &*la;
  int64_t t = TimestampFromCivilUtc(2024, 7, 1, 12, 0, 0, 250000);
  EXPECT_EQ("2024-07-01 05:00:00.25", Pretty(DataType::Timestamp(), Value::Timestamp(t), opts));
  DataType at = DataType::Array(DataType::Timestamp());
  EXPECT_EQ("[2024-07-01 05:00:00.25]",
            Pretty(at, Value::Array(DataType::Timestamp(), {Value::Timestamp(t)}), opts));
  // Dates are not shifted by the zone.
  EXPECT_EQ("2024-03-05", Pretty(DataType::Date(), Value::Date(19787), opts));
}

TEST(PrettyTest, AppendPrettyAppends) {
  ColumnPtr c = MakeColumn(DataType::Int32(), {I32(1), NullOf(DataType::Int32()), I32(3)});
  std::string out;
  for (int64_t i = 0; i < 3; ++i) {
    if (i > 0) out += "|";
    AppendPretty(*c, i, {}, &out);
  }
  EXPECT_EQ("1|NULL|3", out);
}

}  // namespace
}  // namespace weir

// CAST with Spark 3.5's semantics. Expected values come from Spark's own tests and
// source; each case names where:
//   Base    = sql/catalyst/src/test/.../expressions/CastSuiteBase.scala (test name quoted)
//   Off     = .../expressions/CastWithAnsiOffSuite.scala
//   On      = .../expressions/CastWithAnsiOnSuite.scala
//   Cast    = sql/catalyst/src/main/.../expressions/Cast.scala (the castTo* function)
//   DTU     = DateTimeUtils / SparkDateTimeUtils (stringToDate, stringToTimestamp)
//   UTF8    = common/unsafe/.../UTF8String.java (toLong, toInt, trimAll)
//   Errors  = common/utils/.../error/error-classes.json of 3.5

#include "weir/expr/cast.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/types/batch.h"
#include "weir/types/builder.h"
#include "weir/types/decimal.h"
#include "weir/types/schema.h"
#include "weir/types/value.h"

namespace weir {
namespace {

// ---------------------------------------------------------------------------------------
// Values and types.

Value S(std::string s) { return Value::String(std::move(s)); }
Value Bin(std::string s) { return Value::Binary(std::move(s)); }
Value I(int32_t v) { return Value::Int32(v); }
Value L(int64_t v) { return Value::Int64(v); }
Value D(double v) { return Value::Double(v); }
Value Bo(bool v) { return Value::Boolean(v); }
Value N(const DataType& t) { return Value::Null(t); }
Value Dec(std::string_view text, int p, int s) {
  Result<Int128> v = ParseDecimal(text, p, s);
  EXPECT_TRUE(v.ok()) << text;
  return Value::Decimal(v.ValueOr(0), p, s);
}
Value Day(int64_t y, int m, int d) {
  return Value::Date(static_cast<int32_t>(DaysFromCivil(y, m, d)));
}
// A TIMESTAMP given as its UTC wall time.
Value Ts(int64_t y, int mo, int d, int h = 0, int mi = 0, int s = 0, int us = 0) {
  return Value::Timestamp(TimestampFromCivilUtc(y, mo, d, h, mi, s, us));
}
Value TsMicros(int64_t us) { return Value::Timestamp(us); }
Value Iv(int32_t months, int32_t days, int64_t micros) {
  return Value::IntervalValue(Interval{months, days, micros});
}

const DataType kBool = DataType::Boolean();
const DataType kInt = DataType::Int32();
const DataType kLong = DataType::Int64();
const DataType kDouble = DataType::Double();
const DataType kStr = DataType::String();
const DataType kBin = DataType::Binary();
const DataType kDate = DataType::Date();
const DataType kTs = DataType::Timestamp();
const DataType kIv = DataType::Interval();
const DataType kVoid = DataType::Null();
DataType Decimal(int p, int s) { return DataType::DecimalUnchecked(p, s); }
DataType Arr(DataType e) { return DataType::Array(std::move(e)); }
DataType MapOf(DataType k, DataType v) { return DataType::Map(std::move(k), std::move(v)); }
DataType StructOf(std::vector<Field> f) { return DataType::Struct(std::move(f)); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kLongMin = std::numeric_limits<int64_t>::min();

// 2024-06-15 12:00:00 UTC: "now" for the time-only timestamp strings.
const int64_t kNow = TimestampFromCivilUtc(2024, 6, 15, 12, 0, 0);

constexpr const char* kLA = "America/Los_Angeles";

// ---------------------------------------------------------------------------------------
// The table.

enum Modes : int { kLegacy = 1, kAnsi = 2, kBoth = 3 };

struct CastCase {
  std::string cite;
  Value input;
  DataType to;
  int modes;
  Value expected;     // when error is empty
  std::string error;  // a fragment of the expected error message
  std::string zone;
};

std::vector<CastCase>* g_cases = nullptr;

// The same result with ANSI on and off.
void Ok(std::string cite, Value in, DataType to, Value expected, const char* zone = "UTC") {
  g_cases->push_back(
      {std::move(cite), std::move(in), std::move(to), kBoth, std::move(expected), "", zone});
}
// Only in one mode.
void OkIn(int modes, std::string cite, Value in, DataType to, Value expected,
          const char* zone = "UTC") {
  g_cases->push_back(
      {std::move(cite), std::move(in), std::move(to), modes, std::move(expected), "", zone});
}
// Non-ANSI result `legacy`; ANSI fails with `error`.
void OrErr(std::string cite, Value in, DataType to, Value legacy, std::string error,
           const char* zone = "UTC") {
  g_cases->push_back({cite, in, to, kLegacy, std::move(legacy), "", zone});
  g_cases->push_back(
      {std::move(cite), std::move(in), std::move(to), kAnsi, Value(), std::move(error), zone});
}
// NULL outside ANSI mode; ANSI fails with `error`.
void NullOrErr(std::string cite, Value in, DataType to, std::string error,
               const char* zone = "UTC") {
  Value null = N(to);
  OrErr(std::move(cite), std::move(in), std::move(to), std::move(null), std::move(error), zone);
}

std::string Invalid(std::string_view value_sql, std::string_view from, std::string_view to) {
  return "[CAST_INVALID_INPUT] The value " + std::string(value_sql) + " of the type \"" +
         std::string(from) + "\" cannot be cast to \"" + std::string(to) +
         "\" because it is malformed.";
}
std::string Overflow(std::string_view value_sql, std::string_view from, std::string_view to) {
  return "[CAST_OVERFLOW] The value " + std::string(value_sql) + " of the type \"" +
         std::string(from) + "\" cannot be cast to \"" + std::string(to) + "\" due to an overflow.";
}
std::string OutOfRange(std::string_view plain, int p, int s) {
  return "[NUMERIC_VALUE_OUT_OF_RANGE] " + std::string(plain) +
         " cannot be represented as Decimal(" + std::to_string(p) + ", " + std::to_string(s) + ").";
}

void AddNullCases() {
  // Base "null cast": NULL of any type casts to NULL.
  Ok("Base null cast", N(kStr), kInt, N(kInt));
  Ok("Base null cast", N(kInt), kStr, N(kStr));
  Ok("Base null cast", N(kTs), kDate, N(kDate));
  Ok("Base null cast", N(kStr), Decimal(10, 2), N(Decimal(10, 2)));
  Ok("Base null cast", N(kDouble), kTs, N(kTs));
  Ok("Base null cast (NullType to atomic)", N(kVoid), kInt, N(kInt));
  Ok("Base null cast (NullType to complex)", N(kVoid), Arr(kInt), N(Arr(kInt)));
  Ok("Base cast from array: checkNullCast", N(Arr(kStr)), Arr(kInt), N(Arr(kInt)));
  OkIn(kLegacy, "Off null cast #2", N(kDate), kBool, N(kBool));
}

void AddBooleanCases() {
  Ok("Base cast from boolean", Bo(true), kInt, I(1));
  Ok("Base cast from boolean", Bo(false), kInt, I(0));
  Ok("Base cast from boolean", Bo(true), kStr, S("true"));
  Ok("Base cast from boolean", Bo(false), kStr, S("false"));
  Ok("Cast castToLong BooleanType", Bo(true), kLong, L(1));
  Ok("Cast castToDouble BooleanType", Bo(true), kDouble, D(1.0));
  Ok("Off casting to fixed-precision decimals: cast(true, DecimalType(2, 1))", Bo(true),
     Decimal(2, 1), Dec("1.0", 2, 1));
  NullOrErr("Off casting to fixed-precision decimals: cast(true, DecimalType(1, 1))", Bo(true),
            Decimal(1, 1), OutOfRange("1", 1, 1));
  OkIn(kLegacy, "Off SPARK-42176: cast boolean to timestamp (1 microsecond)", Bo(true), kTs,
       TsMicros(1));
  OkIn(kLegacy, "Off SPARK-42176: cast boolean to timestamp", Bo(false), kTs, TsMicros(0));
}

void AddIntegralCases() {
  Ok("Base cast from int: checkCast(0, false)", I(0), kBool, Bo(false));
  Ok("Base cast from int: checkCast(-5, true)", I(-5), kBool, Bo(true));
  Ok("Base cast from int: checkCast(123, \"123\")", I(123), kStr, S("123"));
  Ok("Base cast from int: cast(123, DecimalType(3, 0))", I(123), Decimal(3, 0), Dec("123", 3, 0));
  NullOrErr("Off cast from int #2: cast(123, DecimalType(3, 1))", I(123), Decimal(3, 1),
            OutOfRange("123", 3, 1));
  NullOrErr("Off cast from long #2: cast(123L, DecimalType(2, 0))", L(123), Decimal(2, 0),
            OutOfRange("123", 2, 0));
  // A BIGINT has at most 19 digits and an INT 10: DECIMAL(19,0) and DECIMAL(10,0) hold
  // every value (the cast widens), one digit fewer does not.
  Ok("DecimalType.forType(LongType): Long.MaxValue", L(kLongMax), Decimal(20, 0),
     Dec("9223372036854775807", 20, 0));
  Ok("Long.MinValue fits DECIMAL(19,0)", L(kLongMin), Decimal(19, 0),
     Dec("-9223372036854775808", 19, 0));
  NullOrErr("Long.MinValue needs 19 digits", L(kLongMin), Decimal(18, 0),
            OutOfRange("-9223372036854775808", 18, 0));
  Ok("DecimalType.forType(IntegerType): Int.MinValue", I(std::numeric_limits<int32_t>::min()),
     Decimal(10, 0), Dec("-2147483648", 10, 0));
  NullOrErr("Int.MaxValue needs 10 digits", I(std::numeric_limits<int32_t>::max()), Decimal(9, 0),
            OutOfRange("2147483647", 9, 0));
  Ok("Long.MaxValue at scale 1 needs 20 digits", L(kLongMax), Decimal(20, 1),
     Dec("9223372036854775807.0", 20, 1));
  Ok("Base cast from int: cast(1, LongType)", I(1), kLong, L(1));
  Ok("Base cast from int: checkCast(1, 1.0)", I(1), kDouble, D(1.0));
  Ok("Base cast from long: checkCast(1L, 1.0)", L(123), kDouble, D(123.0));
  Ok("Cast castToDouble: (double) long rounds to nearest", L(9007199254740993), kDouble,
     D(9007199254740992.0));
  OrErr("Cast castToInt: Java (int) wraps; On/Errors CAST_OVERFLOW", L(3000000000), kInt,
        I(-1294967296), Overflow("3000000000L", "BIGINT", "INT"));
  Ok("On out-of-range value to int type: Int.MaxValue", L(2147483647), kInt, I(2147483647));
  OrErr("Off SPARK-34744: The value 2147483648L of the type \"BIGINT\"", L(2147483648LL), kInt,
        I(std::numeric_limits<int32_t>::min()), Overflow("2147483648L", "BIGINT", "INT"));
  Ok("On out-of-range value to int type: Int.MinValue", L(-2147483648LL), kInt,
     I(std::numeric_limits<int32_t>::min()));
  OrErr("On testIntMaxAndMin: Int.MinValue - 1L", L(-2147483649LL), kInt, I(2147483647),
        Overflow("-2147483649L", "BIGINT", "INT"));
  Ok("Cast castToString of Long.MinValue", L(kLongMin), kStr, S("-9223372036854775808"));
  Ok("Off cast from int #2: cast(cast(1000, TimestampType), LongType)", I(1000), kTs,
     Ts(1970, 1, 1, 0, 16, 40));
  Ok("Off cast from int #2: cast(-1200, TimestampType)", I(-1200), kTs, TsMicros(-1200000000LL));
  Ok("Off cast from timestamp II: Long.MaxValue saturates", L(kLongMax), kTs, TsMicros(kLongMax));
  Ok("Off cast from timestamp II: Long.MinValue saturates", L(kLongMin), kTs, TsMicros(kLongMin));
  OkIn(kLegacy, "Cast castToBinary: NumberConverter.toBinary(int)", I(1), kBin,
       Bin(std::string("\0\0\0\x01", 4)));
  OkIn(kLegacy, "Cast castToBinary: NumberConverter.toBinary(long)", L(-2), kBin,
       Bin(std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8)));
}

void AddDoubleCases() {
  Ok("Base cast from double: checkCast(0.0, false)", D(0.0), kBool, Bo(false));
  Ok("Base cast from double: checkCast(0.5, true)", D(0.5), kBool, Bo(true));
  Ok("Cast castToBoolean: Java NaN != 0", D(kNaN), kBool, Bo(true));
  Ok("Base cast from double: checkCast(1.5, 1)", D(1.5), kInt, I(1));
  Ok("Cast castToInt: truncates toward zero", D(-1.5), kInt, I(-1));
  Ok("Base cast from double: checkCast(1.5, \"1.5\")", D(1.5), kStr, S("1.5"));
  Ok("ToStringBase: Double.toString", D(1e10), kStr, S("1.0E10"));
  Ok("ToStringBase: Double.toString", D(1e-4), kStr, S("1.0E-4"));
  Ok("ToStringBase: Double.toString", D(100.0), kStr, S("100.0"));
  Ok("ToStringBase: Double.toString", D(-0.0), kStr, S("-0.0"));
  OrErr("Cast castToInt: (int) NaN is 0; On castFractionToIntegralTypeCode", D(kNaN), kInt, I(0),
        Overflow("NaN", "DOUBLE", "INT"));
  OrErr("Cast castToInt: Java (int) saturates; On testIntMaxAndMin", D(1e10), kInt, I(2147483647),
        Overflow("1.0E10D", "DOUBLE", "INT"));
  OrErr("Cast castToInt: Java (int) saturates", D(-1e10), kInt,
        I(std::numeric_limits<int32_t>::min()), Overflow("-1.0E10D", "DOUBLE", "INT"));
  Ok("On out-of-range value to int type: Int.MaxValue + 0.9D", D(2147483647.9), kInt,
     I(2147483647));
  Ok("On out-of-range value to int type: Int.MinValue - 0.9D", D(-2147483648.9), kInt,
     I(std::numeric_limits<int32_t>::min()));
  OrErr("Cast castToLong: Java (long) saturates", D(kInf), kLong, L(kLongMax),
        Overflow("Infinity", "DOUBLE", "BIGINT"));
  Ok("On out-of-range value to long type: Long.MaxValue + 0.9D", D(9.223372036854775807e18), kLong,
     L(kLongMax));
  Ok("Base cast from double: checkCast(1.0, 1L)", D(1.0), kLong, L(1));
  Ok("Off casting to fixed-precision decimals: cast(10.03, DecimalType(4, 2))", D(10.03),
     Decimal(4, 2), Dec("10.03", 4, 2));
  Ok("Off casting to fixed-precision decimals: cast(10.03, DecimalType(3, 1))", D(10.03),
     Decimal(3, 1), Dec("10.0", 3, 1));
  Ok("Off casting to fixed-precision decimals: cast(10.05, DecimalType(3, 1)) HALF_UP", D(10.05),
     Decimal(3, 1), Dec("10.1", 3, 1));
  NullOrErr("Off casting to fixed-precision decimals: cast(9.95, DecimalType(2, 1))", D(9.95),
            Decimal(2, 1), OutOfRange("9.95", 2, 1));
  Ok("Off casting to fixed-precision decimals: cast(-9.95, DecimalType(3, 1))", D(-9.95),
     Decimal(3, 1), Dec("-10.0", 3, 1));
  Ok("Off casting to fixed-precision decimals: cast(Double.NaN, ...) is null (both modes: "
     "Cast castToDecimal catches NumberFormatException)",
     D(kNaN), Decimal(10, 2), N(Decimal(10, 2)));
  Ok("Off casting to fixed-precision decimals: cast(1.0 / 0.0, DecimalType(2, 1))", D(kInf),
     Decimal(2, 1), N(Decimal(2, 1)));
  NullOrErr("Off SPARK-28470 / On out-of-range value to decimal type: Literal(134.12)", D(134.12),
            Decimal(3, 2), OutOfRange("134.12", 3, 2));
  NullOrErr("Cast castToDecimal: Decimal(1.0E10) is 10000000000", D(1e10), Decimal(5, 0),
            OutOfRange("10000000000", 5, 0));
  OrErr("Off cast from timestamp II: cast(Double.NaN, TimestampType); DTU doubleToTimestampAnsi",
        D(kNaN), kTs, N(kTs), Invalid("NaN", "DOUBLE", "TIMESTAMP"));
  Ok("Cast doubleToTimestamp: (long)(1.5 * 1e6)", D(1.5), kTs, TsMicros(1500000));
  Ok("Base cast from timestamp: cast(cast(0.000001, TimestampType), DoubleType)", D(0.000001), kTs,
     TsMicros(1));
  OrErr("Cast doubleToTimestamp saturates; DTU doubleToTimestampAnsi -> toLong overflow", D(1e20),
        kTs, TsMicros(kLongMax), Overflow("1.0E26D", "DOUBLE", "BIGINT"));
}

void AddDecimalCases() {
  Ok("Base from decimal: checkCast(Decimal(1.5), 1)", Dec("1.5", 2, 1), kInt, I(1));
  Ok("Base from decimal: Decimal.toLong truncates", Dec("-1.5", 2, 1), kLong, L(-1));
  Ok("Base from decimal: checkCast(Decimal(0.0), false)", Dec("0.0", 2, 1), kBool, Bo(false));
  Ok("Base from decimal: checkCast(Decimal(1.5), 1.5)", Dec("1.5", 2, 1), kDouble, D(1.5));
  Ok("Base from decimal: checkCast(Decimal(1.5), \"1.5\")", Dec("1.5", 2, 1), kStr, S("1.5"));
  OkIn(kLegacy, "Off SPARK-39749: cast Decimal to string is BigDecimal.toString",
       Dec("0.000000123", 9, 9), kStr, S("1.23E-7"));
  OkIn(kAnsi, "Cast useDecimalPlainString = ansiEnabled", Dec("0.000000123", 9, 9), kStr,
       S("0.000000123"));
  OkIn(kLegacy, "BigDecimal.toString of zero with scale 10", Dec("0", 20, 10), kStr, S("0E-10"));
  OkIn(kAnsi, "BigDecimal.toPlainString of zero with scale 10", Dec("0", 20, 10), kStr,
       S("0.0000000000"));
  Ok("BigDecimal.toString: adjusted exponent -6 stays plain", Dec("0.000001", 7, 6), kStr,
     S("0.000001"));
  Ok("Off casting to fixed-precision decimals: cast(Decimal(10.03), DecimalType(3, 1))",
     Dec("10.03", 4, 2), Decimal(3, 1), Dec("10.0", 3, 1));
  Ok("Off casting to fixed-precision decimals: cast(Decimal(10.05), DecimalType(3, 1))",
     Dec("10.05", 4, 2), Decimal(3, 1), Dec("10.1", 3, 1));
  NullOrErr("Off casting to fixed-precision decimals: cast(Decimal(10.03), DecimalType(3, 2))",
            Dec("10.03", 4, 2), Decimal(3, 2), OutOfRange("10.03", 3, 2));
  NullOrErr("Off casting to fixed-precision decimals: cast(Decimal(\"1003\"), DecimalType(3, 0))",
            Dec("1003", 4, 0), Decimal(3, 0), OutOfRange("1003", 3, 0));
  Ok("Off casting to fixed-precision decimals: cast(Decimal(-9.95), DecimalType(3, 1))",
     Dec("-9.95", 3, 2), Decimal(3, 1), Dec("-10.0", 3, 1));
  OrErr("Decimal.toInt = toLong.toInt wraps; On testLongMaxAndMin / Decimal.roundToInt",
        Dec("12345678901.5", 12, 1), kInt, I(-539222987),
        Overflow("12345678901.5BD", "DECIMAL(12,1)", "INT"));
  Ok("On out-of-range value to int type: Decimal(Int.MaxValue)", Dec("2147483647.9", 11, 1), kInt,
     I(2147483647));
  OrErr("Decimal.roundToInt tests a precision > 18 value through toDouble, which rounds up",
        Dec("2147483647.999999999999999999", 38, 18), kInt, I(2147483647),
        Overflow("2147483647.999999999999999999BD", "DECIMAL(38,18)", "INT"));
  OrErr("Decimal.toLong = BigDecimal.longValue (low 64 bits); Decimal.roundToLong",
        Dec("9223372036854775808", 19, 0), kLong, L(kLongMin),
        Overflow("9223372036854775808BD", "DECIMAL(19,0)", "BIGINT"));
  Ok("Cast decimalToTimestamp: (d * 1e6).longValue", Dec("1.5", 10, 1), kTs, TsMicros(1500000));
  Ok("Cast decimalToTimestamp truncates toward zero", Dec("-1.0000005", 10, 7), kTs,
     TsMicros(-1000000));
}

void AddStringToNumberCases() {
  Ok("Base data type casting: cast(\"23\", IntegerType)", S("23"), kInt, I(23));
  Ok("UTF8 toInt trims whitespace and ISO controls", S(" \t23\n "), kInt, I(23));
  Ok("UTF8 toInt accepts a leading '+'", S("+1"), kInt, I(1));
  Ok("UTF8 toInt: '-0'", S("-0"), kInt, I(0));
  OrErr("UTF8 toInt truncates a fraction; toIntExact refuses it", S("1.5"), kInt, I(1),
        Invalid("'1.5'", "STRING", "INT"));
  OrErr("UTF8 toInt: an empty fraction", S("1."), kInt, I(1), Invalid("'1.'", "STRING", "INT"));
  OrErr("UTF8 toLong: a negative fraction truncates toward zero", S("-7.9"), kLong, L(-7),
        Invalid("'-7.9'", "STRING", "BIGINT"));
  NullOrErr("UTF8 toInt has no exponent", S("1e3"), kInt, Invalid("'1e3'", "STRING", "INT"));
  NullOrErr("Off Cast should output null for invalid strings", S("abc"), kInt,
            Invalid("'abc'", "STRING", "INT"));
  NullOrErr("UTF8 toInt: empty string", S(""), kInt, Invalid("''", "STRING", "INT"));
  NullOrErr("UTF8 toInt: only a sign", S("-"), kInt, Invalid("'-'", "STRING", "INT"));
  Ok("On out-of-range value to int type: cast(Int.MaxValue.toString)", S("2147483647"), kInt,
     I(2147483647));
  NullOrErr("UTF8 toIntExact: overflow is malformed input, not CAST_OVERFLOW", S("2147483648"),
            kInt, Invalid("'2147483648'", "STRING", "INT"));
  Ok("On out-of-range value to int type: cast(Int.MinValue.toString)", S("-2147483648"), kInt,
     I(std::numeric_limits<int32_t>::min()));
  Ok("On out-of-range value to long type: cast(Long.MaxValue.toString)", S("9223372036854775807"),
     kLong, L(kLongMax));
  NullOrErr("UTF8 toLong overflow", S("-9223372036854775809"), kLong,
            Invalid("'-9223372036854775809'", "STRING", "BIGINT"));
  NullOrErr("UTF8 toLong: inner space", S("1 2"), kLong, Invalid("'1 2'", "STRING", "BIGINT"));
  NullOrErr("Errors: quotes in the value are escaped (Literal.sql)", S("it's"), kLong,
            Invalid("'it\\'s'", "STRING", "BIGINT"));
  Ok("Base data type casting: cast(\"23\", DoubleType)", S("23"), kDouble, D(23.0));
  Ok("Cast castToDouble: Double.valueOf(\"1e3\")", S("1e3"), kDouble, D(1000.0));
  Ok("Cast castToDouble: Double.valueOf trims", S(" -1.5E-3 "), kDouble, D(-0.0015));
  Ok("Cast castToDouble: Double.valueOf(\"NaN\")", S("NaN"), kDouble, D(kNaN));
  Ok("Cast castToDouble: Double.valueOf(\"Infinity\")", S("Infinity"), kDouble, D(kInf));
  Ok("Base Process Infinity, -Infinity, NaN in case insensitive manner: \"  -inf  \"",
     S("  -inf  "), kDouble, D(-kInf));
  Ok("Base Process Infinity ...: \" infinity \"", S(" infinity "), kDouble, D(kInf));
  Ok("Base Process Infinity ...: \"+infiNity\"", S("+infiNity"), kDouble, D(kInf));
  Ok("Base Process Infinity ...: \"nAn\"", S("nAn"), kDouble, D(kNaN));
  Ok("Cast castToDouble: Double.valueOf accepts a 'd' suffix", S("1.5d"), kDouble, D(1.5));
  Ok("Cast castToDouble: Double.valueOf accepts hex", S("0x1p3"), kDouble, D(8.0));
  Ok("Cast castToDouble: Double.valueOf(\"1e400\") is Infinity", S("1e400"), kDouble, D(kInf));
  NullOrErr("Off Cast should output null for invalid strings: \"badvalue\"", S("badvalue"), kDouble,
            Invalid("'badvalue'", "STRING", "DOUBLE"));
  NullOrErr("Off Cast should output null for invalid strings: cast(\"2012-12-11\", DoubleType)",
            S("2012-12-11"), kDouble, Invalid("'2012-12-11'", "STRING", "DOUBLE"));
  Ok("Base data type casting: cast(\"12.65\", DecimalType.SYSTEM_DEFAULT)", S("12.65"),
     Decimal(38, 18), Dec("12.65", 38, 18));
  Ok("Cast castToDecimal: changePrecision rounds HALF_UP", S(" 1.005 "), Decimal(3, 2),
     Dec("1.01", 3, 2));
  Ok("Cast castToDecimal: HALF_UP away from zero", S("-1.005"), Decimal(3, 2), Dec("-1.01", 3, 2));
  Ok("Decimal.fromString: BigDecimal exponent", S("1e3"), Decimal(5, 1), Dec("1000.0", 5, 1));
  NullOrErr("Off SPARK-28470 / On out-of-range value to decimal type: Literal(\"134.12\")",
            S("134.12"), Decimal(3, 2), OutOfRange("134.12", 3, 2));
  NullOrErr("Decimal.fromString then changePrecision: 1e3 needs 4 digits", S("1e3"), Decimal(3, 0),
            OutOfRange("1000", 3, 0));
  Ok("Off Fast fail for cast string type to decimal type: 38 digits",
     S("12345678901234567890123456789012345678"), Decimal(38, 0),
     Dec("12345678901234567890123456789012345678", 38, 0));
  NullOrErr("Off Fast fail for cast string type to decimal type: 39 digits",
            S("123456789012345678901234567890123456789"), Decimal(38, 0),
            "[NUMERIC_OUT_OF_SUPPORTED_RANGE] The value 123456789012345678901234567890123456789 "
            "cannot be interpreted as a numeric since it has more than 38 digits.");
  Ok("Off Fast fail ...: cast(\"6E+37\", DecimalType(38, 0))", S("6E+37"), Decimal(38, 0),
     Dec("60000000000000000000000000000000000000", 38, 0));
  Ok("Off Fast fail ...: cast(\"6E-120\", DecimalType(38, 0))", S("6E-120"), Decimal(38, 0),
     Dec("0", 38, 0));
  Ok("Off Fast fail ...: 0.00000000000000000000000000000000000001 to DecimalType(38, 18)",
     S("0.00000000000000000000000000000000000001"), Decimal(38, 18), Dec("0", 38, 18));
  NullOrErr("Off Fast fail ...: cast(\"abcd\", DecimalType(38, 1))", S("abcd"), Decimal(38, 1),
            Invalid("'abcd'", "STRING", "DECIMAL(38,1)"));
  NullOrErr("Decimal.fromString: BigDecimal has no NaN", S("NaN"), Decimal(10, 0),
            Invalid("'NaN'", "STRING", "DECIMAL(10,0)"));
}

void AddStringToBooleanCases() {
  Ok("Base cast string to boolean: \"t\"", S("t"), kBool, Bo(true));
  Ok("Base cast string to boolean: \"tRUe\"", S("tRUe"), kBool, Bo(true));
  Ok("Base cast string to boolean: \"yes\"", S("yes"), kBool, Bo(true));
  Ok("StringUtils.isTrueString trims (trimAll)", S(" 1 "), kBool, Bo(true));
  Ok("Base cast string to boolean: \"FAlsE\"", S("FAlsE"), kBool, Bo(false));
  Ok("Base cast string to boolean: \"n\"", S("n"), kBool, Bo(false));
  Ok("Base cast string to boolean: \"0\"", S("0"), kBool, Bo(false));
  NullOrErr("Off cast string to boolean II: \"abc\"", S("abc"), kBool,
            Invalid("'abc'", "STRING", "BOOLEAN"));
  NullOrErr("Off cast string to boolean II: \"\"", S(""), kBool,
            Invalid("''", "STRING", "BOOLEAN"));
  NullOrErr("StringUtils: \"2\" is neither", S("2"), kBool, Invalid("'2'", "STRING", "BOOLEAN"));
}

void AddStringToDateCases() {
  Ok("Base cast string to date: \"2015\"", S("2015"), kDate, Day(2015, 1, 1));
  Ok("Base cast string to date: \"2015-03\"", S("2015-03"), kDate, Day(2015, 3, 1));
  Ok("Base cast string to date: \"2015-03-18\"", S("2015-03-18"), kDate, Day(2015, 3, 18));
  Ok("Base cast string to date: \"2015-03-18 \"", S("2015-03-18 "), kDate, Day(2015, 3, 18));
  Ok("Base cast string to date: \"2015-03-18 123142\"", S("2015-03-18 123142"), kDate,
     Day(2015, 3, 18));
  Ok("Base cast string to date: \"2015-03-18T123123\"", S("2015-03-18T123123"), kDate,
     Day(2015, 3, 18));
  Ok("Base cast string to date: \"2015-03-18T\"", S("2015-03-18T"), kDate, Day(2015, 3, 18));
  Ok("Base cast string to date: \"12345\"", S("12345"), kDate, Day(12345, 1, 1));
  Ok("DTU stringToDate: [m]m and [d]d, trimmed", S(" 2015-3-8 "), kDate, Day(2015, 3, 8));
  Ok("DTU stringToDate: a signed year", S("-0044-03-15"), kDate, Day(-44, 3, 15));
  Ok("DTU stringToDate: LocalDate.of accepts leap days", S("2016-02-29"), kDate, Day(2016, 2, 29));
  NullOrErr("Off cast string to date #2: \"2015-03-18X\"", S("2015-03-18X"), kDate,
            Invalid("'2015-03-18X'", "STRING", "DATE"));
  NullOrErr("Off cast string to date #2: \"2015/03/18\"", S("2015/03/18"), kDate,
            Invalid("'2015/03/18'", "STRING", "DATE"));
  NullOrErr("Off cast string to date #2: \"20150318\"", S("20150318"), kDate,
            Invalid("'20150318'", "STRING", "DATE"));
  NullOrErr("Off cast string to date #2: \"2015-031-8\"", S("2015-031-8"), kDate,
            Invalid("'2015-031-8'", "STRING", "DATE"));
  NullOrErr("DTU stringToDate: LocalDate.of refuses 2015-02-29", S("2015-02-29"), kDate,
            Invalid("'2015-02-29'", "STRING", "DATE"));
  NullOrErr("DTU stringToDate: \"yyyy-[m]m\" must consume the input", S("2015-03T"), kDate,
            Invalid("'2015-03T'", "STRING", "DATE"));
  NullOrErr("DTU stringToDate: blank", S("   "), kDate, Invalid("'   '", "STRING", "DATE"));
}

void AddStringToTimestampCases() {
  Ok("Base cast string to timestamp: \"2015-03-18 12:03:17\"", S("2015-03-18 12:03:17"), kTs,
     Ts(2015, 3, 18, 12, 3, 17));
  Ok("Base cast string to timestamp: \"2015-03-18T12:03:17\" in the session zone (PDT)",
     S("2015-03-18T12:03:17"), kTs, Ts(2015, 3, 18, 19, 3, 17), kLA);
  Ok("Base cast string to timestamp: \"2015-03-18T12:03:17Z\" ignores the session zone",
     S("2015-03-18T12:03:17Z"), kTs, Ts(2015, 3, 18, 12, 3, 17), kLA);
  Ok("Base cast string to timestamp: \"2015-03-18T12:03:17-1:0\" is GMT-01:00",
     S("2015-03-18T12:03:17-1:0"), kTs, Ts(2015, 3, 18, 13, 3, 17));
  Ok("Base cast string to timestamp: \"2015-03-18T12:03:17+7:3\" is GMT+07:03",
     S("2015-03-18T12:03:17+7:3"), kTs, Ts(2015, 3, 18, 5, 0, 17));
  Ok("Base cast string to timestamp: \"2015-03-18 12:03:17.123\"", S("2015-03-18 12:03:17.123"),
     kTs, Ts(2015, 3, 18, 12, 3, 17, 123000));
  Ok("Base cast string to timestamp: \"2015-03-18T12:03:17.456Z\"", S("2015-03-18T12:03:17.456Z"),
     kTs, Ts(2015, 3, 18, 12, 3, 17, 456000), kLA);
  Ok("Base cast string to timestamp: \"2015-03-18T12:03:17.123+07:30\"",
     S("2015-03-18T12:03:17.123+07:30"), kTs, Ts(2015, 3, 18, 4, 33, 17, 123000));
  Ok("Base cast string to timestamp: \"2015\" (PST)", S("2015"), kTs, Ts(2015, 1, 1, 8), kLA);
  Ok("Base cast string to timestamp: \"2015-03\"", S("2015-03"), kTs, Ts(2015, 3, 1));
  Ok("Base cast string to timestamp: \"2015-03-18 \"", S("2015-03-18 "), kTs, Ts(2015, 3, 18));
  NullOrErr("Off SPARK-36286: invalid string cast to timestamp \"2015-03-18T\"", S("2015-03-18T"),
            kTs, Invalid("'2015-03-18T'", "STRING", "TIMESTAMP"));
  Ok("DTU parseTimestampString: fraction digits past the sixth are dropped",
     S("2015-03-18 12:03:17.1234567"), kTs, Ts(2015, 3, 18, 12, 3, 17, 123456));
  Ok("DTU parseTimestampString: seconds may be omitted", S("2015-03-18 12:03"), kTs,
     Ts(2015, 3, 18, 12, 3, 0));
  Ok("DTU parseTimestampString: a region zone id", S("2020-01-01 10:00:00 America/Los_Angeles"),
     kTs, Ts(2020, 1, 1, 18));
  Ok("DTU parseTimestampString: \" UTC\" overrides the session zone", S("2020-01-01 10:00:00 UTC"),
     kTs, Ts(2020, 1, 1, 10), kLA);
  Ok("DTU getZoneId: ZoneId.SHORT_IDS maps PST", S("2020-01-01 10:00:00 PST"), kTs,
     Ts(2020, 1, 1, 18));
  Ok("DTU getZoneId: GMT+8", S("2020-01-01 10:00:00 GMT+8"), kTs, Ts(2020, 1, 1, 2));
  NullOrErr("DTU getZoneId: unknown region", S("2020-01-01 10:00:00 Mars/Olympus"), kTs,
            Invalid("'2020-01-01 10:00:00 Mars/Olympus'", "STRING", "TIMESTAMP"));
  NullOrErr("ZoneOffset.of: at most +18:00", S("2020-01-01T00:00:00+18:01"), kTs,
            Invalid("'2020-01-01T00:00:00+18:01'", "STRING", "TIMESTAMP"));
  Ok("DST gap: 02:30 does not exist on 2024-03-10 in Los Angeles; java.time moves it to 03:30 PDT",
     S("2024-03-10 02:30:00"), kTs, Ts(2024, 3, 10, 10, 30), kLA);
  Ok("DST overlap: 01:30 happens twice on 2024-11-03; java.time takes the earlier offset (PDT)",
     S("2024-11-03 01:30:00"), kTs, Ts(2024, 11, 3, 8, 30), kLA);
  Ok("Before 1970: one microsecond before the epoch", S("1969-12-31 23:59:59.999999"), kTs,
     TsMicros(-1));
  Ok("Off cast a timestamp before the epoch: 1900-05-05 18:34:56.1", S("1900-05-05 18:34:56.1"),
     kTs, Ts(1900, 5, 5, 18, 34, 56, 100000));
  Ok("DTU parseTimestampString: a bare time takes today's date", S("12:03:17"), kTs,
     Ts(2024, 6, 15, 12, 3, 17));
  Ok("DTU parseTimestampString: \"T[h]h:[m]m:[s]s\"", S("T1:2:3"), kTs, Ts(2024, 6, 15, 1, 2, 3));
  NullOrErr("LocalTime.of: hour 25", S("2015-03-18 25:00:00"), kTs,
            Invalid("'2015-03-18 25:00:00'", "STRING", "TIMESTAMP"));
  NullOrErr("Off SPARK-35720: \"a\"", S("a"), kTs, Invalid("'a'", "STRING", "TIMESTAMP"));
  Ok("DTU parseTimestampString: a signed year", S("-0044-03-15 12:00:00"), kTs, Ts(-44, 3, 15, 12));
}

void AddTimestampCases() {
  // Base "cast from timestamp": 15 seconds and 3 milliseconds.
  const Value ts15 = TsMicros(15003000);
  Ok("Base cast from timestamp: cast(ts, IntegerType)", ts15, kInt, I(15));
  Ok("Base cast from timestamp: cast(ts, LongType)", ts15, kLong, L(15));
  Ok("Base cast from timestamp: cast(ts, DoubleType)", ts15, kDouble, D(15.003));
  const Value ts1900 = Ts(1900, 5, 5, 18, 34, 56, 100000);
  NullOrErr("Off cast a timestamp before the epoch: cast(negativeTs, IntegerType) is null", ts1900,
            kInt, Overflow("TIMESTAMP '1900-05-05 18:34:56.1'", "TIMESTAMP", "INT"));
  Ok("Cast castTimestampToIntegralType: the largest INT second", TsMicros(2147483647000000LL), kInt,
     I(2147483647));
  NullOrErr("Cast castTimestampToIntegralType: one second more", TsMicros(2147483648000000LL), kInt,
            Overflow("TIMESTAMP '2038-01-19 03:14:08'", "TIMESTAMP", "INT"));
  Ok("Off cast a timestamp before the epoch: Math.floorDiv to seconds", ts1900, kLong,
     L(-2198208304LL));
  Ok("Cast timestampToLong floors", TsMicros(-1), kLong, L(-1));
  Ok("Cast timestampToDouble", TsMicros(-1), kDouble, D(-1e-6));
  Ok("Cast castToDecimal from TIMESTAMP via timestampToDouble", TsMicros(1500000), Decimal(10, 2),
     Dec("1.50", 10, 2));
  NullOrErr("Off SPARK-28470: cast(Timestamp 2019-07-25 22:04:36, DecimalType(3, 2))",
            Ts(2019, 7, 25, 22, 4, 36), Decimal(3, 2), OutOfRange("1564092276", 3, 2));
  OkIn(kLegacy, "Cast castToBoolean TimestampType: t != 0", TsMicros(0), kBool, Bo(false));
  Ok("ToStringBase: TimestampFormatter.getFractionFormatter", Ts(2015, 3, 18, 12, 3, 17), kStr,
     S("2015-03-18 12:03:17"));
  Ok("ToStringBase: the fraction without trailing zeros", Ts(2015, 3, 18, 12, 3, 17, 123000), kStr,
     S("2015-03-18 12:03:17.123"));
  Ok("ToStringBase in the session zone: 10:30Z is 03:30 PDT after the 2024 gap",
     Ts(2024, 3, 10, 10, 30), kStr, S("2024-03-10 03:30:00"), kLA);
  Ok("ToStringBase in the session zone: 08:30Z is the first 01:30 (PDT)", Ts(2024, 11, 3, 8, 30),
     kStr, S("2024-11-03 01:30:00"), kLA);
  Ok("ToStringBase in the session zone: 09:30Z is the second 01:30 (PST)", Ts(2024, 11, 3, 9, 30),
     kStr, S("2024-11-03 01:30:00"), kLA);
  Ok("ToStringBase before 1970", TsMicros(-1), kStr, S("1969-12-31 23:59:59.999999"));
  Ok("Cast castToDate: microsToDays in the session zone (PST)", Ts(2024, 3, 10, 7, 59, 59), kDate,
     Day(2024, 3, 9), kLA);
  Ok("Cast castToDate: microsToDays in the session zone", Ts(2024, 3, 10, 8), kDate,
     Day(2024, 3, 10), kLA);
  Ok("Cast castToDate: floors before 1970", TsMicros(-1), kDate, Day(1969, 12, 31));
}

void AddDateCases() {
  const Value epoch = Day(1970, 1, 1);
  Ok("Off cast from date: cast(d, StringType)", epoch, kStr, S("1970-01-01"));
  OkIn(kLegacy, "Off cast from date: cast(d, IntegerType) is null", epoch, kInt, N(kInt));
  OkIn(kLegacy, "Off cast from date: cast(d, DoubleType) is null", epoch, kDouble, N(kDouble));
  OkIn(kLegacy, "Off cast from date: cast(d, DecimalType(10, 2)) is null", epoch, Decimal(10, 2),
       N(Decimal(10, 2)));
  OkIn(kLegacy, "Cast castToBoolean DateType: Hive returns null", epoch, kBool, N(kBool));
  Ok("Off cast from date: cast(cast(d, TimestampType, UTC_OPT), StringType)", epoch, kTs,
     TsMicros(0));
  Ok("Cast daysToMicros: local midnight (PST)", Day(2024, 3, 10), kTs, Ts(2024, 3, 10, 8), kLA);
  Ok("Cast daysToMicros: local midnight (PDT)", Day(2024, 11, 3), kTs, Ts(2024, 11, 3, 7), kLA);
  Ok("Cast daysToMicros: atStartOfDay skips a gap at midnight (Sao Paulo, 2018-11-04)",
     Day(2018, 11, 4), kTs, Ts(2018, 11, 4, 3), "America/Sao_Paulo");
  Ok("DateFormatter: negative years", Day(-1, 1, 1), kStr, S("-0001-01-01"));
  Ok("DateFormatter: years past 9999", Day(10000, 1, 1), kStr, S("+10000-01-01"));
}

void AddBinaryAndIntervalCases() {
  Ok("Base data type casting: cast(cast(\"abdef\", BinaryType), StringType)", S("abdef"), kBin,
     Bin("abdef"));
  Ok("ToStringBase: BINARY is UTF8String.fromBytes", Bin("abc"), kStr, S("abc"));
  Ok("Cast castToBinary: empty string", S(""), kBin, Bin(""));
  Ok("Base cast between string and interval: \"\" is null", S(""), kIv, N(kIv));
  Ok("Base cast between string and interval: \"interval -3 month 1 day 7 hours\"",
     S("interval -3 month 1 day 7 hours"), kIv, Iv(-3, 1, 7 * kMicrosPerHour));
  Ok("Base cast between string and interval: \"INTERVAL 1 Second 1 microsecond\"",
     S("INTERVAL 1 Second 1 microsecond"), kIv, Iv(0, 0, 1000001));
  Ok("Base cast between string and interval: \"1 MONTH 1 Microsecond\"", S("1 MONTH 1 Microsecond"),
     kIv, Iv(1, 0, 1));
  Ok("Base cast between string and interval: CalendarInterval(15, 9, -3 hours) to string",
     Iv(15, 9, -3 * kMicrosPerHour), kStr, S("1 years 3 months 9 days -3 hours"));
  Ok("CalendarInterval.toString of zero", Iv(0, 0, 0), kStr, S("0 seconds"));
  Ok("IntervalUtils.stringToInterval: seconds with a fraction", S("1.5 seconds"), kIv,
     Iv(0, 0, 1500000));
  Ok("IntervalUtils.stringToInterval: weeks", S("2 weeks"), kIv, Iv(0, 14, 0));
  Ok("IntervalUtils.safeStringToInterval: malformed is null in both modes", S("1 day garbage"), kIv,
     N(kIv));
  Ok("IntervalUtils.stringToInterval: only seconds have fractions", S("-1.5 minutes"), kIv, N(kIv));
}

void AddComplexCases() {
  const DataType arr_str = Arr(kStr);
  const Value strings = Value::Array(kStr, {S("123"), S("true"), S("f"), N(kStr)});
  OkIn(kLegacy, "Off Cast should output null for invalid strings: cast(array, ArrayType(Int))",
       strings, Arr(kInt), Value::Array(kInt, {I(123), N(kInt), N(kInt), N(kInt)}));
  OkIn(kLegacy, "Off cast from array II: cast(array, ArrayType(BooleanType))", strings, Arr(kBool),
       Value::Array(kBool, {N(kBool), Bo(true), Bo(false), N(kBool)}));
  g_cases->push_back({"Cast castArray: ANSI errors name the failing element", strings, Arr(kInt),
                      kAnsi, Value(), Invalid("'true'", "STRING", "INT"), "UTC"});
  const DataType map_ss = MapOf(kStr, kStr);
  const Value map = Value::Map(
      kStr, kStr, {{S("a"), S("123")}, {S("b"), S("true")}, {S("c"), S("f")}, {S("d"), N(kStr)}});
  OkIn(kLegacy, "Off Cast should output null for invalid strings: cast(map, MapType(String, Int))",
       map, MapOf(kStr, kInt),
       Value::Map(kStr, kInt,
                  {{S("a"), I(123)}, {S("b"), N(kInt)}, {S("c"), N(kInt)}, {S("d"), N(kInt)}}));
  const DataType s4 = StructOf({{"a", kStr}, {"b", kStr}, {"c", kStr}, {"d", kStr}});
  const DataType i4 = StructOf({{"a", kInt}, {"b", kInt}, {"c", kInt}, {"d", kInt}});
  OkIn(kLegacy, "Off Cast should output null for invalid strings: cast(struct, ...Int...)",
       Value::Struct(s4, {S("123"), S("true"), S("f"), N(kStr)}), i4,
       Value::Struct(i4, {I(123), N(kInt), N(kInt), N(kInt)}));
  Ok("Base SPARK-22825 Cast array to string", Value::Array(kInt, {I(1), I(2), I(3), I(4), I(5)}),
     kStr, S("[1, 2, 3, 4, 5]"));
  Ok("Base SPARK-22825 Cast array to string: null elements",
     Value::Array(kStr, {S("ab"), N(kStr), S("c")}), kStr, S("[ab, null, c]"));
  Ok("Base SPARK-33291: Cast array with null elements to string",
     Value::Array(kVoid, {N(kVoid), N(kVoid)}), kStr, S("[null, null]"));
  Ok("Base SPARK-22825 Cast array to string: nested arrays",
     Value::Array(Arr(kInt),
                  {Value::Array(kInt, {I(1), I(2), I(3)}), Value::Array(kInt, {I(4), I(5)})}),
     kStr, S("[[1, 2, 3], [4, 5]]"));
  Ok("Base SPARK-22825 Cast array to string: dates",
     Value::Array(kDate, {Day(2014, 12, 3), Day(2014, 12, 4)}), kStr,
     S("[2014-12-03, 2014-12-04]"));
  Ok("Base SPARK-22973 Cast map to string",
     Value::Map(kInt, kStr, {{I(1), S("a")}, {I(2), S("b")}, {I(3), S("c")}}), kStr,
     S("{1 -> a, 2 -> b, 3 -> c}"));
  Ok("Base SPARK-22973 Cast map to string: null values and binary",
     Value::Map(kStr, kBin, {{S("1"), N(kBin)}, {S("2"), Bin("a")}}), kStr,
     S("{1 -> null, 2 -> a}"));
  const DataType isd = StructOf({{"_1", kInt}, {"_2", kStr}, {"_3", kDouble}});
  Ok("Base SPARK-22981 Cast struct to string", Value::Struct(isd, {I(1), S("a"), D(0.1)}), kStr,
     S("{1, a, 0.1}"));
  const DataType iss = StructOf({{"_1", kInt}, {"_2", kStr}, {"_3", kStr}});
  Ok("Base SPARK-22981 Cast struct to string: null field",
     Value::Struct(iss, {I(1), N(kStr), S("a")}), kStr, S("{1, null, a}"));
  const DataType ss = StructOf({{"_1", kStr}, {"_2", kStr}});
  Ok("Base SPARK-33291: Cast struct with null elements to string",
     Value::Struct(ss, {N(kStr), N(kStr)}), kStr, S("{null, null}"));
  const DataType dt = StructOf({{"_1", kDate}, {"_2", kTs}});
  Ok("Base SPARK-22981 Cast struct to string: date and timestamp",
     Value::Struct(dt, {Day(2014, 12, 3), Ts(2014, 12, 3, 15, 5)}), kStr,
     S("{2014-12-03, 2014-12-03 15:05:00}"));
  OkIn(kLegacy, "ToStringBase: decimals inside arrays follow useDecimalPlainString too",
       Value::Array(Decimal(9, 9), {Dec("0.000000123", 9, 9)}), kStr, S("[1.23E-7]"));
  OkIn(kAnsi, "ToStringBase: decimals inside arrays, ANSI",
       Value::Array(Decimal(9, 9), {Dec("0.000000123", 9, 9)}), kStr, S("[0.000000123]"));
  const DataType from_s = StructOf({{"a", kInt}, {"b", StructOf({{"b1", kLong}})}});
  const DataType to_s = StructOf({{"a1", kInt}, {"b1", StructOf({{"b11", kLong}})}});
  Ok("Base SPARK-20302 cast with same structure (names differ)",
     Value::Struct(from_s, {I(10), Value::Struct(StructOf({{"b1", kLong}}), {L(12)})}), to_s,
     Value::Struct(to_s, {I(10), Value::Struct(StructOf({{"b11", kLong}}), {L(12)})}));
  const DataType null_field = StructOf({{"a", kVoid}});
  const DataType int_field = StructOf({{"a", kInt}});
  Ok("Base SPARK-27671: cast from nested null type in struct",
     Value::Struct(null_field, {N(kVoid)}), int_field, Value::Struct(int_field, {N(kInt)}));
  OrErr("Cast castArray of doubles: NaN is 0, or CAST_OVERFLOW",
        Value::Array(kDouble, {D(1.5), D(kNaN)}), Arr(kInt), Value::Array(kInt, {I(1), I(0)}),
        Overflow("NaN", "DOUBLE", "INT"));
  Ok("Cast castArray: an empty array", Value::Array(kInt, {}), Arr(kStr), Value::Array(kStr, {}));
  Ok("ToStringBase: an empty array", Value::Array(kInt, {}), kStr, S("[]"));
  Ok("Cast castArray: NULL elements stay NULL", Value::Array(kInt, {I(1), N(kInt)}), Arr(kLong),
     Value::Array(kLong, {L(1), N(kLong)}));
  Ok("Cast castStruct of a timestamp field", Value::Struct(StructOf({{"t", kTs}}), {TsMicros(0)}),
     StructOf({{"t", kStr}}), Value::Struct(StructOf({{"t", kStr}}), {S("1970-01-01 00:00:00")}));
}

const std::vector<CastCase>& AllCases() {
  static const std::vector<CastCase> cases = [] {
    std::vector<CastCase> v;
    g_cases = &v;
    AddNullCases();
    AddBooleanCases();
    AddIntegralCases();
    AddDoubleCases();
    AddDecimalCases();
    AddStringToNumberCases();
    AddStringToBooleanCases();
    AddStringToDateCases();
    AddStringToTimestampCases();
    AddTimestampCases();
    AddDateCases();
    AddBinaryAndIntervalCases();
    AddComplexCases();
    g_cases = nullptr;
    return v;
  }();
  return cases;
}

// ---------------------------------------------------------------------------------------
// Running a case.

EvalOptions Options(bool ansi, const std::string& zone) {
  EvalOptions o;
  o.ansi = ansi;
  Result<TimeZone> tz = TimeZone::Load(zone);
  EXPECT_TRUE(tz.ok()) << tz.status();
  o.time_zone = tz.ValueOr(TimeZone());
  o.current_timestamp_micros = kNow;
  return o;
}

Batch OneColumnBatch(const DataType& type, const std::vector<Value>& rows) {
  BatchBuilder b(MakeSchema({Field{"x", type}}));
  for (const Value& v : rows) {
    Status st = b.AppendRow({v});
    EXPECT_TRUE(st.ok()) << st;
  }
  Result<Batch> batch = b.Finish();
  EXPECT_TRUE(batch.ok()) << batch.status();
  return *std::move(batch);
}

void ExpectError(const Status& st, const std::string& fragment) {
  ASSERT_FALSE(st.ok()) << "expected an error containing: " << fragment;
  EXPECT_EQ(StatusCode::kInvalidInput, st.code()) << st;
  EXPECT_NE(std::string::npos, st.message().find(fragment)) << st.message();
}

class CastTableTest : public ::testing::TestWithParam<size_t> {};

TEST_P(CastTableTest, Case) {
  const CastCase& c = AllCases()[GetParam()];
  SCOPED_TRACE(c.cite + ": CAST(" + c.input.ToString() + " AS " + c.to.ToDdl() + ")");
  for (bool ansi : {false, true}) {
    if (!(c.modes & (ansi ? kAnsi : kLegacy))) continue;
    SCOPED_TRACE(ansi ? "ANSI" : "non-ANSI");
    EvalOptions opts = Options(ansi, c.zone);
    EvalContext ctx(opts);
    const DataType& from = c.input.type();
    ASSERT_TRUE(CanCast(from, c.to, ansi)) << from << " -> " << c.to;

    // Through the expression, over a flat column: rows 0 and 2 hold the input, row 1 is
    // NULL, and row 3 (with a garbage-free copy of the input) is outside the RowSet.
    Batch batch = OneColumnBatch(from, {c.input, N(from), c.input, c.input});
    auto expr = std::make_shared<CastExpr>(ColumnRef(0, "x", from), c.to);
    std::vector<uint32_t> idx = {0, 1, 2};
    Result<Datum> flat = expr->Eval(ctx, batch, RowSet(4, idx));

    // Directly, on a constant: computed once, returned as a constant.
    Result<Datum> constant = CastDatum(ctx, Datum::Constant(c.input), c.to, RowSet(7));

    if (!c.error.empty()) {
      ExpectError(flat.status(), c.error);
      ExpectError(constant.status(), c.error);
      continue;
    }
    ASSERT_TRUE(flat.ok()) << flat.status();
    ASSERT_TRUE(constant.ok()) << constant.status();
    const Datum& f = *flat;
    ASSERT_EQ(c.to, f.type());
    EXPECT_EQ(c.expected, f.GetValue(0));
    EXPECT_TRUE(f.IsNull(1));
    EXPECT_EQ(c.expected, f.GetValue(2));
    EXPECT_TRUE(f.IsNull(3)) << "rows outside the RowSet are NULL";
    EXPECT_TRUE(constant->is_constant());
    EXPECT_EQ(c.expected, constant->GetValue(0));
  }
}

INSTANTIATE_TEST_SUITE_P(Spark, CastTableTest, ::testing::Range<size_t>(0, AllCases().size()));

TEST(CastTableSize, AtLeast150Cases) { EXPECT_GE(AllCases().size(), 150u); }

// ---------------------------------------------------------------------------------------
// The cast matrix.

struct MatrixCase {
  DataType from;
  DataType to;
  bool legacy;
  bool ansi;
};

TEST(CanCastTest, SparkMatrix) {
  const DataType map_si = MapOf(kStr, kInt);
  const std::vector<MatrixCase> cases = {
      // Base SPARK-16729: BOOLEAN -> DATE is never allowed; numeric -> DATE neither.
      {kBool, kDate, false, false},
      {kInt, kDate, false, false},
      {kDouble, kDate, false, false},
      // Cast.canCast: DATE -> numeric is allowed (and NULL); canAnsiCast refuses it.
      {kDate, kInt, true, false},
      {kDate, Decimal(10, 2), true, false},
      {kDate, kBool, true, false},
      {kTs, kBool, true, false},
      {kBool, kTs, true, false},
      // Integral -> BINARY only outside ANSI; fractional never (On numeric/binary test).
      {kInt, kBin, true, false},
      {kLong, kBin, true, false},
      {kDouble, kBin, false, false},
      {Decimal(10, 0), kBin, false, false},
      {kBin, kInt, false, false},
      // SPARK-37714: numeric <-> TIMESTAMP in both modes.
      {kInt, kTs, true, true},
      {kDouble, kTs, true, true},
      {kTs, kLong, true, true},
      {kTs, kDate, true, true},
      {kDate, kTs, true, true},
      // Anything -> STRING; STRING -> anything atomic.
      {Arr(kInt), kStr, true, true},
      {kIv, kStr, true, true},
      {kStr, kIv, true, true},
      {kStr, kBin, true, true},
      {kStr, kDate, true, true},
      {kVoid, map_si, true, true},
      // INTERVAL converts only from and to STRING.
      {kIv, kInt, false, false},
      {kInt, kIv, false, false},
      // STRING -> complex types is not a cast.
      {kStr, Arr(kStr), false, false},
      {kInt, Arr(kInt), false, false},
      // Off cast from array II: ARRAY<STRING> -> ARRAY<BOOLEAN NOT NULL> can become NULL.
      {Arr(kStr), DataType::Array(kBool, false), false, false},
      {DataType::Array(kStr, false), Arr(kBool), true, true},
      // Off SPARK-31227: a non-nullable NULL element type casts to non-nullable anything.
      {DataType::Array(kVoid, false), DataType::Array(kInt, false), true, true},
      // Off cast from map II: keys must not become NULL (legacy); ANSI only checks the
      // value nullability flags.
      {MapOf(kStr, kStr), MapOf(kInt, kStr), false, true},
      {MapOf(kStr, kStr), map_si, true, true},
      {MapOf(kInt, kInt), MapOf(kLong, kStr), true, true},
      // Structs: same field count, field-wise.
      {StructOf({{"a", kInt}}), StructOf({{"b", kLong}}), true, true},
      {StructOf({{"a", kInt}}), StructOf({{"a", kInt}, {"b", kInt}}), false, false},
      {StructOf({{"a", kStr}}), StructOf({{"a", kInt, false}}), false, false},
      {StructOf({{"a", kDate}}), StructOf({{"a", kInt}}), true, false},
      {Arr(kInt), MapOf(kInt, kInt), false, false},
      {kTs, Decimal(38, 6), true, true},
      {kDouble, kBool, true, true},
  };
  for (const MatrixCase& c : cases) {
    EXPECT_EQ(c.legacy, CanCast(c.from, c.to, false)) << c.from << " -> " << c.to;
    EXPECT_EQ(c.ansi, CanCast(c.from, c.to, true)) << c.from << " -> " << c.to << " (ANSI)";
  }
}

// ---------------------------------------------------------------------------------------
// Messages, the expression node and the vectorized paths.

TEST(CastTest, ExactAnsiMessages) {
  // Errors: CAST_INVALID_INPUT and CAST_OVERFLOW of Spark 3.5, word for word.
  EvalOptions opts = Options(true, "UTC");
  EvalContext ctx(opts);
  Result<Datum> r = CastDatum(ctx, Datum::Constant(S("abc")), kInt, RowSet(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      "[CAST_INVALID_INPUT] The value 'abc' of the type \"STRING\" cannot be cast to \"INT\" "
      "because it is malformed. Correct the value as per the syntax, or change its target type. "
      "Use `try_cast` to tolerate malformed input and return NULL instead. If necessary set "
      "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
      r.status().message());
  r = CastDatum(ctx, Datum::Constant(L(3000000000)), kInt, RowSet(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      "[CAST_OVERFLOW] The value 3000000000L of the type \"BIGINT\" cannot be cast to \"INT\" due "
      "to an overflow. Use `try_cast` to tolerate overflow and return NULL instead. If necessary "
      "set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
      r.status().message());
  r = CastDatum(ctx, Datum::Constant(S("134.12")), Decimal(3, 2), RowSet(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      "[NUMERIC_VALUE_OUT_OF_RANGE] 134.12 cannot be represented as Decimal(3, 2). If necessary "
      "set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and return NULL instead.",
      r.status().message());
}

TEST(CastTest, ToStringAndFactory) {
  ExprPtr x = ColumnRef(0, "x", kInt);
  Result<ExprPtr> c = Cast(x, kLong);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ("CAST(x AS BIGINT)", (*c)->ToString());
  EXPECT_EQ(ExprKind::kCast, (*c)->kind());
  EXPECT_EQ(kLong, (*c)->type());
  EXPECT_EQ("CAST(x AS DECIMAL(10,2))", (*Cast(x, Decimal(10, 2)))->ToString());
  EXPECT_EQ("CAST(x AS ARRAY<STRING>)",
            (*Cast(ColumnRef(0, "x", Arr(kInt)), Arr(kStr)))->ToString());
  // The operand itself when nothing changes.
  Result<ExprPtr> same = Cast(x, kInt);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(x, *same);
  // Base SPARK-16729: cannot cast "BOOLEAN" to "DATE".
  Result<ExprPtr> bad = Cast(ColumnRef(0, "b", kBool), kDate);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, bad.status().code());
  EXPECT_EQ(
      "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve \"CAST(b AS DATE)\" due to data "
      "type mismatch: cannot cast \"BOOLEAN\" to \"DATE\".",
      bad.status().message());
  // WithChildren keeps the target type.
  ExprPtr rebuilt = (*c)->WithChildren({ColumnRef(1, "y", kInt)});
  EXPECT_EQ("CAST(y AS BIGINT)", rebuilt->ToString());
}

TEST(CastTest, NullabilityFollowsForceNullable) {
  // Base cast from string: string -> numeric may be NULL, string -> binary may not.
  ExprPtr s = ColumnRef(0, "s", kStr, /*nullable=*/false);
  EXPECT_TRUE((*Cast(s, kInt))->nullable());
  EXPECT_TRUE((*Cast(s, kTs))->nullable());
  EXPECT_FALSE((*Cast(s, kBin))->nullable());
  // Off casting to fixed-precision decimals: INT fits DECIMAL(10,0), not DECIMAL(2,1).
  ExprPtr i = ColumnRef(0, "i", kInt, false);
  EXPECT_FALSE((*Cast(i, Decimal(10, 0)))->nullable());
  EXPECT_TRUE((*Cast(i, Decimal(2, 1)))->nullable());
  EXPECT_FALSE((*Cast(i, kStr))->nullable());
  EXPECT_TRUE((*Cast(ColumnRef(0, "d", kDouble, false), kInt))->nullable());
  EXPECT_FALSE((*Cast(ColumnRef(0, "t", kTs, false), kLong))->nullable());
  EXPECT_TRUE((*Cast(ColumnRef(0, "t", kTs, false), kInt))->nullable());
  EXPECT_TRUE((*Cast(ColumnRef(0, "n", kInt, true), kLong))->nullable());
}

TEST(CastTest, AnsiOnlyRefusalSurfacesAtEvaluation) {
  // Cast() checks the non-ANSI matrix; evaluating with ANSI on refuses DATE -> INT as
  // On "disallow type conversions between Numeric types and Date type" does.
  EvalOptions opts = Options(true, "UTC");
  EvalContext ctx(opts);
  Batch batch = OneColumnBatch(kDate, {Day(2020, 1, 1)});
  Result<ExprPtr> e = Cast(ColumnRef(0, "d", kDate), kInt);
  ASSERT_TRUE(e.ok());
  Result<Datum> r = (*e)->Eval(ctx, batch, RowSet(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, r.status().code());
  EXPECT_EQ(
      "[DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION] Cannot resolve \"CAST(d AS INT)\" due to data "
      "type mismatch: cannot cast \"DATE\" to \"INT\". To convert values from \"DATE\" to \"INT\", "
      "you can use the functions `UNIX_DATE` instead.",
      r.status().message());
  // On "disallow type conversions between Datatime types and Boolean types".
  r = CastDatum(ctx, Datum::Constant(TsMicros(1)), kBool, RowSet(1));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos,
            r.status().message().find("[DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION]"));
  EXPECT_NE(std::string::npos,
            r.status().message().find("you can set \"spark.sql.ansi.enabled\" as 'false'."));
}

TEST(CastTest, AnsiErrorsOnlyFromEvaluatedRows) {
  // A malformed value in a NULL-free row outside the RowSet, and NULLs, raise nothing.
  EvalOptions opts = Options(true, "UTC");
  EvalContext ctx(opts);
  Batch batch = OneColumnBatch(kStr, {S("1"), S("abc"), N(kStr), S(" 42 ")});
  auto expr = std::make_shared<CastExpr>(ColumnRef(0, "s", kStr), kInt);
  std::vector<uint32_t> idx = {0, 2, 3};
  Result<Datum> r = expr->Eval(ctx, batch, RowSet(4, idx));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(I(1), r->GetValue(0));
  EXPECT_TRUE(r->IsNull(1));
  EXPECT_TRUE(r->IsNull(2));
  EXPECT_EQ(I(42), r->GetValue(3));
  // All rows: row 1 fails.
  r = expr->Eval(ctx, batch, RowSet(4));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("The value 'abc'"));
  // A constant that no row needs is not converted.
  std::vector<uint32_t> none;
  r = CastDatum(ctx, Datum::Constant(S("abc")), kInt, RowSet(4, none));
  EXPECT_TRUE(r.ok()) << r.status();
}

TEST(CastTest, IdentityReturnsTheInput) {
  EvalOptions opts = Options(false, "UTC");
  EvalContext ctx(opts);
  Batch batch = OneColumnBatch(kInt, {I(1), I(2)});
  Datum in = Datum::Flat(batch.column(0));
  Result<Datum> r = CastDatum(ctx, in, kInt, RowSet(2));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(in.column(), r->column());
}

TEST(CastTest, NestedCasts) {
  // Off data type casting II: cast("5" as TINYINT as TIMESTAMP as DECIMAL(38,18) as
  // BIGINT as STRING as SMALLINT) = 5, with INT for the small integral types.
  EvalOptions opts = Options(false, "UTC");
  EvalContext ctx(opts);
  Batch batch = OneColumnBatch(kStr, {S("5"), S("x")});
  ExprPtr e = ColumnRef(0, "s", kStr);
  for (const DataType& t : {kInt, kTs, Decimal(38, 18), kLong, kStr, kInt}) {
    Result<ExprPtr> next = Cast(e, t);
    ASSERT_TRUE(next.ok()) << next.status();
    e = *next;
  }
  EXPECT_EQ(
      "CAST(CAST(CAST(CAST(CAST(CAST(s AS INT) AS TIMESTAMP) AS DECIMAL(38,18)) AS BIGINT) AS "
      "STRING) AS INT)",
      e->ToString());
  Result<ColumnPtr> col = EvaluateColumn(*e, ctx, batch);
  ASSERT_TRUE(col.ok()) << col.status();
  EXPECT_EQ(I(5), GetValue(**col, 0));
  EXPECT_TRUE((*col)->IsNull(1));
  // Base data type casting: timestamp -> string -> timestamp round-trips across DST in
  // the session zone (2015-03-08 02:30 UTC and 2015-11-01 02:30 UTC).
  EvalOptions la_opts = Options(false, kLA);
  EvalContext la(la_opts);
  Batch ts =
      OneColumnBatch(kTs, {Ts(2015, 3, 8, 2, 30), Ts(2015, 11, 1, 2, 30), Ts(2015, 11, 1, 9, 30)});
  ExprPtr round = *Cast(*Cast(ColumnRef(0, "t", kTs), kStr), kTs);
  Result<ColumnPtr> back = EvaluateColumn(*round, la, ts);
  ASSERT_TRUE(back.ok()) << back.status();
  for (int64_t i = 0; i < 3; ++i) {
    if (i == 2) {
      // 09:30Z is the second 01:30 (PST); its text reads back as the first (PDT), as in
      // java.time.
      EXPECT_EQ(Ts(2015, 11, 1, 8, 30), GetValue(**back, i));
    } else {
      EXPECT_EQ(GetValue(*ts.column(0), i), GetValue(**back, i));
    }
  }
}

TEST(CastTest, FlatBatchesWithSelection) {
  // A batch with a selection vector: only the selected rows are cast, long strings are
  // copied into the result's own buffers.
  EvalOptions opts = Options(false, "UTC");
  EvalContext ctx(opts);
  std::vector<Value> rows;
  for (int i = 0; i < 5000; ++i) {
    rows.push_back(i % 7 == 3 ? N(kLong) : L(int64_t{i} * 1000003 - 2500000000LL));
  }
  Batch batch = OneColumnBatch(kLong, rows);
  std::vector<uint32_t> keep;
  for (uint32_t i = 0; i < 5000; i += 2) keep.push_back(i);
  Batch selected = batch.Select(SelectionVector(keep));
  Result<ExprPtr> to_str = Cast(ColumnRef(0, "v", kLong), kStr);
  Result<ExprPtr> to_int = Cast(*Cast(*to_str, kDouble), kInt);
  ASSERT_TRUE(to_int.ok());
  Result<Datum> s = (*to_str)->Eval(ctx, selected, RowSet::Of(selected));
  Result<Datum> n = (*to_int)->Eval(ctx, selected, RowSet::Of(selected));
  ASSERT_TRUE(s.ok() && n.ok());
  for (uint32_t i = 0; i < 5000; ++i) {
    if (i % 2 == 1 || rows[i].is_null()) {
      EXPECT_TRUE(s->IsNull(i)) << i;
      EXPECT_TRUE(n->IsNull(i)) << i;
      continue;
    }
    const int64_t v = rows[i].int64();
    EXPECT_EQ(S(std::to_string(v)), s->GetValue(i));
    // Off: BIGINT -> DOUBLE -> INT saturates (Java's (int) of a double).
    const int32_t clamp = v > 2147483647      ? 2147483647
                          : v < -2147483648LL ? std::numeric_limits<int32_t>::min()
                                              : static_cast<int32_t>(v);
    EXPECT_EQ(I(clamp), n->GetValue(i));
  }
}

TEST(CastTest, StructRowsThatAreNullSkipTheirFields) {
  // A NULL struct whose field holds a malformed string raises nothing in ANSI mode.
  EvalOptions opts = Options(true, "UTC");
  EvalContext ctx(opts);
  const DataType from = StructOf({{"a", kStr}});
  const DataType to = StructOf({{"a", kInt}});
  StructBuilder b(from);
  b.Append();
  ASSERT_TRUE(b.field_builder(0)->AppendValue(S("7")).ok());
  b.AppendNull();
  ColumnPtr col = b.Finish();
  Result<Datum> r = CastDatum(ctx, Datum::Flat(col), to, RowSet(2));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Value::Struct(to, {I(7)}), r->GetValue(0));
  EXPECT_TRUE(r->IsNull(1));
}

TEST(CastTest, MalformedInputNeverCrashes) {
  // Odd bytes, huge exponents and digit runs: NULL (or an error in ANSI mode), never a
  // crash.
  const std::vector<std::string> inputs = {std::string("\0\xff\x80", 3),
                                           "9999999999999999999999999999999999999999999999",
                                           "1e2147483648",
                                           "-",
                                           "+",
                                           ".",
                                           "e5",
                                           "1e",
                                           "0x",
                                           "0xp1",
                                           "--1",
                                           "1..2",
                                           "T",
                                           ":",
                                           "2015-",
                                           "-2015-01-01 ",
                                           "99999999-01-01",
                                           "2015-01-01 10:00:00.",
                                           "2015-01-01 10:00:00+",
                                           "2015-01-01T10:00:00 /etc/passwd",
                                           "2015-01-01 10:00:00 ../zoneinfo/UTC",
                                           "interval 99999999999999999999 days",
                                           "1 year 2147483647 months",
                                           std::string(300, '9'),
                                           std::string(40, '0') + "1e-50"};
  for (bool ansi : {false, true}) {
    EvalOptions opts = Options(ansi, kLA);
    EvalContext ctx(opts);
    for (const std::string& s : inputs) {
      for (const DataType& t :
           {kInt, kLong, kDouble, Decimal(38, 10), Decimal(5, 2), kBool, kDate, kTs, kIv, kBin}) {
        Result<Datum> r = CastDatum(ctx, Datum::Constant(S(s)), t, RowSet(1));
        if (!r.ok()) {
          EXPECT_TRUE(ansi) << s << " -> " << t << ": " << r.status();
          EXPECT_EQ(StatusCode::kInvalidInput, r.status().code()) << r.status();
        }
      }
    }
  }
}

TEST(CastTest, ParsedValuesSurviveOddInputs) {
  EvalOptions opts = Options(false, "UTC");
  EvalContext ctx(opts);
  auto cast = [&](const std::string& s, const DataType& t) {
    Result<Datum> r = CastDatum(ctx, Datum::Constant(S(s)), t, RowSet(1));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->GetValue(0) : Value();
  };
  // UTF8 toInt: "." parses as 0 (an empty integral part and an empty fraction).
  EXPECT_EQ(I(0), cast(".", kInt));
  EXPECT_EQ(N(kInt), cast("+", kInt));
  // Decimal.fromString: 1e-50 is 0 at any scale; 0E+50 has 51 integral digits.
  EXPECT_EQ(Dec("0", 38, 10), cast(std::string(40, '0') + "1e-50", Decimal(38, 10)));
  EXPECT_EQ(N(Decimal(38, 0)), cast("0E+50", Decimal(38, 0)));
  // Double.valueOf: tiny values underflow to zero.
  EXPECT_EQ(D(0.0), cast("1e-400", kDouble));
  // Zone ids that could name files outside the zone database are refused.
  EXPECT_EQ(N(kTs), cast("2015-01-01 10:00:00 /etc/passwd", kTs));
  EXPECT_EQ(N(kTs), cast("2015-01-01 10:00:00 posix/UTC", kTs));
}

TEST(CastTest, RandomInputsNeverCrash) {
  // A fixed-seed sweep over strings made of the characters Spark's parsers care about,
  // and over random doubles and decimals, through every target in both modes.
  std::mt19937_64 rng(42);
  const std::string alphabet = "0123456789+-.eE:T Z/aINnfxpd\t";
  std::vector<Value> strings;
  for (int k = 0; k < 1500; ++k) {
    std::string s;
    const size_t len = rng() % 28;
    for (size_t i = 0; i < len; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    strings.push_back(S(s));
  }
  std::vector<Value> doubles;
  for (int k = 0; k < 500; ++k) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    doubles.push_back(D(d));
  }
  std::vector<Value> decimals;
  for (int k = 0; k < 500; ++k) {
    Int128 v = (static_cast<Int128>(rng()) << 64 | rng()) % PowerOfTen(38);
    decimals.push_back(Value::Decimal(v, 38, static_cast<int>(rng() % 39)));
  }
  const std::vector<DataType> targets = {
      kBool, kInt, kLong, kDouble, Decimal(38, 10), Decimal(4, 2), kStr, kDate, kTs, kIv, kBin};
  for (bool ansi : {false, true}) {
    EvalOptions opts = Options(ansi, kLA);
    EvalContext ctx(opts);
    for (const std::vector<Value>* values : {&strings, &doubles, &decimals}) {
      for (const Value& v : *values) {
        for (const DataType& t : targets) {
          if (!CanCast(v.type(), t, ansi)) continue;
          Result<Datum> r = CastDatum(ctx, Datum::Constant(v), t, RowSet(1));
          if (!r.ok()) {
            EXPECT_TRUE(ansi) << v << " -> " << t << ": " << r.status();
            EXPECT_EQ(StatusCode::kInvalidInput, r.status().code()) << r.status();
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace weir

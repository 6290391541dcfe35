// Arithmetic operators + - * / % div pmod, negative, positive, abs, with Spark 3.5's
// semantics. Cases cite the Spark SQL function docs ("docs: SELECT ...") or the
// Spark source they pin (arithmetic.scala, MathUtils.scala, TypeCoercion.scala,
// DecimalPrecision / BinaryArithmetic.resultDecimalType, Decimal.scala).

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "tests/unit/functions/arithmetic_test_util.h"

namespace weir {
namespace {

using namespace weir::testing;  // NOLINT: test helpers

constexpr int32_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kIntMin = std::numeric_limits<int32_t>::min();
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kLongMin = std::numeric_limits<int64_t>::min();

const char kIntAddOverflow[] =
    "[ARITHMETIC_OVERFLOW] integer overflow. Use 'try_add' to tolerate overflow and return NULL "
    "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.";
const char kDivideByZero[] =
    "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return "
    "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.";

TEST(ArithmeticTest, DocumentationExamples) {
  RunCases({
      {"docs: SELECT 1 + 2 -> 3", "+", {I(1), I(2)}, I(3)},
      {"docs: SELECT 2 - 1 -> 1", "-", {I(2), I(1)}, I(1)},
      {"docs: SELECT 2 * 3 -> 6", "*", {I(2), I(3)}, I(6)},
      {"docs: SELECT 3 / 2 -> 1.5", "/", {I(3), I(2)}, D(1.5)},
      {"docs: SELECT 2L / 2L -> 1.0", "/", {L(2), L(2)}, D(1.0)},
      {"docs: SELECT 3 div 2 -> 1", "div", {I(3), I(2)}, L(1)},
      {"docs: SELECT 2 % 1.8 -> 0.2", "%", {I(2), Dec("1.8", 2, 1)}, Dec("0.2", 2, 1)},
      {"docs: SELECT MOD(2, 1.8) -> 0.2", "mod", {I(2), Dec("1.8", 2, 1)}, Dec("0.2", 2, 1)},
      {"docs: SELECT pmod(10, 3) -> 1", "pmod", {I(10), I(3)}, I(1)},
      {"docs: SELECT pmod(-10, 3) -> 2", "pmod", {I(-10), I(3)}, I(2)},
      {"docs: SELECT negative(1) -> -1", "negative", {I(1)}, I(-1)},
      {"docs: SELECT positive(1) -> 1", "positive", {I(1)}, I(1)},
      {"docs: SELECT abs(-1) -> 1", "abs", {I(-1)}, I(1)},
      {"UnaryMinus: the symbol - with one argument", "-", {I(5)}, I(-5)},
      {"UnaryPositive: the symbol + with one argument", "+", {D(-2.5)}, D(-2.5)},
  });
}

TEST(ArithmeticTest, ImplicitCoercion) {
  RunCases({
      {"findTightestCommonType: INT + BIGINT is BIGINT", "+", {I(1), L(2)}, L(3)},
      {"findTightestCommonType: BIGINT * INT is BIGINT", "*", {L(4000000000), I(2)}, L(8000000000)},
      {"findTightestCommonType: INT + DOUBLE is DOUBLE", "+", {I(1), D(0.5)}, D(1.5)},
      {"Division: INT / BIGINT casts both to DOUBLE", "/", {I(1), L(4)}, D(0.25)},
      {"Division: 1 / 2 is 0.5, not 0", "/", {I(1), I(2)}, D(0.5)},
      {"PromoteStrings: '1' + 2 is DOUBLE (ANSI: findWiderTypeForString gives BIGINT)",
       "+",
       {S("1"), I(2)},
       D(3.0),
       "",
       L(3)},
      {"PromoteStrings: '10' / '4' is DOUBLE", "/", {S("10"), S("4")}, D(2.5)},
      {"PromoteStrings: 2 * '1.5' is DOUBLE", "*", {I(2), S("1.5")}, D(3.0), "CAST_INVALID_INPUT"},
      {"PromoteStrings: 'abc' + 1 is NULL (ANSI: the cast fails)",
       "+",
       {S("abc"), I(1)},
       NullDouble(),
       "CAST_INVALID_INPUT"},
      {"PromoteStrings: negative('2.5')", "negative", {S("2.5")}, D(-2.5)},
      {"ImplicitTypeCasts: NULL + INT is INT", "+", {Value(), I(1)}, NullInt()},
      {"ImplicitTypeCasts: BIGINT - NULL is BIGINT", "-", {L(1), Value()}, NullLong()},
      {"ExpectsInputTypes: NULL + NULL is DOUBLE (NumericType's default)",
       "+",
       {Value(), Value()},
       NullDouble()},
      {"Division: NULL / 2 is DOUBLE", "/", {Value(), I(2)}, NullDouble()},
      {"IntegralDivision: NULL div 2 is BIGINT", "div", {Value(), I(2)}, NullLong()},
      {"ImplicitCastInputTypes: abs(NULL) is DOUBLE", "abs", {Value()}, NullDouble()},
      {"DecimalPrecision: DECIMAL + NULL keeps the decimal",
       "+",
       {Dec("1.5", 2, 1), Value()},
       NullDec(3, 1)},
      {"DecimalPrecision: DECIMAL + DOUBLE is DOUBLE", "+", {Dec("1.5", 2, 1), D(1.0)}, D(2.5)},
      {"DecimalPrecision: DECIMAL % DOUBLE is DOUBLE", "%", {D(7.0), Dec("2.5", 2, 1)}, D(2.0)},
      {"DecimalPrecision: an INT literal next to DECIMAL is DECIMAL(1,0): 1.5 + 1",
       "+",
       {Dec("1.5", 2, 1), I(1)},
       Dec("2.5", 3, 1)},
      {"DecimalPrecision: a BIGINT literal 12345678901 is DECIMAL(11,0)",
       "*",
       {L(12345678901), Dec("0.5", 1, 1)},
       Dec("6172839450.5", 13, 1)},
  });
}

TEST(ArithmeticTest, IntegralOverflowWrapsOrFails) {
  RunCases({
      {"MathUtils.addExact: INT_MAX + 1", "+", {I(kIntMax), I(1)}, I(kIntMin), kIntAddOverflow},
      {"MathUtils.subtractExact: INT_MIN - 1",
       "-",
       {I(kIntMin), I(1)},
       I(kIntMax),
       "[ARITHMETIC_OVERFLOW] integer overflow. Use 'try_subtract'"},
      {"MathUtils.multiplyExact: INT_MAX * 2",
       "*",
       {I(kIntMax), I(2)},
       I(-2),
       "[ARITHMETIC_OVERFLOW] integer overflow. Use 'try_multiply'"},
      {"MathUtils.addExact: BIGINT_MAX + 1",
       "+",
       {L(kLongMax), L(1)},
       L(kLongMin),
       "[ARITHMETIC_OVERFLOW] long overflow. Use 'try_add'"},
      {"MathUtils.subtractExact: BIGINT_MIN - 1",
       "-",
       {L(kLongMin), L(1)},
       L(kLongMax),
       "[ARITHMETIC_OVERFLOW] long overflow. Use 'try_subtract'"},
      {"MathUtils.multiplyExact: BIGINT_MIN * -1",
       "*",
       {L(kLongMin), L(-1)},
       L(kLongMin),
       "[ARITHMETIC_OVERFLOW] long overflow. Use 'try_multiply'"},
      {"no overflow at the boundary: INT_MAX + 0", "+", {I(kIntMax), I(0)}, I(kIntMax)},
      {"no overflow at the boundary: INT_MIN + INT_MAX", "+", {I(kIntMin), I(kIntMax)}, I(-1)},
      {"no overflow at the boundary: BIGINT_MIN - -1", "-", {L(kLongMin), L(-1)}, L(kLongMin + 1)},
      {"no overflow: -46341 * 46341 fits INT", "*", {I(-46340), I(46340)}, I(-2147395600)},
      {"UnaryMinus: negateExact(INT_MIN)",
       "negative",
       {I(kIntMin)},
       I(kIntMin),
       "[ARITHMETIC_OVERFLOW] integer overflow. If necessary set \"spark.sql.ansi.enabled\""},
      {"UnaryMinus: negateExact(BIGINT_MIN)",
       "-",
       {L(kLongMin)},
       L(kLongMin),
       "[ARITHMETIC_OVERFLOW] long overflow. If necessary"},
      {"Abs: Math.abs(INT_MIN) is INT_MIN; ANSI negateExact fails",
       "abs",
       {I(kIntMin)},
       I(kIntMin),
       "[ARITHMETIC_OVERFLOW] integer overflow."},
      {"Abs: Math.abs(BIGINT_MIN)", "abs", {L(kLongMin)}, L(kLongMin), "long overflow"},
      {"Abs: abs(INT_MAX)", "abs", {I(-kIntMax)}, I(kIntMax)},
      {"UnaryMinus: negative(INT_MAX)", "negative", {I(kIntMax)}, I(-kIntMax)},
  });
}

TEST(ArithmeticTest, DivisionAndRemainderByZero) {
  RunCases({
      {"DivModLike: 1 / 0 is NULL", "/", {I(1), I(0)}, NullDouble(), kDivideByZero},
      {"DivModLike: 1.0D / 0.0D is NULL, not Infinity",
       "/",
       {D(1.0), D(0.0)},
       NullDouble(),
       kDivideByZero},
      {"DivModLike: -0.0 is zero too", "/", {D(1.0), D(-0.0)}, NullDouble(), kDivideByZero},
      {"DivModLike: 5 % 0 is NULL", "%", {I(5), I(0)}, NullInt(), kDivideByZero},
      {"DivModLike: 5L % 0L is NULL", "%", {L(5), L(0)}, NullLong(), kDivideByZero},
      {"DivModLike: 5.5D % 0D is NULL", "%", {D(5.5), D(0.0)}, NullDouble(), kDivideByZero},
      {"IntegralDivide: 7 div 0 is NULL", "div", {I(7), I(0)}, NullLong(), kDivideByZero},
      {"Pmod: pmod(5, 0) is NULL", "pmod", {I(5), I(0)}, NullInt(), kDivideByZero},
      {"Pmod: pmod(5.0D, 0D) is NULL", "pmod", {D(5.0), D(0.0)}, NullDouble(), kDivideByZero},
      {"Decimal: 1.5 / 0 is NULL", "/", {Dec("1.5", 2, 1), I(0)}, NullDec(7, 6), kDivideByZero},
      {"Decimal: 1.5 % 0.0 is NULL",
       "%",
       {Dec("1.5", 2, 1), Dec("0.0", 2, 1)},
       NullDec(2, 1),
       kDivideByZero},
      {"Decimal: 1.5 div 0 is NULL", "div", {Dec("1.5", 2, 1), I(0)}, NullLong(), kDivideByZero},
      {"Decimal: pmod(1.5, 0) is NULL",
       "pmod",
       {Dec("1.5", 2, 1), I(0)},
       NullDec(2, 1),
       kDivideByZero},
      {"NULL divisor is NULL without an error", "/", {I(1), NullInt()}, NullDouble()},
      {"0 / 0 is NULL", "/", {D(0.0), D(0.0)}, NullDouble(), kDivideByZero},
  });
}

TEST(ArithmeticTest, IntegralDivisionAndRemainder) {
  RunCases({
      {"Java: INT_MIN % -1 is 0 (UB in C++)", "%", {I(kIntMin), I(-1)}, I(0)},
      {"Java: BIGINT_MIN % -1 is 0", "%", {L(kLongMin), L(-1)}, L(0)},
      {"Division: INT_MIN / -1 is DOUBLE 2147483648.0", "/", {I(kIntMin), I(-1)}, D(2147483648.0)},
      {"IntegralDivide: BIGINT_MIN div -1 wraps; ANSI checkDivideOverflow",
       "div",
       {L(kLongMin), L(-1)},
       L(kLongMin),
       "[ARITHMETIC_OVERFLOW] Overflow in integral divide. Use 'try_divide' to tolerate overflow "
       "and return NULL instead."},
      {"IntegralDivision: INT_MIN div -1 is computed in BIGINT",
       "div",
       {I(kIntMin), I(-1)},
       L(2147483648LL)},
      {"IntegralDivide truncates toward zero: -7 div 2", "div", {I(-7), I(2)}, L(-3)},
      {"Remainder keeps the dividend's sign: -7 % 3", "%", {I(-7), I(3)}, I(-1)},
      {"Remainder keeps the dividend's sign: 7 % -3", "%", {I(7), I(-3)}, I(1)},
      {"Remainder on DOUBLE truncates (Java %): -7.5 % 2", "%", {D(-7.5), D(2.0)}, D(-1.5)},
      {"Pmod: pmod(-7, -3) = ((-1) + -3) % -3 = -1", "pmod", {I(-7), I(-3)}, I(-1)},
      {"Pmod: pmod(-1, INT_MIN) wraps r + n as Java does", "pmod", {I(-1), I(kIntMin)}, I(kIntMax)},
      {"Pmod: pmod(INT_MIN, -1) is 0", "pmod", {I(kIntMin), I(-1)}, I(0)},
      {"Pmod: pmod(-10L, 3L)", "pmod", {L(-10), L(3)}, L(2)},
      {"Pmod on DOUBLE: pmod(-10.5, 3) = 1.5", "pmod", {D(-10.5), D(3.0)}, D(1.5)},
      {"Pmod on DOUBLE: pmod(10.5, 3) = 1.5", "pmod", {D(10.5), D(3.0)}, D(1.5)},
  });
}

TEST(ArithmeticTest, DecimalArithmetic) {
  RunCases({
      {"Add.resultDecimalType: 1.5 + 2.25 is DECIMAL(4,2)",
       "+",
       {Dec("1.5", 2, 1), Dec("2.25", 3, 2)},
       Dec("3.75", 4, 2)},
      {"Subtract.resultDecimalType: 1.25 - 10.5 is DECIMAL(5,2)",
       "-",
       {Dec("1.25", 3, 2), Dec("10.5", 3, 1)},
       Dec("-9.25", 5, 2)},
      {"Multiply.resultDecimalType: 1.5 * 2.25 is DECIMAL(6,3)",
       "*",
       {Dec("1.5", 2, 1), Dec("2.25", 3, 2)},
       Dec("3.375", 6, 3)},
      {"Divide.resultDecimalType: 2.0 / 3 is DECIMAL(7,6), HALF_UP",
       "/",
       {Dec("2.0", 2, 1), I(3)},
       Dec("0.666667", 7, 6)},
      {"Divide: -2.0 / 3 rounds HALF_UP away from zero",
       "/",
       {Dec("-2.0", 2, 1), I(3)},
       Dec("-0.666667", 7, 6)},
      {"Divide: 1.0 / 8 is exact", "/", {Dec("1.0", 2, 1), I(8)}, Dec("0.125000", 7, 6)},
      {"Remainder: -7.5 % 2 keeps the dividend's sign",
       "%",
       {Dec("-7.5", 2, 1), I(2)},
       Dec("-1.5", 2, 1)},
      {"Pmod: pmod(-7.5, 2) = 0.5", "pmod", {Dec("-7.5", 2, 1), I(2)}, Dec("0.5", 2, 1)},
      {"Pmod: pmod(-1.5, 100) = 98.5 does not fit the remainder type DECIMAL(2,1)",
       "pmod",
       {Dec("-1.5", 2, 1), I(100)},
       NullDec(2, 1),
       "[NUMERIC_VALUE_OUT_OF_RANGE] 98.5 cannot be represented as Decimal(2, 1)"},
      {"IntegralDivide on DECIMAL: 7.5 div 2 = 3", "div", {Dec("7.5", 2, 1), I(2)}, L(3)},
      {"IntegralDivide on DECIMAL: -7.5 div 2 = -3", "div", {Dec("-7.5", 2, 1), I(2)}, L(-3)},
      {"IntegralDivide: Decimal.toLong wraps: 10^20 div 1",
       "div",
       {Dec("100000000000000000000", 21, 0), I(1)},
       L(7766279631452241920LL)},
      {"UnaryMinus on DECIMAL keeps the type",
       "negative",
       {Dec("12.34", 4, 2)},
       Dec("-12.34", 4, 2)},
      {"Abs on DECIMAL keeps the type", "abs", {Dec("-12.34", 4, 2)}, Dec("12.34", 4, 2)},
      {"DECIMAL(38,18) * DECIMAL(38,18) is DECIMAL(38,6), HALF_UP (SPARK-45786: exact product)",
       "*",
       {Dec("1.123456789012345678", 38, 18), Dec("1.000000000000000001", 38, 18)},
       Dec("1.123457", 38, 6)},
      {"DECIMAL(38,18) * DECIMAL(38,18): a 20-digit integral part survives",
       "*",
       {Dec("12345678901234567890.123456789012345678", 38, 18), Dec("2", 38, 18)},
       Dec("24691357802469135780.246914", 38, 6)},
      {"DECIMAL(38,18) * DECIMAL(38,18) overflows DECIMAL(38,6)",
       "*",
       {Dec("99999999999999999999.999999999999999999", 38, 18),
        Dec("99999999999999999999.999999999999999999", 38, 18)},
       NullDec(38, 6),
       "[NUMERIC_VALUE_OUT_OF_RANGE] "
       "9999999999999999999999999999999999999800.000000000000000000000000000000000001 cannot be "
       "represented as Decimal(38, 6). If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
       "bypass this error, and return NULL instead."},
      {"adjustPrecisionScale: DECIMAL(38,10) + DECIMAL(38,30) is DECIMAL(38,9), rounded HALF_UP",
       "+",
       {Dec("1", 38, 10), Dec("0.0000000005", 38, 30)},
       Dec("1.000000001", 38, 9)},
      {"38-digit maximum + 1 overflows DECIMAL(38,0)",
       "+",
       {Dec("99999999999999999999999999999999999999", 38, 0), I(1)},
       NullDec(38, 0),
       "[NUMERIC_VALUE_OUT_OF_RANGE] 100000000000000000000000000000000000000 cannot be "
       "represented as Decimal(38, 0)"},
      {"38-digit maximum - 1 fits",
       "-",
       {Dec("99999999999999999999999999999999999999", 38, 0), I(1)},
       Dec("99999999999999999999999999999999999998", 38, 0)},
      {"38-digit minimum - 1 overflows",
       "-",
       {Dec("-99999999999999999999999999999999999999", 38, 0), I(1)},
       NullDec(38, 0),
       "-100000000000000000000000000000000000000 cannot be represented"},
      {"Divide: DECIMAL(38,37) / 3 is DECIMAL(38,37)",
       "/",
       {Dec("1.0000000000000000000000000000000000000", 38, 37), I(3)},
       Dec("0.3333333333333333333333333333333333333", 38, 37)},
      {"Divide: 10^37 / 0.1 overflows DECIMAL(38,6); Spark names the quotient at scale 39",
       "/",
       {Dec("10000000000000000000000000000000000000", 38, 0), Dec("0.1", 1, 1)},
       NullDec(38, 6),
       "[NUMERIC_VALUE_OUT_OF_RANGE] "
       "100000000000000000000000000000000000000.000000000000000000000000000000000000000 cannot be "
       "represented as Decimal(38, 6)"},
      {"Remainder: 10^37 % 0.3 (operands aligned to 75 digits) = 0.1",
       "%",
       {Dec("10000000000000000000000000000000000000", 38, 0),
        Dec("0.30000000000000000000000000000000000000", 38, 38)},
       Dec("0.10000000000000000000000000000000000000", 38, 38)},
      {"Pmod: pmod(-10^37, 0.3) = 0.2",
       "pmod",
       {Dec("-10000000000000000000000000000000000000", 38, 0),
        Dec("0.30000000000000000000000000000000000000", 38, 38)},
       Dec("0.20000000000000000000000000000000000000", 38, 38)},
  });
}

TEST(ArithmeticTest, ResultTypes) {
  // Spark SQL: `0.908 * price` with price BIGINT is DECIMAL(24,3): BIGINT becomes
  // DECIMAL(20,0), and the product type is DECIMAL(3 + 20 + 1, 3 + 0).
  auto t = ResolvedType("*", {Lit(Dec("0.908", 3, 3)), Col(DataType::Int64(), {})});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(DataType::DecimalUnchecked(24, 3), *t);
  t = ResolvedType("*", {Col(DataType::Int64(), {}), Lit(Dec("0.908", 3, 3))});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(DataType::DecimalUnchecked(24, 3), *t);
  // An INT column next to DECIMAL(2,1) is DECIMAL(10,0): the sum is DECIMAL(12,1).
  t = ResolvedType("+", {Col(DataType::Int32(), {}), Lit(Dec("1.5", 2, 1))});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(DataType::DecimalUnchecked(12, 1), *t);
  // DECIMAL(38,18) * DECIMAL(38,18) -> DECIMAL(38,6); / -> DECIMAL(38,6); + -> DECIMAL(38,17).
  DataType d3818 = DataType::DecimalUnchecked(38, 18);
  t = ResolvedType("*", {Col(d3818, {}), Col(d3818, {})});
  EXPECT_EQ(DataType::DecimalUnchecked(38, 6), *t);
  t = ResolvedType("/", {Col(d3818, {}), Col(d3818, {})});
  EXPECT_EQ(DataType::DecimalUnchecked(38, 6), *t);
  t = ResolvedType("+", {Col(d3818, {}), Col(d3818, {})});
  EXPECT_EQ(DataType::DecimalUnchecked(38, 17), *t);
  // Remainder: DECIMAL(10,2) % DECIMAL(5,3) -> DECIMAL(5,3).
  t = ResolvedType(
      "%", {Col(DataType::DecimalUnchecked(10, 2), {}), Col(DataType::DecimalUnchecked(5, 3), {})});
  EXPECT_EQ(DataType::DecimalUnchecked(5, 3), *t);
  // div is BIGINT for DECIMAL operands too.
  t = ResolvedType("div", {Col(d3818, {}), Col(d3818, {})});
  EXPECT_EQ(DataType::Int64(), *t);
  // ANSI: STRING next to INT is BIGINT.
  t = ResolvedType("+", {Col(DataType::String(), {}), Col(DataType::Int32(), {})}, true);
  EXPECT_EQ(DataType::Int64(), *t);
}

TEST(ArithmeticTest, DecimalTimesBigintColumn) {
  // 0.908 * price over a column with a NULL: DECIMAL(24,3) values.
  std::vector<Value> price = {L(100), NullLong(), L(-3), L(kLongMax)};
  auto r = EvalMixed("*", {Lit(Dec("0.908", 3, 3)), Col(DataType::Int64(), price)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{Dec("90.800", 24, 3), NullDec(24, 3), Dec("-2.724", 24, 3),
                                Dec("8374821809464136432.756", 24, 3)}),
            *r);
}

TEST(ArithmeticTest, ColumnsWithNullsAndConstants) {
  std::vector<Value> a, b, sum, diff_const, const_minus;
  for (int i = 0; i < 150; ++i) {
    bool an = i % 7 == 3, bn = i % 5 == 1;
    a.push_back(an ? NullLong() : L(i * 1000003LL));
    b.push_back(bn ? NullLong() : L(-i));
    sum.push_back(an || bn ? NullLong() : L(i * 1000003LL - i));
    diff_const.push_back(an ? NullLong() : L(i * 1000003LL - 7));
    const_minus.push_back(an ? NullLong() : L(7 - i * 1000003LL));
  }
  for (bool ansi : {false, true}) {
    auto r = EvalMixed("+", {Col(DataType::Int64(), a), Col(DataType::Int64(), b)}, ansi);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(sum, *r);
    r = EvalMixed("-", {Col(DataType::Int64(), a), Lit(L(7))}, ansi);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(diff_const, *r);
    r = EvalMixed("-", {Lit(L(7)), Col(DataType::Int64(), a)}, ansi);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(const_minus, *r);
  }
  // Division by a column with zeros and NULLs: NULL where the divisor is 0.
  std::vector<Value> x = {I(10), I(9), NullInt(), I(7), I(6)};
  std::vector<Value> y = {I(2), I(0), I(1), NullInt(), I(-4)};
  auto r = EvalMixed("div", {Col(DataType::Int32(), x), Col(DataType::Int32(), y)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{L(5), NullLong(), NullLong(), NullLong(), L(-1)}), *r);
  r = EvalMixed("%", {Col(DataType::Int32(), x), Lit(I(4))});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{I(2), I(1), NullInt(), I(3), I(2)}), *r);
  // ANSI: the zero divisor at a valid row is an error; a NULL dividend is not.
  r = EvalMixed("div", {Col(DataType::Int32(), x), Col(DataType::Int32(), y)}, true);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("DIVIDE_BY_ZERO"));
  // Decimal columns with a constant on either side.
  std::vector<Value> dec = {Dec("1.25", 5, 2), NullDec(5, 2), Dec("-3.50", 5, 2)};
  r = EvalMixed("/", {Col(DataType::DecimalUnchecked(5, 2), dec), Lit(Dec("0.5", 1, 1))});
  ASSERT_TRUE(r.ok()) << r.status();
  // DECIMAL(5,2) / DECIMAL(1,1): scale max(6, 2 + 1 + 1) = 6, precision 5 - 2 + 1 + 6 = 10.
  EXPECT_EQ((std::vector<Value>{Dec("2.500000", 10, 6), NullDec(10, 6), Dec("-7.000000", 10, 6)}),
            *r);
  r = EvalMixed("-", {Lit(Dec("10", 2, 0)), Col(DataType::DecimalUnchecked(5, 2), dec)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{Dec("8.75", 6, 2), NullDec(6, 2), Dec("13.50", 6, 2)}), *r);
}

// A column % (or pmod) a constant runs without a division per row (a multiply by a
// precomputed reciprocal); every dividend and divisor must give Java's answer, which
// the hardware division (a column divisor, or a subset of rows) computes.
TEST(ArithmeticTest, RemainderByConstantMatchesJava) {
  std::vector<int64_t> dividends = {0,
                                    1,
                                    -1,
                                    2,
                                    -2,
                                    122,
                                    123,
                                    124,
                                    -123,
                                    -124,
                                    kLongMax,
                                    kLongMin,
                                    kLongMax - 1,
                                    kLongMin + 1,
                                    kIntMax,
                                    kIntMin,
                                    int64_t{1} << 32,
                                    -(int64_t{1} << 32)};
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 400; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    // Magnitudes of every bit length.
    dividends.push_back(static_cast<int64_t>(state >> (i % 64)) * ((i & 1) != 0 ? -1 : 1));
  }
  const int64_t divisors[] = {1,
                              -1,
                              2,
                              -2,
                              3,
                              7,
                              -7,
                              10,
                              123,
                              -123,
                              641,
                              1000003,
                              kIntMax,
                              kIntMin,
                              int64_t{1} << 32,
                              (int64_t{1} << 32) + 1,
                              int64_t{1} << 62,
                              kLongMax,
                              kLongMin,
                              -kLongMax,
                              6700417,
                              -274177};
  auto java_rem = [](int64_t x, int64_t d) { return d == -1 ? 0 : x % d; };
  auto java_pmod = [&](int64_t x, int64_t d) {
    const int64_t r = java_rem(x, d);
    if (r >= 0) return r;
    return java_rem(static_cast<int64_t>(static_cast<uint64_t>(r) + static_cast<uint64_t>(d)), d);
  };
  std::vector<Value> x;
  for (int64_t v : dividends) x.push_back(L(v));
  x.push_back(NullLong());
  for (int64_t d : divisors) {
    std::vector<Value> rem, pmod;
    for (int64_t v : dividends) {
      rem.push_back(L(java_rem(v, d)));
      pmod.push_back(L(java_pmod(v, d)));
    }
    rem.push_back(NullLong());
    pmod.push_back(NullLong());
    auto r = EvalMixed("%", {Col(DataType::Int64(), x), Lit(L(d))});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(rem, *r) << "% " << d;
    r = EvalMixed("pmod", {Col(DataType::Int64(), x), Lit(L(d))});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(pmod, *r) << "pmod " << d;
  }
  // Columns of dividends in [0, 2^31) (ids and counters) take a vector form when the
  // divisor is below 2^31 too; one negative or large value sends the whole batch back
  // to the 64-bit method.
  std::vector<int64_t> small;
  for (int64_t v = 0; v < 300; ++v) small.push_back(v);
  for (int64_t v : dividends) {
    if (v >= 0 && v <= kIntMax) small.push_back(v);
  }
  small.push_back(kIntMax);
  for (int64_t extra : {int64_t{-5}, int64_t{1} << 31, int64_t{7}}) {
    std::vector<int64_t> column = small;
    column.push_back(extra);
    std::vector<Value> xs;
    for (int64_t v : column) xs.push_back(L(v));
    for (int64_t d : {int64_t{2}, int64_t{3}, int64_t{123}, int64_t{-123}, int64_t{65537},
                      int64_t{1000003}, int64_t{kIntMax}, int64_t{1} << 31}) {
      std::vector<Value> rem, pmod;
      for (int64_t v : column) {
        rem.push_back(L(java_rem(v, d)));
        pmod.push_back(L(java_pmod(v, d)));
      }
      auto r = EvalMixed("%", {Col(DataType::Int64(), xs), Lit(L(d))});
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(rem, *r) << "% " << d << " with " << extra;
      r = EvalMixed("pmod", {Col(DataType::Int64(), xs), Lit(L(d))});
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(pmod, *r) << "pmod " << d << " with " << extra;
    }
  }
  // INT: the same with 32-bit dividends and divisors.
  std::vector<Value> xi;
  std::vector<int32_t> ints;
  for (int64_t v : dividends) ints.push_back(static_cast<int32_t>(v));
  for (int32_t v : ints) xi.push_back(I(v));
  std::vector<Value> xs;
  std::vector<int32_t> small_ints;
  for (int32_t v : ints) {
    if (v >= 0) small_ints.push_back(v);
  }
  for (int32_t v : small_ints) xs.push_back(I(v));
  for (int32_t d : {1, -1, 3, -3, 123, 65537, kIntMax, kIntMin}) {
    std::vector<Value> rem;
    for (int32_t v : ints) rem.push_back(I(d == -1 ? 0 : v % d));
    auto r = EvalMixed("%", {Col(DataType::Int32(), xi), Lit(I(d))});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(rem, *r) << "% " << d;
    std::vector<Value> small_rem;
    for (int32_t v : small_ints) small_rem.push_back(I(d == -1 ? 0 : v % d));
    r = EvalMixed("%", {Col(DataType::Int32(), xs), Lit(I(d))});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(small_rem, *r) << "% " << d << " of non-negative INTs";
  }
}

TEST(ArithmeticTest, AnsiOverflowOnlyAtValidRows) {
  // A NULL row's value slot holds arbitrary bits; an overflow there is not an error.
  Column::Parts parts;
  parts.type = DataType::Int64();
  parts.length = 3;
  parts.values = AllocateBuffer(3 * sizeof(int64_t));
  parts.values->Resize(3 * sizeof(int64_t));
  int64_t* v = parts.values->as<int64_t>();
  v[0] = kLongMax;  // NULL row
  v[1] = 1;
  v[2] = kLongMax;
  parts.validity = AllocateBuffer(8);
  parts.validity->Resize(8);
  parts.validity->as<uint64_t>()[0] = 0b010;  // row 2 NULL too
  ColumnPtr col = Column::Make(std::move(parts));
  SchemaPtr schema = MakeSchema({{"x", DataType::Int64(), true}});
  auto batch = Batch::Make(schema, {col});
  ASSERT_TRUE(batch.ok());
  auto call = FunctionRegistry::Builtins().Resolve("+", {ColumnRef(*schema, 0), Literal(L(1))});
  ASSERT_TRUE(call.ok()) << call.status();
  EvalOptions options;
  options.ansi = true;
  EvalContext ctx(options);
  auto out = EvaluateColumn(**call, ctx, *batch);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(NullLong(), GetValue(**out, 0));
  EXPECT_EQ(L(2), GetValue(**out, 1));
  EXPECT_EQ(NullLong(), GetValue(**out, 2));
  // The same value at a valid row fails.
  auto overflow = EvalMixed("+", {Col(DataType::Int64(), {L(1), L(kLongMax)}), Lit(L(1))}, true);
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(std::string::npos, overflow.status().message().find("long overflow"));
}

TEST(ArithmeticTest, TypeMismatchesAreSqlErrors) {
  struct Bad {
    const char* fn;
    std::vector<Value> args;
    const char* want;
  };
  const std::vector<Bad> cases = {
      {"+",
       {I(1), Value::Boolean(true)},
       "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(1 + true)\" due to data type "
       "mismatch: the left and right operands of the binary operator have incompatible types "
       "(\"INT\" and \"BOOLEAN\")."},
      {"*",
       {Value::Boolean(true), Value::Boolean(false)},
       "[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE]"},
      {"*", {Value::Date(0), I(2)}, "BINARY_OP_DIFF_TYPES"},
      {"%", {Value::Timestamp(0), Value::Timestamp(0)}, "BINARY_OP_WRONG_TYPE"},
      {"div", {D(5.0), I(2)}, "(\"DOUBLE\" and \"BIGINT\")"},
      {"div", {D(5.0), D(2.0)}, "BINARY_OP_WRONG_TYPE"},
      {"abs", {Value::Boolean(true)}, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]"},
      {"negative", {Value::Binary("x")}, "UNEXPECTED_INPUT_TYPE"},
      {"pmod", {I(1), Value::Date(3)}, "Cannot resolve \"pmod(1,"},
  };
  for (const Bad& c : cases) {
    auto r = EvalLiterals(c.fn, c.args);
    ASSERT_FALSE(r.ok()) << c.fn;
    EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
    EXPECT_NE(std::string::npos, r.status().message().find(c.want)) << r.status();
  }
  auto r = FunctionRegistry::Builtins().Resolve("-", {Literal(I(1)), Literal(I(2)), Literal(I(3))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("WRONG_NUM_ARGS"));
}

TEST(ArithmeticTest, DatetimeOperandsGoToTheDatetimeFamily) {
  // DateTimeOperations: DATE + INT is date_add, DATE - DATE an interval of days.
  auto r = EvalLiterals("+", {Value::Date(10), I(5)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Value::Date(15), *r);
  r = EvalLiterals("-", {Value::Date(10), Value::Date(3)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(DataType::Interval(), r->type());
}

TEST(ArithmeticTest, Rendering) {
  SchemaPtr schema = MakeSchema({{"a", DataType::Int64(), true}, {"b", DataType::Int64(), true}});
  auto add =
      FunctionRegistry::Builtins().Resolve("+", {ColumnRef(*schema, 0), ColumnRef(*schema, 1)});
  ASSERT_TRUE(add.ok());
  EXPECT_EQ("(a + b)", (*add)->ToString());
  auto neg = FunctionRegistry::Builtins().Resolve("-", {ColumnRef(*schema, 0)});
  ASSERT_TRUE(neg.ok());
  EXPECT_EQ("(- a)", (*neg)->ToString());
  auto pmod =
      FunctionRegistry::Builtins().Resolve("pmod", {ColumnRef(*schema, 0), ColumnRef(*schema, 1)});
  ASSERT_TRUE(pmod.ok());
  EXPECT_EQ("pmod(a, b)", (*pmod)->ToString());
  auto div =
      FunctionRegistry::Builtins().Resolve("div", {ColumnRef(*schema, 0), ColumnRef(*schema, 1)});
  ASSERT_TRUE(div.ok());
  EXPECT_EQ("(a div b)", (*div)->ToString());
}

TEST(ArithmeticTest, ConstantFoldingReportsAnsiErrors) {
  // FoldConstants evaluates (INT_MAX + 1) once; under ANSI the overflow surfaces there.
  auto call = FunctionRegistry::Builtins().Resolve("+", {Literal(I(kIntMax)), Literal(I(1))});
  ASSERT_TRUE(call.ok());
  EvalOptions options;
  EvalContext ctx(options);
  auto folded = FoldConstants(*call, ctx);
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ(ExprKind::kLiteral, (*folded)->kind());
  options.ansi = true;
  auto failed = FoldConstants(*call, ctx);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(kIntAddOverflow, failed.status().message());
}

}  // namespace
}  // namespace weir

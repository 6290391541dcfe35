// Math functions round, bround, floor, ceil, pow, sqrt, exp, ln, log, log10, log2,
// sign and rand, with Spark 3.5's semantics. Cases cite the Spark SQL function docs
// ("docs: SELECT ...") or the Spark source they pin (mathExpressions.scala RoundBase,
// Ceil/Floor, UnaryLogExpression, Logarithm, Pow; RandomSuite; java.lang.StrictMath).

#include <cmath>
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "tests/unit/functions/arithmetic_test_util.h"

namespace weir {
namespace {

using namespace weir::testing;  // NOLINT: test helpers

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int32_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kLongMin = std::numeric_limits<int64_t>::min();

TEST(MathTest, RoundAndBround) {
  RunCases({
      {"docs: SELECT round(2.5, 0) -> 3", "round", {Dec("2.5", 2, 1), I(0)}, Dec("3", 2, 0)},
      {"docs: SELECT bround(2.5, 0) -> 2", "bround", {Dec("2.5", 2, 1), I(0)}, Dec("2", 2, 0)},
      {"docs: SELECT bround(25, -1) -> 20", "bround", {I(25), I(-1)}, I(20)},
      {"RoundBase: round(2.5D) = 3.0 (HALF_UP)", "round", {D(2.5)}, D(3.0)},
      {"RoundBase: round(-2.5D) = -3.0", "round", {D(-2.5)}, D(-3.0)},
      {"RoundBase: bround(2.5D) = 2.0 (HALF_EVEN)", "bround", {D(2.5)}, D(2.0)},
      {"RoundBase: bround(3.5D) = 4.0", "bround", {D(3.5)}, D(4.0)},
      {"RoundBase: bround(-2.5D) = -2.0", "bround", {D(-2.5)}, D(-2.0)},
      {"RoundBase: BigDecimal(1.005D) is 1.005, so round(1.005D, 2) = 1.01",
       "round",
       {D(1.005), I(2)},
       D(1.01)},
      {"RoundBase: bround(2.675D, 2) = 2.68 (the decimal 2.675, not its binary value)",
       "bround",
       {D(2.675), I(2)},
       D(2.68)},
      {"RoundBase: round(1234.5678D, -2) = 1200.0", "round", {D(1234.5678), I(-2)}, D(1200.0)},
      {"RoundBase: round(0.1D, 5) keeps 0.1", "round", {D(0.1), I(5)}, D(0.1)},
      {"RoundBase: NaN stays NaN", "round", {D(kNaN), I(2)}, D(kNaN)},
      {"RoundBase: Infinity stays Infinity", "round", {D(kInf), I(-2)}, D(kInf)},
      {"RoundBase: round(1e300D, -299) = 1e300", "round", {D(1e300), I(-299)}, D(1e300)},
      {"RoundBase: round(4.9e-324D, 400) keeps the smallest double",
       "round",
       {D(4.9e-324), I(400)},
       D(4.9e-324)},
      {"RoundBase: round(Double.MAX_VALUE, -308) = 2E+308, whose doubleValue is Infinity",
       "round",
       {D(1.7976931348623157e308), I(-308)},
       D(kInf)},
      {"RoundBase: round(1.234E-310, 312) = 1.23E-310 (subnormal)",
       "round",
       {D(1.234e-310), I(312)},
       D(1.23e-310)},
      {"RoundBase: round(-1.5E-323, 323) = -2.0E-323",
       "round",
       {D(-1.5e-323), I(323)},
       D(-2.0e-323)},
      {"RoundBase: round(125, -1) = 130 on INT", "round", {I(125), I(-1)}, I(130)},
      {"RoundBase: round(-125, -1) = -130 (HALF_UP is away from zero)",
       "round",
       {I(-125), I(-1)},
       I(-130)},
      {"RoundBase: bround(-125, -1) = -120", "bround", {I(-125), I(-1)}, I(-120)},
      {"RoundBase: round(124L, -1) = 120 on BIGINT", "round", {L(124), I(-1)}, L(120)},
      {"RoundBase: integral with scale >= 0 is unchanged", "round", {I(7), I(3)}, I(7)},
      {"RoundBase: round(7, -20) = 0", "round", {L(7), I(-20)}, L(0)},
      {"SPARK-42045: round(2147483647, -1) wraps to -2147483646; ANSI: overflow",
       "round",
       {I(kIntMax), I(-1)},
       I(-2147483646),
       "[ARITHMETIC_OVERFLOW] Overflow. If necessary set \"spark.sql.ansi.enabled\" to "
       "\"false\" to bypass this error."},
      {"SPARK-42045: round(BIGINT_MAX, -1) wraps (BigDecimal.longValue)",
       "round",
       {L(kLongMax), I(-1)},
       L(-9223372036854775806LL),
       "[ARITHMETIC_OVERFLOW] Overflow."},
      {"RoundBase.dataType: round(12.345, 2) is DECIMAL(5,2)",
       "round",
       {Dec("12.345", 5, 3), I(2)},
       Dec("12.35", 5, 2)},
      {"RoundBase.dataType: round(12.345, -1) is DECIMAL(3,0)",
       "round",
       {Dec("12.345", 5, 3), I(-1)},
       Dec("10", 3, 0)},
      {"RoundBase.dataType: round(-12.5, 0) is DECIMAL(3,0)",
       "round",
       {Dec("-12.5", 3, 1), I(0)},
       Dec("-13", 3, 0)},
      {"RoundBase.dataType: round(1.5, 3) keeps scale 1 in DECIMAL(3,1)",
       "round",
       {Dec("1.5", 2, 1), I(3)},
       Dec("1.5", 3, 1)},
      {"RoundBase.dataType: round(99.9, 0) needs one more digit: DECIMAL(3,0)",
       "round",
       {Dec("99.9", 3, 1), I(0)},
       Dec("100", 3, 0)},
      {"RoundBase.dataType: round(125.5, -5) is DECIMAL(6,0) 0",
       "round",
       {Dec("125.5", 4, 1), I(-5)},
       Dec("0", 6, 0)},
      {"ImplicitCastInputTypes: round('2.5') is DOUBLE", "round", {S("2.5")}, D(3.0)},
      {"NULL input is NULL DOUBLE", "round", {Value()}, NullDouble()},
      {"RoundBase: a NULL scale makes the result NULL", "round", {D(1.5), NullInt()}, NullDouble()},
      {"RoundBase: round(-0.4D) is 0.0", "round", {D(-0.4)}, D(0.0)},
  });
}

TEST(MathTest, RoundDecimalOverflowIsAnErrorInBothModes) {
  // RoundBase with a negative scale calls Decimal.set(BigDecimal, p, s), which throws
  // whatever spark.sql.ansi.enabled says.
  for (bool ansi : {false, true}) {
    EvalOptions options;
    options.ansi = ansi;
    auto r = EvalLiterals("round", {Dec("99999999999999999999999999999999999999", 38, 0), I(-1)},
                          options);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(std::string::npos, r.status().message().find("DECIMAL_PRECISION_EXCEEDS"));
  }
}

TEST(MathTest, RoundNegativeZeroIsPositive) {
  // BigDecimal has no negative zero: round(-0.4D) and round(-0.0D) are +0.0.
  for (double x : {-0.4, -0.0, -0.00001}) {
    auto r = EvalLiterals("round", {D(x)});
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(std::signbit(r->float64())) << x;
  }
}

TEST(MathTest, FloorAndCeil) {
  RunCases({
      {"docs: SELECT floor(-0.1) -> -1", "floor", {Dec("-0.1", 1, 1)}, Dec("-1", 1, 0)},
      {"docs: SELECT floor(5) -> 5", "floor", {I(5)}, L(5)},
      {"docs: SELECT floor(3.1411, 3) -> 3.141",
       "floor",
       {Dec("3.1411", 5, 4), I(3)},
       Dec("3.141", 5, 3)},
      {"docs: SELECT floor(3.1411, -3) -> 0",
       "floor",
       {Dec("3.1411", 5, 4), I(-3)},
       Dec("0", 4, 0)},
      {"docs: SELECT ceil(-0.1) -> 0", "ceil", {Dec("-0.1", 1, 1)}, Dec("0", 1, 0)},
      {"docs: SELECT ceil(5) -> 5", "ceil", {I(5)}, L(5)},
      {"docs: SELECT ceil(3.1411, 3) -> 3.142",
       "ceil",
       {Dec("3.1411", 5, 4), I(3)},
       Dec("3.142", 5, 3)},
      {"docs: SELECT ceil(3.1411, -3) -> 1000",
       "ceil",
       {Dec("3.1411", 5, 4), I(-3)},
       Dec("1000", 4, 0)},
      {"docs: ceiling is ceil", "ceiling", {Dec("-0.1", 1, 1)}, Dec("0", 1, 0)},
      {"Floor: DOUBLE gives BIGINT", "floor", {D(-1.5)}, L(-2)},
      {"Ceil: DOUBLE gives BIGINT", "ceil", {D(1.2)}, L(2)},
      {"Floor: (long) NaN is 0", "floor", {D(kNaN)}, L(0)},
      {"Ceil: (long) 1e20 saturates", "ceil", {D(1e20)}, L(kLongMax)},
      {"Floor: (long) -Infinity saturates", "floor", {D(-kInf)}, L(kLongMin)},
      {"Floor: BIGINT is unchanged", "floor", {L(kLongMin)}, L(kLongMin)},
      {"Ceil.dataType: DECIMAL(5,3) -> DECIMAL(3,0)",
       "ceil",
       {Dec("12.345", 5, 3)},
       Dec("13", 3, 0)},
      {"Floor.dataType: DECIMAL(5,3) -> DECIMAL(3,0)",
       "floor",
       {Dec("-12.345", 5, 3)},
       Dec("-13", 3, 0)},
      {"Floor.dataType: DECIMAL(p,0) keeps its type",
       "floor",
       {Dec("42", 38, 0)},
       Dec("42", 38, 0)},
      {"Ceil: DECIMAL(38,2) 38 digits -> DECIMAL(37,0)",
       "ceil",
       {Dec("999999999999999999999999999999999999.99", 38, 2)},
       Dec("1000000000000000000000000000000000000", 37, 0)},
      {"Floor: STRING is cast to DOUBLE", "floor", {S("2.7")}, L(2)},
      {"Floor: NULL is BIGINT NULL", "floor", {Value()}, NullLong()},
      {"RoundFloor: DOUBLE is cast to DECIMAL(30,15)", "floor", {D(2.75), I(1)}, Dec("2.7", 17, 1)},
      {"RoundCeil: INT is cast to DECIMAL(10,0)", "ceil", {I(1234), I(-2)}, Dec("1300", 11, 0)},
  });
}

TEST(MathTest, PowSqrtExp) {
  RunCases({
      {"docs: SELECT pow(2, 3) -> 8.0", "pow", {I(2), I(3)}, D(8.0)},
      {"docs: SELECT power(2, 3) -> 8.0", "power", {I(2), I(3)}, D(8.0)},
      {"StrictMath.pow: 0 ** -1 is Infinity", "pow", {I(0), I(-1)}, D(kInf)},
      {"StrictMath.pow: 1 ** NaN is NaN (C's pow gives 1)", "pow", {D(1.0), D(kNaN)}, D(kNaN)},
      {"StrictMath.pow: (-1) ** Infinity is NaN", "pow", {D(-1.0), D(kInf)}, D(kNaN)},
      {"StrictMath.pow: negative ** non-integer is NaN", "pow", {D(-8.0), D(1.0 / 3)}, D(kNaN)},
      {"StrictMath.pow: (-2) ** 3 = -8", "pow", {D(-2.0), D(3.0)}, D(-8.0)},
      {"StrictMath.pow: 1.1 ** 10 = 2.5937424601000023",
       "pow",
       {D(1.1), I(10)},
       D(2.5937424601000023)},
      {"StrictMath.pow: NaN ** 0 is 1", "pow", {D(kNaN), I(0)}, D(1.0)},
      {"pow of DECIMAL is DOUBLE", "pow", {Dec("1.5", 2, 1), I(2)}, D(2.25)},
      {"pow of NULL is NULL", "pow", {Value(), I(2)}, NullDouble()},
      {"docs: SELECT sqrt(4) -> 2.0", "sqrt", {I(4)}, D(2.0)},
      {"Math.sqrt(-1) is NaN", "sqrt", {I(-1)}, D(kNaN)},
      {"sqrt of NULL is NULL", "sqrt", {Value()}, NullDouble()},
      {"docs: SELECT exp(0) -> 1.0", "exp", {I(0)}, D(1.0)},
      {"StrictMath.exp(1) = 2.7182818284590455 (fdlibm; glibc gives 2.718281828459045)",
       "exp",
       {I(1)},
       D(2.7182818284590455)},
      {"StrictMath.exp(13.961380948493218) = 1157046.2141841818",
       "exp",
       {D(13.961380948493218)},
       D(1157046.2141841818)},
      {"exp(-Infinity) = 0", "exp", {D(-kInf)}, D(0.0)},
      {"exp(1000) overflows to Infinity", "exp", {I(1000)}, D(kInf)},
  });
}

TEST(MathTest, Logarithms) {
  RunCases({
      {"docs: SELECT ln(1) -> 0.0", "ln", {I(1)}, D(0.0)},
      {"UnaryLogExpression: ln(0) is NULL", "ln", {I(0)}, NullDouble()},
      {"UnaryLogExpression: ln(-1) is NULL, in ANSI mode too", "ln", {I(-1)}, NullDouble()},
      {"StrictMath.log(10) = 2.302585092994046", "ln", {I(10)}, D(2.302585092994046)},
      {"StrictMath.log(1.6) = 0.4700036292457356", "ln", {D(1.6)}, D(0.4700036292457356)},
      {"ln(NaN) is NaN", "ln", {D(kNaN)}, D(kNaN)},
      {"docs: SELECT log(10, 100) -> 2.0", "log", {I(10), I(100)}, D(2.0)},
      {"Logarithm: log(3, 9) = log(9)/log(3) = 2.0000000000000004",
       "log",
       {I(3), I(9)},
       D(2.0000000000000004)},
      {"Logarithm: one argument is ln", "log", {I(1)}, D(0.0)},
      {"Logarithm: base <= 0 is NULL", "log", {I(0), I(5)}, NullDouble()},
      {"Logarithm: x <= 0 is NULL", "log", {I(2), I(-1)}, NullDouble()},
      {"Logarithm: base 1 divides by log(1) = 0", "log", {I(1), I(5)}, D(kInf)},
      {"docs: SELECT log10(10) -> 1.0", "log10", {I(10)}, D(1.0)},
      {"StrictMath.log10(2) = 0.3010299956639812", "log10", {I(2)}, D(0.3010299956639812)},
      {"StrictMath.log10(0.001) = -3.0", "log10", {D(0.001)}, D(-3.0)},
      {"log10(0) is NULL", "log10", {I(0)}, NullDouble()},
      {"docs: SELECT log2(2) -> 1.0", "log2", {I(2)}, D(1.0)},
      {"Log2: log(10)/log(2) = 3.3219280948873626", "log2", {I(10)}, D(3.3219280948873626)},
      {"Log2: log2(1024) = 10.0", "log2", {I(1024)}, D(10.0)},
      {"log2(-4) is NULL", "log2", {I(-4)}, NullDouble()},
      {"log of STRING is cast to DOUBLE", "ln", {S("1")}, D(0.0)},
  });
}

TEST(MathTest, Sign) {
  RunCases({
      {"docs: SELECT sign(40) -> 1.0", "sign", {I(40)}, D(1.0)},
      {"docs: SELECT signum(40) -> 1.0", "signum", {I(40)}, D(1.0)},
      {"Math.signum(-3.5) = -1.0", "signum", {D(-3.5)}, D(-1.0)},
      {"Math.signum(0) = 0.0", "sign", {I(0)}, D(0.0)},
      {"Math.signum(NaN) = NaN", "sign", {D(kNaN)}, D(kNaN)},
      {"sign of DECIMAL is DOUBLE", "sign", {Dec("-0.5", 1, 1)}, D(-1.0)},
      {"sign of NULL is NULL", "sign", {Value()}, NullDouble()},
  });
}

TEST(MathTest, ColumnsWithNulls) {
  std::vector<Value> x = {D(2.5), NullDouble(), D(-2.5), D(0.0), D(100.0)};
  auto r = EvalMixed("round", {Col(DataType::Double(), x), Lit(I(0))});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{D(3.0), NullDouble(), D(-3.0), D(0.0), D(100.0)}), *r);
  r = EvalMixed("log", {Lit(I(10)), Col(DataType::Double(), x)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(
      (std::vector<Value>{D(0.3979400086720376), NullDouble(), NullDouble(), NullDouble(), D(2.0)}),
      *r);
  r = EvalMixed("pow", {Col(DataType::Double(), x), Col(DataType::Double(), x)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(D(1.0), (*r)[3]);  // 0 ** 0
  EXPECT_EQ(NullDouble(), (*r)[1]);
  std::vector<Value> dec = {Dec("1.25", 4, 2), NullDec(4, 2), Dec("-1.25", 4, 2)};
  r = EvalMixed("bround", {Col(DataType::DecimalUnchecked(4, 2), dec), Lit(I(1))});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{Dec("1.2", 4, 1), NullDec(4, 1), Dec("-1.2", 4, 1)}), *r);
  r = EvalMixed("ceil", {Col(DataType::DecimalUnchecked(4, 2), dec)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{Dec("2", 3, 0), NullDec(3, 0), Dec("-1", 3, 0)}), *r);
}

TEST(MathTest, ScaleMustBeAConstant) {
  SchemaPtr schema = MakeSchema({{"x", DataType::Double(), true}, {"d", DataType::Int32(), true}});
  auto r =
      FunctionRegistry::Builtins().Resolve("round", {ColumnRef(*schema, 0), ColumnRef(*schema, 1)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("NON_FOLDABLE_INPUT"));
  r = FunctionRegistry::Builtins().Resolve("ceil", {ColumnRef(*schema, 0), ColumnRef(*schema, 1)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos,
            r.status().message().find("[NON_FOLDABLE_ARGUMENT] The function `ceil`"));
  r = FunctionRegistry::Builtins().Resolve("sqrt", {Literal(Value::Boolean(true))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos,
            r.status().message().find("Parameter 1 requires the \"DOUBLE\" type, however \"true\" "
                                      "has the type \"BOOLEAN\"."));
}

// Evaluates rand(seed) over `rows` rows of one batch.
std::vector<double> RandValues(const std::vector<ExprPtr>& seed, int64_t rows, ExprPtr* call_out) {
  auto call = FunctionRegistry::Builtins().Resolve("rand", seed);
  EXPECT_TRUE(call.ok()) << call.status();
  EvalOptions options;
  EvalContext ctx(options);
  Batch batch = Batch::MakeRowsOnly(rows);
  auto col = EvaluateColumn(**call, ctx, batch);
  EXPECT_TRUE(col.ok());
  std::vector<double> out;
  for (int64_t i = 0; i < rows; ++i) out.push_back((*col)->Get<double>(i));
  if (call_out != nullptr) *call_out = *call;
  return out;
}

TEST(MathTest, RandReproducesSparkXorShiftRandom) {
  // RandomSuite: checkEvaluation(Rand(30), 0.2762195585886885).
  EXPECT_EQ(0.2762195585886885, RandValues({Literal(I(30))}, 1, nullptr)[0]);
  // docs: SELECT rand(0) -> 0.7604953758285915; SELECT rand(null) -> 0.7604953758285915.
  EXPECT_EQ(0.7604953758285915, RandValues({Literal(I(0))}, 1, nullptr)[0]);
  EXPECT_EQ(0.7604953758285915,
            RandValues({Literal(Value::Null(DataType::Int64()))}, 1, nullptr)[0]);
  EXPECT_EQ(0.7604953758285915, RandValues({Literal(Value())}, 1, nullptr)[0]);
  // RandomSuite "SPARK-9127 codegen with long seed".
  EXPECT_EQ(0.7145363364564755, RandValues({Literal(L(5419823303878592871LL))}, 1, nullptr)[0]);
  // pyspark docs: spark.range(0, 2, 1, 1).withColumn('rand', sf.rand(seed=42) * 3) gives
  // 1.8575681106759028 and 1.5288056527339444 (one partition).
  ExprPtr call;
  std::vector<double> v = RandValues({Literal(I(42))}, 2, &call);
  EXPECT_EQ(1.8575681106759028, v[0] * 3);
  EXPECT_EQ(1.5288056527339444, v[1] * 3);
  // The generator continues across batches, and is never constant-folded.
  EXPECT_FALSE(call->deterministic());
  EvalOptions options;
  EvalContext ctx(options);
  auto folded = FoldConstants(call, ctx);
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ(ExprKind::kCall, (*folded)->kind());
  std::vector<double> fresh = RandValues({Literal(I(42))}, 3, nullptr);
  auto next = EvaluateColumn(*call, ctx, Batch::MakeRowsOnly(1));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(fresh[2], (*next)->Get<double>(0));
  // Values lie in [0, 1); random is an alias; rand() draws a seed.
  for (double x : RandValues({}, 1000, nullptr)) {
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
  auto random = FunctionRegistry::Builtins().Resolve("random", {Literal(I(30))});
  ASSERT_TRUE(random.ok());
  auto rv = EvaluateColumn(**random, ctx, Batch::MakeRowsOnly(1));
  ASSERT_TRUE(rv.ok());
  EXPECT_EQ(0.2762195585886885, (*rv)->Get<double>(0));
}

TEST(MathTest, RandSeedMustBeAnIntegerConstant) {
  auto r = FunctionRegistry::Builtins().Resolve("rand", {Literal(S("a"))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("UNEXPECTED_INPUT_TYPE"));
  SchemaPtr schema = MakeSchema({{"s", DataType::Int32(), true}});
  r = FunctionRegistry::Builtins().Resolve("rand", {ColumnRef(*schema, 0)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("NON_FOLDABLE_INPUT"));
}

}  // namespace
}  // namespace weir

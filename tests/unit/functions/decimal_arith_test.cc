// The exact DECIMAL helpers: 256-bit arithmetic, rounding, and the per-row operations
// with Spark's result types. Expected values were checked against java.math.BigDecimal
// (Spark 3.5.1+ Decimal semantics: exact operation, then toPrecision HALF_UP).

#include "weir/functions/decimal_arith.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "weir/expr/coercion.h"

namespace weir::decimal {
namespace {

UInt256 U(UInt128 v) { return UInt256::FromU128(v); }

Int128 Parse(const std::string& s) {
  bool neg = s[0] == '-';
  Int128 v = 0;
  for (size_t i = neg ? 1 : 0; i < s.size(); ++i) v = v * 10 + (s[i] - '0');
  return neg ? -v : v;
}

UInt256 ShiftLeft1(const UInt256& v) {
  UInt256 r;
  for (int i = 3; i >= 0; --i) {
    r.limb[i] = v.limb[i] << 1;
    if (i > 0) r.limb[i] |= v.limb[i - 1] >> 63;
  }
  return r;
}

// Bit-by-bit long division: the reference DivMod is checked against.
void SlowDivMod(const UInt256& n, const UInt256& d, UInt256* q, UInt256* r) {
  *q = UInt256();
  *r = UInt256();
  for (int bit = 255; bit >= 0; --bit) {
    *r = ShiftLeft1(*r);
    r->limb[0] |= (n.limb[bit / 64] >> (bit % 64)) & 1;
    *q = ShiftLeft1(*q);
    if (Compare(*r, d) >= 0) {
      *r = Sub(*r, d);
      q->limb[0] |= 1;
    }
  }
}

TEST(UInt256Test, ArithmeticAndRendering) {
  UInt256 max;
  for (uint64_t& l : max.limb) l = ~uint64_t{0};
  EXPECT_EQ("115792089237316195423570985008687907853269984665640564039457584007913129639935",
            ToString(max));
  EXPECT_EQ("0", ToString(UInt256()));
  EXPECT_EQ(Pow10(77), [] {
    UInt256 v = U(1);
    EXPECT_TRUE(MulPow10(&v, 77));
    return v;
  }());
  UInt256 v = U(1);
  EXPECT_FALSE(MulPow10(&v, 78));  // 10^78 > 2^256
  // (2^128 - 1)^2 = 2^256 - 2^129 + 1.
  const UInt128 m = ~UInt128{0};
  UInt256 sq = MulU128(m, m);
  EXPECT_EQ("115792089237316195423570985008687907852589419931798687112530834793049593217025",
            ToString(sq));
  bool carry = false;
  EXPECT_EQ(U(0), Add(max, U(1), &carry));
  EXPECT_TRUE(carry);
  EXPECT_EQ(max, Sub(U(0), U(1)));  // wraps: only used with a >= b, but well defined
  EXPECT_EQ(-1, Compare(U(1), Pow10(40)));
}

TEST(UInt256Test, DivModMatchesLongDivision) {
  std::mt19937_64 rng(42);
  auto random = [&] {
    UInt256 v;
    const int limbs = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < limbs; ++i) v.limb[i] = rng();
    // Sometimes a short top limb, so that Knuth's normalization shifts.
    if (rng() % 2) v.limb[limbs - 1] >>= rng() % 64;
    return v;
  };
  for (int i = 0; i < 20000; ++i) {
    UInt256 n = random(), d = random();
    if (d.IsZero()) d = U(7);
    UInt256 q, r, sq, sr;
    DivMod(n, d, &q, &r);
    SlowDivMod(n, d, &sq, &sr);
    ASSERT_EQ(sq, q) << ToString(n) << " / " << ToString(d);
    ASSERT_EQ(sr, r) << ToString(n) << " % " << ToString(d);
  }
  // The Knuth "add back" step: a quotient digit estimated one too large.
  UInt256 n, d, q, r, sq, sr;
  n.limb[3] = 0x8000000000000000u;
  d.limb[2] = 0x8000000000000000u;
  d.limb[0] = 1;
  DivMod(n, d, &q, &r);
  SlowDivMod(n, d, &sq, &sr);
  EXPECT_EQ(sq, q);
  EXPECT_EQ(sr, r);
}

TEST(UInt256Test, DivideRoundedModes) {
  struct Case {
    UInt128 n, d;
    bool negative;
    RoundingMode mode;
    UInt128 want;
  };
  const Case cases[] = {
      {5, 2, false, RoundingMode::kHalfUp, 3},      // 2.5 -> 3
      {5, 2, false, RoundingMode::kHalfEven, 2},    // 2.5 -> 2
      {7, 2, false, RoundingMode::kHalfEven, 4},    // 3.5 -> 4
      {7, 2, true, RoundingMode::kHalfUp, 4},       // -3.5 -> -4
      {249, 100, false, RoundingMode::kHalfUp, 2},  // 2.49 -> 2
      {7, 2, true, RoundingMode::kFloor, 4},        // -3.5 -> -4
      {7, 2, false, RoundingMode::kFloor, 3},       // 3.5 -> 3
      {7, 2, true, RoundingMode::kCeiling, 3},      // -3.5 -> -3
      {7, 2, false, RoundingMode::kCeiling, 4},     // 3.5 -> 4
      {7, 2, false, RoundingMode::kDown, 3},
      {6, 2, false, RoundingMode::kCeiling, 3},  // exact: no rounding
  };
  for (const Case& c : cases) {
    EXPECT_EQ(U(c.want), DivideRounded(U(c.n), U(c.d), c.negative, c.mode))
        << static_cast<uint64_t>(c.n) << "/" << static_cast<uint64_t>(c.d);
  }
}

struct OpCase {
  const char* what;
  ArithmeticOp op;
  int p1, s1;
  const char* a;
  int p2, s2;
  const char* b;
  const char* want;  // unscaled result, "OVF" or "ZERO"
};

std::string Outcome(const DecimalBinaryPlan& plan, Int128 a, Int128 b) {
  Int128 out = 0;
  switch (Apply(plan, a, b, &out)) {
    case kDecimalOverflow:
      return "OVF";
    case kDecimalDivideByZero:
      return "ZERO";
    default:
      return Int128ToString(out);
  }
}

TEST(DecimalOpsTest, MatchBigDecimal) {
  const OpCase cases[] = {
      {"narrow add", ArithmeticOp::kAdd, 5, 2, "12345", 3, 1, "-999", "2355"},
      {"wide add, adjusted scale rounds HALF_UP", ArithmeticOp::kAdd, 38, 10, "10000000000", 38, 30,
       "500000000000000000000", "1000000001"},
      {"add overflows 38 digits", ArithmeticOp::kAdd, 38, 0,
       "99999999999999999999999999999999999999", 38, 0, "1", "OVF"},
      {"subtract to zero", ArithmeticOp::kSubtract, 38, 0, "99999999999999999999999999999999999999",
       38, 0, "99999999999999999999999999999999999999", "0"},
      {"narrow multiply", ArithmeticOp::kMultiply, 3, 2, "-150", 4, 1, "225", "-33750"},
      {"38x38 digit product rounded to DECIMAL(38,6)", ArithmeticOp::kMultiply, 38, 18,
       "1123456789012345678", 38, 18, "1000000000000000001", "1123457"},
      {"SPARK-45786: 3.5.0 rounded to 38 digits first and gave ...574764", ArithmeticOp::kMultiply,
       38, 6, "-14120025096157587712113961295153858047", 5, 4, "-4652",
       "6568635674732509803675414794505574763"},
      {"SPARK-40129: exact product rounds to ...575919", ArithmeticOp::kMultiply, 38, 10,
       "91735941859980016076428384215479932913", 38, 10, "-120000000000",
       "-110083130231976019291714061058575919"},
      {"divide HALF_UP", ArithmeticOp::kDivide, 2, 1, "20", 1, 0, "3", "666667"},
      {"divide by zero", ArithmeticOp::kDivide, 2, 1, "20", 1, 0, "0", "ZERO"},
      {"0.1 / 3 at DECIMAL(38,38)", ArithmeticOp::kDivide, 38, 38,
       "10000000000000000000000000000000000000", 38, 0, "3",
       "3333333333333333333333333333333333333"},
      {"SPARK-45786: -0.172787979 / 533704665545018957788294905796.5", ArithmeticOp::kDivide, 9, 9,
       "-172787979", 31, 1, "5337046655450189577882949057965", "-3237520"},
      {"divide overflows", ArithmeticOp::kDivide, 38, 0, "10000000000000000000000000000000000000",
       1, 1, "1", "OVF"},
      {"remainder keeps the dividend's sign", ArithmeticOp::kRemainder, 2, 1, "-75", 1, 0, "2",
       "-15"},
      {"pmod of a negative dividend", ArithmeticOp::kPmod, 2, 1, "-75", 1, 0, "2", "5"},
      {"pmod with a negative divisor keeps r", ArithmeticOp::kPmod, 2, 1, "-75", 1, 0, "-2", "-15"},
      {"pmod(-1.5, 100) = 98.5 does not fit Spark's DECIMAL(2,1)", ArithmeticOp::kPmod, 2, 1, "-15",
       3, 0, "100", "OVF"},
  };
  for (const OpCase& c : cases) {
    const DataType type = DecimalArithmeticResultType(c.op, c.p1, c.s1, c.p2, c.s2);
    const DecimalBinaryPlan plan = DecimalBinaryPlan::Make(c.op, c.p1, c.s1, c.p2, c.s2, type);
    EXPECT_EQ(c.want, Outcome(plan, Parse(c.a), Parse(c.b))) << c.what;
  }
}

TEST(DecimalOpsTest, IntegralDivide) {
  DecimalBinaryPlan plan = DecimalBinaryPlan::MakeIntegralDivide(2, 1, 1, 0);
  EXPECT_EQ(1, plan.p);  // DECIMAL(p1 - s1 + s2, 0)
  EXPECT_EQ("3", Outcome(plan, 75, 2));
  EXPECT_EQ("-3", Outcome(plan, -75, 2));
  EXPECT_EQ("ZERO", Outcome(plan, 75, 0));
  // 10^37 div 10^-38 needs 76 digits: beyond DECIMAL(38,0). (Spark's BigDecimal
  // divideToIntegralValue with 38 digits of context fails there.)
  plan = DecimalBinaryPlan::MakeIntegralDivide(38, 0, 38, 38);
  EXPECT_EQ("OVF", Outcome(plan, Parse("10000000000000000000000000000000000000"), 1));
  EXPECT_EQ("1000000000000000000000000000000000000000000000000000000000000000000000000000",
            ExactResultString(plan, Parse("10000000000000000000000000000000000000"), 1));
}

TEST(DecimalOpsTest, ExactValuesForErrorMessages) {
  DataType t = DecimalArithmeticResultType(ArithmeticOp::kAdd, 38, 0, 1, 0);
  DecimalBinaryPlan add = DecimalBinaryPlan::Make(ArithmeticOp::kAdd, 38, 0, 1, 0, t);
  EXPECT_EQ("100000000000000000000000000000000000000",
            ExactResultString(add, Parse("99999999999999999999999999999999999999"), 1));
  t = DecimalArithmeticResultType(ArithmeticOp::kDivide, 38, 0, 1, 1);
  DecimalBinaryPlan div = DecimalBinaryPlan::Make(ArithmeticOp::kDivide, 38, 0, 1, 1, t);
  EXPECT_EQ("-100000000000000000000000000000000000000.000000000000000000000000000000000000000",
            ExactResultString(div, Parse("10000000000000000000000000000000000000"), -1));
  t = DecimalArithmeticResultType(ArithmeticOp::kPmod, 2, 1, 3, 0);
  DecimalBinaryPlan pmod = DecimalBinaryPlan::Make(ArithmeticOp::kPmod, 2, 1, 3, 0, t);
  EXPECT_EQ("98.5", ExactResultString(pmod, -15, 100));
  EXPECT_EQ("-0.005", MagnitudeToString(U(5), true, 3));
  EXPECT_EQ("12.34", MagnitudeToString(U(1234), false, 2));
  EXPECT_EQ("0", MagnitudeToString(U(0), true, 0));
}

TEST(DecimalOpsTest, NullRowBitsAreHarmless) {
  // Kernels compute values for NULL rows too; any bits must be safe to feed in.
  const Int128 min = static_cast<Int128>(UInt128{1} << 127);
  const Int128 max = ~min;
  for (ArithmeticOp op : {ArithmeticOp::kAdd, ArithmeticOp::kSubtract, ArithmeticOp::kMultiply,
                          ArithmeticOp::kDivide, ArithmeticOp::kRemainder, ArithmeticOp::kPmod}) {
    const DataType t = DecimalArithmeticResultType(op, 10, 2, 10, 2);
    const DecimalBinaryPlan plan = DecimalBinaryPlan::Make(op, 10, 2, 10, 2, t);
    Int128 out;
    for (Int128 a : {min, max, Int128{0}, Int128{-1}}) {
      for (Int128 b : {min, max, Int128{0}, Int128{-1}}) (void)Apply(plan, a, b, &out);
    }
  }
}

TEST(DecimalRoundTest, RoundDecimal) {
  Int128 out = 0;
  // round(12.345, 2) HALF_UP = 12.35; HALF_EVEN of 12.345 = 12.34.
  ASSERT_TRUE(RoundDecimal(12345, 3, 2, RoundingMode::kHalfUp, 5, &out));
  EXPECT_EQ(Int128{1235}, out);
  ASSERT_TRUE(RoundDecimal(12345, 3, 2, RoundingMode::kHalfEven, 5, &out));
  EXPECT_EQ(Int128{1234}, out);
  // Negative scale: round(12.345, -1) = 10 at scale 0.
  ASSERT_TRUE(RoundDecimal(12345, 3, -1, RoundingMode::kHalfUp, 3, &out));
  EXPECT_EQ(Int128{10}, out);
  // ceil(3.1411, -3) = 1000; floor(-0.1, 0) = -1.
  ASSERT_TRUE(RoundDecimal(31411, 4, -3, RoundingMode::kCeiling, 4, &out));
  EXPECT_EQ(Int128{1000}, out);
  ASSERT_TRUE(RoundDecimal(-1, 1, 0, RoundingMode::kFloor, 1, &out));
  EXPECT_EQ(Int128{-1}, out);
  // A far negative scale: HALF_UP gives 0, CEILING of a positive value 10^100 (too big).
  ASSERT_TRUE(RoundDecimal(5, 0, -100, RoundingMode::kHalfUp, 38, &out));
  EXPECT_EQ(Int128{0}, out);
  int digits = 0;
  EXPECT_FALSE(RoundDecimal(5, 0, -100, RoundingMode::kCeiling, 38, &out, &digits));
  // Scaling up: 1.5 at scale 3 is 1500; beyond the precision it fails with the digits.
  ASSERT_TRUE(RoundDecimal(15, 1, 3, RoundingMode::kHalfUp, 4, &out));
  EXPECT_EQ(Int128{1500}, out);
  EXPECT_FALSE(RoundDecimal(Parse("99999999999999999999999999999999999999"), 0, -1,
                            RoundingMode::kHalfUp, 38, &out, &digits));
  EXPECT_EQ(39, digits);
  EXPECT_EQ(1, DigitCount(0));
  EXPECT_EQ(38, DigitCount(Parse("-99999999999999999999999999999999999999")));
}

}  // namespace
}  // namespace weir::decimal

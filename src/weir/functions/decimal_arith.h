// Exact DECIMAL arithmetic with Spark 3.5's semantics (internal to weir_functions).
//
// A DECIMAL(p, s) value is a 128-bit unscaled integer with at most 38 digits. The
// exact result of an operation can need up to 77 digits (a 38-digit by 38-digit
// product, or a dividend scaled up for division), so the slow paths compute with
// UInt256 magnitudes and a separate sign. Every operation is then rounded HALF_UP to
// the result scale and checked against the result precision, as Spark's
// Decimal.toPrecision does after the exact BigDecimal operation (Spark 3.5.1 and
// later; 3.5.0 rounded products to 38 significant digits first, SPARK-45786).
//
// Operations on types whose exact results always fit 128 bits run an inline
// fast path chosen once per call site (DecimalBinaryPlan::narrow).
//
// Every function accepts any Int128 bit pattern without undefined behaviour:
// kernels compute values for NULL rows too, and those hold arbitrary bits.
//
// Thread-safety: values and free functions.

#pragma once

#include <cstdint>
#include <string>

#include "weir/expr/coercion.h"
#include "weir/types/decimal.h"

namespace weir::decimal {

using UInt128 = unsigned __int128;

// A 256-bit unsigned integer, four 64-bit limbs, least significant first.
struct UInt256 {
  uint64_t limb[4] = {0, 0, 0, 0};

  static UInt256 FromU128(UInt128 v) {
    UInt256 r;
    r.limb[0] = static_cast<uint64_t>(v);
    r.limb[1] = static_cast<uint64_t>(v >> 64);
    return r;
  }
  bool IsZero() const { return (limb[0] | limb[1] | limb[2] | limb[3]) == 0; }
  bool FitsU128() const { return (limb[2] | limb[3]) == 0; }
  // REQUIRES: FitsU128().
  UInt128 ToU128() const { return (static_cast<UInt128>(limb[1]) << 64) | limb[0]; }
  bool IsOdd() const { return (limb[0] & 1) != 0; }

  bool operator==(const UInt256& o) const = default;
};

// -1, 0 or 1 as a <, ==, > b.
int Compare(const UInt256& a, const UInt256& b);
// a + b; *carry is set when the sum does not fit 256 bits.
UInt256 Add(const UInt256& a, const UInt256& b, bool* carry);
// a - b. REQUIRES: a >= b.
UInt256 Sub(const UInt256& a, const UInt256& b);
// The exact 256-bit product of two 128-bit values.
UInt256 MulU128(UInt128 a, UInt128 b);
// *v *= 10^n; returns false (leaving *v unspecified) when the product needs more than
// 256 bits. REQUIRES: n >= 0.
bool MulPow10(UInt256* v, int n);
// 10^n as a UInt256. REQUIRES: 0 <= n <= 77 (10^77 is the largest power that fits).
UInt256 Pow10(int n);
inline constexpr int kMaxPow10 = 77;
// Truncating division: *q = n / d, *r = n % d. REQUIRES: d != 0.
void DivMod(const UInt256& n, const UInt256& d, UInt256* q, UInt256* r);
// Decimal digits, e.g. "0",
// "115792089237316195423570985008687907853269984665640564039457584007913129639935".
std::string ToString(const UInt256& v);

// Rounding modes of java.math.RoundingMode that Spark uses.
enum class RoundingMode : uint8_t { kHalfUp, kHalfEven, kFloor, kCeiling, kDown };

// The magnitude of n / d rounded by `mode`, for an exact quotient whose sign is
// `negative` (FLOOR and CEILING depend on it). REQUIRES: d != 0.
UInt256 DivideRounded(const UInt256& n, const UInt256& d, bool negative, RoundingMode mode);

inline UInt128 Magnitude(Int128 v) {
  return v < 0 ? UInt128{0} - static_cast<UInt128>(v) : static_cast<UInt128>(v);
}
// The Int128 with magnitude m and the given sign. REQUIRES: m < 2^127.
inline Int128 WithSign(UInt128 m, bool negative) {
  return static_cast<Int128>(negative ? UInt128{0} - m : m);
}

// Outcome of one decimal operation on one row: a value, or why there is none.
enum DecimalStatus : uint8_t { kDecimalOk = 0, kDecimalOverflow = 1, kDecimalDivideByZero = 2 };

// The plan of one binary DECIMAL operation, DECIMAL(p1,s1) op DECIMAL(p2,s2) ->
// DECIMAL(p,s), made once when a call is resolved. `op` kPmod is Spark's pmod;
// integral division (`div`) is planned with MakeIntegralDivide.
struct DecimalBinaryPlan {
  ArithmeticOp op = ArithmeticOp::kAdd;
  bool integral_divide = false;
  int p1 = 0, s1 = 0, p2 = 0, s2 = 0;
  int p = 0, s = 0;
  // Add, subtract, remainder, pmod, div: operands aligned to scale max(s1, s2).
  int align_scale = 0;
  // True when every intermediate value of valid inputs fits 127 bits and the result
  // needs no rounding or precision check: the inline fast path applies.
  bool narrow = false;
  Int128 mul1 = 1, mul2 = 1;  // 10^(align_scale - s1), 10^(align_scale - s2) when narrow

  // `result` is the type Spark gives the operation (DecimalArithmeticResultType).
  static DecimalBinaryPlan Make(ArithmeticOp op, int p1, int s1, int p2, int s2,
                                const DataType& result);
  // a div b on decimals: an integer quotient checked against DECIMAL(max(1, p1 - s1 +
  // s2), 0) bounded to 38 digits, as Spark's IntegralDivide does.
  static DecimalBinaryPlan MakeIntegralDivide(int p1, int s1, int p2, int s2);
};

// a op b per the plan: kDecimalOk with *out set, kDecimalOverflow when the rounded
// result does not fit DECIMAL(p, s), kDecimalDivideByZero for / % pmod div by zero.
uint8_t ApplyWide(const DecimalBinaryPlan& plan, Int128 a, Int128 b, Int128* out);

inline uint8_t Apply(const DecimalBinaryPlan& plan, Int128 a, Int128 b, Int128* out) {
  if (plan.narrow) {
    // Unsigned arithmetic: exact for valid inputs (the plan guarantees no overflow),
    // and free of undefined behaviour for the arbitrary bits of NULL rows.
    const UInt128 x = static_cast<UInt128>(a) * static_cast<UInt128>(plan.mul1);
    const UInt128 y = static_cast<UInt128>(b) * static_cast<UInt128>(plan.mul2);
    switch (plan.op) {
      case ArithmeticOp::kAdd:
        *out = static_cast<Int128>(x + y);
        return kDecimalOk;
      case ArithmeticOp::kSubtract:
        *out = static_cast<Int128>(x - y);
        return kDecimalOk;
      case ArithmeticOp::kMultiply:
        *out = static_cast<Int128>(static_cast<UInt128>(a) * static_cast<UInt128>(b));
        return kDecimalOk;
      default:
        break;
    }
  }
  return ApplyWide(plan, a, b, out);
}

// The exact value Spark names in [NUMERIC_VALUE_OUT_OF_RANGE] for a op b: the exact
// sum, difference or product; the quotient truncated to 39 fraction digits; the
// integer quotient of div. REQUIRES: b != 0 for division-like operations.
std::string ExactResultString(const DecimalBinaryPlan& plan, Int128 a, Int128 b);

// Renders a signed magnitude with `scale` fraction digits, as BigDecimal.toPlainString.
std::string MagnitudeToString(const UInt256& m, bool negative, int scale);

// Rounds `v` (scale `from`) to `to` fraction digits by `mode`, as BigDecimal.setScale;
// a negative `to` rounds to a multiple of 10^-to. The result is an unscaled value at
// scale max(to, 0). Returns false when it needs more than `precision` digits, with
// *digits (if not null) set to the digits it needs.
bool RoundDecimal(Int128 v, int from, int to, RoundingMode mode, int precision, Int128* out,
                  int* digits = nullptr);

// The number of decimal digits of |v| (1 for 0).
int DigitCount(Int128 v);

}  // namespace weir::decimal

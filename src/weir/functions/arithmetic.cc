// Arithmetic operators with Spark 3.5's semantics: + - * / % (mod) div pmod, and the
// unary negative (also "-" with one argument), positive (also "+") and abs.
//
// Resolution follows Spark's coercion rules (PromoteStrings, DecimalPrecision,
// Division, IntegralDivision, ImplicitTypeCasts): a STRING operand becomes DOUBLE
// (ANSI: BIGINT next to an integral, the other side's type otherwise); an integral
// next to a DECIMAL becomes DECIMAL(10,0)/DECIMAL(20,0), or the smallest decimal that
// holds it when it is a literal; DECIMAL next to DOUBLE becomes DOUBLE; `/` on
// anything but two decimals is DOUBLE division; `div` works on BIGINT or DECIMAL and
// returns BIGINT. Decimal result types come from DecimalArithmeticResultType.
//
// Evaluation: integral overflow wraps as in Java (ANSI: [ARITHMETIC_OVERFLOW]);
// division, remainder, pmod and div by zero give NULL (ANSI: [DIVIDE_BY_ZERO]);
// decimal results are exact, rounded HALF_UP to the result scale, and NULL when they
// do not fit its precision (ANSI: [NUMERIC_VALUE_OUT_OF_RANGE]). + and - with a DATE,
// TIMESTAMP or INTERVAL operand are the datetime family's (datetime_arith.h); other
// non-numeric operands are a DATATYPE_MISMATCH.

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "weir/common/cpu.h"
#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/arithmetic_internal.h"
#include "weir/functions/builtins.h"
#include "weir/functions/datetime_arith.h"
#include "weir/functions/decimal_arith.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {

using arith::FailCode;
using kernels::MapBinary;
using kernels::MapUnary;

enum class BinOp : uint8_t { kAdd, kSubtract, kMultiply, kDivide, kRemainder, kPmod, kDiv };

const char* Symbol(BinOp op) {
  switch (op) {
    case BinOp::kAdd:
      return "+";
    case BinOp::kSubtract:
      return "-";
    case BinOp::kMultiply:
      return "*";
    case BinOp::kDivide:
      return "/";
    case BinOp::kRemainder:
      return "%";
    case BinOp::kPmod:
      return "pmod";
    case BinOp::kDiv:
      return "div";
  }
  return "?";
}

ArithmeticOp DecimalOp(BinOp op) {
  switch (op) {
    case BinOp::kAdd:
      return ArithmeticOp::kAdd;
    case BinOp::kSubtract:
      return ArithmeticOp::kSubtract;
    case BinOp::kMultiply:
      return ArithmeticOp::kMultiply;
    case BinOp::kDivide:
    case BinOp::kDiv:
      return ArithmeticOp::kDivide;
    case BinOp::kRemainder:
      return ArithmeticOp::kRemainder;
    case BinOp::kPmod:
      return ArithmeticOp::kPmod;
  }
  return ArithmeticOp::kAdd;
}

// The input types Spark's operators declare, as its error messages print them.
const char* RequiredTypes(BinOp op) {
  switch (op) {
    case BinOp::kAdd:
    case BinOp::kSubtract:
      return "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or "
             "\"INTERVAL\")";
    case BinOp::kDivide:
      return "(\"DOUBLE\" or \"DECIMAL\")";
    case BinOp::kDiv:
      return "(\"BIGINT\" or \"DECIMAL\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL DAY TO "
             "SECOND\")";
    default:
      return "\"NUMERIC\"";
  }
}

bool IsIntegral(const DataType& t) { return t.id() == TypeId::kInt32 || t.id() == TypeId::kInt64; }
bool IsDecimal(const DataType& t) { return t.id() == TypeId::kDecimal; }

// A resolved binary operation: what the kernel needs.
struct BinarySpec {
  BinOp op;
  TypeId operand;  // kInt32, kInt64, kDouble or kDecimal (both sides, after coercion)
  DataType result;
  decimal::DecimalBinaryPlan plan;  // DECIMAL operands only
};

// ---------------------------------------------------------------------------------------
// Kernels.

// + - * on INT or BIGINT: Java's wrapping arithmetic, or Math.*Exact under ANSI.
template <typename T>
Result<Datum> IntegralAddSubMul(BinOp op, bool ansi, const DataType& type, const Datum& a,
                                const Datum& b, const RowSet& rows) {
  using U = std::make_unsigned_t<T>;
  constexpr int kSignShift = static_cast<int>(sizeof(T) * 8 - 1);
  const char* overflow = sizeof(T) == 4 ? "integer overflow" : "long overflow";
  auto overflow_error = [overflow](const char* hint) {
    return [overflow, hint](T, T, uint8_t) { return arith::ArithmeticOverflow(overflow, hint); };
  };
  switch (op) {
    case BinOp::kAdd:
      if (!ansi) {
        return MapBinary<T, T, T>(type, a, b, rows,
                                  [](T x, T y) { return static_cast<T>(U(x) + U(y)); });
      }
      // The sign test vectorizes; __builtin_add_overflow does not (GCC 12).
      return arith::MapBinaryFallible<T, T, T>(
          type, a, b, rows,
          [](T x, T y, T* o) -> uint8_t {
            const U r = U(x) + U(y);
            *o = static_cast<T>(r);
            // Overflow iff the result's sign differs from both operands' signs.
            return static_cast<uint8_t>(((U(x) ^ r) & (U(y) ^ r)) >> kSignShift);
          },
          overflow_error("try_add"));
    case BinOp::kSubtract:
      if (!ansi) {
        return MapBinary<T, T, T>(type, a, b, rows,
                                  [](T x, T y) { return static_cast<T>(U(x) - U(y)); });
      }
      return arith::MapBinaryFallible<T, T, T>(
          type, a, b, rows,
          [](T x, T y, T* o) -> uint8_t {
            const U r = U(x) - U(y);
            *o = static_cast<T>(r);
            // Overflow iff the operands' signs differ and the result's differs from x's.
            return static_cast<uint8_t>(((U(x) ^ U(y)) & (U(x) ^ r)) >> kSignShift);
          },
          overflow_error("try_subtract"));
    case BinOp::kMultiply:
      if (!ansi) {
        return MapBinary<T, T, T>(type, a, b, rows,
                                  [](T x, T y) { return static_cast<T>(U(x) * U(y)); });
      }
      return arith::MapBinaryFallible<T, T, T>(
          type, a, b, rows,
          [](T x, T y, T* o) -> uint8_t { return __builtin_mul_overflow(x, y, o) ? 1 : 0; },
          overflow_error("try_multiply"));
    default:
      break;
  }
  return Status::Internal(std::string("no integral kernel for ") + Symbol(op));
}

// The remainder of a division by one divisor fixed for a whole column (`x % 123`),
// without a hardware division per row: a 64-bit divide takes tens of cycles, a
// multiply by a precomputed reciprocal a few. Java's % has the dividend's sign and
// |d|'s magnitude: x % d == sign(x) * (|x| mod |d|), so only magnitudes are divided.
// A magnitude below 2^63 (every one but Long.MIN_VALUE's) is divided by
// Granlund and Montgomery's method ("Division by invariant integers using
// multiplication", 1994, theorem 4.2 with N = 63): with l = ceil(log2 |d|) and
// m = ceil(2^(63+l) / |d|), which fits in 64 bits, floor(n / |d|) equals
// floor(m * n / 2^(63+l)), the high word of m * n shifted right by l - 1.
//
// Thread-safety: immutable after construction.
class ConstantDivisor {
 public:
  // REQUIRES: d != 0.
  explicit ConstantDivisor(int64_t d)
      : ad_(d < 0 ? uint64_t{0} - static_cast<uint64_t>(d) : static_cast<uint64_t>(d)) {
    if (ad_ == 1) return;  // every remainder is 0
    int l = 0;
    while ((uint64_t{1} << l) < ad_) ++l;  // ad_ <= 2^63, so l <= 63
    const unsigned __int128 two = static_cast<unsigned __int128>(1) << (63 + l);
    m_ = static_cast<uint64_t>((two + ad_ - 1) / ad_);
    shift_ = l - 1;
  }

  // Java's x % d (0 for d = -1, also for Long.MIN_VALUE). Inline, branch-free but for
  // Long.MIN_VALUE, so that a loop over a column keeps the constants in registers.
  int64_t Remainder(int64_t x) const {
    if (ad_ == 1) return 0;
    const uint64_t sign = static_cast<uint64_t>(x >> 63);  // all ones when negative
    const uint64_t mag = (static_cast<uint64_t>(x) ^ sign) - sign;
    uint64_t r;
    if (mag >> 63 != 0) [[unlikely]] {
      r = mag % ad_;  // Long.MIN_VALUE: 2^63 needs the 64-bit method
    } else {
      const auto high = static_cast<uint64_t>((static_cast<unsigned __int128>(m_) * mag) >> 64);
      r = mag - (high >> shift_) * ad_;
    }
    return static_cast<int64_t>((r ^ sign) - sign);
  }

 private:
  uint64_t ad_;  // |d|
  uint64_t m_ = 0;
  int shift_ = 0;
};

// Dividends and divisors below 2^31 (ids, counters, the usual `x % 123`) take a
// narrower form of the same method that vector units can run: with l = ceil(log2 d)
// and m = ceil(2^(31+l) / d) < 2^32, floor(x / d) = (x * m) >> (31 + l) (theorem 4.2
// with N = 31), and x * m < 2^63. AVX2 multiplies four such pairs at once (vpmuludq);
// the 64-bit method's 128-bit products have no vector form.
struct SmallDivisor {
  uint64_t d;
  uint64_t m;
  uint64_t shift;
};

// REQUIRES: 2 <= d < 2^31.
SmallDivisor MakeSmallDivisor(uint64_t d) {
  int l = 0;
  while ((uint64_t{1} << l) < d) ++l;
  const uint64_t two = uint64_t{1} << (31 + l);
  return SmallDivisor{d, (two + d - 1) / d, static_cast<uint64_t>(31 + l)};
}

// Whether every x[i] lies in [0, 2^31), and if so out[i] = x[i] % d for every i.
template <typename T>
__attribute__((target("avx2"))) bool SmallRemaindersAvx2(const T* __restrict x, int64_t n,
                                                         SmallDivisor d, T* __restrict out) {
  uint64_t bits = 0;
  for (int64_t i = 0; i < n; ++i) bits |= static_cast<uint64_t>(static_cast<int64_t>(x[i]));
  if (bits >> 31 != 0) return false;
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t v = static_cast<uint32_t>(x[i]);
    const uint64_t q = static_cast<uint32_t>((v * d.m) >> d.shift);
    out[i] = static_cast<T>(v - q * d.d);
  }
  return true;
}

// Whether every x[i] lies in [0, 2^31), and if so out[i] = (x[i] % d == k) != negate
// for every i: the remainder and the comparison in one pass, without the remainder
// column (out is written either way).
template <typename T>
__attribute__((target("avx2"))) bool SmallRemainderEqualsAvx2(const T* __restrict x, int64_t n,
                                                              SmallDivisor d, uint64_t k,
                                                              uint8_t negate,
                                                              uint8_t* __restrict out) {
  uint64_t bits = 0;
  for (int64_t i = 0; i < n; ++i) {
    bits |= static_cast<uint64_t>(static_cast<int64_t>(x[i]));
    const uint64_t v = static_cast<uint32_t>(x[i]);
    const uint64_t q = static_cast<uint32_t>((v * d.m) >> d.shift);
    out[i] = static_cast<uint8_t>((v - q * d.d == k) ^ negate);
  }
  return bits >> 31 == 0;
}

template <typename T>
std::optional<Datum> RemainderEqualsConstantOf(const Datum& x, const Datum& d, const Datum& k,
                                               bool negate, const RowSet& rows) {
  const T y = kernels::ValuesOf<T>(d)[0];
  const uint64_t ad = y < 0 ? uint64_t{0} - static_cast<uint64_t>(static_cast<int64_t>(y))
                            : static_cast<uint64_t>(y);
  if (ad < 2 || ad >= (uint64_t{1} << 31)) return std::nullopt;
  FixedResult<uint8_t> out(DataType::Boolean(), rows);
  const Datum args[1] = {x};
  out.validity().InitFromArgs(args, 1, rows);
  // A negative k never equals a remainder of a non-negative dividend; as an unsigned
  // number it is above every remainder, so the comparison says the same.
  const auto kk = static_cast<uint64_t>(static_cast<int64_t>(kernels::ValuesOf<T>(k)[0]));
  if (!SmallRemainderEqualsAvx2<T>(kernels::ValuesOf<T>(x), rows.size(), MakeSmallDivisor(ad), kk,
                                   negate ? 1 : 0, out.values())) {
    return std::nullopt;
  }
  return out.Finish();
}

// % and pmod of a column by a non-NULL, nonzero constant over every row: no row can
// fail, and ConstantDivisor replaces the division. nullopt when that is not the case.
template <typename T>
std::optional<Datum> RemainderByConstant(BinOp op, const DataType& type, const Datum& a,
                                         const Datum& b, const RowSet& rows) {
  if ((op != BinOp::kRemainder && op != BinOp::kPmod) || !rows.is_all() || a.is_constant() ||
      !b.is_constant() || b.IsNull(0)) {
    return std::nullopt;
  }
  using U = std::make_unsigned_t<T>;
  const T y = kernels::ValuesOf<T>(b)[0];
  if (y == 0) return std::nullopt;
  FixedResult<T> out(type, rows);
  const Datum args[2] = {a, b};
  out.validity().InitFromArgs(args, 2, rows);
  T* o = out.values();
  const T* x = kernels::ValuesOf<T>(a);
  const int64_t n = rows.size();
  const uint64_t ad = y < 0 ? uint64_t{0} - static_cast<uint64_t>(static_cast<int64_t>(y))
                            : static_cast<uint64_t>(y);
  // Non-negative dividends: % and pmod agree, and the sign of y does not matter.
  if (ad >= 2 && ad < (uint64_t{1} << 31) && CpuHasAvx2() &&
      SmallRemaindersAvx2<T>(x, n, MakeSmallDivisor(ad), o)) {
    return out.Finish();
  }
  // A local copy: through a reference or a captured object the compiler reloads the
  // constants after every store to `o`.
  const ConstantDivisor d(y);
  if (op == BinOp::kRemainder) {
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(d.Remainder(x[i]));
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const T r = static_cast<T>(d.Remainder(x[i]));
      // Spark: r < 0 ? (r + n) % n : r, with Java's wrapping addition.
      o[i] = r < 0 ? static_cast<T>(d.Remainder(static_cast<T>(U(r) + U(y)))) : r;
    }
  }
  return out.Finish();
}

// % pmod div on INT or BIGINT: NULL (ANSI: an error) for a zero divisor, and Java's
// results where C++ has undefined behaviour (MIN_VALUE % -1, MIN_VALUE / -1).
template <typename T>
Result<Datum> IntegralDivision(BinOp op, bool ansi, const DataType& type, const Datum& a,
                               const Datum& b, const RowSet& rows) {
  using U = std::make_unsigned_t<T>;
  if (std::optional<Datum> fast = RemainderByConstant<T>(op, type, a, b, rows)) {
    return std::move(*fast);
  }
  // Division by zero and div's Long.MinValue / -1 (the only failures of / % pmod div).
  auto division_failure = [ansi](T, T, uint8_t code) {
    if (!ansi) return Status::OK();
    if (code == arith::kDivideByZero) return arith::DivideByZero();
    return arith::ArithmeticOverflow("Overflow in integral divide", "try_divide");
  };
  switch (op) {
    case BinOp::kRemainder:
      return arith::MapBinaryFallible<T, T, T>(
          type, a, b, rows,
          [](T x, T y, T* o) -> uint8_t {
            if (y == 0) return arith::kDivideByZero;
            *o = y == -1 ? 0 : x % y;  // Java: MIN_VALUE % -1 == 0 (UB in C++)
            return arith::kOk;
          },
          division_failure);
    case BinOp::kPmod:
      return arith::MapBinaryFallible<T, T, T>(
          type, a, b, rows,
          [](T x, T y, T* o) -> uint8_t {
            if (y == 0) return arith::kDivideByZero;
            if (y == -1) {
              *o = 0;
              return arith::kOk;
            }
            const T r = x % y;
            // Spark: r < 0 ? (r + n) % n : r, with Java's wrapping addition.
            *o = r < 0 ? static_cast<T>(static_cast<T>(U(r) + U(y)) % y) : r;
            return arith::kOk;
          },
          division_failure);
    case BinOp::kDiv:
      if constexpr (std::is_same_v<T, int64_t>) {
        return arith::MapBinaryFallible<T, T, T>(
            type, a, b, rows,
            [ansi](T x, T y, T* o) -> uint8_t {
              if (y == 0) return arith::kDivideByZero;
              if (y == -1) {
                // Long.MinValue div -1 wraps to Long.MinValue; ANSI reports it.
                if (ansi && x == std::numeric_limits<T>::min()) return arith::kOverflow;
                *o = static_cast<T>(U(0) - U(x));
                return arith::kOk;
              }
              *o = x / y;
              return arith::kOk;
            },
            division_failure);
      }
      break;
    default:
      break;  // integral operands of / are cast to DOUBLE
  }
  return Status::Internal(std::string("no integral kernel for ") + Symbol(op));
}

template <typename T>
Result<Datum> IntegralKernel(BinOp op, bool ansi, const DataType& type, const Datum& a,
                             const Datum& b, const RowSet& rows) {
  if (op == BinOp::kAdd || op == BinOp::kSubtract || op == BinOp::kMultiply) {
    return IntegralAddSubMul<T>(op, ansi, type, a, b, rows);
  }
  return IntegralDivision<T>(op, ansi, type, a, b, rows);
}

Result<Datum> DoubleKernel(BinOp op, bool ansi, const DataType& type, const Datum& a,
                           const Datum& b, const RowSet& rows) {
  auto on_zero = [ansi](double, double, uint8_t) {
    return ansi ? arith::DivideByZero() : Status::OK();
  };
  switch (op) {
    case BinOp::kAdd:
      return MapBinary<double, double, double>(type, a, b, rows,
                                               [](double x, double y) { return x + y; });
    case BinOp::kSubtract:
      return MapBinary<double, double, double>(type, a, b, rows,
                                               [](double x, double y) { return x - y; });
    case BinOp::kMultiply:
      return MapBinary<double, double, double>(type, a, b, rows,
                                               [](double x, double y) { return x * y; });
    case BinOp::kDivide:
      return arith::MapBinaryFallible<double, double, double>(
          type, a, b, rows,
          [](double x, double y, double* o) -> uint8_t {
            *o = x / y;
            return y == 0.0 ? arith::kDivideByZero : arith::kOk;
          },
          on_zero);
    case BinOp::kRemainder:
      return arith::MapBinaryFallible<double, double, double>(
          type, a, b, rows,
          [](double x, double y, double* o) -> uint8_t {
            if (y == 0.0) return arith::kDivideByZero;
            *o = std::fmod(x, y);  // Java's % on doubles truncates, as fmod does
            return arith::kOk;
          },
          on_zero);
    case BinOp::kPmod:
      return arith::MapBinaryFallible<double, double, double>(
          type, a, b, rows,
          [](double x, double y, double* o) -> uint8_t {
            if (y == 0.0) return arith::kDivideByZero;
            const double r = std::fmod(x, y);
            *o = r < 0 ? std::fmod(r + y, y) : r;
            return arith::kOk;
          },
          on_zero);
    case BinOp::kDiv:
      break;  // refused at resolution
  }
  return Status::Internal(std::string("no DOUBLE kernel for ") + Symbol(op));
}

Result<Datum> DecimalKernel(const BinarySpec& spec, bool ansi, const Datum& a, const Datum& b,
                            const RowSet& rows) {
  const decimal::DecimalBinaryPlan& plan = spec.plan;
  if (plan.narrow) {
    // Exact in 128 bits and always within the result precision: plain loops.
    const decimal::UInt128 m1 = static_cast<decimal::UInt128>(plan.mul1);
    const decimal::UInt128 m2 = static_cast<decimal::UInt128>(plan.mul2);
    switch (plan.op) {
      case ArithmeticOp::kAdd:
        return MapBinary<Int128, Int128, Int128>(
            spec.result, a, b, rows, [m1, m2](Int128 x, Int128 y) {
              return static_cast<Int128>(decimal::UInt128(x) * m1 + decimal::UInt128(y) * m2);
            });
      case ArithmeticOp::kSubtract:
        return MapBinary<Int128, Int128, Int128>(
            spec.result, a, b, rows, [m1, m2](Int128 x, Int128 y) {
              return static_cast<Int128>(decimal::UInt128(x) * m1 - decimal::UInt128(y) * m2);
            });
      case ArithmeticOp::kMultiply:
        return MapBinary<Int128, Int128, Int128>(spec.result, a, b, rows, [](Int128 x, Int128 y) {
          return static_cast<Int128>(decimal::UInt128(x) * decimal::UInt128(y));
        });
      default:
        break;
    }
  }
  auto on_fail = [&plan, ansi](Int128 x, Int128 y, uint8_t code) {
    if (!ansi) return Status::OK();
    if (code == decimal::kDecimalDivideByZero) return arith::DivideByZero();
    return arith::NumericValueOutOfRange(decimal::ExactResultString(plan, x, y), plan.p, plan.s);
  };
  if (plan.integral_divide) {
    return arith::MapBinaryFallible<Int128, Int128, int64_t>(
        spec.result, a, b, rows,
        [&plan](Int128 x, Int128 y, int64_t* o) -> uint8_t {
          Int128 q = 0;
          const uint8_t code = decimal::ApplyWide(plan, x, y, &q);
          *o = static_cast<int64_t>(static_cast<uint64_t>(q));  // Decimal.toLong wraps
          return code;
        },
        on_fail);
  }
  return arith::MapBinaryFallible<Int128, Int128, Int128>(
      spec.result, a, b, rows,
      [&plan](Int128 x, Int128 y, Int128* o) -> uint8_t {
        return decimal::ApplyWide(plan, x, y, o);
      },
      on_fail);
}

Result<Datum> EvalBinary(const BinarySpec& spec, EvalContext& ctx, const Datum& a, const Datum& b,
                         const RowSet& rows) {
  const bool ansi = ctx.ansi();
  switch (spec.operand) {
    case TypeId::kInt32:
      return IntegralKernel<int32_t>(spec.op, ansi, spec.result, a, b, rows);
    case TypeId::kInt64:
      return IntegralKernel<int64_t>(spec.op, ansi, spec.result, a, b, rows);
    case TypeId::kDouble:
      return DoubleKernel(spec.op, ansi, spec.result, a, b, rows);
    case TypeId::kDecimal:
      return DecimalKernel(spec, ansi, a, b, rows);
    default:
      break;
  }
  return Status::Internal("no arithmetic kernel for " + spec.result.ToString());
}

// ---------------------------------------------------------------------------------------
// Resolution.

Status OperandMismatch(BinOp op, const std::string& call, const DataType& l, const DataType& r) {
  if (l != r) {
    return DataTypeMismatch("BINARY_OP_DIFF_TYPES", call,
                            "the left and right operands of the binary operator have "
                            "incompatible types (" +
                                QuoteType(l) + " and " + QuoteType(r) + ").");
  }
  return DataTypeMismatch("BINARY_OP_WRONG_TYPE", call,
                          "the binary operator requires the input type " +
                              std::string(RequiredTypes(op)) + ", not " + QuoteType(l) + ".");
}

// PromoteStrings: the type a STRING operand next to `other` becomes.
DataType StringTarget(const DataType& other, bool ansi) {
  if (!ansi) return DataType::Double();
  // AnsiTypeCoercion.findWiderTypeForString.
  if (IsIntegral(other)) return DataType::Int64();
  if (IsDecimal(other)) return other;
  return DataType::Double();
}

// The decimal type an integral operand next to a DECIMAL becomes (DecimalPrecision):
// the smallest one holding an integer literal, else DECIMAL(10,0) / DECIMAL(20,0).
DataType IntegralAsDecimal(const ExprPtr& e) {
  if (e->kind() == ExprKind::kLiteral) {
    const Value& v = static_cast<const LiteralExpr&>(*e).value();
    if (!v.is_null()) {
      return DecimalForLiteral(v.type().id() == TypeId::kInt32 ? v.int32() : v.int64());
    }
  }
  return DecimalForType(e->type());
}

// The operand type both sides are cast to, by Spark's rules, or a DATATYPE_MISMATCH.
// Decimal operands keep their own precision and scale: *left_type and *right_type.
Status CoerceOperands(BinOp op, const ExprPtr& l, const ExprPtr& r, bool ansi,
                      const std::string& call, DataType* left_type, DataType* right_type) {
  DataType lt = l->type();
  DataType rt = r->type();
  if (lt.id() == TypeId::kString) lt = StringTarget(rt, ansi);
  if (rt.id() == TypeId::kString) rt = StringTarget(l->type(), ansi);
  auto numeric_or_null = [](const DataType& t) { return t.is_numeric() || t.is_null(); };
  if (!numeric_or_null(lt) || !numeric_or_null(rt)) return OperandMismatch(op, call, lt, rt);
  // DecimalPrecision: integral with DECIMAL, DECIMAL with DOUBLE, DECIMAL with NULL.
  if (IsDecimal(lt) && IsIntegral(rt)) rt = IntegralAsDecimal(r);
  if (IsDecimal(rt) && IsIntegral(lt)) lt = IntegralAsDecimal(l);
  if ((IsDecimal(lt) && rt.id() == TypeId::kDouble) ||
      (IsDecimal(rt) && lt.id() == TypeId::kDouble)) {
    lt = rt = DataType::Double();
  }
  if (IsDecimal(lt) && rt.is_null()) rt = lt;
  if (IsDecimal(rt) && lt.is_null()) lt = rt;
  if (IsDecimal(lt) && IsDecimal(rt)) {
    *left_type = lt;
    *right_type = rt;
    return Status::OK();
  }
  if (op == BinOp::kDivide) {
    lt = rt = DataType::Double();  // Division: `/` is fractional division
  } else if (op == BinOp::kDiv) {
    // IntegralDivision: INT becomes BIGINT; DOUBLE is not accepted.
    auto as_long = [](const DataType& t) {
      return t.id() == TypeId::kInt32 || t.is_null() ? DataType::Int64() : t;
    };
    lt = as_long(lt);
    rt = as_long(rt);
    if (lt != rt || lt.id() != TypeId::kInt64) return OperandMismatch(op, call, lt, rt);
  }
  std::optional<DataType> common = TightestCommonType(lt, rt);
  if (!common) return OperandMismatch(op, call, lt, rt);
  if (common->is_null()) common = DataType::Double();  // NumericType's default
  *left_type = *right_type = *common;
  return Status::OK();
}

bool IsDatetimeOrInterval(const DataType& t) {
  return t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp || t.id() == TypeId::kInterval;
}

Result<ExprPtr> ResolveBinary(BinOp op, std::vector<ExprPtr> args, const ResolveOptions& options) {
  if ((op == BinOp::kAdd || op == BinOp::kSubtract) &&
      (IsDatetimeOrInterval(args[0]->type()) || IsDatetimeOrInterval(args[1]->type()))) {
    // DateTimeOperations: DATE/TIMESTAMP/INTERVAL + and - (datetime_arith.h).
    Result<ExprPtr> datetime = ResolveDatetimeArithmetic(Symbol(op), args, options);
    if (datetime.ok() || datetime.status().code() != StatusCode::kNotFound) return datetime;
  }
  const ExprPtr& l = args[0];
  const ExprPtr& r = args[1];
  const std::string call = op == BinOp::kPmod
                               ? DescribeCall("pmod", args)
                               : "(" + l->ToString() + " " + Symbol(op) + " " + r->ToString() + ")";
  DataType lt, rt;
  RETURN_NOT_OK(CoerceOperands(op, l, r, options.ansi, call, &lt, &rt));
  BinarySpec spec{op, lt.id(), lt, {}};
  if (op == BinOp::kDiv) {
    spec.result = DataType::Int64();
    if (IsDecimal(lt)) {
      spec.plan = decimal::DecimalBinaryPlan::MakeIntegralDivide(lt.precision(), lt.scale(),
                                                                 rt.precision(), rt.scale());
    }
  } else if (IsDecimal(lt)) {
    spec.result = DecimalArithmeticResultType(DecimalOp(op), lt.precision(), lt.scale(),
                                              rt.precision(), rt.scale());
    spec.plan = decimal::DecimalBinaryPlan::Make(DecimalOp(op), lt.precision(), lt.scale(),
                                                 rt.precision(), rt.scale(), spec.result);
  }
  ASSIGN_OR_RAISE(ExprPtr lc, Cast(l, lt));
  ASSIGN_OR_RAISE(ExprPtr rc, Cast(r, rt));
  kernels::LambdaFunction::Fn fn = [spec](EvalContext& ctx, const std::vector<Datum>& a,
                                          const RowSet& rows) {
    return EvalBinary(spec, ctx, a[0], a[1], rows);
  };
  ScalarFunctionPtr f;
  if (op == BinOp::kPmod) {
    f = std::make_shared<kernels::LambdaFunction>("pmod", spec.result, std::move(fn));
  } else {
    f = std::make_shared<kernels::InfixFunction>(Symbol(op), spec.result, std::move(fn));
  }
  return Call(std::move(f), {std::move(lc), std::move(rc)});
}

// ---------------------------------------------------------------------------------------
// Unary operators.

enum class UnaryOp : uint8_t { kNegative, kPositive, kAbs };

Result<Datum> EvalNegative(bool ansi, const Datum& a, const RowSet& rows) {
  const DataType& type = a.type();
  auto integral = [&](auto zero, const char* message) -> Result<Datum> {
    using T = decltype(zero);
    using U = std::make_unsigned_t<T>;
    if (!ansi) {
      return MapUnary<T, T>(type, a, rows, [](T x) { return static_cast<T>(U(0) - U(x)); });
    }
    return arith::MapUnaryFallible<T, T>(
        type, a, rows,
        [](T x, T* o) -> uint8_t {
          *o = static_cast<T>(U(0) - U(x));
          return x == std::numeric_limits<T>::min() ? arith::kOverflow : arith::kOk;
        },
        [message](T, uint8_t) { return arith::ArithmeticOverflow(message, ""); });
  };
  switch (type.id()) {
    case TypeId::kInt32:
      return integral(int32_t{0}, "integer overflow");
    case TypeId::kInt64:
      return integral(int64_t{0}, "long overflow");
    case TypeId::kDouble:
      return MapUnary<double, double>(type, a, rows, [](double x) { return -x; });
    case TypeId::kDecimal:
      return MapUnary<Int128, Int128>(type, a, rows, [](Int128 x) {
        return static_cast<Int128>(decimal::UInt128{0} - static_cast<decimal::UInt128>(x));
      });
    default:
      break;
  }
  return Status::Internal("no negative kernel for " + type.ToString());
}

Result<Datum> EvalAbs(bool ansi, const Datum& a, const RowSet& rows) {
  const DataType& type = a.type();
  auto integral = [&](auto zero, const char* message) -> Result<Datum> {
    using T = decltype(zero);
    using U = std::make_unsigned_t<T>;
    // Java's Math.abs: MIN_VALUE stays MIN_VALUE; ANSI reports it (negateExact).
    if (!ansi) {
      return MapUnary<T, T>(type, a, rows,
                            [](T x) { return x < 0 ? static_cast<T>(U(0) - U(x)) : x; });
    }
    return arith::MapUnaryFallible<T, T>(
        type, a, rows,
        [](T x, T* o) -> uint8_t {
          *o = x < 0 ? static_cast<T>(U(0) - U(x)) : x;
          return x == std::numeric_limits<T>::min() ? arith::kOverflow : arith::kOk;
        },
        [message](T, uint8_t) { return arith::ArithmeticOverflow(message, ""); });
  };
  switch (type.id()) {
    case TypeId::kInt32:
      return integral(int32_t{0}, "integer overflow");
    case TypeId::kInt64:
      return integral(int64_t{0}, "long overflow");
    case TypeId::kDouble:
      return MapUnary<double, double>(type, a, rows, [](double x) { return std::fabs(x); });
    case TypeId::kDecimal:
      return MapUnary<Int128, Int128>(
          type, a, rows, [](Int128 x) { return static_cast<Int128>(decimal::Magnitude(x)); });
    default:
      break;
  }
  return Status::Internal("no abs kernel for " + type.ToString());
}

// `name` is how the call prints: "negative", "abs", or the symbol "-" / "+".
Result<ExprPtr> ResolveUnary(UnaryOp op, const std::string& name, std::vector<ExprPtr> args) {
  const bool symbol = name == "-" || name == "+";
  const std::string call =
      symbol ? "(" + name + " " + args[0]->ToString() + ")" : DescribeCall(name, args);
  ExprPtr arg = args[0];
  const DataType& t = arg->type();
  if (t.id() == TypeId::kString || t.is_null()) {
    ASSIGN_OR_RAISE(arg, Cast(arg, DataType::Double()));
  } else if (!t.is_numeric()) {
    const char* required = op == UnaryOp::kAbs
                               ? "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR "
                                 "TO MONTH\")"
                               : "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR "
                                 "TO MONTH\" or \"INTERVAL\")";
    return arith::UnexpectedInputType(call, 0, required, arg);
  }
  kernels::LambdaFunction::Fn fn = [op](EvalContext& ctx, const std::vector<Datum>& a,
                                        const RowSet& rows) -> Result<Datum> {
    switch (op) {
      case UnaryOp::kNegative:
        return EvalNegative(ctx.ansi(), a[0], rows);
      case UnaryOp::kAbs:
        return EvalAbs(ctx.ansi(), a[0], rows);
      case UnaryOp::kPositive:
        return a[0];
    }
    return a[0];
  };
  ScalarFunctionPtr f;
  if (symbol) {
    f = std::make_shared<kernels::InfixFunction>(name, arg->type(), std::move(fn));
  } else {
    f = std::make_shared<kernels::LambdaFunction>(name, arg->type(), std::move(fn));
  }
  return Call(std::move(f), {std::move(arg)});
}

void RegisterBinary(FunctionRegistry* registry, BinOp op, const char* usage) {
  registry->Register(
      {Symbol(op), 2, 2, usage, [op](std::vector<ExprPtr> args, const ResolveOptions& options) {
         return ResolveBinary(op, std::move(args), options);
       }});
}

// "+" and "-" take one argument (positive / negative) or two.
void RegisterSign(FunctionRegistry* registry, BinOp op, UnaryOp unary, const char* usage) {
  const std::string symbol = Symbol(op);
  registry->Register(
      {symbol, 1, 2, usage,
       [op, unary, symbol](std::vector<ExprPtr> args, const ResolveOptions& options) {
         if (args.size() == 1) return ResolveUnary(unary, symbol, std::move(args));
         return ResolveBinary(op, std::move(args), options);
       }});
}

void RegisterUnary(FunctionRegistry* registry, UnaryOp op, const char* name, const char* usage) {
  const std::string n = name;
  registry->Register({n, 1, 1, usage, [op, n](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveUnary(op, n, std::move(args));
                      }});
}

}  // namespace

namespace arith {

std::optional<Datum> RemainderEqualsConstant(const Datum& x, const Datum& d, const Datum& k,
                                             bool negate, const RowSet& rows) {
  if (!rows.is_all() || x.is_constant() || !d.is_constant() || !k.is_constant() || d.IsNull(0) ||
      k.IsNull(0) || x.type().id() != d.type().id() || x.type().id() != k.type().id() ||
      !CpuHasAvx2()) {
    return std::nullopt;
  }
  switch (x.type().id()) {
    case TypeId::kInt32:
      return RemainderEqualsConstantOf<int32_t>(x, d, k, negate, rows);
    case TypeId::kInt64:
      return RemainderEqualsConstantOf<int64_t>(x, d, k, negate, rows);
    default:
      return std::nullopt;
  }
}

}  // namespace arith

void RegisterArithmeticFunctions(FunctionRegistry* registry) {
  RegisterSign(registry, BinOp::kAdd, UnaryOp::kPositive,
               "expr1 + expr2 - Returns `expr1`+`expr2`.");
  RegisterSign(registry, BinOp::kSubtract, UnaryOp::kNegative,
               "expr1 - expr2 - Returns `expr1`-`expr2`.");
  RegisterBinary(registry, BinOp::kMultiply, "expr1 * expr2 - Returns `expr1`*`expr2`.");
  RegisterBinary(registry, BinOp::kDivide,
                 "expr1 / expr2 - Returns `expr1`/`expr2`. It always performs floating point "
                 "division.");
  RegisterBinary(registry, BinOp::kRemainder,
                 "expr1 % expr2 - Returns the remainder after `expr1`/`expr2`.");
  registry->Alias("mod", "%");
  RegisterBinary(registry, BinOp::kDiv,
                 "expr1 div expr2 - Divide `expr1` by `expr2`. It returns NULL if an operand is "
                 "NULL or `expr2` is 0. The result is casted to long.");
  RegisterBinary(registry, BinOp::kPmod,
                 "pmod(expr1, expr2) - Returns the positive value of `expr1` mod `expr2`.");
  RegisterUnary(registry, UnaryOp::kNegative, "negative",
                "negative(expr) - Returns the negated value of `expr`.");
  RegisterUnary(registry, UnaryOp::kPositive, "positive",
                "positive(expr) - Returns the value of `expr`.");
  RegisterUnary(registry, UnaryOp::kAbs, "abs",
                "abs(expr) - Returns the absolute value of the numeric or interval value.");
}

}  // namespace weir

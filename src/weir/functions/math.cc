// Math functions with Spark 3.5's semantics: round, bround, floor, ceil (ceiling),
// pow (power), sqrt, exp, ln, log, log10, log2, sign (signum), rand (random).
//
// round/bround go through BigDecimal in Spark, so they are exact: a DOUBLE is taken
// by its shortest decimal rendering (Double.toString), rounded HALF_UP / HALF_EVEN,
// and converted back (round(2.5) = 3.0, round(1.005, 2) = 1.01); a DECIMAL keeps
// DECIMAL with the scale reduced; an integral type rounds to a multiple of 10^-d for a
// negative d, wrapping like BigDecimal.intValue/longValue (ANSI: [ARITHMETIC_OVERFLOW]).
// floor/ceil of a DOUBLE or BIGINT are BIGINT, of a DECIMAL a DECIMAL with scale 0;
// with a scale argument they round a DECIMAL (integers and doubles are cast first).
// The logarithms return NULL for arguments <= 0, as Spark (after Hive) does. exp, the
// logarithms and pow are java.lang.StrictMath's (fdlibm.h), bit for bit.
//
// rand(seed) reproduces Spark's XORShiftRandom: the generator of partition p is
// seeded with seed + p and yields one value per row, continuing across batches.
// weir does not yet tell expressions their partition, so every rand call site
// generates partition 0's sequence.

#include <charconv>
#include <cmath>
#include <limits>
#include <mutex>
#include <random>
#include <string>
#include <system_error>

#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/arithmetic_internal.h"
#include "weir/functions/builtins.h"
#include "weir/functions/decimal_arith.h"
#include "weir/functions/fdlibm.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {

using decimal::RoundingMode;
using kernels::MapBinary;
using kernels::MapUnary;

// ---------------------------------------------------------------------------------------
// round, bround, and floor/ceil with a scale: Spark's RoundBase.

// BigDecimal(d).setScale(scale, mode).doubleValue, with `d` read from its shortest
// decimal rendering as Scala's BigDecimal(Double) does.
double RoundDouble(double d, int32_t scale, RoundingMode mode) {
  if (!std::isfinite(d)) return d;
  char buf[48];
  const auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  const char* p = buf;
  const bool negative = *p == '-';
  if (negative) ++p;
  uint64_t digits = 0;
  int count = 0;
  for (; p < res.ptr && *p != 'e'; ++p) {
    if (*p == '.') continue;
    digits = digits * 10 + static_cast<uint64_t>(*p - '0');
    ++count;
  }
  int exponent = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), res.ptr, exponent);
  if (digits == 0) return 0.0;  // BigDecimal has no -0: round(-0.0) is 0.0
  // d == ±digits * 10^(exponent - count + 1); drop `drop` of those digits.
  const int64_t drop = -(static_cast<int64_t>(exponent) - count + 1) - scale;
  if (drop <= 0) return d;
  uint64_t q = 0;
  bool up = false;
  if (drop > 19) {
    // digits < 10^17 is below half of 10^20: only FLOOR/CEILING move away from 0.
    up =
        (mode == RoundingMode::kFloor && negative) || (mode == RoundingMode::kCeiling && !negative);
  } else {
    uint64_t pow = 1;
    for (int64_t i = 0; i < drop; ++i) pow *= 10;
    q = digits / pow;
    const uint64_t r = digits % pow;
    if (r != 0) {
      switch (mode) {
        case RoundingMode::kHalfUp:
          up = r >= pow - r;
          break;
        case RoundingMode::kHalfEven:
          up = r > pow - r || (r == pow - r && (q & 1) != 0);
          break;
        case RoundingMode::kFloor:
          up = negative;
          break;
        case RoundingMode::kCeiling:
          up = !negative;
          break;
        case RoundingMode::kDown:
          break;
      }
    }
  }
  if (up) ++q;
  if (q == 0) return 0.0;
  // ±q * 10^-scale, converted with correct rounding.
  const std::string text = std::to_string(q) + "e" + std::to_string(-static_cast<int64_t>(scale));
  double out = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), out);
  if (parsed.ec == std::errc::result_out_of_range) {
    // BigDecimal.doubleValue: Infinity beyond the largest double, 0 below the smallest.
    out = scale < 0 ? std::numeric_limits<double>::infinity() : 0.0;
  }
  return negative ? -out : out;
}

// BigDecimal(v).setScale(scale, mode) for an integer v and scale < 0: exact.
Int128 RoundIntegral(int64_t v, int32_t scale, RoundingMode mode) {
  if (scale >= 0) return v;
  if (scale < -19) return 0;  // |v| < 9.3e18 is below half of 10^20
  Int128 pow = 1;
  for (int32_t i = 0; i < -scale; ++i) pow *= 10;
  const Int128 q = v / pow;
  const Int128 r = v % pow;
  const Int128 twice = 2 * (r < 0 ? -r : r);
  bool up = false;
  if (mode == RoundingMode::kHalfUp) up = twice >= pow;
  if (mode == RoundingMode::kHalfEven) up = twice > pow || (twice == pow && (q & 1) != 0);
  return (q + (up ? (v < 0 ? -1 : 1) : 0)) * pow;
}

// RoundBase.dataType.
DataType RoundResultType(const DataType& child, int32_t scale) {
  if (child.id() != TypeId::kDecimal) return child;
  const int64_t p = child.precision(), s = child.scale();
  const int64_t integral = p - s + 1;
  if (scale < 0) {
    const int64_t precision = std::max(integral, -static_cast<int64_t>(scale) + 1);
    return DataType::DecimalUnchecked(static_cast<int>(std::min<int64_t>(precision, 38)), 0);
  }
  const int64_t new_scale = std::min<int64_t>(s, scale);
  return DataType::DecimalUnchecked(static_cast<int>(std::min<int64_t>(integral + new_scale, 38)),
                                    static_cast<int>(new_scale));
}

Status PrecisionExceedsMax(int digits) {
  return Status::InvalidInput("[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision " +
                              std::to_string(digits) + " exceeds max precision 38.");
}

template <typename T>
Result<Datum> RoundIntegralKernel(const Datum& a, int32_t scale, RoundingMode mode, bool ansi,
                                  const RowSet& rows) {
  if (scale >= 0) return MapUnary<T, T>(a.type(), a, rows, [](T x) { return x; });
  return arith::MapUnaryFallible<T, T>(
      a.type(), a, rows,
      [scale, mode, ansi](T x, T* o) -> uint8_t {
        const Int128 r = RoundIntegral(x, scale, mode);
        *o = static_cast<T>(static_cast<uint64_t>(r));  // intValue/longValue wrap
        return ansi && (r < std::numeric_limits<T>::min() || r > std::numeric_limits<T>::max())
                   ? arith::kOverflow
                   : arith::kOk;
      },
      [](T, uint8_t) { return arith::ArithmeticOverflow("Overflow", ""); });
}

Result<Datum> EvalRound(const Datum& a, int32_t scale, RoundingMode mode, const DataType& result,
                        bool ansi, const RowSet& rows) {
  switch (a.type().id()) {
    case TypeId::kInt32:
      return RoundIntegralKernel<int32_t>(a, scale, mode, ansi, rows);
    case TypeId::kInt64:
      return RoundIntegralKernel<int64_t>(a, scale, mode, ansi, rows);
    case TypeId::kDouble:
      return MapUnary<double, double>(
          result, a, rows, [scale, mode](double x) { return RoundDouble(x, scale, mode); });
    case TypeId::kDecimal: {
      const int from = a.type().scale();
      const int to = scale >= 0 ? std::min(from, scale) : scale;
      const int precision = result.precision();
      return arith::MapUnaryFallible<Int128, Int128>(
          result, a, rows,
          [=](Int128 x, Int128* o) -> uint8_t {
            return decimal::RoundDecimal(x, from, to, mode, precision, o) ? arith::kOk
                                                                          : arith::kOverflow;
          },
          [=](Int128 x, uint8_t) {
            if (scale >= 0) return Status::OK();  // toPrecision(..., nullOnOverflow = true)
            // Decimal.set(BigDecimal, p, s) throws whatever the mode.
            int digits = 0;
            Int128 ignored;
            decimal::RoundDecimal(x, from, to, mode, precision, &ignored, &digits);
            return PrecisionExceedsMax(digits);
          });
    }
    default:
      break;
  }
  return Status::Internal("no round kernel for " + a.type().ToString());
}

// round(x[, d]) and bround(x[, d]).
Result<ExprPtr> ResolveRound(const std::string& name, RoundingMode mode,
                             std::vector<ExprPtr> args) {
  const std::string call = DescribeCall(name, args);
  ASSIGN_OR_RAISE(ExprPtr child, arith::CoerceNumeric(call, 0, args[0]));
  std::optional<int32_t> scale = 0;
  if (args.size() == 2) {
    ASSIGN_OR_RAISE(scale, arith::ConstantInt(call, "scale", args[1]));
  }
  const DataType result = RoundResultType(child->type(), scale.value_or(0));
  kernels::LambdaFunction::Fn fn = [scale, mode, result](EvalContext& ctx,
                                                         const std::vector<Datum>& a,
                                                         const RowSet& rows) -> Result<Datum> {
    if (!scale) return Datum::Null(result);  // a NULL scale makes every row NULL
    return EvalRound(a[0], *scale, mode, result, ctx.ansi(), rows);
  };
  std::vector<ExprPtr> call_args = {child};
  if (args.size() == 2) call_args.push_back(args[1]);
  return Call(std::make_shared<kernels::LambdaFunction>(name, result, std::move(fn)),
              std::move(call_args));
}

// floor(x) / ceil(x), and with a scale floor(x, d) / ceil(x, d) (RoundFloor/RoundCeil).
Result<ExprPtr> ResolveFloorCeil(const std::string& name, RoundingMode mode,
                                 std::vector<ExprPtr> args) {
  const std::string call = DescribeCall(name, args);
  ExprPtr child = args[0];
  const DataType& t = child->type();
  if (args.size() == 2) {
    const ExprPtr& s = args[1];
    if (s->type().id() != TypeId::kInt32 || !s->foldable()) {
      return Status::InvalidSql("[NON_FOLDABLE_ARGUMENT] The function `" + name +
                                "` requires the parameter `scale` to be a foldable expression of "
                                "the type \"INT\", but the actual argument is a non-foldable.");
    }
    ASSIGN_OR_RAISE(std::optional<int32_t> scale, arith::ConstantInt(call, "scale", s));
    if (!scale) {
      return Status::InvalidSql("[NON_FOLDABLE_ARGUMENT] The function `" + name +
                                "` requires the parameter `scale` to be a foldable expression of "
                                "the type \"INT\", but the actual argument is a non-foldable.");
    }
    // The child is cast to DECIMAL (DecimalType.forType; STRING and NULL to the default).
    if (t.id() == TypeId::kInt32 || t.id() == TypeId::kInt64) {
      ASSIGN_OR_RAISE(child, Cast(child, DecimalForType(t)));
    } else if (t.id() == TypeId::kDouble) {
      ASSIGN_OR_RAISE(child, Cast(child, DataType::DecimalUnchecked(30, 15)));
    } else if (t.id() == TypeId::kString || t.is_null()) {
      ASSIGN_OR_RAISE(child, Cast(child, DataType::DecimalUnchecked(38, 18)));
    } else if (t.id() != TypeId::kDecimal) {
      return arith::UnexpectedInputType(call, 0, "\"DECIMAL\"", child);
    }
    const DataType result = RoundResultType(child->type(), *scale);
    const int32_t d = *scale;
    kernels::LambdaFunction::Fn fn =
        [d, mode, result](EvalContext& ctx, const std::vector<Datum>& a, const RowSet& rows) {
          return EvalRound(a[0], d, mode, result, ctx.ansi(), rows);
        };
    return Call(std::make_shared<kernels::LambdaFunction>(name, result, std::move(fn)), {child, s});
  }
  // One argument: TypeCollection(DOUBLE, DECIMAL, BIGINT).
  if (t.id() == TypeId::kInt32) {
    ASSIGN_OR_RAISE(child, Cast(child, DataType::Int64()));  // same values as via DOUBLE
  } else if (t.id() == TypeId::kString || t.is_null()) {
    ASSIGN_OR_RAISE(child, Cast(child, DataType::Double()));
  } else if (!t.is_numeric()) {
    return arith::UnexpectedInputType(call, 0, "(\"DOUBLE\" or \"DECIMAL\" or \"BIGINT\")", child);
  }
  const DataType& ct = child->type();
  DataType result = DataType::Int64();
  if (ct.id() == TypeId::kDecimal) {
    result = ct.scale() == 0 ? ct : BoundedDecimal(ct.precision() - ct.scale() + 1, 0);
  }
  const bool floor = mode == RoundingMode::kFloor;
  kernels::LambdaFunction::Fn fn = [floor, mode, result](EvalContext&, const std::vector<Datum>& a,
                                                         const RowSet& rows) -> Result<Datum> {
    const Datum& x = a[0];
    switch (x.type().id()) {
      case TypeId::kInt64:
        return x;
      case TypeId::kDouble:
        return MapUnary<double, int64_t>(result, x, rows, [floor](double v) {
          return arith::JavaDoubleToLong(floor ? std::floor(v) : std::ceil(v));
        });
      case TypeId::kDecimal: {
        if (x.type().scale() == 0) return x;
        const int from = x.type().scale();
        const int precision = result.precision();
        return MapUnary<Int128, Int128>(result, x, rows, [=](Int128 v) {
          Int128 out = 0;  // never overflows: the type has one more integral digit
          decimal::RoundDecimal(v, from, 0, mode, precision, &out);
          return out;
        });
      }
      default:
        break;
    }
    return Status::Internal("no floor/ceil kernel for " + x.type().ToString());
  };
  return Call(std::make_shared<kernels::LambdaFunction>(name, result, std::move(fn)), {child});
}

// ---------------------------------------------------------------------------------------
// DOUBLE functions.

double JavaSignum(double x) {
  if (std::isnan(x) || x == 0.0) return x;
  return x > 0 ? 1.0 : -1.0;
}

enum class UnaryMath : uint8_t { kSqrt, kExp, kLn, kLog10, kLog2, kSignum };

Result<Datum> EvalUnaryMath(UnaryMath f, const Datum& a, const RowSet& rows) {
  const DataType type = DataType::Double();
  // Logarithms: NULL at or below the asymptote, never an error.
  auto log_like = [&](auto fn) {
    return arith::MapUnaryFallible<double, double>(
        type, a, rows,
        [fn](double x, double* o) -> uint8_t {
          *o = fn(x);
          return x <= 0.0 ? arith::kDivideByZero : arith::kOk;
        },
        [](double, uint8_t) { return Status::OK(); });
  };
  switch (f) {
    case UnaryMath::kSqrt:
      return MapUnary<double, double>(type, a, rows, [](double x) { return std::sqrt(x); });
    case UnaryMath::kExp:
      return MapUnary<double, double>(type, a, rows, fdlibm::Exp);
    case UnaryMath::kSignum:
      return MapUnary<double, double>(type, a, rows, JavaSignum);
    case UnaryMath::kLn:
      return log_like(fdlibm::Log);
    case UnaryMath::kLog10:
      return log_like(fdlibm::Log10);
    case UnaryMath::kLog2:
      // Spark computes StrictMath.log(x) / StrictMath.log(2), not a log2.
      return log_like([](double x) { return fdlibm::Log(x) / fdlibm::Log(2.0); });
  }
  return Status::Internal("unknown math function");
}

void RegisterUnaryMath(FunctionRegistry* registry, const char* name, UnaryMath f,
                       const char* usage) {
  const std::string n = name;
  registry->Register(
      {n, 1, 1, usage, [n, f](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
         ASSIGN_OR_RAISE(ExprPtr x, arith::CoerceDouble(DescribeCall(n, args), 0, args[0]));
         kernels::LambdaFunction::Fn fn = [f](EvalContext&, const std::vector<Datum>& a,
                                              const RowSet& rows) {
           return EvalUnaryMath(f, a[0], rows);
         };
         return Call(
             std::make_shared<kernels::LambdaFunction>(n, DataType::Double(), std::move(fn)),
             {std::move(x)});
       }});
}

Result<ExprPtr> ResolvePow(const std::string& name, std::vector<ExprPtr> args) {
  const std::string call = DescribeCall(name, args);
  ASSIGN_OR_RAISE(ExprPtr x, arith::CoerceDouble(call, 0, args[0]));
  ASSIGN_OR_RAISE(ExprPtr y, arith::CoerceDouble(call, 1, args[1]));
  kernels::LambdaFunction::Fn fn = [](EvalContext&, const std::vector<Datum>& a,
                                      const RowSet& rows) -> Result<Datum> {
    return MapBinary<double, double, double>(DataType::Double(), a[0], a[1], rows, fdlibm::Pow);
  };
  return Call(std::make_shared<kernels::LambdaFunction>(name, DataType::Double(), std::move(fn)),
              {std::move(x), std::move(y)});
}

// log(x) is ln(x); log(base, x) is ln(x) / ln(base), NULL when either is <= 0.
Result<ExprPtr> ResolveLog(std::vector<ExprPtr> args) {
  const std::string call = DescribeCall("log", args);
  if (args.size() == 1) {
    ASSIGN_OR_RAISE(ExprPtr x, arith::CoerceDouble(call, 0, args[0]));
    kernels::LambdaFunction::Fn fn = [](EvalContext&, const std::vector<Datum>& a,
                                        const RowSet& rows) {
      return EvalUnaryMath(UnaryMath::kLn, a[0], rows);
    };
    return Call(std::make_shared<kernels::LambdaFunction>("log", DataType::Double(), std::move(fn)),
                {std::move(x)});
  }
  ASSIGN_OR_RAISE(ExprPtr base, arith::CoerceDouble(call, 0, args[0]));
  ASSIGN_OR_RAISE(ExprPtr x, arith::CoerceDouble(call, 1, args[1]));
  kernels::LambdaFunction::Fn fn = [](EvalContext&, const std::vector<Datum>& a,
                                      const RowSet& rows) {
    return arith::MapBinaryFallible<double, double, double>(
        DataType::Double(), a[0], a[1], rows,
        [](double b, double v, double* o) -> uint8_t {
          *o = fdlibm::Log(v) / fdlibm::Log(b);
          return b <= 0.0 || v <= 0.0 ? arith::kDivideByZero : arith::kOk;
        },
        [](double, double, uint8_t) { return Status::OK(); });
  };
  return Call(std::make_shared<kernels::LambdaFunction>("log", DataType::Double(), std::move(fn)),
              {std::move(base), std::move(x)});
}

// ---------------------------------------------------------------------------------------
// rand: Spark's XORShiftRandom.

// Scala's MurmurHash3.bytesHash.
uint32_t MurmurBytes(const uint8_t* data, int len, uint32_t seed) {
  auto rotl = [](uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  auto mix_last = [&](uint32_t h, uint32_t k) {
    k *= 0xcc9e2d51u;
    k = rotl(k, 15);
    k *= 0x1b873593u;
    return h ^ k;
  };
  uint32_t h = seed;
  int i = 0;
  for (; len - i >= 4; i += 4) {
    const uint32_t k = static_cast<uint32_t>(data[i]) | static_cast<uint32_t>(data[i + 1]) << 8 |
                       static_cast<uint32_t>(data[i + 2]) << 16 |
                       static_cast<uint32_t>(data[i + 3]) << 24;
    h = rotl(mix_last(h, k), 13) * 5 + 0xe6546b64u;
  }
  const int tail = len - i;
  if (tail > 0) {
    uint32_t k = 0;
    if (tail == 3) k ^= static_cast<uint32_t>(data[i + 2]) << 16;
    if (tail >= 2) k ^= static_cast<uint32_t>(data[i + 1]) << 8;
    k ^= data[i];
    h = mix_last(h, k);
  }
  h ^= static_cast<uint32_t>(len);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// org.apache.spark.util.random.XORShiftRandom with java.util.Random's nextDouble.
// Not thread-safe: RandFunction serializes access.
class XorShiftRandom {
 public:
  explicit XorShiftRandom(int64_t init) : seed_(HashSeed(init)) {}

  double NextDouble() {
    const int64_t hi = Next(26);
    const int64_t lo = Next(27);
    return static_cast<double>((hi << 27) + lo) * 0x1.0p-53;
  }

 private:
  static uint64_t HashSeed(int64_t seed) {
    uint8_t bytes[8];
    for (int i = 0; i < 8; ++i)
      bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(seed) >> (56 - 8 * i));
    constexpr uint32_t kArraySeed = 0x3c074a61u;  // MurmurHash3.arraySeed
    const uint32_t low = MurmurBytes(bytes, 8, kArraySeed);
    const uint32_t high = MurmurBytes(bytes, 8, low);
    return (static_cast<uint64_t>(high) << 32) | low;
  }

  int64_t Next(int bits) {
    uint64_t next = seed_ ^ (seed_ << 21);
    next ^= next >> 35;
    next ^= next << 4;
    seed_ = next;
    return static_cast<int64_t>(next & ((uint64_t{1} << bits) - 1));
  }

  uint64_t seed_;
};

// Thread-safe: Eval serializes on mu_, so concurrent batches draw disjoint values.
class RandFunction final : public ScalarFunction {
 public:
  RandFunction(std::string name, int64_t seed)
      : ScalarFunction(std::move(name), DataType::Double()), rng_(seed) {}

  bool deterministic() const override { return false; }

  Result<Datum> Eval(EvalContext&, const std::vector<Datum>&, const RowSet& rows) const override {
    FixedResult<double> out(DataType::Double(), rows);
    out.validity().InitFromRows(rows);
    double* o = out.values();
    std::lock_guard<std::mutex> lock(mu_);
    rows.ForEach([&](int64_t i) { o[i] = rng_.NextDouble(); });
    return out.Finish();
  }

 private:
  mutable std::mutex mu_;
  mutable XorShiftRandom rng_;  // guarded by mu_
};

Result<ExprPtr> ResolveRand(const std::string& name, std::vector<ExprPtr> args) {
  int64_t seed = 0;
  if (args.empty()) {
    std::random_device rd;
    seed = static_cast<int64_t>((static_cast<uint64_t>(rd()) << 32) | rd());
  } else {
    const ExprPtr& s = args[0];
    const std::string call = DescribeCall(name, args);
    const TypeId id = s->type().id();
    if (id != TypeId::kInt32 && id != TypeId::kInt64 && id != TypeId::kNull) {
      return arith::UnexpectedInputType(call, 0, "(\"INT\" or \"BIGINT\")", s);
    }
    if (!s->foldable()) {
      return DataTypeMismatch("NON_FOLDABLE_INPUT", call,
                              "the input `seed` should be a foldable \"BIGINT\" expression; "
                              "however, got \"" +
                                  s->ToString() + "\".");
    }
    ASSIGN_OR_RAISE(ExprPtr as_long, Cast(s, DataType::Int64()));
    EvalOptions options;
    EvalContext ctx(options);
    ASSIGN_OR_RAISE(Datum d, as_long->Eval(ctx, Batch::MakeRowsOnly(1), RowSet(1)));
    seed = d.IsNull(0) ? 0 : d.Get<int64_t>(0);  // rand(NULL) is rand(0)
  }
  // Partition 0 (see the file comment): seed + partitionIndex.
  return Call(std::make_shared<RandFunction>(name, seed), std::move(args));
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry* registry) {
  registry->Register({"round", 1, 2,
                      "round(expr, d) - Returns `expr` rounded to `d` decimal places using "
                      "HALF_UP rounding mode.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveRound("round", RoundingMode::kHalfUp, std::move(args));
                      }});
  registry->Register({"bround", 1, 2,
                      "bround(expr, d) - Returns `expr` rounded to `d` decimal places using "
                      "HALF_EVEN rounding mode.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveRound("bround", RoundingMode::kHalfEven, std::move(args));
                      }});
  registry->Register({"floor", 1, 2,
                      "floor(expr[, scale]) - Returns the largest number after rounding down that "
                      "is not greater than `expr`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveFloorCeil("floor", RoundingMode::kFloor, std::move(args));
                      }});
  registry->Register({"ceil", 1, 2,
                      "ceil(expr[, scale]) - Returns the smallest number after rounding up that is "
                      "not smaller than `expr`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveFloorCeil("ceil", RoundingMode::kCeiling, std::move(args));
                      }});
  registry->Register({"ceiling", 1, 2,
                      "ceiling(expr[, scale]) - Returns the smallest number after rounding up "
                      "that is not smaller than `expr`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveFloorCeil("ceiling", RoundingMode::kCeiling, std::move(args));
                      }});
  registry->Register({"pow", 2, 2, "pow(expr1, expr2) - Raises `expr1` to the power of `expr2`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolvePow("pow", std::move(args));
                      }});
  registry->Register({"power", 2, 2,
                      "power(expr1, expr2) - Raises `expr1` to the power of `expr2`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolvePow("power", std::move(args));
                      }});
  RegisterUnaryMath(registry, "sqrt", UnaryMath::kSqrt,
                    "sqrt(expr) - Returns the square root of `expr`.");
  RegisterUnaryMath(registry, "exp", UnaryMath::kExp,
                    "exp(expr) - Returns e to the power of `expr`.");
  RegisterUnaryMath(registry, "ln", UnaryMath::kLn,
                    "ln(expr) - Returns the natural logarithm (base e) of `expr`.");
  RegisterUnaryMath(registry, "log10", UnaryMath::kLog10,
                    "log10(expr) - Returns the logarithm of `expr` with base 10.");
  RegisterUnaryMath(registry, "log2", UnaryMath::kLog2,
                    "log2(expr) - Returns the logarithm of `expr` with base 2.");
  RegisterUnaryMath(registry, "sign", UnaryMath::kSignum,
                    "sign(expr) - Returns -1.0, 0.0 or 1.0 as `expr` is negative, 0 or positive.");
  RegisterUnaryMath(registry, "signum", UnaryMath::kSignum,
                    "signum(expr) - Returns -1.0, 0.0 or 1.0 as `expr` is negative, 0 or "
                    "positive.");
  registry->Register({"log", 1, 2, "log(base, expr) - Returns the logarithm of `expr` with `base`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveLog(std::move(args));
                      }});
  registry->Register({"rand", 0, 1,
                      "rand([seed]) - Returns a random value with independent and identically "
                      "distributed (i.i.d.) uniformly distributed values in [0, 1).",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveRand("rand", std::move(args));
                      }});
  registry->Register({"random", 0, 1,
                      "random([seed]) - Returns a random value with independent and identically "
                      "distributed (i.i.d.) uniformly distributed values in [0, 1).",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveRand("random", std::move(args));
                      }});
}

}  // namespace weir

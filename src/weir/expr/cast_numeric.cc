// CAST to BOOLEAN, INT, BIGINT, DOUBLE and DECIMAL: one switch on the source type per
// call, then a loop with the conversion inlined. Each conversion cites the Spark 3.5
// code it follows (Cast.scala unless noted).

#include <charconv>
#include <cmath>
#include <limits>
#include <type_traits>

#include "weir/expr/cast_internal.h"
#include "weir/types/pretty.h"

namespace weir::cast_internal {

namespace {

using UInt128 = unsigned __int128;

// Decimal.toLong: the integral part (truncated toward zero), in 128 bits.
Int128 DecimalIntegralPart(Int128 unscaled, int scale) { return unscaled / PowerOfTen(scale); }

// Java's (int) of a long, and of a 128-bit integer's low bits (BigDecimal.longValue).
int64_t Low64(Int128 v) { return static_cast<int64_t>(static_cast<uint64_t>(v)); }

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo31 = 2147483648.0;

}  // namespace

// ---------------------------------------------------------------------------------------
// Number helpers.

int64_t JavaDoubleToInt64(double v) {
  if (std::isnan(v)) return 0;
  if (v >= kTwo63) return std::numeric_limits<int64_t>::max();
  if (v <= -kTwo63) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

bool DoubleFitsInt64(double v) { return std::floor(v) <= kTwo63 && std::ceil(v) >= -kTwo63; }

bool DoubleFitsInt32(double v) { return std::floor(v) <= 2147483647.0 && std::ceil(v) >= -kTwo31; }

int32_t JavaDoubleToInt32(double v) {
  if (std::isnan(v)) return 0;
  if (v >= kTwo31) return std::numeric_limits<int32_t>::max();
  if (v <= -kTwo31) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

bool RescaleDecimal(Int128 v, int from_scale, int to_precision, int to_scale, Int128* out) {
  if (to_scale >= from_scale) {
    const int up = to_scale - from_scale;
    const int room = to_precision - up;
    if (room < 0) {
      if (v != 0) return false;
      *out = 0;
      return true;
    }
    if (!DecimalFitsPrecision(v, room)) return false;
    *out = v * PowerOfTen(up);
    return true;
  }
  const int down = from_scale - to_scale;
  const Int128 p = PowerOfTen(down);
  Int128 q = v / p;
  Int128 r = v % p;
  Int128 mag = r < 0 ? -r : r;
  // HALF_UP: round away from zero when the dropped part is at least half.
  if (mag >= p - mag) q += v < 0 ? -1 : 1;
  if (!DecimalFitsPrecision(q, to_precision)) return false;
  *out = q;
  return true;
}

double DecimalToDouble(Int128 unscaled, int scale) {
  static constexpr double kExact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  constexpr Int128 kTwo53 = Int128{1} << 53;
  if (unscaled > -kTwo53 && unscaled < kTwo53 && scale <= 22) {
    // Both operands are exact doubles, so the one division rounds correctly.
    return static_cast<double>(unscaled) / kExact[scale];
  }
  // "<digits>e-<scale>", parsed with correct rounding; 40 digits and 4 more chars fit.
  char text[64];
  char* end = text + sizeof(text);
  char* p = end;
  const int exp_digits = scale >= 10 ? 2 : 1;
  for (int k = 0, e = scale; k < exp_digits; ++k, e /= 10) *--p = static_cast<char>('0' + e % 10);
  *--p = '-';
  *--p = 'e';
  UInt128 mag =
      unscaled < 0 ? UInt128(0) - static_cast<UInt128>(unscaled) : static_cast<UInt128>(unscaled);
  do {
    *--p = static_cast<char>('0' + static_cast<int>(mag % 10));
    mag /= 10;
  } while (mag != 0);
  if (unscaled < 0) *--p = '-';
  double v = 0;
  std::from_chars(p, end, v, std::chars_format::general);
  return v;
}

DecimalFit DoubleToDecimal(double v, int precision, int scale, std::string* scratch, Int128* out) {
  // Decimal(double) is BigDecimal.valueOf(v): the digits of Double.toString.
  scratch->clear();
  AppendJavaDouble(v, scratch);
  DecimalText t;
  if (!ParseBigDecimalText(*scratch, &t)) return DecimalFit::kOverflow;
  DecimalFit fit = FitDecimal(t, precision, scale, out);
  // Spark has no digit limit on this path; a huge double simply overflows.
  return fit == DecimalFit::kTooManyDigits ? DecimalFit::kOverflow : fit;
}

std::string DoublePlainDecimal(double v) {
  std::string text;
  AppendJavaDouble(v, &text);
  DecimalText t;
  if (!ParseBigDecimalText(text, &t)) return text;
  return DecimalTextPlain(t);
}

// ---------------------------------------------------------------------------------------
// Kernels.

Result<Datum> CastToBoolean(EvalContext& ctx, const Datum& in, const DataType& to,
                            const RowSet& rows) {
  const DataType& from = in.type();
  switch (from.id()) {
    case TypeId::kString:
      // castToBoolean: StringUtils.isTrueString / isFalseString, else NULL or
      // invalidInputSyntaxForBooleanError.
      return CastFromString<uint8_t>(ctx, in, to, rows, [](std::string_view v, bool, uint8_t* o) {
        bool b = false;
        if (!ParseSparkBoolean(v, &b)) return false;
        *o = b ? 1 : 0;
        return true;
      });
    case TypeId::kInt32:
      return MapFixedTotal<int32_t, uint8_t>(in, to, rows, [](int32_t v) { return v != 0; });
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return MapFixedTotal<int64_t, uint8_t>(in, to, rows, [](int64_t v) { return v != 0; });
    case TypeId::kDouble:
      // Java's `d != 0`: NaN is true.
      return MapFixedTotal<double, uint8_t>(in, to, rows, [](double v) { return !(v == 0); });
    case TypeId::kDecimal:
      return MapFixedTotal<Int128, uint8_t>(in, to, rows, [](Int128 v) { return v != 0; });
    case TypeId::kDate:
      // "Hive would return null when cast from date to boolean".
      return AllNull(to, rows);
    default:
      return Unsupported(from, to);
  }
}

namespace {

// castToInt / castToLong from DECIMAL. Non-ANSI: Decimal.toLong (the low 64 bits of the
// truncated value), then Java's narrowing. ANSI: roundToInt / roundToLong.
template <typename T>
Result<Datum> DecimalToIntegral(EvalContext& ctx, const Datum& in, const DataType& to,
                                const RowSet& rows) {
  const DataType& from = in.type();
  const int scale = from.scale();
  // roundToInt tests the range of a "big" decimal through toDouble; roundToLong is exact.
  const bool via_double = std::is_same_v<T, int32_t> && from.precision() > 18;
  return WithMode(ctx.ansi(), [&](auto mode) {
    constexpr bool kAnsi = decltype(mode)::value;
    return MapFixed<Int128, T>(
        in, to, rows,
        [=](Int128 v, T* o) {
          if constexpr (kAnsi) {
            if (via_double) {
              double d = DecimalToDouble(v, scale);
              bool fits = std::is_same_v<T, int32_t> ? DoubleFitsInt32(d) : DoubleFitsInt64(d);
              if (!fits) return Outcome::kError;
              *o = std::is_same_v<T, int32_t> ? JavaDoubleToInt32(d)
                                              : static_cast<T>(JavaDoubleToInt64(d));
              return Outcome::kOk;
            }
            Int128 q = DecimalIntegralPart(v, scale);
            if (q < std::numeric_limits<T>::min() || q > std::numeric_limits<T>::max()) {
              return Outcome::kError;
            }
            *o = static_cast<T>(q);
          } else {
            *o = static_cast<T>(Low64(DecimalIntegralPart(v, scale)));
          }
          return Outcome::kOk;
        },
        [&](Int128 v) { return CastOverflow(SqlDecimal(v, scale), from, to); });
  });
}

// castToInt / castToLong from DOUBLE: Java's saturating cast, or DoubleExactNumeric's
// range check in ANSI mode.
template <typename T>
Result<Datum> DoubleToIntegral(EvalContext& ctx, const Datum& in, const DataType& to,
                               const RowSet& rows) {
  const DataType& from = in.type();
  return WithMode(ctx.ansi(), [&](auto mode) {
    constexpr bool kAnsi = decltype(mode)::value;
    return MapFixed<double, T>(
        in, to, rows,
        [](double v, T* o) {
          if constexpr (kAnsi) {
            bool fits = std::is_same_v<T, int32_t> ? DoubleFitsInt32(v) : DoubleFitsInt64(v);
            if (!fits) return Outcome::kError;
          }
          *o = std::is_same_v<T, int32_t> ? JavaDoubleToInt32(v)
                                          : static_cast<T>(JavaDoubleToInt64(v));
          return Outcome::kOk;
        },
        [&](double v) { return CastOverflow(SqlDouble(v), from, to); });
  });
}

template <typename T>
Result<Datum> StringToIntegral(EvalContext& ctx, const Datum& in, const DataType& to,
                               const RowSet& rows) {
  return CastFromString<T>(ctx, in, to, rows, [](std::string_view v, bool ansi, T* o) {
    // UTF8String.toInt / toLong (a fraction is truncated) or, in ANSI mode,
    // toIntExact / toLongExact (no fraction).
    if constexpr (std::is_same_v<T, int32_t>) {
      return ParseSparkInt32(v, !ansi, o);
    } else {
      return ParseSparkInt64(v, !ansi, o);
    }
  });
}

}  // namespace

Result<Datum> CastToInt32(EvalContext& ctx, const Datum& in, const DataType& to,
                          const RowSet& rows) {
  const DataType& from = in.type();
  switch (from.id()) {
    case TypeId::kString:
      return StringToIntegral<int32_t>(ctx, in, to, rows);
    case TypeId::kBoolean:
      return MapFixedTotal<uint8_t, int32_t>(in, to, rows, [](uint8_t v) { return v ? 1 : 0; });
    case TypeId::kInt64:
      // Non-ANSI: Java's (int) wraps. ANSI: LongExactNumeric.toInt.
      return WithMode(ctx.ansi(), [&](auto mode) {
        constexpr bool kAnsi = decltype(mode)::value;
        return MapFixed<int64_t, int32_t>(
            in, to, rows,
            [](int64_t v, int32_t* o) {
              *o = static_cast<int32_t>(v);
              if (kAnsi && *o != v) return Outcome::kError;
              return Outcome::kOk;
            },
            [&](int64_t v) { return CastOverflow(SqlBigint(v), from, to); });
      });
    case TypeId::kDouble:
      return DoubleToIntegral<int32_t>(ctx, in, to, rows);
    case TypeId::kDecimal:
      return DecimalToIntegral<int32_t>(ctx, in, to, rows);
    case TypeId::kTimestamp: {
      // castTimestampToIntegralType: floorDiv to seconds, NULL (or CAST_OVERFLOW) when
      // that does not fit -- it never wraps.
      const TimeZone& tz = ctx.time_zone();
      const bool ansi = ctx.ansi();
      return MapFixed<int64_t, int32_t>(
          in, to, rows,
          [ansi](int64_t v, int32_t* o) {
            int64_t secs = FloorDiv(v, kMicrosPerSecond);
            *o = static_cast<int32_t>(secs);
            if (*o == secs) return Outcome::kOk;
            return ansi ? Outcome::kError : Outcome::kNull;
          },
          [&](int64_t v) { return CastOverflow(SqlTimestamp(v, tz), from, to); });
    }
    case TypeId::kDate:
      return AllNull(to, rows);
    default:
      return Unsupported(from, to);
  }
}

Result<Datum> CastToInt64(EvalContext& ctx, const Datum& in, const DataType& to,
                          const RowSet& rows) {
  const DataType& from = in.type();
  switch (from.id()) {
    case TypeId::kString:
      return StringToIntegral<int64_t>(ctx, in, to, rows);
    case TypeId::kBoolean:
      return MapFixedTotal<uint8_t, int64_t>(in, to, rows, [](uint8_t v) { return v ? 1 : 0; });
    case TypeId::kInt32:
      return MapFixedTotal<int32_t, int64_t>(in, to, rows, [](int32_t v) { return int64_t{v}; });
    case TypeId::kDouble:
      return DoubleToIntegral<int64_t>(ctx, in, to, rows);
    case TypeId::kDecimal:
      return DecimalToIntegral<int64_t>(ctx, in, to, rows);
    case TypeId::kTimestamp:
      // timestampToLong: Math.floorDiv(micros, 1000000).
      return MapFixedTotal<int64_t, int64_t>(
          in, to, rows, [](int64_t v) { return FloorDiv(v, kMicrosPerSecond); });
    case TypeId::kDate:
      return AllNull(to, rows);
    default:
      return Unsupported(from, to);
  }
}

Result<Datum> CastToDouble(EvalContext& ctx, const Datum& in, const DataType& to,
                           const RowSet& rows) {
  const DataType& from = in.type();
  switch (from.id()) {
    case TypeId::kString:
      // Double.valueOf, then processFloatingPointSpecialLiterals, else NULL or
      // invalidInputInCastToNumberError.
      return CastFromString<double>(ctx, in, to, rows, [](std::string_view v, bool, double* o) {
        return ParseSparkDouble(v, o);
      });
    case TypeId::kBoolean:
      return MapFixedTotal<uint8_t, double>(in, to, rows, [](uint8_t v) { return v ? 1.0 : 0.0; });
    case TypeId::kInt32:
      return MapFixedTotal<int32_t, double>(in, to, rows,
                                            [](int32_t v) { return static_cast<double>(v); });
    case TypeId::kInt64:
      return MapFixedTotal<int64_t, double>(in, to, rows,
                                            [](int64_t v) { return static_cast<double>(v); });
    case TypeId::kDecimal: {
      const int scale = from.scale();
      return MapFixedTotal<Int128, double>(in, to, rows,
                                           [scale](Int128 v) { return DecimalToDouble(v, scale); });
    }
    case TypeId::kTimestamp:
      // timestampToDouble: micros / 1e6.
      return MapFixedTotal<int64_t, double>(in, to, rows,
                                            [](int64_t v) { return static_cast<double>(v) / 1e6; });
    case TypeId::kDate:
      return AllNull(to, rows);
    default:
      return Unsupported(from, to);
  }
}

namespace {

// castToDecimal from STRING: Decimal.fromString (BigDecimal of the Java-trimmed text;
// more than 38 integral digits is NULL) then changePrecision; ANSI: fromStringANSI's
// three errors.
Result<Datum> StringToDecimal(const Datum& in, const DataType& to, const RowSet& rows, bool ansi) {
  const int p = to.precision(), s = to.scale();
  const Outcome failed = ansi ? Outcome::kError : Outcome::kNull;
  return MapFixed<StringRef, Int128>(
      in, to, rows,
      [=](StringRef v, Int128* o) {
        DecimalText t;
        if (!ParseBigDecimalText(TrimJava(v.view()), &t)) return failed;
        return FitDecimal(t, p, s, o) == DecimalFit::kOk ? Outcome::kOk : failed;
      },
      [&](StringRef v) -> Status {
        // Only the failing row gets here: work out which of the errors it is.
        DecimalText t;
        Int128 ignored;
        if (!ParseBigDecimalText(TrimJava(v.view()), &t)) {
          return CastInvalidInput(SqlString(v.view()), in.type(), to);
        }
        if (FitDecimal(t, p, s, &ignored) == DecimalFit::kTooManyDigits) {
          return DecimalTooManyDigits(v.view());
        }
        return DecimalOutOfRange(DecimalTextPlain(t), to);
      });
}

// castToDecimal from BOOLEAN, INT, BIGINT and DECIMAL (stored as In with `from_scale`
// fraction digits): an exact value rescaled HALF_UP, NULL or NUMERIC_VALUE_OUT_OF_RANGE
// when it needs more digits than `to` has.
template <typename In>
Result<Datum> ExactToDecimal(const Datum& in, const DataType& to, const RowSet& rows, bool ansi,
                             int from_scale) {
  const int p = to.precision(), s = to.scale();
  if constexpr (std::is_integral_v<In> && !std::is_same_v<In, Int128>) {
    // Every value of In has at most p digits at scale 0: a plain widening (BIGINT to
    // DECIMAL(20,0) is the implicit cast of BIGINT arithmetic with a decimal).
    if (s == 0 && p >= std::numeric_limits<In>::digits10 + 1) {
      return MapFixedTotal<In, Int128>(in, to, rows, [](In v) { return static_cast<Int128>(v); });
    }
  }
  const Outcome failed = ansi ? Outcome::kError : Outcome::kNull;
  return MapFixed<In, Int128>(
      in, to, rows,
      [=](In v, Int128* o) {
        return RescaleDecimal(static_cast<Int128>(v), from_scale, p, s, o) ? Outcome::kOk : failed;
      },
      [&](In v) {
        return DecimalOutOfRange(DecimalToString(static_cast<Int128>(v), from_scale), to);
      });
}

// castToDecimal from DOUBLE, and from TIMESTAMP through timestampToDouble (In is
// int64_t, divided by 1e6): Decimal(double) is BigDecimal.valueOf, the digits of
// Double.toString. NaN and infinities raise NumberFormatException, which Cast turns
// into NULL in both modes.
template <typename In>
Result<Datum> FloatingToDecimal(const Datum& in, const DataType& to, const RowSet& rows,
                                bool ansi) {
  const int p = to.precision(), s = to.scale();
  const Outcome failed = ansi ? Outcome::kError : Outcome::kNull;
  auto as_double = [](In v) {
    if constexpr (std::is_same_v<In, double>) {
      return v;
    } else {
      return static_cast<double>(v) / 1e6;
    }
  };
  std::string scratch;
  return MapFixed<In, Int128>(
      in, to, rows,
      [&](In v, Int128* o) {
        double d = as_double(v);
        if (!std::isfinite(d)) return Outcome::kNull;
        return DoubleToDecimal(d, p, s, &scratch, o) == DecimalFit::kOk ? Outcome::kOk : failed;
      },
      [&](In v) { return DecimalOutOfRange(DoublePlainDecimal(as_double(v)), to); });
}

}  // namespace

Result<Datum> CastToDecimal(EvalContext& ctx, const Datum& in, const DataType& to,
                            const RowSet& rows) {
  const DataType& from = in.type();
  const bool ansi = ctx.ansi();
  switch (from.id()) {
    case TypeId::kString:
      return StringToDecimal(in, to, rows, ansi);
    case TypeId::kBoolean:
      return ExactToDecimal<uint8_t>(in, to, rows, ansi, 0);
    case TypeId::kInt32:
      return ExactToDecimal<int32_t>(in, to, rows, ansi, 0);
    case TypeId::kInt64:
      return ExactToDecimal<int64_t>(in, to, rows, ansi, 0);
    case TypeId::kDecimal:
      return ExactToDecimal<Int128>(in, to, rows, ansi, from.scale());
    case TypeId::kDouble:
      return FloatingToDecimal<double>(in, to, rows, ansi);
    case TypeId::kTimestamp:
      return FloatingToDecimal<int64_t>(in, to, rows, ansi);
    case TypeId::kDate:
      // "date can't cast to decimal in Hive".
      return AllNull(to, rows);
    default:
      return Unsupported(from, to);
  }
}

}  // namespace weir::cast_internal

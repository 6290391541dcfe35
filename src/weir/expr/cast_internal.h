// Internals of CAST (cast.h), shared by its files: cast.cc (matrix, dispatch, nested
// types, the node), cast_numeric.cc / cast_datetime.cc / cast_string.cc (kernels by
// target type), cast_parse.cc / cast_parse_datetime.cc (Spark's text parsers). Holds
// the loop skeletons the kernels are written with, the error messages and renderers.
// Not part of weir_expr's interface.
//
// Thread-safety: free functions and stateless templates.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <absl/time/time.h>

#include "weir/common/result.h"
#include "weir/expr/datum.h"
#include "weir/expr/eval_context.h"
#include "weir/expr/result_builder.h"
#include "weir/expr/row_set.h"
#include "weir/types/datetime.h"
#include "weir/types/decimal.h"

namespace weir::cast_internal {

// ---------------------------------------------------------------------------------------
// Small helpers.

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// UTF8String.isWhitespaceOrISOControl on one byte (bytes >= 0x80 are negative in Java
// and never match).
inline bool IsSpaceOrControl(char c) {
  auto b = static_cast<unsigned char>(c);
  return b <= 0x20 || b == 0x7F;
}

// java.lang.Character.isWhitespace on an ASCII byte.
inline bool IsJavaWhitespace(char c) {
  auto b = static_cast<unsigned char>(c);
  return b == ' ' || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F);
}

inline char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Math.floorDiv.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// ---------------------------------------------------------------------------------------
// Kernel skeletons.
//
// Every kernel is one switch on the (from, to) pair, then one of these loops with the
// per-row conversion inlined. A conversion reports one of three outcomes; an error
// stops the loop at the first failing row, whose input value then names the error.
// REQUIRES for all of them: `in` is flat, or `rows` is RowSet(1) (CastDatum evaluates
// constants over one row), so row i of `in` is physical row i.

enum class Outcome : uint8_t { kOk, kNull, kError };

// Calls f(i) for the rows of `rows` in order until f returns false; returns that row,
// or -1 when f accepted every row.
template <typename F>
inline int64_t ForEachUntil(const RowSet& rows, F&& f) {
  const int64_t n = rows.size();
  if (rows.is_all()) {
    for (int64_t i = 0; i < n; ++i) {
      if (!f(i)) return i;
    }
  } else {
    const uint32_t* idx = rows.indices();
    for (int64_t k = 0; k < n; ++k) {
      const auto i = static_cast<int64_t>(idx[k]);
      if (!f(i)) return i;
    }
  }
  return -1;
}

// Fixed-width input In to fixed-width output Out: op(In, Out*) -> Outcome. NULL inputs
// and rows outside `rows` are NULL; on an error, returns on_error(value of that row).
template <typename In, typename Out, typename Op, typename OnError>
Result<Datum> MapFixed(const Datum& in, const DataType& to, const RowSet& rows, Op&& op,
                       OnError&& on_error) {
  FixedResult<Out> out(to, rows);
  out.validity().InitFromArgs(&in, 1, rows);
  const Column& col = in.col();
  const In* src = col.values<In>();
  Out* dst = out.values();
  const bool check_nulls = col.may_have_nulls();
  const int64_t bad = ForEachUntil(rows, [&](int64_t i) {
    if (check_nulls && col.IsNull(i)) return true;
    const Outcome o = op(src[i], &dst[i]);
    if (o == Outcome::kOk) [[likely]] {
      return true;
    }
    if (o == Outcome::kNull) {
      out.SetNull(i);
      return true;
    }
    return false;
  });
  if (bad >= 0) return on_error(src[bad]);
  return out.Finish();
}

// A conversion that never fails.
template <typename In, typename Out, typename F>
Result<Datum> MapFixedTotal(const Datum& in, const DataType& to, const RowSet& rows, F&& f) {
  FixedResult<Out> out(to, rows);
  out.validity().InitFromArgs(&in, 1, rows);
  const In* src = in.col().values<In>();
  Out* dst = out.values();
  rows.ForEach([&](int64_t i) { dst[i] = f(src[i]); });
  return out.Finish();
}

// Runs f(std::true_type) in ANSI mode and f(std::false_type) otherwise, so kernels test
// the mode at compile time rather than per row.
template <typename F>
Result<Datum> WithMode(bool ansi, F&& f) {
  if (ansi) return f(std::true_type{});
  return f(std::false_type{});
}

// Every row NULL (DATE to numbers, which Spark defines as NULL).
inline Datum AllNull(const DataType& to, const RowSet& rows) {
  return Datum::Flat(Column::MakeAllNull(to, rows.physical_rows()));
}

inline Status Unsupported(const DataType& from, const DataType& to) {
  return Status::Internal("no CAST kernel from " + from.ToDdl() + " to " + to.ToDdl());
}

// Fixed-width (or StringRef) input to STRING/BINARY: op(In, std::string* text) -> Outcome
// appends the text of one value to a scratch string reused across rows.
template <typename In, typename Op>
Result<Datum> MapToText(const Datum& in, const DataType& to, const RowSet& rows, Op&& op) {
  StringResult out(to, rows);
  out.validity().InitFromArgs(&in, 1, rows);
  const Column& col = in.col();
  const In* src = col.values<In>();
  const bool check_nulls = col.may_have_nulls();
  std::string text;
  rows.ForEach([&](int64_t i) {
    if (check_nulls && col.IsNull(i)) return;
    text.clear();
    op(src[i], &text);
    out.Set(i, text);
  });
  return out.Finish();
}

// ---------------------------------------------------------------------------------------
// Spark's error messages (error-classes.json of Spark 3.5).

// "\"BIGINT\"", as toSQLType renders a type.
std::string SqlType(const DataType& type);
// 'it''s' -> 'it\'s', as Literal.sql renders a STRING value in error messages.
std::string SqlString(std::string_view s);

// [CAST_INVALID_INPUT] The value <value_sql> of the type "<from>" cannot be cast to
// "<to>" because it is malformed. ...
Status CastInvalidInput(const std::string& value_sql, const DataType& from, const DataType& to);

// STRING to a fixed-width type through parse(text, ansi, Out*) -> bool: a value that
// does not parse is NULL, or in ANSI mode a CAST_INVALID_INPUT error naming it.
template <typename Out, typename Parse>
Result<Datum> CastFromString(EvalContext& ctx, const Datum& in, const DataType& to,
                             const RowSet& rows, Parse&& parse) {
  return WithMode(ctx.ansi(), [&](auto mode) {
    constexpr bool kAnsi = decltype(mode)::value;
    return MapFixed<StringRef, Out>(
        in, to, rows,
        [&](StringRef v, Out* o) {
          if (parse(v.view(), kAnsi, o)) return Outcome::kOk;
          return kAnsi ? Outcome::kError : Outcome::kNull;
        },
        [&](StringRef v) { return CastInvalidInput(SqlString(v.view()), in.type(), to); });
  });
}
// [CAST_OVERFLOW] The value <value_sql> of the type "<from>" cannot be cast to "<to>"
// due to an overflow. ...
Status CastOverflow(const std::string& value_sql, const DataType& from, const DataType& to);
// [NUMERIC_VALUE_OUT_OF_RANGE] <plain> cannot be represented as Decimal(p, s). ...
Status DecimalOutOfRange(const std::string& plain_value, const DataType& to);
// [NUMERIC_OUT_OF_SUPPORTED_RANGE] The value <text> cannot be interpreted as a numeric
// since it has more than 38 digits.
Status DecimalTooManyDigits(std::string_view text);

// Literal.sql renderings used as <value> above: 3000000000L, 1.0E10D, 12.5BD,
// TIMESTAMP '2024-01-01 00:00:00' (in the session zone).
std::string SqlBigint(int64_t v);
std::string SqlDouble(double v);
std::string SqlDecimal(Int128 unscaled, int scale);
std::string SqlTimestamp(int64_t micros, const TimeZone& tz);

// ---------------------------------------------------------------------------------------
// Text parsing, as Spark parses strings in CAST.

// UTF8String.trimAll: drops ASCII whitespace and ISO control bytes (0x00-0x20, 0x7F).
std::string_view TrimAll(std::string_view s);
// java.lang.String.trim: drops chars <= 0x20.
std::string_view TrimJava(std::string_view s);

// UTF8String.toLong / toInt (non-ANSI, allow_fraction = true: "1.9" -> 1) and
// toLongExact / toIntExact (ANSI, allow_fraction = false). False when malformed or out
// of range.
bool ParseSparkInt64(std::string_view s, bool allow_fraction, int64_t* out);
bool ParseSparkInt32(std::string_view s, bool allow_fraction, int32_t* out);

// java.lang.Double.valueOf, then Spark's special literals ("inf", "-infinity", "nan",
// case-insensitive). False when neither accepts the text.
bool ParseSparkDouble(std::string_view s, double* out);

// StringUtils.isTrueString / isFalseString. False when the text is neither.
bool ParseSparkBoolean(std::string_view s, bool* out);

// A number in java.math.BigDecimal's grammar, "[+-]digits[.digits][e[+-]digits]",
// decomposed: value = (sign) digits * 10^exponent, `digits` without leading zeros
// (empty for zero).
struct DecimalText {
  bool negative = false;
  std::string_view int_digits;   // digits before the point, as written
  std::string_view frac_digits;  // digits after the point, as written
  int64_t exponent = 0;          // the written exponent
};
bool ParseBigDecimalText(std::string_view s, DecimalText* out);

enum class DecimalFit : uint8_t { kOk, kOverflow, kTooManyDigits };
// Rounds a parsed number HALF_UP to DECIMAL(precision, scale), as Decimal.fromString
// then changePrecision do. kTooManyDigits: more than 38 integral digits (Spark refuses
// those before rounding); kOverflow: the rounded value needs more than `precision`.
DecimalFit FitDecimal(const DecimalText& t, int precision, int scale, Int128* out);
// The parsed number as Decimal.toPlainString prints it (error messages only).
std::string DecimalTextPlain(const DecimalText& t);

// DateTimeUtils.stringToDate: "[+-]yyyy[y..]", "yyyy-[m]m", "yyyy-[m]m-[d]d", the last
// optionally followed by ' ' or 'T' and anything.
bool ParseSparkDate(std::string_view s, int32_t* days);

// DateTimeUtils.stringToTimestamp: a date, optionally a time "[h]h:[m]m:[s]s.[us]" and a
// zone id; a bare time "[T]hh:mm:ss" takes today's date (from `now_micros`, Spark reads
// the clock) in the zone. Without a zone the session zone applies; local times in a DST
// gap move forward by the gap, repeated ones take the earlier offset (java.time rules).
bool ParseSparkTimestamp(std::string_view s, const TimeZone& session, int64_t now_micros,
                         int64_t* micros);

// java.time.ZoneId.of(id, SHORT_IDS) after Spark's getZoneId fix-ups ("+8:00" ->
// "+08:00"): "Z", "+h[h][[:]mm[[:]ss]]", "UTC", "GMT+8", "UT-03:30", "PST",
// "America/Los_Angeles".
bool ResolveZoneId(std::string_view id, absl::TimeZone* zone);

// IntervalUtils.stringToInterval: "[interval] [+-]n unit[s] ..." with units year, month,
// week, day, hour, minute, second (with a fraction), millisecond, microsecond.
bool ParseSparkInterval(std::string_view s, Interval* out);

// ---------------------------------------------------------------------------------------
// Number conversions.

// Java's (int)/(long) of a double: NaN -> 0, saturating, truncating toward zero.
int64_t JavaDoubleToInt64(double v);
int32_t JavaDoubleToInt32(double v);
// DoubleExactNumeric.toLong / toInt's range test (ANSI): compared in double, so 2^63
// itself passes and saturates, exactly as in Spark.
bool DoubleFitsInt64(double v);
bool DoubleFitsInt32(double v);

// Rescales a DECIMAL unscaled value HALF_UP (Decimal.toPrecision). False on overflow.
bool RescaleDecimal(Int128 v, int from_scale, int to_precision, int to_scale, Int128* out);
// Decimal.toDouble: the double nearest to unscaled * 10^-scale.
double DecimalToDouble(Int128 unscaled, int scale);
// Decimal(double) then changePrecision: the digits of Double.toString rounded HALF_UP.
// `scratch` is reused text space. REQUIRES: v is finite.
DecimalFit DoubleToDecimal(double v, int precision, int scale, std::string* scratch, Int128* out);
// The Decimal(double) value as toPlainString prints it (error messages only).
std::string DoublePlainDecimal(double v);

// ---------------------------------------------------------------------------------------
// Time zones: the session zone with a fast path for UTC.

class ZoneRules {
 public:
  explicit ZoneRules(const absl::TimeZone& zone);

  // The UTC instant of a local wall time (java.time ZonedDateTime.of rules). False
  // when it does not fit in int64 microseconds.
  bool LocalToMicros(int64_t year, int month, int day, int hour, int minute, int second,
                     int64_t micros, int64_t* out) const;
  // DateTimeUtils.microsToDays: the local date of an instant.
  int32_t MicrosToDays(int64_t micros) const;
  // DateTimeUtils.daysToMicros: local midnight of a date. False on overflow.
  bool DaysToMicros(int32_t days, int64_t* out) const;

 private:
  absl::TimeZone zone_;
  bool utc_;
};

// ---------------------------------------------------------------------------------------
// Rendering.

// java.math.BigDecimal.toString is AppendJavaBigDecimal in types/decimal.h.

struct StringOptions {
  const TimeZone* time_zone;
  // ANSI mode renders decimals plain (Cast.useDecimalPlainString).
  bool decimal_plain;
};
// One value of any type as Cast renders it to STRING, nested NULLs as "null".
void AppendCastString(const Column& column, int64_t row, const StringOptions& options,
                      std::string* out);

// ---------------------------------------------------------------------------------------
// Kernels by target type (cast_numeric.cc, cast_datetime.cc, cast_string.cc). REQUIRES: the input
// type is a source CanCast accepts for that target, and the loop requirement above.

Result<Datum> CastToString(EvalContext& ctx, const Datum& in, const DataType& to,
                           const RowSet& rows);
Result<Datum> CastToBinary(const Datum& in, const DataType& to, const RowSet& rows);
Result<Datum> CastToBoolean(EvalContext& ctx, const Datum& in, const DataType& to,
                            const RowSet& rows);
Result<Datum> CastToInt32(EvalContext& ctx, const Datum& in, const DataType& to,
                          const RowSet& rows);
Result<Datum> CastToInt64(EvalContext& ctx, const Datum& in, const DataType& to,
                          const RowSet& rows);
Result<Datum> CastToDouble(EvalContext& ctx, const Datum& in, const DataType& to,
                           const RowSet& rows);
Result<Datum> CastToDecimal(EvalContext& ctx, const Datum& in, const DataType& to,
                            const RowSet& rows);
Result<Datum> CastToDate(EvalContext& ctx, const Datum& in, const DataType& to, const RowSet& rows);
Result<Datum> CastToTimestamp(EvalContext& ctx, const Datum& in, const DataType& to,
                              const RowSet& rows);
Result<Datum> CastToInterval(const Datum& in, const DataType& to, const RowSet& rows);

}  // namespace weir::cast_internal

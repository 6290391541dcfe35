// CAST to DATE, TIMESTAMP and INTERVAL, and the session time zone's rules (ZoneRules).
// Each conversion cites the Spark 3.5 code it follows (Cast.scala unless noted).

#include <cmath>
#include <limits>

#include "weir/expr/cast_internal.h"

namespace weir::cast_internal {

namespace {

using UInt128 = unsigned __int128;

// Java's (long) of a 128-bit integer: its low 64 bits (BigDecimal.longValue).
int64_t Low64(Int128 v) { return static_cast<int64_t>(static_cast<uint64_t>(v)); }

}  // namespace

// ---------------------------------------------------------------------------------------
// Time zones.

ZoneRules::ZoneRules(const absl::TimeZone& zone) : zone_(zone), utc_(zone == absl::UTCTimeZone()) {}

bool ZoneRules::LocalToMicros(int64_t year, int month, int day, int hour, int minute, int second,
                              int64_t micros, int64_t* out) const {
  int64_t secs;
  if (utc_) {
    secs = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  } else {
    // java.time: a time in a gap moves forward by the gap (the pre-transition offset),
    // a repeated time takes the earlier offset (also the pre-transition one).
    absl::TimeZone::TimeInfo info =
        zone_.At(absl::CivilSecond(year, month, day, hour, minute, second));
    secs = absl::ToUnixSeconds(info.pre);
  }
  int64_t us;
  return !__builtin_mul_overflow(secs, kMicrosPerSecond, &us) &&
         !__builtin_add_overflow(us, micros, out);
}

int32_t ZoneRules::MicrosToDays(int64_t micros) const {
  int64_t secs = FloorDiv(micros, kMicrosPerSecond);
  int64_t offset = utc_ ? 0 : zone_.At(absl::FromUnixSeconds(secs)).offset;
  return static_cast<int32_t>(FloorDiv(secs + offset, 86400));
}

bool ZoneRules::DaysToMicros(int32_t days, int64_t* out) const {
  if (utc_) return !__builtin_mul_overflow(int64_t{days}, kMicrosPerDay, out);
  CivilDate c = CivilFromDays(days);
  return LocalToMicros(c.year, c.month, c.day, 0, 0, 0, 0, out);
}

// ---------------------------------------------------------------------------------------
// Kernels.

Result<Datum> CastToDate(EvalContext& ctx, const Datum& in, const DataType& to,
                         const RowSet& rows) {
  const DataType& from = in.type();
  switch (from.id()) {
    case TypeId::kString:
      // stringToDate, or stringToDateAnsi's CAST_INVALID_INPUT.
      return CastFromString<int32_t>(ctx, in, to, rows, [](std::string_view v, bool, int32_t* o) {
        return ParseSparkDate(v, o);
      });
    case TypeId::kTimestamp: {
      // microsToDays in the session zone.
      ZoneRules zone(ctx.time_zone().zone());
      return MapFixedTotal<int64_t, int32_t>(in, to, rows,
                                             [&zone](int64_t v) { return zone.MicrosToDays(v); });
    }
    default:
      return Unsupported(from, to);
  }
}

Result<Datum> CastToTimestamp(EvalContext& ctx, const Datum& in, const DataType& to,
                              const RowSet& rows) {
  const DataType& from = in.type();
  switch (from.id()) {
    case TypeId::kString: {
      // stringToTimestamp in the session zone, or stringToTimestampAnsi's error.
      const TimeZone& tz = ctx.time_zone();
      const int64_t now = ctx.options().current_timestamp_micros;
      return CastFromString<int64_t>(ctx, in, to, rows, [&](std::string_view v, bool, int64_t* o) {
        return ParseSparkTimestamp(v, tz, now, o);
      });
    }
    case TypeId::kBoolean:
      // `if (b) 1L else 0L`: one microsecond, not one second.
      return MapFixedTotal<uint8_t, int64_t>(in, to, rows, [](uint8_t v) { return v ? 1 : 0; });
    case TypeId::kInt32:
    case TypeId::kInt64: {
      // longToTimestamp: TimeUnit.SECONDS.toMicros, which saturates.
      auto to_micros = [](int64_t v) -> int64_t {
        constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / kMicrosPerSecond;
        if (v > kMax) return std::numeric_limits<int64_t>::max();
        if (v < -kMax) return std::numeric_limits<int64_t>::min();
        return v * kMicrosPerSecond;
      };
      if (from.id() == TypeId::kInt32) {
        return MapFixedTotal<int32_t, int64_t>(in, to, rows, to_micros);
      }
      return MapFixedTotal<int64_t, int64_t>(in, to, rows, to_micros);
    }
    case TypeId::kDouble:
      // doubleToTimestamp: NaN/Infinity are NULL, else (long)(d * 1e6). ANSI
      // (doubleToTimestampAnsi): NaN/Infinity are CAST_INVALID_INPUT, and the product
      // must fit a BIGINT (DoubleExactNumeric.toLong).
      return WithMode(ctx.ansi(), [&](auto mode) {
        constexpr bool kAnsi = decltype(mode)::value;
        return MapFixed<double, int64_t>(
            in, to, rows,
            [](double v, int64_t* o) {
              if (!std::isfinite(v)) return kAnsi ? Outcome::kError : Outcome::kNull;
              double us = v * static_cast<double>(kMicrosPerSecond);
              if (kAnsi && !DoubleFitsInt64(us)) return Outcome::kError;
              *o = JavaDoubleToInt64(us);
              return Outcome::kOk;
            },
            [&](double v) {
              if (!std::isfinite(v)) return CastInvalidInput(SqlDouble(v), from, to);
              return CastOverflow(SqlDouble(v * static_cast<double>(kMicrosPerSecond)), from,
                                  DataType::Int64());
            });
      });
    case TypeId::kDecimal: {
      // decimalToTimestamp: (d * 1000000).longValue -- truncated, then the low 64 bits,
      // in both modes. The product's low 64 bits do not depend on 128-bit wraparound.
      const int scale = from.scale();
      return MapFixedTotal<Int128, int64_t>(in, to, rows, [scale](Int128 v) {
        if (scale >= 6) return Low64(v / PowerOfTen(scale - 6));
        UInt128 product = static_cast<UInt128>(v) * static_cast<UInt128>(PowerOfTen(6 - scale));
        return static_cast<int64_t>(static_cast<uint64_t>(product));
      });
    }
    case TypeId::kDate: {
      // daysToMicros: local midnight in the session zone. Math.multiplyExact fails in
      // Spark for dates beyond +-290k years, in both modes.
      ZoneRules zone(ctx.time_zone().zone());
      return MapFixed<int32_t, int64_t>(
          in, to, rows,
          [&zone](int32_t v, int64_t* o) {
            return zone.DaysToMicros(v, o) ? Outcome::kOk : Outcome::kError;
          },
          [](int32_t v) {
            return Status::InvalidInput("[ARITHMETIC_OVERFLOW] long overflow casting DATE '" +
                                        FormatDate(v) + "' to TIMESTAMP.");
          });
    }
    default:
      return Unsupported(from, to);
  }
}

Result<Datum> CastToInterval(const Datum& in, const DataType& to, const RowSet& rows) {
  const DataType& from = in.type();
  if (from.id() != TypeId::kString) return Unsupported(from, to);
  // castToInterval: IntervalUtils.safeStringToInterval -- NULL when malformed, in both
  // modes.
  return MapFixed<StringRef, Interval>(
      in, to, rows,
      [](StringRef v, Interval* o) {
        return ParseSparkInterval(v.view(), o) ? Outcome::kOk : Outcome::kNull;
      },
      [](StringRef) { return Status::Internal("interval parsing has no error path"); });
}

}  // namespace weir::cast_internal

// Datetime fields, truncation, construction and zone shifts, as Spark 3.5's
// datetimeExpressions.scala defines them: year, quarter, month, weekofyear,
// dayofmonth (day), dayofweek, weekday, dayofyear, hour, minute, second,
// date_trunc, trunc, make_date, make_timestamp, from_utc_timestamp,
// to_utc_timestamp.
//
// Date fields read a DATE (a TIMESTAMP is first cast to its date in the session
// zone); time fields read a TIMESTAMP's wall clock in the session zone. UTC and
// fixed offsets are pure arithmetic; zones with DST do one transition lookup per row.

#include <optional>

#include "weir/expr/cast.h"
#include "weir/expr/cast_internal.h"
#include "weir/functions/datetime_internal.h"
#include "weir/functions/kernel_util.h"

namespace weir::datetime {

namespace {

// ISO-8601 week of the week-based year (IsoFields.WEEK_OF_WEEK_BASED_YEAR).
int IsoWeek(int64_t days) {
  const int64_t thursday = days - IsoDayOfWeek(days) + 4;
  const int64_t jan1 = DaysFromCivil(CivilFromDays(thursday).year, 1, 1);
  return static_cast<int>((thursday - jan1) / 7 + 1);
}

template <typename Op>
void RegisterDateField(FunctionRegistry* r, const char* name, const char* usage, Op op) {
  std::string n = name;
  r->Register(
      {n, 1, 1, usage,
       [n, op](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
         ASSIGN_OR_RAISE(args[0], DateArg(n, args, 0));
         return MakeCall(
             n, DataType::Int32(), true,
             [op](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
               return kernels::MapUnary<int32_t, int32_t>(DataType::Int32(), in[0], rows, op);
             },
             std::move(args));
       }});
}

// hour / minute / second: `unit` and `modulo` pick the field from the local time.
void RegisterTimeField(FunctionRegistry* r, const char* name, const char* usage, int64_t unit,
                       int64_t modulo) {
  std::string n = name;
  r->Register(
      {n, 1, 1, usage,
       [n, unit, modulo](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
         ASSIGN_OR_RAISE(args[0], TimestampArg(n, args, 0));
         return MakeCall(
             n, DataType::Int32(), true,
             [unit, modulo](EvalContext& ctx, const std::vector<Datum>& in,
                            const RowSet& rows) -> Result<Datum> {
               const ZoneCalc zone(ctx.time_zone().zone());
               auto field = [unit, modulo](int64_t local) {
                 return static_cast<int32_t>(FloorMod(FloorDiv(local, unit), modulo));
               };
               if (zone.fixed()) {
                 const int64_t off = zone.fixed_offset_seconds() * kMicrosPerSecond;
                 return kernels::MapUnary<int64_t, int32_t>(
                     DataType::Int32(), in[0], rows,
                     [field, off](int64_t v) { return field(v + off); });
               }
               return kernels::MapUnary<int64_t, int32_t>(
                   DataType::Int32(), in[0], rows,
                   [field, &zone](int64_t v) { return field(zone.ToLocal(v)); });
             },
             std::move(args));
       }});
}

// ---- truncation ----------------------------------------------------------------------

// truncTimestamp for MINUTE / HOUR / DAY: ZonedDateTime.truncatedTo, which keeps the
// offset when the truncated wall time still has it.
int64_t TruncToUnit(const ZoneCalc& zone, int64_t v, int64_t unit) {
  const int64_t off = zone.OffsetAt(v);
  const int64_t local = v + off * kMicrosPerSecond;
  const int64_t truncated_local = local - FloorMod(local, unit);
  const int64_t candidate = truncated_local - off * kMicrosPerSecond;
  if (zone.OffsetAt(candidate) == off) return candidate;
  return zone.FromLocal(truncated_local, off);
}

template <int64_t kUnit>
Datum TruncFixed(const Datum& in, const RowSet& rows, int64_t offset_micros) {
  return kernels::MapUnary<int64_t, int64_t>(DataType::Timestamp(), in, rows,
                                             [offset_micros](int64_t v) {
                                               const int64_t shifted = v + offset_micros;
                                               const int64_t r = shifted % kUnit;
                                               return v - (r < 0 ? r + kUnit : r);
                                             });
}

Datum TruncTimestamp(const Datum& in, const RowSet& rows, TruncLevel level, const ZoneCalc& zone) {
  switch (level) {
    case kTruncMicrosecond:
      return kernels::MapUnary<int64_t, int64_t>(DataType::Timestamp(), in, rows,
                                                 [](int64_t v) { return v; });
    case kTruncMillisecond:
      return TruncFixed<1000>(in, rows, 0);
    case kTruncSecond:
      return TruncFixed<kMicrosPerSecond>(in, rows, 0);
    case kTruncMinute:
    case kTruncHour:
    case kTruncDay: {
      const int64_t unit = level == kTruncMinute ? kMicrosPerMinute
                           : level == kTruncHour ? kMicrosPerHour
                                                 : kMicrosPerDay;
      if (zone.fixed()) {
        const int64_t off = zone.fixed_offset_seconds() * kMicrosPerSecond;
        if (level == kTruncMinute) return TruncFixed<kMicrosPerMinute>(in, rows, off);
        if (level == kTruncHour) return TruncFixed<kMicrosPerHour>(in, rows, off);
        return TruncFixed<kMicrosPerDay>(in, rows, off);
      }
      return kernels::MapUnary<int64_t, int64_t>(
          DataType::Timestamp(), in, rows,
          [&zone, unit](int64_t v) { return TruncToUnit(zone, v, unit); });
    }
    default:
      return kernels::MapUnary<int64_t, int64_t>(
          DataType::Timestamp(), in, rows, [&zone, level](int64_t v) {
            return zone.DaysToMicros(TruncDate(zone.MicrosToDays(v), level));
          });
  }
}

// date_trunc(fmt, ts) and trunc(date, fmt): an unknown format is NULL.
Result<ExprPtr> ResolveTrunc(std::vector<ExprPtr> args, bool timestamp) {
  const char* name = timestamp ? "date_trunc" : "trunc";
  const size_t fmt = timestamp ? 0 : 1, val = timestamp ? 1 : 0;
  ASSIGN_OR_RAISE(args[fmt], StringArg(name, args, fmt));
  if (timestamp) {
    ASSIGN_OR_RAISE(args[val], TimestampArg(name, args, val));
  } else {
    ASSIGN_OR_RAISE(args[val], DateArg(name, args, val));
  }
  std::optional<TruncLevel> constant;
  std::string text;
  bool is_null = false;
  if (LiteralString(args[fmt], &text, &is_null) && !is_null) constant = ParseTruncLevel(text);
  return MakeCall(
      name, timestamp ? DataType::Timestamp() : DataType::Date(), true,
      [constant, timestamp, fmt, val](EvalContext& ctx, const std::vector<Datum>& in,
                                      const RowSet& rows) -> Result<Datum> {
        const Datum& f = in[fmt];
        const Datum& v = in[val];
        const DataType type = timestamp ? DataType::Timestamp() : DataType::Date();
        std::optional<TruncLevel> level = constant;
        if (!level && f.is_constant()) {
          if (f.IsNull(0)) return Datum::Null(type);
          level = ParseTruncLevel(f.Get<StringRef>(0).view());
        }
        if (level) {
          if (*level == kTruncInvalid || (!timestamp && *level < kTruncWeek)) {
            return Datum::Null(type);
          }
          if (!timestamp) {
            const TruncLevel l = *level;
            return kernels::MapUnary<int32_t, int32_t>(type, v, rows,
                                                       [l](int32_t d) { return TruncDate(d, l); });
          }
          const ZoneCalc zone(ctx.time_zone().zone());
          return TruncTimestamp(v, rows, *level, zone);
        }
        // A format per row.
        const ZoneCalc zone(ctx.time_zone().zone());
        FixedResult<int64_t> ts_out(type, rows);
        FixedResult<int32_t> date_out(type, rows);
        ResultValidity& validity = timestamp ? ts_out.validity() : date_out.validity();
        validity.InitFromArgs(in.data(), in.size(), rows);
        rows.ForEach([&](int64_t i) {
          if (!validity.IsValid(i)) return;
          const TruncLevel l = ParseTruncLevel(f.Get<StringRef>(i).view());
          if (l == kTruncInvalid || (!timestamp && l < kTruncWeek)) {
            validity.SetNull(i);
          } else if (timestamp) {
            const int64_t t = v.Get<int64_t>(i);
            int64_t r = t;
            if (l == kTruncMillisecond) r = t - FloorMod(t, 1000);
            if (l == kTruncSecond) r = t - FloorMod(t, kMicrosPerSecond);
            if (l == kTruncMinute) r = TruncToUnit(zone, t, kMicrosPerMinute);
            if (l == kTruncHour) r = TruncToUnit(zone, t, kMicrosPerHour);
            if (l == kTruncDay) r = TruncToUnit(zone, t, kMicrosPerDay);
            if (l >= kTruncWeek) r = zone.DaysToMicros(TruncDate(zone.MicrosToDays(t), l));
            ts_out.Set(i, r);
          } else {
            date_out.Set(i, TruncDate(v.Get<int32_t>(i), l));
          }
        });
        return timestamp ? ts_out.Finish() : date_out.Finish();
      },
      std::move(args));
}

// ---- construction --------------------------------------------------------------------

Status DateTimeFieldError(const std::string& message) {
  return Status::InvalidInput("[DATETIME_FIELD_OUT_OF_BOUNDS] " + message +
                              ". If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
                              "bypass this error.");
}

// LocalDate.of's validation; an empty message when valid.
std::string CheckDate(int64_t y, int64_t m, int64_t d) {
  static constexpr std::string_view kUpper[12] = {"JANUARY",   "FEBRUARY", "MARCH",    "APRIL",
                                                  "MAY",       "JUNE",     "JULY",     "AUGUST",
                                                  "SEPTEMBER", "OCTOBER",  "NOVEMBER", "DECEMBER"};
  if (y < -999999999 || y > 999999999) {
    return "Invalid value for Year (valid values -999999999 - 999999999): " + std::to_string(y);
  }
  if (m < 1 || m > 12) {
    return "Invalid value for MonthOfYear (valid values 1 - 12): " + std::to_string(m);
  }
  if (d < 1 || d > 31) {
    return "Invalid value for DayOfMonth (valid values 1 - 28/31): " + std::to_string(d);
  }
  if (d > DaysInMonth(y, static_cast<int>(m))) {
    if (d == 29)
      return "Invalid date 'February 29' as '" + std::to_string(y) + "' is not a leap year";
    return "Invalid date '" + std::string(kUpper[m - 1]) + " " + std::to_string(d) + "'";
  }
  return "";
}

// make_date(year, month, day).
Result<Datum> EvalMakeDate(EvalContext& ctx, const std::vector<Datum>& in, const RowSet& rows) {
  FixedResult<int32_t> out(DataType::Date(), rows);
  out.validity().InitFromArgs(in.data(), in.size(), rows);
  Status st;
  rows.ForEach([&](int64_t i) {
    if (!st.ok() || !out.validity().IsValid(i)) return;
    const int64_t y = in[0].Get<int32_t>(i), m = in[1].Get<int32_t>(i), d = in[2].Get<int32_t>(i);
    std::string err = CheckDate(y, m, d);
    if (err.empty()) {
      out.Set(i, static_cast<int32_t>(DaysFromCivil(y, static_cast<int>(m), static_cast<int>(d))));
    } else if (ctx.ansi()) {
      st = DateTimeFieldError(err);
    } else {
      out.SetNull(i);
    }
  });
  RETURN_NOT_OK(st);
  return out.Finish();
}

// make_timestamp(year, month, day, hour, min, sec DECIMAL(16,6)[, timezone]).
Result<Datum> EvalMakeTimestamp(EvalContext& ctx, const std::vector<Datum>& in,
                                const RowSet& rows) {
  FixedResult<int64_t> out(DataType::Timestamp(), rows);
  out.validity().InitFromArgs(in.data(), in.size(), rows);
  const ZoneCalc session(ctx.time_zone().zone());
  std::string last_tz;
  std::optional<ZoneCalc> row_zone;
  Status st;
  rows.ForEach([&](int64_t i) {
    if (!st.ok() || !out.validity().IsValid(i)) return;
    int64_t f[5];
    for (int k = 0; k < 5; ++k) f[k] = in[static_cast<size_t>(k)].Get<int32_t>(i);
    const Int128 sec_us = in[5].Get<Int128>(i);
    std::string err = CheckDate(f[0], f[1], f[2]);
    if (err.empty() && (f[3] < 0 || f[3] > 23)) {
      err = "Invalid value for HourOfDay (valid values 0 - 23): " + std::to_string(f[3]);
    }
    if (err.empty() && (f[4] < 0 || f[4] > 59)) {
      err = "Invalid value for MinuteOfHour (valid values 0 - 59): " + std::to_string(f[4]);
    }
    int64_t seconds = static_cast<int64_t>(sec_us / 1000000),
            frac = static_cast<int64_t>(sec_us % 1000000);
    if (err.empty() && (sec_us < 0 || seconds > 60 || (seconds == 60 && frac != 0))) {
      err = seconds == 60 ? "The fraction of sec must be zero. Valid range is [0, 60]"
                          : "Invalid value for SecondOfMinute (valid values 0 - 59): " +
                                std::to_string(seconds);
    }
    const ZoneCalc* zone = &session;
    if (err.empty() && in.size() > 6) {
      std::string_view tz = in[6].Get<StringRef>(i).view();
      if (!row_zone || tz != last_tz) {
        absl::TimeZone z;
        last_tz = std::string(tz);
        row_zone.reset();
        if (cast_internal::ResolveZoneId(tz, &z)) row_zone.emplace(z);
      }
      if (!row_zone) err = "Invalid time zone: " + std::string(tz);
      zone = row_zone ? &*row_zone : zone;
    }
    if (!err.empty()) {
      if (ctx.ansi()) {
        st = DateTimeFieldError(err);
      } else {
        out.SetNull(i);
      }
      return;
    }
    // sec = 60 means the next minute (Spark's leap-second allowance).
    const int64_t local =
        DaysFromCivil(f[0], static_cast<int>(f[1]), static_cast<int>(f[2])) * kMicrosPerDay +
        f[3] * kMicrosPerHour + f[4] * kMicrosPerMinute + seconds * kMicrosPerSecond + frac;
    out.Set(i, zone->FromLocal(local));
  });
  RETURN_NOT_OK(st);
  return out.Finish();
}

// from_utc_timestamp / to_utc_timestamp: DateTimeUtils.convertTz.
Result<Datum> EvalConvertTz(const std::vector<Datum>& in, const RowSet& rows, bool from_utc) {
  FixedResult<int64_t> out(DataType::Timestamp(), rows);
  out.validity().InitFromArgs(in.data(), in.size(), rows);
  std::string last_tz;
  std::optional<ZoneCalc> zone;
  Status st;
  rows.ForEach([&](int64_t i) {
    if (!st.ok() || !out.validity().IsValid(i)) return;
    std::string_view tz = in[1].Get<StringRef>(i).view();
    if (!zone || tz != last_tz) {
      absl::TimeZone z;
      if (!cast_internal::ResolveZoneId(tz, &z)) {
        st = Status::InvalidInput("[INVALID_TIMEZONE] The timezone: " + std::string(tz) +
                                  " is invalid. The timezone must be either a region-based zone "
                                  "ID or a zone offset.");
        return;
      }
      last_tz = std::string(tz);
      zone.emplace(z);
    }
    const int64_t v = in[0].Get<int64_t>(i);
    out.Set(i, from_utc ? zone->ToLocal(v) : zone->FromLocal(v));
  });
  RETURN_NOT_OK(st);
  return out.Finish();
}

}  // namespace

void RegisterDatetimeFieldFunctions(FunctionRegistry* r) {
  RegisterDateField(r, "year", "year(date) - Returns the year component of the date/timestamp.",
                    [](int32_t d) { return static_cast<int32_t>(CivilFromDays(d).year); });
  RegisterDateField(
      r, "quarter",
      "quarter(date) - Returns the quarter of the year for date, in the range 1 to 4.",
      [](int32_t d) { return (CivilFromDays(d).month - 1) / 3 + 1; });
  RegisterDateField(r, "month", "month(date) - Returns the month component of the date/timestamp.",
                    [](int32_t d) { return CivilFromDays(d).month; });
  RegisterDateField(r, "dayofmonth",
                    "dayofmonth(date) - Returns the day of month of the date/timestamp.",
                    [](int32_t d) { return CivilFromDays(d).day; });
  RegisterDateField(r, "day", "day(date) - Returns the day of month of the date/timestamp.",
                    [](int32_t d) { return CivilFromDays(d).day; });
  RegisterDateField(r, "dayofweek",
                    "dayofweek(date) - Returns the day of the week for date/timestamp (1 = Sunday, "
                    "2 = Monday, ..., 7 = Saturday).",
                    [](int32_t d) { return IsoDayOfWeek(d) % 7 + 1; });
  RegisterDateField(r, "weekday",
                    "weekday(date) - Returns the day of the week for date/timestamp (0 = Monday, "
                    "1 = Tuesday, ..., 6 = Sunday).",
                    [](int32_t d) { return IsoDayOfWeek(d) - 1; });
  RegisterDateField(r, "dayofyear",
                    "dayofyear(date) - Returns the day of year of the date/timestamp.",
                    [](int32_t d) { return DayOfYear(d); });
  RegisterDateField(r, "weekofyear",
                    "weekofyear(date) - Returns the week of the year of the given date. A week is "
                    "considered to start on a Monday and week 1 is the first week with >3 days.",
                    [](int32_t d) { return IsoWeek(d); });
  RegisterTimeField(r, "hour",
                    "hour(timestamp) - Returns the hour component of the string/timestamp.",
                    kMicrosPerHour, 24);
  RegisterTimeField(r, "minute",
                    "minute(timestamp) - Returns the minute component of the string/timestamp.",
                    kMicrosPerMinute, 60);
  RegisterTimeField(r, "second",
                    "second(timestamp) - Returns the second component of the string/timestamp.",
                    kMicrosPerSecond, 60);
  r->Register({"date_trunc", 2, 2,
               "date_trunc(fmt, ts) - Returns timestamp `ts` truncated to the unit specified by "
               "the format model `fmt`.",
               [](std::vector<ExprPtr> args, const ResolveOptions&) {
                 return ResolveTrunc(std::move(args), true);
               }});
  r->Register({"trunc", 2, 2,
               "trunc(date, fmt) - Returns `date` with the time portion of the day truncated to "
               "the unit specified by the format model `fmt`.",
               [](std::vector<ExprPtr> args, const ResolveOptions&) {
                 return ResolveTrunc(std::move(args), false);
               }});
  r->Register({"make_date", 3, 3,
               "make_date(year, month, day) - Create date from year, month and day fields.",
               [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
                 for (size_t k = 0; k < 3; ++k) {
                   ASSIGN_OR_RAISE(args[k], IntArg("make_date", args, k));
                 }
                 return MakeCall("make_date", DataType::Date(), true, EvalMakeDate,
                                 std::move(args));
               }});
  r->Register({"make_timestamp", 6, 7,
               "make_timestamp(year, month, day, hour, min, sec[, timezone]) - Create timestamp "
               "from year, month, day, hour, min, sec and timezone fields.",
               [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
                 for (size_t k = 0; k < 5; ++k) {
                   ASSIGN_OR_RAISE(args[k], IntArg("make_timestamp", args, k));
                 }
                 const DataType& st = args[5]->type();
                 if (!st.is_null() && !st.is_numeric() && st.id() != TypeId::kString) {
                   return UnexpectedInputType("make_timestamp", args, 5, "\"DECIMAL(16,6)\"");
                 }
                 ASSIGN_OR_RAISE(args[5], Cast(args[5], DataType::DecimalUnchecked(16, 6)));
                 if (args.size() > 6) {
                   ASSIGN_OR_RAISE(args[6], StringArg("make_timestamp", args, 6));
                 }
                 return MakeCall("make_timestamp", DataType::Timestamp(), true, EvalMakeTimestamp,
                                 std::move(args));
               }});
  for (bool from_utc : {true, false}) {
    std::string name = from_utc ? "from_utc_timestamp" : "to_utc_timestamp";
    r->Register(
        {name, 2, 2,
         name + "(timestamp, timezone) - " +
             (from_utc ? "Given a timestamp in UTC, renders it as a timestamp in the "
                         "given time zone."
                       : "Given a timestamp in the given time zone, renders it as a "
                         "timestamp in UTC."),
         [name, from_utc](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
           ASSIGN_OR_RAISE(args[0], TimestampArg(name, args, 0));
           ASSIGN_OR_RAISE(args[1], StringArg(name, args, 1));
           return MakeCall(
               name, DataType::Timestamp(), true,
               [from_utc](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
                 return EvalConvertTz(in, rows, from_utc);
               },
               std::move(args));
         }});
  }
}

}  // namespace weir::datetime

// date_part(field, source), its alias datepart, and extract(field, source) — the
// function the parser turns `EXTRACT(field FROM source)` into — as Spark 3.5's
// Extract / DatePart.parseExtractField / ExtractIntervalPart.parseExtractField
// define them.
//
// Like Spark's RuntimeReplaceable Extract, the call resolves to the expression the
// field names: year(source), hour(source), ... for DATE, TIMESTAMP, STRING and NULL
// sources (so implicit casts, time zones and type errors are exactly those
// functions'), and an interval part for INTERVAL sources.
//
// weir has one INTERVAL type, Spark's CalendarInterval (months, days, micros), and
// takes IntervalUtils' CalendarInterval accessors: YEAR = months / 12, MONTH =
// months % 12, DAY = days + micros / 1 day, HOUR = (micros % 1 day) / 1 hour, MINUTE =
// (micros % 1 hour) / 1 minute, SECOND = (micros % 1 minute) as DECIMAL(8,6) — all
// truncating toward zero, so a negative interval has negative parts. MONTH, HOUR and
// MINUTE are INT where Spark returns TINYINT (weir has no TINYINT).

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "weir/functions/datetime_internal.h"
#include "weir/functions/kernel_util.h"

namespace weir::datetime {

namespace {

enum class Field {
  kInvalid,
  kYear,
  kYearOfWeek,
  kQuarter,
  kMonth,
  kWeek,
  kDay,
  kDayOfWeek,
  kDayOfWeekIso,
  kDayOfYear,
  kHour,
  kMinute,
  kSecond,
};

// The field names and aliases of DatePart.parseExtractField, case-insensitive.
Field ParseField(std::string_view text) {
  std::string f(text);
  for (char& c : f) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  auto any = [&f](std::initializer_list<std::string_view> names) {
    for (std::string_view n : names) {
      if (f == n) return true;
    }
    return false;
  };
  if (any({"YEAR", "Y", "YEARS", "YR", "YRS"})) return Field::kYear;
  if (f == "YEAROFWEEK") return Field::kYearOfWeek;
  if (any({"QUARTER", "QTR"})) return Field::kQuarter;
  if (any({"MONTH", "MON", "MONS", "MONTHS"})) return Field::kMonth;
  if (any({"WEEK", "W", "WEEKS"})) return Field::kWeek;
  if (any({"DAY", "D", "DAYS"})) return Field::kDay;
  if (any({"DAYOFWEEK", "DOW"})) return Field::kDayOfWeek;
  if (any({"DAYOFWEEK_ISO", "DOW_ISO"})) return Field::kDayOfWeekIso;
  if (f == "DOY") return Field::kDayOfYear;
  if (any({"HOUR", "H", "HOURS", "HR", "HRS"})) return Field::kHour;
  if (any({"MINUTE", "M", "MIN", "MINS", "MINUTES"})) return Field::kMinute;
  if (any({"SECOND", "S", "SEC", "SECONDS", "SECS"})) return Field::kSecond;
  return Field::kInvalid;
}

// QueryCompilationErrors.literalTypeUnsupportedForSourceTypeError: the field as
// toSQLId quotes it, the source as toSQLExpr does.
Status InvalidExtractField(std::string_view field, const ExprPtr& source) {
  std::string id = "`";
  for (char c : field) id += c == '`' ? std::string("``") : std::string(1, c);
  id += "`";
  return Status::InvalidSql("[INVALID_EXTRACT_FIELD] Cannot extract " + id + " from \"" +
                            source->ToString() + "\".");
}

// The field argument's text: it must be a foldable STRING (or NULL) expression.
// nullopt for NULL.
Result<std::optional<std::string>> FieldText(std::string_view name, const ExprPtr& field) {
  const TypeId t = field->type().id();
  if ((t != TypeId::kString && t != TypeId::kNull) || !field->foldable()) {
    return Status::InvalidSql("[NON_FOLDABLE_ARGUMENT] The function `" + std::string(name) +
                              "` requires the parameter `field` to be a foldable expression of "
                              "the type \"STRING\", but the actual argument is a non-foldable.");
  }
  if (t == TypeId::kNull) return std::optional<std::string>();
  EvalOptions options;
  EvalContext ctx(options);
  Batch one = Batch::MakeRowsOnly(1);
  ASSIGN_OR_RAISE(Datum d, field->Eval(ctx, one, RowSet(1)));
  if (d.IsNull(0)) return std::optional<std::string>();
  return std::optional<std::string>(std::string(d.Get<StringRef>(0).view()));
}

// YearOfWeek: the ISO 8601 week-based year (IsoFields.WEEK_BASED_YEAR), which is the
// year of the Thursday of the date's week.
Result<ExprPtr> YearOfWeek(std::vector<ExprPtr> args) {
  ASSIGN_OR_RAISE(args[0], DateArg("yearofweek", args, 0));
  return MakeCall(
      "yearofweek", DataType::Int32(), true,
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        return kernels::MapUnary<int32_t, int32_t>(DataType::Int32(), in[0], rows, [](int32_t d) {
          const int64_t thursday = int64_t{d} - IsoDayOfWeek(d) + 4;
          return static_cast<int32_t>(CivilFromDays(thursday).year);
        });
      },
      std::move(args));
}

// SecondWithFraction: the seconds of the wall clock in the session zone, with the
// microseconds, as DECIMAL(8,6).
Result<ExprPtr> SecondWithFraction(std::vector<ExprPtr> args) {
  ASSIGN_OR_RAISE(args[0], TimestampArg("secondwithfraction", args, 0));
  const DataType type = DataType::DecimalUnchecked(8, 6);
  return MakeCall(
      "secondwithfraction", type, true,
      [type](EvalContext& ctx, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        const ZoneCalc zone(ctx.time_zone().zone());
        if (zone.fixed()) {
          const int64_t off = zone.fixed_offset_seconds() * kMicrosPerSecond;
          return kernels::MapUnary<int64_t, Int128>(type, in[0], rows, [off](int64_t v) {
            return static_cast<Int128>(FloorMod(v + off, kMicrosPerMinute));
          });
        }
        return kernels::MapUnary<int64_t, Int128>(type, in[0], rows, [&zone](int64_t v) {
          return static_cast<Int128>(FloorMod(zone.ToLocal(v), kMicrosPerMinute));
        });
      },
      std::move(args));
}

// A date or time field of a DATE / TIMESTAMP / STRING / NULL source: the expression
// DatePart.parseExtractField replaces it by.
Result<ExprPtr> DateTimePart(Field field, ExprPtr source, const ResolveOptions& options) {
  const FunctionRegistry& fns = FunctionRegistry::Builtins();
  auto call = [&](std::string_view fn) { return fns.Resolve(fn, {source}, options); };
  switch (field) {
    case Field::kYear:
      return call("year");
    case Field::kYearOfWeek:
      return YearOfWeek({source});
    case Field::kQuarter:
      return call("quarter");
    case Field::kMonth:
      return call("month");
    case Field::kWeek:
      return call("weekofyear");
    case Field::kDay:
      return call("dayofmonth");
    case Field::kDayOfWeek:
      return call("dayofweek");
    case Field::kDayOfWeekIso: {
      // Add(WeekDay(source), Literal(1)).
      ASSIGN_OR_RAISE(ExprPtr weekday, call("weekday"));
      return fns.Resolve("+", {weekday, Literal(Value::Int32(1))}, options);
    }
    case Field::kDayOfYear:
      return call("dayofyear");
    case Field::kHour:
      return call("hour");
    case Field::kMinute:
      return call("minute");
    case Field::kSecond:
      return SecondWithFraction({source});
    case Field::kInvalid:
      break;
  }
  return Status::Internal("date_part: unhandled field");
}

// An interval part (ExtractIntervalYears, ...): `op` maps an Interval to the result.
template <typename R, typename Op>
ExprPtr IntervalPartCall(const char* name, DataType type, ExprPtr source, Op op) {
  return MakeCall(
      name, type, true,
      [type, op](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        return kernels::MapUnary<Interval, R>(type, in[0], rows, op);
      },
      {std::move(source)});
}

Result<ExprPtr> IntervalPart(Field field, std::string_view text, ExprPtr source) {
  switch (field) {
    case Field::kYear:
      return IntervalPartCall<int32_t>("extractintervalyears", DataType::Int32(), source,
                                       [](const Interval& v) { return v.months / 12; });
    case Field::kMonth:
      return IntervalPartCall<int32_t>("extractintervalmonths", DataType::Int32(), source,
                                       [](const Interval& v) { return v.months % 12; });
    case Field::kDay:
      // Math.addExact(days, micros / MICROS_PER_DAY): an INT overflow is an error in
      // both modes.
      return MakeCall(
          "extractintervaldays", DataType::Int32(), true,
          [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
            return kernels::MapUnaryFallible<Interval, int32_t>(
                DataType::Int32(), in[0], rows,
                [](const Interval& v, int32_t* out) -> uint8_t {
                  const int64_t days = int64_t{v.days} + v.micros / kMicrosPerDay;
                  *out = static_cast<int32_t>(days);
                  return days != *out;
                },
                [](const Interval&, uint8_t) {
                  return Status::InvalidInput("[ARITHMETIC_OVERFLOW] integer overflow.");
                });
          },
          {std::move(source)});
    case Field::kHour:
      return IntervalPartCall<int32_t>(
          "extractintervalhours", DataType::Int32(), source, [](const Interval& v) {
            return static_cast<int32_t>(v.micros % kMicrosPerDay / kMicrosPerHour);
          });
    case Field::kMinute:
      return IntervalPartCall<int32_t>(
          "extractintervalminutes", DataType::Int32(), source, [](const Interval& v) {
            return static_cast<int32_t>(v.micros % kMicrosPerHour / kMicrosPerMinute);
          });
    case Field::kSecond:
      return IntervalPartCall<Int128>(
          "extractintervalseconds", DataType::DecimalUnchecked(8, 6), source,
          [](const Interval& v) { return static_cast<Int128>(v.micros % kMicrosPerMinute); });
    default:
      return InvalidExtractField(text, source);
  }
}

// Extract.createExpr.
Result<ExprPtr> ResolveExtract(const std::string& name, std::vector<ExprPtr> args,
                               const ResolveOptions& options) {
  ASSIGN_OR_RAISE(std::optional<std::string> text, FieldText(name, args[0]));
  if (!text) return Literal(Value::Null(DataType::Double()));
  const Field field = ParseField(*text);
  ExprPtr source = args[1];
  if (source->type().id() == TypeId::kInterval) {
    return IntervalPart(field, *text, std::move(source));
  }
  if (field == Field::kInvalid) return InvalidExtractField(*text, source);
  return DateTimePart(field, std::move(source), options);
}

}  // namespace

void RegisterDatetimeExtractFunctions(FunctionRegistry* r) {
  static constexpr const char* kNames[] = {"date_part", "datepart", "extract"};
  for (const char* n : kNames) {
    const std::string name = n;
    const bool keyword = name == "extract";
    r->Register({name, 2, 2,
                 name + (keyword ? "(field FROM source)" : "(field, source)") +
                     " - Extracts a part of the date/timestamp or interval source.",
                 [name](std::vector<ExprPtr> args, const ResolveOptions& options) {
                   return ResolveExtract(name, std::move(args), options);
                 }});
  }
}

}  // namespace weir::datetime

// Date arithmetic of Spark 3.5: date_add, date_sub, datediff, add_months,
// months_between, last_day, next_day, and `+` / `-` with INTERVAL (datetime_arith.h).

#include "weir/functions/datetime_arith.h"

#include <cmath>

#include "weir/expr/cast.h"
#include "weir/functions/datetime_internal.h"
#include "weir/functions/kernel_util.h"

namespace weir {

namespace dt = datetime;

namespace {

// DateTimeUtils.getDayOfWeekFromString, as days since a Thursday (1970-01-01).
int DayOfWeekFromString(std::string_view s) {
  std::string u(s);
  for (char& c : u) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (u == "SU" || u == "SUN" || u == "SUNDAY") return 3;
  if (u == "MO" || u == "MON" || u == "MONDAY") return 4;
  if (u == "TU" || u == "TUE" || u == "TUESDAY") return 5;
  if (u == "WE" || u == "WED" || u == "WEDNESDAY") return 6;
  if (u == "TH" || u == "THU" || u == "THURSDAY") return 0;
  if (u == "FR" || u == "FRI" || u == "FRIDAY") return 1;
  if (u == "SA" || u == "SAT" || u == "SATURDAY") return 2;
  return -1;
}

Result<Datum> EvalNextDay(EvalContext& ctx, const std::vector<Datum>& in, const RowSet& rows) {
  FixedResult<int32_t> out(DataType::Date(), rows);
  out.validity().InitFromArgs(in.data(), in.size(), rows);
  Status st;
  rows.ForEach([&](int64_t i) {
    if (!st.ok() || !out.validity().IsValid(i)) return;
    std::string_view name = in[1].Get<StringRef>(i).view();
    const int dow = DayOfWeekFromString(name);
    if (dow < 0) {
      if (ctx.ansi()) {
        st = Status::InvalidInput(
            "[ILLEGAL_DAY_OF_WEEK] Illegal input for day of week: " + std::string(name) + ".");
      } else {
        out.SetNull(i);
      }
      return;
    }
    // getNextDateForDayOfWeek.
    const int32_t start = in[0].Get<int32_t>(i);
    out.Set(i, start + 1 + ((dow - 1 - start) % 7 + 7) % 7);
  });
  RETURN_NOT_OK(st);
  return out.Finish();
}

// DateTimeUtils.monthsBetween.
double MonthsBetween(const dt::ZoneCalc& zone, int64_t t1, int64_t t2, bool round_off) {
  const int32_t d1 = zone.MicrosToDays(t1), d2 = zone.MicrosToDays(t2);
  const CivilDate c1 = CivilFromDays(d1), c2 = CivilFromDays(d2);
  const double month_diff =
      static_cast<double>((c1.year * 12 + c1.month) - (c2.year * 12 + c2.month));
  const bool end1 = c1.day == dt::DaysInMonth(c1.year, c1.month);
  const bool end2 = c2.day == dt::DaysInMonth(c2.year, c2.month);
  if (c1.day == c2.day || (end1 && end2)) return month_diff;
  // Seconds, as Hive does: milliseconds would lose precision past 8 digits.
  const int64_t s1 = (t1 - zone.DaysToMicros(d1)) / kMicrosPerSecond;
  const int64_t s2 = (t2 - zone.DaysToMicros(d2)) / kMicrosPerSecond;
  const int64_t seconds_diff = static_cast<int64_t>(c1.day - c2.day) * 86400 + s1 - s2;
  const double diff = month_diff + static_cast<double>(seconds_diff) / (31.0 * 86400);
  // math.round(diff * 1e8) / 1e8 (Java's Math.round: floor(x + 0.5)).
  return round_off ? std::floor(diff * 1e8 + 0.5) / 1e8 : diff;
}

// ---- + and - -------------------------------------------------------------------------

Status Overflow(const char* what) {
  return Status::InvalidInput(std::string("[ARITHMETIC_OVERFLOW] ") + what +
                              " overflow. If necessary set \"spark.sql.ansi.enabled\" to "
                              "\"false\" to bypass this error.");
}

// Interval negation (IntervalUtils.negateExact) when `negate`.
bool MaybeNegate(Interval* v, bool negate) {
  if (!negate) return true;
  if (v->months == INT32_MIN || v->days == INT32_MIN || v->micros == INT64_MIN) return false;
  *v = Interval{-v->months, -v->days, -v->micros};
  return true;
}

ExprPtr Infix(std::string_view op, DataType type, kernels::InfixFunction::Fn fn,
              std::vector<ExprPtr> args) {
  auto f =
      std::make_shared<kernels::InfixFunction>(std::string(op), std::move(type), std::move(fn));
  return std::make_shared<CallExpr>(std::move(f), std::move(args), true);
}

// DATE/TIMESTAMP +/- INTERVAL; `date_index` is the datetime operand's position.
ExprPtr AddInterval(std::string_view op, std::vector<ExprPtr> args, size_t date_index,
                    bool is_date) {
  const bool negate = op == "-";
  const size_t iv = 1 - date_index;
  DataType type = is_date ? DataType::Date() : DataType::Timestamp();
  return Infix(
      op, type,
      [negate, date_index, iv, is_date](EvalContext& ctx, const std::vector<Datum>& in,
                                        const RowSet& rows) -> Result<Datum> {
        const dt::ZoneCalc zone(ctx.time_zone().zone());
        const bool ansi = ctx.ansi();
        Status st;
        auto apply = [&](auto start, Interval v, auto* out) {
          if (!MaybeNegate(&v, negate)) {
            st = Overflow("interval");
            return;
          }
          if constexpr (std::is_same_v<decltype(start), int32_t>) {
            if (v.micros == 0) {
              *out = static_cast<int32_t>(dt::AddMonthsToDays(start, v.months) + v.days);
            } else if (ansi) {
              st = Status::InvalidInput(
                  "[ILLEGAL_ARGUMENT] Cannot add hours, minutes or seconds, milliseconds, "
                  "microseconds to a date");
            } else {
              *out = zone.MicrosToDays(dt::TimestampAddInterval(zone, zone.DaysToMicros(start),
                                                                v.months, v.days, v.micros));
            }
          } else {
            *out = dt::TimestampAddInterval(zone, start, v.months, v.days, v.micros);
          }
        };
        if (is_date) {
          FixedResult<int32_t> out(DataType::Date(), rows);
          out.validity().InitFromArgs(in.data(), in.size(), rows);
          rows.ForEach([&](int64_t i) {
            if (!st.ok() || !out.validity().IsValid(i)) return;
            apply(in[date_index].Get<int32_t>(i), in[iv].Get<Interval>(i), &out.values()[i]);
          });
          RETURN_NOT_OK(st);
          return out.Finish();
        }
        FixedResult<int64_t> out(DataType::Timestamp(), rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        rows.ForEach([&](int64_t i) {
          if (!st.ok() || !out.validity().IsValid(i)) return;
          apply(in[date_index].Get<int64_t>(i), in[iv].Get<Interval>(i), &out.values()[i]);
        });
        RETURN_NOT_OK(st);
        return out.Finish();
      },
      std::move(args));
}

bool IsDatetime(const DataType& t) {
  return t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp || t.id() == TypeId::kInterval;
}

}  // namespace

Result<ExprPtr> ResolveDatetimeArithmetic(std::string_view op, std::vector<ExprPtr> args,
                                          const ResolveOptions&) {
  if (args.size() != 2 || (op != "+" && op != "-")) return Status::NotFound("not datetime");
  const TypeId a = args[0]->type().id(), b = args[1]->type().id();
  if (!IsDatetime(args[0]->type()) && !IsDatetime(args[1]->type())) {
    return Status::NotFound("no datetime operand");
  }
  const bool plus = op == "+";
  auto is_int = [](TypeId t) { return t == TypeId::kInt32 || t == TypeId::kNull; };
  // DATE/TIMESTAMP with INTERVAL (either order for +).
  for (size_t d = 0; d < 2; ++d) {
    const TypeId dtype = d == 0 ? a : b, other = d == 0 ? b : a;
    if (other != TypeId::kInterval || (dtype != TypeId::kDate && dtype != TypeId::kTimestamp)) {
      continue;
    }
    if (d == 1 && !plus) break;
    return AddInterval(op, std::move(args), d, dtype == TypeId::kDate);
  }
  // DATE with INT: date_add / date_sub.
  if (a == TypeId::kDate && is_int(b)) {
    return FunctionRegistry::Builtins().Resolve(plus ? "date_add" : "date_sub", std::move(args));
  }
  if (plus && is_int(a) && b == TypeId::kDate) {
    std::swap(args[0], args[1]);
    return FunctionRegistry::Builtins().Resolve("date_add", std::move(args));
  }
  if (!plus && a == TypeId::kDate && b == TypeId::kDate) {
    return Infix(
        op, DataType::Interval(),
        [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
          return kernels::MapBinary<int32_t, int32_t, Interval>(DataType::Interval(), in[0], in[1],
                                                                rows, [](int32_t x, int32_t y) {
                                                                  return Interval{0, x - y, 0};
                                                                });
        },
        std::move(args));
  }
  const bool ts_a = a == TypeId::kTimestamp || a == TypeId::kDate;
  const bool ts_b = b == TypeId::kTimestamp || b == TypeId::kDate;
  if (!plus && ts_a && ts_b) {
    for (ExprPtr& e : args) {
      ASSIGN_OR_RAISE(e, Cast(e, DataType::Timestamp()));
    }
    return Infix(
        op, DataType::Interval(),
        [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
          return kernels::MapBinaryPartial<int64_t, int64_t, Interval>(
              DataType::Interval(), in[0], in[1], rows,
              [](int64_t x, int64_t y, Interval* o) {
                *o = Interval{};
                return !__builtin_sub_overflow(x, y, &o->micros);
              },
              []() { return Overflow("long"); });
        },
        std::move(args));
  }
  if (a == TypeId::kInterval && b == TypeId::kInterval) {
    return Infix(
        op, DataType::Interval(),
        [plus](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
          return kernels::MapBinaryPartial<Interval, Interval, Interval>(
              DataType::Interval(), in[0], in[1], rows,
              [plus](const Interval& x, Interval y, Interval* o) {
                if (!MaybeNegate(&y, !plus)) return false;
                return !__builtin_add_overflow(x.months, y.months, &o->months) &&
                       !__builtin_add_overflow(x.days, y.days, &o->days) &&
                       !__builtin_add_overflow(x.micros, y.micros, &o->micros);
              },
              []() { return Overflow("integer"); });
        },
        std::move(args));
  }
  return DataTypeMismatch("BINARY_OP_DIFF_TYPES", DescribeCall(op, args),
                          "the left and right operands of the binary operator have incompatible "
                          "types (" +
                              QuoteType(args[0]->type()) + " and " + QuoteType(args[1]->type()) +
                              ").");
}

namespace datetime {

void RegisterDatetimeArithFunctions(FunctionRegistry* r) {
  for (bool add : {true, false}) {
    std::string name = add ? "date_add" : "date_sub";
    r->Register({name, 2, 2,
                 name + "(start_date, num_days) - Returns the date that is `num_days` " +
                     (add ? "after" : "before") + " `start_date`.",
                 [name, add](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
                   ASSIGN_OR_RAISE(args[0], DateArg(name, args, 0));
                   ASSIGN_OR_RAISE(args[1], DaysArg(name, args, 1));
                   return MakeCall(
                       name, DataType::Date(), true,
                       [add](EvalContext&, const std::vector<Datum>& in,
                             const RowSet& rows) -> Result<Datum> {
                         // Java int arithmetic: wraps.
                         return kernels::MapBinary<int32_t, int32_t, int32_t>(
                             DataType::Date(), in[0], in[1], rows, [add](int32_t d, int32_t n) {
                               const uint32_t u = static_cast<uint32_t>(d);
                               const uint32_t k = static_cast<uint32_t>(n);
                               return static_cast<int32_t>(add ? u + k : u - k);
                             });
                       },
                       std::move(args));
                 }});
  }
  r->Register(
      {"datediff", 2, 2,
       "datediff(endDate, startDate) - Returns the number of days from `startDate` to "
       "`endDate`.",
       [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
         for (size_t k = 0; k < 2; ++k) {
           ASSIGN_OR_RAISE(args[k], DateArg("datediff", args, k));
         }
         return MakeCall(
             "datediff", DataType::Int32(), true,
             [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
               return kernels::MapBinary<int32_t, int32_t, int32_t>(
                   DataType::Int32(), in[0], in[1], rows,
                   [](int32_t e, int32_t s) { return e - s; });
             },
             std::move(args));
       }});
  r->Register(
      {"add_months", 2, 2,
       "add_months(start_date, num_months) - Returns the date that is `num_months` after "
       "`start_date`.",
       [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
         ASSIGN_OR_RAISE(args[0], DateArg("add_months", args, 0));
         ASSIGN_OR_RAISE(args[1], IntArg("add_months", args, 1));
         return MakeCall(
             "add_months", DataType::Date(), true,
             [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
               return kernels::MapBinary<int32_t, int32_t, int32_t>(
                   DataType::Date(), in[0], in[1], rows, [](int32_t d, int32_t m) {
                     return static_cast<int32_t>(AddMonthsToDays(d, m));
                   });
             },
             std::move(args));
       }});
  r->Register({"months_between", 2, 3,
               "months_between(timestamp1, timestamp2[, roundOff]) - Returns the number of months "
               "between `timestamp1` and `timestamp2`, rounded to 8 digits unless roundOff=false.",
               [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
                 for (size_t k = 0; k < 2; ++k) {
                   ASSIGN_OR_RAISE(args[k], TimestampArg("months_between", args, k));
                 }
                 if (args.size() == 2) args.push_back(Literal(Value::Boolean(true)));
                 if (args[2]->type().id() != TypeId::kBoolean) {
                   if (!args[2]->type().is_null()) {
                     return UnexpectedInputType("months_between", args, 2, "\"BOOLEAN\"");
                   }
                   ASSIGN_OR_RAISE(args[2], Cast(args[2], DataType::Boolean()));
                 }
                 return MakeCall(
                     "months_between", DataType::Double(), true,
                     [](EvalContext& ctx, const std::vector<Datum>& in,
                        const RowSet& rows) -> Result<Datum> {
                       const ZoneCalc zone(ctx.time_zone().zone());
                       FixedResult<double> out(DataType::Double(), rows);
                       out.validity().InitFromArgs(in.data(), in.size(), rows);
                       rows.ForEach([&](int64_t i) {
                         if (!out.validity().IsValid(i)) return;
                         out.Set(i,
                                 MonthsBetween(zone, in[0].Get<int64_t>(i), in[1].Get<int64_t>(i),
                                               in[2].Get<uint8_t>(i) != 0));
                       });
                       return out.Finish();
                     },
                     std::move(args));
               }});
  r->Register(
      {"last_day", 1, 1,
       "last_day(date) - Returns the last day of the month which the date belongs to.",
       [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
         ASSIGN_OR_RAISE(args[0], DateArg("last_day", args, 0));
         return MakeCall(
             "last_day", DataType::Date(), true,
             [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
               return kernels::MapUnary<int32_t, int32_t>(
                   DataType::Date(), in[0], rows, [](int32_t d) {
                     const CivilDate c = CivilFromDays(d);
                     return d - c.day + DaysInMonth(c.year, c.month);
                   });
             },
             std::move(args));
       }});
  r->Register({"next_day", 2, 2,
               "next_day(start_date, day_of_week) - Returns the first date which is later than "
               "`start_date` and named as indicated.",
               [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
                 ASSIGN_OR_RAISE(args[0], DateArg("next_day", args, 0));
                 ASSIGN_OR_RAISE(args[1], StringArg("next_day", args, 1));
                 return MakeCall("next_day", DataType::Date(), true, EvalNextDay, std::move(args));
               }});
}

}  // namespace datetime

}  // namespace weir

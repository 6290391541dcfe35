// Datetime functions of Spark 3.5 that read the clock, parse or format text, or
// convert between TIMESTAMP and numbers: current_timestamp, now, current_date,
// current_timezone, to_date, to_timestamp, date_format, unix_timestamp,
// to_unix_timestamp, from_unixtime, timestamp_seconds/millis/micros,
// unix_seconds/millis/micros, unix_date, date_from_unix_date. The field, truncation
// and zone functions are in datetime_fields.cc, the arithmetic in datetime_arith.cc.
//
// Patterns: a literal pattern is compiled once when the call is resolved; a pattern
// that is a constant of the batch once per evaluation; a pattern per row only when
// it changes from the previous row.

#include <cstring>
#include <memory>
#include <optional>

#include "weir/expr/cast.h"
#include "weir/functions/builtins.h"
#include "weir/functions/datetime_format.h"
#include "weir/functions/datetime_internal.h"
#include "weir/functions/kernel_util.h"

namespace weir {

using datetime::DateTimePattern;
using datetime::ZoneCalc;

namespace {

// A pattern compiled at resolution (when it is a literal), or nothing.
struct Precompiled {
  std::string text;
  Result<DateTimePattern> compiled = Status::Internal("not compiled");
};
using PrecompiledPtr = std::shared_ptr<const Precompiled>;

PrecompiledPtr Precompile(const ExprPtr& pattern, bool for_parsing) {
  std::string text;
  bool is_null = false;
  if (!datetime::LiteralString(pattern, &text, &is_null) || is_null) return nullptr;
  auto p = std::make_shared<Precompiled>();
  p->text = text;
  p->compiled = DateTimePattern::Compile(text, for_parsing);
  return p;
}

// The compiled pattern for one row's text, reusing the precompiled one or the last
// one compiled during this evaluation.
class PatternSource {
 public:
  PatternSource(PrecompiledPtr pre, bool for_parsing)
      : pre_(std::move(pre)), for_parsing_(for_parsing) {}

  Result<const DateTimePattern*> Get(std::string_view text) {
    if (pre_ != nullptr && pre_->text == text) {
      RETURN_NOT_OK(pre_->compiled.status());
      return &*pre_->compiled;
    }
    if (!last_ || last_text_ != text) {
      last_text_ = std::string(text);
      ASSIGN_OR_RAISE(DateTimePattern p, DateTimePattern::Compile(text, for_parsing_));
      last_ = std::move(p);
    }
    return &*last_;
  }

 private:
  PrecompiledPtr pre_;
  bool for_parsing_;
  std::string last_text_;
  std::optional<DateTimePattern> last_;
};

Status LongOverflow() {
  return Status::InvalidInput(
      "[ARITHMETIC_OVERFLOW] long overflow. If necessary set \"spark.sql.ansi.enabled\" to "
      "\"false\" to bypass this error.");
}

// ---- parsing (GetTimestamp, ToUnixTimestamp) ---------------------------------------

// Parses in[0] with the pattern in[1] (or `default_pattern` when there is no second
// argument) and stores convert(micros) for each row. A failure is NULL, or in ANSI
// mode CANNOT_PARSE_TIMESTAMP.
template <typename Out, typename Convert>
Result<Datum> ParseColumn(EvalContext& ctx, const std::vector<Datum>& in, const RowSet& rows,
                          const DataType& type, const PrecompiledPtr& pre, Convert convert) {
  FixedResult<Out> out(type, rows);
  out.validity().InitFromArgs(in.data(), in.size(), rows);
  const ZoneCalc zone(ctx.time_zone().zone());
  PatternSource patterns(pre, true);
  const Datum& text = in[0];
  std::string error;
  Status st;
  rows.ForEach([&](int64_t i) {
    if (!st.ok() || !out.validity().IsValid(i)) return;
    std::string_view pattern_text =
        in.size() > 1 ? in[1].Get<StringRef>(i).view() : DateTimePattern::kDefaultTimestampPattern;
    Result<const DateTimePattern*> pattern = patterns.Get(pattern_text);
    if (!pattern.ok()) {
      st = pattern.status();
      return;
    }
    int64_t micros;
    if ((*pattern)->Parse(text.Get<StringRef>(i).view(), zone, &micros, &error)) {
      out.Set(i, convert(micros));
    } else if (ctx.ansi()) {
      st = datetime::CannotParseTimestamp(error);
    } else {
      out.SetNull(i);
    }
  });
  RETURN_NOT_OK(st);
  return out.Finish();
}

// to_timestamp(str, fmt) / to_date(str, fmt) / unix_timestamp(str, fmt): `result` is
// TIMESTAMP, DATE or BIGINT seconds. A DATE or TIMESTAMP first argument ignores the
// pattern (GetTimestamp over those types), as does a NULL pattern's... NULL result.
Result<ExprPtr> ResolveParse(std::string name, std::vector<ExprPtr> args, TypeId result) {
  const TypeId from = args[0]->type().id();
  if (from == TypeId::kDate || from == TypeId::kTimestamp) {
    if (args.size() > 1) {
      ASSIGN_OR_RAISE(args[1], datetime::StringArg(name, args, 1));
    }
    ASSIGN_OR_RAISE(ExprPtr ts, Cast(args[0], DataType::Timestamp()));
    if (result == TypeId::kTimestamp) return ts;
    if (result == TypeId::kDate) return Cast(ts, DataType::Date());
    std::vector<ExprPtr> call_args{ts};
    return datetime::MakeCall(
        name, DataType::Int64(), true,
        [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
          return kernels::MapUnary<int64_t, int64_t>(DataType::Int64(), in[0], rows, [](int64_t v) {
            return datetime::FloorDiv(v, kMicrosPerSecond);
          });
        },
        std::move(call_args));
  }
  if (from != TypeId::kString && from != TypeId::kNull) {
    return datetime::UnexpectedInputType(name, args, 0,
                                         "(\"STRING\" or \"DATE\" or \"TIMESTAMP\")");
  }
  for (size_t k = 0; k < args.size(); ++k) {
    ASSIGN_OR_RAISE(args[k], datetime::StringArg(name, args, k));
  }
  PrecompiledPtr pre =
      args.size() > 1
          ? Precompile(args[1], true)
          : Precompile(
                Literal(Value::String(std::string(DateTimePattern::kDefaultTimestampPattern))),
                true);
  switch (result) {
    case TypeId::kTimestamp:
      return datetime::MakeCall(
          name, DataType::Timestamp(), true,
          [pre](EvalContext& ctx, const std::vector<Datum>& in, const RowSet& rows) {
            return ParseColumn<int64_t>(ctx, in, rows, DataType::Timestamp(), pre,
                                        [](int64_t v) { return v; });
          },
          std::move(args));
    case TypeId::kDate:
      return datetime::MakeCall(
          name, DataType::Date(), true,
          [pre](EvalContext& ctx, const std::vector<Datum>& in, const RowSet& rows) {
            const ZoneCalc zone(ctx.time_zone().zone());
            return ParseColumn<int32_t>(ctx, in, rows, DataType::Date(), pre,
                                        [&zone](int64_t v) { return zone.MicrosToDays(v); });
          },
          std::move(args));
    default:
      // ToTimestamp.eval: parsed micros / MICROS_PER_SECOND (Java's truncating division).
      return datetime::MakeCall(
          name, DataType::Int64(), true,
          [pre](EvalContext& ctx, const std::vector<Datum>& in, const RowSet& rows) {
            return ParseColumn<int64_t>(ctx, in, rows, DataType::Int64(), pre,
                                        [](int64_t v) { return v / kMicrosPerSecond; });
          },
          std::move(args));
  }
}

// ---- formatting (date_format, from_unixtime) -----------------------------------------

// Formats in[0] (TIMESTAMP micros, or BIGINT seconds when `seconds`) with the
// pattern in[1] (or the default) in the session time zone.
Result<Datum> FormatColumn(EvalContext& ctx, const std::vector<Datum>& in, const RowSet& rows,
                           const PrecompiledPtr& pre, bool seconds) {
  StringResult out(DataType::String(), rows);
  out.validity().InitFromArgs(in.data(), in.size(), rows);
  const ZoneCalc zone(ctx.time_zone().zone());
  const std::string& zone_id = ctx.time_zone().name();
  PatternSource patterns(pre, false);
  // One formatter while the pattern stays the same (a literal pattern: the whole
  // batch); it keeps the last day's date and the last hour's offset.
  std::string current_text;
  std::optional<datetime::PatternFormatter> formatter;
  Status st;
  // The common case, date_format(ts, 'yyyy-MM-dd'): one pattern for the batch with
  // date fields only. The text is made once per run of instants within one local day
  // (FormatDay's range) and every row of the run gets the same ref, so a row costs
  // a compare and a 16-byte store.
  if (in.size() == 1 || (in[1].is_constant() && !in[1].IsNull(0))) {
    std::string_view pattern_text =
        in.size() > 1 ? in[1].Get<StringRef>(0).view() : DateTimePattern::kDefaultTimestampPattern;
    // (A bad pattern is reported by the loop below, only when a row is not NULL.)
    Result<const DateTimePattern*> pattern = patterns.Get(pattern_text);
    if (pattern.ok()) formatter.emplace(**pattern, zone, zone_id);
    if (formatter && formatter->date_only()) {
      int64_t lo = 0, hi = 0;  // empty: the first valid row makes the text
      StringRef ref;
      const Datum& ts = in[0];
      rows.ForEach([&](int64_t i) {
        if (!out.validity().IsValid(i)) return;
        int64_t micros = ts.Get<int64_t>(i);
        if (seconds) {
          micros = static_cast<int64_t>(static_cast<uint64_t>(micros) * kMicrosPerSecond);
        }
        if (micros < lo || micros >= hi) {
          std::string_view text = formatter->FormatDay(micros, &lo, &hi);
          const char* data = text.data();
          if (text.size() > StringRef::kInlineSize) {
            // Stored once for the run; the refs of its rows point at it.
            char* dst = out.ReserveBytes(text.size());
            std::memcpy(dst, text.data(), text.size());
            data = dst;
          }
          ref = StringRef(data, static_cast<uint32_t>(text.size()));
        }
        out.SetRef(i, ref);
      });
      return out.Finish();
    }
  }
  rows.ForEach([&](int64_t i) {
    if (!st.ok() || !out.validity().IsValid(i)) return;
    std::string_view pattern_text =
        in.size() > 1 ? in[1].Get<StringRef>(i).view() : DateTimePattern::kDefaultTimestampPattern;
    Result<const DateTimePattern*> pattern = patterns.Get(pattern_text);
    if (!pattern.ok()) {
      st = pattern.status();
      return;
    }
    // By text: PatternSource recompiles a changed pattern into the same object.
    if (!formatter || (*pattern)->pattern() != current_text) {
      current_text = (*pattern)->pattern();
      formatter.emplace(**pattern, zone, zone_id);
    }
    int64_t micros = in[0].Get<int64_t>(i);
    // FromUnixTime: seconds * MICROS_PER_SECOND, wrapping as Java's long does.
    if (seconds) micros = static_cast<int64_t>(static_cast<uint64_t>(micros) * kMicrosPerSecond);
    out.Set(i, formatter->Format(micros));
  });
  RETURN_NOT_OK(st);
  return out.Finish();
}

Result<ExprPtr> ResolveFormat(std::string name, std::vector<ExprPtr> args, bool seconds) {
  if (seconds) {
    ASSIGN_OR_RAISE(args[0], datetime::BigintArg(name, args, 0));
  } else {
    ASSIGN_OR_RAISE(args[0], datetime::TimestampArg(name, args, 0));
  }
  PrecompiledPtr pre = nullptr;
  if (args.size() > 1) {
    ASSIGN_OR_RAISE(args[1], datetime::StringArg(name, args, 1));
    pre = Precompile(args[1], false);
  } else {
    pre = Precompile(Literal(Value::String(std::string(DateTimePattern::kDefaultTimestampPattern))),
                     false);
  }
  return datetime::MakeCall(
      name, DataType::String(), true,
      [pre, seconds](EvalContext& ctx, const std::vector<Datum>& in, const RowSet& rows) {
        return FormatColumn(ctx, in, rows, pre, seconds);
      },
      std::move(args));
}

// ---- the clock -----------------------------------------------------------------------

// current_timestamp() and friends: fixed for the query (EvalOptions), so every row
// of every batch agrees; not folded when the plan is built, because a streaming
// plan runs once per micro-batch with a new clock reading.
ExprPtr ClockCall(std::string name, DataType type, std::function<Value(EvalContext&)> value) {
  return datetime::MakeCall(
      std::move(name), type, false,
      [value](EvalContext& ctx, const std::vector<Datum>&, const RowSet&) -> Result<Datum> {
        return Datum::Constant(value(ctx));
      },
      {});
}

// ---- numbers <-> timestamps ----------------------------------------------------------

// SecondsToTimestamp: integral seconds exactly (overflow is an error), doubles
// truncated (NaN and infinities NULL), decimals exactly (a fraction of a microsecond
// is an error, as BigDecimal.longValueExact).
Result<ExprPtr> ResolveTimestampSeconds(std::vector<ExprPtr> args) {
  const DataType& t = args[0]->type();
  if (t.id() == TypeId::kInt32 || t.id() == TypeId::kNull) {
    ASSIGN_OR_RAISE(args[0], Cast(args[0], DataType::Int64()));
  }
  switch (args[0]->type().id()) {
    case TypeId::kInt64:
      return datetime::MakeCall(
          "timestamp_seconds", DataType::Timestamp(), true,
          [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
            return kernels::MapBinaryPartial<int64_t, int64_t, int64_t>(
                DataType::Timestamp(), in[0], in[0], rows,
                [](int64_t v, int64_t, int64_t* o) {
                  return !__builtin_mul_overflow(v, kMicrosPerSecond, o);
                },
                []() { return LongOverflow(); });
          },
          std::move(args));
    case TypeId::kDouble:
      return datetime::MakeCall(
          "timestamp_seconds", DataType::Timestamp(), true,
          [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
            return kernels::MapBinaryPartial<double, double, int64_t>(
                DataType::Timestamp(), in[0], in[0], rows,
                [](double v, double, int64_t* o) {
                  if (std::isnan(v) || std::isinf(v)) return false;
                  const double us = v * static_cast<double>(kMicrosPerSecond);
                  // Java's (long) saturates.
                  if (us >= 9.2233720368547758e18) {
                    *o = INT64_MAX;
                  } else if (us <= -9.2233720368547758e18) {
                    *o = INT64_MIN;
                  } else {
                    *o = static_cast<int64_t>(us);
                  }
                  return true;
                },
                []() { return Status::OK(); });
          },
          std::move(args));
    case TypeId::kDecimal: {
      const int scale = args[0]->type().scale();
      return datetime::MakeCall(
          "timestamp_seconds", DataType::Timestamp(), true,
          [scale](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
            return kernels::MapBinaryPartial<Int128, Int128, int64_t>(
                DataType::Timestamp(), in[0], in[0], rows,
                [scale](Int128 v, Int128, int64_t* o) {
                  Int128 us = v;
                  if (scale <= 6) {
                    us = v * PowerOfTen(6 - scale);
                  } else {
                    const Int128 div = PowerOfTen(scale - 6);
                    if (v % div != 0) return false;
                    us = v / div;
                  }
                  if (us > INT64_MAX || us < INT64_MIN) return false;
                  *o = static_cast<int64_t>(us);
                  return true;
                },
                []() {
                  return Status::InvalidInput(
                      "[ARITHMETIC_OVERFLOW] Overflow or rounding necessary in "
                      "timestamp_seconds.");
                });
          },
          std::move(args));
    }
    default:
      return datetime::UnexpectedInputType("timestamp_seconds", args, 0, "\"NUMERIC\"");
  }
}

// timestamp_millis / timestamp_micros: integral input times `factor`.
Result<ExprPtr> ResolveTimestampFrom(std::string name, std::vector<ExprPtr> args, int64_t factor) {
  const TypeId t = args[0]->type().id();
  if (t != TypeId::kInt64 && t != TypeId::kInt32 && t != TypeId::kNull) {
    return datetime::UnexpectedInputType(name, args, 0, "\"INTEGRAL\"");
  }
  ASSIGN_OR_RAISE(args[0], Cast(args[0], DataType::Int64()));
  return datetime::MakeCall(
      name, DataType::Timestamp(), true,
      [factor](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
        return kernels::MapBinaryPartial<int64_t, int64_t, int64_t>(
            DataType::Timestamp(), in[0], in[0], rows,
            [factor](int64_t v, int64_t, int64_t* o) {
              return !__builtin_mul_overflow(v, factor, o);
            },
            []() { return LongOverflow(); });
      },
      std::move(args));
}

// unix_seconds / unix_millis / unix_micros: floor division of the instant.
Result<ExprPtr> ResolveUnixFrom(std::string name, std::vector<ExprPtr> args, int64_t divisor) {
  ASSIGN_OR_RAISE(args[0], datetime::TimestampArg(name, args, 0));
  return datetime::MakeCall(
      name, DataType::Int64(), true,
      [divisor](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        return kernels::MapUnary<int64_t, int64_t>(
            DataType::Int64(), in[0], rows,
            [divisor](int64_t v) { return datetime::FloorDiv(v, divisor); });
      },
      std::move(args));
}

void Add(FunctionRegistry* r, std::string name, int min, int max, std::string usage,
         FunctionResolver fn) {
  r->Register({std::move(name), min, max, std::move(usage), std::move(fn)});
}

}  // namespace

void RegisterDatetimeFunctions(FunctionRegistry* registry) {
  FunctionRegistry* r = registry;
  Add(r, "current_timestamp", 0, 0,
      "current_timestamp() - Returns the current timestamp at the start of query evaluation.",
      [](std::vector<ExprPtr>, const ResolveOptions&) -> Result<ExprPtr> {
        return ClockCall("current_timestamp", DataType::Timestamp(), [](EvalContext& ctx) {
          return Value::Timestamp(ctx.options().current_timestamp_micros);
        });
      });
  Add(r, "now", 0, 0, "now() - Returns the current timestamp at the start of query evaluation.",
      [](std::vector<ExprPtr>, const ResolveOptions&) -> Result<ExprPtr> {
        return ClockCall("now", DataType::Timestamp(), [](EvalContext& ctx) {
          return Value::Timestamp(ctx.options().current_timestamp_micros);
        });
      });
  Add(r, "current_date", 0, 0,
      "current_date() - Returns the current date at the start of query evaluation.",
      [](std::vector<ExprPtr>, const ResolveOptions&) -> Result<ExprPtr> {
        return ClockCall("current_date", DataType::Date(), [](EvalContext& ctx) {
          ZoneCalc zone(ctx.time_zone().zone());
          return Value::Date(zone.MicrosToDays(ctx.options().current_timestamp_micros));
        });
      });
  Add(r, "current_timezone", 0, 0,
      "current_timezone() - Returns the current session local timezone.",
      [](std::vector<ExprPtr>, const ResolveOptions&) -> Result<ExprPtr> {
        return ClockCall("current_timezone", DataType::String(),
                         [](EvalContext& ctx) { return Value::String(ctx.time_zone().name()); });
      });
  Add(r, "unix_timestamp", 0, 2,
      "unix_timestamp([timeExp[, fmt]]) - Returns the UNIX timestamp of current or specified time.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
        if (args.empty()) {
          return ClockCall("unix_timestamp", DataType::Int64(), [](EvalContext& ctx) {
            return Value::Int64(
                datetime::FloorDiv(ctx.options().current_timestamp_micros, kMicrosPerSecond));
          });
        }
        return ResolveParse("unix_timestamp", std::move(args), TypeId::kInt64);
      });
  Add(r, "to_unix_timestamp", 1, 2,
      "to_unix_timestamp(timeExp[, fmt]) - Returns the UNIX timestamp of the given time.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) {
        return ResolveParse("to_unix_timestamp", std::move(args), TypeId::kInt64);
      });
  Add(r, "to_timestamp", 1, 2,
      "to_timestamp(timestamp_str[, fmt]) - Parses the `timestamp_str` expression with the `fmt` "
      "expression to a timestamp.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
        if (args.size() == 1) {
          ASSIGN_OR_RAISE(args[0], datetime::TimestampArg("to_timestamp", args, 0));
          return args[0];
        }
        return ResolveParse("to_timestamp", std::move(args), TypeId::kTimestamp);
      });
  Add(r, "to_date", 1, 2,
      "to_date(date_str[, fmt]) - Parses the `date_str` expression with the `fmt` expression to "
      "a date.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
        if (args.size() == 1) {
          ASSIGN_OR_RAISE(args[0], datetime::DateArg("to_date", args, 0));
          return args[0];
        }
        return ResolveParse("to_date", std::move(args), TypeId::kDate);
      });
  Add(r, "date_format", 2, 2,
      "date_format(timestamp, fmt) - Converts `timestamp` to a value of string in the format "
      "specified by the date format `fmt`.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) {
        return ResolveFormat("date_format", std::move(args), false);
      });
  Add(r, "from_unixtime", 1, 2,
      "from_unixtime(unix_time[, fmt]) - Returns `unix_time` in the specified `fmt`.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) {
        return ResolveFormat("from_unixtime", std::move(args), true);
      });
  Add(r, "timestamp_seconds", 1, 1,
      "timestamp_seconds(seconds) - Creates timestamp from the number of seconds since UTC epoch.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) {
        return ResolveTimestampSeconds(std::move(args));
      });
  Add(r, "timestamp_millis", 1, 1,
      "timestamp_millis(milliseconds) - Creates timestamp from the number of milliseconds since "
      "UTC epoch.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) {
        return ResolveTimestampFrom("timestamp_millis", std::move(args), 1000);
      });
  Add(r, "timestamp_micros", 1, 1,
      "timestamp_micros(microseconds) - Creates timestamp from the number of microseconds since "
      "UTC epoch.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) {
        return ResolveTimestampFrom("timestamp_micros", std::move(args), 1);
      });
  for (auto [name, divisor] : {std::pair<const char*, int64_t>{"unix_seconds", kMicrosPerSecond},
                               {"unix_millis", 1000},
                               {"unix_micros", 1}}) {
    std::string n = name;
    int64_t d = divisor;
    Add(r, n, 1, 1, n + "(timestamp) - Returns the number of units since 1970-01-01 00:00:00 UTC.",
        [n, d](std::vector<ExprPtr> args, const ResolveOptions&) {
          return ResolveUnixFrom(n, std::move(args), d);
        });
  }
  Add(r, "unix_date", 1, 1, "unix_date(date) - Returns the number of days since 1970-01-01.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
        ASSIGN_OR_RAISE(args[0], datetime::DateArg("unix_date", args, 0));
        return datetime::MakeCall(
            "unix_date", DataType::Int32(), true,
            [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
              return kernels::MapUnary<int32_t, int32_t>(DataType::Int32(), in[0], rows,
                                                         [](int32_t v) { return v; });
            },
            std::move(args));
      });
  Add(r, "date_from_unix_date", 1, 1,
      "date_from_unix_date(days) - Create date from the number of days since 1970-01-01.",
      [](std::vector<ExprPtr> args, const ResolveOptions&) -> Result<ExprPtr> {
        ASSIGN_OR_RAISE(args[0], datetime::DaysArg("date_from_unix_date", args, 0));
        return datetime::MakeCall(
            "date_from_unix_date", DataType::Date(), true,
            [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
              return kernels::MapUnary<int32_t, int32_t>(DataType::Date(), in[0], rows,
                                                         [](int32_t v) { return v; });
            },
            std::move(args));
      });
  datetime::RegisterDatetimeFieldFunctions(registry);
  datetime::RegisterDatetimeArithFunctions(registry);
  datetime::RegisterDatetimeExtractFunctions(registry);
}

}  // namespace weir

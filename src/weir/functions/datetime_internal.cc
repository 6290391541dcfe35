#include "weir/functions/datetime_internal.h"

#include <algorithm>

#include <absl/time/civil_time.h>

#include "weir/expr/cast.h"
#include "weir/functions/kernel_util.h"

namespace weir::datetime {

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month != 2) return kDays[month - 1];
  return IsLeapYear(year) ? 29 : 28;
}

int DayOfYear(int64_t days) {
  CivilDate c = CivilFromDays(days);
  return static_cast<int>(days - DaysFromCivil(c.year, 1, 1)) + 1;
}

int64_t AddMonthsToDays(int64_t days, int64_t months) {
  CivilDate c = CivilFromDays(days);
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t year = FloorDiv(total, 12);
  int month = static_cast<int>(FloorMod(total, 12)) + 1;
  return DaysFromCivil(year, month, std::min(c.day, DaysInMonth(year, month)));
}

// ---- ZoneCalc ------------------------------------------------------------------------

ZoneCalc::ZoneCalc(const absl::TimeZone& zone) : zone_(zone) {
  absl::TimeZone::CivilTransition trans;
  fixed_ = !zone_.NextTransition(absl::InfinitePast(), &trans);
  fixed_offset_ = zone_.At(absl::UnixEpoch()).offset;
}

int64_t ZoneCalc::FromLocal(int64_t local_micros, int64_t preferred_offset) const {
  if (fixed_) return local_micros - fixed_offset_ * kMicrosPerSecond;
  const int64_t secs = FloorDiv(local_micros, kMicrosPerSecond);
  const int64_t frac = FloorMod(local_micros, kMicrosPerSecond);
  const absl::CivilSecond civil = absl::CivilSecond(1970, 1, 1, 0, 0, 0) + secs;
  const absl::TimeZone::TimeInfo info = zone_.At(civil);
  int64_t utc = absl::ToUnixSeconds(info.pre);
  if (info.kind == absl::TimeZone::TimeInfo::REPEATED && preferred_offset != kNoOffset) {
    const int64_t post = absl::ToUnixSeconds(info.post);
    if (secs - post == preferred_offset) utc = post;
  }
  return utc * kMicrosPerSecond + frac;
}

int64_t TimestampAddInterval(const ZoneCalc& zone, int64_t micros, int32_t months, int32_t days,
                             int64_t add_micros) {
  int64_t t = micros;
  // Each calendar step moves the wall clock and re-resolves it, keeping the offset
  // when it is still valid, as ZonedDateTime.plusMonths / plusDays do.
  auto step = [&zone](int64_t instant, int64_t m, int64_t d) {
    const int64_t offset = zone.OffsetAt(instant);
    const int64_t local = instant + offset * kMicrosPerSecond;
    int64_t day = FloorDiv(local, kMicrosPerDay);
    const int64_t tod = local - day * kMicrosPerDay;
    day = (m != 0 ? AddMonthsToDays(day, m) : day) + d;
    return zone.FromLocal(day * kMicrosPerDay + tod, offset);
  };
  if (months != 0) t = step(t, months, 0);
  if (days != 0) t = step(t, 0, days);
  return t + add_micros;
}

// ---- truncation ----------------------------------------------------------------------

TruncLevel ParseTruncLevel(std::string_view format) {
  std::string f(format);
  for (char& c : f) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (f == "MICROSECOND") return kTruncMicrosecond;
  if (f == "MILLISECOND") return kTruncMillisecond;
  if (f == "SECOND") return kTruncSecond;
  if (f == "MINUTE") return kTruncMinute;
  if (f == "HOUR") return kTruncHour;
  if (f == "DAY" || f == "DD") return kTruncDay;
  if (f == "WEEK") return kTruncWeek;
  if (f == "MON" || f == "MONTH" || f == "MM") return kTruncMonth;
  if (f == "QUARTER") return kTruncQuarter;
  if (f == "YEAR" || f == "YYYY" || f == "YY") return kTruncYear;
  return kTruncInvalid;
}

int32_t TruncDate(int32_t days, TruncLevel level) {
  switch (level) {
    case kTruncWeek:
      return days - (IsoDayOfWeek(days) - 1);
    case kTruncMonth:
      return days - CivilFromDays(days).day + 1;
    case kTruncQuarter: {
      CivilDate c = CivilFromDays(days);
      return static_cast<int32_t>(DaysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1));
    }
    default:
      return static_cast<int32_t>(DaysFromCivil(CivilFromDays(days).year, 1, 1));
  }
}

// ---- resolution helpers --------------------------------------------------------------

Status UnexpectedInputType(std::string_view name, const std::vector<ExprPtr>& args, size_t k,
                           std::string_view expected) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, args),
                          "Parameter " + std::to_string(k + 1) + " requires the " +
                              std::string(expected) + " type, however \"" + args[k]->ToString() +
                              "\" has the type " + QuoteType(args[k]->type()) + ".");
}

Result<ExprPtr> DateArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k) {
  switch (args[k]->type().id()) {
    case TypeId::kDate:
      return args[k];
    case TypeId::kNull:
    case TypeId::kString:
    case TypeId::kTimestamp:
      return Cast(args[k], DataType::Date());
    default:
      return UnexpectedInputType(name, args, k, "\"DATE\"");
  }
}

Result<ExprPtr> TimestampArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k) {
  switch (args[k]->type().id()) {
    case TypeId::kTimestamp:
      return args[k];
    case TypeId::kNull:
    case TypeId::kString:
    case TypeId::kDate:
      return Cast(args[k], DataType::Timestamp());
    default:
      return UnexpectedInputType(name, args, k, "\"TIMESTAMP\"");
  }
}

Result<ExprPtr> StringArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k) {
  const DataType& t = args[k]->type();
  if (t.id() == TypeId::kString) return args[k];
  if (t.is_nested() || t.id() == TypeId::kInterval) {
    return UnexpectedInputType(name, args, k, "\"STRING\"");
  }
  return Cast(args[k], DataType::String());
}

Result<ExprPtr> DaysArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k) {
  switch (args[k]->type().id()) {
    case TypeId::kInt32:
      return args[k];
    case TypeId::kNull:
    case TypeId::kString:
      return Cast(args[k], DataType::Int32());
    default:
      return UnexpectedInputType(name, args, k, "(\"INT\" or \"SMALLINT\" or \"TINYINT\")");
  }
}

Result<ExprPtr> IntArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k) {
  const DataType& t = args[k]->type();
  if (t.id() == TypeId::kInt32) return args[k];
  if (t.is_null() || t.is_numeric() || t.id() == TypeId::kString) {
    return Cast(args[k], DataType::Int32());
  }
  return UnexpectedInputType(name, args, k, "\"INT\"");
}

Result<ExprPtr> BigintArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k) {
  const DataType& t = args[k]->type();
  if (t.id() == TypeId::kInt64) return args[k];
  if (t.is_null() || t.id() == TypeId::kInt32 || t.id() == TypeId::kString) {
    return Cast(args[k], DataType::Int64());
  }
  return UnexpectedInputType(name, args, k, "\"BIGINT\"");
}

bool LiteralString(const ExprPtr& e, std::string* out, bool* is_null) {
  if (e->kind() != ExprKind::kLiteral) return false;
  const Value& v = static_cast<const LiteralExpr&>(*e).value();
  *is_null = v.is_null();
  if (!v.is_null()) {
    if (v.type().id() != TypeId::kString) return false;
    *out = v.str();
  }
  return true;
}

ExprPtr MakeCall(
    std::string name, DataType type, bool deterministic,
    std::function<Result<Datum>(EvalContext&, const std::vector<Datum>&, const RowSet&)> fn,
    std::vector<ExprPtr> args) {
  auto f = std::make_shared<kernels::LambdaFunction>(std::move(name), std::move(type),
                                                     std::move(fn), deterministic);
  return std::make_shared<CallExpr>(std::move(f), std::move(args), true);
}

}  // namespace weir::datetime

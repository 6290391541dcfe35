// Internals shared by the datetime function files (internal to weir_functions):
// datetime_functions.cc (registration, parsing and formatting functions),
// datetime_fields.cc (field extraction, truncation, construction, zone shifts),
// datetime_arith.cc (date arithmetic and the + / - hook), datetime_extract.cc
// (date_part / extract), datetime_format.cc and datetime_parse.cc (Spark's pattern
// language).
//
// Thread-safety: ZoneCalc is immutable after construction and may be shared; the
// rest are free functions.

#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/time/time.h>

#include "weir/common/result.h"
#include "weir/expr/expr.h"
#include "weir/functions/registry.h"
#include "weir/types/datetime.h"

namespace weir::datetime {

inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
inline int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

inline bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int64_t year, int month);
// 1 = Monday .. 7 = Sunday (java.time DayOfWeek) of days since the epoch.
inline int IsoDayOfWeek(int64_t days) { return static_cast<int>(FloorMod(days + 3, 7)) + 1; }
// Day of the year, 1..366.
int DayOfYear(int64_t days);
// LocalDate.plusMonths: the day is clamped to the last day of the target month.
int64_t AddMonthsToDays(int64_t days, int64_t months);

// The wall clock of a time zone, as java.time computes it. For UTC and fixed
// offsets every conversion is arithmetic; for zones with transitions one absl
// lookup (a binary search over the zone's transitions, no allocation) per call.
class ZoneCalc {
 public:
  explicit ZoneCalc(const absl::TimeZone& zone);

  // True when the zone has a single offset (UTC, "+08:00").
  bool fixed() const { return fixed_; }
  // The offset of a fixed zone, in seconds. REQUIRES: fixed().
  int64_t fixed_offset_seconds() const { return fixed_offset_; }
  const absl::TimeZone& zone() const { return zone_; }

  // The UTC offset at an instant, in seconds.
  int64_t OffsetAt(int64_t micros) const {
    if (fixed_) return fixed_offset_;
    return zone_.At(absl::FromUnixSeconds(FloorDiv(micros, kMicrosPerSecond))).offset;
  }
  // The local wall time of an instant, as microseconds since 1970-01-01T00:00 local.
  int64_t ToLocal(int64_t micros) const { return micros + OffsetAt(micros) * kMicrosPerSecond; }
  // The instant of a local wall time (ZonedDateTime.ofLocal): a time in a gap moves
  // forward by the gap's length; a repeated time takes `preferred_offset` when that
  // is one of its two offsets, otherwise the earlier one.
  int64_t FromLocal(int64_t local_micros, int64_t preferred_offset = kNoOffset) const;
  // DateTimeUtils.microsToDays / daysToMicros (start of day, after a gap at midnight).
  int32_t MicrosToDays(int64_t micros) const {
    return static_cast<int32_t>(FloorDiv(ToLocal(micros), kMicrosPerDay));
  }
  int64_t DaysToMicros(int32_t days) const { return FromLocal(days * kMicrosPerDay); }

  static constexpr int64_t kNoOffset = INT64_MIN;

 private:
  absl::TimeZone zone_;
  bool fixed_ = false;
  int64_t fixed_offset_ = 0;
};

// ZonedDateTime.plusMonths(months).plusDays(days).plus(micros): months and days
// move the wall clock (keeping the offset when still valid), micros the instant.
int64_t TimestampAddInterval(const ZoneCalc& zone, int64_t micros, int32_t months, int32_t days,
                             int64_t add_micros);

// DateTimeUtils.parseTruncLevel.
enum TruncLevel : int {
  kTruncInvalid = -1,
  kTruncMicrosecond = 0,
  kTruncMillisecond,
  kTruncSecond,
  kTruncMinute,
  kTruncHour,
  kTruncDay,
  kTruncWeek,
  kTruncMonth,
  kTruncQuarter,
  kTruncYear,
};
TruncLevel ParseTruncLevel(std::string_view format);
// DateTimeUtils.truncDate. REQUIRES: level >= kTruncWeek.
int32_t TruncDate(int32_t days, TruncLevel level);

// ---- resolution helpers -----------------------------------------------------------

// "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] ... Parameter k requires the <expected> type".
Status UnexpectedInputType(std::string_view name, const std::vector<ExprPtr>& args, size_t k,
                           std::string_view expected);
// ImplicitCastInputTypes towards DATE (STRING, TIMESTAMP, NULL convert).
Result<ExprPtr> DateArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k);
// Towards TIMESTAMP (STRING, DATE, NULL convert).
Result<ExprPtr> TimestampArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k);
// Towards STRING (atomic types convert).
Result<ExprPtr> StringArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k);
// Towards INT: INT, NULL and STRING (DateAdd's days: "INT or SMALLINT or TINYINT").
Result<ExprPtr> DaysArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k);
// Towards INT from any number or STRING (make_date's fields).
Result<ExprPtr> IntArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k);
// Towards BIGINT from integral types or STRING.
Result<ExprPtr> BigintArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k);

// A literal STRING argument's text; nullopt when the argument is not a literal, and
// a NULL literal gives `*is_null`.
bool LiteralString(const ExprPtr& e, std::string* out, bool* is_null);

// The call node for a resolved function.
ExprPtr MakeCall(
    std::string name, DataType type, bool deterministic,
    std::function<Result<Datum>(EvalContext&, const std::vector<Datum>&, const RowSet&)> fn,
    std::vector<ExprPtr> args);

// Family registration (datetime_fields.cc, datetime_arith.cc, datetime_extract.cc).
void RegisterDatetimeFieldFunctions(FunctionRegistry* registry);
void RegisterDatetimeArithFunctions(FunctionRegistry* registry);
void RegisterDatetimeExtractFunctions(FunctionRegistry* registry);

}  // namespace weir::datetime

// DATE, TIMESTAMP and INTERVAL values and their Spark renderings.
//
// DATE is days since 1970-01-01 (proleptic Gregorian calendar); TIMESTAMP is
// microseconds since 1970-01-01 00:00:00 UTC; a TIMESTAMP is rendered in the session
// time zone, as spark.sql.session.timeZone governs in Spark.
//
// Thread-safety: values and free functions; a TimeZone may be shared across threads.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <absl/time/time.h>

#include "weir/common/result.h"

namespace weir {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

// Spark's CalendarInterval: months, days and microseconds are kept apart because a
// month has no fixed number of days and a day (across a DST change) no fixed length.
struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;

  bool operator==(const Interval&) const = default;
  // Spark's rendering: "1 years 2 months 3 days 4 hours 5 minutes 6.5 seconds", with
  // zero units left out, and "0 seconds" for the zero interval.
  std::string ToString() const;
};
static_assert(sizeof(Interval) == 16);

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t year, int month, int day);
CivilDate CivilFromDays(int64_t days);

// Microseconds since the epoch for a UTC wall time. For tests and generators.
int64_t TimestampFromCivilUtc(int64_t year, int month, int day, int hour, int minute, int second,
                              int micros = 0);

// A named time zone ("UTC", "America/Los_Angeles") or fixed offset ("+08:00").
class TimeZone {
 public:
  // UTC.
  TimeZone();
  // Loads a zone by IANA name, or parses a fixed offset "+HH:MM" / "-HH:MM" /
  // "UTC+HH:MM"; returns InvalidArgument for an unknown zone.
  static Result<TimeZone> Load(std::string_view name);

  const std::string& name() const { return name_; }
  const absl::TimeZone& zone() const { return zone_; }

 private:
  std::string name_;
  absl::TimeZone zone_;
};

// "2024-03-05"; years outside 0..9999 are rendered with a sign or more digits as
// java.time does ("+10000-01-01", "-0001-01-01").
void AppendDate(int32_t days, std::string* out);
std::string FormatDate(int32_t days);

// Spark's default timestamp rendering in `tz`: "2024-03-05 10:00:00", with the
// fraction of a second appended only when non-zero and without trailing zeros
// ("2024-03-05 10:00:00.12").
void AppendTimestamp(int64_t micros, const TimeZone& tz, std::string* out);
std::string FormatTimestamp(int64_t micros, const TimeZone& tz);

// ISO-8601 with milliseconds and offset, as Spark's JSON and CSV writers render a
// timestamp by default (yyyy-MM-dd'T'HH:mm:ss.SSSXXX): "2024-03-05T10:00:00.000Z",
// "2024-03-05T18:00:00.000+08:00".
void AppendTimestampIso(int64_t micros, const TimeZone& tz, std::string* out);

}  // namespace weir

#include "weir/types/datetime.h"

#include <random>
#include <string>

#include <absl/time/time.h>
#include <gtest/gtest.h>

namespace weir {
namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

TimeZone Zone(std::string_view name) {
  Result<TimeZone> tz = TimeZone::Load(name);
  EXPECT_TRUE(tz.ok()) << name << ": " << tz.status();
  return tz.ok() ? *tz : TimeZone();
}

std::string Iso(int64_t micros, const TimeZone& tz) {
  std::string out;
  AppendTimestampIso(micros, tz, &out);
  return out;
}

TEST(DateTest, KnownDays) {
  EXPECT_EQ(0, DaysFromCivil(1970, 1, 1));
  EXPECT_EQ(1, DaysFromCivil(1970, 1, 2));
  EXPECT_EQ(-1, DaysFromCivil(1969, 12, 31));
  EXPECT_EQ(59, DaysFromCivil(1970, 3, 1));
  EXPECT_EQ(10957, DaysFromCivil(2000, 1, 1));
  EXPECT_EQ(11016, DaysFromCivil(2000, 2, 29));
  EXPECT_EQ(11017, DaysFromCivil(2000, 3, 1));
  // 1900 is not a leap year: Feb 28 is followed by Mar 1.
  EXPECT_EQ(-25509, DaysFromCivil(1900, 2, 28));
  EXPECT_EQ(-25508, DaysFromCivil(1900, 3, 1));
  EXPECT_EQ(19787, DaysFromCivil(2024, 3, 5));
  EXPECT_EQ(-719528, DaysFromCivil(0, 1, 1));
  EXPECT_EQ(2932897, DaysFromCivil(10000, 1, 1));

  CivilDate epoch = CivilFromDays(0);
  EXPECT_EQ(1970, epoch.year);
  EXPECT_EQ(1, epoch.month);
  EXPECT_EQ(1, epoch.day);
  CivilDate leap = CivilFromDays(11016);
  EXPECT_EQ(2000, leap.year);
  EXPECT_EQ(2, leap.month);
  EXPECT_EQ(29, leap.day);
  CivilDate before = CivilFromDays(-1);
  EXPECT_EQ(1969, before.year);
  EXPECT_EQ(12, before.month);
  EXPECT_EQ(31, before.day);
}

// Walks the calendar day by day from -1000-01-01 to 3000-12-31 with an independent
// month-length table and checks both conversions on every day.
TEST(DateTest, RoundTripEveryDayFromYearMinus1000To3000) {
  int64_t year = -1000;
  int month = 1, day = 1;
  int64_t n = DaysFromCivil(year, month, day);
  // -1000-01-01 is 2,690,000-odd days before the epoch; pin it independently:
  // 1970 - (-1000) = 2970 years, of which 720 are leap years (see IsLeap).
  int64_t leap_years = 0;
  for (int64_t y = -1000; y < 1970; ++y) leap_years += IsLeap(y) ? 1 : 0;
  EXPECT_EQ(-(2970 * 365 + leap_years), n);
  int64_t checked = 0;
  while (year <= 3000) {
    CivilDate c = CivilFromDays(n);
    ASSERT_EQ(year, c.year) << n;
    ASSERT_EQ(month, c.month) << n;
    ASSERT_EQ(day, c.day) << n;
    ASSERT_EQ(n, DaysFromCivil(year, month, day));
    ++n;
    ++checked;
    if (++day > DaysInMonth(year, month)) {
      day = 1;
      if (++month > 12) {
        month = 1;
        ++year;
      }
    }
  }
  EXPECT_GT(checked, 4000 * 365);
}

TEST(DateTest, FarRangeRoundTrip) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> dist(-106'751'991LL * 3, 106'751'991LL * 3);
  for (int i = 0; i < 20000; ++i) {
    int64_t n = dist(rng);
    CivilDate c = CivilFromDays(n);
    ASSERT_GE(c.month, 1);
    ASSERT_LE(c.month, 12);
    ASSERT_GE(c.day, 1);
    ASSERT_LE(c.day, DaysInMonth(c.year, c.month));
    ASSERT_EQ(n, DaysFromCivil(c.year, c.month, c.day)) << n;
  }
}

TEST(DateTest, FormatDate) {
  EXPECT_EQ("1970-01-01", FormatDate(0));
  EXPECT_EQ("1969-12-31", FormatDate(-1));
  EXPECT_EQ("2024-03-05", FormatDate(19787));
  EXPECT_EQ("2000-02-29", FormatDate(DaysFromCivil(2000, 2, 29)));
  EXPECT_EQ("1900-02-28", FormatDate(DaysFromCivil(1900, 2, 28)));
  EXPECT_EQ("1900-03-01", FormatDate(DaysFromCivil(1900, 3, 1)));
  EXPECT_EQ("0001-01-01", FormatDate(DaysFromCivil(1, 1, 1)));
  EXPECT_EQ("0999-12-31", FormatDate(DaysFromCivil(999, 12, 31)));
  EXPECT_EQ("9999-12-31", FormatDate(DaysFromCivil(9999, 12, 31)));
  // java.time (which Spark's date formatter uses): year 0 is "0000"; years before it
  // and after 9999 carry a sign.
  EXPECT_EQ("0000-01-01", FormatDate(DaysFromCivil(0, 1, 1)));
  EXPECT_EQ("-0001-01-01", FormatDate(DaysFromCivil(-1, 1, 1)));
  EXPECT_EQ("-0001-12-31", FormatDate(DaysFromCivil(0, 1, 1) - 1));
  EXPECT_EQ("-1000-06-15", FormatDate(DaysFromCivil(-1000, 6, 15)));
  EXPECT_EQ("-12345-01-01", FormatDate(DaysFromCivil(-12345, 1, 1)));
  EXPECT_EQ("+10000-01-01", FormatDate(DaysFromCivil(10000, 1, 1)));
  EXPECT_EQ("+123456-07-08", FormatDate(DaysFromCivil(123456, 7, 8)));

  std::string out = "d=";
  AppendDate(1, &out);
  EXPECT_EQ("d=1970-01-02", out);
}

TEST(DateTest, FormatDateExtremes) {
  // Every int32 day is renderable.
  CivilDate max = CivilFromDays(INT32_MAX);
  EXPECT_EQ(5881580, max.year);
  EXPECT_EQ("+5881580-07-11", FormatDate(INT32_MAX));
  EXPECT_EQ("-5877641-06-23", FormatDate(INT32_MIN));
}

TEST(TimestampTest, TimestampFromCivilUtc) {
  EXPECT_EQ(0, TimestampFromCivilUtc(1970, 1, 1, 0, 0, 0));
  EXPECT_EQ(kMicrosPerDay + kMicrosPerHour + kMicrosPerMinute + kMicrosPerSecond + 7,
            TimestampFromCivilUtc(1970, 1, 2, 1, 1, 1, 7));
  EXPECT_EQ(-kMicrosPerSecond, TimestampFromCivilUtc(1969, 12, 31, 23, 59, 59));
  EXPECT_EQ(1709632800LL * kMicrosPerSecond, TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0));
}

// Spark's default timestamp rendering: the fraction only when non-zero, trailing
// zeros dropped (Spark 3.x TimestampFormatter with FractionTimestampFormatter).
TEST(TimestampTest, FormatUtc) {
  TimeZone utc;
  EXPECT_EQ("UTC", utc.name());
  int64_t base = TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0);
  EXPECT_EQ("1970-01-01 00:00:00", FormatTimestamp(0, utc));
  EXPECT_EQ("2024-03-05 10:00:00", FormatTimestamp(base, utc));
  EXPECT_EQ("2024-03-05 10:00:00.5", FormatTimestamp(base + 500000, utc));
  EXPECT_EQ("2024-03-05 10:00:00.12", FormatTimestamp(base + 120000, utc));
  EXPECT_EQ("2024-03-05 10:00:00.000001", FormatTimestamp(base + 1, utc));
  EXPECT_EQ("2024-03-05 10:00:00.123456", FormatTimestamp(base + 123456, utc));
  EXPECT_EQ("2024-03-05 10:00:00.00001", FormatTimestamp(base + 10, utc));
  EXPECT_EQ("2024-03-05 23:59:59.999999", FormatTimestamp(base + 14 * kMicrosPerHour - 1, utc));
}

TEST(TimestampTest, FormatBeforeEpoch) {
  TimeZone utc;
  EXPECT_EQ("1969-12-31 23:59:59.999999", FormatTimestamp(-1, utc));
  EXPECT_EQ("1969-12-31 23:59:59.5", FormatTimestamp(-500000, utc));
  EXPECT_EQ("1969-12-31 23:59:59", FormatTimestamp(-kMicrosPerSecond, utc));
  EXPECT_EQ("1969-12-31 23:59:58.999999", FormatTimestamp(-kMicrosPerSecond - 1, utc));
  EXPECT_EQ("1900-01-01 00:00:00.25",
            FormatTimestamp(TimestampFromCivilUtc(1900, 1, 1, 0, 0, 0, 250000), utc));
  EXPECT_EQ("0001-01-01 00:00:00", FormatTimestamp(TimestampFromCivilUtc(1, 1, 1, 0, 0, 0), utc));
  EXPECT_EQ("-0001-12-31 23:59:59",
            FormatTimestamp(TimestampFromCivilUtc(0, 1, 1, 0, 0, 0) - kMicrosPerSecond, utc));
  EXPECT_EQ("+10000-01-01 00:00:00",
            FormatTimestamp(TimestampFromCivilUtc(10000, 1, 1, 0, 0, 0), utc));
}

TEST(TimestampTest, AppendTimestampAppends) {
  std::string out = "t=";
  AppendTimestamp(1, TimeZone(), &out);
  EXPECT_EQ("t=1970-01-01 00:00:00.000001", out);
}

// spark.sql.session.timeZone = America/Los_Angeles renders UTC instants in local
// time, following DST.
TEST(TimeZoneTest, LosAngelesWithDst) {
  TimeZone la = Zone("America/Los_Angeles");
  EXPECT_EQ("America/Los_Angeles", la.name());
  // Winter: PST = UTC-8.
  EXPECT_EQ("2024-01-15 04:00:00",
            FormatTimestamp(TimestampFromCivilUtc(2024, 1, 15, 12, 0, 0), la));
  // Summer: PDT = UTC-7.
  EXPECT_EQ("2024-07-01 05:00:00.5",
            FormatTimestamp(TimestampFromCivilUtc(2024, 7, 1, 12, 0, 0, 500000), la));
  // DST starts 2024-03-10 at 02:00 PST (10:00 UTC): 01:59:59 jumps to 03:00:00.
  int64_t switch_over = TimestampFromCivilUtc(2024, 3, 10, 10, 0, 0);
  EXPECT_EQ("2024-03-10 01:59:59", FormatTimestamp(switch_over - kMicrosPerSecond, la));
  EXPECT_EQ("2024-03-10 03:00:00", FormatTimestamp(switch_over, la));
  // DST ends 2024-11-03 at 02:00 PDT (09:00 UTC): 01:00-02:00 happens twice.
  int64_t fall_back = TimestampFromCivilUtc(2024, 11, 3, 9, 0, 0);
  EXPECT_EQ("2024-11-03 01:59:59", FormatTimestamp(fall_back - kMicrosPerSecond, la));
  EXPECT_EQ("2024-11-03 01:00:00", FormatTimestamp(fall_back, la));
  // The epoch in LA is still the previous evening.
  EXPECT_EQ("1969-12-31 16:00:00", FormatTimestamp(0, la));
}

TEST(TimeZoneTest, FixedOffsets) {
  int64_t t = TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0);
  EXPECT_EQ("2024-03-05 18:00:00", FormatTimestamp(t, Zone("+08:00")));
  EXPECT_EQ("+08:00", Zone("+08:00").name());
  EXPECT_EQ("2024-03-05 02:30:00", FormatTimestamp(t, Zone("-07:30")));
  EXPECT_EQ("2024-03-05 15:45:00", FormatTimestamp(t, Zone("UTC+05:45")));
  EXPECT_EQ("2024-03-05 07:00:00", FormatTimestamp(t, Zone("GMT-03:00")));
  EXPECT_EQ("2024-03-05 19:00:00", FormatTimestamp(t, Zone("+9")));
  EXPECT_EQ("2024-03-05 19:00:00", FormatTimestamp(t, Zone("+09")));
  EXPECT_EQ("2024-03-05 19:30:00", FormatTimestamp(t, Zone("+9:30")));
  EXPECT_EQ("2024-03-05 10:00:00", FormatTimestamp(t, Zone("-00:00")));
  EXPECT_EQ("2024-03-06 04:00:00", FormatTimestamp(t, Zone("+18:00")));
  EXPECT_EQ("2024-03-05 10:00:00", FormatTimestamp(t, Zone("UTC")));
  EXPECT_EQ("2024-03-05 10:00:00", FormatTimestamp(t, Zone("GMT")));
  EXPECT_EQ("2024-03-05 10:00:00", FormatTimestamp(t, Zone("Z")));
  // Crossing the date line backwards.
  EXPECT_EQ("1969-12-31 16:00:00", FormatTimestamp(0, Zone("-08:00")));
}

TEST(TimeZoneTest, UnknownZoneIsInvalidArgument) {
  for (std::string_view bad : {"Mars/Olympus_Mons",
                               "America/Nowhere",
                               "UTCfoo",
                               "+19:00",
                               "+08:60",
                               "+",
                               "-xx",
                               "Not a zone",
                               "",
                               "+-8",
                               "-+8",
                               "+08:-30",
                               "+ 8",
                               "+08:",
                               "+08::00",
                               "+08:5",
                               "+008:00",
                               "+08:00x",
                               "UTC+",
                               "GMT-08:00:00"}) {
    Result<TimeZone> tz = TimeZone::Load(bad);
    ASSERT_FALSE(tz.ok()) << bad;
    EXPECT_EQ(StatusCode::kInvalidArgument, tz.status().code()) << bad;
  }
  EXPECT_EQ("unknown time zone 'Mars/Olympus_Mons'",
            TimeZone::Load("Mars/Olympus_Mons").status().message());
}

// Differential check against absl's formatter for random instants in several zones.
TEST(TimeZoneTest, AgreesWithAbslFormat) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> dist(TimestampFromCivilUtc(1800, 1, 1, 0, 0, 0),
                                              TimestampFromCivilUtc(2200, 1, 1, 0, 0, 0));
  for (std::string_view name : {"UTC", "America/Los_Angeles", "Asia/Shanghai", "+05:30"}) {
    TimeZone tz = Zone(name);
    for (int i = 0; i < 2000; ++i) {
      int64_t us = dist(rng);
      absl::Time t = absl::FromUnixMicros(us);
      std::string expected = absl::FormatTime("%Y-%m-%d %H:%M:%S", t, tz.zone());
      std::string got = FormatTimestamp(us, tz);
      ASSERT_EQ(expected, got.substr(0, 19)) << name << " " << us;
      int64_t frac = ((us % kMicrosPerSecond) + kMicrosPerSecond) % kMicrosPerSecond;
      ASSERT_EQ(frac == 0, got.size() == 19) << got;
    }
  }
}

// Spark's JSON and CSV writers: yyyy-MM-dd'T'HH:mm:ss.SSSXXX.
TEST(TimestampIsoTest, Format) {
  int64_t t = TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0);
  EXPECT_EQ("2024-03-05T10:00:00.000Z", Iso(t, TimeZone()));
  EXPECT_EQ("2024-03-05T10:00:00.123Z", Iso(t + 123456, TimeZone()));
  EXPECT_EQ("2024-03-05T10:00:00.999Z", Iso(t + 999999, TimeZone()));
  EXPECT_EQ("2024-03-05T18:00:00.000+08:00", Iso(t, Zone("+08:00")));
  EXPECT_EQ("2024-03-05T04:30:00.000-05:30", Iso(t, Zone("-05:30")));
  EXPECT_EQ("2024-03-05T02:00:00.000-08:00", Iso(t, Zone("America/Los_Angeles")));
  EXPECT_EQ("2024-07-01T05:00:00.000-07:00",
            Iso(TimestampFromCivilUtc(2024, 7, 1, 12, 0, 0), Zone("America/Los_Angeles")));
  EXPECT_EQ("1969-12-31T23:59:59.999Z", Iso(-1, TimeZone()));
  EXPECT_EQ("1969-12-31T23:59:59.500Z", Iso(-500000, TimeZone()));
  EXPECT_EQ("1970-01-01T00:00:00.000Z", Iso(0, Zone("+00:00")));

  std::string out = "x";
  AppendTimestampIso(0, TimeZone(), &out);
  EXPECT_EQ("x1970-01-01T00:00:00.000Z", out);
}

// Spark 3.5 CalendarInterval.toString.
TEST(IntervalTest, ToStringMatchesSparkCalendarInterval) {
  EXPECT_EQ("0 seconds", (Interval{}).ToString());
  EXPECT_EQ("1 years 2 months 3 days 4 hours 5 minutes 6.5 seconds",
            (Interval{14, 3, 4 * kMicrosPerHour + 5 * kMicrosPerMinute + 6'500'000}).ToString());
  EXPECT_EQ("1 years", (Interval{12, 0, 0}).ToString());
  EXPECT_EQ("2 months", (Interval{2, 0, 0}).ToString());
  EXPECT_EQ("3 days", (Interval{0, 3, 0}).ToString());
  EXPECT_EQ("1 hours", (Interval{0, 0, kMicrosPerHour}).ToString());
  EXPECT_EQ("1 minutes", (Interval{0, 0, kMicrosPerMinute}).ToString());
  EXPECT_EQ("6 seconds", (Interval{0, 0, 6 * kMicrosPerSecond}).ToString());
  EXPECT_EQ("10 seconds", (Interval{0, 0, 10 * kMicrosPerSecond}).ToString());
  EXPECT_EQ("0.000001 seconds", (Interval{0, 0, 1}).ToString());
  EXPECT_EQ("0.5 seconds", (Interval{0, 0, 500000}).ToString());
  EXPECT_EQ("25 hours", (Interval{0, 0, 25 * kMicrosPerHour}).ToString());
  EXPECT_EQ("1 years 1 days 0.1 seconds", (Interval{12, 1, 100000}).ToString());
}

TEST(IntervalTest, NegativeValues) {
  EXPECT_EQ("-1 years -2 months", (Interval{-14, 0, 0}).ToString());
  EXPECT_EQ("-3 days", (Interval{0, -3, 0}).ToString());
  EXPECT_EQ("-0.5 seconds", (Interval{0, 0, -500000}).ToString());
  EXPECT_EQ("-1 hours -1 minutes -1.25 seconds",
            (Interval{0, 0, -(kMicrosPerHour + kMicrosPerMinute + 1'250'000)}).ToString());
  EXPECT_EQ("1 months -1 days", (Interval{1, -1, 0}).ToString());
  EXPECT_EQ("-0.000001 seconds", (Interval{0, 0, -1}).ToString());
  EXPECT_EQ("-178956970 years -8 months", (Interval{INT32_MIN, 0, 0}).ToString());
}

TEST(IntervalTest, ExtremeMicros) {
  // INT64_MIN microseconds: the magnitude does not overflow.
  Interval iv{0, 0, INT64_MIN};
  EXPECT_EQ("-2562047788 hours -54.775808 seconds", iv.ToString());
  EXPECT_EQ("2562047788 hours 54.775807 seconds", (Interval{0, 0, INT64_MAX}).ToString());
}

TEST(IntervalTest, Equality) {
  EXPECT_EQ((Interval{1, 2, 3}), (Interval{1, 2, 3}));
  EXPECT_NE((Interval{1, 2, 3}), (Interval{1, 2, 4}));
  // A month is not 30 days.
  EXPECT_NE((Interval{1, 0, 0}), (Interval{0, 30, 0}));
}

}  // namespace
}  // namespace weir

// Datetime functions: expected values from the Spark 3.5 SQL function reference
// examples (quoted as `SELECT ...;` -> result) and from DateTimeUtils'
// semantics for time zones and DST. The docs render in the session zone they ran
// with; cases state the zone and the UTC instant they expect.

#include <gtest/gtest.h>

#include "weir/functions/datetime_arith.h"

#include "tests/unit/functions/datetime_test_util.h"

namespace weir {
namespace {

using namespace testing;  // NOLINT: S, D, TS, Case, RunCases

const char* kLA = "America/Los_Angeles";
const Value kNullDate = Value::Null(DataType::Date());
const Value kNullTs = Value::Null(DataType::Timestamp());
const Value kNullInt = Value::Null(DataType::Int32());

TEST(DatetimeFunctionsTest, SparkDocExamples) {
  RunCases({
      // `SELECT add_months('2016-08-31', 1);` -> 2016-09-30
      {"add_months", {S("2016-08-31"), I(1)}, D(2016, 9, 30)},
      // `SELECT date_add('2016-07-30', 1);` -> 2016-07-31
      {"date_add", {S("2016-07-30"), I(1)}, D(2016, 7, 31)},
      // `SELECT date_sub('2016-07-30', 1);` -> 2016-07-29
      {"date_sub", {S("2016-07-30"), I(1)}, D(2016, 7, 29)},
      // `SELECT date_from_unix_date(1);` -> 1970-01-02
      {"date_from_unix_date", {I(1)}, D(1970, 1, 2)},
      // `SELECT datediff('2009-07-31', '2009-07-30');` -> 1, and the reverse -> -1
      {"datediff", {S("2009-07-31"), S("2009-07-30")}, I(1)},
      {"datediff", {S("2009-07-30"), S("2009-07-31")}, I(-1)},
      // `SELECT date_trunc('YEAR', '2015-03-05T09:32:05.359');` -> 2015-01-01 00:00:00
      {"date_trunc", {S("YEAR"), S("2015-03-05T09:32:05.359")}, TS(2015, 1, 1)},
      // `SELECT date_trunc('MM', '2015-03-05T09:32:05.359');` -> 2015-03-01 00:00:00
      {"date_trunc", {S("MM"), S("2015-03-05T09:32:05.359")}, TS(2015, 3, 1)},
      // `SELECT date_trunc('DD', '2015-03-05T09:32:05.359');` -> 2015-03-05 00:00:00
      {"date_trunc", {S("DD"), S("2015-03-05T09:32:05.359")}, TS(2015, 3, 5)},
      // `SELECT date_trunc('HOUR', '2015-03-05T09:32:05.359');` -> 2015-03-05 09:00:00
      {"date_trunc", {S("HOUR"), S("2015-03-05T09:32:05.359")}, TS(2015, 3, 5, 9)},
      // `SELECT date_trunc('MILLISECOND', '2015-03-05T09:32:05.123456');`
      //   -> 2015-03-05 09:32:05.123
      {"date_trunc",
       {S("MILLISECOND"), S("2015-03-05T09:32:05.123456")},
       TS(2015, 3, 5, 9, 32, 5, 123000)},
      // `SELECT day('2009-07-30');` -> 30; `SELECT dayofmonth('2009-07-30');` -> 30
      {"day", {S("2009-07-30")}, I(30)},
      {"dayofmonth", {S("2009-07-30")}, I(30)},
      // `SELECT dayofweek('2009-07-30');` -> 5
      {"dayofweek", {S("2009-07-30")}, I(5)},
      // `SELECT dayofyear('2016-04-09');` -> 100
      {"dayofyear", {S("2016-04-09")}, I(100)},
      // `SELECT from_utc_timestamp('2016-08-31', 'Asia/Seoul');` -> 2016-08-31 09:00:00
      {"from_utc_timestamp", {S("2016-08-31"), S("Asia/Seoul")}, TS(2016, 8, 31, 9)},
      // `SELECT to_utc_timestamp('2016-08-31', 'Asia/Seoul');` -> 2016-08-30 15:00:00
      {"to_utc_timestamp", {S("2016-08-31"), S("Asia/Seoul")}, TS(2016, 8, 30, 15)},
      // `SELECT hour('2009-07-30 12:58:59');` -> 12, minute -> 58, second -> 59
      {"hour", {S("2009-07-30 12:58:59")}, I(12)},
      {"minute", {S("2009-07-30 12:58:59")}, I(58)},
      {"second", {S("2009-07-30 12:58:59")}, I(59)},
      // `SELECT last_day('2009-01-12');` -> 2009-01-31
      {"last_day", {S("2009-01-12")}, D(2009, 1, 31)},
      // `SELECT make_date(2013, 7, 15);` -> 2013-07-15
      {"make_date", {I(2013), I(7), I(15)}, D(2013, 7, 15)},
      // `SELECT make_date(2019, 7, NULL);` -> NULL
      {"make_date", {I(2019), I(7), kNullInt}, kNullDate},
      // `SELECT make_timestamp(2014, 12, 28, 6, 30, 45.887);` -> 2014-12-28 06:30:45.887
      {"make_timestamp",
       {I(2014), I(12), I(28), I(6), I(30), Value::Decimal(45887, 5, 3)},
       TS(2014, 12, 28, 6, 30, 45, 887000)},
      // `SELECT make_timestamp(2014, 12, 28, 6, 30, 45.887, 'CET');` -> the instant
      // 2014-12-28 05:30:45.887 UTC (the docs print it in their session zone)
      {"make_timestamp",
       {I(2014), I(12), I(28), I(6), I(30), Value::Decimal(45887, 5, 3), S("CET")},
       TS(2014, 12, 28, 5, 30, 45, 887000)},
      // `SELECT make_timestamp(2019, 6, 30, 23, 59, 60);` -> 2019-07-01 00:00:00
      {"make_timestamp", {I(2019), I(6), I(30), I(23), I(59), I(60)}, TS(2019, 7, 1)},
      // `SELECT make_timestamp(2019, 6, 30, 23, 59, 1);` -> 2019-06-30 23:59:01
      {"make_timestamp", {I(2019), I(6), I(30), I(23), I(59), I(1)}, TS(2019, 6, 30, 23, 59, 1)},
      // `SELECT make_timestamp(null, 7, 22, 15, 30, 0);` -> NULL
      {"make_timestamp", {kNullInt, I(7), I(22), I(15), I(30), I(0)}, kNullTs},
      // `SELECT month('2016-07-30');` -> 7
      {"month", {S("2016-07-30")}, I(7)},
      // `SELECT months_between('1997-02-28 10:30:00', '1996-10-30');` -> 3.94959677
      {"months_between", {S("1997-02-28 10:30:00"), S("1996-10-30")}, Dbl(3.94959677)},
      // `SELECT months_between('1997-02-28 10:30:00', '1996-10-30', false);`
      //   -> 3.9495967741935485
      {"months_between",
       {S("1997-02-28 10:30:00"), S("1996-10-30"), Bool(false)},
       Dbl(3.9495967741935485)},
      // `SELECT next_day('2015-01-14', 'TU');` -> 2015-01-20
      {"next_day", {S("2015-01-14"), S("TU")}, D(2015, 1, 20)},
      // `SELECT quarter('2016-08-31');` -> 3
      {"quarter", {S("2016-08-31")}, I(3)},
      // `SELECT timestamp_micros(1230219000123123);` -> 2008-12-25 07:30:00.123123 (LA)
      {"timestamp_micros", {L(1230219000123123)}, TS(2008, 12, 25, 15, 30, 0, 123123)},
      // `SELECT timestamp_millis(1230219000123);` -> 2008-12-25 07:30:00.123 (LA)
      {"timestamp_millis", {L(1230219000123)}, TS(2008, 12, 25, 15, 30, 0, 123000)},
      // `SELECT timestamp_seconds(1230219000);` -> 2008-12-25 07:30:00 (LA)
      {"timestamp_seconds", {L(1230219000)}, TS(2008, 12, 25, 15, 30)},
      // `SELECT timestamp_seconds(1230219000.123);` -> 2008-12-25 07:30:00.123 (LA)
      {"timestamp_seconds",
       {Value::Decimal(1230219000123, 13, 3)},
       TS(2008, 12, 25, 15, 30, 0, 123000)},
      // `SELECT to_date('2009-07-30 04:17:52');` -> 2009-07-30
      {"to_date", {S("2009-07-30 04:17:52")}, D(2009, 7, 30)},
      // `SELECT to_date('2016-12-31', 'yyyy-MM-dd');` -> 2016-12-31
      {"to_date", {S("2016-12-31"), S("yyyy-MM-dd")}, D(2016, 12, 31)},
      // `SELECT to_timestamp('2016-12-31 00:12:00');` -> 2016-12-31 00:12:00
      {"to_timestamp", {S("2016-12-31 00:12:00")}, TS(2016, 12, 31, 0, 12)},
      // `SELECT to_timestamp('2016-12-31', 'yyyy-MM-dd');` -> 2016-12-31 00:00:00
      {"to_timestamp", {S("2016-12-31"), S("yyyy-MM-dd")}, TS(2016, 12, 31)},
      // `SELECT to_unix_timestamp('2016-04-08', 'yyyy-MM-dd');` -> 1460098800 (LA)
      {"to_unix_timestamp", {S("2016-04-08"), S("yyyy-MM-dd")}, L(1460098800), kLA},
      // `SELECT unix_timestamp('2016-04-08', 'yyyy-MM-dd');` -> 1460041200 (a UTC+9 session)
      {"unix_timestamp", {S("2016-04-08"), S("yyyy-MM-dd")}, L(1460041200), "Asia/Seoul"},
      {"unix_timestamp", {S("2016-04-08"), S("yyyy-MM-dd")}, L(1460073600)},
      // `SELECT trunc('2019-08-04', 'week');` -> 2019-07-29
      {"trunc", {S("2019-08-04"), S("week")}, D(2019, 7, 29)},
      // `SELECT trunc('2019-08-04', 'quarter');` -> 2019-07-01
      {"trunc", {S("2019-08-04"), S("quarter")}, D(2019, 7, 1)},
      // `SELECT trunc('2009-02-12', 'MM');` -> 2009-02-01
      {"trunc", {S("2009-02-12"), S("MM")}, D(2009, 2, 1)},
      // `SELECT trunc('2015-10-27', 'YEAR');` -> 2015-01-01
      {"trunc", {S("2015-10-27"), S("YEAR")}, D(2015, 1, 1)},
      // `SELECT unix_date(DATE("1970-01-02"));` -> 1
      {"unix_date", {D(1970, 1, 2)}, I(1)},
      // `SELECT unix_micros(TIMESTAMP('1970-01-01 00:00:01Z'));` -> 1000000; millis 1000;
      // seconds 1
      {"unix_micros", {S("1970-01-01 00:00:01Z")}, L(1000000)},
      {"unix_millis", {S("1970-01-01 00:00:01Z")}, L(1000)},
      {"unix_seconds", {S("1970-01-01 00:00:01Z")}, L(1)},
      // `SELECT weekday('2009-07-30');` -> 3
      {"weekday", {S("2009-07-30")}, I(3)},
      // `SELECT weekofyear('2008-02-20');` -> 8
      {"weekofyear", {S("2008-02-20")}, I(8)},
      // `SELECT year('2016-07-30');` -> 2016
      {"year", {S("2016-07-30")}, I(2016)},
      // `SELECT from_unixtime(0, 'yyyy-MM-dd HH:mm:ss');` -> 1969-12-31 16:00:00 (LA)
      {"from_unixtime", {L(0), S("yyyy-MM-dd HH:mm:ss")}, S("1969-12-31 16:00:00"), kLA},
      // `SELECT from_unixtime(0);` -> 1969-12-31 16:00:00 (LA)
      {"from_unixtime", {L(0)}, S("1969-12-31 16:00:00"), kLA},
      {"from_unixtime", {L(0)}, S("1970-01-01 00:00:00")},
      // `SELECT date_format('2016-04-08', 'y');` -> 2016
      {"date_format", {S("2016-04-08"), S("y")}, S("2016")},
  });
}

TEST(DatetimeFunctionsTest, ClockIsFixedPerQuery) {
  const int64_t now = TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0);
  RunCases({
      {"current_timestamp", {}, Value::Timestamp(now)},
      {"now", {}, Value::Timestamp(now)},
      {"current_date", {}, D(2024, 3, 5)},
      {"current_date", {}, D(2024, 3, 5), kLA},
      // The date is the session zone's: 10:00 UTC is already the 6th at UTC+14 and
      // still the 4th at UTC-12.
      {"current_date", {}, D(2024, 3, 6), "Pacific/Kiritimati"},
      {"current_date", {}, D(2024, 3, 4), "-12:00"},
      // `SELECT current_timezone();` -> the session zone
      {"current_timezone", {}, S("Asia/Shanghai"), "Asia/Shanghai"},
      {"current_timezone", {}, S("UTC")},
      {"unix_timestamp", {}, L(now / 1000000)},
  });
}

TEST(DatetimeFunctionsTest, NullsPropagate) {
  const Value ns = Value::Null(DataType::String());
  RunCases({
      {"year", {kNullDate}, kNullInt},
      {"hour", {kNullTs}, kNullInt},
      {"date_add", {kNullDate, I(1)}, kNullDate},
      {"date_add", {S("2016-07-30"), kNullInt}, kNullDate},
      {"datediff", {kNullDate, S("2009-07-30")}, kNullInt},
      {"add_months", {S("2016-08-31"), kNullInt}, kNullDate},
      {"months_between", {kNullTs, S("1996-10-30")}, Value::Null(DataType::Double())},
      {"next_day", {S("2015-01-14"), ns}, kNullDate},
      {"last_day", {kNullDate}, kNullDate},
      {"date_trunc", {ns, S("2015-03-05")}, kNullTs},
      {"date_trunc", {S("HOUR"), kNullTs}, kNullTs},
      {"trunc", {S("2015-03-05"), ns}, kNullDate},
      {"to_date", {ns}, kNullDate},
      {"to_timestamp", {ns, S("yyyy")}, kNullTs},
      {"to_timestamp", {S("2016"), ns}, kNullTs},
      {"date_format", {kNullTs, S("yyyy")}, ns},
      {"from_unixtime", {Value::Null(DataType::Int64())}, ns},
      {"unix_timestamp", {ns}, Value::Null(DataType::Int64())},
      {"from_utc_timestamp", {kNullTs, S("UTC")}, kNullTs},
      {"timestamp_seconds", {Value::Null(DataType::Int64())}, kNullTs},
      {"unix_seconds", {kNullTs}, Value::Null(DataType::Int64())},
      {"make_timestamp", {I(2019), I(6), I(30), I(23), I(59), I(1), ns}, kNullTs},
      // Text that is not a date is NULL outside ANSI mode.
      {"year", {S("not a date")}, kNullInt},
      {"to_date", {S("2016-02-30")}, kNullDate},
  });
}

TEST(DatetimeFunctionsTest, LeapYearsAndMonthEnds) {
  RunCases({
      {"add_months", {S("2016-01-31"), I(1)}, D(2016, 2, 29)},
      {"add_months", {S("2015-01-31"), I(1)}, D(2015, 2, 28)},
      {"add_months", {S("2016-02-29"), I(12)}, D(2017, 2, 28)},
      {"add_months", {S("2016-03-31"), I(-1)}, D(2016, 2, 29)},
      {"add_months", {S("2016-01-15"), I(-13)}, D(2014, 12, 15)},
      {"last_day", {S("2016-02-10")}, D(2016, 2, 29)},
      {"last_day", {S("1900-02-01")}, D(1900, 2, 28)},
      {"last_day", {S("2000-02-01")}, D(2000, 2, 29)},
      {"dayofyear", {S("2016-12-31")}, I(366)},
      {"dayofyear", {S("2015-12-31")}, I(365)},
      {"make_date", {I(2020), I(2), I(29)}, D(2020, 2, 29)},
      {"make_date", {I(2019), I(2), I(29)}, kNullDate},
      // `SELECT make_date(2019, 13, 1);` -> NULL; `SELECT make_date(2019, 2, 30);` -> NULL
      {"make_date", {I(2019), I(13), I(1)}, kNullDate},
      {"make_date", {I(2019), I(2), I(30)}, kNullDate},
      // months_between: both month ends -> whole months; same day -> whole months.
      {"months_between", {S("2016-02-29"), S("2016-01-31")}, Dbl(1.0)},
      {"months_between", {S("2016-03-15 10:00:00"), S("2016-01-15 23:00:00")}, Dbl(2.0)},
      {"months_between", {S("1996-10-30"), S("1997-02-28 10:30:00")}, Dbl(-3.94959677)},
      {"weekofyear", {S("2021-01-01")}, I(53)},
      {"weekofyear", {S("2019-12-30")}, I(1)},
      {"weekofyear", {S("1970-01-01")}, I(1)},
  });
}

TEST(DatetimeFunctionsTest, NegativeEpochs) {
  RunCases({
      {"year", {D(1969, 12, 31)}, I(1969)},
      {"dayofweek", {S("1969-12-31")}, I(4)},
      {"weekday", {S("1969-12-31")}, I(2)},
      {"hour", {Value::Timestamp(-1)}, I(23)},
      {"minute", {Value::Timestamp(-1)}, I(59)},
      {"second", {Value::Timestamp(-1)}, I(59)},
      {"unix_seconds", {Value::Timestamp(-1)}, L(-1)},
      {"unix_millis", {Value::Timestamp(-1)}, L(-1)},
      {"date_trunc", {S("HOUR"), Value::Timestamp(-1)}, TS(1969, 12, 31, 23)},
      {"date_trunc", {S("SECOND"), Value::Timestamp(-1)}, TS(1969, 12, 31, 23, 59, 59)},
      {"date_trunc", {S("WEEK"), Value::Timestamp(-1)}, TS(1969, 12, 29)},
      {"trunc", {D(1969, 12, 31), S("MONTH")}, D(1969, 12, 1)},
      {"from_unixtime", {L(-1)}, S("1969-12-31 23:59:59")},
      {"timestamp_seconds", {L(-1)}, Value::Timestamp(-1000000)},
      {"timestamp_seconds", {Dbl(-1.5)}, Value::Timestamp(-1500000)},
      {"unix_date", {D(1969, 12, 31)}, I(-1)},
      {"year", {D(-44, 3, 15)}, I(-44)},
      {"date_add", {D(1, 1, 1), I(-1)}, D(0, 12, 31)},
  });
}

TEST(DatetimeFunctionsTest, TruncLevels) {
  const Value ts = S("2015-03-05T09:32:05.123456");
  RunCases({
      {"date_trunc", {S("MICROSECOND"), ts}, TS(2015, 3, 5, 9, 32, 5, 123456)},
      {"date_trunc", {S("SECOND"), ts}, TS(2015, 3, 5, 9, 32, 5)},
      {"date_trunc", {S("MINUTE"), ts}, TS(2015, 3, 5, 9, 32)},
      {"date_trunc", {S("day"), ts}, TS(2015, 3, 5)},
      {"date_trunc", {S("WEEK"), ts}, TS(2015, 3, 2)},
      {"date_trunc", {S("QUARTER"), ts}, TS(2015, 1, 1)},
      {"date_trunc", {S("MON"), ts}, TS(2015, 3, 1)},
      {"date_trunc", {S("YYYY"), ts}, TS(2015, 1, 1)},
      {"date_trunc", {S("YY"), ts}, TS(2015, 1, 1)},
      {"date_trunc", {S("FOO"), ts}, kNullTs},
      // trunc takes date levels only.
      {"trunc", {S("2019-08-04"), S("HOUR")}, kNullDate},
      {"trunc", {S("2019-08-04"), S("DAY")}, kNullDate},
      {"trunc", {S("2019-08-04"), S("bogus")}, kNullDate},
      {"trunc", {S("2019-11-30"), S("QUARTER")}, D(2019, 10, 1)},
      // A fixed-offset session: the hour starts on the local clock.
      {"date_trunc", {S("HOUR"), TS(2015, 3, 5, 9, 32)}, TS(2015, 3, 5, 9, 30), "+05:30"},
      {"date_trunc", {S("DAY"), TS(2015, 3, 5, 20, 0)}, TS(2015, 3, 5, 18, 30), "+05:30"},
  });
}

// America/Los_Angeles: 2019-03-10 02:00 PST jumps to 03:00 PDT; 2019-11-03 02:00 PDT
// falls back to 01:00 PST.
TEST(DatetimeFunctionsTest, DstTransitions) {
  RunCases({
      // A wall time in the gap moves forward by the gap (java.time).
      {"to_timestamp",
       {S("2019-03-10 02:30:00"), S("yyyy-MM-dd HH:mm:ss")},
       TS(2019, 3, 10, 10, 30),
       kLA},
      {"to_timestamp", {S("2019-03-10 02:30:00")}, TS(2019, 3, 10, 10, 30), kLA},
      // A repeated wall time takes the earlier offset (PDT).
      {"to_timestamp",
       {S("2019-11-03 01:30:00"), S("yyyy-MM-dd HH:mm:ss")},
       TS(2019, 11, 3, 8, 30),
       kLA},
      // date_trunc DAY: local midnight of a 23-hour day.
      {"date_trunc", {S("DAY"), TS(2019, 3, 10, 19)}, TS(2019, 3, 10, 8), kLA},
      {"date_trunc", {S("DAY"), TS(2019, 11, 3, 20)}, TS(2019, 11, 3, 7), kLA},
      // date_trunc HOUR in the repeated hour keeps the row's own offset.
      {"date_trunc", {S("HOUR"), TS(2019, 11, 3, 8, 30)}, TS(2019, 11, 3, 8), kLA},
      {"date_trunc", {S("HOUR"), TS(2019, 11, 3, 9, 30)}, TS(2019, 11, 3, 9), kLA},
      {"date_trunc", {S("HOUR"), TS(2019, 3, 10, 10, 30)}, TS(2019, 3, 10, 10), kLA},
      {"date_trunc", {S("MONTH"), TS(2019, 3, 10, 19)}, TS(2019, 3, 1, 8), kLA},
      // hour() reads the wall clock: 01:xx twice on the fall-back day.
      {"hour", {TS(2019, 11, 3, 8, 30)}, I(1), kLA},
      {"hour", {TS(2019, 11, 3, 9, 30)}, I(1), kLA},
      {"hour", {TS(2019, 3, 10, 10, 30)}, I(3), kLA},
      {"hour", {TS(2019, 3, 10, 9, 59)}, I(1), kLA},
      // from_utc_timestamp / to_utc_timestamp across the transitions.
      {"from_utc_timestamp", {TS(2019, 3, 10, 10, 30), S(kLA)}, TS(2019, 3, 10, 3, 30)},
      {"from_utc_timestamp", {TS(2019, 3, 10, 9, 30), S(kLA)}, TS(2019, 3, 10, 1, 30)},
      {"to_utc_timestamp", {TS(2019, 3, 10, 2, 30), S(kLA)}, TS(2019, 3, 10, 10, 30)},
      {"to_utc_timestamp", {TS(2019, 11, 3, 1, 30), S(kLA)}, TS(2019, 11, 3, 8, 30)},
      {"to_utc_timestamp", {S("2016-08-31"), S("PST")}, TS(2016, 8, 31, 7)},
      {"from_utc_timestamp", {S("2016-08-31"), S("+08:00")}, TS(2016, 8, 31, 8)},
      // make_timestamp in the gap.
      {"make_timestamp", {I(2019), I(3), I(10), I(2), I(30), I(0)}, TS(2019, 3, 10, 10, 30), kLA},
      // Dates of instants near midnight depend on the zone.
      {"to_date", {TS(2019, 3, 10, 7, 59)}, D(2019, 3, 9), kLA},
      {"to_date", {TS(2019, 3, 10, 8, 0)}, D(2019, 3, 10), kLA},
      {"months_between", {TS(2019, 3, 10, 8), TS(2019, 2, 10, 8)}, Dbl(1.0), kLA},
  });
}

TEST(DatetimeFunctionsTest, AnsiErrors) {
  // Non-ANSI NULLs become errors in ANSI mode.
  EXPECT_NE(std::string::npos,
            ErrorOf("make_date", {I(2019), I(13), I(1)}, "UTC", true).find("MonthOfYear"));
  EXPECT_NE(std::string::npos,
            ErrorOf("make_date", {I(2019), I(2), I(30)}, "UTC", true).find("FEBRUARY 30"));
  EXPECT_NE(
      std::string::npos,
      ErrorOf("next_day", {S("2015-01-14"), S("xx")}, "UTC", true).find("ILLEGAL_DAY_OF_WEEK"));
  EXPECT_EQ(kNullDate, *EvalLiterals("next_day", {S("2015-01-14"), S("xx")}));
  std::string e = ErrorOf("to_timestamp", {S("2016-12-31 abc"), S("yyyy-MM-dd")}, "UTC", true);
  EXPECT_NE(std::string::npos, e.find("[CANNOT_PARSE_TIMESTAMP]")) << e;
  EXPECT_NE(std::string::npos, e.find("'2016-12-31 abc'")) << e;
  e = ErrorOf("unix_timestamp", {S("nope"), S("yyyy-MM-dd")}, "UTC", true);
  EXPECT_NE(std::string::npos, e.find("could not be parsed at index 0")) << e;
  e = ErrorOf("make_timestamp",
              {I(2019), I(6), I(30), I(23), I(59), Value::Decimal(60500000, 8, 6)}, "UTC", true);
  EXPECT_NE(std::string::npos, e.find("fraction of sec")) << e;
  EXPECT_EQ(kNullTs, *EvalLiterals("make_timestamp", {I(2019), I(6), I(30), I(23), I(59),
                                                      Value::Decimal(60500000, 8, 6)}));
  // Overflow is an error in both modes.
  EXPECT_NE(std::string::npos,
            ErrorOf("timestamp_seconds", {L(INT64_MAX / 10)}).find("ARITHMETIC_OVERFLOW"));
  EXPECT_NE(
      std::string::npos,
      ErrorOf("from_utc_timestamp", {TS(2016, 1, 1), S("Mars/Olympus")}).find("Mars/Olympus"));
  // Wrong argument types are analysis errors.
  EXPECT_NE(std::string::npos,
            ErrorOf("date_add", {S("2016-07-30"), L(1)}).find("DATATYPE_MISMATCH"));
  EXPECT_NE(std::string::npos, ErrorOf("year", {Dbl(1.0)}).find("DATATYPE_MISMATCH"));
}

TEST(DatetimeFunctionsTest, ColumnsWithNullsAndSubsets) {
  EvalOptions la = Options(kLA, false);
  auto years = EvalColumns(
      "year", {{DataType::Date(), {D(2016, 7, 30), kNullDate, D(1969, 12, 31), D(2000, 2, 29)}}});
  ASSERT_TRUE(years.ok()) << years.status().ToString();
  EXPECT_EQ((std::vector<Value>{I(2016), kNullInt, I(1969), I(2000)}), *years);
  // date_trunc with a format per row, in a DST zone.
  auto trunc =
      EvalColumns("date_trunc",
                  {{DataType::String(),
                    {S("HOUR"), S("DAY"), Value::Null(DataType::String()), S("bad"), S("YEAR")}},
                   {DataType::Timestamp(),
                    {TS(2019, 11, 3, 9, 30), TS(2019, 3, 10, 19), TS(2019, 1, 1), TS(2019, 1, 1),
                     TS(2019, 3, 10, 19)}}},
                  la);
  ASSERT_TRUE(trunc.ok()) << trunc.status().ToString();
  EXPECT_EQ((std::vector<Value>{TS(2019, 11, 3, 9), TS(2019, 3, 10, 8), kNullTs, kNullTs,
                                TS(2019, 1, 1, 8)}),
            *trunc);
  // A timestamp column truncated in UTC (the fast path) and in LA (per-row offsets).
  std::vector<Value> ts;
  for (int h = 0; h < 40; ++h) {
    ts.push_back(
        Value::Timestamp(TimestampFromCivilUtc(2019, 11, 2, 20, 17, 0) + h * kMicrosPerHour));
  }
  ts[5] = kNullTs;
  Value hour = S("HOUR");
  std::vector<Value> fmt(ts.size(), hour);
  auto utc = EvalColumns("date_trunc", {{DataType::String(), fmt}, {DataType::Timestamp(), ts}});
  auto local =
      EvalColumns("date_trunc", {{DataType::String(), fmt}, {DataType::Timestamp(), ts}}, la);
  ASSERT_TRUE(utc.ok() && local.ok());
  for (size_t i = 0; i < ts.size(); ++i) {
    if (ts[i].is_null()) {
      EXPECT_TRUE((*utc)[i].is_null());
      continue;
    }
    const int64_t want = ts[i].int64() - 17 * kMicrosPerMinute;
    EXPECT_EQ(Value::Timestamp(want), (*utc)[i]) << i;
    EXPECT_EQ(Value::Timestamp(want), (*local)[i]) << i;  // LA offsets are whole hours
  }
  auto days =
      EvalColumns("date_add", {{DataType::Date(), {D(2016, 7, 30), D(2016, 2, 28), kNullDate}},
                               {DataType::Int32(), {I(1), I(1), I(3)}}});
  ASSERT_TRUE(days.ok());
  EXPECT_EQ((std::vector<Value>{D(2016, 7, 31), D(2016, 2, 29), kNullDate}), *days);
}

// `+` and `-` with DATE, TIMESTAMP and INTERVAL through the arithmetic hook.
Result<Value> Arith(std::string_view op, Value a, Value b, const std::string& tz = "UTC",
                    bool ansi = false) {
  ResolveOptions ro;
  ro.ansi = ansi;
  ASSIGN_OR_RAISE(ExprPtr e, ResolveDatetimeArithmetic(op, {Literal(a), Literal(b)}, ro));
  EvalOptions opts = Options(tz, ansi);
  EvalContext ctx(opts);
  ASSIGN_OR_RAISE(Datum d, e->Eval(ctx, Batch::MakeRowsOnly(1), RowSet(1)));
  return d.GetValue(0);
}

TEST(DatetimeFunctionsTest, IntervalArithmetic) {
  const int64_t day = kMicrosPerDay;
  // `SELECT date'2020-01-31' + interval 1 month;` -> 2020-02-29
  EXPECT_EQ(D(2020, 2, 29), *Arith("+", D(2020, 1, 31), Iv(1, 0, 0)));
  EXPECT_EQ(D(2020, 3, 1), *Arith("+", Iv(1, 1, 0), D(2020, 1, 31)));
  EXPECT_EQ(D(2019, 12, 31), *Arith("-", D(2020, 1, 31), Iv(1, 0, 0)));
  // A time part: through a timestamp at local midnight (non-ANSI), an error in ANSI.
  EXPECT_EQ(D(2020, 2, 1), *Arith("+", D(2020, 1, 31), Iv(0, 0, 25 * kMicrosPerHour)));
  EXPECT_FALSE(Arith("+", D(2020, 1, 31), Iv(0, 0, kMicrosPerHour), "UTC", true).ok());
  // TIMESTAMP + INTERVAL: days on the wall clock, micros on the time line. In LA,
  // 2019-03-09 12:00 PST + 1 day = 2019-03-10 12:00 PDT (23 hours later) ...
  EXPECT_EQ(TS(2019, 3, 10, 19), *Arith("+", TS(2019, 3, 9, 20), Iv(0, 1, 0), kLA));
  // ... while + 24 hours is 13:00 PDT.
  EXPECT_EQ(TS(2019, 3, 10, 20), *Arith("+", TS(2019, 3, 9, 20), Iv(0, 0, day), kLA));
  EXPECT_EQ(TS(2019, 3, 10, 20), *Arith("+", TS(2019, 3, 9, 20), Iv(0, 1, 0)));
  EXPECT_EQ(TS(2019, 3, 9, 20), *Arith("-", TS(2019, 3, 10, 19), Iv(0, 1, 0), kLA));
  EXPECT_EQ(TS(2016, 2, 29, 10), *Arith("+", TS(2016, 1, 31, 10), Iv(1, 0, 0)));
  // DATE +/- INT.
  EXPECT_EQ(D(2016, 7, 31), *Arith("+", D(2016, 7, 30), I(1)));
  EXPECT_EQ(D(2016, 7, 31), *Arith("+", I(1), D(2016, 7, 30)));
  EXPECT_EQ(D(2016, 7, 29), *Arith("-", D(2016, 7, 30), I(1)));
  // DATE - DATE: an interval of days; TIMESTAMP - TIMESTAMP: of microseconds.
  EXPECT_EQ(Iv(0, 1, 0), *Arith("-", D(2009, 7, 31), D(2009, 7, 30)));
  EXPECT_EQ(Iv(0, -366, 0), *Arith("-", D(2015, 1, 1), D(2016, 1, 2)));
  EXPECT_EQ(Iv(0, 0, 23 * kMicrosPerHour),
            *Arith("-", TS(2019, 3, 10, 19), TS(2019, 3, 9, 20), kLA));
  EXPECT_EQ(Iv(0, 0, kMicrosPerHour), *Arith("-", TS(2019, 1, 1, 1), D(2019, 1, 1)));
  EXPECT_EQ(Iv(1, 2, 3), *Arith("+", Iv(1, 1, 1), Iv(0, 1, 2)));
  EXPECT_EQ(Iv(1, 0, -1), *Arith("-", Iv(1, 1, 1), Iv(0, 1, 2)));
  EXPECT_EQ(Value::Null(DataType::Date()), *Arith("+", kNullDate, Iv(1, 0, 0)));
  // Not datetime: NotFound, for the numeric resolver to take over.
  auto numbers = ResolveDatetimeArithmetic("+", {Literal(I(1)), Literal(I(2))}, {});
  EXPECT_EQ(StatusCode::kNotFound, numbers.status().code());
  auto bad = ResolveDatetimeArithmetic("+", {Literal(D(2020, 1, 1)), Literal(D(2020, 1, 1))}, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string::npos, bad.status().message().find("DATATYPE_MISMATCH"));
}

}  // namespace
}  // namespace weir

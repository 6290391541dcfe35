// date_part / datepart / extract: expected values from the Spark 3.5 SQL function
// reference examples (quoted as `SELECT ...;` -> result), from Spark's
// sql-tests/results/extract.sql.out (quoted as [suite]), and from IntervalUtils'
// CalendarInterval accessors and DateTimeUtils' time-zone semantics.

#include <cctype>

#include <gtest/gtest.h>

#include "tests/unit/functions/datetime_test_util.h"

namespace weir {
namespace {

using namespace testing;  // NOLINT: S, D, TS, Iv, Case, RunCases

const char* kLA = "America/Los_Angeles";

// A DECIMAL(8,6) seconds value from its microseconds.
Value Sec(int64_t micros) { return Value::Decimal(micros, 8, 6); }

// [suite] c = '2011-05-06 07:08:09.1234567' (a STRING, implicitly cast).
const char* kC = "2011-05-06 07:08:09.1234567";

TEST(DatetimeExtractTest, SparkDocExamples) {
  RunCases({
      // `SELECT date_part('YEAR', TIMESTAMP '2019-08-12 01:00:00.123456');` -> 2019
      {"date_part", {S("YEAR"), TS(2019, 8, 12, 1, 0, 0, 123456)}, I(2019)},
      // `SELECT date_part('week', timestamp'2019-08-12 01:00:00.123456');` -> 33
      {"date_part", {S("week"), TS(2019, 8, 12, 1, 0, 0, 123456)}, I(33)},
      // `SELECT date_part('doy', DATE'2019-08-12');` -> 224
      {"date_part", {S("doy"), D(2019, 8, 12)}, I(224)},
      // `SELECT date_part('SECONDS', timestamp'2019-10-01 00:00:01.000001');` -> 1.000001
      {"date_part", {S("SECONDS"), TS(2019, 10, 1, 0, 0, 1, 1)}, Sec(1000001)},
      // `SELECT date_part('days', interval 5 days 3 hours 7 minutes);` -> 5
      {"date_part", {S("days"), Iv(0, 5, 3 * kMicrosPerHour + 7 * kMicrosPerMinute)}, I(5)},
      // `SELECT date_part('seconds', interval 5 hours 30 seconds 1 milliseconds
      //   1 microseconds);` -> 30.001001
      {"date_part", {S("seconds"), Iv(0, 0, 5 * kMicrosPerHour + 30001001)}, Sec(30001001)},
      // `SELECT date_part('MONTH', INTERVAL '2021-11' YEAR TO MONTH);` -> 11
      {"date_part", {S("MONTH"), Iv(2021 * 12 + 11, 0, 0)}, I(11)},
      // `SELECT date_part('MINUTE', INTERVAL '123 23:55:59.002001' DAY TO SECOND);` -> 55
      {"date_part",
       {S("MINUTE"), Iv(0, 123, 23 * kMicrosPerHour + 55 * kMicrosPerMinute + 59002001)},
       I(55)},
      // The same through extract(field, source) and datepart.
      {"extract", {S("YEAR"), TS(2019, 8, 12, 1, 0, 0, 123456)}, I(2019)},
      {"extract", {S("SECONDS"), TS(2019, 10, 1, 0, 0, 1, 1)}, Sec(1000001)},
      {"datepart", {S("doy"), D(2019, 8, 12)}, I(224)},
      // extract's field list: 2005-01-02 is in week 53 of 2004; 2012-12-31 in week 1
      // of 2013.
      {"date_part", {S("YEAROFWEEK"), D(2005, 1, 2)}, I(2004)},
      {"date_part", {S("WEEK"), D(2005, 1, 2)}, I(53)},
      {"date_part", {S("YEAROFWEEK"), D(2012, 12, 31)}, I(2013)},
      {"date_part", {S("WEEK"), D(2012, 12, 31)}, I(1)},
  });
}

TEST(DatetimeExtractTest, EveryFieldAndAlias) {
  // [suite] the values of extract(<field> from c).
  const std::vector<std::pair<std::vector<const char*>, Value>> fields = {
      {{"YEAR", "Y", "YEARS", "YR", "YRS"}, I(2011)},
      {{"YEAROFWEEK"}, I(2011)},
      {{"QUARTER", "QTR"}, I(2)},
      {{"MONTH", "MON", "MONS", "MONTHS"}, I(5)},
      {{"WEEK", "W", "WEEKS"}, I(18)},
      {{"DAY", "D", "DAYS"}, I(6)},
      {{"DAYOFWEEK", "DOW"}, I(6)},
      {{"DAYOFWEEK_ISO", "DOW_ISO"}, I(5)},
      {{"DOY"}, I(126)},
      {{"HOUR", "H", "HOURS", "HR", "HRS"}, I(7)},
      {{"MINUTE", "M", "MIN", "MINS", "MINUTES"}, I(8)},
      {{"SECOND", "S", "SEC", "SECONDS", "SECS"}, Sec(9123456)},
  };
  std::vector<Case> cases;
  for (const auto& [names, want] : fields) {
    for (const char* name : names) {
      std::string lower = name;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      for (const char* fn : {"date_part", "datepart", "extract"}) {
        cases.push_back({fn, {S(name), S(kC)}, want});
        cases.push_back({fn, {S(lower), S(kC)}, want});
      }
    }
  }
  RunCases(cases);
}

TEST(DatetimeExtractTest, IntervalSources) {
  // [suite] i = interval 10 year 20 month; j = interval 30 day 40 hour 50 minute
  // 6.7890 second (one CalendarInterval in weir: DAY takes the whole days of the
  // microseconds, HOUR the rest).
  const Value i = Iv(140, 0, 0);
  const Value j = Iv(0, 30, 40 * kMicrosPerHour + 50 * kMicrosPerMinute + 6789000);
  // INTERVAL '123 12:34:56.789123123' DAY TO SECOND and its negation.
  const int64_t t = 12 * kMicrosPerHour + 34 * kMicrosPerMinute + 56789123;
  const Value k = Iv(0, 123, t);
  const Value neg_k = Iv(0, -123, -t);
  RunCases({
      {"date_part", {S("year"), i}, I(11)},
      {"date_part", {S("yrs"), i}, I(11)},
      {"date_part", {S("month"), i}, I(8)},
      {"date_part", {S("mons"), i}, I(8)},
      {"date_part", {S("day"), j}, I(31)},
      {"date_part", {S("hour"), j}, I(16)},
      {"date_part", {S("minute"), j}, I(50)},
      {"date_part", {S("second"), j}, Sec(6789000)},
      // [suite] INTERVAL '2-1' YEAR TO MONTH and its negation.
      {"extract", {S("YEAR"), Iv(25, 0, 0)}, I(2)},
      {"extract", {S("YEAR"), Iv(-25, 0, 0)}, I(-2)},
      {"extract", {S("MONTH"), Iv(25, 0, 0)}, I(1)},
      {"extract", {S("MONTH"), Iv(-25, 0, 0)}, I(-1)},
      {"extract", {S("DAY"), k}, I(123)},
      {"extract", {S("DAY"), neg_k}, I(-123)},
      {"extract", {S("HOUR"), k}, I(12)},
      {"extract", {S("HOUR"), neg_k}, I(-12)},
      {"extract", {S("MINUTE"), k}, I(34)},
      {"extract", {S("MINUTE"), neg_k}, I(-34)},
      {"extract", {S("SECOND"), k}, Sec(56789123)},
      {"extract", {S("SECOND"), neg_k}, Sec(-56789123)},
      // Mixed signs are kept apart, as IntervalUtils' truncating divisions do.
      {"extract", {S("DAY"), Iv(0, 1, -25 * kMicrosPerHour)}, I(0)},
      {"extract", {S("HOUR"), Iv(0, 1, -25 * kMicrosPerHour)}, I(-1)},
      {"extract", {S("YEAR"), Iv(-11, 0, 0)}, I(0)},
      {"extract", {S("MONTH"), Iv(-11, 0, 0)}, I(-11)},
  });
  // DAY is Math.addExact(days, micros / MICROS_PER_DAY): an INT overflow is an error
  // in both modes.
  EXPECT_NE(std::string::npos,
            ErrorOf("date_part", {S("day"), Iv(0, INT32_MAX, kMicrosPerDay)}).find("overflow"));
}

TEST(DatetimeExtractTest, NullsAndDates) {
  const Value null_ts = Value::Null(DataType::Timestamp());
  const Value null_double = Value::Null(DataType::Double());
  RunCases({
      // A NULL field is a NULL DOUBLE, whatever the source ([suite] date_part(null, c)).
      {"date_part", {Value::Null(DataType::String()), S(kC)}, null_double},
      {"date_part", {Value::Null(DataType::Null()), Iv(1, 2, 3)}, null_double},
      {"date_part", {Value::Null(DataType::Null()), I(1)}, null_double},
      // A NULL source gives the field's type.
      {"date_part", {S("year"), Value::Null(DataType::Null())}, Value::Null(DataType::Int32())},
      {"date_part", {S("second"), null_ts}, Value::Null(DataType::DecimalUnchecked(8, 6))},
      {"date_part", {S("day"), Value::Null(DataType::Interval())}, Value::Null(DataType::Int32())},
      // A DATE source: time fields read midnight (Spark casts DATE to TIMESTAMP).
      {"date_part", {S("hour"), D(2024, 1, 15)}, I(0)},
      {"date_part", {S("minute"), D(2024, 1, 15)}, I(0)},
      {"date_part", {S("second"), D(2024, 1, 15)}, Sec(0)},
      {"date_part", {S("hour"), D(2024, 1, 15)}, I(0), kLA},
      {"date_part", {S("dow"), D(2024, 1, 15)}, I(2)},
      {"date_part", {S("dow_iso"), D(2024, 1, 15)}, I(1)},
      {"date_part", {S("dow_iso"), D(2024, 1, 14)}, I(7)},
      // A TIMESTAMP's date fields are those of its date in the session zone.
      {"date_part", {S("day"), TS(2024, 1, 15, 3)}, I(14), kLA},
      {"date_part", {S("doy"), TS(2024, 1, 1, 3)}, I(365), kLA},
      {"date_part", {S("yearofweek"), TS(2024, 1, 1, 3)}, I(2023), kLA},
  });
}

TEST(DatetimeExtractTest, SessionTimeZone) {
  // 1970-01-01 00:00:00.000001 UTC.
  const Value t = Value::Timestamp(1);
  RunCases({
      {"date_part", {S("hour"), t}, I(16), kLA},
      {"date_part", {S("day"), t}, I(31), kLA},
      {"date_part", {S("year"), t}, I(1969), kLA},
      {"date_part", {S("second"), t}, Sec(1), kLA},
      {"date_part", {S("hour"), t}, I(5), "+05:30"},
      {"date_part", {S("minute"), t}, I(30), "+05:30"},
      {"date_part", {S("second"), t}, Sec(1), "+05:30"},
      // Before the epoch the seconds still count up from the minute.
      {"date_part", {S("second"), Value::Timestamp(-1)}, Sec(59999999)},
      {"date_part", {S("second"), Value::Timestamp(-1)}, Sec(59999999), kLA},
      // Across the 2019-11-03 fall-back in LA: 08:30 and 09:30 UTC are both 01:30 local.
      {"date_part", {S("hour"), TS(2019, 11, 3, 8, 30)}, I(1), kLA},
      {"date_part", {S("hour"), TS(2019, 11, 3, 9, 30)}, I(1), kLA},
      {"date_part", {S("second"), TS(2019, 11, 3, 9, 30, 7, 5)}, Sec(7000005), kLA},
      // India's offset has half hours; Nepal's (+05:45) quarter hours.
      {"date_part", {S("minute"), TS(2024, 6, 1, 0, 0)}, I(45), "Asia/Kathmandu"},
  });
}

// date_part(field, column) over a TIMESTAMP column with NULLs, on all rows and on a
// subset, in a DST zone (the per-row offset path).
TEST(DatetimeExtractTest, ColumnsWithNullsAndSubsets) {
  std::vector<Value> ts;
  for (int h = 0; h < 30; ++h) {
    ts.push_back(
        Value::Timestamp(TimestampFromCivilUtc(2019, 11, 2, 20, 17, 3, 250) + h * kMicrosPerHour));
  }
  ts[4] = Value::Null(DataType::Timestamp());
  Field f{"ts", DataType::Timestamp(), true};
  SchemaPtr schema = MakeSchema({f});
  auto b = MakeBuilder(DataType::Timestamp());
  for (const Value& v : ts) ASSERT_TRUE(b->AppendValue(v).ok());
  Result<Batch> batch = Batch::Make(schema, {b->Finish()});
  ASSERT_TRUE(batch.ok());
  for (const char* tz : {"UTC", kLA}) {
    Result<ExprPtr> call = FunctionRegistry::Builtins().Resolve(
        "date_part", {Literal(S("second")), ColumnRef(*schema, 0)});
    ASSERT_TRUE(call.ok()) << call.status().ToString();
    EXPECT_EQ(DataType::DecimalUnchecked(8, 6), (*call)->type());
    EvalOptions options = Options(tz, false);
    EvalContext ctx(options);
    Result<ColumnPtr> out = EvaluateColumn(**call, ctx, *batch);
    ASSERT_TRUE(out.ok());
    for (size_t i = 0; i < ts.size(); ++i) {
      const Value got = GetValue(**out, static_cast<int64_t>(i));
      EXPECT_EQ(ts[i].is_null() ? Value::Null(DataType::DecimalUnchecked(8, 6)) : Sec(3000250), got)
          << tz << " row " << i;
    }
    std::vector<uint32_t> odd;
    for (uint32_t i = 1; i < ts.size(); i += 2) odd.push_back(i);
    Result<Datum> sub = (*call)->Eval(ctx, *batch, RowSet(static_cast<int64_t>(ts.size()), odd));
    ASSERT_TRUE(sub.ok());
    for (uint32_t i : odd) EXPECT_EQ(GetValue(**out, i), sub->GetValue(i)) << tz << " row " << i;
  }
}

TEST(DatetimeExtractTest, ResultTypes) {
  auto type_of = [](Value field, Value source) {
    Result<ExprPtr> e = FunctionRegistry::Builtins().Resolve(
        "date_part", {Literal(std::move(field)), Literal(std::move(source))});
    return e.ok() ? (*e)->type() : DataType::Null();
  };
  EXPECT_EQ(DataType::Int32(), type_of(S("year"), D(2024, 1, 15)));
  EXPECT_EQ(DataType::Int32(), type_of(S("dow_iso"), D(2024, 1, 15)));
  EXPECT_EQ(DataType::DecimalUnchecked(8, 6), type_of(S("second"), TS(2024, 1, 15)));
  EXPECT_EQ(DataType::DecimalUnchecked(8, 6), type_of(S("secs"), Iv(0, 0, 1)));
  EXPECT_EQ(DataType::Int32(), type_of(S("hour"), Iv(0, 0, 1)));
  EXPECT_EQ(DataType::Double(), type_of(Value::Null(DataType::String()), D(2024, 1, 15)));
}

TEST(DatetimeExtractTest, Errors) {
  // An unknown field: [INVALID_EXTRACT_FIELD] with the field as an identifier.
  std::string e = ErrorOf("date_part", {S("not_supported"), S(kC)});
  EXPECT_EQ(0u, e.find("[INVALID_EXTRACT_FIELD] Cannot extract `not_supported` from \"")) << e;
  e = ErrorOf("extract", {S("a`b"), D(2024, 1, 15)});
  EXPECT_NE(std::string::npos, e.find("Cannot extract `a``b` from")) << e;
  // Interval sources take six fields.
  for (const char* f : {"week", "doy", "quarter", "dow", "yearofweek", "dayofweek_iso"}) {
    e = ErrorOf("date_part", {S(f), Iv(1, 2, 3)});
    EXPECT_EQ(0u, e.find("[INVALID_EXTRACT_FIELD] Cannot extract `" + std::string(f) + "` from"))
        << e;
  }
  // The field must be a foldable STRING; the message names the function called.
  e = ErrorOf("datepart", {I(1), S(kC)});
  EXPECT_EQ(
      "[NON_FOLDABLE_ARGUMENT] The function `datepart` requires the parameter `field` to be a "
      "foldable expression of the type \"STRING\", but the actual argument is a non-foldable.",
      e);
  // A source that is not a datetime: the replacement expression's type mismatch.
  e = ErrorOf("date_part", {S("year"), I(1)});
  EXPECT_EQ(
      "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"year(1)\" due to data type "
      "mismatch: Parameter 1 requires the \"DATE\" type, however \"1\" has the type \"INT\".",
      e);
  EXPECT_NE(std::string::npos,
            ErrorOf("date_part", {S("second"), Bool(true)}).find("\"secondwithfraction(true)\""));
  EXPECT_NE(std::string::npos,
            ErrorOf("date_part", {S("yearofweek"), Dbl(1)}).find("\"yearofweek(1.0)\""));
  // The field is checked before the source's type.
  EXPECT_EQ(0u, ErrorOf("date_part", {S("nope"), I(1)}).find("[INVALID_EXTRACT_FIELD]"));
}

}  // namespace
}  // namespace weir

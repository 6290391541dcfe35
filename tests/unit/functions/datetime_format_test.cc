// Spark's datetime patterns ("Datetime Patterns for Formatting and Parsing", Spark
// 3.5) through date_format, to_timestamp and friends.

#include "weir/functions/datetime_format.h"

#include <gtest/gtest.h>

#include "tests/unit/functions/datetime_test_util.h"

namespace weir {
namespace {

using namespace testing;  // NOLINT: S, D, TS, Case, RunCases

const char* kLA = "America/Los_Angeles";
const Value kNullTs = Value::Null(DataType::Timestamp());
// 2016-04-08 13:05:09.123456 UTC, a Friday, day 99 of a leap year.
const Value kTs = TS(2016, 4, 8, 13, 5, 9, 123456);

Case F(std::string pattern, std::string want, std::string tz = "UTC") {
  return Case{"date_format", {kTs, S(std::move(pattern))}, S(std::move(want)), std::move(tz)};
}

TEST(DatetimeFormatTest, Letters) {
  RunCases({
      // Doc: `SELECT date_format('2016-04-08', 'y');` -> 2016
      F("y", "2016"),
      F("yy", "16"),
      F("yyy", "2016"),
      F("yyyy", "2016"),
      F("yyyyy", "02016"),
      F("M", "4"),
      F("MM", "04"),
      F("MMM", "Apr"),
      F("MMMM", "April"),
      F("L", "4"),
      F("LLLL", "April"),
      F("d", "8"),
      F("dd", "08"),
      F("D", "99"),
      F("DD", "99"),
      F("DDD", "099"),
      F("E", "Fri"),
      F("EEE", "Fri"),
      F("EEEE", "Friday"),
      F("a", "PM"),
      F("h", "1"),
      F("hh", "01"),
      F("K", "1"),
      F("k", "13"),
      F("H", "13"),
      F("HH", "13"),
      F("m", "5"),
      F("mm", "05"),
      F("s", "9"),
      F("ss", "09"),
      F("S", "1"),
      F("SSS", "123"),
      F("SSSSSS", "123456"),
      F("SSSSSSSSS", "123456000"),
      F("Q", "2"),
      F("QQ", "02"),
      F("QQQ", "Q2"),
      F("QQQQ", "2nd quarter"),
      F("q", "2"),
      F("G", "AD"),
      F("GGGG", "Anno Domini"),
      F("F", "1"),
      F("yyyy-MM-dd'T'HH:mm:ss.SSS", "2016-04-08T13:05:09.123"),
      F("EEE, d MMM yyyy", "Fri, 8 Apr 2016"),
      F("h 'o''clock' a", "1 o'clock PM"),
      F("''", "'"),
      F("'literal'", "literal"),
      F("yyyy/MM/dd", "2016/04/08"),
      F("[yyyy]", "2016"),
  });
}

TEST(DatetimeFormatTest, ZonesAndOffsets) {
  RunCases({
      F("VV", "UTC"),
      F("XXX", "Z"),
      F("X", "Z"),
      F("xxx", "+00:00"),
      F("x", "+00"),
      F("Z", "+0000"),
      F("ZZZZ", "GMT"),
      F("ZZZZZ", "Z"),
      F("O", "GMT"),
      F("z", "UTC"),
      // 2016-04-08 is PDT (UTC-7) in Los Angeles: 06:05 local.
      F("HH:mm", "06:05", kLA),
      F("XXX", "-07:00", kLA),
      F("XX", "-0700", kLA),
      F("X", "-07", kLA),
      F("Z", "-0700", kLA),
      F("O", "GMT-7", kLA),
      F("OOOO", "GMT-07:00", kLA),
      F("ZZZZ", "GMT-07:00", kLA),
      F("z", "PDT", kLA),
      F("VV", kLA, kLA),
      F("yyyy-MM-dd HH:mm:ss", "2016-04-08 06:05:09", kLA),
      F("X", "+0530", "Asia/Kolkata"),
      F("XXX", "+05:30", "Asia/Kolkata"),
      F("O", "GMT+5:30", "Asia/Kolkata"),
      F("HH:mm", "18:35", "Asia/Kolkata"),
      F("xxx", "+08:00", "+08:00"),
      // The same instant in winter is PST.
      {"date_format", {TS(2016, 1, 8, 13), S("HH z XXX")}, S("05 PST -08:00"), kLA},
  });
}

TEST(DatetimeFormatTest, EdgesOfTheCalendar) {
  RunCases({
      {"date_format",
       {Value::Timestamp(-1), S("yyyy-MM-dd HH:mm:ss.SSSSSS")},
       S("1969-12-31 23:59:59.999999")},
      {"date_format", {TS(10000, 1, 1), S("yyyy-MM-dd")}, S("+10000-01-01")},
      {"date_format", {TS(-1, 1, 1), S("yyyy")}, S("-0001")},
      {"date_format", {TS(0, 6, 1), S("yyyy G")}, S("0001 BC")},
      {"date_format", {TS(2016, 12, 31), S("D")}, S("366")},
      {"date_format", {TS(2016, 4, 8, 0, 0), S("hh a k K")}, S("12 AM 24 0")},
      {"date_format", {D(2016, 4, 8), S("yyyy-MM-dd HH:mm")}, S("2016-04-08 00:00")},
      {"from_unixtime", {L(1460073600), S("yyyy-MM-dd")}, S("2016-04-08")},
  });
}

TEST(DatetimeFormatTest, InvalidPatterns) {
  struct Bad {
    const char* pattern;
    const char* needle;
  };
  for (const Bad& b : std::vector<Bad>{
           {"YYYY-ww", "DATETIME_PATTERN_RECOGNITION"},  // week-based, legacy accepted
           {"yyyy-MM-dd e", "week-based"},               // legacy would fail too
           {"A", "Illegal pattern character: A"},
           {"MMMMM", "Too many pattern letters: M"},
           {"yyyyyyy", "Too many pattern letters: y"},
           {"ddd", "Too many pattern letters: d"},
           {"b", "Unknown pattern letter: b"},
           {"'abc", "incomplete string literal"},
           {"yyyy#", "reserved character"},
           {"VVV", "Pattern letter count must be 2: V"},
       }) {
    std::string e = ErrorOf("date_format", {kTs, S(b.pattern)});
    EXPECT_NE(std::string::npos, e.find(b.needle)) << b.pattern << ": " << e;
    EXPECT_NE(std::string::npos, e.find(std::string("'") + b.pattern)) << e;
  }
  // E, F, q and Q may format but not parse.
  EXPECT_NE(std::string::npos, ErrorOf("to_timestamp", {S("Fri"), S("EEE")}).find("E"));
  EXPECT_EQ(S("Fri"), *EvalLiterals("date_format", {kTs, S("EEE")}));
  // An invalid pattern is an error even outside ANSI mode, also from a column.
  auto col = EvalColumns("date_format", {{DataType::Timestamp(), {kTs, kTs}},
                                         {DataType::String(), {S("yyyy"), S("A")}}});
  EXPECT_FALSE(col.ok());
}

TEST(DatetimeFormatTest, Parsing) {
  auto P = [](std::string text, std::string pattern, Value want, std::string tz = "UTC") {
    return Case{"to_timestamp",
                {S(std::move(text)), S(std::move(pattern))},
                std::move(want),
                std::move(tz)};
  };
  RunCases({
      P("2016-12-31", "yyyy-MM-dd", TS(2016, 12, 31)),
      P("20160408", "yyyyMMdd", TS(2016, 4, 8)),
      P("2016040813", "yyyyMMddHH", TS(2016, 4, 8, 13)),
      P("16-04-08", "yy-MM-dd", TS(2016, 4, 8)),
      P("99-04-08", "yy-MM-dd", TS(2099, 4, 8)),
      P("2016-4-8", "yyyy-M-d", TS(2016, 4, 8)),
      P("2016-4-8", "yyyy-MM-dd", kNullTs),
      P("Apr 8 2016", "MMM d yyyy", TS(2016, 4, 8)),
      P("april 8 2016", "MMMM d yyyy", TS(2016, 4, 8)),
      P("2016-04-08 01:05:09 PM", "yyyy-MM-dd hh:mm:ss a", TS(2016, 4, 8, 13, 5, 9)),
      P("2016-04-08 12:05:09 am", "yyyy-MM-dd hh:mm:ss a", TS(2016, 4, 8, 0, 5, 9)),
      P("2016-04-08 01:05", "yyyy-MM-dd hh:mm", TS(2016, 4, 8, 1, 5)),
      P("2016-04-08 24:00", "yyyy-MM-dd kk:mm", TS(2016, 4, 8)),
      P("2016-04-08 13:05:09.1", "yyyy-MM-dd HH:mm:ss.SSS", TS(2016, 4, 8, 13, 5, 9, 100000)),
      P("2016-04-08 13:05:09.123456", "yyyy-MM-dd HH:mm:ss.SSSSSS",
        TS(2016, 4, 8, 13, 5, 9, 123456)),
      P("2016-04-08 13:05:09.1234", "yyyy-MM-dd HH:mm:ss.SSS", kNullTs),
      P("2016-04-08 13:05:09+08:00", "yyyy-MM-dd HH:mm:ssXXX", TS(2016, 4, 8, 5, 5, 9)),
      P("2016-04-08 13:05:09Z", "yyyy-MM-dd HH:mm:ssXXX", TS(2016, 4, 8, 13, 5, 9)),
      P("2016-04-08 13:05:09 -0700", "yyyy-MM-dd HH:mm:ss Z", TS(2016, 4, 8, 20, 5, 9)),
      P("2016-04-08 13:05:09 GMT+08:00", "yyyy-MM-dd HH:mm:ss OOOO", TS(2016, 4, 8, 5, 5, 9)),
      P("2016-04-08 13:05:09 America/Los_Angeles", "yyyy-MM-dd HH:mm:ss VV",
        TS(2016, 4, 8, 20, 5, 9)),
      P("2016-04-08 13:05:09 PST", "yyyy-MM-dd HH:mm:ss z", TS(2016, 4, 8, 20, 5, 9)),
      P("12:30", "HH:mm", TS(1970, 1, 1, 12, 30)),
      P("2016", "yyyy", TS(2016, 1, 1)),
      P("2016 100", "yyyy DDD", TS(2016, 4, 9)),
      P("2016-04", "yyyy-MM", TS(2016, 4, 1)),
      P("2016-04-08", "yyyy-MM-dd[ HH:mm]", TS(2016, 4, 8)),
      P("2016-04-08 10:30", "yyyy-MM-dd[ HH:mm]", TS(2016, 4, 8, 10, 30)),
      P("2016-04-08T10:30", "yyyy-MM-dd'T'HH:mm", TS(2016, 4, 8, 10, 30)),
      P("0001-01-01 AD", "yyyy-MM-dd G", TS(1, 1, 1)),
      P("0001-01-01 BC", "yyyy-MM-dd G", TS(0, 1, 1)),
      // Unparseable text and impossible dates: NULL outside ANSI mode.
      P("2016-12-31 abc", "yyyy-MM-dd", kNullTs),
      P("abc", "yyyy-MM-dd", kNullTs),
      P("", "yyyy-MM-dd", kNullTs),
      P("2019-02-29", "yyyy-MM-dd", kNullTs),
      P("2019-13-01", "yyyy-MM-dd", kNullTs),
      P("2019-04-31", "yyyy-MM-dd", kNullTs),
      P("2019-04-08 25:00", "yyyy-MM-dd HH:mm", kNullTs),
      P("2016-04-08", "yyyy-MM-dd", TS(2016, 4, 8, 7), kLA),
      {"to_date", {S("31/12/2016"), S("dd/MM/yyyy")}, D(2016, 12, 31)},
      {"to_date", {S("2016-12-31 23:30"), S("yyyy-MM-dd HH:mm")}, D(2016, 12, 31), kLA},
      {"to_date", {S("31/12/2016"), S("yyyy-MM-dd")}, Value::Null(DataType::Date())},
      {"unix_timestamp", {S("2016-04-08 13:05:09")}, L(1460120709)},
      {"unix_timestamp", {S("2016/04/08"), S("yyyy-MM-dd")}, Value::Null(DataType::Int64())},
      {"to_unix_timestamp", {TS(2016, 4, 8, 13, 5, 9, 500000), S("yyyy")}, L(1460120709)},
  });
  std::string e = ErrorOf("to_timestamp", {S("2016-12-31 abc"), S("yyyy-MM-dd")}, "UTC", true);
  EXPECT_NE(std::string::npos, e.find("unparsed text found at index 10")) << e;
  e = ErrorOf("to_timestamp", {S("2019-02-29"), S("yyyy-MM-dd")}, "UTC", true);
  EXPECT_NE(std::string::npos, e.find("CANNOT_PARSE_TIMESTAMP")) << e;
}

TEST(DatetimeFormatTest, PatternsPerRow) {
  auto out = EvalColumns(
      "date_format", {{DataType::Timestamp(), {kTs, kTs, kTs, kNullTs, kTs}},
                      {DataType::String(),
                       {S("yyyy"), S("MM"), S("MM"), S("dd"), Value::Null(DataType::String())}}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const Value ns = Value::Null(DataType::String());
  EXPECT_EQ((std::vector<Value>{S("2016"), S("04"), S("04"), ns, ns}), *out);
  auto parsed =
      EvalColumns("to_timestamp",
                  {{DataType::String(), {S("2016"), S("04/2016"), S("x"), S("2016-04-08")}},
                   {DataType::String(), {S("yyyy"), S("MM/yyyy"), S("yyyy"), S("yyyy-MM-dd")}}});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((std::vector<Value>{TS(2016, 1, 1), TS(2016, 4, 1), kNullTs, TS(2016, 4, 8)}), *parsed);
}

// PatternFormatter's digit-by-digit path (numeric-only patterns) and its caches of
// the last day and the last hour's offset must give Format's text for every instant:
// before 1970, years past 9999 and before year 1, zones with DST transitions and
// sub-hour offsets, instants in order (cache hits) and jumping around (misses).
TEST(DatetimeFormatTest, FormatterMatchesFormat) {
  // (Date-only patterns such as "yyyy-MM-dd" and "dd.MM" reuse the last local day's
  // text; the instants in order hit that cache many times within each day.)
  const std::vector<std::string> patterns = {"yyyy-MM-dd",
                                             "dd.MM",
                                             "'day' d 'of' M",
                                             "HH:mm",
                                             "yyyy-MM-dd HH:mm:ss",
                                             "yyyy-MM-dd'T'HH:mm:ss.SSSSSS",
                                             "y M d H m s",
                                             "yy",
                                             "yyy",
                                             "yyyyy",
                                             "yyyyyy",
                                             "h K k",
                                             "S SS SSSSSSSSS",
                                             "MM/dd/yyyy hh:mm a",
                                             "EEE MMM d",
                                             "yyyy-MM-dd HH:mm:ss XXX"};
  std::vector<int64_t> instants;
  for (int64_t t = TimestampFromCivilUtc(2016, 3, 12, 0, 0, 0);
       t < TimestampFromCivilUtc(2016, 3, 15, 0, 0, 0); t += 1234567891) {
    instants.push_back(t);  // across the US spring-forward
  }
  for (int64_t t = TimestampFromCivilUtc(2016, 11, 6, 7, 0, 0);
       t < TimestampFromCivilUtc(2016, 11, 6, 11, 0, 0); t += 60 * kMicrosPerSecond + 1) {
    instants.push_back(t);  // the repeated hour of the US fall-back
  }
  for (int64_t t :
       {int64_t{-1}, int64_t{0}, int64_t{1}, -kMicrosPerDay - 1,
        TimestampFromCivilUtc(1969, 12, 31, 23, 59, 59, 999999),
        TimestampFromCivilUtc(1900, 2, 28, 12, 0, 0, 5),
        TimestampFromCivilUtc(1800, 6, 1, 12, 34, 56),  // LMT: offsets with seconds
        TimestampFromCivilUtc(1, 1, 1, 0, 0, 0), TimestampFromCivilUtc(0, 6, 1, 0, 0, 0),
        TimestampFromCivilUtc(-1, 1, 1, 0, 0, 0), TimestampFromCivilUtc(-12345, 7, 4, 3, 2, 1),
        TimestampFromCivilUtc(9999, 12, 31, 23, 59, 59, 999999),
        TimestampFromCivilUtc(10000, 1, 1, 0, 0, 0),
        TimestampFromCivilUtc(123456, 2, 29, 1, 2, 3, 456),
        TimestampFromCivilUtc(2016, 4, 8, 13, 5, 9, 123456)}) {
    instants.push_back(t);
  }
  for (const char* zone_name : {"UTC", "America/Los_Angeles", "Asia/Kolkata", "+08:00",
                                "Australia/Lord_Howe", "Europe/Paris"}) {
    Result<TimeZone> tz = TimeZone::Load(zone_name);
    ASSERT_TRUE(tz.ok()) << zone_name;
    const datetime::ZoneCalc zone(tz->zone());
    for (const std::string& text : patterns) {
      Result<datetime::DateTimePattern> pattern = datetime::DateTimePattern::Compile(text, false);
      ASSERT_TRUE(pattern.ok()) << text;
      datetime::PatternFormatter formatter(*pattern, zone, tz->name());
      for (int64_t t : instants) {
        std::string want;
        pattern->Format(t, zone, tz->name(), &want);
        ASSERT_EQ(want, formatter.Format(t)) << text << " " << zone_name << " " << t;
      }
    }
  }
  // The fast path covers the common numeric patterns, and not the text ones.
  EXPECT_TRUE(datetime::DateTimePattern::Compile("yyyy-MM-dd", false)->numeric_only());
  EXPECT_TRUE(datetime::DateTimePattern::Compile("HH:mm", false)->time_only());
  EXPECT_FALSE(datetime::DateTimePattern::Compile("EEE", false)->numeric_only());
  EXPECT_FALSE(datetime::DateTimePattern::Compile("[yyyy]", false)->numeric_only());
}

// A per-row pattern that changes length between rows gets a formatter for each.
TEST(DatetimeFormatTest, PatternsPerRowChangeLength) {
  auto out = EvalColumns(
      "date_format",
      {{DataType::Timestamp(), {kTs, kTs, kTs, kTs}},
       {DataType::String(), {S("yy"), S("yyyy-MM-dd'T'HH:mm:ss.SSSSSS"), S("H"), S("EEEE yyyy")}}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(
      (std::vector<Value>{S("16"), S("2016-04-08T13:05:09.123456"), S("13"), S("Friday 2016")}),
      *out);
}

// FormatDay's range: every instant in [lo, hi) has the text of t, and for a fixed
// zone the range is t's whole local day (the text changes just outside it).
TEST(DatetimeFormatTest, FormatDayRanges) {
  std::vector<int64_t> instants;
  for (int64_t t = TimestampFromCivilUtc(2016, 3, 12, 0, 0, 0);
       t < TimestampFromCivilUtc(2016, 3, 15, 0, 0, 0); t += 987654321) {
    instants.push_back(t);  // across the US spring-forward
  }
  for (int64_t t : {int64_t{-1}, int64_t{0}, -kMicrosPerDay - 1,
                    TimestampFromCivilUtc(1800, 6, 1, 12, 34, 56),  // LMT
                    TimestampFromCivilUtc(-12345, 7, 4, 3, 2, 1),
                    TimestampFromCivilUtc(123456, 2, 29, 1, 2, 3, 456)}) {
    instants.push_back(t);
  }
  for (const char* zone_name :
       {"UTC", "+08:00", "-00:30", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Kolkata"}) {
    Result<TimeZone> tz = TimeZone::Load(zone_name);
    ASSERT_TRUE(tz.ok()) << zone_name;
    const datetime::ZoneCalc zone(tz->zone());
    for (const std::string text : {"yyyy-MM-dd", "dd.MM", "'day' d 'of' M"}) {
      Result<datetime::DateTimePattern> pattern = datetime::DateTimePattern::Compile(text, false);
      ASSERT_TRUE(pattern.ok()) << text;
      datetime::PatternFormatter formatter(*pattern, zone, tz->name());
      ASSERT_TRUE(formatter.date_only());
      auto reference = [&](int64_t t) {
        std::string out;
        pattern->Format(t, zone, tz->name(), &out);
        return out;
      };
      for (int64_t t : instants) {
        int64_t lo = 0, hi = 0;
        const std::string want = reference(t);
        ASSERT_EQ(want, formatter.FormatDay(t, &lo, &hi)) << text << " " << zone_name;
        ASSERT_LE(lo, t);
        ASSERT_LT(t, hi);
        EXPECT_EQ(want, reference(lo)) << text << " " << zone_name << " " << t;
        EXPECT_EQ(want, reference(hi - 1)) << text << " " << zone_name << " " << t;
        if (zone.fixed() && text == "yyyy-MM-dd") {
          EXPECT_EQ(kMicrosPerDay, hi - lo) << zone_name << " " << t;
          EXPECT_NE(want, reference(lo - 1)) << zone_name << " " << t;
          EXPECT_NE(want, reference(hi)) << zone_name << " " << t;
        }
      }
    }
  }
  EXPECT_FALSE(
      datetime::PatternFormatter(*datetime::DateTimePattern::Compile("yyyy-MM-dd HH", false),
                                 datetime::ZoneCalc(TimeZone::Load("UTC")->zone()), "UTC")
          .date_only());
}

// date_format and from_unixtime with a literal date-only pattern (the path that
// reuses one ref per local day) over a column: rows in order, jumping back and
// forth across days, NULLs, a text longer than a StringRef holds inline, and a
// subset of the rows.
TEST(DatetimeFormatTest, LiteralDatePatternOverColumn) {
  std::vector<int64_t> micros;
  for (int64_t t = TimestampFromCivilUtc(2016, 3, 12, 20, 0, 0);
       t < TimestampFromCivilUtc(2016, 3, 15, 0, 0, 0); t += 3 * 3600 * kMicrosPerSecond + 7) {
    micros.push_back(t);
    micros.push_back(t - 2 * kMicrosPerDay);
  }
  micros.push_back(TimestampFromCivilUtc(-5, 1, 1, 0, 0, 0));
  for (const char* zone_name : {"UTC", "America/Los_Angeles", "+05:45"}) {
    for (bool seconds : {false, true}) {
      for (const std::string text : {"yyyy-MM-dd", "'day' yyyy-MM-dd"}) {
        const DataType type = seconds ? DataType::Int64() : DataType::Timestamp();
        auto b = MakeBuilder(type);
        for (size_t k = 0; k < micros.size(); ++k) {
          const int64_t v = seconds ? datetime::FloorDiv(micros[k], kMicrosPerSecond) : micros[k];
          ASSERT_TRUE(b->AppendValue(k % 5 == 3 ? Value::Null(type)
                                     : seconds  ? Value::Int64(v)
                                                : Value::Timestamp(v))
                          .ok());
        }
        SchemaPtr schema = MakeSchema({Field{"t", type, true}});
        Result<Batch> batch = Batch::Make(schema, {b->Finish()});
        ASSERT_TRUE(batch.ok());
        Result<ExprPtr> call = FunctionRegistry::Builtins().Resolve(
            seconds ? "from_unixtime" : "date_format",
            {ColumnRef(*schema, 0), Literal(Value::String(text))}, ResolveOptions{});
        ASSERT_TRUE(call.ok()) << call.status().ToString();
        const EvalOptions options = Options(zone_name, false);
        EvalContext ctx(options);
        const datetime::ZoneCalc zone(ctx.time_zone().zone());
        Result<datetime::DateTimePattern> pattern = datetime::DateTimePattern::Compile(text, false);
        ASSERT_TRUE(pattern.ok());
        auto want = [&](size_t k) {
          if (k % 5 == 3) return Value::Null(DataType::String());
          const int64_t t = seconds
                                ? datetime::FloorDiv(micros[k], kMicrosPerSecond) * kMicrosPerSecond
                                : micros[k];
          std::string out;
          pattern->Format(t, zone, ctx.time_zone().name(), &out);
          return Value::String(out);
        };
        Result<ColumnPtr> all = EvaluateColumn(**call, ctx, *batch);
        ASSERT_TRUE(all.ok()) << all.status().ToString();
        for (size_t k = 0; k < micros.size(); ++k) {
          ASSERT_EQ(want(k), GetValue(**all, static_cast<int64_t>(k)))
              << zone_name << " " << text << " row " << k;
        }
        std::vector<uint32_t> odd;
        for (uint32_t k = 1; k < micros.size(); k += 2) odd.push_back(k);
        Result<Datum> sub =
            (*call)->Eval(ctx, *batch, RowSet(static_cast<int64_t>(micros.size()), odd));
        ASSERT_TRUE(sub.ok());
        for (uint32_t k : odd) ASSERT_EQ(want(k), sub->GetValue(k)) << zone_name << " row " << k;
      }
    }
  }
}

}  // namespace
}  // namespace weir

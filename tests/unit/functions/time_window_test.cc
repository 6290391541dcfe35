// Tests of the time window functions (src/weir/functions/time_window.h): Spark 3.5's
// TimeWindowing.getWindow(i) arithmetic (ResolveTimeWindows.scala), the session
// struct of SessionWindowing ([ts, ts + gap) with TimeAdd), window_time (end - 1),
// and the resolvers refusing what the binder never generates.

#include "weir/functions/time_window.h"

#include <gtest/gtest.h>

#include "tests/unit/functions/datetime_test_util.h"

namespace weir::testing {
namespace {

namespace tw = weir::time_window;

constexpr int64_t kSec = 1000000;
constexpr int64_t kMin = 60 * kSec;

// __time_window(ts, window, slide, start, i) over a TIMESTAMP column: the (start,
// end) pairs, {-1, -1} for a NULL struct.
Result<std::vector<std::pair<int64_t, int64_t>>> TimeWindows(const std::vector<Value>& ts,
                                                             int64_t window, int64_t slide,
                                                             int64_t start, int64_t i,
                                                             bool ansi = false) {
  auto b = MakeBuilder(DataType::Timestamp());
  for (const Value& v : ts) RETURN_NOT_OK(b->AppendValue(v));
  SchemaPtr schema = MakeSchema({{"ts", DataType::Timestamp(), true}});
  ASSIGN_OR_RAISE(Batch batch, Batch::Make(schema, {b->Finish()}));
  ResolveOptions ropts;
  ropts.ansi = ansi;
  ASSIGN_OR_RAISE(ExprPtr call, FunctionRegistry::Builtins().Resolve(
                                    tw::kTimeWindowFunction,
                                    {ColumnRef(*schema, 0), Literal(Value::Int64(window)),
                                     Literal(Value::Int64(slide)), Literal(Value::Int64(start)),
                                     Literal(Value::Int64(i))},
                                    ropts));
  EXPECT_EQ(call->type(), tw::WindowStructType());
  EvalOptions eo;
  eo.ansi = ansi;
  EvalContext ctx(eo);
  ASSIGN_OR_RAISE(ColumnPtr out, EvaluateColumn(*call, ctx, batch));
  std::vector<std::pair<int64_t, int64_t>> result;
  for (int64_t r = 0; r < out->length(); ++r) {
    if (out->IsNull(r)) {
      result.push_back({-1, -1});
    } else {
      result.push_back({out->child(0)->values<int64_t>()[r], out->child(1)->values<int64_t>()[r]});
    }
  }
  return result;
}

TEST(TimeWindow, WindowStartFollowsSparksRemainderRule) {
  // Tumbling 5 minutes: an instant on an edge starts its window.
  EXPECT_EQ(tw::WindowStart(0, 5 * kMin, 0, 0), 0);
  EXPECT_EQ(tw::WindowStart(5 * kMin, 5 * kMin, 0, 0), 5 * kMin);
  EXPECT_EQ(tw::WindowStart(5 * kMin - 1, 5 * kMin, 0, 0), 0);
  // Before 1970 the remainder is negative and moves back one slide (SPARK-39347):
  // 1969-12-31 00:00:02 with 10 s windows offset by 5 s starts at 23:59:55 the day
  // before, not at 00:00:05.
  const int64_t t = -kSec * 86400 + 2 * kSec;
  EXPECT_EQ(tw::WindowStart(t, 10 * kSec, 5 * kSec, 0), -kSec * 86400 - 5 * kSec);
  EXPECT_EQ(tw::WindowStart(-1, 10 * kSec, 0, 0), -10 * kSec);
  EXPECT_EQ(tw::WindowStart(-10 * kSec, 10 * kSec, 0, 0), -10 * kSec);
  // Offsets, positive and negative, and older windows i * slide earlier.
  EXPECT_EQ(tw::WindowStart(0, 5 * kMin, 2 * kMin, 0), -3 * kMin);
  EXPECT_EQ(tw::WindowStart(0, 5 * kMin, -1 * kMin, 0), -1 * kMin);
  EXPECT_EQ(tw::WindowStart(7 * kMin, 3 * kMin, 0, 2), 0);
}

TEST(TimeWindow, EvaluatesWindowsAndNulls) {
  auto got = TimeWindows({Value::Timestamp(7 * kMin + 30 * kSec),
                          Value::Null(DataType::Timestamp()), Value::Timestamp(-1)},
                         10 * kMin, 5 * kMin, 0, 1);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0], std::make_pair(int64_t{0}, 10 * kMin));
  EXPECT_EQ((*got)[1], std::make_pair(int64_t{-1}, int64_t{-1}));
  EXPECT_EQ((*got)[2], std::make_pair(-10 * kMin, int64_t{0}));
}

TEST(TimeWindow, OverflowWrapsOrFailsWithAnsi) {
  // A window end past the largest long: Java's long arithmetic wraps; ANSI mode turns
  // it into Spark's ARITHMETIC_OVERFLOW.
  const int64_t big = INT64_MAX - 10;
  auto wrapped = TimeWindows({Value::Timestamp(100000)}, big, 1000, 0, 0);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  EXPECT_EQ((*wrapped)[0].first, 100000);
  EXPECT_LT((*wrapped)[0].second, 0);
  auto ansi = TimeWindows({Value::Timestamp(100000)}, big, 1000, 0, 0, true);
  ASSERT_FALSE(ansi.ok());
  EXPECT_NE(ansi.status().message().find("[ARITHMETIC_OVERFLOW]"), std::string::npos);
}

TEST(TimeWindow, ResolverRefusesWhatTheBinderNeverGenerates) {
  const auto& r = FunctionRegistry::Builtins();
  ExprPtr ts = Literal(Value::Timestamp(0));
  auto lit = [](int64_t v) { return Literal(Value::Int64(v)); };
  // A zero slide would divide by zero: refused at resolution, never evaluated.
  EXPECT_FALSE(r.Resolve(tw::kTimeWindowFunction, {ts, lit(10), lit(0), lit(0), lit(0)}).ok());
  EXPECT_FALSE(r.Resolve(tw::kTimeWindowFunction, {ts, lit(0), lit(10), lit(0), lit(0)}).ok());
  // Durations must be literals.
  SchemaPtr schema = MakeSchema({{"x", DataType::Int64(), true}});
  EXPECT_FALSE(
      r.Resolve(tw::kTimeWindowFunction, {ts, ColumnRef(*schema, 0), lit(10), lit(0), lit(0)})
          .ok());
  EXPECT_FALSE(r.Resolve(tw::kTimeWindowFunction, {lit(1), lit(10), lit(10), lit(0), lit(0)}).ok());
  EXPECT_FALSE(r.Resolve(tw::kSessionWindowFunction, {ts, lit(10)}).ok());
  // window() and session_window() themselves are only rewritten by the binder.
  auto st = r.Resolve("window", {ts, Literal(Value::String("5 minutes"))});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("only allowed in GROUP BY"), std::string::npos);
}

TEST(SessionWindow, InitialSessionAddsTheGapOnTheWallClock) {
  // [ts, ts + gap); a NULL timestamp or gap gives NULL.
  auto got = EvalColumns(
      tw::kSessionWindowFunction,
      {{DataType::Timestamp(),
        {TS(2024, 1, 1, 10), TS(2024, 1, 1, 10), NullOf(DataType::Timestamp())}},
       {DataType::Interval(), {Iv(0, 0, 5 * kMin), NullOf(DataType::Interval()), Iv(0, 0, kMin)}}});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)[0].ToString(), "{2024-01-01 10:00:00, 2024-01-01 10:05:00}");
  EXPECT_TRUE((*got)[1].is_null());
  EXPECT_TRUE((*got)[2].is_null());
  // A day across the spring-forward change of America/Los_Angeles is 23 hours
  // (Spark's TimeAdd moves days on the session zone's wall clock).
  EvalOptions la = Options("America/Los_Angeles", false);
  auto dst = EvalColumns(
      tw::kSessionWindowFunction,
      {{DataType::Timestamp(), {TS(2024, 3, 9, 20)}}, {DataType::Interval(), {Iv(0, 1, 0)}}}, la);
  ASSERT_TRUE(dst.ok()) << dst.status().ToString();
  // 12:00 PST to 12:00 PDT the next day, shown in UTC.
  EXPECT_EQ((*dst)[0].ToString(), "{2024-03-09 20:00:00, 2024-03-10 19:00:00}");
}

TEST(WindowTime, IsTheEndMinusOneMicrosecond) {
  auto got = EvalLiterals(tw::kSessionWindowFunction, {TS(2024, 1, 1, 10), Iv(0, 0, kMin)});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  auto time = EvalColumns(tw::kWindowTimeFunction,
                          {{tw::WindowStructType(), {*got, NullOf(tw::WindowStructType())}}});
  ASSERT_TRUE(time.ok()) << time.status().ToString();
  EXPECT_EQ((*time)[0], TS(2024, 1, 1, 10, 0, 59, 999999));
  EXPECT_TRUE((*time)[1].is_null());
  EXPECT_NE(ErrorOf(std::string(tw::kWindowTimeFunction), {I(1)}).find("UNEXPECTED_INPUT_TYPE"),
            std::string::npos);
}

TEST(WindowTime, WindowStructType) {
  EXPECT_EQ(tw::WindowStructType().ToDdl(), "STRUCT<start: TIMESTAMP, end: TIMESTAMP>");
  EXPECT_TRUE(tw::IsWindowStructType(tw::WindowStructType()));
  EXPECT_TRUE(tw::IsWindowStructType(DataType::Struct(
      {{"START", DataType::Timestamp(), false}, {"End", DataType::Timestamp(), true}})));
  EXPECT_FALSE(tw::IsWindowStructType(
      DataType::Struct({{"start", DataType::Timestamp()}, {"stop", DataType::Timestamp()}})));
  EXPECT_FALSE(tw::IsWindowStructType(
      DataType::Struct({{"start", DataType::Date()}, {"end", DataType::Date()}})));
  EXPECT_FALSE(tw::IsWindowStructType(DataType::Timestamp()));
}

}  // namespace
}  // namespace weir::testing

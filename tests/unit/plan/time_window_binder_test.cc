// The bound plans of window(), session_window() and the windowing table functions:
// the shapes the streaming engine recognizes (see src/weir/plan/bind_time_window.cc
// and src/weir/functions/time_window.h), following Spark 3.5's TimeWindowing and
// SessionWindowing (ResolveTimeWindows.scala).

#include <gtest/gtest.h>

#include "weir/plan/optimizer.h"

#include "plan_test_util.h"

namespace weir::plan::testing {
namespace {

void ExpectError(std::string_view sql, const std::string& message, int line, int column) {
  Status st = BindError(sql);
  EXPECT_EQ(st.message(), message) << sql << "\n" << st.ToString();
  EXPECT_EQ(st.position().line, line) << sql;
  EXPECT_EQ(st.position().column, column) << sql;
}

// The aggregate of a bound plan (the first node of that kind, top-down).
const AggregateNode* FindAggregate(const LogicalPlanPtr& p) {
  if (p->kind() == LogicalKind::kAggregate) return static_cast<const AggregateNode*>(p.get());
  for (const LogicalPlanPtr& c : p->children()) {
    if (const AggregateNode* a = FindAggregate(c)) return a;
  }
  return nullptr;
}

TEST(TimeWindowBinder, TumblingIsAProjectOverANotNullFilter) {
  EXPECT_EQ(Plan("SELECT host, window.start, count(*) FROM weblogs GROUP BY host, window(ts, "
                 "'5 minutes')"),
            "Project [host, window.start AS start, count(1)]\n"
            "+- Aggregate [host, window], [host, window, count(1)]\n"
            "   +- Project [host, ts, request, http_reply, bytes, __time_window(ts, 300000000, "
            "300000000, 0, 0) AS window]\n"
            "      +- Filter (ts IS NOT NULL)\n"
            "         +- Scan weblogs [host, ts, request, http_reply, bytes]\n");
  EXPECT_EQ(SchemaOf("SELECT window(ts, '5 minutes') FROM weblogs"),
            "window:STRUCT<start: TIMESTAMP, end: TIMESTAMP>?");
}

TEST(TimeWindowBinder, SlidingIsAnExpandUnderAFilter) {
  // slide divides window: every generated window holds ts, so only isnotnull (SPARK-38214).
  EXPECT_EQ(Plan("SELECT count(*) FROM weblogs GROUP BY window(ts, '10 minutes', '5 minutes')"),
            "Project [count(1)]\n"
            "+- Aggregate [window], [window, count(1)]\n"
            "   +- Filter (ts IS NOT NULL)\n"
            "      +- Expand [[host, ts, request, http_reply, bytes, __time_window(ts, 600000000, "
            "300000000, 0, 0)], [host, ts, request, http_reply, bytes, __time_window(ts, "
            "600000000, 300000000, 0, 1)]]\n"
            "         +- Scan weblogs [host, ts, request, http_reply, bytes]\n");
  // Otherwise ceil(window / slide) candidates, filtered to those holding ts.
  EXPECT_EQ(Plan("SELECT count(*) FROM weblogs GROUP BY window(ts, '5 minutes', '2 minutes', "
                 "'1 minute')"),
            "Project [count(1)]\n"
            "+- Aggregate [window], [window, count(1)]\n"
            "   +- Filter ((ts >= window.start) AND (ts < window.end))\n"
            "      +- Expand [[host, ts, request, http_reply, bytes, __time_window(ts, 300000000, "
            "120000000, 60000000, 0)], [host, ts, request, http_reply, bytes, __time_window(ts, "
            "300000000, 120000000, 60000000, 1)], [host, ts, request, http_reply, bytes, "
            "__time_window(ts, 300000000, 120000000, 60000000, 2)]]\n"
            "         +- Scan weblogs [host, ts, request, http_reply, bytes]\n");
}

TEST(TimeWindowBinder, SessionWindowMarksTheAggregate) {
  auto bound = BindSql(
      "SELECT host, session_window.end, count(*) FROM weblogs GROUP BY host, "
      "session_window(ts, '5 minutes')");
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(ExplainString(**bound),
            "Project [host, session_window.end AS end, count(1)]\n"
            "+- Aggregate [host, session_window], [host, session_window, count(1)], session "
            "session_window\n"
            "   +- Filter ((ts IS NOT NULL) AND (session_window.end > session_window.start))\n"
            "      +- Project [host, ts, request, http_reply, bytes, __session_window(ts, CAST(5 "
            "minutes AS INTERVAL)) AS session_window]\n"
            "         +- Scan weblogs [host, ts, request, http_reply, bytes]\n");
  const AggregateNode* agg = FindAggregate(*bound);
  ASSERT_NE(agg, nullptr);
  EXPECT_EQ(agg->session_window_group(), 1);
  // A per-row gap.
  EXPECT_EQ(FindAggregate(*BindSql("SELECT count(*) FROM weblogs GROUP BY session_window(ts, "
                                   "CASE WHEN http_reply = 200 THEN '1 minute' END), host"))
                ->session_window_group(),
            0);
  // Grouping by a field of the session is not a session aggregate (as in Spark, whose
  // planner looks for the session attribute itself).
  EXPECT_EQ(FindAggregate(*BindSql("SELECT count(*) FROM weblogs GROUP BY session_window(ts, "
                                   "'1 minute').start"))
                ->session_window_group(),
            -1);
}

TEST(TimeWindowBinder, SessionWindowSurvivesTheOptimizer) {
  // Column pruning keeps the session group; a condition on the merged session stays
  // above the aggregate, one on the key goes below.
  auto bound = BindSql(
      "SELECT * FROM (SELECT host, session_window AS s, count(*) AS n FROM weblogs GROUP BY "
      "host, session_window(ts, '5 minutes')) WHERE s.end > TIMESTAMP '2024-01-01 00:00:00' "
      "AND host = 'a'");
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EvalOptions eo;
  EvalContext ctx(eo);
  auto optimized = Optimize(*bound, ctx);
  ASSERT_TRUE(optimized.ok()) << optimized.status().ToString();
  const std::string plan = ExplainString(**optimized);
  const AggregateNode* agg = FindAggregate(*optimized);
  ASSERT_NE(agg, nullptr) << plan;
  EXPECT_EQ(agg->session_window_group(), 1) << plan;
  const size_t at_agg = plan.find("Aggregate");
  EXPECT_LT(plan.find("Filter (session_window.end > "), at_agg) << plan;
  EXPECT_GT(plan.find("(host = a)"), at_agg) << plan;
}

TEST(TimeWindowBinder, TableFunctionsProjectWindowStartAndEnd) {
  EXPECT_EQ(Plan("SELECT host, window_start, count(*) FROM TUMBLE(weblogs, ts, INTERVAL 10 "
                 "SECONDS) GROUP BY host, window_start, window_end"),
            "Project [host, window_start, count(1)]\n"
            "+- Aggregate [host, window_start, window_end], [host, window_start, window_end, "
            "count(1)]\n"
            "   +- Project [host, ts, request, http_reply, bytes, window.start AS window_start, "
            "window.end AS window_end, window_time(window) AS window_time]\n"
            "      +- Project [host, ts, request, http_reply, bytes, __time_window(ts, 10000000, "
            "10000000, 0, 0) AS window]\n"
            "         +- Filter (ts IS NOT NULL)\n"
            "            +- Scan weblogs [host, ts, request, http_reply, bytes]\n");
  EXPECT_EQ(SchemaOf("SELECT * FROM HOP(TABLE weblogs, DESCRIPTOR(ts), INTERVAL '1' MINUTE, "
                     "INTERVAL '5' MINUTES)"),
            "host:STRING?, ts:TIMESTAMP?, request:STRING?, http_reply:INT?, bytes:BIGINT?, "
            "window_start:TIMESTAMP?, window_end:TIMESTAMP?, window_time:TIMESTAMP?");
}

TEST(TimeWindowBinder, SessionTableFunctionAggregatesByTheHiddenSession) {
  auto bound = BindSql(
      "SELECT host, window_start, window_end, count(*) FROM SESSION(weblogs, ts, INTERVAL 1 "
      "MINUTE) GROUP BY host, window_start, window_end");
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(ExplainString(**bound),
            "Project [host, window_start, window_end, count(1)]\n"
            "+- Project [host, session_window.start AS window_start, session_window.end AS "
            "window_end, count(1)]\n"
            "   +- Aggregate [host, session_window], [host, session_window, count(1)], session "
            "session_window\n"
            "      +- Project [host, ts, request, http_reply, bytes, session_window.start AS "
            "window_start, session_window.end AS window_end, window_time(session_window) AS "
            "window_time, session_window]\n"
            "         +- Filter ((ts IS NOT NULL) AND (session_window.end > "
            "session_window.start))\n"
            "            +- Project [host, ts, request, http_reply, bytes, __session_window(ts, "
            "1 minutes) AS session_window]\n"
            "               +- Scan weblogs [host, ts, request, http_reply, bytes]\n");
  EXPECT_EQ(FindAggregate(*bound)->session_window_group(), 1);
}

TEST(TimeWindowBinder, Errors) {
  ExpectError(
      "SELECT count(*) FROM weblogs\nGROUP BY window(ts, '1 minute'), session_window(ts, '1 "
      "minute')",
      "[_LEGACY_ERROR_TEMP_1039] Multiple time/session window expressions would result in a "
      "cartesian product of rows, therefore they are currently not supported.",
      2, 34);
  ExpectError("SELECT * FROM weblogs WHERE window(ts, '1 minute') IS NULL",
              "[UNSUPPORTED_EXPR_FOR_OPERATOR] window() is only allowed in GROUP BY and in the "
              "SELECT list, not in WHERE.",
              1, 29);
  ExpectError("SELECT count(*) FROM weblogs GROUP BY window(ts, '-1 minute')",
              "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve \"window(ts, -60000000, "
              "-60000000, 0)\" due to data type mismatch: The `window_duration` must be between "
              "(0, 9223372036854775807] (current value = -60000000L).",
              1, 39);
  ExpectError("SELECT count(*) FROM weblogs GROUP BY window(ts, '1 minute', 10000000, 20000000)",
              "[DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION] Cannot resolve \"window(ts, "
              "60000000, 10000000, 20000000)\" due to data type mismatch: The "
              "`abs(start_time)`(20000000L) must be < the `slide_duration`(10000000L).",
              1, 39);
  ExpectError("SELECT count(*) FROM weblogs GROUP BY window(ts, '1 second', '1 microsecond')",
              "a sliding window in which a row falls into 1000000 windows is not supported (at "
              "most 10000)",
              1, 39);
  ExpectError("SELECT count(*) FROM weblogs GROUP BY window(DISTINCT ts, '1 minute')",
              "[INVALID_SQL_SYNTAX] DISTINCT is only allowed in aggregate or window functions, "
              "but `window` is not one.",
              1, 39);
  ExpectError("SELECT * FROM SESSION(weblogs, ts, INTERVAL 1 MINUTE)",
              "[UNSUPPORTED_FEATURE.SESSION_WINDOW_TVF] A query over the SESSION windowing table "
              "function must aggregate it by its window: GROUP BY window_start, window_end.",
              1, 15);
}

}  // namespace
}  // namespace weir::plan::testing

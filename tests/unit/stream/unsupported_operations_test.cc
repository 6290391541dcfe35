// Spark's UnsupportedOperationChecker rules, checked on bound plans.

#include "weir/stream/unsupported_operations.h"

#include <gtest/gtest.h>

#include "stream_test_util.h"

namespace weir::stream {
namespace {

using testing::BindStreamSql;

// "" when the plan is accepted, else the error's message.
std::string Check(std::string_view sql, OutputMode mode = OutputMode::kAppend) {
  auto plan = BindStreamSql(sql);
  if (!plan.ok()) return "BIND ERROR " + plan.status().ToString();
  Status st = CheckStreamingPlan(*plan, mode);
  if (st.ok()) return "";
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  return st.message();
}

// The error's first line (the rule), without the operator line after it.
std::string Rule(std::string_view sql, OutputMode mode = OutputMode::kAppend) {
  std::string msg = Check(sql, mode);
  return msg.substr(0, msg.find(";\n"));
}

TEST(UnsupportedOperationsTest, StatelessQueriesAreAccepted) {
  EXPECT_EQ(Check("SELECT id, upper(name) AS n FROM events WHERE id > 1"), "");
  EXPECT_EQ(Check("SELECT id, name FROM events", OutputMode::kUpdate), "");
  EXPECT_EQ(Check("SELECT id, x FROM events LATERAL VIEW explode(array(1, 2)) t AS x"), "");
  EXPECT_EQ(Check("SELECT id, name FROM events UNION ALL SELECT id, url FROM clicks"), "");
}

TEST(UnsupportedOperationsTest, ErrorsNameTheOperator) {
  const std::string msg = Check("SELECT * FROM events ORDER BY id");
  EXPECT_EQ(msg.substr(0, msg.find(";\n")),
            "Sorting is not supported on streaming DataFrames/Datasets, unless it is on "
            "aggregated DataFrame/Dataset in Complete output mode");
  EXPECT_NE(msg.find(";\nSort"), std::string::npos) << msg;
}

TEST(UnsupportedOperationsTest, NoStreamOrCompleteWithoutAggregation) {
  EXPECT_EQ(Rule("SELECT * FROM users"),
            "Queries without streaming sources cannot be executed with writeStream.start()");
  EXPECT_EQ(Rule("SELECT * FROM events", OutputMode::kComplete),
            "Complete output mode not supported when there are no streaming aggregations on "
            "streaming DataFrames/Datasets");
}

// Spark's UnsupportedOperationChecker (3.5): aggregations run in Update and
// Complete modes; Append needs a watermarked group key; one aggregation per query
// in Update mode; sorting and limits after an aggregation only in Complete mode.
TEST(UnsupportedOperationsTest, StreamingAggregationRules) {
  EXPECT_EQ(Check("SELECT id, count(*) FROM events GROUP BY id", OutputMode::kUpdate), "");
  EXPECT_EQ(Check("SELECT count(*) FROM events", OutputMode::kComplete), "");
  EXPECT_EQ(Check("SELECT DISTINCT id FROM events", OutputMode::kUpdate), "");
  EXPECT_EQ(Rule("SELECT id, count(*) FROM events GROUP BY id"),
            "Append output mode not supported when there are streaming aggregations on "
            "streaming DataFrames/DataSets without watermark");
  EXPECT_EQ(Rule("SELECT DISTINCT id FROM events"),
            "Append output mode not supported when there are streaming aggregations on "
            "streaming DataFrames/DataSets without watermark");
  EXPECT_EQ(Rule("SELECT n, count(*) FROM (SELECT id, count(*) AS n FROM events GROUP BY id) "
                 "GROUP BY n",
                 OutputMode::kUpdate),
            "Multiple streaming aggregations are not supported with streaming "
            "DataFrames/Datasets in Update output mode");
  EXPECT_EQ(Check("SELECT id, count(*) AS c FROM events GROUP BY id ORDER BY c DESC LIMIT 3",
                  OutputMode::kComplete),
            "");
  EXPECT_EQ(
      Rule("SELECT id, count(*) AS c FROM events GROUP BY id ORDER BY c", OutputMode::kUpdate),
      "Sorting is not supported on streaming DataFrames/Datasets, unless it is on "
      "aggregated DataFrame/Dataset in Complete output mode");
  EXPECT_EQ(Rule("SELECT count(DISTINCT id) FROM events", OutputMode::kUpdate),
            "Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider "
            "using approx_count_distinct() instead.");
}

// Stream-stream joins (Spark's rules, plus weir's inner join under an aggregation
// in Update and Complete modes). events and clicks have no watermark here.
TEST(UnsupportedOperationsTest, StreamStreamJoins) {
  EXPECT_EQ(Check("SELECT * FROM events e JOIN clicks c ON e.id = c.id"), "");
  EXPECT_EQ(Check("SELECT * FROM events e, clicks c WHERE e.id = c.id AND c.url <> e.name"), "");
  EXPECT_EQ(Rule("SELECT * FROM events e JOIN clicks c ON e.id = c.id", OutputMode::kUpdate),
            "Join between two streaming DataFrames/Datasets is not supported in Update output "
            "mode, only in Append output mode");
  EXPECT_EQ(Check("SELECT e.name, count(*) FROM events e JOIN clicks c ON e.id = c.id "
                  "GROUP BY e.name",
                  OutputMode::kUpdate),
            "");
  EXPECT_EQ(Check("SELECT e.name, count(*) FROM events e JOIN clicks c ON e.id = c.id "
                  "GROUP BY e.name",
                  OutputMode::kComplete),
            "");
  EXPECT_EQ(Rule("SELECT e.name, count(*) FROM events e LEFT JOIN clicks c ON e.id = c.id "
                 "GROUP BY e.name",
                 OutputMode::kComplete),
            "Join between two streaming DataFrames/Datasets is not supported in Complete output "
            "mode, only in Append output mode");
  EXPECT_EQ(Rule("SELECT * FROM events e LEFT JOIN clicks c ON e.id = c.id"),
            "Stream-stream LeftOuter join between two streaming DataFrame/Datasets is not "
            "supported without a watermark in the join keys, or a watermark on the nullable "
            "side and an appropriate range condition");
  EXPECT_EQ(Rule("SELECT * FROM events e RIGHT JOIN clicks c ON e.id = c.id"),
            "Stream-stream RightOuter join between two streaming DataFrame/Datasets is not "
            "supported without a watermark in the join keys, or a watermark on the nullable "
            "side and an appropriate range condition");
  EXPECT_EQ(Rule("SELECT * FROM events e FULL JOIN clicks c ON e.id = c.id"),
            "Stream-stream FullOuter join between two streaming DataFrame/Datasets is not "
            "supported without a watermark in the join keys, or a watermark on the nullable "
            "side and an appropriate range condition");
  EXPECT_EQ(Rule("SELECT * FROM events e LEFT SEMI JOIN clicks c ON e.id = c.id"),
            "Stream-stream LeftSemi join between two streaming DataFrame/Datasets is not "
            "supported without a watermark in the join keys, or a watermark on the nullable "
            "side and an appropriate range condition");
  EXPECT_EQ(Rule("SELECT * FROM events e LEFT ANTI JOIN clicks c ON e.id = c.id"),
            "LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported");
}

TEST(UnsupportedOperationsTest, LimitOffsetSetOpsAndWindows) {
  EXPECT_EQ(Rule("SELECT * FROM events LIMIT 5", OutputMode::kUpdate),
            "Limits are not supported on streaming DataFrames/Datasets in Update output mode");
  EXPECT_NE(Rule("SELECT * FROM events LIMIT 5")
                .find("Limit on a streaming DataFrame/Dataset in Append output mode keeps state"),
            std::string::npos);
  EXPECT_EQ(Rule("SELECT * FROM events LIMIT 5 OFFSET 2"),
            "Offset is not supported on streaming DataFrames/Datasets");
  EXPECT_EQ(Rule("SELECT id FROM events INTERSECT SELECT id FROM users"),
            "Intersect of streaming DataFrames/Datasets is not supported");
  EXPECT_EQ(Rule("SELECT id FROM users EXCEPT SELECT id FROM events"),
            "Except on a streaming DataFrame/Dataset on the right is not supported");
  EXPECT_NE(Rule("SELECT id FROM events EXCEPT SELECT id FROM users").find("Except on a streaming"),
            std::string::npos);
  const std::string window = Rule("SELECT id, row_number() OVER (ORDER BY id) AS rn FROM events");
  EXPECT_NE(window.find("Non-time-based windows are not supported on streaming "
                        "DataFrames/Datasets"),
            std::string::npos)
      << window;
  EXPECT_NE(window.find("window function row_number() (as column"), std::string::npos) << window;
  EXPECT_EQ(Rule("SELECT id, name FROM events UNION ALL SELECT id, country FROM users"),
            "Union between streaming and batch DataFrames/Datasets is not supported");
}

TEST(UnsupportedOperationsTest, StreamStaticJoins) {
  EXPECT_EQ(Check("SELECT * FROM events e JOIN users u ON e.id = u.id"), "");
  EXPECT_EQ(Check("SELECT * FROM users u JOIN events e ON e.id = u.id"), "");
  EXPECT_EQ(Check("SELECT * FROM events e CROSS JOIN users u"), "");
  EXPECT_EQ(Check("SELECT * FROM events e LEFT JOIN users u ON e.id = u.id"), "");
  EXPECT_EQ(Check("SELECT * FROM users u RIGHT JOIN events e ON e.id = u.id"), "");
  EXPECT_EQ(Check("SELECT * FROM events e LEFT SEMI JOIN users u ON e.id = u.id"), "");
  EXPECT_EQ(Check("SELECT * FROM events e LEFT ANTI JOIN users u ON e.id = u.id"), "");
  EXPECT_EQ(Rule("SELECT * FROM users u LEFT JOIN events e ON e.id = u.id"),
            "LeftOuter join with a streaming DataFrame/Dataset on the right and a static "
            "DataFrame/Dataset on the left is not supported");
  EXPECT_EQ(Rule("SELECT * FROM events e RIGHT JOIN users u ON e.id = u.id"),
            "RightOuter join with a streaming DataFrame/Dataset on the left and a static "
            "DataFrame/DataSet on the right not supported");
  EXPECT_EQ(Rule("SELECT * FROM events e FULL JOIN users u ON e.id = u.id"),
            "FullOuter joins with streaming DataFrames/Datasets on the left and a static "
            "DataFrame/Dataset on the right is not supported");
  EXPECT_EQ(Rule("SELECT * FROM users u FULL JOIN events e ON e.id = u.id"),
            "FullOuter joins with streaming DataFrames/Datasets on the right and a static "
            "DataFrame/Dataset on the left is not supported");
  EXPECT_EQ(Rule("SELECT * FROM users u LEFT SEMI JOIN events e ON e.id = u.id"),
            "LeftSemi join with a streaming DataFrame/Dataset on the right and a static "
            "DataFrame/Dataset on the left is not supported");
  EXPECT_EQ(Rule("SELECT * FROM users u LEFT ANTI JOIN events e ON e.id = u.id"),
            "LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported");
}

TEST(UnsupportedOperationsTest, ExistenceJoins) {
  // IN / EXISTS outside a top-level conjunct become existence joins: fine as a
  // stream-static join with a static subquery, refused with a streaming one.
  EXPECT_EQ(Check("SELECT id, id IN (SELECT id FROM users) AS known FROM events"), "");
  EXPECT_EQ(Check("SELECT id FROM events e WHERE id > 10 OR "
                  "EXISTS (SELECT 1 FROM users u WHERE u.id = e.id)"),
            "");
  EXPECT_EQ(Rule("SELECT id, id NOT IN (SELECT id FROM events) FROM users"),
            "ExistenceJoin with a streaming DataFrame/Dataset on the right (an IN or EXISTS "
            "subquery over a stream) is not supported");
  const std::string msg = Check("SELECT id, EXISTS (SELECT 1 FROM clicks) FROM events");
  EXPECT_NE(msg.find("ExistenceJoin with a streaming DataFrame/Dataset on the right"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("Join EXISTENCE"), std::string::npos) << msg;
}

TEST(UnsupportedOperationsTest, ScalarSubqueryOverAStream) {
  EXPECT_EQ(Rule("SELECT id FROM events WHERE id > (SELECT max(id) FROM clicks)"),
            "Scalar subqueries over streaming DataFrames/Datasets are not supported");
  EXPECT_EQ(Check("SELECT id FROM events WHERE id > (SELECT max(id) FROM users)"), "");
}

TEST(UnsupportedOperationsTest, IsStreamingPlan) {
  EXPECT_TRUE(IsStreamingPlan(**BindStreamSql("SELECT * FROM events")));
  EXPECT_FALSE(IsStreamingPlan(**BindStreamSql("SELECT * FROM users")));
}

}  // namespace
}  // namespace weir::stream

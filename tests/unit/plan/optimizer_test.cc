// Tests of the logical rewrites (src/weir/plan/optimizer.h): the plan before and
// after each rule, and that every rewrite keeps the output schema (names and
// types; nullability may only get stricter, as constants fold).

#include "weir/plan/optimizer.h"

#include <gtest/gtest.h>

#include "plan_test_util.h"

namespace weir::plan::testing {
namespace {

std::string Optimized(std::string_view sql) {
  auto plan = BindSql(sql);
  if (!plan.ok()) return "ERROR " + plan.status().ToString();
  EvalOptions options;
  EvalContext ctx(options);
  auto opt = Optimize(*plan, ctx);
  if (!opt.ok()) return "ERROR " + opt.status().ToString();
  // The schema is kept: names and types exactly, nullability never looser.
  const Schema& before = *(*plan)->schema();
  const Schema& after = *(*opt)->schema();
  EXPECT_EQ(before.num_fields(), after.num_fields()) << sql;
  for (int i = 0; i < before.num_fields() && i < after.num_fields(); ++i) {
    EXPECT_EQ(before.field(i).name, after.field(i).name) << sql;
    EXPECT_EQ(before.field(i).type, after.field(i).type) << sql;
    EXPECT_TRUE(before.field(i).nullable || !after.field(i).nullable) << sql;
  }
  return ExplainString(**opt);
}

TEST(OptimizerFold, ConstantsAndTrueFilters) {
  EXPECT_EQ(Plan("SELECT a FROM t WHERE 1 = 1 AND a > 1 + 1"),
            "Project [a]\n"
            "+- Filter ((1 = 1) AND (a > (1 + 1)))\n"
            "   +- Scan t [a, b, c]\n");
  EXPECT_EQ(Optimized("SELECT a FROM t WHERE 1 = 1 AND a > 1 + 1"),
            "Filter (a > 2)\n"
            "+- Scan t [a], PushedFilters: [(a > 2)]\n");
  EXPECT_EQ(Optimized("SELECT a FROM t WHERE 1 < 2"), "Scan t [a]\n");
  EXPECT_EQ(Optimized("SELECT 1 + 2 AS x, upper('a') AS y"),
            "Project [3 AS x, A AS y]\n"
            "+- LocalRelation [], 1 rows\n");
}

TEST(OptimizerFold, FalseOrNullFilterIsEmpty) {
  EXPECT_EQ(Optimized("SELECT a FROM t WHERE 1 = 0"),
            "Project [a]\n"
            "+- LocalRelation [a, b, c], 0 rows\n");
  EXPECT_EQ(Optimized("SELECT a FROM t WHERE NULL"),
            "Project [a]\n"
            "+- LocalRelation [a, b, c], 0 rows\n");
  EXPECT_EQ(Optimized("SELECT a FROM t WHERE a > 1 AND 1 = 0"),
            "Project [a]\n"
            "+- LocalRelation [a, b, c], 0 rows\n");
}

TEST(OptimizerPushDown, ThroughProject) {
  EXPECT_EQ(Plan("SELECT x FROM (SELECT a + 1 AS x, b FROM t) WHERE x > 3"),
            "Project [x]\n"
            "+- Filter (x > 3)\n"
            "   +- Project [(a + 1) AS x, b]\n"
            "      +- Scan t [a, b, c]\n");
  EXPECT_EQ(Optimized("SELECT x FROM (SELECT a + 1 AS x, b FROM t) WHERE x > 3"),
            "Project [(a + 1) AS x]\n"
            "+- Filter ((a + 1) > 3)\n"
            "   +- Scan t [a], PushedFilters: [((a + 1) > 3)]\n");
  // Non-deterministic predicates stay where they are.
  EXPECT_EQ(Optimized("SELECT a FROM (SELECT a, b, c FROM t) WHERE rand() > 0.5"),
            "Filter (rand() > 0.5)\n"
            "+- Scan t [a]\n");
}

TEST(OptimizerPushDown, InnerJoin) {
  EXPECT_EQ(Optimized("SELECT * FROM t1 JOIN t2 ON t1.a = t2.a WHERE t1.b > 1 AND t2.c < 5 AND "
                      "t1.b < t2.c"),
            "Join INNER, ((b < c) AND (a = a))\n"
            ":- Filter (b > 1)\n"
            ":  +- Scan t1 [a, b], PushedFilters: [(b > 1)]\n"
            "+- Filter (c < 5)\n"
            "   +- Scan t2 [a, c], PushedFilters: [(c < 5)]\n");
  // A comma join with a WHERE equality becomes an inner join with that condition.
  EXPECT_EQ(Optimized("SELECT t1.a FROM t1, t2 WHERE t1.a = t2.a"),
            "Project [a]\n"
            "+- Join INNER, (a = a)\n"
            "   :- Scan t1 [a]\n"
            "   +- Scan t2 [a]\n");
}

TEST(OptimizerPushDown, OuterJoins) {
  // Only the preserved side takes WHERE conjuncts; the ON conjunct over the other
  // side moves into it.
  EXPECT_EQ(Optimized("SELECT * FROM t1 LEFT JOIN t2 ON t1.a = t2.a AND t2.c > 0 WHERE t1.b > 1 "
                      "AND t2.c < 5"),
            "Filter (c < 5)\n"
            "+- Join LEFT OUTER, (a = a)\n"
            "   :- Filter (b > 1)\n"
            "   :  +- Scan t1 [a, b], PushedFilters: [(b > 1)]\n"
            "   +- Filter (c > 0)\n"
            "      +- Scan t2 [a, c], PushedFilters: [(c > 0)]\n");
  EXPECT_EQ(Optimized("SELECT * FROM t1 FULL JOIN t2 ON t1.a = t2.a WHERE t1.b > 1"),
            "Filter (b > 1)\n"
            "+- Join FULL OUTER, (a = a)\n"
            "   :- Scan t1 [a, b]\n"
            "   +- Scan t2 [a, c]\n");
  // A left-side ON conjunct of a left join must stay in the condition.
  EXPECT_EQ(Optimized("SELECT * FROM t1 LEFT JOIN t2 ON t1.a = t2.a AND t1.b > 0"),
            "Join LEFT OUTER, ((a = a) AND (b > 0))\n"
            ":- Scan t1 [a, b]\n"
            "+- Scan t2 [a, c]\n");
}

TEST(OptimizerPushDown, SemiJoinAndUsing) {
  EXPECT_EQ(Optimized("SELECT * FROM t WHERE a IN (SELECT k FROM s WHERE x > 1) AND c > 0"),
            "Join LEFT SEMI, (a = k)\n"
            ":- Filter (c > 0.0)\n"
            ":  +- Scan t [a, b, c], PushedFilters: [(c > 0.0)]\n"
            "+- Project [k]\n"
            "   +- Filter (x > 1)\n"
            "      +- Scan s [k, x], PushedFilters: [(x > 1)]\n");
  EXPECT_EQ(Optimized("SELECT * FROM t1 JOIN t2 USING (a) WHERE b > 1"),
            "Project [a, b, c]\n"
            "+- Join INNER, (a = a)\n"
            "   :- Filter (b > 1)\n"
            "   :  +- Scan t1 [a, b], PushedFilters: [(b > 1)]\n"
            "   +- Scan t2 [a, c]\n");
}

TEST(OptimizerPushDown, ExistenceJoin) {
  // Conjuncts over the left side go below (every left row is kept, each with its
  // own `exists`); those reading `exists` stay above; ON conjuncts over the
  // subquery alone go into it. Pruning keeps `exists` and what the mark reads.
  EXPECT_EQ(Optimized("SELECT b FROM t WHERE (a IN (SELECT k FROM s WHERE s.x = t.c) OR c > 1) "
                      "AND b = 'y'"),
            "Project [b]\n"
            "+- Filter (exists OR (c > 1.0))\n"
            "   +- Join EXISTENCE IN (a = k), (CAST(x AS DOUBLE) = c)\n"
            "      :- Filter (b = y)\n"
            "      :  +- Scan t [a, b, c], PushedFilters: [(b = y)]\n"
            "      +- Scan s [k, x]\n");
  EXPECT_EQ(Optimized("SELECT EXISTS (SELECT 1 FROM s WHERE s.k = t.a AND s.x > 3) AS e FROM t"),
            "Project [exists AS e]\n"
            "+- Join EXISTENCE, (k = a)\n"
            "   :- Scan t [a]\n"
            "   +- Project [k]\n"
            "      +- Filter (x > 3)\n"
            "         +- Scan s [k, x], PushedFilters: [(x > 3)]\n");
}

TEST(OptimizerPushDown, BelowAggregateOnGroupingColumnsOnly) {
  EXPECT_EQ(Optimized("SELECT a, n FROM (SELECT a, count(*) AS n FROM t GROUP BY a) WHERE a > 1 "
                      "AND n > 2"),
            "Project [a, count(1) AS n]\n"
            "+- Filter (count(1) > 2)\n"
            "   +- Aggregate [a], [a, count(1)]\n"
            "      +- Filter (a > 1)\n"
            "         +- Scan t [a], PushedFilters: [(a > 1)]\n");
  // Not below grouping sets: the Expand nulls the grouping columns.
  EXPECT_EQ(Optimized("SELECT a, b, sum(c) FROM t GROUP BY ROLLUP(a, b) HAVING a > 1"),
            "Project [a, b, sum(c)]\n"
            "+- Filter (a > 1)\n"
            "   +- Aggregate [a, b, spark_grouping_id], [a, b, spark_grouping_id, sum(c)]\n"
            "      +- Expand [[a, b, c, a, b, 0], [a, b, c, a, NULL, 1], [a, b, c, NULL, NULL, "
            "3]]\n"
            "         +- Scan t [a, b, c]\n");
}

TEST(OptimizerPushDown, IntoUnionChildren) {
  EXPECT_EQ(Optimized("SELECT * FROM (SELECT a FROM t UNION ALL SELECT k FROM s) u WHERE a > 1"),
            "Union\n"
            ":- Filter (a > 1)\n"
            ":  +- Scan t [a], PushedFilters: [(a > 1)]\n"
            "+- Filter (k > 1)\n"
            "   +- Scan s [k], PushedFilters: [(k > 1)]\n");
}

TEST(OptimizerPushDown, NotThroughWindow) {
  EXPECT_EQ(Optimized("SELECT * FROM (SELECT a, rank() OVER (ORDER BY c) AS r FROM t) WHERE r = "
                      "1"),
            "Project [a, rank() OVER (ORDER BY c ASC NULLS FIRST RANGE BETWEEN UNBOUNDED "
            "PRECEDING AND CURRENT ROW) AS r]\n"
            "+- Filter (rank() OVER (ORDER BY c ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING "
            "AND CURRENT ROW) = 1)\n"
            "   +- Window [rank() AS rank() OVER (ORDER BY c ASC NULLS FIRST RANGE BETWEEN "
            "UNBOUNDED PRECEDING AND CURRENT ROW)], [], [c ASC NULLS FIRST]\n"
            "      +- Scan t [a, c]\n");
}

TEST(OptimizerPrune, ScansReadUsedColumns) {
  EXPECT_EQ(Optimized("SELECT count(*) FROM t"),
            "Aggregate [], [count(1)]\n"
            "+- Scan t []\n");
  EXPECT_EQ(Optimized("SELECT b FROM t ORDER BY a"),
            "Project [b]\n"
            "+- Sort [a ASC NULLS FIRST]\n"
            "   +- Project [b, a AS __order_2]\n"
            "      +- Scan t [a, b]\n");
  EXPECT_EQ(Optimized("SELECT a FROM t UNION ALL SELECT k FROM s"),
            "Union\n"
            ":- Scan t [a]\n"
            "+- Scan s [k]\n");
}

TEST(OptimizerPrune, OnlyTheCorruptRecordColumnIsRefused) {
  // Spark 3.5 JsonFileFormat/CSVFileFormat.buildReader: when the columns a scan must
  // read are the corrupt-record column alone, the query is refused
  // (QueryCompilationErrors.queryFromRawFilesIncludeCorruptRecordColumnError).
  const std::string refused =
      "ERROR INVALID_SQL: [UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN] The feature is "
      "not supported: Queries from raw JSON/CSV files are disallowed";
  for (const char* sql :
       {"SELECT _corrupt_record FROM raw WHERE _corrupt_record IS NOT NULL",
        "SELECT count(_corrupt_record) FROM raw", "SELECT upper(_corrupt_record) AS u FROM raw"}) {
    EXPECT_EQ(Optimized(sql).substr(0, refused.size()), refused) << sql;
  }
  EXPECT_EQ(Optimized("SELECT name, _corrupt_record FROM raw WHERE _corrupt_record IS NOT NULL"),
            "Filter (_corrupt_record IS NOT NULL)\n"
            "+- Scan json raw [name, _corrupt_record], PushedFilters: [(_corrupt_record IS NOT "
            "NULL)]\n");
  EXPECT_EQ(Optimized("SELECT _corrupt_record FROM raw WHERE name = 'x'"),
            "Project [_corrupt_record]\n"
            "+- Filter (name = x)\n"
            "   +- Scan json raw [name, _corrupt_record], PushedFilters: [(name = x)]\n");
  EXPECT_EQ(Optimized("SELECT count(*) FROM raw").substr(0, 5), "Aggre");
}

TEST(OptimizerPrune, DropsUnusedProjectColumns) {
  EXPECT_EQ(Optimized("SELECT x FROM (SELECT a + 1 AS x, upper(b) AS y, c FROM t)"),
            "Project [(a + 1) AS x]\n"
            "+- Scan t [a]\n");
  EXPECT_EQ(Optimized("SELECT id FROM nested LATERAL VIEW explode(arr) e AS v"),
            "Project [id]\n"
            "+- Generate explode(arr), forwards [id]\n"
            "   +- Scan nested [id, arr]\n");
}

TEST(Optimizer, KeepsSchemas) {
  // Optimized() checks every schema; run it over a spread of queries.
  const char* queries[] = {
      "SELECT a, b, sum(c) FROM t GROUP BY CUBE(a, b)",
      "SELECT t1.a, t2.c FROM t1 LEFT JOIN t2 USING (a) WHERE t2.c IS NULL",
      "SELECT a, (SELECT count(*) FROM s WHERE s.k = t.a) AS n FROM t WHERE b LIKE 'x%'",
      "SELECT DISTINCT a FROM t WHERE c > 1 ORDER BY a LIMIT 3",
      "SELECT a, sum(c) OVER (PARTITION BY b ORDER BY a) FROM t WHERE a IS NOT NULL",
      "SELECT * FROM t WHERE a NOT IN (SELECT k FROM s WHERE x > 0)",
      "VALUES (1, 'a'), (2, 'b')",
      "SELECT id FROM range(10) WHERE id % 2 = 0",
      "SELECT st.f FROM nested WHERE st.g = 'x'",
  };
  for (const char* q : queries) {
    EXPECT_EQ(Optimized(q).substr(0, 5) == "ERROR", false) << q << "\n" << Optimized(q);
  }
}

}  // namespace
}  // namespace weir::plan::testing

namespace weir::plan::testing {
namespace {

// Odd and wrong queries: each binds to a plan or a user error, never a crash, and
// whatever binds also optimizes.
TEST(Optimizer, OddQueriesNeverCrash) {
  const char* queries[] = {
      "SELECT * FROM t GROUP BY a",
      "SELECT * FROM t GROUP BY a, b, c",
      "SELECT a FROM t ORDER BY sum(c)",
      "SELECT count(*) FROM t ORDER BY a",
      "SELECT explode(arr), explode(arr) FROM nested",
      "SELECT * FROM t WHERE EXISTS (SELECT max(x) FROM s WHERE s.k = t.a)",
      "SELECT (SELECT a) FROM t",
      "SELECT a FROM t WHERE a IN (SELECT a FROM t1 WHERE t1.b = t.c)",
      "WITH x AS (SELECT * FROM x) SELECT 1",
      "SELECT sum(bytes) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT "
      "ROW) FROM weblogs",
      "SELECT grouping(b) FROM t GROUP BY ROLLUP(a)",
      "SELECT a FROM t GROUP BY a ORDER BY b",
      "SELECT DISTINCT * FROM t",
      "SELECT a FROM t QUALIFY row_number() OVER (ORDER BY a) = 1",
      "SELECT count(*) FROM t1 JOIN t2 USING (a) GROUP BY t1.a",
      "SELECT lag(a, -1) OVER (ORDER BY a) FROM t",
      "SELECT * FROM t LIMIT 10000000000",
      "SELECT a, (SELECT count(*) + 1 FROM s WHERE s.k = t.a) FROM t",
      "SELECT a, (SELECT count(*) FROM s WHERE s.k = t.a AND s.x = t.c) FROM t",
      "SELECT * FROM t WHERE (a, c) IN (SELECT k, x FROM s)",
      "SELECT * FROM t WHERE (a, c) NOT IN (SELECT k, x FROM s)",
      "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM s WHERE EXISTS (SELECT 1 FROM t1 WHERE t1.a = "
      "t.a))",
      "SELECT a FROM t WHERE a = (SELECT max(k) FROM s WHERE s.x = (SELECT max(b) FROM t1))",
      "SELECT ntile(0) OVER (ORDER BY a) FROM t",
      "SELECT nth_value(a, 0) OVER (ORDER BY a) FROM t",
      "SELECT * FROM range(1, 10, 2, 3)",
      "SELECT * FROM range('a')",
      "SELECT * FROM range()",
      "SELECT st.* FROM nested",
      "SELECT m.x FROM nested",
      "SELECT arr['a'] FROM nested",
      "SELECT a FROM t1 JOIN t2 USING (a) JOIN t USING (a)",
      "SELECT 1 FROM t HAVING a > 1",
      "SELECT a, sum(c) FROM t GROUP BY a HAVING rank() OVER (ORDER BY a) > 1",
      "SELECT sum(c) FILTER (WHERE a) FROM t",
      "SELECT count(DISTINCT a, b) FROM t",
      "SELECT a FROM t UNION ALL SELECT a FROM t ORDER BY b",
      "VALUES (a)",
      "VALUES (current_date(), 1), (DATE '2024-01-01', 2L)",
      "SELECT x.* FROM (SELECT 1 AS a) x",
      "SELECT * FROM (t1 JOIN t2 ON t1.a = t2.a) j",
      "SELECT * FROM t1 JOIN t2 ON t1.a = (SELECT max(k) FROM s)",
      "SELECT * FROM t1 JOIN t2 ON EXISTS (SELECT 1 FROM s)",
      "SELECT CAST('1' AS INT) + TRY_CAST('x' AS INT)",
      "SELECT a FROM t ORDER BY (SELECT max(k) FROM s)",
      "SELECT a, b, count(*) FROM t GROUP BY GROUPING SETS ((a), (b)) ORDER BY grouping(a)",
      "SELECT * FROM t WHERE c > (SELECT avg(x) FROM s WHERE s.k = t.a) AND a IN (SELECT k FROM s)",
  };
  for (const char* q : queries) {
    auto plan = BindSql(q);
    if (!plan.ok()) {
      EXPECT_TRUE(plan.status().IsUserError()) << q << "\n" << plan.status().ToString();
      continue;
    }
    EvalOptions options;
    EvalContext ctx(options);
    auto opt = Optimize(*plan, ctx);
    EXPECT_TRUE(opt.ok()) << q << "\n" << opt.status().ToString();
  }
}

}  // namespace
}  // namespace weir::plan::testing

// Tests of the binder (src/weir/plan/binder.h): the bound plan of every construct,
// and every error with its Spark error class, position and hint. Comments name the
// Spark 3.5 rule (Analyzer / CheckAnalysis) a case follows.

#include <gtest/gtest.h>

#include "plan_test_util.h"

namespace weir::plan::testing {
namespace {

// Checks an error: code, whole message, line/column and hint.
void ExpectError(std::string_view sql, const std::string& message, int line, int column,
                 const std::string& hint = "", StatusCode code = StatusCode::kInvalidSql) {
  Status st = BindError(sql);
  EXPECT_EQ(st.code(), code) << sql << "\n" << st.ToString();
  EXPECT_EQ(st.message(), message) << sql;
  EXPECT_EQ(st.position().line, line) << sql;
  EXPECT_EQ(st.position().column, column) << sql;
  EXPECT_EQ(st.hint(), hint) << sql;
}

// Only the message's beginning (long Spark messages).
void ExpectErrorPrefix(std::string_view sql, const std::string& prefix, int line, int column) {
  Status st = BindError(sql);
  EXPECT_EQ(st.message().substr(0, prefix.size()), prefix) << sql << "\n" << st.ToString();
  EXPECT_EQ(st.position().line, line) << sql;
  EXPECT_EQ(st.position().column, column) << sql;
}

BindOptions Ansi() {
  BindOptions options;
  options.resolve.ansi = true;
  return options;
}

// The EXPLAIN tree bound with spark.sql.ansi.enabled = true, or the error message.
std::string AnsiPlan(std::string_view sql) {
  auto r = BindSql(sql, Ansi());
  if (!r.ok()) return "ERROR " + r.status().message();
  return ExplainString(**r);
}

// --- SELECT, names, scopes -------------------------------------------------------

TEST(BinderSelect, ProjectionAndFilter) {
  EXPECT_EQ(Plan("SELECT a, b FROM t WHERE a > 1"),
            "Project [a, b]\n"
            "+- Filter (a > 1)\n"
            "   +- Scan t [a, b, c]\n");
  EXPECT_EQ(SchemaOf("SELECT a, b FROM t WHERE a > 1"), "a:INT?, b:STRING?");
}

TEST(BinderSelect, StarAndQualifiedStar) {
  EXPECT_EQ(SchemaOf("SELECT * FROM t"), "a:INT?, b:STRING?, c:DOUBLE?");
  EXPECT_EQ(SchemaOf("SELECT t.* FROM t"), "a:INT?, b:STRING?, c:DOUBLE?");
  EXPECT_EQ(SchemaOf("SELECT t2.*, t1.b FROM t1, t2"), "a:INT?, c:INT?, b:INT?");
  ExpectError("SELECT q.* FROM t",
              "[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve `q`.* given input columns `a`, `b`, "
              "`c`.",
              1, 8);
}

TEST(BinderSelect, NamesFollowSpark) {
  // Spark names a column item by the schema's spelling, other items by their SQL.
  EXPECT_EQ(SchemaOf("SELECT A, B AS bee, a + 1, upper(b) FROM T"),
            "a:INT?, bee:STRING?, (a + 1):INT?, upper(b):STRING?");
  EXPECT_EQ(SchemaOf("SELECT 1 + 1, 'x'"), "(1 + 1):INT?, x:STRING");
}

TEST(BinderSelect, LateralColumnAliases) {
  // spark.sql.lateralColumnAlias.enableImplicitResolution (on by default since 3.4):
  // a later SELECT item may name an earlier item's alias; input columns win.
  EXPECT_EQ(Plan("SELECT a + 1 AS x, x * 2 AS y FROM t"),
            "Project [(a + 1) AS x, ((a + 1) * 2) AS y]\n"
            "+- Scan t [a, b, c]\n");
  EXPECT_EQ(SchemaOf("SELECT c AS a, a + 1 FROM t"), "a:DOUBLE?, (a + 1):INT?");
  EXPECT_EQ(SchemaOf("SELECT a, count(*) AS n, n + 1 AS m FROM t GROUP BY a"),
            "a:INT?, n:BIGINT, m:BIGINT?");
  // Not in WHERE: a SELECT alias is not an input column there.
  ExpectErrorPrefix("SELECT a + 1 AS x FROM t WHERE x > 1",
                    "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with "
                    "name `x` cannot be resolved.",
                    1, 32);
}

TEST(BinderSelect, AliasesAndQualifiers) {
  EXPECT_EQ(SchemaOf("SELECT x.a, b FROM t AS x"), "a:INT?, b:STRING?");
  // Spark: once aliased, the table's own name no longer qualifies its columns.
  ExpectError("SELECT t.a FROM t AS x",
              "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
              "`t`.`a` cannot be resolved. Did you mean one of the following? [`a`, `b`, `c`].",
              1, 8, "did you mean 'a'?");
}

TEST(BinderSelect, UnresolvedColumnSuggests) {
  ExpectError("SELECT reqest FROM weblogs",
              "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
              "`reqest` cannot be resolved. Did you mean one of the following? [`request`, "
              "`host`, `bytes`, `ts`, `http_reply`].",
              1, 8, "did you mean 'request'?");
  ExpectError("SELECT\n  a,\n  zzz FROM t",
              "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
              "`zzz` cannot be resolved. Did you mean one of the following? [`a`, `b`, `c`].",
              3, 3);
  ExpectError("SELECT nope",
              "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column or function parameter with name "
              "`nope` cannot be resolved.",
              1, 8);
}

TEST(BinderSelect, AmbiguousReference) {
  ExpectError("SELECT a FROM t1, t2",
              "[AMBIGUOUS_REFERENCE] Reference `a` is ambiguous, could be: [`t1`.`a`, "
              "`t2`.`a`].",
              1, 8);
  EXPECT_EQ(SchemaOf("SELECT t1.a, t2.a, b, c FROM t1, t2"), "a:INT?, a:INT?, b:INT?, c:INT?");
}

TEST(BinderSelect, StructFields) {
  EXPECT_EQ(Plan("SELECT st.f, nested.st.g, id FROM nested"),
            "Project [st.f AS f, st.g AS g, id]\n"
            "+- Scan nested [id, st, arr, m]\n");
  ExpectError("SELECT st.zz FROM nested",
              "[FIELD_NOT_FOUND] No such struct field `zz` in `f`, `g`.", 1, 8,
              "did you mean 'f'?");
  ExpectError("SELECT id.x FROM nested",
              "[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from \"id\". Need a "
              "complex type [STRUCT, ARRAY, MAP] but got \"INT\".",
              1, 8);
}

TEST(BinderSelect, Subscripts) {
  // Spark: arr[i] is 0-based (GetArrayItem); m[k] looks the key up.
  EXPECT_EQ(Plan("SELECT arr[0], m['x'], arr[a] FROM nested, t"),
            "Project [element_at(arr, 1) AS arr[0], element_at(m, x) AS m[x], CASE WHEN (a >= 0) "
            "THEN element_at(arr, (a + 1)) END AS arr[a]]\n"
            "+- Join INNER\n"
            "   :- Scan nested [id, st, arr, m]\n"
            "   +- Scan t [a, b, c]\n");
}

TEST(BinderSelect, AnsiSubscriptsAreGetArrayItem) {
  // Spark 3.5 GetArrayItem(failOnError = ansi): in ANSI mode arr[5] on a 2-element
  // array is [INVALID_ARRAY_INDEX] (not element_at's INVALID_ARRAY_INDEX_IN_ELEMENT_AT
  // with index 6), and arr[-1] fails too instead of being NULL.
  EXPECT_EQ(AnsiPlan("SELECT arr[0], arr[-1], arr[a], m['x'] FROM nested, t"),
            "Project [arr[0], arr[-1], arr[a], element_at(m, x) AS m[x]]\n"
            "+- Join INNER\n"
            "   :- Scan nested [id, st, arr, m]\n"
            "   +- Scan t [a, b, c]\n");
}

TEST(BinderSelect, WhereMustBeBoolean) {
  ExpectError("SELECT a FROM t WHERE a",
              "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve \"a\" due to data type "
              "mismatch: Filter expression \"a\" of type \"INT\" is not a boolean.",
              1, 23);
  // Comparisons coerce as Spark (a STRING compared with an INT is cast to INT).
  EXPECT_EQ(Plan("SELECT a FROM t WHERE b = 1"),
            "Project [a]\n"
            "+- Filter (CAST(b AS INT) = 1)\n"
            "   +- Scan t [a, b, c]\n");
}

TEST(BinderSelect, NoFrom) {
  EXPECT_EQ(Plan("SELECT 1 AS one"),
            "Project [1 AS one]\n"
            "+- LocalRelation [], 1 rows\n");
}

// --- FROM: tables, paths, subqueries, CTEs, VALUES, range --------------------------

TEST(BinderFrom, UnknownTable) {
  ExpectError("SELECT a FROM nosuch",
              "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nosuch` cannot be found.", 1, 15);
  ExpectError("SELECT * FROM weblog",
              "[TABLE_OR_VIEW_NOT_FOUND] The table or view `weblog` cannot be found.", 1, 15,
              "did you mean 'weblogs'?");
}

TEST(BinderFrom, PathTables) {
  EXPECT_EQ(Plan("SELECT * FROM json.`/data/x` AS j WHERE j.value IS NOT NULL"),
            "Project [value]\n"
            "+- Filter (value IS NOT NULL)\n"
            "   +- Scan json /data/x [value]\n");
  ExpectError("SELECT * FROM parquet.`/x`",
              "[TABLE_OR_VIEW_NOT_FOUND] The table or view `parquet`.`/x` cannot be found.", 1, 15);
  // Spark 3.5 (ResolveSQLOnFile / DataSource.checkAndGlobPathIfNecessary): a file
  // format with a path that names nothing is PATH_NOT_FOUND at the table reference.
  ExpectError("SELECT * FROM json.`/data/no_such.json`",
              "[PATH_NOT_FOUND] Path does not exist: file:/data/no_such.json.", 1, 15, "",
              StatusCode::kNotFound);
}

TEST(BinderFrom, SubqueryWithColumnAliases) {
  EXPECT_EQ(Plan("SELECT * FROM (SELECT a, b FROM t) AS sub(m, n) WHERE sub.m > 0"),
            "Project [m, n]\n"
            "+- Filter (m > 0)\n"
            "   +- Project [a AS m, b AS n]\n"
            "      +- Project [a, b]\n"
            "         +- Scan t [a, b, c]\n");
  ExpectError("SELECT * FROM (SELECT a, b FROM t) AS sub(m)",
              "[_LEGACY_ERROR_TEMP_1028] Number of column aliases does not match number of "
              "columns. Number of column aliases: 1; number of columns: 2.",
              1, 15);
}

TEST(BinderFrom, Ctes) {
  // Later CTEs see earlier ones; a CTE shadows a table of the same name.
  EXPECT_EQ(SchemaOf("WITH x AS (SELECT a FROM t), y AS (SELECT a + 1 AS b FROM x) "
                     "SELECT * FROM y"),
            "b:INT?");
  EXPECT_EQ(Plan("WITH t AS (SELECT 1 AS q) SELECT * FROM t"),
            "Project [q]\n"
            "+- Project [1 AS q]\n"
            "   +- LocalRelation [], 1 rows\n");
  EXPECT_EQ(SchemaOf("WITH x(p, q) AS (SELECT a, b FROM t) SELECT x.p FROM x"), "p:INT?");
  // A CTE is visible only inside its query.
  ExpectError("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x), x",
              "[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found.", 1, 55,
              "did you mean 's'?");
  ExpectError("WITH x AS (SELECT 1), x AS (SELECT 2) SELECT * FROM x",
              "[DUPLICATED_CTE_NAMES] CTE definition can't have duplicate names: `x`.", 1, 23);
}

TEST(BinderFrom, Values) {
  EXPECT_EQ(Plan("VALUES (1, 'a'), (2, NULL)"), "LocalRelation [col1, col2], 2 rows\n");
  EXPECT_EQ(SchemaOf("VALUES (1, 'a'), (2, NULL)"), "col1:INT, col2:STRING?");
  // Rows are widened to a common type.
  EXPECT_EQ(SchemaOf("VALUES (1, 2L), (NULL, 3)"), "col1:INT?, col2:BIGINT");
  EXPECT_EQ(Plan("VALUES (1, 2L), (NULL, 3)"), "LocalRelation [col1, col2], 2 rows\n");
  EXPECT_EQ(SchemaOf("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS v(id, name)"),
            "id:INT, name:STRING");
  EXPECT_EQ(SchemaOf("VALUES (1), (2.5)"), "col1:DECIMAL(11,1)");
  ExpectError("VALUES (1), (1, 2)",
              "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Invalid inline table. Inline table "
              "expected 1 columns but found 2 columns in row 1.",
              1, 14);
  // Spark 3.5 widens inline tables with findWiderTypeWithoutStringPromotion: a STRING
  // never absorbs a number or a date (UNION does, giving STRING).
  ExpectError("SELECT * FROM VALUES (1), ('a')",
              "[INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE] Invalid inline table. "
              "Found incompatible types in the column `col1` for inline table.",
              1, 15);
  ExpectError("VALUES (1, DATE '2024-01-01'), (2, 'x')",
              "[INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE] Invalid inline table. "
              "Found incompatible types in the column `col2` for inline table.",
              1, 1);
  ExpectError("VALUES (array(1)), (array('a'))",
              "[INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE] Invalid inline table. "
              "Found incompatible types in the column `col1` for inline table.",
              1, 1);
  EXPECT_EQ(SchemaOf("VALUES ('a'), (NULL)"), "col1:STRING?");
  EXPECT_EQ(SchemaOf("VALUES (DATE '2024-01-01'), (TIMESTAMP '2024-01-01 10:00:00')"),
            "col1:TIMESTAMP");
  EXPECT_EQ(SchemaOf("VALUES (1), (2.5D), (3L)"), "col1:DOUBLE");
  ExpectError("VALUES (1), (array(1))",
              "[INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE] Invalid inline table. "
              "Found incompatible types in the column `col1` for inline table.",
              1, 1);
}

TEST(BinderFrom, RangeTableFunction) {
  EXPECT_EQ(Plan("SELECT * FROM range(10)"),
            "Project [id]\n"
            "+- Scan range(0, 10, 1) [id]\n");
  EXPECT_EQ(Plan("SELECT id FROM range(2, 10, 3)"),
            "Project [id]\n"
            "+- Scan range(2, 10, 3) [id]\n");
  EXPECT_EQ(SchemaOf("SELECT * FROM range(5)"), "id:BIGINT");
  ExpectError("SELECT * FROM range(1, 2, 0)",
              "[FAILED_FUNCTION_CALL] range(): the step must not be 0.", 1, 15);
  // TUMBLE, HOP and SESSION: time_window_binder_test.cc.
  ExpectError(
      "SELECT * FROM CUMULATE(TABLE t, DESCRIPTOR(a), INTERVAL '1' SECOND, INTERVAL '10' "
      "SECOND)",
      "[UNSUPPORTED_FEATURE.TABLE_VALUED_FUNCTION] The windowing table function CUMULATE "
      "is not supported; use TUMBLE, HOP or SESSION.",
      1, 15, "", StatusCode::kUnsupported);
  ExpectErrorPrefix("SELECT * FROM foo(1)",
                    "[UNRESOLVABLE_TABLE_VALUED_FUNCTION] Could not resolve `foo`", 1, 15);
}

TEST(RangeTable, Rows) {
  EXPECT_EQ(RangeTable(0, 10, 1).NumRows(), 10);
  EXPECT_EQ(RangeTable(2, 10, 3).NumRows(), 3);
  EXPECT_EQ(RangeTable(10, 0, -3).NumRows(), 4);
  EXPECT_EQ(RangeTable(5, 5, 1).NumRows(), 0);
  RangeTable r(0, 10, 1, 3);
  int64_t total = 0, sum = 0;
  for (int p = 0; p < r.NumPartitions(); ++p) {
    auto reader = r.Open(p, {0});
    ASSERT_TRUE(reader.ok());
    Batch b;
    while (*(*reader)->Next(&b)) {
      total += b.num_rows();
      for (int64_t i = 0; i < b.num_rows(); ++i) sum += b.column(0)->Get<int64_t>(i);
    }
  }
  EXPECT_EQ(total, 10);
  EXPECT_EQ(sum, 45);
}

// --- Joins -----------------------------------------------------------------------

TEST(BinderJoin, OnCondition) {
  EXPECT_EQ(Plan("SELECT t1.a, c FROM t1 JOIN t2 ON t1.a = t2.a"),
            "Project [a, c]\n"
            "+- Join INNER, (a = a)\n"
            "   :- Scan t1 [a, b]\n"
            "   +- Scan t2 [a, c]\n");
  EXPECT_EQ(SchemaOf("SELECT * FROM t1 LEFT JOIN t2 ON t1.a = t2.a"),
            "a:INT?, b:INT?, a:INT?, c:INT?");
  EXPECT_EQ(Plan("SELECT * FROM t1 CROSS JOIN t2"),
            "Project [a, b, a, c]\n"
            "+- Join CROSS\n"
            "   :- Scan t1 [a, b]\n"
            "   +- Scan t2 [a, c]\n");
  ExpectError("SELECT * FROM t1 JOIN t2 ON t1.a",
              "[JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE] The join condition `a` has the invalid type "
              "\"INT\", expected \"BOOLEAN\".",
              1, 29);
}

TEST(BinderJoin, SemiAndAnti) {
  EXPECT_EQ(Plan("SELECT * FROM t1 LEFT SEMI JOIN t2 ON t1.a = t2.a"),
            "Project [a, b]\n"
            "+- Join LEFT SEMI, (a = a)\n"
            "   :- Scan t1 [a, b]\n"
            "   +- Scan t2 [a, c]\n");
  EXPECT_EQ(SchemaOf("SELECT * FROM t1 LEFT ANTI JOIN t2 ON t1.a = t2.a"), "a:INT?, b:INT?");
}

TEST(BinderJoin, Using) {
  // Spark: the USING columns once, first; left's for inner / left joins.
  EXPECT_EQ(Plan("SELECT * FROM t1 JOIN t2 USING (a)"),
            "Project [a, b, c]\n"
            "+- Project [a, b, c, a, a]\n"
            "   +- Join INNER, (a = a)\n"
            "      :- Scan t1 [a, b]\n"
            "      +- Scan t2 [a, c]\n");
  // Full outer: coalesce of both sides.
  EXPECT_EQ(Plan("SELECT * FROM t1 FULL OUTER JOIN t2 USING (a)"),
            "Project [a, b, c]\n"
            "+- Project [coalesce(a, a) AS a, b, c, a, a]\n"
            "   +- Join FULL OUTER, (a = a)\n"
            "      :- Scan t1 [a, b]\n"
            "      +- Scan t2 [a, c]\n");
  // The sides' columns stay reachable qualified.
  EXPECT_EQ(SchemaOf("SELECT t2.a, t1.a, a FROM t1 JOIN t2 USING (a)"), "a:INT?, a:INT?, a:INT?");
  EXPECT_EQ(SchemaOf("SELECT * FROM t1 NATURAL JOIN t2"), "a:INT?, b:INT?, c:INT?");
  ExpectError("SELECT * FROM t1 JOIN t2 USING (zz)",
              "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `zz` cannot be resolved on the "
              "left side of the join. The left-side columns: [`a`, `b`].",
              1, 15);
  ExpectError("SELECT * FROM t1 JOIN t2 USING (b)",
              "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `b` cannot be resolved on the "
              "right side of the join. The right-side columns: [`a`, `c`].",
              1, 15);
}

TEST(BinderJoin, RightUsingTakesRightColumn) {
  auto plan = BindSql("SELECT * FROM t1 RIGHT JOIN t2 USING (a)");
  ASSERT_TRUE(plan.ok());
  const auto& outer = static_cast<const ProjectNode&>(*(*plan)->child());
  // left ++ right: a(0) b(1) a(2) c(3); the USING column is right's.
  EXPECT_EQ(static_cast<const ColumnRefExpr&>(*outer.exprs()[0]).index(), 2);
}

// --- Aggregation -------------------------------------------------------------------

TEST(BinderAggregate, GroupBy) {
  EXPECT_EQ(Plan("SELECT a, count(*), sum(c) FROM t GROUP BY a"),
            "Project [a, count(1), sum(c)]\n"
            "+- Aggregate [a], [a, count(1), sum(c)]\n"
            "   +- Scan t [a, b, c]\n");
  EXPECT_EQ(SchemaOf("SELECT a, count(*), sum(c) FROM t GROUP BY a"),
            "a:INT?, count(1):BIGINT, sum(c):DOUBLE?");
}

TEST(BinderAggregate, GlobalAggregate) {
  EXPECT_EQ(Plan("SELECT count(*) FROM t"),
            "Project [count(1)]\n"
            "+- Aggregate [], [count(1)]\n"
            "   +- Scan t [a, b, c]\n");
}

TEST(BinderAggregate, DistinctAndFilter) {
  EXPECT_EQ(Plan("SELECT sum(DISTINCT a), count(b) FILTER (WHERE a > 1) FROM t"),
            "Project [sum(DISTINCT a), count(b) FILTER (WHERE (a > 1))]\n"
            "+- Aggregate [], [sum(DISTINCT a), count(b) FILTER (WHERE (a > 1))]\n"
            "   +- Scan t [a, b, c]\n");
}

TEST(BinderAggregate, SameAggregateComputedOnce) {
  EXPECT_EQ(Plan("SELECT sum(c), sum(c) + 1 FROM t HAVING sum(c) > 0"),
            "Project [sum(c), (sum(c) + CAST(1 AS DOUBLE)) AS (sum(c) + 1)]\n"
            "+- Filter (sum(c) > CAST(0 AS DOUBLE))\n"
            "   +- Aggregate [], [sum(c)]\n"
            "      +- Scan t [a, b, c]\n");
}

TEST(BinderAggregate, OrdinalsAliasesAndAll) {
  // spark.sql.groupByOrdinal and spark.sql.groupByAliases.
  EXPECT_EQ(Plan("SELECT a + 1 AS k, count(*) FROM t GROUP BY k"),
            "Project [(a + 1) AS k, count(1)]\n"
            "+- Aggregate [(a + 1)], [(a + 1), count(1)]\n"
            "   +- Scan t [a, b, c]\n");
  EXPECT_EQ(Plan("SELECT b, a + 1, count(*) FROM t GROUP BY 2, 1"),
            "Project [b, (a + 1), count(1)]\n"
            "+- Aggregate [(a + 1), b], [(a + 1), b, count(1)]\n"
            "   +- Scan t [a, b, c]\n");
  EXPECT_EQ(Plan("SELECT a, sum(c) FROM t GROUP BY ALL"),
            "Project [a, sum(c)]\n"
            "+- Aggregate [a], [a, sum(c)]\n"
            "   +- Scan t [a, b, c]\n");
  ExpectError("SELECT a, b FROM t GROUP BY 3",
              "[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position 3 is not in select list (valid "
              "range is [1, 2]).",
              1, 29);
  ExpectError("SELECT sum(c) FROM t GROUP BY 1",
              "[GROUP_BY_POS_AGGREGATE] GROUP BY 1 refers to an expression sum(c) that contains "
              "an aggregate function. Aggregate functions are not allowed in GROUP BY.",
              1, 31);
  ExpectError("SELECT a FROM t GROUP BY sum(c)",
              "[GROUP_BY_AGGREGATE] Aggregate functions are not allowed in GROUP BY, but found "
              "sum(c).",
              1, 26);
}

TEST(BinderAggregate, MissingAggregation) {
  ExpectError("SELECT a, b FROM t GROUP BY a",
              "[MISSING_AGGREGATION] The non-aggregating expression \"b\" is based on columns "
              "which are not participating in the GROUP BY clause.",
              1, 11, "add b to GROUP BY, or wrap it in first() (or first_value)");
  ExpectError("SELECT a, b + 1 FROM t GROUP BY a",
              "[MISSING_AGGREGATION] The non-aggregating expression \"b\" is based on columns "
              "which are not participating in the GROUP BY clause.",
              1, 11, "add b to GROUP BY, or wrap it in first() (or first_value)");
  ExpectError("SELECT b, count(*) FROM t",
              "[MISSING_GROUP_BY] The query does not include a GROUP BY clause. Add GROUP BY or "
              "turn it into the window functions using OVER clauses.",
              1, 8, "wrap b in an aggregate function such as first()");
  // An expression of grouping columns is fine.
  EXPECT_EQ(SchemaOf("SELECT a + 1, count(*) FROM t GROUP BY a"), "(a + 1):INT?, count(1):BIGINT");
}

TEST(BinderAggregate, MisplacedAggregates) {
  ExpectError("SELECT sum(sum(c)) FROM t",
              "[NESTED_AGGREGATE_FUNCTION] It is not allowed to use an aggregate function in the "
              "argument of another aggregate function. Please use the inner aggregate function "
              "in a sub-query.",
              1, 12);
  ExpectError("SELECT a FROM t WHERE sum(c) > 1",
              "[INVALID_WHERE_CONDITION] The WHERE condition contains invalid expressions: "
              "\"sum(c)\". Rewrite the query to avoid window functions, aggregate functions, and "
              "generator functions in the WHERE clause.",
              1, 23);
}

TEST(BinderAggregate, Having) {
  EXPECT_EQ(Plan("SELECT a FROM t GROUP BY a HAVING max(c) > 1"),
            "Project [a]\n"
            "+- Filter (max(c) > CAST(1 AS DOUBLE))\n"
            "   +- Aggregate [a], [a, max(c)]\n"
            "      +- Scan t [a, b, c]\n");
  // HAVING may name a SELECT alias.
  EXPECT_EQ(Plan("SELECT a, count(*) AS n FROM t GROUP BY 1 HAVING n > 2 ORDER BY n DESC LIMIT "
                 "10"),
            "Limit 10\n"
            "+- Sort [n DESC NULLS LAST]\n"
            "   +- Project [a, count(1) AS n]\n"
            "      +- Filter (count(1) > CAST(2 AS BIGINT))\n"
            "         +- Aggregate [a], [a, count(1)]\n"
            "            +- Scan t [a, b, c]\n");
  // HAVING without GROUP BY is a global aggregate.
  EXPECT_EQ(SchemaOf("SELECT count(*) FROM t HAVING count(*) > 0"), "count(1):BIGINT");
}

TEST(BinderAggregate, SelectDistinct) {
  EXPECT_EQ(Plan("SELECT DISTINCT a, b FROM t"),
            "Aggregate [a, b], [a, b]\n"
            "+- Project [a, b]\n"
            "   +- Scan t [a, b, c]\n");
}

TEST(BinderAggregate, GroupingSets) {
  // Spark's Expand: a grouping id with bit (n-1-j) set when group j is not in the set.
  EXPECT_EQ(Plan("SELECT a, b, sum(c) FROM t GROUP BY ROLLUP(a, b)"),
            "Project [a, b, sum(c)]\n"
            "+- Aggregate [a, b, spark_grouping_id], [a, b, spark_grouping_id, sum(c)]\n"
            "   +- Expand [[a, b, c, a, b, 0], [a, b, c, a, NULL, 1], [a, b, c, NULL, NULL, 3]]\n"
            "      +- Scan t [a, b, c]\n");
  EXPECT_EQ(Plan("SELECT a, b, sum(c), grouping(a), grouping_id() FROM t GROUP BY CUBE(a, b)"),
            "Project [a, b, sum(c), CAST(((spark_grouping_id div 2) % 2) AS INT) AS grouping(a), "
            "spark_grouping_id AS grouping_id()]\n"
            "+- Aggregate [a, b, spark_grouping_id], [a, b, spark_grouping_id, sum(c)]\n"
            "   +- Expand [[a, b, c, a, b, 0], [a, b, c, a, NULL, 1], [a, b, c, NULL, b, 2], [a, "
            "b, c, NULL, NULL, 3]]\n"
            "      +- Scan t [a, b, c]\n");
  EXPECT_EQ(Plan("SELECT a, b, count(*) FROM t GROUP BY GROUPING SETS ((a, b), (a), ())"),
            "Project [a, b, count(1)]\n"
            "+- Aggregate [a, b, spark_grouping_id], [a, b, spark_grouping_id, count(1)]\n"
            "   +- Expand [[a, b, c, a, b, 0], [a, b, c, a, NULL, 1], [a, b, c, NULL, NULL, 3]]\n"
            "      +- Scan t [a, b, c]\n");
  EXPECT_EQ(SchemaOf("SELECT a, grouping_id(a, b) FROM t GROUP BY CUBE(a, b)"),
            "a:INT?, grouping_id(a, b):BIGINT?");
  ExpectError("SELECT grouping(a) FROM t GROUP BY a",
              "[UNSUPPORTED_GROUPING_EXPRESSION] grouping()/grouping_id() can only be used with "
              "GroupingSets/Cube/Rollup.",
              1, 8);
}

TEST(BinderAggregate, GroupingSetsMergeAlikeExpressions) {
  // Spark's GroupingSets groups by the distinct flattened expressions: `B` and `(b)`
  // are the grouping column b, not a second column that is always NULL.
  const std::string expected =
      "Project [a, b, count(1)]\n"
      "+- Aggregate [a, b, spark_grouping_id], [a, b, spark_grouping_id, count(1)]\n"
      "   +- Expand [[a, b, c, a, b, 0], [a, b, c, NULL, b, 2]]\n"
      "      +- Scan t [a, b, c]\n";
  EXPECT_EQ(Plan("SELECT a, b, count(*) FROM t GROUP BY GROUPING SETS ((a, b), (B))"), expected);
  EXPECT_EQ(Plan("SELECT a, b, count(*) FROM t GROUP BY GROUPING SETS ((a, b), ((b)))"), expected);
}

TEST(BinderAggregate, HavingInAndExistsSubqueries) {
  // Spark: IN / EXISTS in HAVING filter the aggregate (semi / anti joins over it).
  EXPECT_EQ(Plan("SELECT a, count(*) FROM t GROUP BY a HAVING a IN (SELECT k FROM s) AND "
                 "count(*) > 1"),
            "Project [a, count(1)]\n"
            "+- Join LEFT SEMI, (a = k)\n"
            "   :- Filter (count(1) > CAST(1 AS BIGINT))\n"
            "   :  +- Aggregate [a], [a, count(1)]\n"
            "   :     +- Scan t [a, b, c]\n"
            "   +- Project [k]\n"
            "      +- Scan s [k, x]\n");
  EXPECT_EQ(Plan("SELECT a FROM t GROUP BY a HAVING max(c) NOT IN (SELECT x FROM s)"),
            "Project [a]\n"
            "+- Join LEFT ANTI (null-aware), (max(c) = CAST(x AS DOUBLE))\n"
            "   :- Aggregate [a], [a, max(c)]\n"
            "   :  +- Scan t [a, b, c]\n"
            "   +- Project [x]\n"
            "      +- Scan s [k, x]\n");
  EXPECT_EQ(Plan("SELECT a FROM t GROUP BY a HAVING NOT EXISTS (SELECT 1 FROM s)"),
            "Project [a]\n"
            "+- Join LEFT ANTI\n"
            "   :- Aggregate [a], [a]\n"
            "   :  +- Scan t [a, b, c]\n"
            "   +- Project [1]\n"
            "      +- Scan s [k, x]\n");
}

// --- ORDER BY, LIMIT -----------------------------------------------------------

TEST(BinderOrderBy, OutputsAliasesOrdinals) {
  EXPECT_EQ(Plan("SELECT a AS z, b FROM t ORDER BY z DESC NULLS FIRST, 2"),
            "Sort [z DESC NULLS FIRST, b ASC NULLS FIRST]\n"
            "+- Project [a AS z, b]\n"
            "   +- Scan t [a, b, c]\n");
  EXPECT_EQ(Plan("SELECT a FROM t ORDER BY a + 1"),
            "Sort [(a + 1) ASC NULLS FIRST]\n"
            "+- Project [a]\n"
            "   +- Scan t [a, b, c]\n");
  ExpectError("SELECT a FROM t ORDER BY 2",
              "[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position 2 is not in select list (valid "
              "range is [1, 1]).",
              1, 26);
}

TEST(BinderOrderBy, HiddenInputColumns) {
  // Spark adds the missing input column to the projection and drops it after the sort.
  EXPECT_EQ(Plan("SELECT b FROM t ORDER BY a"),
            "Project [b]\n"
            "+- Sort [a ASC NULLS FIRST]\n"
            "   +- Project [b, a AS __order_2]\n"
            "      +- Scan t [a, b, c]\n");
  EXPECT_EQ(SchemaOf("SELECT a, c FROM t ORDER BY upper(b)"), "a:INT?, c:DOUBLE?");
  // After aggregation: an aggregate not in the SELECT list.
  EXPECT_EQ(Plan("SELECT a, sum(c) AS s FROM t GROUP BY a ORDER BY max(b)"),
            "Project [a, s]\n"
            "+- Sort [max(b) ASC NULLS FIRST]\n"
            "   +- Project [a, sum(c) AS s, max(b) AS __order_3]\n"
            "      +- Aggregate [a], [a, sum(c), max(b)]\n"
            "         +- Scan t [a, b, c]\n");
  // With DISTINCT only the SELECT list's columns.
  ExpectError("SELECT DISTINCT a FROM t ORDER BY b",
              "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `b` "
              "cannot be resolved. Did you mean one of the following? [`a`].",
              1, 35, "did you mean 'a'?");
}

TEST(BinderLimit, LimitOffset) {
  EXPECT_EQ(Plan("SELECT a FROM t LIMIT 5 OFFSET 2"),
            "Limit 5, Offset 2\n"
            "+- Project [a]\n"
            "   +- Scan t [a, b, c]\n");
  EXPECT_EQ(Plan("SELECT a FROM t LIMIT 2 + 3"),
            "Limit 5\n"
            "+- Project [a]\n"
            "   +- Scan t [a, b, c]\n");
  // Spark resolves the limit against the child's output: a column is not constant.
  ExpectError("SELECT a FROM t LIMIT a",
              "[INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE] The limit like expression \"a\" is "
              "invalid. The limit expression must evaluate to a constant value.",
              1, 23);
  ExpectError("SELECT a FROM t LIMIT -1",
              "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The limit like expression \"-1\" is "
              "invalid. The limit expression must be equal to or greater than 0, but got -1.",
              1, 23);
  ExpectError("SELECT a FROM t LIMIT 'x'",
              "[INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE] The limit like expression \"x\" is "
              "invalid. The limit expression must be integer type, but got \"STRING\".",
              1, 23);
  ExpectError("SELECT a FROM t LIMIT rand() > 0",
              "[INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE] The limit like expression "
              "\"(rand() > 0)\" is invalid. The limit expression must evaluate to a constant "
              "value.",
              1, 23);
  ExpectError("SELECT a FROM t LIMIT CAST(NULL AS INT)",
              "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NULL] The limit like expression \"CAST(NULL AS "
              "INT)\" is invalid. The evaluated limit expression must not be null.",
              1, 23);
  ExpectError("SELECT a FROM t OFFSET -2",
              "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The offset like expression \"-2\" is "
              "invalid. The offset expression must be equal to or greater than 0, but got -2.",
              1, 24);
}

// --- Set operations ----------------------------------------------------------------

TEST(BinderSetOp, UnionAllWidensAndFlattens) {
  EXPECT_EQ(Plan("SELECT a, b FROM t UNION ALL SELECT k, x FROM s UNION ALL SELECT 1, 2"),
            "Union\n"
            ":- Project [a, b]\n"
            ":  +- Scan t [a, b, c]\n"
            ":- Project [k, CAST(x AS STRING) AS x]\n"
            ":  +- Project [k, x]\n"
            ":     +- Scan s [k, x]\n"
            "+- Project [1, CAST(2 AS STRING) AS 2]\n"
            "   +- Project [1, 2]\n"
            "      +- LocalRelation [], 1 rows\n");
  EXPECT_EQ(SchemaOf("SELECT a FROM t UNION ALL SELECT x FROM s"), "a:BIGINT?");
}

TEST(BinderSetOp, DistinctIntersectExcept) {
  EXPECT_EQ(Plan("SELECT a FROM t UNION SELECT k FROM s"),
            "Aggregate [a], [a]\n"
            "+- Union\n"
            "   :- Project [a]\n"
            "   :  +- Scan t [a, b, c]\n"
            "   +- Project [k]\n"
            "      +- Scan s [k, x]\n");
  EXPECT_EQ(Plan("SELECT a FROM t INTERSECT SELECT k FROM s").substr(0, 10), "Intersect\n");
  EXPECT_EQ(Plan("SELECT a FROM t EXCEPT ALL SELECT k FROM s").substr(0, 11), "Except All\n");
  EXPECT_EQ(Plan("SELECT a FROM t MINUS SELECT k FROM s").substr(0, 7), "Except\n");
}

TEST(BinderSetOp, OrderByAndLimitOverSetOp) {
  EXPECT_EQ(Plan("SELECT a FROM t UNION SELECT k FROM s ORDER BY a DESC LIMIT 3"),
            "Limit 3\n"
            "+- Sort [a DESC NULLS LAST]\n"
            "   +- Aggregate [a], [a]\n"
            "      +- Union\n"
            "         :- Project [a]\n"
            "         :  +- Scan t [a, b, c]\n"
            "         +- Project [k]\n"
            "            +- Scan s [k, x]\n");
}

TEST(BinderSetOp, Errors) {
  ExpectError("SELECT a FROM t UNION SELECT k, x FROM s",
              "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same number "
              "of columns, but the first input has 1 columns and the second input has 2 columns.",
              1, 23);
  ExpectError("SELECT arr FROM nested INTERSECT SELECT a FROM t",
              "[INCOMPATIBLE_COLUMN_TYPE] INTERSECT can only be performed on inputs with "
              "compatible column types. The first column of the second table is \"INT\" type "
              "which is not compatible with \"ARRAY<INT>\" at the same column of the first "
              "table.",
              1, 34);
}

// --- Window functions ----------------------------------------------------------------

TEST(BinderWindow, RankingAndDefaultFrames) {
  EXPECT_EQ(Plan("SELECT a, rank() OVER (PARTITION BY b ORDER BY c) AS r FROM t"),
            "Project [a, rank() OVER (PARTITION BY b ORDER BY c ASC NULLS FIRST RANGE BETWEEN "
            "UNBOUNDED PRECEDING AND CURRENT ROW) AS r]\n"
            "+- Window [rank() AS rank() OVER (PARTITION BY b ORDER BY c ASC NULLS FIRST RANGE "
            "BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)], [b], [c ASC NULLS FIRST]\n"
            "   +- Scan t [a, b, c]\n");
  // One WindowNode per (partition, order); aggregates get Spark's default frames.
  EXPECT_EQ(Plan("SELECT row_number() OVER (ORDER BY a) AS rn, sum(c) OVER (PARTITION BY b) AS "
                 "s, lag(a) OVER (ORDER BY a) AS l, lead(a, 2, 0) OVER (ORDER BY a) AS ld FROM t"),
            "Project [row_number() OVER (ORDER BY a ASC NULLS FIRST RANGE BETWEEN UNBOUNDED "
            "PRECEDING AND CURRENT ROW) AS rn, sum(c) OVER (PARTITION BY b ROWS BETWEEN UNBOUNDED "
            "PRECEDING AND UNBOUNDED FOLLOWING) AS s, lag(a) OVER (ORDER BY a ASC NULLS FIRST "
            "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS l, lead(a, 2, 0) OVER (ORDER "
            "BY a ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ld]\n"
            "+- Window [sum(c) ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING AS sum(c) "
            "OVER (PARTITION BY b ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)], "
            "[b], []\n"
            "   +- Window [row_number() AS row_number() OVER (ORDER BY a ASC NULLS FIRST RANGE "
            "BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), lag(a, 1, NULL) AS lag(a) OVER (ORDER "
            "BY a ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), lead(a, 2, "
            "0) AS lead(a, 2, 0) OVER (ORDER BY a ASC NULLS FIRST RANGE BETWEEN UNBOUNDED "
            "PRECEDING AND CURRENT ROW)], [], [a ASC NULLS FIRST]\n"
            "      +- Scan t [a, b, c]\n");
  EXPECT_EQ(SchemaOf("SELECT row_number() OVER (ORDER BY a) AS rn, percent_rank() OVER (ORDER BY "
                     "a) AS p, ntile(4) OVER (ORDER BY c) AS n FROM t"),
            "rn:INT, p:DOUBLE, n:INT");
}

TEST(BinderWindow, QualifyNamesSelectAliases) {
  // QUALIFY may name a SELECT alias (an input column of that name wins).
  EXPECT_EQ(SchemaOf("SELECT a, rank() OVER (ORDER BY c) AS r FROM t QUALIFY r <= 2"),
            "a:INT?, r:INT");
  EXPECT_EQ(SchemaOf("SELECT a, sum(c) AS total FROM t GROUP BY a QUALIFY rank() OVER (ORDER "
                     "BY total) = 1"),
            "a:INT?, total:DOUBLE?");
  EXPECT_EQ(SchemaOf("SELECT c AS a, a AS c FROM t QUALIFY row_number() OVER (ORDER BY a) = 1"),
            "a:DOUBLE?, c:INT?");
}

TEST(BinderWindow, WindowFunctionWithoutOver) {
  ExpectError("SELECT a, rank() FROM t",
              "[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE] Window function \"rank()\" requires an "
              "OVER clause.",
              1, 11);
  ExpectErrorPrefix("SELECT lag(a) FROM t", "[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE]", 1, 8);
}

TEST(BinderWindow, NamedWindowsAndFrames) {
  EXPECT_EQ(Plan("SELECT sum(c) OVER w AS s, avg(c) OVER (w ROWS BETWEEN 1 PRECEDING AND 1 "
                 "FOLLOWING) AS m FROM t WINDOW w AS (PARTITION BY b ORDER BY a)"),
            "Project [sum(c) OVER w AS s, avg(c) OVER (ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) "
            "AS m]\n"
            "+- Window [sum(c) RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW AS sum(c) OVER "
            "w, avg(c) ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING AS avg(c) OVER (ROWS BETWEEN 1 "
            "PRECEDING AND 1 FOLLOWING)], [b], [a ASC NULLS FIRST]\n"
            "   +- Scan t [a, b, c]\n");
  // A RANGE offset takes the order key's type.
  EXPECT_EQ(Plan("SELECT sum(a) OVER (ORDER BY c RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING) AS "
                 "s FROM t"),
            "Project [sum(a) OVER (ORDER BY c ASC NULLS FIRST RANGE BETWEEN 1 PRECEDING AND 2 "
            "FOLLOWING) AS s]\n"
            "+- Window [sum(a) RANGE BETWEEN 1.0 PRECEDING AND 2.0 FOLLOWING AS sum(a) OVER "
            "(ORDER BY c ASC NULLS FIRST RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING)], [], [c ASC "
            "NULLS FIRST]\n"
            "   +- Scan t [a, b, c]\n");
  ExpectError("SELECT sum(c) OVER v FROM t",
              "[MISSING_WINDOW_SPECIFICATION] Window specification `v` is not defined in the "
              "WINDOW clause.",
              1, 20);
}

TEST(BinderWindow, OverAggregates) {
  EXPECT_EQ(Plan("SELECT a, sum(c), rank() OVER (ORDER BY sum(c) DESC) AS r FROM t GROUP BY a"),
            "Project [a, sum(c), rank() OVER (ORDER BY sum(c) DESC NULLS LAST RANGE BETWEEN "
            "UNBOUNDED PRECEDING AND CURRENT ROW) AS r]\n"
            "+- Window [rank() AS rank() OVER (ORDER BY sum(c) DESC NULLS LAST RANGE BETWEEN "
            "UNBOUNDED PRECEDING AND CURRENT ROW)], [], [sum(c) DESC NULLS LAST]\n"
            "   +- Aggregate [a], [a, sum(c)]\n"
            "      +- Scan t [a, b, c]\n");
  EXPECT_EQ(SchemaOf("SELECT a, sum(sum(c)) OVER () AS total FROM t GROUP BY a"),
            "a:INT?, total:DOUBLE?");
}

TEST(BinderWindow, ValueFunctions) {
  EXPECT_EQ(SchemaOf("SELECT first_value(c) IGNORE NULLS OVER (PARTITION BY a ORDER BY c) AS f, "
                     "last_value(b) OVER (ORDER BY c) AS l, nth_value(c, 2) OVER (ORDER BY c) AS "
                     "n FROM t"),
            "f:DOUBLE?, l:STRING?, n:DOUBLE?");
  auto plan = BindSql("SELECT first_value(c) IGNORE NULLS OVER (ORDER BY c) FROM t");
  ASSERT_TRUE(plan.ok());
  const auto& w = static_cast<const WindowNode&>(*(*plan)->child());
  EXPECT_EQ(w.functions()[0].kind, WindowFunctionKind::kFirstValue);
  EXPECT_TRUE(w.functions()[0].ignore_nulls);
}

TEST(BinderWindow, Errors) {
  ExpectError("SELECT rank() OVER (PARTITION BY b) FROM t",
              "[WINDOW_FUNCTION_WITHOUT_ORDER] Window function rank() requires window to be "
              "ordered, please add ORDER BY clause. For example SELECT rank(value_expr) OVER "
              "(PARTITION BY window_partition ORDER BY window_ordering) from table.",
              1, 8);
  ExpectErrorPrefix(
      "SELECT sum(c) OVER (ORDER BY a, c RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) "
      "FROM t",
      "[DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER]", 1, 35);
  ExpectError("SELECT sum(c) OVER (ORDER BY b RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
              "[DATATYPE_MISMATCH.RANGE_FRAME_INVALID_TYPE] Cannot resolve \"sum(c) OVER (ORDER "
              "BY b ASC NULLS FIRST RANGE BETWEEN 1 PRECEDING AND CURRENT ROW)\" due to data "
              "type mismatch: The data type \"STRING\" used in the order specification does not "
              "match the data type \"INT\" which is used in the range frame.",
              1, 32);
  ExpectErrorPrefix(
      "SELECT sum(c) OVER (ORDER BY a ROWS BETWEEN 1 PRECEDING AND 2 PRECEDING) "
      "FROM t",
      "[DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON]", 1, 32);
  ExpectError("SELECT a FROM t WHERE row_number() OVER (ORDER BY a) = 1",
              "[INVALID_WHERE_CONDITION] The WHERE condition contains invalid expressions: "
              "\"row_number() OVER (ORDER BY a ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING "
              "AND CURRENT ROW)\". Rewrite the query to avoid window functions, aggregate "
              "functions, and generator functions in the WHERE clause.",
              1, 23);
  ExpectError("SELECT upper(b) OVER () FROM t",
              "[UNSUPPORTED_EXPR_FOR_WINDOW] Expression \"upper(b) OVER (ROWS BETWEEN UNBOUNDED "
              "PRECEDING AND UNBOUNDED FOLLOWING)\" not supported within a window function.",
              1, 8);
  ExpectErrorPrefix("SELECT count(DISTINCT a) OVER () FROM t",
                    "[DISTINCT_WINDOW_FUNCTION_UNSUPPORTED]", 1, 8);
  ExpectErrorPrefix("SELECT sum(rank() OVER (ORDER BY a)) OVER () FROM t",
                    "[UNSUPPORTED_EXPR_FOR_OPERATOR] Window function", 1, 12);
}

// --- Subqueries ------------------------------------------------------------------------

TEST(BinderSubquery, UncorrelatedScalar) {
  EXPECT_EQ(Plan("SELECT * FROM t WHERE a = (SELECT k FROM s)"),
            "Project [a, b, c]\n"
            "+- Filter (a = scalar-subquery)\n"
            "   +- Scan t [a, b, c]\n");
  auto plan = BindSql("SELECT (SELECT max(x) FROM s) AS m FROM t");
  ASSERT_TRUE(plan.ok());
  const auto& p = static_cast<const ProjectNode&>(**plan);
  const auto* sub = dynamic_cast<const ScalarSubqueryExpr*>(p.exprs()[0].get());
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(ExplainString(*sub->plan()),
            "Project [max(x)]\n"
            "+- Aggregate [], [max(x)]\n"
            "   +- Scan s [k, x]\n");
  ExpectError("SELECT (SELECT k, x FROM s) FROM t",
              "[INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN] "
              "Invalid subquery: Scalar subquery must return only one column, but got 2.",
              1, 8);
}

TEST(BinderSubquery, InAndExistsBecomeSemiAntiJoins) {
  // Spark's RewritePredicateSubquery.
  EXPECT_EQ(Plan("SELECT * FROM t WHERE a IN (SELECT k FROM s) AND c > 0"),
            "Project [a, b, c]\n"
            "+- Filter (c > CAST(0 AS DOUBLE))\n"
            "   +- Join LEFT SEMI, (a = k)\n"
            "      :- Scan t [a, b, c]\n"
            "      +- Project [k]\n"
            "         +- Scan s [k, x]\n");
  EXPECT_EQ(Plan("SELECT * FROM t WHERE a NOT IN (SELECT k FROM s)"),
            "Project [a, b, c]\n"
            "+- Join LEFT ANTI (null-aware), (a = k)\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [k]\n"
            "      +- Scan s [k, x]\n");
  EXPECT_EQ(Plan("SELECT a FROM t WHERE NOT (a IN (SELECT k FROM s))").find("null-aware") !=
                std::string::npos,
            true);
  EXPECT_EQ(Plan("SELECT a FROM t WHERE EXISTS (SELECT 1 FROM s)"),
            "Project [a]\n"
            "+- Join LEFT SEMI\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [1]\n"
            "      +- Scan s [k, x]\n");
}

TEST(BinderSubquery, CorrelatedExistsAndIn) {
  // Spark's PullupCorrelatedPredicates: the correlation moves into the join.
  EXPECT_EQ(Plan("SELECT * FROM t WHERE EXISTS (SELECT * FROM s WHERE s.k = t.a AND s.x > 5)"),
            "Project [a, b, c]\n"
            "+- Join LEFT SEMI, (k = a)\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [k, x, k]\n"
            "      +- Filter (x > CAST(5 AS BIGINT))\n"
            "         +- Scan s [k, x]\n");
  EXPECT_EQ(Plan("SELECT * FROM t WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.k = t.a)"),
            "Project [a, b, c]\n"
            "+- Join LEFT ANTI, (k = a)\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [1, k]\n"
            "      +- Scan s [k, x]\n");
  // Correlated NOT IN: (cond OR isnull(cond)) with the correlation.
  EXPECT_EQ(Plan("SELECT * FROM t WHERE a NOT IN (SELECT k FROM s WHERE s.x = t.c)"),
            "Project [a, b, c]\n"
            "+- Join LEFT ANTI, ((CAST(x AS DOUBLE) = c) AND ((a = k) OR ((a = k) IS NULL)))\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [k, x]\n"
            "      +- Scan s [k, x]\n");
  ExpectErrorPrefix("SELECT * FROM t WHERE a IN (SELECT k, x FROM s)",
                    "[DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH]", 1, 23);
}

TEST(BinderSubquery, CorrelatedScalar) {
  // Spark's RewriteCorrelatedScalarSubquery: a left outer join with the aggregate grouped
  // by the inner correlation column.
  EXPECT_EQ(Plan("SELECT a, (SELECT max(x) FROM s WHERE s.k = t.a) AS m FROM t"),
            "Project [a, max(x) AS m]\n"
            "+- Join LEFT OUTER, (k = a)\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [max(x), k]\n"
            "      +- Aggregate [k], [k, max(x)]\n"
            "         +- Scan s [k, x]\n");
  // The count bug: no match gives 0, not NULL.
  EXPECT_EQ(Plan("SELECT a, (SELECT count(*) FROM s WHERE s.k = t.a) AS n FROM t"),
            "Project [a, CASE WHEN (k IS NULL) THEN 0 ELSE count(1) END AS n]\n"
            "+- Join LEFT OUTER, (k = a)\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [count(1), k]\n"
            "      +- Aggregate [k], [k, count(1)]\n"
            "         +- Scan s [k, x]\n");
  EXPECT_EQ(Plan("SELECT a FROM t WHERE c > (SELECT avg(x) FROM s WHERE s.k = t.a)"),
            "Project [a]\n"
            "+- Filter (c > avg(x))\n"
            "   +- Join LEFT OUTER, (k = a)\n"
            "      :- Scan t [a, b, c]\n"
            "      +- Project [avg(x), k]\n"
            "         +- Aggregate [k], [k, avg(x)]\n"
            "            +- Scan s [k, x]\n");
}

TEST(BinderSubquery, ExistenceJoinsAnywhere) {
  // Spark's RewritePredicateSubquery outside top-level conjuncts: an ExistenceJoin
  // appends `exists`, which replaces the predicate; IN's is nullable, EXISTS's not.
  EXPECT_EQ(Plan("SELECT a, a IN (SELECT k FROM s) AS f FROM t"),
            "Project [a, exists AS f]\n"
            "+- Join EXISTENCE IN (a = k)\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [k]\n"
            "      +- Scan s [k, x]\n");
  EXPECT_EQ(SchemaOf("SELECT a, a IN (SELECT k FROM s) AS f FROM t"), "a:INT?, f:BOOLEAN?");
  EXPECT_EQ(Plan("SELECT a NOT IN (SELECT k FROM s) AS f FROM t"),
            "Project [(NOT exists) AS f]\n"
            "+- Join EXISTENCE IN (a = k)\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [k]\n"
            "      +- Scan s [k, x]\n");
  // Correlated: the pulled-up correlation is the join condition.
  EXPECT_EQ(Plan("SELECT EXISTS (SELECT 1 FROM s WHERE s.k = t.a) AS e FROM t"),
            "Project [exists AS e]\n"
            "+- Join EXISTENCE, (k = a)\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [1, k]\n"
            "      +- Scan s [k, x]\n");
  EXPECT_EQ(SchemaOf("SELECT EXISTS (SELECT 1 FROM s WHERE s.k = t.a) AS e FROM t"), "e:BOOLEAN");
  EXPECT_EQ(Plan("SELECT * FROM t WHERE EXISTS (SELECT 1 FROM s WHERE s.k = t.a) OR c > 10"),
            "Project [a, b, c]\n"
            "+- Filter (exists OR (c > CAST(10 AS DOUBLE)))\n"
            "   +- Join EXISTENCE, (k = a)\n"
            "      :- Scan t [a, b, c]\n"
            "      +- Project [1, k]\n"
            "         +- Scan s [k, x]\n");
  EXPECT_EQ(Plan("SELECT CASE WHEN a IN (SELECT k FROM s WHERE s.x = t.c) THEN 1 ELSE 0 END AS f "
                 "FROM t"),
            "Project [CASE WHEN exists THEN 1 ELSE 0 END AS f]\n"
            "+- Join EXISTENCE IN (a = k), (CAST(x AS DOUBLE) = c)\n"
            "   :- Scan t [a, b, c]\n"
            "   +- Project [k, x]\n"
            "      +- Scan s [k, x]\n");
  EXPECT_EQ(Plan("SELECT (a, c) IN (SELECT a, b FROM t1) AS f FROM t2"),
            "Project [exists AS f]\n"
            "+- Join EXISTENCE IN ((a = a) AND (c = b))\n"
            "   :- Scan t2 [a, c]\n"
            "   +- Project [a, b]\n"
            "      +- Scan t1 [a, b]\n");
  ExpectErrorPrefix("SELECT (a, c) IN (SELECT a FROM t1) FROM t2",
                    "[DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH]", 1, 8);
}

TEST(BinderSubquery, ExistenceJoinsOverAggregates) {
  // In an aggregating SELECT or inside HAVING the join is over the Aggregate.
  EXPECT_EQ(Plan("SELECT a, a IN (SELECT k FROM s) AS f, count(*) FROM t GROUP BY a"),
            "Project [a, exists AS f, count(1)]\n"
            "+- Join EXISTENCE IN (a = k)\n"
            "   :- Aggregate [a], [a, count(1)]\n"
            "   :  +- Scan t [a, b, c]\n"
            "   +- Project [k]\n"
            "      +- Scan s [k, x]\n");
  EXPECT_EQ(Plan("SELECT a FROM t GROUP BY a HAVING count(*) > 1 OR a NOT IN (SELECT k FROM s)"),
            "Project [a]\n"
            "+- Filter ((count(1) > CAST(1 AS BIGINT)) OR (NOT exists))\n"
            "   +- Join EXISTENCE IN (a = k)\n"
            "      :- Aggregate [a], [a, count(1)]\n"
            "      :  +- Scan t [a, b, c]\n"
            "      +- Project [k]\n"
            "         +- Scan s [k, x]\n");
}

TEST(BinderSubquery, UnsupportedShapes) {
  ExpectError("SELECT a FROM t WHERE c > (SELECT x FROM s WHERE s.k = t.a)",
              "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.MUST_AGGREGATE_CORRELATED_SCALAR_"
              "SUBQUERY] Unsupported subquery expression: Correlated scalar subqueries must be "
              "aggregated to return at most one row.",
              1, 27);
  ExpectErrorPrefix("SELECT a FROM t WHERE c > (SELECT max(x) FROM s WHERE s.k > t.a)",
                    "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_ALLOWED_"
                    "IN_PREDICATE]",
                    1, 27);
  ExpectError("SELECT a FROM t ORDER BY a IN (SELECT k FROM s)",
              "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] IN (subquery) is supported only in "
              "WHERE, HAVING and the SELECT list; found in ORDER BY.",
              1, 26, "", StatusCode::kUnsupported);
  ExpectErrorPrefix("SELECT a FROM t WHERE EXISTS (SELECT t.a + x FROM s)",
                    "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.ACCESSING_OUTER_QUERY_COLUMN_IS_NOT_"
                    "ALLOWED]",
                    1, 23);
  ExpectErrorPrefix("SELECT a, (SELECT max(x) FROM s WHERE s.k = t.a) FROM t GROUP BY a",
                    "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] A correlated scalar subquery", 1,
                    11);
}

// --- Generators --------------------------------------------------------------------

TEST(BinderGenerate, SelectListAndLateralView) {
  EXPECT_EQ(Plan("SELECT explode(arr) FROM nested"),
            "Project [col]\n"
            "+- Generate explode(arr)\n"
            "   +- Scan nested [id, st, arr, m]\n");
  EXPECT_EQ(SchemaOf("SELECT id, explode(m) AS (k, v) FROM nested"), "id:INT?, k:STRING, v:INT?");
  EXPECT_EQ(SchemaOf("SELECT posexplode(arr) FROM nested"), "pos:INT, col:INT?");
  EXPECT_EQ(Plan("SELECT id FROM nested LATERAL VIEW OUTER explode(arr) e AS v WHERE e.v > 1"),
            "Project [id]\n"
            "+- Filter (v > 1)\n"
            "   +- Generate explode(arr), outer\n"
            "      +- Scan nested [id, st, arr, m]\n");
  ExpectError("SELECT explode(m) AS (k) FROM nested",
              "[UDTF_ALIAS_NUMBER_MISMATCH] The number of aliases supplied in the AS clause does "
              "not match the number of columns output by the UDTF. Expected 2 aliases, but got "
              "1.",
              1, 8);
  ExpectErrorPrefix("SELECT a FROM t WHERE explode(array(a)) IS NULL",
                    "[UNSUPPORTED_GENERATOR.OUTSIDE_SELECT]", 1, 23);
}

// --- Expressions -------------------------------------------------------------------

TEST(BinderExpr, CastsAndCase) {
  EXPECT_EQ(SchemaOf("SELECT CAST(a AS STRING), TRY_CAST(b AS INT), a::BIGINT FROM t"),
            "CAST(a AS STRING):STRING?, TRY_CAST(b AS INT):INT?, CAST(a AS BIGINT):BIGINT?");
  ExpectError("SELECT CAST(arr AS INT) FROM nested",
              "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve \"CAST(arr AS INT)\" "
              "due to data type mismatch: cannot cast \"ARRAY<INT>\" to \"INT\".",
              1, 8);
  // Simple CASE compares with =; values widen to a common type.
  EXPECT_EQ(Plan("SELECT CASE a WHEN 1 THEN 'one' ELSE 'many' END AS x, CASE WHEN a > 1 THEN 1 "
                 "ELSE 2.5 END AS y FROM t"),
            "Project [CASE WHEN (a = 1) THEN one ELSE many END AS x, CASE WHEN (a > 1) THEN "
            "CAST(1 AS DECIMAL(11,1)) ELSE CAST(2.5 AS DECIMAL(11,1)) END AS y]\n"
            "+- Scan t [a, b, c]\n");
  ExpectError("SELECT CASE WHEN a > 1 THEN 1 ELSE arr END FROM t, nested",
              "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"CASE WHEN (a > 1) THEN 1 "
              "ELSE arr END\" due to data type mismatch: Input to `casewhen` should all be the "
              "same type, but it's [\"INT\", \"ARRAY<INT>\"].",
              1, 8);
}

TEST(BinderExpr, RefusedCastsSuggestAsSparkDoes) {
  // Cast.typeCheckFailureInCast / typeCheckFailureMessage (Spark 3.5): the non-ANSI
  // cast suggests nothing; the ANSI cast and TRY_CAST name the functions between
  // numbers and dates or timestamps; the ANSI cast names the config when the non-ANSI
  // rules would allow the cast.
  ExpectError("SELECT CAST(1 AS DATE)",
              "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve \"CAST(1 AS DATE)\" due "
              "to data type mismatch: cannot cast \"INT\" to \"DATE\".",
              1, 8);
  auto ansi_error = [](std::string_view sql) {
    auto r = BindSql(sql, Ansi());
    return r.ok() ? std::string("bound") : r.status().message();
  };
  EXPECT_EQ(ansi_error("SELECT CAST(1 AS DATE)"),
            "[DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION] Cannot resolve \"CAST(1 AS DATE)\" due "
            "to data type mismatch: cannot cast \"INT\" to \"DATE\". To convert values from "
            "\"INT\" to \"DATE\", you can use the functions `DATE_FROM_UNIX_DATE` instead.");
  EXPECT_EQ(ansi_error("SELECT CAST(DATE '2024-01-01' AS BIGINT)"),
            "[DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION] Cannot resolve \"CAST(DATE "
            "'2024-01-01' AS BIGINT)\" due to data type mismatch: cannot cast \"DATE\" to "
            "\"BIGINT\". To convert values from \"DATE\" to \"BIGINT\", you can use the "
            "functions `UNIX_DATE` instead.");
  EXPECT_EQ(ansi_error("SELECT CAST(DATE '2024-01-01' AS BOOLEAN)"),
            "[DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION] Cannot resolve \"CAST(DATE "
            "'2024-01-01' AS BOOLEAN)\" due to data type mismatch: cannot cast \"DATE\" to "
            "\"BOOLEAN\" with ANSI mode on. If you have to cast \"DATE\" to \"BOOLEAN\", you "
            "can set \"spark.sql.ansi.enabled\" as 'false'.");
  EXPECT_EQ(ansi_error("SELECT CAST(arr AS INT) FROM nested"),
            "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve \"CAST(arr AS INT)\" due "
            "to data type mismatch: cannot cast \"ARRAY<INT>\" to \"INT\".");
  // TRY_CAST follows canTryCast (the ANSI rules) in both modes, with function
  // suggestions but never the config one.
  ExpectError("SELECT TRY_CAST(DATE '2024-01-01' AS INT)",
              "[DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION] Cannot resolve \"TRY_CAST(DATE "
              "'2024-01-01' AS INT)\" due to data type mismatch: cannot cast \"DATE\" to "
              "\"INT\". To convert values from \"DATE\" to \"INT\", you can use the functions "
              "`UNIX_DATE` instead.",
              1, 8);
  EXPECT_EQ(ansi_error("SELECT TRY_CAST(true AS TIMESTAMP)"),
            "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve \"TRY_CAST(true AS "
            "TIMESTAMP)\" due to data type mismatch: cannot cast \"BOOLEAN\" to "
            "\"TIMESTAMP\".");
  EXPECT_EQ(SchemaOf("SELECT TRY_CAST(b AS INT), TRY_CAST(arr AS ARRAY<STRING>) FROM t, nested"),
            "TRY_CAST(b AS INT):INT?, TRY_CAST(arr AS ARRAY<STRING>):ARRAY<STRING>?");
}

TEST(BinderExpr, Predicates) {
  EXPECT_EQ(Plan("SELECT a IN (1, 2, NULL) AS i, a BETWEEN 1 AND 3 AS btw, b LIKE 'x%' ESCAPE "
                 "'!' AS l, b ILIKE 'X%' AS il, b RLIKE '^x' AS rl, a IS NOT DISTINCT FROM 1 AS "
                 "nd, a IS DISTINCT FROM 1 AS d FROM t"),
            "Project [in(a, 1, 2, CAST(NULL AS INT)) AS i, ((a >= 1) AND (a <= 3)) AS btw, b LIKE "
            "x% AS l, b ILIKE X% AS il, b RLIKE ^x AS rl, (a <=> 1) AS nd, (NOT (a <=> 1)) AS d]\n"
            "+- Scan t [a, b, c]\n");
  EXPECT_EQ(Plan("SELECT (a > 1) IS TRUE AS x, (a > 1) IS NOT FALSE AS y, (a > 1) IS UNKNOWN AS "
                 "z, a NOT BETWEEN 1 AND 2 AS nb, b NOT LIKE 'q' AS nl, a NOT IN (1) AS ni FROM t"),
            "Project [((a > 1) <=> true) AS x, (NOT ((a > 1) <=> false)) AS y, ((a > 1) IS NULL) "
            "AS z, (NOT ((a >= 1) AND (a <= 2))) AS nb, (NOT b LIKE q) AS nl, (NOT in(a, 1)) AS "
            "ni]\n"
            "+- Scan t [a, b, c]\n");
  EXPECT_EQ(SchemaOf("SELECT (a, c) IN ((1, 2.0), (3, 4.0)) AS r FROM t"), "r:BOOLEAN?");
}

TEST(BinderExpr, FunctionsFromTheRegistry) {
  EXPECT_EQ(SchemaOf("SELECT b || 'x' AS cat, coalesce(a, 1) AS co, nullif(a, 1) AS ni, if(a > "
                     "1, 'y', 'n') AS i, nvl(b, 'z') AS n FROM t"),
            "cat:STRING?, co:INT, ni:INT?, i:STRING, n:STRING");
  EXPECT_EQ(SchemaOf("SELECT current_date() AS d, current_timestamp AS ts"),
            "d:DATE?, ts:TIMESTAMP?");
  Status st = BindError("SELECT uper(b) FROM t");
  EXPECT_EQ(st.code(), StatusCode::kInvalidSql);
  EXPECT_EQ(st.position().column, 8);
  EXPECT_EQ(st.hint(), "did you mean 'upper'?");
}

TEST(BinderExpr, BindExpression) {
  Schema schema({{"a", DataType::Int32()}, {"b", DataType::String()}});
  auto e = sql::ParseExpression("a + 1 > 2 AND b IS NOT NULL");
  ASSERT_TRUE(e.ok());
  auto bound = BindExpression(**e, schema);
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ((*bound)->ToString(), "(((a + 1) > 2) AND (b IS NOT NULL))");
  auto agg = sql::ParseExpression("sum(a)");
  ASSERT_TRUE(agg.ok());
  EXPECT_EQ(BindExpression(**agg, schema).status().code(), StatusCode::kInvalidSql);
  auto sub = sql::ParseExpression("a IN (SELECT 1)");
  ASSERT_TRUE(sub.ok());
  EXPECT_FALSE(BindExpression(**sub, schema).ok());
}

}  // namespace
}  // namespace weir::plan::testing

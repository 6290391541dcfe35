// The expression grammar of the parser: precedence as Spark 3.5's SqlBaseParser.g4
// orders it, literal typing, keyword forms and their desugaring, and ExprName.

#include "parser_test_util.h"

namespace weir::sql {
namespace {

using testing::E;
using testing::ExprErr;
using testing::N;

TEST(ParserExprTest, ArithmeticPrecedence) {
  EXPECT_EQ("(1:int + (2:int * 3:int))", E("1 + 2 * 3"));
  EXPECT_EQ("((1:int + 2:int) * 3:int)", E("(1 + 2) * 3"));
  EXPECT_EQ("((a - b) - c)", E("a - b - c"));
  EXPECT_EQ("(((a * b) / c) % d)", E("a * b / c % d"));
  EXPECT_EQ("((a div b) + c)", E("a DIV b + c"));
  EXPECT_EQ("((a + b) concat c)", E("a + b || c"));
  EXPECT_EQ("(a concat (b * c))", E("a || b * c"));
}

TEST(ParserExprTest, BitwiseAndShiftPrecedence) {
  // | < ^ < & < shift < + (SqlBaseParser valueExpression).
  EXPECT_EQ("(a | (b ^ (c & d)))", E("a | b ^ c & d"));
  EXPECT_EQ("((a & b) | c)", E("a & b | c"));
  EXPECT_EQ("(a shiftleft (b + 1:int))", E("a << b + 1"));
  EXPECT_EQ("((a shiftright 2:int) & 1:int)", E("a >> 2 & 1"));
  EXPECT_EQ("(a shiftrightunsigned 2:int)", E("a >>> 2"));
  EXPECT_FALSE(ParseExpression("a > > b").ok());
  EXPECT_EQ("((a | b) = c)", E("a | b = c"));
}

TEST(ParserExprTest, BooleanPrecedence) {
  EXPECT_EQ("(a OR (b AND c))", E("a OR b AND c"));
  EXPECT_EQ("((a AND b) OR c)", E("a AND b OR c"));
  EXPECT_EQ("(NOT (a = b))", E("NOT a = b"));
  EXPECT_EQ("((NOT a) AND b)", E("NOT a AND b"));
  EXPECT_EQ("(NOT (NOT a))", E("NOT NOT a"));
  EXPECT_EQ("(NOT a)", E("!a"));
  EXPECT_EQ("((a = b) IS NULL)", E("a = b IS NULL"));
  EXPECT_EQ("((a + 1:int) BETWEEN 2:int AND (3:int + 4:int))", E("a + 1 BETWEEN 2 AND 3 + 4"));
  EXPECT_EQ("((x BETWEEN 1:int AND 2:int) AND y)", E("x BETWEEN 1 AND 2 AND y"));
  EXPECT_EQ("((a < b) = c)", E("a < b = c"));
}

TEST(ParserExprTest, UnaryAndPostfix) {
  EXPECT_EQ("((- a) * b)", E("-a * b"));
  EXPECT_EQ("(- (- a))", E("- - a"));
  EXPECT_EQ("(~ a)", E("~a"));
  EXPECT_EQ("(+ a)", E("+a"));
  EXPECT_EQ("(- CAST(x AS INT))", E("-x::int"));
  EXPECT_EQ("a.b.c", E("a.b.c"));
  EXPECT_EQ("a[0:int]", E("a[0]"));
  EXPECT_EQ("(a[0:int]).f", E("a[0].f"));
  EXPECT_EQ("m['k'][1:int]", E("m['k'][1]"));
  EXPECT_EQ("(f(x)).g", E("f(x).g"));
  EXPECT_EQ("(s).f", E("(s).f"));
  EXPECT_EQ("CAST(CAST(x AS STRING) AS BIGINT)", E("x::string::bigint"));
  EXPECT_EQ("(CAST(x AS INT) < 5:int)", E("x::int < 5"));
}

TEST(ParserExprTest, Predicates) {
  EXPECT_EQ("(a IS NOT NULL)", E("a IS NOT NULL"));
  EXPECT_EQ("(a IS TRUE)", E("a IS TRUE"));
  EXPECT_EQ("(a IS NOT FALSE)", E("a IS NOT FALSE"));
  EXPECT_EQ("(a IS UNKNOWN)", E("a is unknown"));
  EXPECT_EQ("(a IS DISTINCT FROM (b + 1:int))", E("a IS DISTINCT FROM b + 1"));
  EXPECT_EQ("(a IS NOT DISTINCT FROM b)", E("a IS NOT DISTINCT FROM b"));
  EXPECT_EQ("(x NOT BETWEEN 1:int AND 2:int)", E("x NOT BETWEEN 1 AND 2"));
  EXPECT_EQ("(x IN (1:int, 2:int))", E("x IN (1, 2)"));
  EXPECT_EQ("(x NOT IN ('a'))", E("x NOT IN ('a')"));
  EXPECT_EQ("(x IN <subquery>)", E("x IN (SELECT a FROM t)"));
  EXPECT_EQ("(ROW(a, b) IN <subquery>)", E("(a, b) IN (SELECT x, y FROM t)"));
  EXPECT_EQ("(ROW(a, b) IN (ROW(1:int, 2:int), ROW(3:int, 4:int)))",
            E("(a, b) IN ((1, 2), (3, 4))"));
  EXPECT_EQ("(s LIKE 'a%')", E("s LIKE 'a%'"));
  EXPECT_EQ("(s NOT ILIKE 'a%')", E("s NOT ILIKE 'a%'"));
  EXPECT_EQ("(s RLIKE '^a')", E("s RLIKE '^a'"));
  EXPECT_EQ("(s RLIKE '^a')", E("s REGEXP '^a'"));
  EXPECT_EQ("(s LIKE 'a!%' ESCAPE '!')", E("s LIKE 'a!%' ESCAPE '!'"));
  EXPECT_EQ("EXISTS <subquery>", E("EXISTS (SELECT 1)"));
  EXPECT_EQ("NOT EXISTS <subquery>", E("NOT EXISTS (SELECT 1)"));
  EXPECT_EQ("exists(a, (x) -> (x > 1:int))", E("exists(a, x -> x > 1)"));
  EXPECT_FALSE(ParseExpression("a IS NULL IS NULL").ok());
}

TEST(ParserExprTest, IntegerLiteralTyping) {
  EXPECT_EQ("1:int", E("1"));
  EXPECT_EQ("2147483647:int", E("2147483647"));
  EXPECT_EQ("2147483648:bigint", E("2147483648"));
  EXPECT_EQ("-2147483648:int", E("-2147483648"));
  EXPECT_EQ("-2147483649:bigint", E("-2147483649"));
  EXPECT_EQ("9223372036854775807:bigint", E("9223372036854775807"));
  EXPECT_EQ("-9223372036854775808:bigint", E("-9223372036854775808"));
  EXPECT_EQ("9223372036854775808:decimal(19,0)", E("9223372036854775808"));
  EXPECT_EQ("1:bigint", E("1L"));
  EXPECT_EQ("1:int", E("1S"));
  EXPECT_EQ("1:int", E("1Y"));
  EXPECT_EQ("-5:int", E("-5"));
  EXPECT_EQ("(- -5:int)", E("- -5"));
  auto big = ExprErr("123456789012345678901234567890123456789");
  EXPECT_NE(big.message().find("DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION"), std::string::npos);
  auto tiny = ExprErr("128Y");
  EXPECT_EQ(
      "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 128 is outside the valid range for tinyint "
      "with minimum value of -128 and maximum value of 127. Please adjust the value accordingly.",
      tiny.message());
  EXPECT_FALSE(ParseExpression("9223372036854775808L").ok());
  EXPECT_EQ("-9223372036854775808:bigint", E("-9223372036854775808L"));
}

TEST(ParserExprTest, DecimalAndDoubleLiterals) {
  EXPECT_EQ("1.50:decimal(3,2)", E("1.50"));
  EXPECT_EQ("1.5:decimal(2,1)", E("1.5"));
  EXPECT_EQ("1:decimal(1,0)", E("1."));
  EXPECT_EQ("0.5:decimal(1,1)", E(".5"));
  EXPECT_EQ("0.001:decimal(3,3)", E("0.001"));
  EXPECT_EQ("-1.5:decimal(2,1)", E("-1.5"));
  EXPECT_EQ("1.5:decimal(2,1)", E("1.5BD"));
  EXPECT_EQ("1000.0:double", E("1e3"));
  EXPECT_EQ("1.5:double", E("1.5D"));
  EXPECT_EQ("1.5:double", E("1.5F"));
  EXPECT_FALSE(ParseExpression("1e999").ok());
}

TEST(ParserExprTest, OtherLiterals) {
  EXPECT_EQ("'abc'", E("'abc'"));
  EXPECT_EQ("'ab'", E("'a' 'b'"));
  EXPECT_EQ("NULL", E("NULL"));
  EXPECT_EQ("true:boolean", E("TRUE"));
  EXPECT_EQ("false:boolean", E("false"));
  EXPECT_EQ("2024-01-02:date", E("DATE '2024-01-02'"));
  EXPECT_EQ("2024-01-02 03:04:05:timestamp", E("TIMESTAMP '2024-01-02 03:04:05'"));
  EXPECT_EQ("current_date()", E("DATE 'today'"));
  EXPECT_EQ("current_timestamp()", E("TIMESTAMP 'now'"));
  EXPECT_EQ("CAST(date_add(current_date(), 1:int) AS TIMESTAMP)", E("TIMESTAMP 'tomorrow'"));
  EXPECT_EQ("1970-01-01:date", E("DATE 'epoch'"));
  auto bad = ExprErr("DATE '2024-13-01'");
  EXPECT_NE(bad.message().find("INVALID_TYPED_LITERAL"), std::string::npos);
  auto unsupported = ExprErr("FOO 'x'");
  EXPECT_NE(unsupported.message().find("UNSUPPORTED_TYPED_LITERAL"), std::string::npos);
  auto r = ParseExpression("X'0A1F'");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::string("\x0a\x1f", 2), (*r)->value.str());
  EXPECT_EQ("X'0A1F'", ExprName(**r));
  EXPECT_EQ("X'0123'", N("X '123'"));  // Spark's typeConstructor for X
  EXPECT_FALSE(ParseExpression("X 'zz'").ok());
}

TEST(ParserExprTest, IntervalLiterals) {
  EXPECT_EQ("INTERVAL '1 days'", N("INTERVAL '1' DAY"));
  EXPECT_EQ("INTERVAL '1 days 2 hours'", N("INTERVAL 1 DAY 2 HOURS"));
  EXPECT_EQ("INTERVAL '1 days 2 hours'", N("INTERVAL '1 day 2 hours'"));
  EXPECT_EQ("INTERVAL '1 years 2 months'", N("INTERVAL '1-2' YEAR TO MONTH"));
  EXPECT_EQ("INTERVAL '-1 years -2 months'", N("INTERVAL -'1-2' YEAR TO MONTH"));
  EXPECT_EQ("INTERVAL '1 days 10 hours 30 minutes'", N("INTERVAL '1 10:30:00' DAY TO SECOND"));
  EXPECT_EQ("INTERVAL '1.5 seconds'", N("INTERVAL '1.5' SECOND"));
  EXPECT_EQ("INTERVAL '-10 seconds'", N("INTERVAL -10 SECONDS"));
  EXPECT_EQ("INTERVAL '10 hours 30 minutes'", N("INTERVAL '10:30' HOUR TO MINUTE"));
  EXPECT_EQ("(ts - INTERVAL '1 minutes')", N("ts - INTERVAL 1 MINUTE"));
  EXPECT_EQ("(INTERVAL '1 days' + x)", N("INTERVAL 1 DAY + x"));
  EXPECT_FALSE(ParseExpression("INTERVAL '1 day 2' HOUR").ok());
  EXPECT_FALSE(ParseExpression("INTERVAL '1-13' YEAR TO MONTH").ok());
  EXPECT_FALSE(ParseExpression("INTERVAL 'abc'").ok());
  EXPECT_FALSE(ParseExpression("INTERVAL 1").ok());
  EXPECT_EQ("interval", E("interval"));  // a column of that name
}

TEST(ParserExprTest, CaseAndCast) {
  EXPECT_EQ("CASE WHEN a THEN 1:int ELSE 2:int END", E("CASE WHEN a THEN 1 ELSE 2 END"));
  EXPECT_EQ("CASE x WHEN 1:int THEN 'a' WHEN 2:int THEN 'b' END",
            E("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END"));
  EXPECT_EQ("CAST(x AS DECIMAL(10,2))", E("CAST(x AS DECIMAL(10, 2))"));
  EXPECT_EQ("TRY_CAST(x AS ARRAY<MAP<STRING, INT>>)", E("TRY_CAST(x AS array<map<string,int>>)"));
  EXPECT_EQ("CAST(x AS STRUCT<a: INT, b: STRING>)", E("CAST(x AS STRUCT<a: INT, b STRING>)"));
  EXPECT_EQ("CAST(x AS INTERVAL)", E("CAST(x AS INTERVAL DAY TO SECOND)"));
  auto bad = ExprErr("CAST(x AS FOO)");
  EXPECT_NE(bad.message().find("UNSUPPORTED_DATATYPE"), std::string::npos) << bad.ToString();
  EXPECT_EQ(11, bad.position().column);
  EXPECT_FALSE(ParseExpression("CASE WHEN a THEN 1").ok());
}

TEST(ParserExprTest, FunctionCalls) {
  EXPECT_EQ("count(*)", E("count(*)"));
  EXPECT_EQ("count(DISTINCT a, b)", E("count(DISTINCT a, b)"));
  EXPECT_EQ("sum(x)", E("sum(ALL x)"));
  EXPECT_EQ("f()", E("f()"));
  EXPECT_EQ("db.f(1:int)", E("db.f(1)"));
  EXPECT_EQ("sum(x) FILTER (x > 0:int)", E("sum(x) FILTER (WHERE x > 0)"));
  EXPECT_EQ("first(x) IGNORE NULLS", E("first(x IGNORE NULLS)"));
  EXPECT_EQ("last(x) IGNORE NULLS", E("last(x) IGNORE NULLS"));
  EXPECT_EQ("lag(x) RESPECT NULLS", E("lag(x) RESPECT NULLS"));
  EXPECT_EQ("transform(a, (x) -> (x + 1:int))", E("transform(a, x -> x + 1)"));
  EXPECT_EQ("aggregate(a, 0:int, (acc, x) -> (acc + x))",
            E("aggregate(a, 0, (acc, x) -> acc + x)"));
  EXPECT_EQ("current_date()", E("CURRENT_DATE"));
  EXPECT_EQ("current_timestamp()", E("current_timestamp"));
  EXPECT_EQ("current_timestamp()", E("current_timestamp()"));
  EXPECT_EQ("current_user()", E("CURRENT_USER"));
  EXPECT_EQ("<subquery>", E("(SELECT max(a) FROM t)"));
  EXPECT_EQ("timestampadd('DAY', 1:int, ts)", E("timestampadd(DAY, 1, ts)"));
  EXPECT_EQ("named_struct('x', a, 'b', b, 'col3', 1:int)", E("struct(a AS x, b, 1)"));
  EXPECT_EQ("struct(a, b)", E("struct(a, b)"));
  EXPECT_FALSE(ParseExpression("f(a => 1)").ok());
}

TEST(ParserExprTest, WindowFunctions) {
  EXPECT_EQ("rank() OVER [part=a ord=b desc]", E("rank() OVER (PARTITION BY a ORDER BY b DESC)"));
  EXPECT_EQ("sum(x) OVER [base=w]", E("sum(x) OVER w"));
  EXPECT_EQ("sum(x) OVER [base=w]", E("sum(x) OVER (w)"));
  EXPECT_EQ("sum(x) OVER [base=w ord=b]", E("sum(x) OVER (w ORDER BY b)"));
  EXPECT_EQ("sum(x) OVER [part=a ord=b nl rows UP..CR]",
            E("sum(x) OVER (DISTRIBUTE BY a SORT BY b NULLS LAST "
              "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"));
  EXPECT_EQ("sum(x) OVER [ord=t range 1:intP..2:intF]",
            E("sum(x) OVER (ORDER BY t RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING)"));
  EXPECT_EQ("sum(x) OVER [ord=t rows 3:intP..CR]", E("sum(x) OVER (ORDER BY t ROWS 3 PRECEDING)"));
  EXPECT_EQ("count(*) FILTER (x > 1:int) OVER []", E("count(*) FILTER (WHERE x > 1) OVER ()"));
}

TEST(ParserExprTest, KeywordForms) {
  EXPECT_EQ("date_part('YEAR', ts)", E("EXTRACT(YEAR FROM ts)"));
  EXPECT_EQ("locate('a', s)", E("POSITION('a' IN s)"));
  EXPECT_EQ("position('a', s)", E("position('a', s)"));
  EXPECT_EQ("substring(s, 2:int, 3:int)", E("SUBSTRING(s FROM 2 FOR 3)"));
  EXPECT_EQ("substring(s, 2:int)", E("substring(s FROM 2)"));
  EXPECT_EQ("substr(s, 2:int, 3:int)", E("substr(s, 2, 3)"));
  EXPECT_EQ("TRIM(s)", E("TRIM(s)"));
  EXPECT_EQ("trim(s)", E("TRIM(BOTH FROM s)"));
  EXPECT_EQ("ltrim('x', s)", E("TRIM(LEADING 'x' FROM s)"));
  EXPECT_EQ("rtrim('x', s)", E("TRIM(TRAILING 'x' FROM s)"));
  EXPECT_EQ("trim('x', s)", E("TRIM('x' FROM s)"));
  EXPECT_EQ("overlay(s, 'ab', 2:int, 1:int)", E("OVERLAY(s PLACING 'ab' FROM 2 FOR 1)"));
  EXPECT_EQ("(substring(s, (1:int + 1:int)) = 'x')", E("substring(s, 1 + 1) = 'x'"));
  EXPECT_EQ("substring((a = b), 1:int)", E("substring(a = b, 1)"));
}

// Spark's names for unaliased expressions (Analyzer.ResolveAliases -> toPrettySQL).
TEST(ParserExprTest, ExprNameFollowsSpark) {
  EXPECT_EQ("(a + 1)", N("a + 1"));
  EXPECT_EQ("count(1)", N("count(*)"));
  EXPECT_EQ("sum(DISTINCT x)", N("sum(DISTINCT x)"));
  EXPECT_EQ("CAST(x AS INT)", N("CAST(x AS INT)"));
  EXPECT_EQ("a", N("t.a"));
  EXPECT_EQ("x", N("'x'"));
  EXPECT_EQ("1", N("1L"));
  EXPECT_EQ("1.50", N("1.50"));
  EXPECT_EQ("(a = b)", N("a = b"));
  EXPECT_EQ("(NOT a)", N("NOT a"));
  EXPECT_EQ("(- a)", N("-a"));
  EXPECT_EQ("-1", N("-1"));
  EXPECT_EQ("(a IS NULL)", N("a IS NULL"));
  EXPECT_EQ("(x IN (1, 2))", N("x IN (1, 2)"));
  EXPECT_EQ("CASE WHEN a THEN 1 ELSE 2 END", N("CASE WHEN a THEN 1 ELSE 2 END"));
  EXPECT_EQ("CASE WHEN (x = 1) THEN a END", N("CASE x WHEN 1 THEN a END"));
  EXPECT_EQ("upper(name)", N("UPPER(name)"));
  // A struct field read through a column name is named by the field: Spark resolves
  // `s.f` to Alias(GetStructField(s, f), "f") (LogicalPlan.resolve names the nested
  // field by its last name part).
  EXPECT_EQ("f", N("s.f"));
  // On anything else it is GetStructField, which usePrettyExpression prints child.f.
  EXPECT_EQ("named_struct(a, 1).a", N("named_struct('a', 1).a"));
  EXPECT_EQ("(NOT (a = b))", N("a <> b"));
  EXPECT_EQ("(NOT (a = b))", N("a != b"));
  EXPECT_EQ("concat(a, b)", N("a || b"));
  EXPECT_EQ("((x >= 1) AND (x <= 2))", N("x BETWEEN 1 AND 2"));
  EXPECT_EQ("(a <=> true)", N("a IS TRUE"));
  EXPECT_EQ("(NOT (a <=> b))", N("a IS DISTINCT FROM b"));
  EXPECT_EQ("(a AND (b OR c))", N("a AND (b OR c)"));
  EXPECT_EQ("NULL", N("NULL"));
  EXPECT_EQ("true", N("true"));
  EXPECT_EQ("DATE '2024-01-02'", N("DATE '2024-01-02'"));
  EXPECT_EQ("TIMESTAMP '2024-01-02 03:04:05'", N("TIMESTAMP '2024-01-02 03:04:05'"));
  EXPECT_EQ("1000.0", N("1e3"));
  EXPECT_EQ("*", N("*"));
  EXPECT_EQ("t.*", N("t.*"));
  EXPECT_EQ("a[0]", N("a[0]"));
  EXPECT_EQ("m[k]", N("m['k']"));
  EXPECT_EQ(
      "sum(x) OVER (PARTITION BY a ORDER BY b ASC NULLS FIRST RANGE BETWEEN UNBOUNDED "
      "PRECEDING AND CURRENT ROW)",
      N("sum(x) OVER (PARTITION BY a ORDER BY b)"));
  EXPECT_EQ("(a div b)", N("a div b"));
  EXPECT_EQ("(a % b)", N("a % b"));
  EXPECT_EQ("scalarsubquery()", N("(SELECT 1)"));
}

TEST(ParserExprTest, Positions) {
  auto r = ParseExpression("a +\n  foo(b)");
  ASSERT_TRUE(r.ok());
  const SqlExpr& call = *(*r)->children[1];
  EXPECT_EQ(2, call.position.line);
  EXPECT_EQ(3, call.position.column);
  EXPECT_EQ("foo(b)", std::string_view("a +\n  foo(b)").substr(call.begin, call.end - call.begin));
  EXPECT_EQ(0u, (*r)->begin);
  EXPECT_EQ(12u, (*r)->end);
  std::string_view text = "(a + b) * c";
  auto p = ParseExpression(text);
  ASSERT_TRUE(p.ok());
  const SqlExpr& left = *(*p)->children[0];
  EXPECT_EQ("(a + b)", text.substr(left.begin, left.end - left.begin));
  EXPECT_EQ(text, text.substr((*p)->begin, (*p)->end - (*p)->begin));
}

TEST(ParserExprTest, Errors) {
  Status st = ExprErr("(a + b");
  EXPECT_EQ("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: missing ')'.",
            st.message());
  EXPECT_EQ("the '(' at line 1, column 1 is not closed", st.hint());
  st = ExprErr("f(a b)");
  EXPECT_EQ(5, st.position().column);
  EXPECT_NE(st.hint().find("comma"), std::string::npos);
  st = ExprErr("a +");
  EXPECT_EQ("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.", st.message());
  st = ExprErr("a ? b");
  EXPECT_FALSE(st.ok());
  st = ExprErr("a = = b");
  EXPECT_EQ(5, st.position().column);
}

}  // namespace
}  // namespace weir::sql

// The query and statement grammar of the parser, its errors and SplitStatements.

#include "weir/sql/parser.h"

#include "weir/sql/lexer.h"

#include "parser_test_util.h"

namespace weir::sql {
namespace {

using testing::Dump;
using testing::Err;
using testing::S;

// The body of a SELECT statement.
const QueryNode& Body(const StatementPtr& st) { return *st->query->body; }

TEST(ParserQueryTest, SelectItemsAndAliases) {
  auto st = S("SELECT a, b AS x, c y, t.*, *, explode(m) AS (k, v), 1 + 2 FROM t");
  ASSERT_TRUE(st);
  EXPECT_EQ(StatementKind::kQuery, st->kind);
  const QueryNode& q = Body(st);
  ASSERT_EQ(7u, q.select_list.size());
  EXPECT_EQ("a", Dump(*q.select_list[0].expr));
  EXPECT_EQ("", q.select_list[0].alias);
  EXPECT_EQ("x", q.select_list[1].alias);
  EXPECT_EQ("y", q.select_list[2].alias);
  EXPECT_EQ("t.*", Dump(*q.select_list[3].expr));
  EXPECT_EQ("*", Dump(*q.select_list[4].expr));
  EXPECT_EQ((std::vector<std::string>{"k", "v"}), q.select_list[5].aliases);
  EXPECT_EQ("(1:int + 2:int)", Dump(*q.select_list[6].expr));
  ASSERT_EQ(1u, q.from.size());
  EXPECT_EQ(std::vector<std::string>{"t"}, q.from[0]->names);
  EXPECT_FALSE(q.distinct);
  EXPECT_TRUE(Body(S("SELECT DISTINCT a FROM t")).distinct);
  EXPECT_FALSE(Body(S("SELECT ALL a FROM t")).distinct);
  EXPECT_EQ("from", Body(S("SELECT 1 AS `from`")).select_list[0].alias);
}

TEST(ParserQueryTest, ClausesAreNotAliases) {
  auto st0 =
      S("SELECT a FROM t WHERE a > 1 GROUP BY a HAVING count(*) > 1 "
        "ORDER BY a LIMIT 10");
  const QueryNode& q = Body(st0);
  EXPECT_EQ("", q.select_list[0].alias);
  EXPECT_EQ("", q.from[0]->alias);
  EXPECT_EQ("(a > 1:int)", Dump(*q.where));
  ASSERT_TRUE(q.group_by);
  EXPECT_EQ("(count(*) > 1:int)", Dump(*q.having));
  for (const char* sql : {"SELECT a FROM t JOIN u ON t.x = u.x", "SELECT a FROM t LEFT JOIN u",
                          "SELECT a FROM t UNION SELECT b FROM u", "SELECT a FROM t LIMIT 1",
                          "SELECT a FROM t CROSS JOIN u", "SELECT a FROM t NATURAL JOIN u",
                          "SELECT a FROM t MINUS SELECT b FROM u"}) {
    auto st = S(sql);
    ASSERT_TRUE(st) << sql;
    const QueryNode& body = *st->query->body;
    const QueryNode& left = body.kind == QueryNodeKind::kSetOp ? *body.left : body;
    EXPECT_EQ("", left.from[0]->alias) << sql;
  }
}

TEST(ParserQueryTest, Joins) {
  auto st =
      S("SELECT * FROM a JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (x, y) "
        "FULL JOIN d ON true CROSS JOIN e LEFT SEMI JOIN f ON 1 = 1 ANTI JOIN g ON a.k = g.k "
        "NATURAL RIGHT JOIN h");
  ASSERT_TRUE(st);
  const TableRef* r = Body(st).from[0].get();
  std::vector<std::string> types;
  while (r->kind == TableRefKind::kJoin) {
    types.push_back(std::string(JoinTypeName(r->join_type)) + (r->natural ? " NATURAL" : "") + ":" +
                    r->right->names[0]);
    r = r->left.get();
  }
  EXPECT_EQ((std::vector<std::string>{"RIGHT OUTER NATURAL:h", "LEFT ANTI:g", "LEFT SEMI:f",
                                      "CROSS:e", "FULL OUTER:d", "LEFT OUTER:c", "INNER:b"}),
            types);
  EXPECT_EQ("a", r->names[0]);
  const TableRef* join_c = Body(st).from[0]->left->left->left->left->left.get();
  EXPECT_EQ((std::vector<std::string>{"x", "y"}), join_c->using_columns);
  EXPECT_EQ("(a.x = b.x)", Dump(*join_c->left->on));
}

TEST(ParserQueryTest, FromForms) {
  auto st =
      S("SELECT * FROM (SELECT 1 AS a) AS s(x), VALUES (1, 2), (3, 4) AS v(a, b), "
        "(VALUES 1, 2) w, range(10) r, json.`/data/x.json`, (a JOIN b ON a.k = b.k) ab, "
        "db.t AS tt");
  ASSERT_TRUE(st);
  const auto& from = Body(st).from;
  ASSERT_EQ(7u, from.size());
  EXPECT_EQ(TableRefKind::kSubquery, from[0]->kind);
  EXPECT_EQ("s", from[0]->alias);
  EXPECT_EQ(std::vector<std::string>{"x"}, from[0]->column_aliases);
  EXPECT_EQ(TableRefKind::kSubquery, from[1]->kind);
  EXPECT_EQ(QueryNodeKind::kValues, from[1]->subquery->body->kind);
  EXPECT_EQ(2u, from[1]->subquery->body->rows.size());
  EXPECT_EQ(2u, from[1]->subquery->body->rows[0].size());
  EXPECT_EQ((std::vector<std::string>{"a", "b"}), from[1]->column_aliases);
  EXPECT_EQ(1u, from[2]->subquery->body->rows[1].size());
  EXPECT_EQ("w", from[2]->alias);
  EXPECT_EQ(TableRefKind::kTableFunction, from[3]->kind);
  EXPECT_EQ("10:int", Dump(*from[3]->function_args[0].expr));
  EXPECT_EQ((std::vector<std::string>{"json", "/data/x.json"}), from[4]->names);
  EXPECT_EQ(TableRefKind::kJoin, from[5]->kind);
  EXPECT_EQ("ab", from[5]->alias);
  EXPECT_EQ((std::vector<std::string>{"db", "t"}), from[6]->names);
}

TEST(ParserQueryTest, TableFunctionArguments) {
  auto st =
      S("SELECT * FROM TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND) "
        "CROSS JOIN f(TABLE(SELECT 1), size => 3, input => TABLE t)");
  ASSERT_TRUE(st);
  const TableRef& join = *Body(st).from[0];
  const TableRef& tumble = *join.left;
  ASSERT_EQ(3u, tumble.function_args.size());
  EXPECT_EQ(TableFunctionArg::Kind::kTable, tumble.function_args[0].kind);
  EXPECT_EQ(std::vector<std::string>{"bid"}, tumble.function_args[0].table->names);
  EXPECT_EQ(TableFunctionArg::Kind::kDescriptor, tumble.function_args[1].kind);
  EXPECT_EQ(std::vector<std::string>{"dateTime"}, tumble.function_args[1].descriptor);
  EXPECT_EQ(TableFunctionArg::Kind::kExpr, tumble.function_args[2].kind);
  const TableRef& f = *join.right;
  EXPECT_EQ(TableRefKind::kSubquery, f.function_args[0].table->kind);
  EXPECT_EQ("size", f.function_args[1].name);
  EXPECT_EQ("input", f.function_args[2].name);
  EXPECT_EQ(TableFunctionArg::Kind::kTable, f.function_args[2].kind);
}

TEST(ParserQueryTest, GroupBy) {
  auto plain = S("SELECT a, count(*) FROM t GROUP BY a, 2");
  EXPECT_EQ(GroupingKind::kPlain, Body(plain).group_by->kind);
  EXPECT_EQ(2u, Body(plain).group_by->exprs.size());
  EXPECT_TRUE(Body(S("SELECT a FROM t GROUP BY ALL")).group_by->all);
  EXPECT_EQ(GroupingKind::kRollup, Body(S("SELECT 1 FROM t GROUP BY ROLLUP(a, b)")).group_by->kind);
  EXPECT_EQ(GroupingKind::kCube, Body(S("SELECT 1 FROM t GROUP BY CUBE(a, b)")).group_by->kind);
  EXPECT_EQ(GroupingKind::kRollup,
            Body(S("SELECT 1 FROM t GROUP BY a, b WITH ROLLUP")).group_by->kind);
  EXPECT_EQ(GroupingKind::kCube, Body(S("SELECT 1 FROM t GROUP BY a WITH CUBE")).group_by->kind);
  auto sets = S("SELECT 1 FROM t GROUP BY GROUPING SETS ((a, b), (a), b, ())");
  const GroupBy& g = *Body(sets).group_by;
  EXPECT_EQ(GroupingKind::kGroupingSets, g.kind);
  EXPECT_EQ(2u, g.exprs.size());
  EXPECT_EQ((std::vector<std::vector<int>>{{0, 1}, {0}, {1}, {}}), g.sets);
  auto hive = S("SELECT 1 FROM t GROUP BY a, b GROUPING SETS ((a), (b))");
  EXPECT_EQ((std::vector<std::vector<int>>{{0}, {1}}), Body(hive).group_by->sets);
  Status mixed = Err("SELECT 1 FROM t GROUP BY a, ROLLUP(b)");
  EXPECT_NE(mixed.message().find("not supported"), std::string::npos);
}

TEST(ParserQueryTest, WindowQualifyLateralView) {
  auto st =
      S("SELECT a, sum(x) OVER w FROM t LATERAL VIEW OUTER explode(arr) e AS v "
        "LATERAL VIEW posexplode(m) p pos, val WHERE a > 0 "
        "WINDOW w AS (PARTITION BY a), w2 AS w QUALIFY rank() OVER w = 1");
  ASSERT_TRUE(st);
  const QueryNode& q = Body(st);
  ASSERT_EQ(2u, q.lateral_views.size());
  EXPECT_TRUE(q.lateral_views[0].outer);
  EXPECT_EQ("explode(arr)", Dump(*q.lateral_views[0].generator));
  EXPECT_EQ("e", q.lateral_views[0].table_alias);
  EXPECT_EQ(std::vector<std::string>{"v"}, q.lateral_views[0].column_aliases);
  EXPECT_EQ((std::vector<std::string>{"pos", "val"}), q.lateral_views[1].column_aliases);
  ASSERT_EQ(2u, q.windows.size());
  EXPECT_EQ("w", q.windows[0].name);
  EXPECT_EQ("[part=a]", testing::DumpWindow(*q.windows[0].spec));
  EXPECT_EQ("w", q.windows[1].spec->base_name);
  EXPECT_EQ("(rank() OVER [base=w] = 1:int)", Dump(*q.qualify));
}

TEST(ParserQueryTest, OrderLimitOffset) {
  auto st = S("SELECT a FROM t ORDER BY a DESC NULLS FIRST, b ASC, c NULLS LAST LIMIT 10 OFFSET 5");
  ASSERT_TRUE(st);
  const Query& q = *st->query;
  ASSERT_EQ(3u, q.order_by.size());
  EXPECT_FALSE(q.order_by[0].ascending);
  EXPECT_EQ(std::optional<bool>(true), q.order_by[0].nulls_first);
  EXPECT_TRUE(q.order_by[1].ascending);
  EXPECT_FALSE(q.order_by[1].nulls_first.has_value());
  EXPECT_EQ(std::optional<bool>(false), q.order_by[2].nulls_first);
  EXPECT_EQ("10:int", Dump(*q.limit));
  EXPECT_EQ("5:int", Dump(*q.offset));
  EXPECT_FALSE(S("SELECT a FROM t LIMIT ALL")->query->limit);
  EXPECT_EQ(1u, S("SELECT a FROM t SORT BY a")->query->order_by.size());
  EXPECT_EQ(2u, S("SELECT a FROM t CLUSTER BY a, b")->query->order_by.size());
  EXPECT_EQ(1u, S("SELECT a FROM t DISTRIBUTE BY a SORT BY b")->query->order_by.size());
}

TEST(ParserQueryTest, SetOperationPrecedence) {
  // INTERSECT binds tighter: a UNION (b INTERSECT c) EXCEPT d = (a UNION (b ∩ c)) EXCEPT d.
  auto st = S("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT ALL SELECT 4");
  ASSERT_TRUE(st);
  const QueryNode& top = Body(st);
  ASSERT_EQ(QueryNodeKind::kSetOp, top.kind);
  EXPECT_EQ(SetOpKind::kExcept, top.set_op);
  EXPECT_TRUE(top.all);
  const QueryNode& u = *top.left;
  EXPECT_EQ(SetOpKind::kUnion, u.set_op);
  EXPECT_FALSE(u.all);
  EXPECT_EQ(SetOpKind::kIntersect, u.right->set_op);
  EXPECT_EQ(QueryNodeKind::kSelect, u.left->kind);
  EXPECT_EQ(SetOpKind::kExcept, Body(S("SELECT 1 MINUS SELECT 2")).set_op);
  Status by_name = Err("SELECT 1 UNION BY NAME SELECT 2");
  EXPECT_EQ("UNION BY NAME is not supported", by_name.message());
  EXPECT_EQ(16, by_name.position().column);
}

TEST(ParserQueryTest, ParenthesizedQueriesCtesValues) {
  auto st = S("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u) ORDER BY 1");
  ASSERT_TRUE(st);
  const QueryNode& top = Body(st);
  EXPECT_EQ(QueryNodeKind::kQuery, top.left->kind);
  EXPECT_EQ(1u, top.left->query->order_by.size());
  EXPECT_EQ(QueryNodeKind::kSelect, top.right->kind);  // a trivial parenthesis is unwrapped
  EXPECT_EQ(1u, st->query->order_by.size());
  auto cte = S("WITH a (x, y) AS (SELECT 1, 2), b AS (SELECT * FROM a) SELECT * FROM b");
  ASSERT_TRUE(cte);
  ASSERT_EQ(2u, cte->query->ctes.size());
  EXPECT_EQ((std::vector<std::string>{"x", "y"}), cte->query->ctes[0].column_aliases);
  EXPECT_EQ("b", cte->query->ctes[1].name);
  auto values = S("VALUES (1, 'a'), (2, 'b')");
  ASSERT_TRUE(values);
  EXPECT_EQ(QueryNodeKind::kValues, Body(values).kind);
  EXPECT_EQ("'b'", Dump(*Body(values).rows[1][1]));
  auto table = S("TABLE t");
  EXPECT_EQ("t", Body(table).from[0]->names[0]);
  EXPECT_TRUE(S("SELECT /*+ BROADCAST(t), MERGE(u) */ a FROM t"));
  EXPECT_TRUE(S("SELECT 1"));
  EXPECT_TRUE(S("SELECT 1;;"));
}

TEST(ParserStatementTest, CreateSource) {
  auto st =
      S("CREATE OR REPLACE SOURCE IF NOT EXISTS weblogs (\n"
        "  host STRING NOT NULL COMMENT 'the host', ts TIMESTAMP, tags ARRAY<MAP<STRING,INT>>,\n"
        "  WATERMARK FOR ts AS ts - INTERVAL 1 MINUTE\n"
        ") WITH (connector = 'log', 'kafka.bootstrap.servers' = 'h:9092', a.b.c = 10,\n"
        "        flag = true, neg = -1.5)");
  ASSERT_TRUE(st);
  EXPECT_EQ(StatementKind::kCreateSource, st->kind);
  EXPECT_TRUE(st->or_replace);
  EXPECT_TRUE(st->if_not_exists);
  EXPECT_EQ(std::vector<std::string>{"weblogs"}, st->name);
  ASSERT_EQ(3u, st->columns.size());
  EXPECT_TRUE(st->columns[0].not_null);
  EXPECT_EQ("the host", st->columns[0].comment);
  EXPECT_EQ(DataType::String(), st->columns[0].type);
  EXPECT_EQ(DataType::Timestamp(), st->columns[1].type);
  EXPECT_EQ("ARRAY<MAP<STRING, INT>>", SqlTypeString(st->columns[2].type));
  ASSERT_TRUE(st->watermark);
  EXPECT_EQ("ts", st->watermark->column);
  EXPECT_EQ("(ts - INTERVAL '1 minutes')", ExprName(*st->watermark->expr));
  ASSERT_EQ(5u, st->options.size());
  EXPECT_EQ("connector", st->options[0].key);
  EXPECT_EQ("log", st->options[0].value);
  EXPECT_EQ("kafka.bootstrap.servers", st->options[1].key);
  EXPECT_EQ("a.b.c", st->options[2].key);
  EXPECT_EQ("10", st->options[2].value);
  EXPECT_EQ("true", st->options[3].value);
  EXPECT_EQ("-1.5", st->options[4].value);
  auto raw = S("CREATE SOURCE k WITH (connector = 'kafka')");
  ASSERT_TRUE(raw);
  EXPECT_TRUE(raw->columns.empty());
  Status dup = Err("CREATE SOURCE k WITH (a = '1', A = '2')");
  EXPECT_EQ("[DUPLICATE_KEY] Found duplicate keys 'A'.", dup.message());
  Status bare = Err("CREATE SOURCE k WITH (format = json)");
  EXPECT_NE(bare.hint().find("'json'"), std::string::npos);
  Status no_with = Err("CREATE SOURCE k (a INT)");
  EXPECT_NE(no_with.hint().find("WITH"), std::string::npos);
}

TEST(ParserStatementTest, CreateSinkAndViews) {
  auto sink =
      S("CREATE SINK out (a, b BIGINT) WITH (connector = 'console', output_mode = 'update')");
  ASSERT_TRUE(sink);
  EXPECT_EQ(StatementKind::kCreateSink, sink->kind);
  ASSERT_EQ(2u, sink->columns.size());
  EXPECT_TRUE(sink->columns[0].type.is_null());
  EXPECT_EQ(DataType::Int64(), sink->columns[1].type);
  auto view = S("CREATE OR REPLACE TEMP VIEW IF NOT EXISTS v (x, y COMMENT 'c') AS SELECT 1, 2");
  ASSERT_TRUE(view);
  EXPECT_EQ(StatementKind::kCreateView, view->kind);
  EXPECT_TRUE(view->temporary);
  EXPECT_TRUE(view->or_replace);
  EXPECT_EQ((std::vector<std::string>{"x", "y"}), view->column_names);
  ASSERT_TRUE(view->query);
  EXPECT_FALSE(S("CREATE VIEW v AS SELECT 1")->temporary);
  EXPECT_TRUE(S("CREATE GLOBAL TEMPORARY VIEW v AS SELECT 1")->temporary);
  auto using_view =
      S("CREATE TEMPORARY VIEW people (name STRING, age INT) USING csv "
        "OPTIONS (path '/data/people.csv', header 'true', sep = ';')");
  ASSERT_TRUE(using_view);
  EXPECT_EQ("csv", using_view->using_format);
  EXPECT_EQ(2u, using_view->columns.size());
  EXPECT_EQ(DataType::Int32(), using_view->columns[1].type);
  ASSERT_EQ(3u, using_view->options.size());
  EXPECT_EQ("path", using_view->options[0].key);
  EXPECT_EQ("/data/people.csv", using_view->options[0].value);
  EXPECT_EQ(";", using_view->options[2].value);
  EXPECT_TRUE(S("CREATE TEMPORARY VIEW j USING json OPTIONS (path '/x')"));
  EXPECT_FALSE(ParseStatement("CREATE VIEW j USING json").ok());
  Status table = Err("CREATE TABLE t (a INT)");
  EXPECT_EQ("CREATE TABLE is not supported", table.message());
}

TEST(ParserStatementTest, Insert) {
  auto st = S("INSERT INTO TABLE db.out (a, b) SELECT x, y FROM t");
  ASSERT_TRUE(st);
  EXPECT_EQ(StatementKind::kInsert, st->kind);
  EXPECT_EQ((std::vector<std::string>{"db", "out"}), st->name);
  EXPECT_EQ((std::vector<std::string>{"a", "b"}), st->column_names);
  auto paren = S("INSERT INTO out (SELECT 1)");
  ASSERT_TRUE(paren);
  EXPECT_TRUE(paren->column_names.empty());
  EXPECT_TRUE(S("INSERT INTO out VALUES (1, 2)"));
  EXPECT_EQ("INSERT OVERWRITE is not supported", Err("INSERT OVERWRITE t SELECT 1").message());
}

TEST(ParserStatementTest, SetReset) {
  auto st = S("SET spark.sql.shuffle.partitions = 10");
  EXPECT_EQ(StatementKind::kSet, st->kind);
  EXPECT_EQ("spark.sql.shuffle.partitions", st->key);
  EXPECT_EQ("10", st->value);
  EXPECT_TRUE(st->has_value);
  st = S("SET a.b  some value here ");
  EXPECT_EQ("a.b", st->key);
  EXPECT_EQ("some value here", st->value);
  st = S("SET a.b");
  EXPECT_EQ("a.b", st->key);
  EXPECT_FALSE(st->has_value);
  st = S("SET");
  EXPECT_EQ("", st->key);
  st = S("SET k = 'quoted'");
  EXPECT_EQ("quoted", st->value);
  st = S("SET `my key` = v");
  EXPECT_EQ("my key", st->key);
  st = S("SET TIME ZONE 'America/Los_Angeles'");
  EXPECT_EQ("spark.sql.session.timeZone", st->key);
  EXPECT_EQ("America/Los_Angeles", st->value);
  EXPECT_EQ("LOCAL", S("SET TIME ZONE LOCAL")->value);
  st = S("RESET spark.sql.shuffle.partitions");
  EXPECT_EQ(StatementKind::kReset, st->kind);
  EXPECT_EQ("spark.sql.shuffle.partitions", st->key);
  EXPECT_EQ("", S("RESET")->key);
  auto script = ParseScript("SET a = 1; SET b = 2");
  ASSERT_TRUE(script.ok());
  EXPECT_EQ("1", (*script)[0]->value);
  EXPECT_EQ("2", (*script)[1]->value);
}

TEST(ParserStatementTest, ShowDescribeExplainStopDrop) {
  EXPECT_EQ(ShowWhat::kSources, S("SHOW SOURCES")->show);
  EXPECT_EQ(ShowWhat::kQueries, S("show queries")->show);
  auto f = S("SHOW FUNCTIONS LIKE 'date*'");
  EXPECT_EQ(ShowWhat::kFunctions, f->show);
  EXPECT_EQ("date*", f->like_pattern);
  EXPECT_EQ("t*", S("SHOW TABLES 't*'")->like_pattern);
  auto d = S("DESCRIBE SOURCE weblogs");
  EXPECT_EQ(DescribeWhat::kRelation, d->describe);
  EXPECT_EQ(std::vector<std::string>{"weblogs"}, d->name);
  EXPECT_TRUE(S("DESC TABLE EXTENDED t")->extended);
  EXPECT_EQ(DescribeWhat::kQuery, S("DESCRIBE SELECT 1")->describe);
  EXPECT_EQ(DescribeWhat::kQuery, S("DESCRIBE QUERY SELECT * FROM t")->describe);
  auto fn = S("DESCRIBE FUNCTION EXTENDED upper");
  EXPECT_EQ(DescribeWhat::kFunction, fn->describe);
  EXPECT_TRUE(fn->extended);
  auto e = S("EXPLAIN EXTENDED SELECT * FROM t");
  EXPECT_EQ(StatementKind::kExplain, e->kind);
  EXPECT_EQ(ExplainMode::kExtended, e->explain_mode);
  EXPECT_EQ(StatementKind::kQuery, e->explained->kind);
  EXPECT_EQ(ExplainMode::kSimple, S("EXPLAIN INSERT INTO o SELECT 1")->explain_mode);
  auto stop = S("STOP QUERY q1");
  EXPECT_EQ(StatementKind::kStopQuery, stop->kind);
  EXPECT_EQ(std::vector<std::string>{"q1"}, stop->name);
  auto drop = S("DROP SOURCE IF EXISTS s");
  EXPECT_EQ(DropWhat::kSource, drop->drop);
  EXPECT_TRUE(drop->if_not_exists);
  EXPECT_EQ(DropWhat::kView, S("DROP VIEW v")->drop);
}

TEST(ParserStatementTest, ScriptsAndPositions) {
  std::string_view sql = "SELECT 1;\n  CREATE SINK s WITH (connector = 'console');\n;\nSHOW SINKS";
  auto r = ParseScript(sql);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(3u, r->size());
  const Statement& second = *(*r)[1];
  EXPECT_EQ(2, second.position.line);
  EXPECT_EQ(3, second.position.column);
  EXPECT_EQ("CREATE SINK s WITH (connector = 'console')",
            sql.substr(second.begin, second.end - second.begin));
  EXPECT_TRUE(ParseScript("").ok());
  EXPECT_TRUE(ParseScript(" ;; -- nothing\n").ok());
  EXPECT_FALSE(ParseStatement("SELECT 1; SELECT 2").ok());
}

TEST(ParserStatementTest, SplitStatements) {
  auto r = SplitStatements(
      "SELECT ';' AS x; -- a comment; here\n SELECT (1;2) ;; /* c */ ;SHOW SOURCES");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(3u, r->size());
  EXPECT_EQ("SELECT ';' AS x", (*r)[0]);
  EXPECT_EQ("-- a comment; here\n SELECT (1;2)", (*r)[1]);
  EXPECT_EQ("SHOW SOURCES", (*r)[2]);
  EXPECT_FALSE(SplitStatements("SELECT 'open").ok());
}

// ---------------------------------------------------------------------------
// Errors

TEST(ParserErrorTest, MisspeltKeyword) {
  Status st = Err("SELECT a, b\nFORM t");
  EXPECT_EQ("[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'.", st.message());
  EXPECT_EQ((SourcePosition{2, 1}), st.position());
  EXPECT_EQ("did you mean FROM?", st.hint());
  st = Err("SELECT * FORM t");
  EXPECT_EQ("[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'.", st.message());
  EXPECT_EQ("did you mean FROM?", st.hint());
  st = Err("SELECT a FROM t\n  WHER a > 1");
  EXPECT_EQ((SourcePosition{2, 3}), st.position());
  EXPECT_EQ("did you mean WHERE?", st.hint());
  st = Err("SELECT a FROM t GROUP BYY a");
  EXPECT_EQ("did you mean BY?", st.hint());
  st = Err("SELEC a FROM t");
  EXPECT_EQ((SourcePosition{1, 1}), st.position());
  EXPECT_EQ("did you mean SELECT?", st.hint());
  st = Err("CREATE SORCE s WITH (a = 'b')");
  EXPECT_EQ("did you mean SOURCE?", st.hint());
}

TEST(ParserErrorTest, UnclosedParenthesis) {
  Status st = Err("SELECT count(a\nFROM t");
  EXPECT_EQ("[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM': missing ')'.", st.message());
  EXPECT_EQ((SourcePosition{2, 1}), st.position());
  EXPECT_EQ("the '(' at line 1, column 13 is not closed", st.hint());
  st = Err("SELECT * FROM (SELECT 1");
  EXPECT_EQ("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: missing ')'.",
            st.message());
  EXPECT_EQ("the '(' at line 1, column 15 is not closed", st.hint());
  st = Err("SELECT 1)");
  EXPECT_EQ("[PARSE_SYNTAX_ERROR] Syntax error at or near ')': extra input ')'.", st.message());
}

TEST(ParserErrorTest, CommasInSelectList) {
  Status st = Err("SELECT a, b,\nFROM t");
  EXPECT_EQ("[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'.", st.message());
  EXPECT_EQ((SourcePosition{2, 1}), st.position());
  EXPECT_EQ("remove the trailing comma after the last select item", st.hint());
  st = Err("SELECT a b c FROM t");
  EXPECT_EQ((SourcePosition{1, 12}), st.position());
  EXPECT_NE(st.hint().find("comma"), std::string::npos);
  st = Err("SELECT a 1 FROM t");
  EXPECT_EQ((SourcePosition{1, 10}), st.position());
  EXPECT_NE(st.hint().find("comma"), std::string::npos);
  st = Err("SELECT FROM t");
  EXPECT_EQ((SourcePosition{1, 8}), st.position());
}

TEST(ParserErrorTest, Unsupported) {
  EXPECT_EQ("UNION BY NAME is not supported", Err("SELECT 1 UNION BY NAME SELECT 1").message());
  EXPECT_EQ("TABLESAMPLE is not supported",
            Err("SELECT * FROM t TABLESAMPLE (10 PERCENT)").message());
  EXPECT_EQ("LATERAL subqueries is not supported",
            Err("SELECT * FROM t, LATERAL (SELECT 1)").message());
  EXPECT_EQ("A parameter marker is not supported", Err("SELECT ?").message());
}

TEST(ParserErrorTest, EndOfInputAndMultiLine) {
  Status st = Err("SELECT a\nFROM t\nWHERE");
  EXPECT_EQ("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.", st.message());
  EXPECT_EQ((SourcePosition{3, 6}), st.position());
  st = Err("SELECT a\nFROM t\nWHERE a = = 1");
  EXPECT_EQ((SourcePosition{3, 11}), st.position());
  st = Err("");
  EXPECT_EQ("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.", st.message());
  st = Err("SELECT 'unclosed");
  EXPECT_EQ(StatusCode::kInvalidSql, st.code());
}

}  // namespace
}  // namespace weir::sql

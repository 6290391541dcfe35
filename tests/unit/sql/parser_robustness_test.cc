// The parser's robustness: deep nesting and long chains are errors, never stack
// overflows; random token sequences and mutations of valid statements give a
// statement list or a positioned INVALID_SQL error, never a crash.

#include <random>

#include "weir/sql/lexer.h"

#include "parser_test_util.h"

namespace weir::sql {
namespace {

std::string Nested(int depth, std::string_view open, std::string_view inner,
                   std::string_view close) {
  std::string out;
  for (int i = 0; i < depth; ++i) out += open;
  out += inner;
  for (int i = 0; i < depth; ++i) out += close;
  return out;
}

TEST(ParserRobustnessTest, DeepNestingIsAnError) {
  EXPECT_TRUE(ParseExpression(Nested(150, "(", "1", ")")).ok());
  for (int depth : {kMaxNestingDepth + 1, 100'000}) {
    auto r = ParseExpression(Nested(depth, "(", "1", ")"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
    EXPECT_NE(r.status().message().find("nested too deeply"), std::string::npos);
  }
  const int n = 100'000;
  for (const std::string& sql :
       {"SELECT " + Nested(n, "(", "1", ")"), Nested(n, "SELECT * FROM (", "SELECT 1", ")"),
        Nested(n, "(", "SELECT 1", ")"), "SELECT " + Nested(n, "NOT ", "a", ""),
        "SELECT " + Nested(n, "- ", "a", ""), "SELECT " + Nested(n, "f(", "1", ")"),
        Nested(n, "EXPLAIN ", "SELECT 1", ""), "SELECT " + Nested(n, "a[", "1", "]"),
        "SELECT " + Nested(n, "CASE WHEN ", "1", " THEN 1 END"),
        "SELECT " + Nested(n, "", "(a)", ".b"), "SELECT " + Nested(n, "", "a", "::int"),
        "SELECT * FROM " + Nested(n, "(", "t", ")"), "SELECT " + Nested(n, "x IN (", "1", ")"),
        "SELECT " + Nested(n, "EXISTS (SELECT ", "1", ")")}) {
    auto r = ParseStatement(sql);
    ASSERT_FALSE(r.ok()) << sql.substr(0, 40);
    EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
    EXPECT_TRUE(r.status().position().valid());
  }
  // Long flat chains are fine up to the tree bound, and an error beyond it.
  std::string chain = "1";
  for (int i = 0; i < 500; ++i) chain += " + 1";
  EXPECT_TRUE(ParseExpression(chain).ok());
  for (int i = 0; i < 100'000; ++i) chain += " OR 1";
  EXPECT_FALSE(ParseExpression(chain).ok());
  std::string unions = "SELECT 1";
  for (int i = 0; i < 100'000; ++i) unions += " UNION SELECT 1";
  EXPECT_FALSE(ParseStatement(unions).ok());
  std::string joins = "SELECT * FROM t";
  for (int i = 0; i < 100'000; ++i) joins += " JOIN t";
  EXPECT_FALSE(ParseStatement(joins).ok());
}

// Every result is OK or a positioned INVALID_SQL error.
void ExpectOkOrPositioned(std::string_view sql) {
  auto r = ParseScript(sql);
  if (r.ok()) return;
  ASSERT_EQ(StatusCode::kInvalidSql, r.status().code()) << sql << "\n" << r.status().ToString();
  ASSERT_TRUE(r.status().position().valid()) << sql << "\n" << r.status().ToString();
}

constexpr std::string_view kCorpus[] = {
    // DESIGN.md section 6.
    "CREATE SOURCE weblogs (host STRING, ts TIMESTAMP, request STRING, http_reply INT, "
    "bytes BIGINT, WATERMARK FOR ts AS ts - INTERVAL 1 MINUTE) WITH (connector = 'log', "
    "topic = 'weblogs', format = 'json'); CREATE SINK url_counts WITH (connector = "
    "'console', output_mode = 'update'); INSERT INTO url_counts SELECT window(ts, "
    "'5 minutes', '1 minute') AS w, request, count(*) AS hits FROM weblogs GROUP BY "
    "window(ts, '5 minutes', '1 minute'), request;",
    "SELECT a, b AS x, count(DISTINCT c) FILTER (WHERE d > 1) FROM t JOIN u ON t.k = u.k "
    "WHERE a BETWEEN 1 AND 2 GROUP BY ROLLUP(a, b) HAVING sum(x) > 0 ORDER BY 1 DESC LIMIT 5",
    "WITH c AS (SELECT * FROM VALUES (1, 'a') AS v(x, y)) SELECT x FROM c UNION ALL SELECT 2",
    "SELECT CASE WHEN a IS NULL THEN CAST(b AS DECIMAL(10, 2)) ELSE -1.5 END, INTERVAL 1 DAY, "
    "DATE '2024-01-01', x'0A', s[1].f, m['k'], transform(a, x -> x + 1) FROM t",
    "CREATE SOURCE s (a INT NOT NULL, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' "
    "SECOND) WITH (connector = 'log', 'a.b' = 1)",
    "INSERT INTO out SELECT window(ts, '5 minutes') AS w, count(*) FROM s GROUP BY 1",
    "SELECT rank() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
    "FROM TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND) LATERAL VIEW explode(a) e AS v",
    "SET a.b = 1; SHOW SOURCES LIKE 'x'; DESCRIBE SELECT 1; EXPLAIN EXTENDED SELECT 1; "
    "DROP VIEW IF EXISTS v; STOP QUERY q; RESET",
    "SELECT x FROM t WHERE x IN (SELECT y FROM u) AND NOT EXISTS (SELECT 1) OR x LIKE 'a%' "
    "ESCAPE '!' QUALIFY row_number() OVER w = 1 WINDOW w AS (ORDER BY x)",
};

TEST(ParserRobustnessTest, CorpusParses) {
  for (std::string_view sql : kCorpus) {
    auto r = ParseScript(sql);
    EXPECT_TRUE(r.ok()) << sql << "\n" << r.status().ToString();
  }
}

TEST(ParserRobustnessTest, RandomTokensAndMutations) {
  std::vector<std::vector<Token>> corpus;
  std::vector<std::string_view> vocabulary;
  for (std::string_view sql : kCorpus) {
    auto t = Tokenize(sql);
    ASSERT_TRUE(t.ok());
    for (const Token& tok : *t) {
      if (tok.kind != TokenKind::kEnd) vocabulary.push_back(tok.text);
    }
    corpus.push_back(std::move(*t));
  }
  for (std::string_view extra :
       {"(",  ")",   ",",  "SELECT", "FROM", "WITH", "AS", "OVER",     "->",
        "=>", "::",  "[",  "]",      ".",    "*",    ">>", "INTERVAL", "'x'",
        ";",  "/*+", "*/", "CASE",   "END",  "NOT",  "IN", "VALUES",   "TABLE"}) {
    vocabulary.push_back(extra);
  }
  std::mt19937 rng(20240601);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  int runs = 0;
  // Random token sequences.
  for (int i = 0; i < 8000; ++i, ++runs) {
    std::string sql;
    size_t n = 1 + pick(30);
    for (size_t k = 0; k < n; ++k) sql += std::string(vocabulary[pick(vocabulary.size())]) + " ";
    ExpectOkOrPositioned(sql);
  }
  // Mutations of valid statements: drop, duplicate, swap, replace tokens.
  for (int i = 0; i < 16000; ++i, ++runs) {
    const std::vector<Token>& base = corpus[pick(corpus.size())];
    std::vector<std::string_view> toks;
    for (const Token& t : base) {
      if (t.kind != TokenKind::kEnd) toks.push_back(t.text);
    }
    int edits = 1 + static_cast<int>(pick(3));
    for (int e = 0; e < edits && !toks.empty(); ++e) {
      size_t at = pick(toks.size());
      switch (pick(4)) {
        case 0:
          toks.erase(toks.begin() + static_cast<long>(at));
          break;
        case 1:
          toks.insert(toks.begin() + static_cast<long>(at), toks[at]);
          break;
        case 2:
          std::swap(toks[at], toks[pick(toks.size())]);
          break;
        default:
          toks[at] = vocabulary[pick(vocabulary.size())];
          break;
      }
    }
    std::string sql;
    for (std::string_view t : toks) sql += std::string(t) + " ";
    ExpectOkOrPositioned(sql);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GE(runs, 20000);
}

}  // namespace
}  // namespace weir::sql

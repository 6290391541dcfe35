// The recursive-descent parser behind parser.h, shared by parser*.cc: one Parser
// object per call of ParseScript / ParseStatement / ParseExpression.
//
// Layout: parser.cc (entry points, token helpers, errors), parser_expr.cc (operators
// and predicates), parser_primary.cc (primary expressions, function calls, windows),
// parser_literal.cc (numbers, typed literals, INTERVAL, data types), parser_query.cc
// (queries, set operations, SELECT clauses), parser_from.cc (FROM, joins, table
// functions), parser_ddl.cc (the other statements).
//
// Two bounds keep every input safe: `depth_` counts the recursive calls in flight
// (nested parentheses, subqueries, NOT/unary chains) and may not exceed
// kMaxNestingDepth; `height_` estimates the height of the tree being built (each
// left-deep fold of a binary operator, set operation or join adds one) and may not
// exceed kMaxTreeHeight, so that destroying or walking the tree recursively is safe.
//
// Thread-safety: a Parser is used by one thread.

#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/sql/ast.h"
#include "weir/sql/lexer.h"
#include "weir/sql/parser.h"

namespace weir::sql::internal {

// The bound on the height of an expression, query or join tree.
inline constexpr int kMaxTreeHeight = 1000;

// Words that end a SELECT item or a table reference, so they are never taken as a bare
// alias (`SELECT a FROM t`, `FROM t JOIN u`): Spark's strict-non-reserved words plus the
// words that start the clauses that may follow.
bool IsClauseKeyword(const Token& tok);

// Levenshtein distance of two words, ignoring ASCII case.
int EditDistance(std::string_view a, std::string_view b);

class Parser {
 public:
  // REQUIRES: `tokens` ends with kEnd and was produced from `sql`.
  Parser(std::string_view sql, std::vector<Token> tokens, const sql::ParseOptions& options);

  // Entry points (parser.cc, parser_ddl.cc).
  Result<StatementPtr> ParseStatement();
  Result<SqlExprPtr> ParseStandaloneExpression();
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  // Consumes any ';'. Returns true if at least one was consumed.
  bool SkipSemicolons();
  // An error for whatever follows a complete statement.
  Status TrailingInputError();

  // ---- Tokens (parser.cc) ----
  const Token& Peek(size_t k = 0) const;
  // REQUIRES: nothing; an index past the end gives the kEnd token.
  const Token& tokens_at(size_t i) const {
    return tokens_[i < tokens_.size() ? i : tokens_.size() - 1];
  }
  const Token& Prev() const { return tokens_[pos_ == 0 ? 0 : pos_ - 1]; }
  size_t pos() const { return pos_; }
  void Advance(size_t n = 1);
  bool Is(TokenKind kind, size_t k = 0) const { return Peek(k).kind == kind; }
  bool IsWord(std::string_view word, size_t k = 0) const { return Peek(k).Is(word); }
  bool Accept(TokenKind kind);
  bool AcceptWord(std::string_view word);
  // True if Peek(k) is an identifier (bare or quoted) that may be a name.
  bool IsName(size_t k = 0) const;
  // True if Peek(k) starts a query: SELECT, WITH, VALUES, FROM, TABLE name.
  bool StartsQuery(size_t k = 0) const;
  // True if Peek(k) can begin an expression (for "missing comma" hints).
  bool CanStartExpression(size_t k = 0) const;
  // Byte offset just past the last consumed token.
  size_t PrevEnd() const;

  // ---- Errors (parser.cc) ----
  // [PARSE_SYNTAX_ERROR] Syntax error at or near 'x'[: detail]. at token `index`.
  Status SyntaxErrorAt(size_t index, std::string_view detail = "", std::string hint = "");
  // The syntax error for the current token, with the hints that apply (misspelt
  // keyword among `expected`, a bare alias that looks like a keyword).
  Status Unexpected(std::initializer_list<std::string_view> expected = {});
  Status ExpectWord(std::string_view word);
  Status Expect(TokenKind kind);
  // Expects the ')' closing the '(' at token index `open`; hints where it opened.
  Status ExpectClose(size_t open);
  // A list element is followed by neither ',' nor `close`: a missing comma or an
  // unclosed parenthesis.
  Status ListError(size_t open, std::string_view what);
  Status Unsupported(size_t index, std::string_view what);
  Status ErrorAtToken(size_t index, std::string message, std::string hint = "");

  // ---- Depth and height (parser.cc) ----
  // Entered by every recursive production; restores depth and height on exit.
  class Nest {
   public:
    explicit Nest(Parser* p) : p_(p), height_(p->height_) {
      ++p_->depth_;
      ++p_->height_;
    }
    ~Nest() {
      --p_->depth_;
      p_->height_ = height_;
    }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    Status Check() const;

   private:
    Parser* p_;
    int height_;
  };
  // One more level of a left-deep fold; an error beyond kMaxTreeHeight.
  Status Grow();

  // ---- Names (parser.cc) ----
  Result<std::string> ParseIdentifier(std::string_view what = "identifier");
  Result<std::vector<std::string>> ParseQualifiedName();
  // ( a, b, c )
  Result<std::vector<std::string>> ParseIdentifierList();

  // ---- Expressions (parser_expr.cc) ----
  Result<SqlExprPtr> ParseExpr();
  // A valueExpression of Spark's grammar: operators down to comparisons, no
  // predicates, NOT, AND, OR.
  Result<SqlExprPtr> ParseValue(int min_prec = 1);
  // Continues an expression whose value-level prefix `left` was already parsed.
  Result<SqlExprPtr> ContinueExpr(SqlExprPtr left);
  Result<SqlExprPtr> ContinueValue(SqlExprPtr left, int min_prec);
  // The predicate (IS, BETWEEN, IN, LIKE) after a value expression, if any.
  Result<SqlExprPtr> ParsePredicate(SqlExprPtr left);
  Result<SqlExprPtr> ParseInTail(size_t first);
  Result<SqlExprPtr> ParseUnary();
  Result<SqlExprPtr> ParsePostfix();
  Result<SqlExprPtr> ParsePostfixOn(SqlExprPtr e, bool plain_name);
  SqlExprPtr NewExpr(SqlExprKind kind, size_t first_token) const;
  void Finish(SqlExpr* e) const { e->end = PrevEnd(); }

  // ---- Primary expressions (parser_primary.cc) ----
  // `plain_name` is set when the result is a name written as a.b.c (so a following
  // `.d` extends the name rather than accessing a field).
  Result<SqlExprPtr> ParsePrimary(bool* plain_name);
  Result<SqlExprPtr> ParseParenthesized();
  Result<SqlExprPtr> ParseCase(size_t first);

  // ---- Calls, windows, keyword forms (parser_call.cc) ----
  // At the '(' after a function name; `first` is the name's first token.
  Result<SqlExprPtr> ParseFunctionCall(std::vector<std::string> name, size_t first);
  Result<SqlExprPtr> ParseCallArgs(SqlExprPtr call, size_t open, SqlExprPtr first_arg);
  Result<SqlExprPtr> ParseCallSuffix(SqlExprPtr call);
  bool CanStartExpressionOrParen(size_t k) const;
  Result<std::unique_ptr<WindowSpec>> ParseWindowSpec();
  Result<std::vector<SortItem>> ParseSortItems();
  // CAST, TRY_CAST, EXTRACT, POSITION, SUBSTRING, TRIM, OVERLAY at `word` '('; sets
  // *handled = false (consuming nothing) when the text is an ordinary call.
  Result<SqlExprPtr> ParseSpecialForm(std::string_view word, size_t first, bool* handled);
  Result<SqlExprPtr> ParseTrim(size_t first, bool* handled);

  // ---- Literals and types (parser_literal.cc) ----
  Result<SqlExprPtr> ParseNumber(bool negative, size_t first);
  Result<SqlExprPtr> ParseTypedLiteral(size_t first, bool* handled);
  Result<SqlExprPtr> HexLiteral(size_t first);
  Result<SqlExprPtr> ParseInterval(size_t first);
  // A data type at the current token: a name with optional (...) or <...>.
  Result<DataType> ParseType();

  // ---- Queries (parser_query.cc) ----
  Result<QueryPtr> ParseQuery();
  Result<QueryNodePtr> ParseSetExpression();
  Result<QueryNodePtr> ParseIntersectTerm();
  Result<QueryNodePtr> ParseQueryPrimary();
  Result<QueryNodePtr> ParseSelect();
  Result<QueryNodePtr> ParseValuesBody();
  Status ParseSelectList(QueryNode* node);
  Status ParseGroupBy(QueryNode* node);
  Status ParseQueryOrganization(Query* q);
  Status ParseLateralView(QueryNode* node);

  // ---- FROM (parser_from.cc) ----
  Result<TableRefPtr> ParseRelation();
  Result<TableRefPtr> ParseRelationPrimary();
  Status ParseTableAlias(TableRef* ref);
  Result<TableRefPtr> ParseTableFunction(std::vector<std::string> name, size_t first);

  // ---- Statements (parser_ddl.cc) ----
  Result<StatementPtr> ParseStatementBody();
  Result<StatementPtr> ParseCreate(size_t first);
  Result<StatementPtr> ParseCreateSource(StatementPtr st, bool sink);
  Result<StatementPtr> ParseCreateView(StatementPtr st);
  Result<StatementPtr> ParseInsert(size_t first);
  Result<StatementPtr> ParseSetOrReset(size_t first, bool reset);
  Result<StatementPtr> ParseShow(size_t first);
  Result<StatementPtr> ParseDescribe(size_t first);
  Result<StatementPtr> ParseDrop(size_t first);
  Result<ColumnDef> ParseColumnDef(bool type_optional);
  Status ParseOptions(std::vector<OptionDef>* out);
  // The end of the current statement: the offset of the next top-level ';' or the end.
  size_t StatementEndOffset() const;

  std::string_view sql() const { return sql_; }

 private:
  std::string_view sql_;
  sql::ParseOptions options_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  int height_ = 0;
  // Index of the last token taken as a bare alias (no AS), or npos: the place a
  // misspelt keyword (`SELECT a FORM t`) ends up.
  size_t bare_alias_ = static_cast<size_t>(-1);

 public:
  void NoteBareAlias(size_t index) { bare_alias_ = index; }
};

}  // namespace weir::sql::internal

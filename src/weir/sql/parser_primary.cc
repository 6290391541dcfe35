// Primary expressions: literals, names, `*` and `t.*`, parentheses (scalar subqueries,
// row constructors, lambdas), CASE, and the dispatch to calls and keyword forms.

#include "weir/sql/parser_internal.h"

namespace weir::sql::internal {

namespace {

bool IsNumber(TokenKind k) {
  return k == TokenKind::kInteger || k == TokenKind::kBigint || k == TokenKind::kSmallint ||
         k == TokenKind::kTinyint || k == TokenKind::kDecimal || k == TokenKind::kExponent ||
         k == TokenKind::kFloat || k == TokenKind::kDouble || k == TokenKind::kBigDecimal;
}

// True at `( a, b ) ->` or `a ->`: a lambda's parameter list.
bool AtLambda(const Parser& p) {
  if (p.IsName() && p.Is(TokenKind::kArrow, 1)) return true;
  if (!p.Is(TokenKind::kLeftParen)) return false;
  size_t k = 1;
  while (true) {
    if (!p.IsName(k)) return false;
    if (p.Is(TokenKind::kRightParen, k + 1)) return p.Is(TokenKind::kArrow, k + 2);
    if (!p.Is(TokenKind::kComma, k + 1)) return false;
    k += 2;
  }
}

Result<SqlExprPtr> ParseLambda(Parser& p) {
  auto e = p.NewExpr(SqlExprKind::kLambda, p.pos());
  if (p.Accept(TokenKind::kLeftParen)) {
    do {
      ASSIGN_OR_RAISE(std::string name, p.ParseIdentifier());
      e->names.push_back(std::move(name));
    } while (p.Accept(TokenKind::kComma));
    RETURN_NOT_OK(p.Expect(TokenKind::kRightParen));
  } else {
    ASSIGN_OR_RAISE(std::string name, p.ParseIdentifier());
    e->names.push_back(std::move(name));
  }
  RETURN_NOT_OK(p.Expect(TokenKind::kArrow));
  ASSIGN_OR_RAISE(SqlExprPtr body, p.ParseExpr());
  e->children.push_back(std::move(body));
  p.Finish(e.get());
  return e;
}

SqlExprPtr Literal(Parser& p, Value v) {
  auto e = p.NewExpr(SqlExprKind::kLiteral, p.pos());
  e->value = std::move(v);
  p.Advance();
  return e;
}

}  // namespace

Result<SqlExprPtr> Parser::ParsePrimary(bool* plain_name) {
  *plain_name = false;
  const Token& t = Peek();
  size_t first = pos();
  if (IsNumber(t.kind)) return ParseNumber(/*negative=*/false, first);
  switch (t.kind) {
    case TokenKind::kString:
      return Literal(*this, Value::String(t.value));
    case TokenKind::kBinary:
      return Literal(*this, Value::Binary(t.value));
    case TokenKind::kLeftParen:
      if (AtLambda(*this)) return ParseLambda(*this);
      return ParseParenthesized();
    case TokenKind::kStar: {
      Advance();
      return NewExpr(SqlExprKind::kStar, first);
    }
    case TokenKind::kQuestion:
    case TokenKind::kColon:
      return Unsupported(first, "A parameter marker");
    case TokenKind::kIdentifier:
    case TokenKind::kQuotedIdentifier:
      break;
    case TokenKind::kEnd:
      return SyntaxErrorAt(first, "", "an expression is missing");
    default:
      return Unexpected();
  }
  if (AtLambda(*this)) return ParseLambda(*this);
  if (t.kind == TokenKind::kIdentifier) {
    if (t.Is("NULL")) return Literal(*this, Value());
    if (t.Is("TRUE") || t.Is("FALSE")) return Literal(*this, Value::Boolean(t.Is("TRUE")));
    if (t.Is("CASE")) return ParseCase(first);
    if (Is(TokenKind::kLeftParen, 1)) {
      bool handled = false;
      ASSIGN_OR_RAISE(SqlExprPtr e, ParseSpecialForm(t.text, first, &handled));
      if (handled) return e;
    }
    if (t.Is("INTERVAL") &&
        (Is(TokenKind::kString, 1) || Is(TokenKind::kInteger, 1) || Is(TokenKind::kDecimal, 1) ||
         Is(TokenKind::kMinus, 1) || Is(TokenKind::kPlus, 1))) {
      return ParseInterval(first);
    }
    if (Is(TokenKind::kString, 1)) {
      bool handled = false;
      ASSIGN_OR_RAISE(SqlExprPtr e, ParseTypedLiteral(first, &handled));
      if (handled) return e;
    }
    if ((t.Is("CURRENT_DATE") || t.Is("CURRENT_TIMESTAMP") || t.Is("CURRENT_USER")) &&
        !Is(TokenKind::kLeftParen, 1) && !Is(TokenKind::kDot, 1)) {
      auto e = NewExpr(SqlExprKind::kFunction, first);
      std::string name(t.text);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      e->names = {std::move(name)};
      Advance();
      return e;
    }
  }
  // a, a.b.c, a.b.*, f(...), db.f(...)
  std::vector<std::string> names;
  ASSIGN_OR_RAISE(std::string name, ParseIdentifier());
  names.push_back(std::move(name));
  while (Is(TokenKind::kDot) && (IsName(1) || Is(TokenKind::kStar, 1))) {
    if (Is(TokenKind::kStar, 1)) {
      Advance(2);
      auto star = NewExpr(SqlExprKind::kStar, first);
      star->names = std::move(names);
      Finish(star.get());
      return star;
    }
    Advance();
    ASSIGN_OR_RAISE(std::string part, ParseIdentifier());
    names.push_back(std::move(part));
  }
  if (Is(TokenKind::kLeftParen)) return ParseFunctionCall(std::move(names), first);
  auto col = NewExpr(SqlExprKind::kColumn, first);
  col->names = std::move(names);
  Finish(col.get());
  *plain_name = true;
  return col;
}

// '(' query ')' | '(' expr ')' | '(' expr, expr, ... ')'
// The nesting depth is counted by the ParseExpr / ParseQuery this recurses into.
Result<SqlExprPtr> Parser::ParseParenthesized() {
  size_t open = pos();
  Advance();
  if (StartsQuery()) {
    auto e = NewExpr(SqlExprKind::kScalarSubquery, open);
    ASSIGN_OR_RAISE(e->subquery, ParseQuery());
    RETURN_NOT_OK(ExpectClose(open));
    Finish(e.get());
    return e;
  }
  if (Is(TokenKind::kRightParen)) return SyntaxErrorAt(pos(), "", "an expression is missing");
  ASSIGN_OR_RAISE(SqlExprPtr inner, ParseExpr());
  if (!Is(TokenKind::kComma)) {
    if (!Is(TokenKind::kRightParen)) return ListError(open, "expressions");
    Advance();
    // The byte range covers the parentheses, so that text slices of enclosing nodes
    // balance; the position stays on the expression's own first token, where errors
    // about it point.
    inner->begin = tokens_at(open).offset;
    Finish(inner.get());
    return inner;
  }
  auto row = NewExpr(SqlExprKind::kRow, open);
  row->children.push_back(std::move(inner));
  while (Accept(TokenKind::kComma)) {
    ASSIGN_OR_RAISE(SqlExprPtr item, ParseExpr());
    row->children.push_back(std::move(item));
  }
  if (!Is(TokenKind::kRightParen)) return ListError(open, "row values");
  Advance();
  Finish(row.get());
  return row;
}

Result<SqlExprPtr> Parser::ParseCase(size_t first) {
  Advance();  // CASE
  auto e = NewExpr(SqlExprKind::kCase, first);
  if (!IsWord("WHEN")) {
    ASSIGN_OR_RAISE(e->case_operand, ParseExpr());
  }
  if (!IsWord("WHEN")) return Unexpected({"WHEN"});
  while (AcceptWord("WHEN")) {
    ASSIGN_OR_RAISE(SqlExprPtr when, ParseExpr());
    RETURN_NOT_OK(ExpectWord("THEN"));
    ASSIGN_OR_RAISE(SqlExprPtr then, ParseExpr());
    e->when_then.emplace_back(std::move(when), std::move(then));
  }
  if (AcceptWord("ELSE")) {
    ASSIGN_OR_RAISE(e->case_else, ParseExpr());
  }
  if (!AcceptWord("END")) {
    return SyntaxErrorAt(pos(), "missing 'END'",
                         "the CASE at line " + std::to_string(tokens_at(first).position.line) +
                             ", column " + std::to_string(tokens_at(first).position.column) +
                             " is not closed by END");
  }
  Finish(e.get());
  return e;
}

}  // namespace weir::sql::internal

// Queries: WITH, set operations (INTERSECT binds tighter than UNION / EXCEPT / MINUS,
// as in Spark with spark.sql.legacy.setopsPrecedence.enabled=false), query primaries
// (SELECT, VALUES, TABLE t, parenthesized queries), the SELECT clauses, and the query
// organization (ORDER BY / SORT BY / CLUSTER BY / DISTRIBUTE BY, LIMIT, OFFSET).

#include "weir/sql/parser_internal.h"

namespace weir::sql::internal {

namespace {

QueryNodePtr NewNode(QueryNodeKind kind, const Token& at) {
  auto n = std::make_unique<QueryNode>(kind);
  n->position = at.position;
  return n;
}

bool IsTrivial(const Query& q) {
  return q.ctes.empty() && q.order_by.empty() && !q.limit && !q.offset;
}

// SELECT * FROM <ref>: how `TABLE t` and an aliased VALUES are written in the AST.
QueryNodePtr SelectStarFrom(TableRefPtr ref, const Token& at) {
  auto n = NewNode(QueryNodeKind::kSelect, at);
  SelectItem item;
  item.expr = std::make_unique<SqlExpr>(SqlExprKind::kStar);
  item.expr->position = at.position;
  item.expr->begin = at.offset;
  item.expr->end = at.offset + at.length();
  n->select_list.push_back(std::move(item));
  n->from.push_back(std::move(ref));
  return n;
}

}  // namespace

Result<QueryPtr> Parser::ParseQuery() {
  Nest nest(this);
  RETURN_NOT_OK(nest.Check());
  auto q = std::make_unique<Query>();
  q->position = Peek().position;
  if (AcceptWord("WITH")) {
    if (IsWord("RECURSIVE")) return Unsupported(pos(), "WITH RECURSIVE");
    do {
      CommonTableExpr cte;
      cte.position = Peek().position;
      ASSIGN_OR_RAISE(cte.name, ParseIdentifier("a common table expression name"));
      if (Is(TokenKind::kLeftParen)) {
        ASSIGN_OR_RAISE(cte.column_aliases, ParseIdentifierList());
      }
      AcceptWord("AS");
      size_t open = pos();
      if (!Is(TokenKind::kLeftParen)) return SyntaxErrorAt(pos(), "missing '('");
      Advance();
      ASSIGN_OR_RAISE(cte.query, ParseQuery());
      RETURN_NOT_OK(ExpectClose(open));
      q->ctes.push_back(std::move(cte));
    } while (Accept(TokenKind::kComma));
  }
  ASSIGN_OR_RAISE(q->body, ParseSetExpression());
  RETURN_NOT_OK(ParseQueryOrganization(q.get()));
  return q;
}

Result<QueryNodePtr> Parser::ParseSetExpression() {
  ASSIGN_OR_RAISE(QueryNodePtr left, ParseIntersectTerm());
  while (IsWord("UNION") || IsWord("EXCEPT") || IsWord("MINUS") || IsWord("SETMINUS")) {
    const Token& op = Peek();
    Advance();
    auto n = NewNode(QueryNodeKind::kSetOp, op);
    n->set_op = op.Is("UNION") ? SetOpKind::kUnion : SetOpKind::kExcept;
    n->all = AcceptWord("ALL");
    if (!n->all) AcceptWord("DISTINCT");
    if (IsWord("BY") && IsWord("NAME", 1)) {
      return Unsupported(pos(), std::string(op.text) + " BY NAME");
    }
    RETURN_NOT_OK(Grow());
    ASSIGN_OR_RAISE(n->right, ParseIntersectTerm());
    n->left = std::move(left);
    left = std::move(n);
  }
  return left;
}

Result<QueryNodePtr> Parser::ParseIntersectTerm() {
  ASSIGN_OR_RAISE(QueryNodePtr left, ParseQueryPrimary());
  while (IsWord("INTERSECT")) {
    auto n = NewNode(QueryNodeKind::kSetOp, Peek());
    Advance();
    n->set_op = SetOpKind::kIntersect;
    n->all = AcceptWord("ALL");
    if (!n->all) AcceptWord("DISTINCT");
    if (IsWord("BY") && IsWord("NAME", 1)) return Unsupported(pos(), "INTERSECT BY NAME");
    RETURN_NOT_OK(Grow());
    ASSIGN_OR_RAISE(n->right, ParseQueryPrimary());
    n->left = std::move(left);
    left = std::move(n);
  }
  return left;
}

Result<QueryNodePtr> Parser::ParseQueryPrimary() {
  const Token& t = Peek();
  if (t.Is("SELECT")) return ParseSelect();
  if (t.Is("VALUES")) {
    ASSIGN_OR_RAISE(QueryNodePtr values, ParseValuesBody());
    if (!IsWord("AS") && !(IsName() && !IsClauseKeyword(Peek()))) return values;
    auto ref = std::make_unique<TableRef>(TableRefKind::kSubquery);
    ref->position = t.position;
    ref->subquery = std::make_unique<Query>();
    ref->subquery->position = t.position;
    ref->subquery->body = std::move(values);
    RETURN_NOT_OK(ParseTableAlias(ref.get()));
    return SelectStarFrom(std::move(ref), t);
  }
  if (t.Is("TABLE") && IsName(1)) {
    Advance();
    auto ref = std::make_unique<TableRef>(TableRefKind::kNamed);
    ref->position = Peek().position;
    ASSIGN_OR_RAISE(ref->names, ParseQualifiedName());
    return SelectStarFrom(std::move(ref), t);
  }
  if (t.kind == TokenKind::kLeftParen) {  // ParseQuery counts the nesting
    size_t open = pos();
    Advance();
    ASSIGN_OR_RAISE(QueryPtr inner, ParseQuery());
    RETURN_NOT_OK(ExpectClose(open));
    if (IsTrivial(*inner)) return std::move(inner->body);
    auto n = NewNode(QueryNodeKind::kQuery, t);
    n->query = std::move(inner);
    return n;
  }
  if (t.Is("FROM")) return Unsupported(pos(), "A query that starts with FROM");
  return Unexpected({"SELECT", "VALUES", "WITH", "TABLE"});
}

Result<QueryNodePtr> Parser::ParseValuesBody() {
  auto n = NewNode(QueryNodeKind::kValues, Peek());
  Advance();  // VALUES
  do {
    ASSIGN_OR_RAISE(SqlExprPtr row, ParseExpr());
    std::vector<SqlExprPtr> values;
    if (row->kind == SqlExprKind::kRow) {
      values = std::move(row->children);
    } else {
      values.push_back(std::move(row));
    }
    n->rows.push_back(std::move(values));
  } while (Accept(TokenKind::kComma));
  return n;
}

// ---------------------------------------------------------------------------
// SELECT

Result<QueryNodePtr> Parser::ParseSelect() {
  auto n = NewNode(QueryNodeKind::kSelect, Peek());
  Advance();                               // SELECT
  while (Accept(TokenKind::kHintStart)) {  // hints are parsed and discarded
    while (!Is(TokenKind::kHintEnd) && !AtEnd()) Advance();
    RETURN_NOT_OK(Expect(TokenKind::kHintEnd));
  }
  if ((IsWord("DISTINCT") || IsWord("ALL")) && CanStartExpressionOrParen(1)) {
    n->distinct = IsWord("DISTINCT");
    Advance();
  }
  RETURN_NOT_OK(ParseSelectList(n.get()));
  if (AcceptWord("FROM")) {
    do {
      ASSIGN_OR_RAISE(TableRefPtr ref, ParseRelation());
      n->from.push_back(std::move(ref));
    } while (Accept(TokenKind::kComma));
  }
  while (IsWord("LATERAL") && IsWord("VIEW", 1)) RETURN_NOT_OK(ParseLateralView(n.get()));
  if (AcceptWord("WHERE")) {
    ASSIGN_OR_RAISE(n->where, ParseExpr());
  }
  if (AcceptWord("GROUP")) {
    RETURN_NOT_OK(ExpectWord("BY"));
    RETURN_NOT_OK(ParseGroupBy(n.get()));
  }
  if (AcceptWord("HAVING")) {
    ASSIGN_OR_RAISE(n->having, ParseExpr());
  }
  for (int i = 0; i < 2; ++i) {
    if (n->windows.empty() && AcceptWord("WINDOW")) {
      do {
        NamedWindow w;
        ASSIGN_OR_RAISE(w.name, ParseIdentifier("a window name"));
        RETURN_NOT_OK(ExpectWord("AS"));
        ASSIGN_OR_RAISE(w.spec, ParseWindowSpec());
        n->windows.push_back(std::move(w));
      } while (Accept(TokenKind::kComma));
    }
    if (!n->qualify && AcceptWord("QUALIFY")) {
      ASSIGN_OR_RAISE(n->qualify, ParseExpr());
    }
  }
  return n;
}

Status Parser::ParseSelectList(QueryNode* node) {
  do {
    const Token& t = Peek();
    bool keyword = IsClauseKeyword(t) && !Is(TokenKind::kLeftParen, 1) && !Is(TokenKind::kDot, 1);
    // `window` is a column (time windows name theirs so) unless a WINDOW clause
    // (`WINDOW w AS (...)`) starts here.
    if (keyword && t.Is("WINDOW") && !(IsName(1) && IsWord("AS", 2))) keyword = false;
    if (keyword || t.kind == TokenKind::kEnd || t.kind == TokenKind::kRightParen ||
        t.kind == TokenKind::kSemicolon) {
      if (Prev().kind == TokenKind::kComma) {
        return SyntaxErrorAt(pos(), "", "remove the trailing comma after the last select item");
      }
      return SyntaxErrorAt(pos(), "", "a select item is missing");
    }
    SelectItem item;
    ASSIGN_OR_RAISE(item.expr, ParseExpr());
    if (AcceptWord("AS")) {
      if (Is(TokenKind::kLeftParen)) {
        ASSIGN_OR_RAISE(item.aliases, ParseIdentifierList());
      } else {
        ASSIGN_OR_RAISE(item.alias, ParseIdentifier("an alias"));
      }
    } else if (item.expr->kind != SqlExprKind::kStar && IsName() && !IsClauseKeyword(Peek())) {
      NoteBareAlias(pos());
      ASSIGN_OR_RAISE(item.alias, ParseIdentifier());
    }
    node->select_list.push_back(std::move(item));
  } while (Accept(TokenKind::kComma));
  if (CanStartExpression() || Is(TokenKind::kString)) {
    Status misspelt = Unexpected();  // SELECT a FORM t
    if (!misspelt.hint().empty()) return misspelt;
    return SyntaxErrorAt(
        pos(), "",
        "is a comma missing between select items before '" + std::string(Peek().text) + "'?");
  }
  return Status::OK();
}

Status Parser::ParseLateralView(QueryNode* node) {
  LateralView lv;
  lv.position = Peek().position;
  Advance(2);  // LATERAL VIEW
  lv.outer = AcceptWord("OUTER");
  size_t first = pos();
  ASSIGN_OR_RAISE(std::vector<std::string> name, ParseQualifiedName());
  if (!Is(TokenKind::kLeftParen)) return SyntaxErrorAt(pos(), "missing '('");
  ASSIGN_OR_RAISE(lv.generator, ParseFunctionCall(std::move(name), first));
  if (!IsWord("AS")) {
    ASSIGN_OR_RAISE(lv.table_alias, ParseIdentifier("a table alias"));
  }
  bool as = AcceptWord("AS");
  if (as || (IsName() && !IsClauseKeyword(Peek()))) {
    do {
      ASSIGN_OR_RAISE(std::string col, ParseIdentifier("a column alias"));
      lv.column_aliases.push_back(std::move(col));
    } while (Accept(TokenKind::kComma));
  }
  node->lateral_views.push_back(std::move(lv));
  return Status::OK();
}

// ---------------------------------------------------------------------------
// ORDER BY, LIMIT, OFFSET

Status Parser::ParseQueryOrganization(Query* q) {
  bool ordered = false;
  auto by = [&](std::string_view word) { return IsWord(word) && IsWord("BY", 1); };
  if (IsWord("ORDER") && !IsWord("BY", 1)) {
    Advance();
    return ExpectWord("BY");
  }
  if (by("ORDER")) {
    Advance(2);
    ASSIGN_OR_RAISE(q->order_by, ParseSortItems());
    ordered = true;
  }
  if (by("CLUSTER")) {
    if (ordered) return Unsupported(pos(), "Combining ORDER BY with CLUSTER BY");
    Advance(2);
    do {
      SortItem item;
      ASSIGN_OR_RAISE(item.expr, ParseExpr());
      q->order_by.push_back(std::move(item));
    } while (Accept(TokenKind::kComma));
    ordered = true;
  }
  if (by("DISTRIBUTE")) {  // accepted and ignored: weir has no user-visible partitions
    Advance(2);
    do {
      ASSIGN_OR_RAISE(SqlExprPtr ignored, ParseExpr());
    } while (Accept(TokenKind::kComma));
  }
  if (by("SORT")) {
    if (ordered) return Unsupported(pos(), "Combining ORDER BY or CLUSTER BY with SORT BY");
    Advance(2);
    ASSIGN_OR_RAISE(q->order_by, ParseSortItems());
  }
  if (AcceptWord("LIMIT")) {
    if (!AcceptWord("ALL")) {
      ASSIGN_OR_RAISE(q->limit, ParseExpr());
    }
  }
  if (AcceptWord("OFFSET")) {
    ASSIGN_OR_RAISE(q->offset, ParseExpr());
  }
  return Status::OK();
}

}  // namespace weir::sql::internal

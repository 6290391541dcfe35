// FROM and GROUP BY: table references (names, subqueries, VALUES, table functions
// with TABLE / DESCRIPTOR / named arguments, parenthesized joins), joins, aliases, and
// the grouping forms (plain, ALL, ROLLUP, CUBE, GROUPING SETS, WITH ROLLUP|CUBE).

#include <cctype>

#include "weir/sql/parser_internal.h"

namespace weir::sql::internal {

namespace {

TableRefPtr NewRef(TableRefKind kind, const Token& at) {
  auto r = std::make_unique<TableRef>(kind);
  r->position = at.position;
  return r;
}

// Parses a join type, up to and including JOIN. Returns false (consuming nothing)
// when no join follows.
Result<bool> ParseJoinType(Parser& p, JoinType* type, bool* natural) {
  size_t k = 0;
  *natural = p.IsWord("NATURAL");
  if (*natural) k = 1;
  *type = JoinType::kInner;
  const Token& t = p.Peek(k);
  if (t.Is("INNER")) {
    ++k;
  } else if (t.Is("CROSS")) {
    *type = JoinType::kCross;
    ++k;
  } else if (t.Is("LEFT") || t.Is("RIGHT") || t.Is("FULL")) {
    *type = t.Is("LEFT")    ? JoinType::kLeftOuter
            : t.Is("RIGHT") ? JoinType::kRightOuter
                            : JoinType::kFullOuter;
    ++k;
    if (p.IsWord("OUTER", k)) {
      ++k;
    } else if (t.Is("LEFT") && (p.IsWord("SEMI", k) || p.IsWord("ANTI", k))) {
      *type = p.IsWord("SEMI", k) ? JoinType::kLeftSemi : JoinType::kLeftAnti;
      ++k;
    }
  } else if (t.Is("SEMI") || t.Is("ANTI")) {
    *type = t.Is("SEMI") ? JoinType::kLeftSemi : JoinType::kLeftAnti;
    ++k;
  }
  if (!p.IsWord("JOIN", k)) {
    if (k == 0) return false;
    p.Advance(k);
    RETURN_NOT_OK(p.ExpectWord("JOIN"));
    return true;
  }
  p.Advance(k + 1);
  return true;
}

}  // namespace

Result<TableRefPtr> Parser::ParseRelation() {
  if (IsWord("LATERAL") && !IsWord("VIEW", 1)) return Unsupported(pos(), "LATERAL subqueries");
  ASSIGN_OR_RAISE(TableRefPtr left, ParseRelationPrimary());
  while (true) {
    JoinType type;
    bool natural = false;
    const Token& at = Peek();
    ASSIGN_OR_RAISE(bool join, ParseJoinType(*this, &type, &natural));
    if (!join) return left;
    if (IsWord("LATERAL")) return Unsupported(pos(), "LATERAL subqueries");
    RETURN_NOT_OK(Grow());
    auto j = NewRef(TableRefKind::kJoin, at);
    j->position = left->position;
    j->join_type = type;
    j->natural = natural;
    ASSIGN_OR_RAISE(j->right, ParseRelationPrimary());
    j->left = std::move(left);
    if (!natural && AcceptWord("ON")) {
      ASSIGN_OR_RAISE(j->on, ParseExpr());
    } else if (!natural && IsWord("USING")) {
      Advance();
      ASSIGN_OR_RAISE(j->using_columns, ParseIdentifierList());
    }
    left = std::move(j);
  }
}

Result<TableRefPtr> Parser::ParseRelationPrimary() {
  Nest nest(this);
  RETURN_NOT_OK(nest.Check());
  const Token& t = Peek();
  TableRefPtr ref;
  if (t.Is("VALUES")) {
    ref = NewRef(TableRefKind::kSubquery, t);
    ref->subquery = std::make_unique<Query>();
    ref->subquery->position = t.position;
    ASSIGN_OR_RAISE(ref->subquery->body, ParseValuesBody());
  } else if (t.kind == TokenKind::kLeftParen) {
    size_t k = 1;
    while (Is(TokenKind::kLeftParen, k)) ++k;
    size_t open = pos();
    Advance();
    if (StartsQuery(k - 1)) {
      ref = NewRef(TableRefKind::kSubquery, t);
      ASSIGN_OR_RAISE(ref->subquery, ParseQuery());
      RETURN_NOT_OK(ExpectClose(open));
    } else {
      ASSIGN_OR_RAISE(ref, ParseRelation());
      RETURN_NOT_OK(ExpectClose(open));
      if (!ref->alias.empty() && (IsWord("AS") || (IsName() && !IsClauseKeyword(Peek())))) {
        return Unsupported(pos(), "A second alias of an aliased table");
      }
    }
  } else if (t.Is("TABLE") && Is(TokenKind::kLeftParen, 1) && IsName(2) &&
             Is(TokenKind::kLeftParen, 3)) {
    // Flink's TABLE(TUMBLE(...)): the same as the table function call inside.
    Advance();
    size_t open = pos();
    Advance();
    size_t first = pos();
    ASSIGN_OR_RAISE(std::vector<std::string> names, ParseQualifiedName());
    ASSIGN_OR_RAISE(ref, ParseTableFunction(std::move(names), first));
    RETURN_NOT_OK(ExpectClose(open));
  } else if (IsName()) {
    size_t first = pos();
    ASSIGN_OR_RAISE(std::vector<std::string> names, ParseQualifiedName());
    if (Is(TokenKind::kLeftParen)) {
      ASSIGN_OR_RAISE(ref, ParseTableFunction(std::move(names), first));
    } else {
      ref = NewRef(TableRefKind::kNamed, t);
      ref->names = std::move(names);
    }
  } else {
    return Unexpected();
  }
  if (IsWord("TABLESAMPLE")) return Unsupported(pos(), "TABLESAMPLE");
  if (IsWord("PIVOT") || IsWord("UNPIVOT")) return Unsupported(pos(), Peek().text);
  RETURN_NOT_OK(ParseTableAlias(ref.get()));
  return ref;
}

Status Parser::ParseTableAlias(TableRef* ref) {
  if (AcceptWord("AS")) {
    if (IsClauseKeyword(Peek())) return SyntaxErrorAt(pos(), "", "an alias is expected after AS");
    ASSIGN_OR_RAISE(ref->alias, ParseIdentifier("an alias"));
  } else if (IsName() && !IsClauseKeyword(Peek())) {
    NoteBareAlias(pos());
    ASSIGN_OR_RAISE(ref->alias, ParseIdentifier());
  } else {
    return Status::OK();
  }
  if (Is(TokenKind::kLeftParen)) {
    ASSIGN_OR_RAISE(ref->column_aliases, ParseIdentifierList());
  }
  return Status::OK();
}

Result<TableRefPtr> Parser::ParseTableFunction(std::vector<std::string> name, size_t first) {
  auto ref = NewRef(TableRefKind::kTableFunction, tokens_at(first));
  ref->names = std::move(name);
  size_t open = pos();
  Advance();  // (
  if (Accept(TokenKind::kRightParen)) return ref;
  do {
    TableFunctionArg arg;
    arg.position = Peek().position;
    if (IsName() && Is(TokenKind::kFatArrow, 1)) {
      ASSIGN_OR_RAISE(arg.name, ParseIdentifier());
      Advance();  // =>
    }
    if (IsWord("TABLE") && (IsName(1) || Is(TokenKind::kLeftParen, 1))) {
      arg.kind = TableFunctionArg::Kind::kTable;
      const Token& at = Peek();
      Advance();
      if (Is(TokenKind::kLeftParen) && StartsQuery(1)) {
        size_t sub_open = pos();
        Advance();
        arg.table = NewRef(TableRefKind::kSubquery, at);
        ASSIGN_OR_RAISE(arg.table->subquery, ParseQuery());
        RETURN_NOT_OK(ExpectClose(sub_open));
      } else {
        size_t sub_open = pos();
        bool paren = Accept(TokenKind::kLeftParen);
        arg.table = NewRef(TableRefKind::kNamed, Peek());
        ASSIGN_OR_RAISE(arg.table->names, ParseQualifiedName());
        if (paren) RETURN_NOT_OK(ExpectClose(sub_open));
      }
      if (IsWord("PARTITION") || IsWord("DISTRIBUTE") || IsWord("WITH")) {
        return Unsupported(pos(), "Partitioning a table argument");
      }
    } else if (IsWord("DESCRIPTOR") && Is(TokenKind::kLeftParen, 1)) {
      arg.kind = TableFunctionArg::Kind::kDescriptor;
      Advance();
      ASSIGN_OR_RAISE(arg.descriptor, ParseIdentifierList());
    } else {
      ASSIGN_OR_RAISE(arg.expr, ParseExpr());
    }
    ref->function_args.push_back(std::move(arg));
  } while (Accept(TokenKind::kComma));
  if (!Is(TokenKind::kRightParen)) return ListError(open, "table function arguments");
  Advance();
  return ref;
}

// ---------------------------------------------------------------------------
// GROUP BY

namespace {

// A grouping set element: (a, b), (), or a.
Result<std::vector<SqlExprPtr>> ParseGroupingSet(Parser& p) {
  std::vector<SqlExprPtr> out;
  if (p.Is(TokenKind::kLeftParen) && p.Is(TokenKind::kRightParen, 1)) {
    p.Advance(2);
    return out;
  }
  ASSIGN_OR_RAISE(SqlExprPtr e, p.ParseExpr());
  if (e->kind == SqlExprKind::kRow) {
    out = std::move(e->children);
  } else {
    out.push_back(std::move(e));
  }
  return out;
}

// The text of `e` without parentheses around the whole of it: `((a))` is `a`.
std::string_view CoreText(std::string_view sql, const SqlExpr& e) {
  std::string_view t = sql.substr(e.begin, e.end - e.begin);
  while (t.size() >= 2 && t.front() == '(' && t.back() == ')') {
    int depth = 0;
    char quote = 0;
    size_t close = 0;
    for (size_t i = 0; i < t.size() && close == 0; ++i) {
      char c = t[i];
      if (quote) {
        if (c == '\\')
          ++i;
        else if (c == quote)
          quote = 0;
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        close = i;
      }
    }
    if (close != t.size() - 1) break;
    t = t.substr(1, t.size() - 2);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  }
  return t;
}

// Adds `e` to `exprs` unless an expression with the same text is there; returns its
// index.
int Intern(std::string_view sql, std::vector<SqlExprPtr>* exprs, SqlExprPtr e) {
  std::string_view text = CoreText(sql, *e);
  for (size_t i = 0; i < exprs->size(); ++i) {
    if (CoreText(sql, *(*exprs)[i]) == text) return static_cast<int>(i);
  }
  exprs->push_back(std::move(e));
  return static_cast<int>(exprs->size() - 1);
}

}  // namespace

Status Parser::ParseGroupBy(QueryNode* node) {
  GroupBy g;
  if (IsWord("ALL") && !Is(TokenKind::kLeftParen, 1) && !Is(TokenKind::kDot, 1) &&
      !CanStartExpressionOrParen(1) && !Is(TokenKind::kComma, 1)) {
    Advance();
    g.all = true;
    node->group_by = std::move(g);
    return Status::OK();
  }
  bool analytics = false, plain = false;
  do {
    bool rollup = IsWord("ROLLUP") || IsWord("CUBE");
    bool sets = IsWord("GROUPING") && IsWord("SETS", 1);
    if ((rollup && Is(TokenKind::kLeftParen, 1)) || (sets && Is(TokenKind::kLeftParen, 2))) {
      if (analytics || plain) {
        return Unsupported(pos(), "Mixing ROLLUP, CUBE or GROUPING SETS with other grouping");
      }
      analytics = true;
      g.kind = sets               ? GroupingKind::kGroupingSets
               : IsWord("ROLLUP") ? GroupingKind::kRollup
                                  : GroupingKind::kCube;
      Advance(sets ? 2 : 1);
      size_t open = pos();
      Advance();
      do {
        size_t at = pos();
        ASSIGN_OR_RAISE(std::vector<SqlExprPtr> set, ParseGroupingSet(*this));
        if (!sets && set.size() != 1) {
          return Unsupported(at, "A composite column in ROLLUP or CUBE");
        }
        std::vector<int> indices;
        for (SqlExprPtr& e : set) indices.push_back(Intern(sql(), &g.exprs, std::move(e)));
        if (sets) g.sets.push_back(std::move(indices));
      } while (Accept(TokenKind::kComma));
      RETURN_NOT_OK(ExpectClose(open));
      continue;
    }
    if (analytics)
      return Unsupported(pos(), "Mixing ROLLUP, CUBE or GROUPING SETS with other grouping");
    plain = true;
    ASSIGN_OR_RAISE(SqlExprPtr e, ParseExpr());
    g.exprs.push_back(std::move(e));
  } while (Accept(TokenKind::kComma));
  if (plain && IsWord("WITH") && (IsWord("ROLLUP", 1) || IsWord("CUBE", 1))) {
    g.kind = IsWord("ROLLUP", 1) ? GroupingKind::kRollup : GroupingKind::kCube;
    Advance(2);
  } else if (plain && IsWord("GROUPING") && IsWord("SETS", 1)) {  // Hive's form
    Advance(2);
    size_t open = pos();
    RETURN_NOT_OK(Expect(TokenKind::kLeftParen));
    g.kind = GroupingKind::kGroupingSets;
    do {
      ASSIGN_OR_RAISE(std::vector<SqlExprPtr> set, ParseGroupingSet(*this));
      std::vector<int> indices;
      for (SqlExprPtr& e : set) indices.push_back(Intern(sql(), &g.exprs, std::move(e)));
      g.sets.push_back(std::move(indices));
    } while (Accept(TokenKind::kComma));
    RETURN_NOT_OK(ExpectClose(open));
  }
  node->group_by = std::move(g);
  return Status::OK();
}

}  // namespace weir::sql::internal

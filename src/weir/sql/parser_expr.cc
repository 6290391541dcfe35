// Expressions: Spark's booleanExpression / predicate / valueExpression levels, with
// the value-level binary operators parsed by precedence climbing. Lowest to highest:
//   OR; AND; NOT; predicates (IS, BETWEEN, IN, LIKE) applied to a whole value
//   expression; comparison; |; ^; &; << >> >>>; + - ||; * / % DIV; unary - + ~;
//   postfix [i], .field, ::type.

#include "weir/sql/parser_internal.h"

namespace weir::sql::internal {

namespace {

struct BinaryOpInfo {
  BinaryOp op;
  int prec;       // 1 = comparison ... 7 = multiplicative
  size_t tokens;  // how many tokens the operator spans (>> is two, >>> three)
};

// Adjacent '>' tokens form >> and >>>.
bool Adjacent(const Token& a, const Token& b) {
  return b.kind == TokenKind::kGt && a.offset + a.length() == b.offset;
}

bool PeekBinaryOp(const Parser& p, BinaryOpInfo* info) {
  const Token& t = p.Peek();
  switch (t.kind) {
    case TokenKind::kEq:
      *info = {BinaryOp::kEq, 1, 1};
      return true;
    case TokenKind::kNullSafeEq:
      *info = {BinaryOp::kNullSafeEq, 1, 1};
      return true;
    case TokenKind::kNe:
      *info = {BinaryOp::kNe, 1, 1};
      return true;
    case TokenKind::kLt:
      *info = {BinaryOp::kLt, 1, 1};
      return true;
    case TokenKind::kLe:
      *info = {BinaryOp::kLe, 1, 1};
      return true;
    case TokenKind::kGe:
      *info = {BinaryOp::kGe, 1, 1};
      return true;
    case TokenKind::kGt:
      if (Adjacent(t, p.Peek(1))) {
        if (Adjacent(p.Peek(1), p.Peek(2))) {
          *info = {BinaryOp::kShiftRightUnsigned, 5, 3};
        } else {
          *info = {BinaryOp::kShiftRight, 5, 2};
        }
      } else {
        *info = {BinaryOp::kGt, 1, 1};
      }
      return true;
    case TokenKind::kPipe:
      *info = {BinaryOp::kBitOr, 2, 1};
      return true;
    case TokenKind::kCaret:
      *info = {BinaryOp::kBitXor, 3, 1};
      return true;
    case TokenKind::kAmpersand:
      *info = {BinaryOp::kBitAnd, 4, 1};
      return true;
    case TokenKind::kShiftLeft:
      *info = {BinaryOp::kShiftLeft, 5, 1};
      return true;
    case TokenKind::kPlus:
      *info = {BinaryOp::kAdd, 6, 1};
      return true;
    case TokenKind::kMinus:
      *info = {BinaryOp::kSubtract, 6, 1};
      return true;
    case TokenKind::kConcat:
      *info = {BinaryOp::kConcat, 6, 1};
      return true;
    case TokenKind::kStar:
      *info = {BinaryOp::kMultiply, 7, 1};
      return true;
    case TokenKind::kSlash:
      *info = {BinaryOp::kDivide, 7, 1};
      return true;
    case TokenKind::kPercent:
      *info = {BinaryOp::kModulo, 7, 1};
      return true;
    case TokenKind::kIdentifier:
      if (t.Is("DIV")) {
        *info = {BinaryOp::kIntDivide, 7, 1};
        return true;
      }
      return false;
    default:
      return false;
  }
}

bool IsNumberToken(TokenKind k) {
  switch (k) {
    case TokenKind::kInteger:
    case TokenKind::kBigint:
    case TokenKind::kSmallint:
    case TokenKind::kTinyint:
    case TokenKind::kDecimal:
    case TokenKind::kExponent:
    case TokenKind::kFloat:
    case TokenKind::kDouble:
    case TokenKind::kBigDecimal:
      return true;
    default:
      return false;
  }
}

SqlExprPtr Binary(BinaryOp op, SqlExprPtr l, SqlExprPtr r) {
  auto e = std::make_unique<SqlExpr>(SqlExprKind::kBinary);
  e->position = l->position;
  e->begin = l->begin;
  e->end = r->end;
  e->binary_op = op;
  e->children.push_back(std::move(l));
  e->children.push_back(std::move(r));
  return e;
}

bool IsNot(const Token& t) { return t.Is("NOT") || t.kind == TokenKind::kBang; }

}  // namespace

SqlExprPtr Parser::NewExpr(SqlExprKind kind, size_t first_token) const {
  auto e = std::make_unique<SqlExpr>(kind);
  const Token& t = tokens_at(first_token);
  e->position = t.position;
  e->begin = t.offset;
  e->end = t.offset + t.length();
  return e;
}

// ---------------------------------------------------------------------------
// Boolean level

namespace {

// Parses NOT* (EXISTS (query) | value predicate?).
Result<SqlExprPtr> ParseNotLevel(Parser* p);

Result<SqlExprPtr> ParseBooleanRest(Parser* p, SqlExprPtr left, int min_prec) {
  // OR = 1, AND = 2; both left-associative.
  while (true) {
    int prec = p->IsWord("OR") ? 1 : p->IsWord("AND") ? 2 : 0;
    if (prec == 0 || prec < min_prec) return left;
    p->Advance();
    RETURN_NOT_OK(p->Grow());
    ASSIGN_OR_RAISE(SqlExprPtr right, ParseNotLevel(p));
    ASSIGN_OR_RAISE(right, ParseBooleanRest(p, std::move(right), prec + 1));
    left = Binary(prec == 1 ? BinaryOp::kOr : BinaryOp::kAnd, std::move(left), std::move(right));
  }
}

}  // namespace

Result<SqlExprPtr> Parser::ParseExpr() {
  Nest nest(this);
  RETURN_NOT_OK(nest.Check());
  ASSIGN_OR_RAISE(SqlExprPtr left, ParseNotLevel(this));
  return ParseBooleanRest(this, std::move(left), 1);
}

Result<SqlExprPtr> Parser::ContinueExpr(SqlExprPtr left) {
  ASSIGN_OR_RAISE(left, ContinueValue(std::move(left), 1));
  ASSIGN_OR_RAISE(left, ParsePredicate(std::move(left)));
  return ParseBooleanRest(this, std::move(left), 1);
}

namespace {

Result<SqlExprPtr> ParseNotLevel(Parser* p) {
  std::vector<size_t> nots;
  while (IsNot(p->Peek())) {
    nots.push_back(p->pos());
    p->Advance();
    RETURN_NOT_OK(p->Grow());
  }
  SqlExprPtr e;
  if (p->IsWord("EXISTS") && p->Is(TokenKind::kLeftParen, 1) && p->StartsQuery(2)) {
    size_t first = p->pos();
    p->Advance(2);
    e = p->NewExpr(SqlExprKind::kExists, first);
    ASSIGN_OR_RAISE(e->subquery, p->ParseQuery());
    RETURN_NOT_OK(p->ExpectClose(first + 1));
    p->Finish(e.get());
    if (!nots.empty()) {  // NOT EXISTS is one node
      e->negated = true;
      e->position = p->tokens_at(nots.back()).position;
      e->begin = p->tokens_at(nots.back()).offset;
      nots.pop_back();
    }
  } else {
    ASSIGN_OR_RAISE(e, p->ParseValue(1));
    ASSIGN_OR_RAISE(e, p->ParsePredicate(std::move(e)));
  }
  while (!nots.empty()) {
    auto n = p->NewExpr(SqlExprKind::kUnary, nots.back());
    nots.pop_back();
    n->unary_op = UnaryOp::kNot;
    n->end = e->end;
    n->children.push_back(std::move(e));
    e = std::move(n);
  }
  return e;
}

}  // namespace

// ---------------------------------------------------------------------------
// Predicates

Result<SqlExprPtr> Parser::ParsePredicate(SqlExprPtr left) {
  size_t first = pos();
  bool negated = false;
  if (IsWord("IS")) {
    Advance();
    if (IsNot(Peek())) {
      Advance();
      negated = true;
    }
    SqlExprPtr e;
    if (AcceptWord("NULL")) {
      e = NewExpr(SqlExprKind::kIsNull, first);
    } else if (IsWord("TRUE") || IsWord("FALSE") || IsWord("UNKNOWN")) {
      e = NewExpr(SqlExprKind::kIsBool, first);
      e->bool_test = IsWord("TRUE")    ? BoolTest::kTrue
                     : IsWord("FALSE") ? BoolTest::kFalse
                                       : BoolTest::kUnknown;
      Advance();
    } else if (IsWord("DISTINCT")) {
      Advance();
      RETURN_NOT_OK(ExpectWord("FROM"));
      e = NewExpr(SqlExprKind::kIsDistinctFrom, first);
      ASSIGN_OR_RAISE(SqlExprPtr right, ParseValue(1));
      e->children.push_back(std::move(right));
    } else {
      return Unexpected({"NULL", "TRUE", "FALSE", "UNKNOWN", "DISTINCT"});
    }
    e->negated = negated;
    e->position = left->position;
    e->begin = left->begin;
    e->children.insert(e->children.begin(), std::move(left));
    Finish(e.get());
    return e;
  }
  // [NOT] BETWEEN | IN | LIKE | ILIKE | RLIKE | REGEXP
  size_t k = 0;
  if (IsNot(Peek())) {
    negated = true;
    k = 1;
  }
  const Token& t = Peek(k);
  bool between = t.Is("BETWEEN"), in = t.Is("IN");
  bool like = t.Is("LIKE") || t.Is("ILIKE") || t.Is("RLIKE") || t.Is("REGEXP");
  if (!between && !in && !like) return left;
  Advance(k + 1);
  SqlExprPtr e;
  if (between) {
    e = NewExpr(SqlExprKind::kBetween, first);
    ASSIGN_OR_RAISE(SqlExprPtr low, ParseValue(1));
    RETURN_NOT_OK(ExpectWord("AND"));
    ASSIGN_OR_RAISE(SqlExprPtr high, ParseValue(1));
    e->children.push_back(std::move(low));
    e->children.push_back(std::move(high));
  } else if (in) {
    ASSIGN_OR_RAISE(e, ParseInTail(first));
  } else {
    e = NewExpr(SqlExprKind::kLike, first);
    e->like_kind = t.Is("ILIKE")  ? LikeKind::kILike
                   : t.Is("LIKE") ? LikeKind::kLike
                                  : LikeKind::kRLike;
    if (e->like_kind != LikeKind::kRLike && (IsWord("ANY") || IsWord("SOME") || IsWord("ALL")) &&
        Is(TokenKind::kLeftParen, 1)) {
      return Unsupported(pos(), "LIKE " + std::string(Peek().text) + " (...)");
    }
    ASSIGN_OR_RAISE(SqlExprPtr pattern, ParseValue(1));
    e->children.push_back(std::move(pattern));
    if (e->like_kind != LikeKind::kRLike && AcceptWord("ESCAPE")) {
      if (!Is(TokenKind::kString)) return SyntaxErrorAt(pos(), "ESCAPE needs a string");
      auto esc = NewExpr(SqlExprKind::kLiteral, pos());
      esc->value = Value::String(Peek().value);
      Advance();
      Finish(esc.get());
      e->children.push_back(std::move(esc));
    }
  }
  e->negated = negated;
  e->position = left->position;
  e->begin = left->begin;
  e->children.insert(e->children.begin(), std::move(left));
  Finish(e.get());
  return e;
}

// After `x [NOT] IN`: (query) or (e1, e2, ...).
Result<SqlExprPtr> Parser::ParseInTail(size_t first) {
  size_t open = pos();
  RETURN_NOT_OK(Expect(TokenKind::kLeftParen));
  if (StartsQuery()) {
    auto e = NewExpr(SqlExprKind::kInSubquery, first);
    ASSIGN_OR_RAISE(e->subquery, ParseQuery());
    RETURN_NOT_OK(ExpectClose(open));
    return e;
  }
  auto e = NewExpr(SqlExprKind::kInList, first);
  do {
    ASSIGN_OR_RAISE(SqlExprPtr item, ParseExpr());
    e->children.push_back(std::move(item));
  } while (Accept(TokenKind::kComma));
  if (!Is(TokenKind::kRightParen)) return ListError(open, "IN list items");
  Advance();
  return e;
}

// ---------------------------------------------------------------------------
// Value level

Result<SqlExprPtr> Parser::ParseValue(int min_prec) {
  ASSIGN_OR_RAISE(SqlExprPtr left, ParseUnary());
  return ContinueValue(std::move(left), min_prec);
}

Result<SqlExprPtr> Parser::ContinueValue(SqlExprPtr left, int min_prec) {
  BinaryOpInfo op;
  while (PeekBinaryOp(*this, &op) && op.prec >= min_prec) {
    Advance(op.tokens);
    RETURN_NOT_OK(Grow());
    ASSIGN_OR_RAISE(SqlExprPtr right, ParseValue(op.prec + 1));
    left = Binary(op.op, std::move(left), std::move(right));
  }
  return left;
}

Result<SqlExprPtr> Parser::ParseUnary() {
  std::vector<size_t> ops;
  while (Is(TokenKind::kMinus) || Is(TokenKind::kPlus) || Is(TokenKind::kTilde)) {
    ops.push_back(pos());
    Advance();
    RETURN_NOT_OK(Grow());
  }
  SqlExprPtr e;
  // `-1` is a negative literal, not a negation (Spark's `number: MINUS? INTEGER_VALUE`),
  // so -2147483648 is an INT.
  if (!ops.empty() && tokens_at(ops.back()).kind == TokenKind::kMinus &&
      IsNumberToken(Peek().kind)) {
    size_t minus = ops.back();
    ops.pop_back();
    ASSIGN_OR_RAISE(e, ParseNumber(/*negative=*/true, minus));
    ASSIGN_OR_RAISE(e, ParsePostfixOn(std::move(e), /*plain_name=*/false));
  } else {
    ASSIGN_OR_RAISE(e, ParsePostfix());
  }
  while (!ops.empty()) {
    size_t at = ops.back();
    ops.pop_back();
    auto u = NewExpr(SqlExprKind::kUnary, at);
    TokenKind k = tokens_at(at).kind;
    u->unary_op = k == TokenKind::kMinus  ? UnaryOp::kMinus
                  : k == TokenKind::kPlus ? UnaryOp::kPlus
                                          : UnaryOp::kBitNot;
    u->end = e->end;
    u->children.push_back(std::move(e));
    e = std::move(u);
  }
  return e;
}

Result<SqlExprPtr> Parser::ParsePostfix() {
  bool plain_name = false;
  ASSIGN_OR_RAISE(SqlExprPtr e, ParsePrimary(&plain_name));
  return ParsePostfixOn(std::move(e), plain_name);
}

Result<SqlExprPtr> Parser::ParsePostfixOn(SqlExprPtr e, bool plain_name) {
  while (true) {
    if (Is(TokenKind::kLeftBracket)) {
      size_t open = pos();
      Advance();
      RETURN_NOT_OK(Grow());
      auto s = NewExpr(SqlExprKind::kSubscript, open);
      s->position = e->position;
      s->begin = e->begin;
      ASSIGN_OR_RAISE(SqlExprPtr index, ParseExpr());
      if (!Accept(TokenKind::kRightBracket)) return SyntaxErrorAt(pos(), "missing ']'");
      s->children.push_back(std::move(e));
      s->children.push_back(std::move(index));
      Finish(s.get());
      e = std::move(s);
      plain_name = false;
    } else if (Is(TokenKind::kDot) && IsName(1)) {
      Advance();
      ASSIGN_OR_RAISE(std::string field, ParseIdentifier());
      if (plain_name) {
        e->names.push_back(std::move(field));
        Finish(e.get());
        continue;
      }
      RETURN_NOT_OK(Grow());
      auto f = NewExpr(SqlExprKind::kField, pos() - 1);
      f->position = e->position;
      f->begin = e->begin;
      f->names.push_back(std::move(field));
      f->children.push_back(std::move(e));
      Finish(f.get());
      e = std::move(f);
    } else if (Is(TokenKind::kDoubleColon)) {
      Advance();
      RETURN_NOT_OK(Grow());
      auto c = NewExpr(SqlExprKind::kCast, pos());
      c->position = e->position;
      c->begin = e->begin;
      ASSIGN_OR_RAISE(c->cast_type, ParseType());
      c->children.push_back(std::move(e));
      Finish(c.get());
      e = std::move(c);
      plain_name = false;
    } else {
      return e;
    }
  }
}

}  // namespace weir::sql::internal

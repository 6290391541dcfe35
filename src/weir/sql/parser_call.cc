// Function calls with DISTINCT / FILTER / IGNORE NULLS / OVER, window specifications,
// sort items, CAST, and the keyword forms Spark's grammar spells out (EXTRACT, POSITION, SUBSTRING,
// TRIM, OVERLAY, CURRENT_DATE, ...), desugared to function calls as ast.h lists.

#include <cctype>

#include "weir/sql/parser_internal.h"

namespace weir::sql::internal {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsWindowKeyword(const Token& t) {
  return t.Is("PARTITION") || t.Is("DISTRIBUTE") || t.Is("CLUSTER") || t.Is("ORDER") ||
         t.Is("SORT") || t.Is("ROWS") || t.Is("RANGE");
}

bool IsDatetimeUnit(std::string_view s) {
  for (std::string_view u : {"YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DAYOFYEAR", "HOUR",
                             "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"}) {
    if (EditDistance(s, u) == 0) return true;
  }
  return false;
}

SqlExprPtr StringLiteral(const SqlExpr& at, std::string s) {
  auto e = std::make_unique<SqlExpr>(SqlExprKind::kLiteral);
  e->position = at.position;
  e->begin = at.begin;
  e->end = at.end;
  e->value = Value::String(std::move(s));
  return e;
}

// TIMESTAMPADD(DAY, n, ts) and friends take a unit keyword: it becomes a string.
void RewriteUnitArgument(SqlExpr* call) {
  static constexpr std::string_view kNames[] = {
      "timestampadd", "dateadd", "date_add", "timestampdiff", "datediff", "date_diff", "timediff"};
  if (call->names.size() != 1 || call->children.size() != 3) return;
  std::string name = Lower(call->names[0]);
  bool match = false;
  for (std::string_view n : kNames) match = match || name == n;
  SqlExpr* unit = call->children[0].get();
  if (!match || unit->kind != SqlExprKind::kColumn || unit->names.size() != 1 ||
      !IsDatetimeUnit(unit->names[0])) {
    return;
  }
  std::string text;
  for (char c : unit->names[0])
    text += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  call->children[0] = StringLiteral(*unit, std::move(text));
}

// STRUCT(a AS x, b): named_struct('x', a, 'b', b), naming unaliased fields as Spark's
// CreateStruct does (a column by its name, anything else colN).
void RewriteStructAliases(SqlExpr* call, std::vector<std::string> aliases) {
  bool any = false;
  for (const std::string& a : aliases) any = any || !a.empty();
  if (!any) return;
  std::vector<SqlExprPtr> args;
  for (size_t i = 0; i < call->children.size(); ++i) {
    SqlExprPtr& child = call->children[i];
    std::string name = aliases[i];
    if (name.empty()) {
      name =
          child->kind == SqlExprKind::kColumn ? child->names.back() : "col" + std::to_string(i + 1);
    }
    args.push_back(StringLiteral(*child, std::move(name)));
    args.push_back(std::move(child));
  }
  call->names = {"named_struct"};
  call->children = std::move(args);
}

Result<SqlExprPtr> MakeCall(Parser& p, std::string name, size_t first,
                            std::vector<SqlExprPtr> args) {
  auto e = p.NewExpr(SqlExprKind::kFunction, first);
  e->names = {std::move(name)};
  e->children = std::move(args);
  p.Finish(e.get());
  return e;
}

}  // namespace

// ---------------------------------------------------------------------------
// Function calls

// The arguments of a call after its '(' (already consumed, at token `open`); when
// `first_arg` is given, its value-level prefix was already parsed.
Result<SqlExprPtr> Parser::ParseCallArgs(SqlExprPtr e, size_t open, SqlExprPtr first_arg) {
  bool is_struct = e->names.size() == 1 && Lower(e->names[0]) == "struct";
  std::vector<std::string> aliases;
  if (!first_arg && Accept(TokenKind::kRightParen)) return ParseCallSuffix(std::move(e));
  if (!first_arg && Is(TokenKind::kStar) && Is(TokenKind::kRightParen, 1)) {
    e->star_arg = true;
    Advance(2);
    return ParseCallSuffix(std::move(e));
  }
  if (!first_arg && (IsWord("DISTINCT") || IsWord("ALL")) && CanStartExpressionOrParen(1)) {
    e->distinct = IsWord("DISTINCT");
    Advance();
  }
  while (true) {
    if (!first_arg && IsName() && Is(TokenKind::kFatArrow, 1)) {
      return Unsupported(pos() + 1, "A named function argument (name => value)");
    }
    SqlExprPtr arg;
    if (first_arg) {
      ASSIGN_OR_RAISE(arg, ContinueExpr(std::move(first_arg)));
    } else {
      ASSIGN_OR_RAISE(arg, ParseExpr());
    }
    e->children.push_back(std::move(arg));
    std::string alias;
    if (is_struct && AcceptWord("AS")) {
      ASSIGN_OR_RAISE(alias, ParseIdentifier("a field name"));
    }
    aliases.push_back(std::move(alias));
    if (!Accept(TokenKind::kComma)) break;
  }
  if ((IsWord("IGNORE") || IsWord("RESPECT")) && IsWord("NULLS", 1)) {
    e->ignore_nulls = IsWord("IGNORE");
    Advance(2);
  }
  if (!Is(TokenKind::kRightParen)) return ListError(open, "function arguments");
  Advance();
  if (is_struct) RewriteStructAliases(e.get(), std::move(aliases));
  RewriteUnitArgument(e.get());
  return ParseCallSuffix(std::move(e));
}

bool Parser::CanStartExpressionOrParen(size_t k) const {
  return CanStartExpression(k) || Is(TokenKind::kLeftParen, k) || Is(TokenKind::kMinus, k) ||
         Is(TokenKind::kPlus, k) || Is(TokenKind::kTilde, k) || Is(TokenKind::kStar, k);
}

// WITHIN GROUP, FILTER (WHERE ..), IGNORE|RESPECT NULLS and OVER after a call's ')'.
Result<SqlExprPtr> Parser::ParseCallSuffix(SqlExprPtr e) {
  if (IsWord("WITHIN") && IsWord("GROUP", 1)) return Unsupported(pos(), "WITHIN GROUP");
  if (IsWord("FILTER") && Is(TokenKind::kLeftParen, 1) && IsWord("WHERE", 2)) {
    size_t open = pos() + 1;
    Advance(3);
    ASSIGN_OR_RAISE(e->filter, ParseExpr());
    RETURN_NOT_OK(ExpectClose(open));
  }
  if ((IsWord("IGNORE") || IsWord("RESPECT")) && IsWord("NULLS", 1)) {
    e->ignore_nulls = IsWord("IGNORE");
    Advance(2);
  }
  if (IsWord("OVER") && (Is(TokenKind::kLeftParen, 1) || IsName(1))) {
    Advance();
    ASSIGN_OR_RAISE(e->over, ParseWindowSpec());
  }
  Finish(e.get());
  return e;
}

Result<SqlExprPtr> Parser::ParseFunctionCall(std::vector<std::string> name, size_t first) {
  auto e = NewExpr(SqlExprKind::kFunction, first);
  e->names = std::move(name);
  size_t open = pos();
  RETURN_NOT_OK(Expect(TokenKind::kLeftParen));
  return ParseCallArgs(std::move(e), open, nullptr);
}

// ---------------------------------------------------------------------------
// Windows and sorting

Result<std::vector<SortItem>> Parser::ParseSortItems() {
  std::vector<SortItem> items;
  do {
    SortItem item;
    ASSIGN_OR_RAISE(item.expr, ParseExpr());
    if (AcceptWord("DESC")) {
      item.ascending = false;
    } else {
      AcceptWord("ASC");
    }
    if (AcceptWord("NULLS")) {
      if (AcceptWord("FIRST")) {
        item.nulls_first = true;
      } else if (AcceptWord("LAST")) {
        item.nulls_first = false;
      } else {
        return Unexpected({"FIRST", "LAST"});
      }
    }
    items.push_back(std::move(item));
  } while (Accept(TokenKind::kComma));
  return items;
}

namespace {

Result<FrameBound> ParseFrameBound(Parser& p) {
  FrameBound b;
  if (p.AcceptWord("UNBOUNDED")) {
    if (p.AcceptWord("PRECEDING")) {
      b.kind = FrameBoundKind::kUnboundedPreceding;
    } else if (p.AcceptWord("FOLLOWING")) {
      b.kind = FrameBoundKind::kUnboundedFollowing;
    } else {
      return p.Unexpected({"PRECEDING", "FOLLOWING"});
    }
    return b;
  }
  if (p.IsWord("CURRENT") && p.IsWord("ROW", 1)) {
    p.Advance(2);
    b.kind = FrameBoundKind::kCurrentRow;
    return b;
  }
  ASSIGN_OR_RAISE(b.offset, p.ParseValue(1));
  if (p.AcceptWord("PRECEDING")) {
    b.kind = FrameBoundKind::kPreceding;
  } else if (p.AcceptWord("FOLLOWING")) {
    b.kind = FrameBoundKind::kFollowing;
  } else {
    return p.Unexpected({"PRECEDING", "FOLLOWING"});
  }
  return b;
}

Result<WindowFrame> ParseFrame(Parser& p) {
  WindowFrame f;
  f.position = p.Peek().position;
  f.unit = p.IsWord("ROWS") ? FrameUnit::kRows : FrameUnit::kRange;
  p.Advance();
  if (p.AcceptWord("BETWEEN")) {
    ASSIGN_OR_RAISE(f.start, ParseFrameBound(p));
    RETURN_NOT_OK(p.ExpectWord("AND"));
    ASSIGN_OR_RAISE(f.end, ParseFrameBound(p));
  } else {
    ASSIGN_OR_RAISE(f.start, ParseFrameBound(p));
    f.end.kind = FrameBoundKind::kCurrentRow;
  }
  return f;
}

}  // namespace

Result<std::unique_ptr<WindowSpec>> Parser::ParseWindowSpec() {
  auto spec = std::make_unique<WindowSpec>();
  spec->position = Peek().position;
  if (!Is(TokenKind::kLeftParen)) {
    ASSIGN_OR_RAISE(spec->base_name, ParseIdentifier("a window name"));
    return spec;
  }
  size_t open = pos();
  Advance();
  if (IsName() && !IsWindowKeyword(Peek()) &&
      (Is(TokenKind::kRightParen, 1) || IsWindowKeyword(Peek(1)))) {
    ASSIGN_OR_RAISE(spec->base_name, ParseIdentifier());
  }
  if ((IsWord("PARTITION") || IsWord("DISTRIBUTE") || IsWord("CLUSTER")) && IsWord("BY", 1)) {
    Advance(2);
    do {
      ASSIGN_OR_RAISE(SqlExprPtr e, ParseExpr());
      spec->partition_by.push_back(std::move(e));
    } while (Accept(TokenKind::kComma));
  }
  if ((IsWord("ORDER") || IsWord("SORT")) && IsWord("BY", 1)) {
    Advance(2);
    ASSIGN_OR_RAISE(spec->order_by, ParseSortItems());
  }
  if (IsWord("ROWS") || IsWord("RANGE")) {
    ASSIGN_OR_RAISE(spec->frame, ParseFrame(*this));
  }
  if (!Is(TokenKind::kRightParen)) {
    if (Peek().kind == TokenKind::kEnd) return ExpectClose(open);
    return Unexpected({"PARTITION", "ORDER", "ROWS", "RANGE"});
  }
  Advance();
  return spec;
}

// ---------------------------------------------------------------------------
// Keyword forms

Result<SqlExprPtr> Parser::ParseSpecialForm(std::string_view word, size_t first, bool* handled) {
  *handled = true;
  size_t open = pos() + 1;
  if (EditDistance(word, "CAST") == 0 || EditDistance(word, "TRY_CAST") == 0) {
    Advance(2);
    auto e = NewExpr(SqlExprKind::kCast, first);
    e->try_cast = word.size() > 4;
    ASSIGN_OR_RAISE(SqlExprPtr operand, ParseExpr());
    e->children.push_back(std::move(operand));
    RETURN_NOT_OK(ExpectWord("AS"));
    ASSIGN_OR_RAISE(e->cast_type, ParseType());
    RETURN_NOT_OK(ExpectClose(open));
    Finish(e.get());
    return e;
  }
  if (EditDistance(word, "EXTRACT") == 0 && (IsName(2) || Is(TokenKind::kString, 2)) &&
      IsWord("FROM", 3)) {
    Advance(2);
    auto field = NewExpr(SqlExprKind::kLiteral, pos());
    field->value = Value::String(Peek().value.empty() ? std::string(Peek().text) : Peek().value);
    Advance(2);
    ASSIGN_OR_RAISE(SqlExprPtr source, ParseValue(1));
    RETURN_NOT_OK(ExpectClose(open));
    std::vector<SqlExprPtr> args;
    args.push_back(std::move(field));
    args.push_back(std::move(source));
    return MakeCall(*this, "date_part", first, std::move(args));
  }
  if (EditDistance(word, "TRIM") == 0) return ParseTrim(first, handled);
  bool position = EditDistance(word, "POSITION") == 0;
  bool substring = EditDistance(word, "SUBSTRING") == 0 || EditDistance(word, "SUBSTR") == 0;
  bool overlay = EditDistance(word, "OVERLAY") == 0;
  if (!position && !substring && !overlay) {
    *handled = false;
    return SqlExprPtr();
  }
  if (Is(TokenKind::kRightParen, 2) || Is(TokenKind::kStar, 2) || IsWord("DISTINCT", 2)) {
    *handled = false;
    return SqlExprPtr();
  }
  Advance(2);
  ASSIGN_OR_RAISE(SqlExprPtr a, ParseValue(1));
  std::string_view sep = position ? "IN" : substring ? "FROM" : "PLACING";
  if (!AcceptWord(sep)) {
    // The ordinary call form: position(a, b), substring(s, p, l), overlay(...).
    auto e = NewExpr(SqlExprKind::kFunction, first);
    e->names = {std::string(tokens_at(first).text)};
    return ParseCallArgs(std::move(e), open, std::move(a));
  }
  std::vector<SqlExprPtr> args;
  args.push_back(std::move(a));
  ASSIGN_OR_RAISE(SqlExprPtr b, ParseValue(1));
  args.push_back(std::move(b));
  if (overlay) {
    RETURN_NOT_OK(ExpectWord("FROM"));
    ASSIGN_OR_RAISE(SqlExprPtr c, ParseValue(1));
    args.push_back(std::move(c));
  }
  if (!position && AcceptWord("FOR")) {
    ASSIGN_OR_RAISE(SqlExprPtr len, ParseValue(1));
    args.push_back(std::move(len));
  }
  RETURN_NOT_OK(ExpectClose(open));
  return MakeCall(*this,
                  position    ? "locate"
                  : substring ? "substring"
                              : "overlay",
                  first, std::move(args));
}

// TRIM([BOTH|LEADING|TRAILING] [chars] FROM str) -> trim|ltrim|rtrim(chars, str), the
// argument order of the registry's two-argument trim (Spark's StringTrim(trimStr, str)).
Result<SqlExprPtr> Parser::ParseTrim(size_t first, bool* handled) {
  size_t open = pos() + 1;
  std::string name = "trim";
  bool option = false;
  if (IsWord("BOTH", 2) || IsWord("LEADING", 2) || IsWord("TRAILING", 2)) {
    if (IsWord("LEADING", 2)) name = "ltrim";
    if (IsWord("TRAILING", 2)) name = "rtrim";
    option = !Is(TokenKind::kComma, 3) && !Is(TokenKind::kRightParen, 3);
  }
  if (!option && (Is(TokenKind::kRightParen, 2) || Is(TokenKind::kStar, 2))) {
    *handled = false;
    return SqlExprPtr();
  }
  Advance(option ? 3 : 2);
  std::vector<SqlExprPtr> args;
  if (!AcceptWord("FROM")) {
    ASSIGN_OR_RAISE(SqlExprPtr chars, ParseValue(1));
    if (!AcceptWord("FROM")) {
      if (option) return ExpectWord("FROM");
      auto e = NewExpr(SqlExprKind::kFunction, first);
      e->names = {std::string(tokens_at(first).text)};
      return ParseCallArgs(std::move(e), open, std::move(chars));
    }
    args.push_back(std::move(chars));
  }
  ASSIGN_OR_RAISE(SqlExprPtr str, ParseValue(1));
  args.push_back(std::move(str));
  RETURN_NOT_OK(ExpectClose(open));
  return MakeCall(*this, name, first, std::move(args));
}

}  // namespace weir::sql::internal

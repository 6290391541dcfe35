// Entry points of the parser, token helpers and error reporting. The grammar lives in
// the other parser_*.cc files (see parser_internal.h).

#include "weir/sql/parser.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "weir/sql/parser_internal.h"

namespace weir::sql {

namespace internal {

namespace {

constexpr size_t kNpos = static_cast<size_t>(-1);

constexpr std::array<std::string_view, 34> kClauseKeywords = {
    "SELECT",    "FROM",   "WHERE",   "GROUP",       "HAVING",   "WINDOW", "QUALIFY",
    "ORDER",     "SORT",   "CLUSTER", "DISTRIBUTE",  "LIMIT",    "OFFSET", "UNION",
    "INTERSECT", "EXCEPT", "MINUS",   "LATERAL",     "JOIN",     "INNER",  "CROSS",
    "LEFT",      "RIGHT",  "FULL",    "NATURAL",     "SEMI",     "ANTI",   "ON",
    "USING",     "PIVOT",  "UNPIVOT", "TABLESAMPLE", "SETMINUS", "INTO"};

// Keywords a misspelling is compared with when nothing more specific is expected.
constexpr std::array<std::string_view, 24> kHintKeywords = {
    "SELECT", "FROM",      "WHERE",  "GROUP",  "HAVING",  "ORDER",   "LIMIT",    "OFFSET",
    "UNION",  "INTERSECT", "EXCEPT", "JOIN",   "INNER",   "CROSS",   "LEFT",     "RIGHT",
    "OUTER",  "NATURAL",   "USING",  "WINDOW", "QUALIFY", "LATERAL", "DISTINCT", "BETWEEN"};

// The closest keyword to `word` among `candidates` within a distance that makes the
// suggestion plausible, or empty.
std::string_view ClosestKeyword(std::string_view word, const std::string_view* begin,
                                const std::string_view* end) {
  if (word.size() < 2) return {};
  std::string_view best;
  int best_d = 3;
  for (const std::string_view* it = begin; it != end; ++it) {
    int d = EditDistance(word, *it);
    if (d == 0) return {};
    int limit = std::max(word.size(), it->size()) <= 4 ? 1 : 2;
    if (d <= limit && d < best_d) {
      best = *it;
      best_d = d;
    }
  }
  return best;
}

}  // namespace

bool IsClauseKeyword(const Token& tok) {
  if (tok.kind != TokenKind::kIdentifier) return false;
  for (std::string_view kw : kClauseKeywords) {
    if (tok.Is(kw)) return true;
  }
  return false;
}

int EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment: insertions, deletions, substitutions and transpositions
  // of adjacent letters (FORM -> FROM is one edit).
  if (a.size() > 64 || b.size() > 64) return 100;
  auto same = [&](size_t i, size_t j) {
    return std::toupper(static_cast<unsigned char>(a[i])) ==
           std::toupper(static_cast<unsigned char>(b[j]));
  };
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same(i - 1, j - 1) ? 0 : 1)});
      if (i > 1 && j > 1 && same(i - 1, j - 2) && same(i - 2, j - 1)) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

Parser::Parser(std::string_view sql, std::vector<Token> tokens, const sql::ParseOptions& options)
    : sql_(sql), options_(options), tokens_(std::move(tokens)) {}

// ---------------------------------------------------------------------------
// Tokens

const Token& Parser::Peek(size_t k) const {
  size_t i = pos_ + k;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

void Parser::Advance(size_t n) { pos_ = std::min(pos_ + n, tokens_.size() - 1); }

bool Parser::Accept(TokenKind kind) {
  if (!Is(kind)) return false;
  Advance();
  return true;
}

bool Parser::AcceptWord(std::string_view word) {
  if (!IsWord(word)) return false;
  Advance();
  return true;
}

bool Parser::IsName(size_t k) const {
  TokenKind kind = Peek(k).kind;
  return kind == TokenKind::kIdentifier || kind == TokenKind::kQuotedIdentifier;
}

bool Parser::StartsQuery(size_t k) const {
  const Token& t = Peek(k);
  if (t.Is("SELECT") || t.Is("WITH") || t.Is("VALUES") || t.Is("FROM")) return true;
  return t.Is("TABLE") && (Peek(k + 1).kind == TokenKind::kIdentifier ||
                           Peek(k + 1).kind == TokenKind::kQuotedIdentifier);
}

bool Parser::CanStartExpression(size_t k) const {
  const Token& t = Peek(k);
  switch (t.kind) {
    case TokenKind::kIdentifier:
      // `window(...)` and `window.start`: the time window function and its column.
      if (t.Is("WINDOW") && (Is(TokenKind::kLeftParen, k + 1) || Is(TokenKind::kDot, k + 1))) {
        return true;
      }
      return !IsClauseKeyword(t);
    case TokenKind::kQuotedIdentifier:
    case TokenKind::kString:
    case TokenKind::kBinary:
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

size_t Parser::PrevEnd() const {
  if (pos_ == 0) return 0;
  const Token& t = tokens_[pos_ - 1];
  return t.offset + t.length();
}

// ---------------------------------------------------------------------------
// Errors

Status Parser::ErrorAtToken(size_t index, std::string message, std::string hint) {
  const Token& t = tokens_[std::min(index, tokens_.size() - 1)];
  Status st = Status::InvalidSql(std::move(message)).WithPosition(t.position);
  return hint.empty() ? st : st.WithHint(std::move(hint));
}

Status Parser::SyntaxErrorAt(size_t index, std::string_view detail, std::string hint) {
  const Token& t = tokens_[std::min(index, tokens_.size() - 1)];
  std::string msg = "[PARSE_SYNTAX_ERROR] Syntax error at or near ";
  if (t.kind == TokenKind::kEnd) {
    msg += "end of input";
  } else {
    msg += "'";
    msg += t.text.size() > 64 ? std::string(t.text.substr(0, 64)) + "..." : std::string(t.text);
    msg += "'";
  }
  if (!detail.empty()) {
    msg += ": ";
    msg += detail;
  }
  msg += ".";
  return ErrorAtToken(index, std::move(msg), std::move(hint));
}

Status Parser::Unexpected(std::initializer_list<std::string_view> expected) {
  // `SELECT a FORM t`: FORM was taken as an alias of `a`, and `t` is what fails.
  if (bare_alias_ != kNpos && bare_alias_ + 1 == pos_) {
    std::string_view kw = ClosestKeyword(tokens_[bare_alias_].text, kHintKeywords.data(),
                                         kHintKeywords.data() + kHintKeywords.size());
    if (!kw.empty()) {
      return SyntaxErrorAt(bare_alias_, "", "did you mean " + std::string(kw) + "?");
    }
  }
  const Token& t = Peek();
  if (t.kind == TokenKind::kIdentifier) {
    std::string_view kw = ClosestKeyword(t.text, expected.begin(), expected.end());
    if (kw.empty()) {
      kw =
          ClosestKeyword(t.text, kHintKeywords.data(), kHintKeywords.data() + kHintKeywords.size());
    }
    if (!kw.empty()) return SyntaxErrorAt(pos_, "", "did you mean " + std::string(kw) + "?");
  }
  return SyntaxErrorAt(pos_);
}

Status Parser::ExpectWord(std::string_view word) {
  if (AcceptWord(word)) return Status::OK();
  const Token& t = Peek();
  if (t.kind == TokenKind::kIdentifier) {
    std::string_view w[] = {word};
    if (!ClosestKeyword(t.text, w, w + 1).empty()) {
      return SyntaxErrorAt(pos_, "", "did you mean " + std::string(word) + "?");
    }
  }
  return SyntaxErrorAt(pos_, "missing '" + std::string(word) + "'");
}

Status Parser::Expect(TokenKind kind) {
  if (Accept(kind)) return Status::OK();
  return SyntaxErrorAt(pos_, "missing " + std::string(TokenKindName(kind)));
}

Status Parser::ExpectClose(size_t open) {
  if (Accept(TokenKind::kRightParen)) return Status::OK();
  const SourcePosition& p = tokens_[open].position;
  return SyntaxErrorAt(pos_, "missing ')'",
                       "the '(' at line " + std::to_string(p.line) + ", column " +
                           std::to_string(p.column) + " is not closed");
}

Status Parser::ListError(size_t open, std::string_view what) {
  if (CanStartExpression()) {
    return SyntaxErrorAt(pos_, "",
                         "is a comma missing between " + std::string(what) + " before '" +
                             std::string(Peek().text) + "'?");
  }
  return ExpectClose(open);
}

Status Parser::Unsupported(size_t index, std::string_view what) {
  return ErrorAtToken(index, std::string(what) + " is not supported");
}

Status Parser::Nest::Check() const {
  if (p_->depth_ > kMaxNestingDepth || p_->height_ > kMaxTreeHeight) {
    return p_->ErrorAtToken(p_->pos_, "The SQL text is nested too deeply (more than " +
                                          std::to_string(kMaxNestingDepth) +
                                          " levels of parentheses or subqueries)");
  }
  return Status::OK();
}

Status Parser::Grow() {
  if (++height_ > kMaxTreeHeight) {
    return ErrorAtToken(pos_, "The expression is too deep (more than " +
                                  std::to_string(kMaxTreeHeight) +
                                  " chained operators); split it or use IN (...)");
  }
  return Status::OK();
}

Status Parser::TrailingInputError() {
  if (Is(TokenKind::kRightParen)) return SyntaxErrorAt(pos_, "extra input ')'");
  return Unexpected();
}

bool Parser::SkipSemicolons() {
  bool any = false;
  while (Accept(TokenKind::kSemicolon)) any = true;
  return any;
}

// ---------------------------------------------------------------------------
// Names

Result<std::string> Parser::ParseIdentifier(std::string_view what) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier) {
    Advance();
    return t.value.empty() ? std::string(t.text) : t.value;
  }
  return SyntaxErrorAt(pos_, "expected " + std::string(what));
}

Result<std::vector<std::string>> Parser::ParseQualifiedName() {
  std::vector<std::string> parts;
  ASSIGN_OR_RAISE(std::string first, ParseIdentifier("a name"));
  parts.push_back(std::move(first));
  while (Is(TokenKind::kDot) && IsName(1)) {
    Advance();
    ASSIGN_OR_RAISE(std::string part, ParseIdentifier());
    parts.push_back(std::move(part));
  }
  return parts;
}

Result<std::vector<std::string>> Parser::ParseIdentifierList() {
  size_t open = pos_;
  RETURN_NOT_OK(Expect(TokenKind::kLeftParen));
  std::vector<std::string> names;
  do {
    ASSIGN_OR_RAISE(std::string name, ParseIdentifier("a column name"));
    names.push_back(std::move(name));
  } while (Accept(TokenKind::kComma));
  if (!Is(TokenKind::kRightParen)) return ListError(open, "names");
  Advance();
  return names;
}

// ---------------------------------------------------------------------------
// Statements and expressions as wholes

Result<StatementPtr> Parser::ParseStatement() {
  size_t first = pos_;
  ASSIGN_OR_RAISE(StatementPtr st, ParseStatementBody());
  st->position = tokens_[first].position;
  st->begin = tokens_[first].offset;
  st->end = PrevEnd();
  return st;
}

Result<SqlExprPtr> Parser::ParseStandaloneExpression() {
  if (AtEnd()) return SyntaxErrorAt(pos_);
  ASSIGN_OR_RAISE(SqlExprPtr e, ParseExpr());
  if (!AtEnd()) return TrailingInputError();
  return e;
}

size_t Parser::StatementEndOffset() const {
  int depth = 0;
  for (size_t i = pos_; i < tokens_.size(); ++i) {
    const Token& t = tokens_[i];
    if (t.kind == TokenKind::kLeftParen) ++depth;
    if (t.kind == TokenKind::kRightParen && depth > 0) --depth;
    if ((t.kind == TokenKind::kSemicolon && depth == 0) || t.kind == TokenKind::kEnd) {
      return t.offset;
    }
  }
  return sql_.size();
}

}  // namespace internal

namespace {

Result<internal::Parser> MakeParser(std::string_view sql, const ParseOptions& options) {
  ASSIGN_OR_RAISE(std::vector<Token> tokens, Tokenize(sql));
  return internal::Parser(sql, std::move(tokens), options);
}

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<StatementPtr>> ParseScript(std::string_view sql, const ParseOptions& options) {
  ASSIGN_OR_RAISE(internal::Parser p, MakeParser(sql, options));
  std::vector<StatementPtr> out;
  p.SkipSemicolons();
  while (!p.AtEnd()) {
    ASSIGN_OR_RAISE(StatementPtr st, p.ParseStatement());
    out.push_back(std::move(st));
    if (!p.SkipSemicolons() && !p.AtEnd()) return p.TrailingInputError();
  }
  return out;
}

Result<StatementPtr> ParseStatement(std::string_view sql, const ParseOptions& options) {
  ASSIGN_OR_RAISE(internal::Parser p, MakeParser(sql, options));
  if (p.AtEnd()) return p.SyntaxErrorAt(p.pos(), "", "the statement is empty");
  ASSIGN_OR_RAISE(StatementPtr st, p.ParseStatement());
  p.SkipSemicolons();
  if (!p.AtEnd()) return p.TrailingInputError();
  return st;
}

Result<SqlExprPtr> ParseExpression(std::string_view sql, const ParseOptions& options) {
  ASSIGN_OR_RAISE(internal::Parser p, MakeParser(sql, options));
  return p.ParseStandaloneExpression();
}

Result<std::vector<std::string_view>> SplitStatements(std::string_view sql) {
  ASSIGN_OR_RAISE(std::vector<Token> tokens, Tokenize(sql));
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  bool has_tokens = false;
  for (const Token& t : tokens) {
    bool split = t.kind == TokenKind::kEnd || (t.kind == TokenKind::kSemicolon && depth == 0);
    if (split) {
      std::string_view piece = Trim(sql.substr(start, t.offset - start));
      if (has_tokens && !piece.empty()) out.push_back(piece);
      start = t.offset + t.length();
      has_tokens = false;
      continue;
    }
    has_tokens = true;
    if (t.kind == TokenKind::kLeftParen) ++depth;
    if (t.kind == TokenKind::kRightParen && depth > 0) --depth;
  }
  return out;
}

}  // namespace weir::sql

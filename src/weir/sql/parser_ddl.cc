// Statements other than queries (DESIGN.md section 6): CREATE SOURCE / SINK / VIEW,
// INSERT INTO, SET / RESET, SHOW, DESCRIBE, EXPLAIN, STOP QUERY, DROP.

#include <cctype>

#include "weir/sql/parser_internal.h"

namespace weir::sql::internal {

namespace {

StatementPtr NewStatement(StatementKind kind) { return std::make_unique<Statement>(kind); }

std::string_view TrimSpace(std::string_view s) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// `k` or "`k`" -> k.
std::string Unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') {
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      out += s[i];
      if (s[i] == '`' && s[i + 1] == '`') ++i;
    }
    return out;
  }
  return std::string(s);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && EditDistance(a, b) == 0;
}

}  // namespace

Result<StatementPtr> Parser::ParseStatementBody() {
  Nest nest(this);
  RETURN_NOT_OK(nest.Check());
  const Token& t = Peek();
  size_t first = pos();
  if (StartsQuery() || t.kind == TokenKind::kLeftParen) {
    auto st = NewStatement(StatementKind::kQuery);
    ASSIGN_OR_RAISE(st->query, ParseQuery());
    return st;
  }
  if (t.Is("CREATE")) return ParseCreate(first);
  if (t.Is("INSERT")) return ParseInsert(first);
  if (t.Is("SET")) return ParseSetOrReset(first, /*reset=*/false);
  if (t.Is("RESET")) return ParseSetOrReset(first, /*reset=*/true);
  if (t.Is("SHOW")) return ParseShow(first);
  if (t.Is("DESCRIBE") || t.Is("DESC")) return ParseDescribe(first);
  if (t.Is("DROP")) return ParseDrop(first);
  if (t.Is("EXPLAIN")) {
    Advance();
    auto st = NewStatement(StatementKind::kExplain);
    static constexpr std::pair<std::string_view, ExplainMode> kModes[] = {
        {"EXTENDED", ExplainMode::kExtended},
        {"FORMATTED", ExplainMode::kFormatted},
        {"CODEGEN", ExplainMode::kCodegen},
        {"COST", ExplainMode::kCost},
        {"LOGICAL", ExplainMode::kLogical}};
    for (const auto& [word, mode] : kModes) {
      if (AcceptWord(word)) {
        st->explain_mode = mode;
        break;
      }
    }
    if (AtEnd() || Is(TokenKind::kSemicolon))
      return SyntaxErrorAt(pos(), "", "a statement to explain is missing");
    ASSIGN_OR_RAISE(st->explained, ParseStatement());
    return st;
  }
  if (t.Is("STOP") && IsWord("QUERY", 1)) {
    Advance(2);
    auto st = NewStatement(StatementKind::kStopQuery);
    if (Is(TokenKind::kString)) {
      st->name = {Peek().value};
      Advance();
    } else {
      ASSIGN_OR_RAISE(st->name, ParseQualifiedName());
    }
    return st;
  }
  return Unexpected({"SELECT", "WITH", "VALUES", "CREATE", "INSERT", "SET", "RESET", "SHOW",
                     "DESCRIBE", "EXPLAIN", "STOP", "DROP"});
}

// ---------------------------------------------------------------------------
// CREATE

Result<StatementPtr> Parser::ParseCreate(size_t first) {
  Advance();  // CREATE
  auto st = NewStatement(StatementKind::kCreateView);
  if (IsWord("OR") && IsWord("REPLACE", 1)) {
    Advance(2);
    st->or_replace = true;
  }
  bool global = AcceptWord("GLOBAL");
  if (AcceptWord("TEMP") || AcceptWord("TEMPORARY")) st->temporary = true;
  if (global && !st->temporary) return ExpectWord("TEMPORARY");
  if (!st->temporary && (IsWord("SOURCE") || IsWord("SINK"))) {
    bool sink = IsWord("SINK");
    st->kind = sink ? StatementKind::kCreateSink : StatementKind::kCreateSource;
    Advance();
    return ParseCreateSource(std::move(st), sink);
  }
  if (AcceptWord("VIEW")) return ParseCreateView(std::move(st));
  if (IsWord("TABLE")) {
    return ErrorAtToken(pos(), "CREATE TABLE is not supported",
                        "use CREATE SOURCE, CREATE SINK or CREATE VIEW");
  }
  (void)first;
  return Unexpected({"SOURCE", "SINK", "VIEW", "TEMPORARY"});
}

Result<StatementPtr> Parser::ParseCreateSource(StatementPtr st, bool sink) {
  if (IsWord("IF") && IsWord("NOT", 1) && IsWord("EXISTS", 2)) {
    Advance(3);
    st->if_not_exists = true;
  }
  ASSIGN_OR_RAISE(st->name, ParseQualifiedName());
  if (Is(TokenKind::kLeftParen)) {
    size_t open = pos();
    Advance();
    do {
      if (!sink && IsWord("WATERMARK") && IsWord("FOR", 1)) {
        if (st->watermark) return ErrorAtToken(pos(), "A source has at most one WATERMARK");
        WatermarkDef w;
        w.position = Peek().position;
        Advance(2);
        ASSIGN_OR_RAISE(w.column, ParseIdentifier("a column name"));
        RETURN_NOT_OK(ExpectWord("AS"));
        ASSIGN_OR_RAISE(w.expr, ParseExpr());
        st->watermark = std::move(w);
        continue;
      }
      ASSIGN_OR_RAISE(ColumnDef col, ParseColumnDef(/*type_optional=*/sink));
      st->columns.push_back(std::move(col));
    } while (Accept(TokenKind::kComma));
    if (!Is(TokenKind::kRightParen)) return ListError(open, "column definitions");
    Advance();
  }
  if (!IsWord("WITH")) {
    return SyntaxErrorAt(
        pos(), "missing 'WITH'",
        std::string(sink ? "a sink" : "a source") + " needs WITH (connector = '...', ...)");
  }
  Advance();
  RETURN_NOT_OK(ParseOptions(&st->options));
  return st;
}

Result<ColumnDef> Parser::ParseColumnDef(bool type_optional) {
  ColumnDef col;
  col.position = Peek().position;
  ASSIGN_OR_RAISE(col.name, ParseIdentifier("a column name"));
  if (!(type_optional && (Is(TokenKind::kComma) || Is(TokenKind::kRightParen)))) {
    ASSIGN_OR_RAISE(col.type, ParseType());
  }
  if (IsWord("NOT") && IsWord("NULL", 1)) {
    Advance(2);
    col.not_null = true;
  }
  if (AcceptWord("COMMENT")) {
    if (!Is(TokenKind::kString)) return SyntaxErrorAt(pos(), "", "a comment is a string");
    col.comment = Peek().value;
    Advance();
  }
  return col;
}

Status Parser::ParseOptions(std::vector<OptionDef>* out) {
  size_t open = pos();
  RETURN_NOT_OK(Expect(TokenKind::kLeftParen));
  do {
    OptionDef opt;
    opt.position = Peek().position;
    size_t key_at = pos();
    if (Is(TokenKind::kString)) {
      opt.key = Peek().value;
      Advance();
    } else {
      ASSIGN_OR_RAISE(std::vector<std::string> parts, ParseQualifiedName());
      for (size_t i = 0; i < parts.size(); ++i) opt.key += (i ? "." : "") + parts[i];
    }
    Accept(TokenKind::kEq);
    const Token& v = Peek();
    if (v.kind == TokenKind::kString) {
      opt.value = v.value;
      Advance();
    } else if (v.Is("TRUE") || v.Is("FALSE")) {
      opt.value = std::string(v.text);
      Advance();
    } else {
      size_t begin = v.offset;
      if (Is(TokenKind::kMinus) || Is(TokenKind::kPlus)) Advance();
      TokenKind k = Peek().kind;
      if (k != TokenKind::kInteger && k != TokenKind::kDecimal && k != TokenKind::kBigint &&
          k != TokenKind::kDouble && k != TokenKind::kExponent && k != TokenKind::kFloat &&
          k != TokenKind::kBigDecimal && k != TokenKind::kSmallint && k != TokenKind::kTinyint) {
        std::string hint = "an option value is a string, a number or a boolean";
        if (IsName()) hint += ": write '" + std::string(Peek().text) + "'";
        return SyntaxErrorAt(pos(), "", std::move(hint));
      }
      Advance();
      opt.value = std::string(sql().substr(begin, PrevEnd() - begin));
    }
    for (const OptionDef& o : *out) {
      if (EqualsIgnoreCase(o.key, opt.key)) {
        return ErrorAtToken(key_at, "[DUPLICATE_KEY] Found duplicate keys '" + opt.key + "'.");
      }
    }
    out->push_back(std::move(opt));
  } while (Accept(TokenKind::kComma));
  if (!Is(TokenKind::kRightParen)) return ListError(open, "options");
  Advance();
  return Status::OK();
}

Result<StatementPtr> Parser::ParseCreateView(StatementPtr st) {
  if (IsWord("IF") && IsWord("NOT", 1) && IsWord("EXISTS", 2)) {
    Advance(3);
    st->if_not_exists = true;
  }
  ASSIGN_OR_RAISE(st->name, ParseQualifiedName());
  bool typed = false;
  if (Is(TokenKind::kLeftParen)) {
    typed = IsName(1) && !Is(TokenKind::kComma, 2) && !Is(TokenKind::kRightParen, 2) &&
            !IsWord("COMMENT", 2);
    size_t open = pos();
    Advance();
    do {
      if (typed) {
        ASSIGN_OR_RAISE(ColumnDef col, ParseColumnDef(/*type_optional=*/false));
        st->columns.push_back(std::move(col));
        continue;
      }
      ASSIGN_OR_RAISE(std::string name, ParseIdentifier("a column name"));
      st->column_names.push_back(std::move(name));
      if (AcceptWord("COMMENT") && !Accept(TokenKind::kString)) {
        return SyntaxErrorAt(pos(), "", "a comment is a string");
      }
    } while (Accept(TokenKind::kComma));
    if (!Is(TokenKind::kRightParen)) return ListError(open, "columns");
    Advance();
  }
  if (AcceptWord("COMMENT") && !Accept(TokenKind::kString)) {
    return SyntaxErrorAt(pos(), "", "a comment is a string");
  }
  if (IsWord("USING")) {
    if (!st->temporary) {
      return ErrorAtToken(pos(), "CREATE VIEW ... USING needs a temporary view",
                          "write CREATE TEMPORARY VIEW");
    }
    Advance();
    ASSIGN_OR_RAISE(std::vector<std::string> format, ParseQualifiedName());
    for (size_t i = 0; i < format.size(); ++i) st->using_format += (i ? "." : "") + format[i];
    if (AcceptWord("OPTIONS")) RETURN_NOT_OK(ParseOptions(&st->options));
    return st;
  }
  if (typed) return ExpectWord("USING");
  RETURN_NOT_OK(ExpectWord("AS"));
  ASSIGN_OR_RAISE(st->query, ParseQuery());
  return st;
}

// ---------------------------------------------------------------------------
// INSERT, SET, RESET, SHOW, DESCRIBE, DROP

Result<StatementPtr> Parser::ParseInsert(size_t first) {
  Advance();  // INSERT
  if (IsWord("OVERWRITE")) return Unsupported(pos(), "INSERT OVERWRITE");
  RETURN_NOT_OK(ExpectWord("INTO"));
  AcceptWord("TABLE");
  auto st = NewStatement(StatementKind::kInsert);
  ASSIGN_OR_RAISE(st->name, ParseQualifiedName());
  if (Is(TokenKind::kLeftParen) && IsName(1) && !StartsQuery(1)) {
    ASSIGN_OR_RAISE(st->column_names, ParseIdentifierList());
  }
  (void)first;
  ASSIGN_OR_RAISE(st->query, ParseQuery());
  return st;
}

// SET and RESET take the rest of the statement as raw text, as Spark's
// `SET .*?` does: SET k = v, SET k v, SET k, SET; RESET k, RESET.
Result<StatementPtr> Parser::ParseSetOrReset(size_t first, bool reset) {
  Advance();  // SET | RESET
  auto st = NewStatement(reset ? StatementKind::kReset : StatementKind::kSet);
  if (!reset && IsWord("TIME") && IsWord("ZONE", 1)) {
    Advance(2);
    st->key = "spark.sql.session.timeZone";
    st->has_value = true;
    if (Is(TokenKind::kString)) {
      st->value = Peek().value;
    } else if (IsWord("LOCAL")) {
      st->value = "LOCAL";
    } else if (IsWord("INTERVAL")) {
      return Unsupported(pos(), "SET TIME ZONE INTERVAL");
    } else {
      return SyntaxErrorAt(pos(), "", "write SET TIME ZONE 'America/Los_Angeles' or LOCAL");
    }
    Advance();
    return st;
  }
  size_t begin = PrevEnd();
  size_t end = StatementEndOffset();
  size_t eq = end;
  size_t value_tokens = 0;
  const Token* value_tok = nullptr;
  while (Peek().offset < end && !AtEnd()) {
    if (Is(TokenKind::kEq) && eq == end && !reset) {
      eq = Peek().offset;
    } else if (eq != end) {
      ++value_tokens;
      value_tok = &Peek();
    }
    Advance();
  }
  std::string_view raw = TrimSpace(sql().substr(begin, end - begin));
  if (raw.empty()) return st;
  std::string_view key = raw, value;
  if (reset) {
    key = raw;
  } else if (eq != end) {
    key = TrimSpace(sql().substr(begin, eq - begin));
    value = TrimSpace(sql().substr(eq + 1, end - eq - 1));
    st->has_value = true;
  } else {
    size_t space = raw.find_first_of(" \t\r\n");
    if (space != std::string_view::npos) {
      key = raw.substr(0, space);
      value = TrimSpace(raw.substr(space));
      st->has_value = true;
    }
  }
  st->key = Unquote(key);
  bool quoted = key.size() >= 2 && key.front() == '`';
  if (st->key.empty() || (!quoted && key.find_first_of(" \t\r\n") != std::string::npos)) {
    return ErrorAtToken(first + 1, "[INVALID_PROPERTY_KEY] \"" + std::string(key) +
                                       "\" is an invalid property key, please use quotes, "
                                       "e.g. SET `" +
                                       std::string(key) + "`=`value`.");
  }
  if (value_tokens == 1 && value_tok->kind == TokenKind::kString) {
    st->value = value_tok->value;  // SET k = 'v' means v
  } else {
    st->value = Unquote(value);
  }
  return st;
}

Result<StatementPtr> Parser::ParseShow(size_t first) {
  Advance();  // SHOW
  auto st = NewStatement(StatementKind::kShow);
  if ((IsWord("USER") || IsWord("SYSTEM") || IsWord("ALL")) && IsWord("FUNCTIONS", 1)) Advance();
  static constexpr std::pair<std::string_view, ShowWhat> kWhat[] = {
      {"SOURCES", ShowWhat::kSources}, {"SINKS", ShowWhat::kSinks},
      {"VIEWS", ShowWhat::kViews},     {"TABLES", ShowWhat::kTables},
      {"QUERIES", ShowWhat::kQueries}, {"FUNCTIONS", ShowWhat::kFunctions}};
  bool found = false;
  for (const auto& [word, what] : kWhat) {
    if (AcceptWord(word)) {
      st->show = what;
      found = true;
      break;
    }
  }
  if (!found) return Unexpected({"SOURCES", "SINKS", "VIEWS", "TABLES", "QUERIES", "FUNCTIONS"});
  if ((IsWord("FROM") || IsWord("IN")) && IsName(1)) {  // a namespace: weir has one
    Advance();
    ASSIGN_OR_RAISE(std::vector<std::string> ignored, ParseQualifiedName());
  }
  bool like = AcceptWord("LIKE");
  if (Is(TokenKind::kString)) {
    st->like_pattern = Peek().value;
    Advance();
  } else if (like) {
    return SyntaxErrorAt(pos(), "", "LIKE takes a quoted pattern: LIKE 'a*'");
  }
  (void)first;
  return st;
}

Result<StatementPtr> Parser::ParseDescribe(size_t first) {
  Advance();  // DESCRIBE | DESC
  auto st = NewStatement(StatementKind::kDescribe);
  if (AcceptWord("FUNCTION")) {
    st->describe = DescribeWhat::kFunction;
    st->extended = AcceptWord("EXTENDED");
    if (Is(TokenKind::kString)) {
      st->name = {Peek().value};
      Advance();
      return st;
    }
    ASSIGN_OR_RAISE(st->name, ParseQualifiedName());
    return st;
  }
  bool relation_word = false;
  for (std::string_view w : {"TABLE", "SOURCE", "SINK", "VIEW"}) {
    if (IsWord(w) && (IsName(1))) {
      Advance();
      relation_word = true;
      break;
    }
  }
  if (!relation_word && (AcceptWord("QUERY") || StartsQuery() || Is(TokenKind::kLeftParen))) {
    st->describe = DescribeWhat::kQuery;
    ASSIGN_OR_RAISE(st->query, ParseQuery());
    return st;
  }
  if ((IsWord("EXTENDED") || IsWord("FORMATTED")) && IsName(1)) {
    Advance();
    st->extended = true;
  }
  ASSIGN_OR_RAISE(st->name, ParseQualifiedName());
  (void)first;
  return st;
}

Result<StatementPtr> Parser::ParseDrop(size_t first) {
  Advance();  // DROP
  auto st = NewStatement(StatementKind::kDrop);
  static constexpr std::pair<std::string_view, DropWhat> kWhat[] = {{"SOURCE", DropWhat::kSource},
                                                                    {"SINK", DropWhat::kSink},
                                                                    {"VIEW", DropWhat::kView},
                                                                    {"TABLE", DropWhat::kTable}};
  bool found = false;
  for (const auto& [word, what] : kWhat) {
    if (AcceptWord(word)) {
      st->drop = what;
      found = true;
      break;
    }
  }
  if (!found) return Unexpected({"SOURCE", "SINK", "VIEW", "TABLE"});
  if (IsWord("IF") && IsWord("EXISTS", 1)) {
    Advance(2);
    st->if_not_exists = true;
  }
  ASSIGN_OR_RAISE(st->name, ParseQualifiedName());
  (void)first;
  return st;
}

}  // namespace weir::sql::internal

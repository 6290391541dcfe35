// The lexer of weir's Spark SQL dialect; the rules are those of docs/sql.md
// ("Lexical structure"), taken from Spark's SqlBaseLexer.g4 and unescapeSQLString.

#include "weir/sql/lexer.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace weir::sql {
namespace {

using K = TokenKind;

std::vector<Token> Lex(std::string_view sql) {
  auto r = Tokenize(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  return r.ok() ? *r : std::vector<Token>{};
}

std::vector<K> Kinds(std::string_view sql) {
  std::vector<K> kinds;
  for (const Token& t : Lex(sql)) kinds.push_back(t.kind);
  return kinds;
}

// The single token (before kEnd) that `sql` lexes to.
Token One(std::string_view sql) {
  auto tokens = Lex(sql);
  EXPECT_EQ(2u, tokens.size()) << sql;
  return tokens.empty() ? Token{} : tokens[0];
}

void ExpectError(std::string_view sql, int line, int column, std::string_view message,
                 std::string_view hint = "") {
  auto r = Tokenize(sql);
  ASSERT_FALSE(r.ok()) << sql;
  EXPECT_EQ(StatusCode::kInvalidSql, r.status().code()) << sql;
  EXPECT_EQ((SourcePosition{line, column}), r.status().position()) << sql;
  EXPECT_EQ(message, r.status().message()) << sql;
  EXPECT_EQ(hint, r.status().hint()) << sql;
}

TEST(LexerTest, EmptyInputIsJustEnd) {
  auto tokens = Lex("");
  ASSERT_EQ(1u, tokens.size());
  EXPECT_EQ(K::kEnd, tokens[0].kind);
  EXPECT_EQ((SourcePosition{1, 1}), tokens[0].position);
  EXPECT_EQ((std::vector<K>{K::kEnd}), Kinds(" \t\n -- only a comment\n /* and another */ "));
}

TEST(LexerTest, KeywordsAreIdentifiersComparedWithoutCase) {
  auto tokens = Lex("SELECT select SeLeCt selects _x x_1 a1b2");
  ASSERT_EQ(8u, tokens.size());
  for (int i = 0; i < 7; ++i) EXPECT_EQ(K::kIdentifier, tokens[i].kind);
  EXPECT_TRUE(tokens[0].Is("SELECT"));
  EXPECT_TRUE(tokens[1].Is("SELECT"));
  EXPECT_TRUE(tokens[2].Is("select"));
  EXPECT_FALSE(tokens[3].Is("SELECT"));
  EXPECT_EQ("SeLeCt", tokens[2].value);
  EXPECT_EQ("_x", tokens[4].text);
  EXPECT_EQ("a1b2", tokens[6].text);
  // A quoted identifier is never a keyword.
  EXPECT_FALSE(One("`select`").Is("SELECT"));
}

TEST(LexerTest, QuotedIdentifiers) {
  Token t = One("`a b`");
  EXPECT_EQ(K::kQuotedIdentifier, t.kind);
  EXPECT_EQ("a b", t.value);
  EXPECT_EQ("`a b`", t.text);
  EXPECT_EQ("a`b", One("`a``b`").value);
  EXPECT_EQ("`", One("````").value);
  EXPECT_EQ("", One("``").value);
  EXPECT_EQ("/path/to.json", One("`/path/to.json`").value);
  EXPECT_EQ("x -- not a comment", One("`x -- not a comment`").value);
  EXPECT_EQ("é\n", One("`é\n`").value);
}

TEST(LexerTest, IdentifiersStartingWithDigits) {
  // Longest match: a word of digits and letters is an identifier, as in Spark.
  EXPECT_EQ(K::kIdentifier, One("1col").kind);
  EXPECT_EQ(K::kIdentifier, One("123abc").kind);
  EXPECT_EQ(K::kIdentifier, One("1e3x").kind);
  EXPECT_EQ(K::kIdentifier, One("1Lx").kind);
  EXPECT_EQ(K::kIdentifier, One("1_000").kind);
  // t.1col: the '.' does not start a decimal that runs into a word.
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kDot, K::kIdentifier, K::kEnd}), Kinds("t.1col"));
  EXPECT_EQ("1col", Lex("t.1col")[2].text);
}

TEST(LexerTest, UriPathIdentifierStopsAtColon) {
  // ':' is not in the path alphabet, so the path stops there.
  auto tokens = Lex("hdfs://host:8020/a");
  ASSERT_EQ(6u, tokens.size());
  EXPECT_EQ("hdfs://host", tokens[0].text);
  EXPECT_EQ(K::kColon, tokens[1].kind);
  EXPECT_EQ("file:///tmp/x-1.csv?a=b&c#d%20", One("file:///tmp/x-1.csv?a=b&c#d%20").text);
  // Only letters may precede "://", as in Spark: s3 has a digit.
  EXPECT_EQ(
      (std::vector<K>{K::kIdentifier, K::kColon, K::kSlash, K::kSlash, K::kIdentifier, K::kEnd}),
      Kinds("s3://b"));
}

TEST(LexerTest, UnicodeIdentifiers) {
  Token t = One("straße_名前");
  EXPECT_EQ(K::kIdentifier, t.kind);
  EXPECT_EQ("straße_名前", t.value);
  EXPECT_EQ(K::kIdentifier, One("Ωμέγα").kind);
  EXPECT_EQ(K::kIdentifier, One("ñ1").kind);
}

TEST(LexerTest, StringLiterals) {
  Token t = One("'hello'");
  EXPECT_EQ(K::kString, t.kind);
  EXPECT_EQ("hello", t.value);
  EXPECT_EQ("'hello'", t.text);
  EXPECT_EQ("hello", One("\"hello\"").value);
  EXPECT_EQ("", One("''").value);
  EXPECT_EQ("it\"s", One("'it\"s'").value);
  EXPECT_EQ("it's", One("\"it's\"").value);
  EXPECT_EQ("a -- b /* c */", One("'a -- b /* c */'").value);
  EXPECT_EQ("line1\nline2", One("'line1\nline2'").value);
  EXPECT_EQ("héllo 世界 😀", One("'héllo 世界 😀'").value);
}

TEST(LexerTest, EveryEscape) {
  EXPECT_EQ("'", One(R"('\'')").value);
  EXPECT_EQ("\"", One(R"("\"")").value);
  EXPECT_EQ("\\", One(R"('\\')").value);
  EXPECT_EQ("\n", One(R"('\n')").value);
  EXPECT_EQ("\t", One(R"('\t')").value);
  EXPECT_EQ("\r", One(R"('\r')").value);
  EXPECT_EQ("\b", One(R"('\b')").value);
  EXPECT_EQ(std::string(1, '\0'), One(R"('\0')").value);
  EXPECT_EQ("\x1A", One(R"('\Z')").value);
  // \% and \_ keep the backslash (for LIKE patterns), as in Spark and MySQL.
  EXPECT_EQ("\\%", One(R"('\%')").value);
  EXPECT_EQ("\\_", One(R"('\_')").value);
  EXPECT_EQ("é", One(R"('\u00e9')").value);
  EXPECT_EQ("é", One(R"('\u00E9')").value);
  EXPECT_EQ("😀", One(R"('\U0001F600')").value);
  EXPECT_EQ("😀", One(R"('\uD83D\uDE00')").value);
  // Three-digit octal escapes start with 0 or 1.
  EXPECT_EQ("\n", One(R"('\012')").value);
  EXPECT_EQ("A", One(R"('\101')").value);
  EXPECT_EQ("\x7F", One(R"('\177')").value);
  EXPECT_EQ(std::string(1, '\0') + "8", One(R"('\08')").value);
  EXPECT_EQ("201", One(R"('\201')").value);
  // Any other escaped character stands for itself.
  EXPECT_EQ("q", One(R"('\q')").value);
  EXPECT_EQ("é", One(R"('\é')").value);
  // \u without four hex digits is a plain 'u', as in Spark.
  EXPECT_EQ("u12g", One(R"('\u12g')").value);
  EXPECT_EQ("U1234", One(R"('\U1234')").value);
  EXPECT_EQ("a\nb", One("'a\\\nb'").value);
}

TEST(LexerTest, RawStrings) {
  Token t = One(R"(R'a\nb')");
  EXPECT_EQ(K::kString, t.kind);
  EXPECT_EQ(R"(a\nb)", t.value);
  EXPECT_EQ(R"(c:\d)", One(R"(r"c:\d")").value);
  // In a raw string a backslash does not escape the quote.
  EXPECT_EQ((std::vector<K>{K::kString, K::kIdentifier, K::kEnd}), Kinds(R"(r'a\' b)"));
}

TEST(LexerTest, AdjacentStringsAreConcatenated) {
  Token t = One("'a' 'b'");
  EXPECT_EQ("ab", t.value);
  EXPECT_EQ("'a' 'b'", t.text);
  EXPECT_EQ("abcd", One("'a'\"b\"\n -- c\n /* d */ 'c' R'd'").value);
  // '' is not an escaped quote in Spark: it ends one literal and starts the next.
  EXPECT_EQ("its", One("'it''s'").value);
  auto tokens = Lex("'a' , 'b'");
  ASSERT_EQ(4u, tokens.size());
  EXPECT_EQ("a", tokens[0].value);
  EXPECT_EQ("b", tokens[2].value);
  // A binary literal is not merged with strings.
  EXPECT_EQ((std::vector<K>{K::kString, K::kBinary, K::kString, K::kEnd}), Kinds("'a' X'00' 'b'"));
}

TEST(LexerTest, BinaryLiterals) {
  Token t = One("X'0A1F'");
  EXPECT_EQ(K::kBinary, t.kind);
  EXPECT_EQ(std::string("\x0A\x1F"), t.value);
  EXPECT_EQ("X'0A1F'", t.text);
  EXPECT_EQ(std::string("\xAB\xCD", 2), One("x'abCD'").value);
  EXPECT_EQ(std::string("\x01\x23"), One("X'123'").value);  // odd: leading 0, as Spark
  EXPECT_EQ("", One("X''").value);
  EXPECT_EQ(std::string("\xFF", 1), One("X\"ff\"").value);
  // X alone, or before a space, is an identifier (the parser handles X '0A').
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kString, K::kEnd}), Kinds("X '0A'"));
  EXPECT_EQ(K::kIdentifier, One("x").kind);
}

TEST(LexerTest, IntegerLiteralsAndSuffixes) {
  struct Case {
    const char* sql;
    K kind;
    const char* value;
  };
  const Case cases[] = {
      {"42", K::kInteger, "42"},        {"42L", K::kBigint, "42"},
      {"42l", K::kBigint, "42"},        {"42S", K::kSmallint, "42"},
      {"42s", K::kSmallint, "42"},      {"42Y", K::kTinyint, "42"},
      {"42y", K::kTinyint, "42"},       {"42D", K::kDouble, "42"},
      {"42F", K::kFloat, "42"},         {"42BD", K::kBigDecimal, "42"},
      {"42bd", K::kBigDecimal, "42"},   {"1e3", K::kExponent, "1e3"},
      {"1E+3", K::kExponent, "1E+3"},   {"1e-3", K::kExponent, "1e-3"},
      {"1e3D", K::kDouble, "1e3"},      {"1e3F", K::kFloat, "1e3"},
      {"1e3BD", K::kBigDecimal, "1e3"},
  };
  for (const Case& c : cases) {
    Token t = One(c.sql);
    EXPECT_EQ(c.kind, t.kind) << c.sql;
    EXPECT_EQ(c.value, t.value) << c.sql;
    EXPECT_EQ(c.sql, t.text) << c.sql;
  }
}

TEST(LexerTest, DecimalLiteralsAndSuffixes) {
  struct Case {
    const char* sql;
    K kind;
    const char* value;
  };
  const Case cases[] = {
      {"1.5", K::kDecimal, "1.5"},      {".5", K::kDecimal, ".5"},
      {"1.", K::kDecimal, "1."},        {"1.5D", K::kDouble, "1.5"},
      {"1.5d", K::kDouble, "1.5"},      {"1.5F", K::kFloat, "1.5"},
      {"1.5BD", K::kBigDecimal, "1.5"}, {"1.5e3", K::kExponent, "1.5e3"},
      {"1.e3", K::kExponent, "1.e3"},   {".5E-2", K::kExponent, ".5E-2"},
      {"1.5e3D", K::kDouble, "1.5e3"},  {"1.5E3BD", K::kBigDecimal, "1.5E3"},
  };
  for (const Case& c : cases) {
    Token t = One(c.sql);
    EXPECT_EQ(c.kind, t.kind) << c.sql;
    EXPECT_EQ(c.value, t.value) << c.sql;
  }
  // A number followed by an operator needs no space.
  EXPECT_EQ((std::vector<K>{K::kDecimal, K::kPlus, K::kInteger, K::kEnd}), Kinds("1.5+2"));
  EXPECT_EQ((std::vector<K>{K::kExponent, K::kPlus, K::kDecimal, K::kEnd}), Kinds("34.E2+0.12"));
  // Spark's isValidDecimal: "1.5x" does not end a decimal, so it lexes as 1 . 5x.
  EXPECT_EQ((std::vector<K>{K::kInteger, K::kDot, K::kIdentifier, K::kEnd}), Kinds("1.5x"));
  // "1e" has no exponent digits: the word 1e.
  EXPECT_EQ(K::kIdentifier, One("1e").kind);
  EXPECT_EQ((std::vector<K>{K::kInteger, K::kMinus, K::kInteger, K::kEnd}), Kinds("1-2"));
}

TEST(LexerTest, Operators) {
  struct Case {
    const char* sql;
    K kind;
  };
  const Case cases[] = {
      {"+", K::kPlus},         {"-", K::kMinus},      {"*", K::kStar},
      {"/", K::kSlash},        {"%", K::kPercent},    {"&", K::kAmpersand},
      {"|", K::kPipe},         {"||", K::kConcat},    {"^", K::kCaret},
      {"~", K::kTilde},        {"=", K::kEq},         {"==", K::kEq},
      {"<=>", K::kNullSafeEq}, {"<>", K::kNe},        {"!=", K::kNe},
      {"<", K::kLt},           {"<=", K::kLe},        {"!>", K::kLe},
      {">", K::kGt},           {">=", K::kGe},        {"!<", K::kGe},
      {"<<", K::kShiftLeft},   {"!", K::kBang},       {"::", K::kDoubleColon},
      {":", K::kColon},        {"->", K::kArrow},     {"=>", K::kFatArrow},
      {"(", K::kLeftParen},    {")", K::kRightParen}, {"[", K::kLeftBracket},
      {"]", K::kRightBracket}, {",", K::kComma},      {".", K::kDot},
      {";", K::kSemicolon},    {"?", K::kQuestion},
  };
  for (const Case& c : cases) {
    Token t = One(c.sql);
    EXPECT_EQ(c.kind, t.kind) << c.sql;
    EXPECT_EQ(c.sql, t.text);
    EXPECT_FALSE(TokenKindName(t.kind).empty());
  }
  // >> is two adjacent '>' tokens; the parser decides between shift and nesting.
  auto tokens = Lex("ARRAY<ARRAY<INT>>");
  ASSERT_EQ(8u, tokens.size());
  EXPECT_EQ(K::kGt, tokens[5].kind);
  EXPECT_EQ(K::kGt, tokens[6].kind);
  EXPECT_EQ(tokens[5].offset + 1, tokens[6].offset);
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kDoubleColon, K::kIdentifier, K::kEnd}),
            Kinds("a::int"));
  // :name is a colon and an identifier, as in Spark's grammar.
  EXPECT_EQ((std::vector<K>{K::kColon, K::kIdentifier, K::kEnd}), Kinds(":name"));
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kLe, K::kInteger, K::kEnd}), Kinds("a<=1"));
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kNullSafeEq, K::kIdentifier, K::kEnd}),
            Kinds("a<=>b"));
  EXPECT_EQ((std::vector<K>{K::kStar, K::kSlash, K::kEnd}), Kinds("*/"));
}

TEST(LexerTest, Comments) {
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kIdentifier, K::kEnd}), Kinds("a -- b c\nd"));
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kEnd}), Kinds("a -- to the end"));
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kIdentifier, K::kEnd}), Kinds("a/* b */c"));
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kEnd}), Kinds("a /**/"));
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kEnd}), Kinds("a /***/"));
  // A backslash before the newline continues a simple comment, as in Spark.
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kIdentifier, K::kEnd}),
            Kinds("a -- b \\\n still comment\nc"));
  // "--" ends the expression 1: it is a comment, not two minus signs.
  EXPECT_EQ((std::vector<K>{K::kInteger, K::kEnd}), Kinds("1--2"));
  EXPECT_EQ((std::vector<K>{K::kInteger, K::kMinus, K::kMinus, K::kInteger, K::kEnd}),
            Kinds("1- -2"));
}

TEST(LexerTest, NestedComments) {
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kIdentifier, K::kEnd}),
            Kinds("a /* x /* y */ z */ b"));
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kEnd}), Kinds("a /* 1 /* 2 /* 3 */ 2 */ 1 */"));
  // `/*+` inside a comment does not nest, as in Spark: the first */ closes.
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kIdentifier, K::kEnd}), Kinds("a /* x /*+ y */ b"));
  // -- inside a bracketed comment does not hide its end.
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kIdentifier, K::kEnd}), Kinds("a /* -- */ b"));
}

TEST(LexerTest, HintsAreTokens) {
  auto tokens = Lex("SELECT /*+ BROADCAST(t), /* c */ REPARTITION(3) */ *");
  std::vector<K> kinds;
  for (const Token& t : tokens) kinds.push_back(t.kind);
  EXPECT_EQ(
      (std::vector<K>{K::kIdentifier, K::kHintStart, K::kIdentifier, K::kLeftParen, K::kIdentifier,
                      K::kRightParen, K::kComma, K::kIdentifier, K::kLeftParen, K::kInteger,
                      K::kRightParen, K::kHintEnd, K::kStar, K::kEnd}),
      kinds);
  EXPECT_EQ("/*+", tokens[1].text);
  EXPECT_EQ("*/", tokens[11].text);
}

TEST(LexerTest, PositionsAcrossLines) {
  auto tokens = Lex("SELECT a,\n  b\r\n\tFROM t");
  ASSERT_EQ(7u, tokens.size());
  EXPECT_EQ((SourcePosition{1, 1}), tokens[0].position);
  EXPECT_EQ((SourcePosition{1, 8}), tokens[1].position);
  EXPECT_EQ((SourcePosition{1, 9}), tokens[2].position);
  EXPECT_EQ((SourcePosition{2, 3}), tokens[3].position);
  EXPECT_EQ((SourcePosition{3, 2}), tokens[4].position);  // a tab is one column
  EXPECT_EQ((SourcePosition{3, 7}), tokens[5].position);
  EXPECT_EQ((SourcePosition{3, 8}), tokens[6].position);  // kEnd
  EXPECT_EQ(0u, tokens[0].offset);
  EXPECT_EQ(6u, tokens[0].length());
  EXPECT_EQ(12u, tokens[3].offset);
  EXPECT_EQ(21u, tokens[5].offset);
}

TEST(LexerTest, PositionsAfterMultiLineCommentsAndStrings) {
  auto tokens = Lex("/* one\n two\n three */ a /* x\n*/b 'p\nq' c");
  ASSERT_EQ(5u, tokens.size());
  EXPECT_EQ((SourcePosition{3, 11}), tokens[0].position);
  EXPECT_EQ((SourcePosition{4, 3}), tokens[1].position);
  EXPECT_EQ((SourcePosition{4, 5}), tokens[2].position);
  EXPECT_EQ((SourcePosition{5, 4}), tokens[3].position);
}

TEST(LexerTest, ColumnsCountCodePointsNotBytes) {
  auto tokens = Lex("'日本語' éx y\n  ñ z");
  ASSERT_EQ(6u, tokens.size());
  EXPECT_EQ((SourcePosition{1, 1}), tokens[0].position);
  EXPECT_EQ((SourcePosition{1, 7}), tokens[1].position);
  EXPECT_EQ("éx", tokens[1].text);
  EXPECT_EQ((SourcePosition{1, 10}), tokens[2].position);
  EXPECT_EQ((SourcePosition{2, 3}), tokens[3].position);
  EXPECT_EQ((SourcePosition{2, 5}), tokens[4].position);
}

TEST(LexerTest, UnicodeWhitespaceSeparates) {
  // NO-BREAK SPACE, EN QUAD, IDEOGRAPHIC SPACE: Spark's WS rule.
  EXPECT_EQ(
      (std::vector<K>{K::kIdentifier, K::kIdentifier, K::kIdentifier, K::kIdentifier, K::kEnd}),
      Kinds("a\u00a0b\u2000c\u3000d"));
  EXPECT_EQ((std::vector<K>{K::kIdentifier, K::kIdentifier, K::kEnd}), Kinds("a\f\vb"));
}

TEST(LexerTest, UnclosedStringErrors) {
  ExpectError("SELECT 'abc", 1, 8, "string literal is not closed", "add the closing '");
  ExpectError("SELECT\n  \"abc\n", 2, 3, "string literal is not closed", "add the closing \"");
  ExpectError("'abc\\'", 1, 1, "string literal is not closed", "add the closing '");
  ExpectError("'abc\\", 1, 1, "string literal is not closed", "add the closing '");
  ExpectError("'a' 'b", 1, 5, "string literal is not closed", "add the closing '");
  ExpectError("x R'abc", 1, 3, "string literal is not closed", "add the closing '");
}

TEST(LexerTest, UnclosedCommentErrors) {
  ExpectError("a /* b", 1, 3, "bracketed comment is not closed",
              "append */ at the end of the comment");
  ExpectError("a\n /* x /* y */ z", 2, 2, "bracketed comment is not closed",
              "append */ at the end of the comment");
  ExpectError("/*/", 1, 1, "bracketed comment is not closed",
              "append */ at the end of the comment");
  ExpectError("SELECT /*+ BROADCAST(t) ", 1, 8, "hint is not closed",
              "append */ at the end of the hint");
}

TEST(LexerTest, UnclosedQuotedIdentifierError) {
  ExpectError("SELECT `a``b", 1, 8, "quoted identifier is not closed", "add the closing `");
}

TEST(LexerTest, InvalidBinaryLiteralErrors) {
  ExpectError("SELECT X'0G'", 1, 11, "invalid binary literal X'0G'",
              "X'...' holds hexadecimal digits 0-9, A-F");
  ExpectError("X'ab cd'", 1, 5, "invalid binary literal X'ab cd'",
              "X'...' holds hexadecimal digits 0-9, A-F");
  ExpectError("\n X'12", 2, 2, "binary literal is not closed", "add the closing '");
}

TEST(LexerTest, InvalidEscapeErrors) {
  const std::string hint =
      "\\u and \\U escapes must name a Unicode character; write U+1F600 as \\U0001F600 or as "
      "the surrogate pair \\uD83D\\uDE00";
  ExpectError("'ab\\uD800'", 1, 4, "invalid Unicode escape '\\uD800' in string literal", hint);
  ExpectError("'\\uDE00'", 1, 2, "invalid Unicode escape '\\uDE00' in string literal", hint);
  ExpectError("'\\uD83D\\u0041'", 1, 2, "invalid Unicode escape '\\uD83D' in string literal", hint);
  ExpectError("\n'é\\U00110000'", 2, 3, "invalid Unicode escape '\\U00110000' in string literal",
              hint);
}

TEST(LexerTest, UnknownCharacterErrors) {
  ExpectError("SELECT @x", 1, 8, "[PARSE_SYNTAX_ERROR] Syntax error at or near '@'");
  ExpectError("SELECT a$b", 1, 9, "[PARSE_SYNTAX_ERROR] Syntax error at or near '$'");
  ExpectError("a\n  #", 2, 3, "[PARSE_SYNTAX_ERROR] Syntax error at or near '#'");
  ExpectError("{", 1, 1, "[PARSE_SYNTAX_ERROR] Syntax error at or near '{'");
  ExpectError("é 😀", 1, 3, "[PARSE_SYNTAX_ERROR] Syntax error at or near '😀'");
  ExpectError(std::string_view("a \0", 3), 1, 3,
              "[PARSE_SYNTAX_ERROR] Syntax error at or near '\\x00'");
  ExpectError("a \\ b", 1, 3, "[PARSE_SYNTAX_ERROR] Syntax error at or near '\\'");
}

TEST(LexerTest, InvalidUtf8Error) {
  ExpectError("ab\n c\xff", 2, 3, "SQL text is not valid UTF-8");
  ExpectError("'\xc3'", 1, 2, "SQL text is not valid UTF-8");
  ExpectError("\xed\xa0\x80", 1, 1, "SQL text is not valid UTF-8");  // a surrogate
}

// Recomputes the position of `offset` independently: lines end at '\n', columns
// count code points.
SourcePosition ExpectedPosition(std::string_view s, size_t offset) {
  SourcePosition p{1, 1};
  for (size_t i = 0; i < offset; ++i) {
    if (s[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<uint8_t>(s[i]) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

TEST(LexerTest, RandomAndMutatedInputsNeverCrash) {
  const std::vector<std::string> seeds = {
      "SELECT a, `b``c`, 'x\\n' 'y', 1.5BD, 2L, .5e-3 FROM t WHERE a <=> b -- c\n",
      "/* a /* b */ c */ SELECT /*+ BROADCAST(t) */ X'0A1F', R'raw\\' FROM json.`/p`",
      "SELECT straße, '日本\\u00e9\\U0001F600' FROM t1 JOIN t2 USING (k) ORDER BY 1 DESC;",
      "CREATE SOURCE s (ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL 1 MINUTE) WITH (a='b')",
      "SELECT a::int, m['k'], x -> x + 1, f(a => 1), :p, ?, 1e3, 1.e2F, !a, ~b",
  };
  const std::vector<std::string> pieces = {
      "'",  "\"", "`",  "\\",   "/*",      "*/",   "/*+",  "--",  "\n",   " ",   "X'",
      "R'", "1",  ".",  "e",    "L",       "BD",   "<",    ">",   "=",    "!",   ":",
      "-",  "@",  "$",  "é",    "😀",       "\xff", "\xc3", "\\u", "D83D", "\\U", "a",
      "_",  "0",  "\t", "\r\n", "hdfs://", "?",    "%",    "\0",
  };
  std::mt19937 rng(20240601);
  int ok = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    if (iter % 2 == 0) {
      const int n = static_cast<int>(rng() % 24);
      for (int k = 0; k < n; ++k) s += pieces[rng() % pieces.size()];
    } else {
      s = seeds[rng() % seeds.size()];
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < edits && !s.empty(); ++k) {
        const size_t at = rng() % s.size();
        switch (rng() % 4) {
          case 0:
            s[at] = static_cast<char>(rng() % 256);
            break;
          case 1:
            s.erase(at, 1 + rng() % 3);
            break;
          case 2:
            s.insert(at, pieces[rng() % pieces.size()]);
            break;
          default:
            s.resize(at);
            break;
        }
      }
    }
    auto r = Tokenize(s);
    if (!r.ok()) {
      ASSERT_EQ(StatusCode::kInvalidSql, r.status().code()) << s;
      const SourcePosition p = r.status().position();
      ASSERT_TRUE(p.valid()) << s;
      ASSERT_GE(p.column, 1) << s;
      ASSERT_LE(p.line, ExpectedPosition(s, s.size()).line) << s;
      ASSERT_FALSE(r.status().message().empty());
      continue;
    }
    ++ok;
    const std::vector<Token>& tokens = *r;
    ASSERT_FALSE(tokens.empty());
    ASSERT_EQ(K::kEnd, tokens.back().kind);
    size_t last_end = 0;
    for (const Token& t : tokens) {
      ASSERT_GE(t.offset, last_end) << s;
      ASSERT_LE(t.offset + t.length(), s.size()) << s;
      ASSERT_EQ(s.substr(t.offset, t.length()), t.text) << s;
      ASSERT_EQ(ExpectedPosition(s, t.offset), t.position) << s;
      ASSERT_TRUE(t.kind == K::kEnd || t.length() > 0) << s;
      last_end = t.offset + t.length();
    }
  }
  // The generator must exercise both outcomes.
  EXPECT_GT(ok, 1000);
  EXPECT_LT(ok, 19000);
}

}  // namespace
}  // namespace weir::sql

// The lexer of weir's Spark SQL dialect: turns SQL text into tokens with positions.
//
// The rules follow Spark's SqlBaseLexer.g4 and ParserUtils.unescapeSQLString; where
// weir differs, docs/sql.md ("Lexical structure") says how and why. In short:
//  - Keywords are not token kinds. Every word is a kIdentifier and the parser asks
//    Token::Is("SELECT"), because nearly all of Spark's keywords are non-reserved and
//    may name columns.
//  - Whitespace and comments (`-- ...`, nested `/* ... */`) are dropped. Hints are
//    kept: `/*+` is kHintStart, and the `*/` that closes it is kHintEnd, with the hint's
//    content tokenized normally in between, as Spark does.
//  - Adjacent string literals are merged into one kString token ('a' 'b' is 'ab'),
//    which is what Spark's `stringLit+` produces; the merged token's text spans from
//    the first opening quote to the last closing quote.
//  - `>>` and `>>>` are never single tokens: the parser joins adjacent kGt tokens
//    (Token::offset tells adjacency), so `ARRAY<ARRAY<INT>>` needs no lexer state.
//  - Named parameter markers `:name` are kColon followed by kIdentifier, as in
//    Spark's grammar; `?` is kQuestion.
//
// Thread-safety: Tokenize is a pure function; tokens are values.

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/common/status.h"

namespace weir::sql {

enum class TokenKind : uint8_t {
  kEnd,               // end of input; always the last token
  kIdentifier,        // word: letters, digits, '_' (also keywords); value = text
  kQuotedIdentifier,  // `...`; value has the backticks removed and `` made `
  kString,            // '...', "...", R'...'; value is unescaped and concatenated
  kBinary,            // X'0A1F'; value holds the decoded bytes
  // Numbers. value is the text without its type suffix ("1.5" for 1.5BD).
  kInteger,     // 42         (INT, or BIGINT/DECIMAL when it does not fit: parser)
  kBigint,      // 42L
  kSmallint,    // 42S
  kTinyint,     // 42Y
  kDecimal,     // 1.5, .5, 1.
  kExponent,    // 1e3, 1.5E-2 (DOUBLE)
  kFloat,       // 1.5F, 1F
  kDouble,      // 1.5D, 1D
  kBigDecimal,  // 1.5BD, 1BD
  // Operators and punctuation.
  kPlus,          // +
  kMinus,         // -
  kStar,          // *
  kSlash,         // /
  kPercent,       // %
  kAmpersand,     // &
  kPipe,          // |
  kConcat,        // ||
  kCaret,         // ^
  kTilde,         // ~
  kEq,            // = or ==
  kNullSafeEq,    // <=>
  kNe,            // <> or !=
  kLt,            // <
  kLe,            // <= or !>
  kGt,            // >
  kGe,            // >= or !<
  kShiftLeft,     // <<
  kBang,          // !
  kDoubleColon,   // ::
  kColon,         // :
  kArrow,         // ->
  kFatArrow,      // =>
  kLeftParen,     // (
  kRightParen,    // )
  kLeftBracket,   // [
  kRightBracket,  // ]
  kComma,         // ,
  kDot,           // .
  kSemicolon,     // ;
  kQuestion,      // ?  (positional parameter marker)
  kHintStart,     // /*+
  kHintEnd,       // */ closing a hint
};

// A stable lower-case name for a kind, e.g. "identifier", "'<='"; for messages.
std::string_view TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  // The original text of the token: a view into the string given to Tokenize, valid
  // as long as that string is. Empty for kEnd.
  std::string_view text;
  // The meaning of the token, for the kinds documented above; empty for operators.
  std::string value;
  // 1-based line and column of the token's first character. Columns count Unicode
  // code points, not bytes; a tab is one column. Lines end at '\n'.
  SourcePosition position;
  // Byte offset of text in the input; text.size() is the length in bytes.
  size_t offset = 0;

  size_t length() const { return text.size(); }

  // True if this is a kIdentifier equal to `word` ignoring ASCII case. `word` is
  // written in upper case by convention: tok.Is("SELECT").
  bool Is(std::string_view word) const;
};

// Splits `sql` into tokens, ending with one kEnd token. The input must be UTF-8.
// Errors are Status::InvalidSql with the position of the offending character (or of
// the opening quote / comment for an unclosed one) and, where one helps, a hint.
Result<std::vector<Token>> Tokenize(std::string_view sql);

}  // namespace weir::sql

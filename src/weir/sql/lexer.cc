#include "weir/sql/lexer.h"

#include <string>
#include <utility>

namespace weir::sql {

namespace {

constexpr size_t kNpos = std::string_view::npos;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// Returns the offset of the first byte that does not begin a well-formed UTF-8
// sequence (overlong forms, surrogates and code points above U+10FFFF included), or
// kNpos when all of `s` is UTF-8.
size_t FindInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if ((b & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = b & 0x07;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<uint8_t>(s[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return kNpos;
}

// Decodes the code point at `i` of valid UTF-8 text; sets *len to its byte count.
uint32_t DecodeAt(std::string_view s, size_t i, int* len) {
  const auto b = static_cast<uint8_t>(s[i]);
  if (b < 0x80) {
    *len = 1;
    return b;
  }
  int n = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
  uint32_t cp = b & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<uint8_t>(s[i + k]) & 0x3F);
  *len = n;
  return cp;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Spark's WS rule: ASCII blanks plus these Unicode spaces.
bool IsSpace(uint32_t cp) {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\f':
    case '\r':
    case 0x0B:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

// An approximation of Spark's UNICODE_LETTER ([\p{L}]) for code points >= 0x80
// without a Unicode table: letters of every script pass; the blocks that hold only
// punctuation, symbols, spaces, emoji and private-use characters do not.
bool IsNonAsciiLetter(uint32_t cp) {
  if (cp < 0x80) return false;
  if (cp <= 0xBF) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7 || IsSpace(cp)) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols, arrows, math
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK symbols and punctuation
  if (cp >= 0xE000 && cp <= 0xF8FF) return false;  // private use
  if (cp >= 0xFE30 && cp <= 0xFE4F) return false;  // CJK compatibility forms
  // Full-width punctuation and digits; specials.
  if ((cp >= 0xFF00 && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
      (cp >= 0xFF5B && cp <= 0xFF65) || (cp >= 0xFFF0 && cp <= 0xFFFF)) {
    return false;
  }
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;  // emoji, pictographs
  if (cp >= 0xE0000) return false;                   // tags, private use planes
  return true;
}

// Spark's isValidDecimal(): a token with a '.' may not run into a letter, digit or '_'.
bool ValidDecimalEnd(std::string_view s, size_t end) {
  if (end >= s.size()) return true;
  const char c = s[end];
  return !(IsAsciiLetter(c) || IsDigit(c) || c == '_');
}

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : in_(sql) {}

  Result<std::vector<Token>> Run();

 private:
  struct Cursor {
    size_t offset = 0;
    int line = 1;
    int column = 1;
  };

  bool At(size_t i, char c) const { return i < in_.size() && in_[i] == c; }
  bool IsQuote(size_t i) const { return At(i, '\'') || At(i, '"'); }
  // True if a word character (Spark's IDENTIFIER alphabet) starts at `i`; sets *len.
  bool WordCharAt(size_t i, int* len, bool* letter) const;

  SourcePosition PositionAt(size_t offset);
  Status ErrorAt(size_t offset, std::string message, std::string hint = "");
  Status SyntaxErrorAt(size_t offset);

  Status SkipTrivia();
  Status SkipBracketedComment();
  void Emit(TokenKind kind, size_t start, size_t end, std::string value = "");

  Status ScanNumberOrWord();
  void ScanWord();
  Status ScanStrings();
  Status ScanOneString(std::string* value);
  Status ScanEscape(size_t* i, std::string* value);
  Status ScanHex();
  Status ScanQuotedIdentifier();
  Status ScanOperator();

  std::string_view in_;
  size_t pos_ = 0;
  Cursor cursor_;
  size_t hint_start_ = kNpos;  // offset of the open `/*+`, or kNpos outside a hint
  std::vector<Token> tokens_;
};

bool Lexer::WordCharAt(size_t i, int* len, bool* letter) const {
  if (i >= in_.size()) return false;
  const char c = in_[i];
  if (static_cast<uint8_t>(c) < 0x80) {
    *len = 1;
    *letter = IsAsciiLetter(c);
    return *letter || IsDigit(c) || c == '_';
  }
  const uint32_t cp = DecodeAt(in_, i, len);
  *letter = IsNonAsciiLetter(cp);
  return *letter;
}

SourcePosition Lexer::PositionAt(size_t offset) {
  if (offset < cursor_.offset) cursor_ = Cursor{};
  for (size_t i = cursor_.offset; i < offset && i < in_.size(); ++i) {
    const auto b = static_cast<uint8_t>(in_[i]);
    if (b == '\n') {
      ++cursor_.line;
      cursor_.column = 1;
    } else if ((b & 0xC0) != 0x80) {
      ++cursor_.column;
    }
  }
  cursor_.offset = offset;
  return {cursor_.line, cursor_.column};
}

Status Lexer::ErrorAt(size_t offset, std::string message, std::string hint) {
  Status st = Status::InvalidSql(std::move(message)).WithPosition(PositionAt(offset));
  return hint.empty() ? st : st.WithHint(std::move(hint));
}

Status Lexer::SyntaxErrorAt(size_t offset) {
  std::string near;
  const auto b = static_cast<uint8_t>(in_[offset]);
  if (b < 0x20 || b == 0x7F) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    near = std::string("\\x") + kHex[b >> 4] + kHex[b & 0xF];
  } else {
    int len = 1;
    DecodeAt(in_, offset, &len);
    near = std::string(in_.substr(offset, len));
  }
  return ErrorAt(offset, "[PARSE_SYNTAX_ERROR] Syntax error at or near '" + near + "'");
}

void Lexer::Emit(TokenKind kind, size_t start, size_t end, std::string value) {
  Token t;
  t.kind = kind;
  t.text = in_.substr(start, end - start);
  t.value = std::move(value);
  t.position = PositionAt(start);
  t.offset = start;
  tokens_.push_back(std::move(t));
  pos_ = end;
}

Status Lexer::SkipBracketedComment() {
  // Spark's BRACKETED_COMMENT: nests, except that `/*+` inside a comment does not open
  // a nested comment (it would be a hint). pos_ is at the outer `/*`.
  const size_t start = pos_;
  int depth = 0;
  size_t i = pos_;
  while (i < in_.size()) {
    if (in_[i] == '/' && At(i + 1, '*') && (depth == 0 || !At(i + 2, '+'))) {
      ++depth;
      i += 2;
    } else if (in_[i] == '*' && At(i + 1, '/')) {
      i += 2;
      if (--depth == 0) {
        pos_ = i;
        return Status::OK();
      }
    } else {
      ++i;
    }
  }
  return ErrorAt(start, "bracketed comment is not closed", "append */ at the end of the comment");
}

Status Lexer::SkipTrivia() {
  while (pos_ < in_.size()) {
    const char c = in_[pos_];
    if (c == '-' && At(pos_ + 1, '-')) {
      // A backslash before the newline continues the comment, as in Spark.
      pos_ += 2;
      while (pos_ < in_.size() && in_[pos_] != '\n' && in_[pos_] != '\r') {
        pos_ += (in_[pos_] == '\\' && At(pos_ + 1, '\n')) ? 2 : 1;
      }
    } else if (c == '/' && At(pos_ + 1, '*') && !At(pos_ + 2, '+')) {
      RETURN_NOT_OK(SkipBracketedComment());
    } else {
      int len = 1;
      const uint32_t cp = DecodeAt(in_, pos_, &len);
      if (!IsSpace(cp)) return Status::OK();
      pos_ += len;
    }
  }
  return Status::OK();
}

Status Lexer::ScanEscape(size_t* i, std::string* value) {
  // *i is at a backslash that is followed by at least one character.
  const size_t at = *i;
  const char e = in_[at + 1];
  auto hex_run = [&](size_t from, int n) {
    for (int k = 0; k < n; ++k) {
      if (!IsHexDigit(from + k < in_.size() ? in_[from + k] : 'g')) return false;
    }
    return true;
  };
  auto parse_hex = [&](size_t from, int n) {
    uint32_t v = 0;
    for (int k = 0; k < n; ++k) v = v * 16 + HexValue(in_[from + k]);
    return v;
  };
  auto bad_unicode = [&](size_t len) {
    return ErrorAt(
        at, "invalid Unicode escape '" + std::string(in_.substr(at, len)) + "' in string literal",
        "\\u and \\U escapes must name a Unicode character; write U+1F600 as "
        "\\U0001F600 or as the surrogate pair \\uD83D\\uDE00");
  };
  if ((e == 'u' && hex_run(at + 2, 4)) || (e == 'U' && hex_run(at + 2, 8))) {
    const int n = e == 'u' ? 4 : 8;
    uint32_t cp = parse_hex(at + 2, n);
    size_t end = at + 2 + n;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return bad_unicode(end - at);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // Spark builds Java (UTF-16) strings, where a high surrogate escape followed by
      // a low one is one character. Alone, either is not a character.
      if (!(At(end, '\\') && At(end + 1, 'u') && hex_run(end + 2, 4))) return bad_unicode(end - at);
      const uint32_t low = parse_hex(end + 2, 4);
      if (low < 0xDC00 || low > 0xDFFF) return bad_unicode(end - at);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      end += 6;
    }
    if (cp > 0x10FFFF) return bad_unicode(end - at);
    AppendUtf8(cp, value);
    *i = end;
    return Status::OK();
  }
  if ((e == '0' || e == '1') && at + 3 < in_.size() && in_[at + 2] >= '0' && in_[at + 2] <= '7' &&
      in_[at + 3] >= '0' && in_[at + 3] <= '7') {
    value->push_back(
        static_cast<char>((e - '0') * 64 + (in_[at + 2] - '0') * 8 + in_[at + 3] - '0'));
    *i = at + 4;
    return Status::OK();
  }
  int len = 1;
  switch (e) {
    case '0':
      value->push_back('\0');
      break;
    case 'b':
      value->push_back('\b');
      break;
    case 'n':
      value->push_back('\n');
      break;
    case 'r':
      value->push_back('\r');
      break;
    case 't':
      value->push_back('\t');
      break;
    case 'Z':
      value->push_back('\x1A');
      break;
    // As MySQL does, and Spark after it: \% and \_ keep their backslash so that
    // LIKE patterns can escape their wildcards.
    case '%':
      value->append("\\%");
      break;
    case '_':
      value->append("\\_");
      break;
    default:
      // Any other escaped character stands for itself (\' \" \\ \q ...).
      DecodeAt(in_, at + 1, &len);
      value->append(in_.substr(at + 1, len));
  }
  *i = at + 1 + len;
  return Status::OK();
}

Status Lexer::ScanOneString(std::string* value) {
  // pos_ is at the opening quote, or at the R of a raw string.
  const size_t start = pos_;
  const bool raw = !IsQuote(pos_);
  size_t i = raw ? pos_ + 1 : pos_;
  const char quote = in_[i++];
  while (true) {
    if (i >= in_.size()) {
      return ErrorAt(start, "string literal is not closed",
                     std::string("add the closing ") + quote);
    }
    const char c = in_[i];
    if (c == quote) break;
    if (c == '\\' && !raw) {
      if (i + 1 >= in_.size()) {
        i = in_.size();  // reported as not closed
        continue;
      }
      RETURN_NOT_OK(ScanEscape(&i, value));
    } else {
      value->push_back(c);
      ++i;
    }
  }
  pos_ = i + 1;
  return Status::OK();
}

Status Lexer::ScanStrings() {
  // Adjacent literals, with only whitespace and comments between, are one value.
  const size_t start = pos_;
  std::string value;
  RETURN_NOT_OK(ScanOneString(&value));
  size_t end = pos_;
  while (true) {
    RETURN_NOT_OK(SkipTrivia());
    const bool raw_next = (At(pos_, 'r') || At(pos_, 'R')) && IsQuote(pos_ + 1);
    if (!IsQuote(pos_) && !raw_next) break;
    RETURN_NOT_OK(ScanOneString(&value));
    end = pos_;
  }
  Emit(TokenKind::kString, start, end, std::move(value));
  return Status::OK();
}

Status Lexer::ScanHex() {
  // X'...' / X"...": found with Spark's string rule (a backslash escapes the next
  // character), then every character between the quotes must be a hex digit.
  const size_t start = pos_;
  const char quote = in_[pos_ + 1];
  size_t i = pos_ + 2;
  while (i < in_.size() && in_[i] != quote) i += (in_[i] == '\\' && i + 1 < in_.size()) ? 2 : 1;
  if (i >= in_.size()) {
    return ErrorAt(start, "binary literal is not closed", std::string("add the closing ") + quote);
  }
  const std::string_view digits = in_.substr(start + 2, i - start - 2);
  for (size_t k = 0; k < digits.size(); ++k) {
    if (!IsHexDigit(digits[k])) {
      return ErrorAt(start + 2 + k,
                     "invalid binary literal " + std::string(in_.substr(start, i + 1 - start)),
                     "X'...' holds hexadecimal digits 0-9, A-F");
    }
  }
  // An odd number of digits gets a leading 0, as in Spark: X'123' is 0x01 0x23.
  std::string bytes;
  size_t k = 0;
  if (digits.size() % 2 == 1) bytes.push_back(static_cast<char>(HexValue(digits[k++])));
  for (; k < digits.size(); k += 2) {
    bytes.push_back(static_cast<char>(HexValue(digits[k]) * 16 + HexValue(digits[k + 1])));
  }
  Emit(TokenKind::kBinary, start, i + 1, std::move(bytes));
  return Status::OK();
}

Status Lexer::ScanQuotedIdentifier() {
  const size_t start = pos_;
  std::string name;
  size_t i = pos_ + 1;
  while (true) {
    if (i >= in_.size()) {
      return ErrorAt(start, "quoted identifier is not closed", "add the closing `");
    }
    if (in_[i] == '`') {
      if (!At(i + 1, '`')) break;
      ++i;  // `` stands for one backtick
    }
    name.push_back(in_[i++]);
  }
  Emit(TokenKind::kQuotedIdentifier, start, i + 1, std::move(name));
  return Status::OK();
}

void Lexer::ScanWord() {
  const size_t start = pos_;
  size_t i = pos_;
  int len = 1;
  bool letter = false;
  bool only_letters = true;
  while (WordCharAt(i, &len, &letter)) {
    only_letters = only_letters && letter;
    i += len;
  }
  // Spark's second IDENTIFIER form, for paths: UNICODE_LETTER+ '://' followed by
  // letters, digits and _ / - . ? = & # %.
  if (only_letters && in_.substr(i, 3) == "://") {
    size_t j = i + 3;
    while (j < in_.size()) {
      const char c = in_[j];
      if (WordCharAt(j, &len, &letter)) {
        j += len;
      } else if (c == '/' || c == '-' || c == '.' || c == '?' || c == '=' || c == '&' || c == '#' ||
                 c == '%') {
        ++j;
      } else {
        break;
      }
    }
    if (j > i + 3) i = j;
  }
  Emit(TokenKind::kIdentifier, start, i, std::string(in_.substr(start, i - start)));
}

Status Lexer::ScanNumberOrWord() {
  // Spark's numeric rules with ANTLR's longest match: every number form is tried,
  // those containing '.' only where isValidDecimal() holds after them, and a word
  // (digits and letters, e.g. 1col) wins when it is strictly longer.
  const size_t start = pos_;
  size_t i = start;
  while (i < in_.size() && IsDigit(in_[i])) ++i;
  const size_t int_digits = i - start;
  size_t best = 0;  // length of the best number candidate
  size_t best_value = 0;
  TokenKind kind = TokenKind::kDot;

  auto exponent_len = [&](size_t at) -> size_t {
    if (!(At(at, 'e') || At(at, 'E'))) return 0;
    size_t j = at + 1;
    if (At(j, '+') || At(j, '-')) ++j;
    const size_t digits_at = j;
    while (j < in_.size() && IsDigit(in_[j])) ++j;
    return j > digits_at ? j - at : 0;
  };
  auto consider = [&](size_t body_end, bool decimal, TokenKind plain) {
    // Candidates for the body [start, body_end): plain, and with each suffix.
    auto take = [&](size_t end, TokenKind k) {
      if (decimal && !ValidDecimalEnd(in_, end)) return;
      if (end - start > best) best = end - start, best_value = body_end - start, kind = k;
    };
    take(body_end, plain);
    const char s = body_end < in_.size() ? Upper(in_[body_end]) : '\0';
    if (s == 'F') take(body_end + 1, TokenKind::kFloat);
    if (s == 'D') take(body_end + 1, TokenKind::kDouble);
    if (s == 'B' && body_end + 1 < in_.size() && Upper(in_[body_end + 1]) == 'D') {
      take(body_end + 2, TokenKind::kBigDecimal);
    }
  };

  if (int_digits > 0) {
    consider(i, false, TokenKind::kInteger);
    const char s = i < in_.size() ? Upper(in_[i]) : '\0';
    if (s == 'L' || s == 'S' || s == 'Y') {
      if (int_digits + 1 > best) {
        best = int_digits + 1, best_value = int_digits;
        kind = s == 'L'   ? TokenKind::kBigint
               : s == 'S' ? TokenKind::kSmallint
                          : TokenKind::kTinyint;
      }
    }
    if (size_t e = exponent_len(i); e > 0) consider(i + e, false, TokenKind::kExponent);
  }
  if (At(i, '.')) {
    size_t j = i + 1;
    while (j < in_.size() && IsDigit(in_[j])) ++j;
    if (int_digits > 0 || j > i + 1) {
      consider(j, true, TokenKind::kDecimal);
      if (size_t e = exponent_len(j); e > 0) consider(j + e, true, TokenKind::kExponent);
    }
  }

  if (int_digits > 0) {
    size_t w = start;
    int len = 1;
    bool letter = false;
    while (WordCharAt(w, &len, &letter)) w += len;
    if (w - start > best) {
      Emit(TokenKind::kIdentifier, start, w, std::string(in_.substr(start, w - start)));
      return Status::OK();
    }
  }
  if (best == 0) {  // a '.' whose digits run into a word, as in t.1col
    Emit(TokenKind::kDot, start, start + 1);
    return Status::OK();
  }
  Emit(kind, start, start + best, std::string(in_.substr(start, best_value)));
  return Status::OK();
}

Status Lexer::ScanOperator() {
  const size_t s = pos_;
  auto next = [&](size_t k) { return s + k < in_.size() ? in_[s + k] : '\0'; };
  auto emit = [&](TokenKind kind, size_t len) {
    Emit(kind, s, s + len);
    return Status::OK();
  };
  switch (in_[s]) {
    case '+':
      return emit(TokenKind::kPlus, 1);
    case '-':
      return next(1) == '>' ? emit(TokenKind::kArrow, 2) : emit(TokenKind::kMinus, 1);
    case '*':
      if (next(1) == '/' && hint_start_ != kNpos) {
        hint_start_ = kNpos;
        return emit(TokenKind::kHintEnd, 2);
      }
      return emit(TokenKind::kStar, 1);
    case '/':
      if (next(1) == '*') {  // SkipTrivia has taken every `/*` but `/*+`
        hint_start_ = s;
        return emit(TokenKind::kHintStart, 3);
      }
      return emit(TokenKind::kSlash, 1);
    case '%':
      return emit(TokenKind::kPercent, 1);
    case '&':
      return emit(TokenKind::kAmpersand, 1);
    case '|':
      return next(1) == '|' ? emit(TokenKind::kConcat, 2) : emit(TokenKind::kPipe, 1);
    case '^':
      return emit(TokenKind::kCaret, 1);
    case '~':
      return emit(TokenKind::kTilde, 1);
    case '=':
      if (next(1) == '=') return emit(TokenKind::kEq, 2);
      return next(1) == '>' ? emit(TokenKind::kFatArrow, 2) : emit(TokenKind::kEq, 1);
    case '<':
      if (next(1) == '=') {
        return next(2) == '>' ? emit(TokenKind::kNullSafeEq, 3) : emit(TokenKind::kLe, 2);
      }
      if (next(1) == '>') return emit(TokenKind::kNe, 2);
      return next(1) == '<' ? emit(TokenKind::kShiftLeft, 2) : emit(TokenKind::kLt, 1);
    case '>':
      return next(1) == '=' ? emit(TokenKind::kGe, 2) : emit(TokenKind::kGt, 1);
    case '!':
      if (next(1) == '=') return emit(TokenKind::kNe, 2);
      if (next(1) == '>') return emit(TokenKind::kLe, 2);  // "not greater"
      if (next(1) == '<') return emit(TokenKind::kGe, 2);  // "not less"
      return emit(TokenKind::kBang, 1);
    case ':':
      return next(1) == ':' ? emit(TokenKind::kDoubleColon, 2) : emit(TokenKind::kColon, 1);
    case '(':
      return emit(TokenKind::kLeftParen, 1);
    case ')':
      return emit(TokenKind::kRightParen, 1);
    case '[':
      return emit(TokenKind::kLeftBracket, 1);
    case ']':
      return emit(TokenKind::kRightBracket, 1);
    case ',':
      return emit(TokenKind::kComma, 1);
    case '.':
      return emit(TokenKind::kDot, 1);
    case ';':
      return emit(TokenKind::kSemicolon, 1);
    case '?':
      return emit(TokenKind::kQuestion, 1);
    default:
      return SyntaxErrorAt(s);
  }
}

Result<std::vector<Token>> Lexer::Run() {
  if (size_t bad = FindInvalidUtf8(in_); bad != kNpos) {
    return ErrorAt(bad, "SQL text is not valid UTF-8");
  }
  while (true) {
    RETURN_NOT_OK(SkipTrivia());
    if (pos_ >= in_.size()) break;
    const char c = in_[pos_];
    int len = 1;
    bool letter = false;
    if (IsDigit(c) || (c == '.' && pos_ + 1 < in_.size() && IsDigit(in_[pos_ + 1]))) {
      RETURN_NOT_OK(ScanNumberOrWord());
    } else if ((c == 'x' || c == 'X') && IsQuote(pos_ + 1)) {
      RETURN_NOT_OK(ScanHex());
    } else if (IsQuote(pos_) || ((c == 'r' || c == 'R') && IsQuote(pos_ + 1))) {
      RETURN_NOT_OK(ScanStrings());
    } else if (c == '`') {
      RETURN_NOT_OK(ScanQuotedIdentifier());
    } else if (WordCharAt(pos_, &len, &letter)) {
      ScanWord();
    } else {
      RETURN_NOT_OK(ScanOperator());
    }
  }
  if (hint_start_ != kNpos) {
    return ErrorAt(hint_start_, "hint is not closed", "append */ at the end of the hint");
  }
  Emit(TokenKind::kEnd, in_.size(), in_.size());
  return std::move(tokens_);
}

}  // namespace

bool Token::Is(std::string_view word) const {
  if (kind != TokenKind::kIdentifier || text.size() != word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (Upper(text[i]) != Upper(word[i])) return false;
  }
  return true;
}

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kIdentifier:
      return "identifier";
    case TokenKind::kQuotedIdentifier:
      return "quoted identifier";
    case TokenKind::kString:
      return "string literal";
    case TokenKind::kBinary:
      return "binary literal";
    case TokenKind::kInteger:
      return "integer literal";
    case TokenKind::kBigint:
      return "bigint literal";
    case TokenKind::kSmallint:
      return "smallint literal";
    case TokenKind::kTinyint:
      return "tinyint literal";
    case TokenKind::kDecimal:
      return "decimal literal";
    case TokenKind::kExponent:
      return "exponent literal";
    case TokenKind::kFloat:
      return "float literal";
    case TokenKind::kDouble:
      return "double literal";
    case TokenKind::kBigDecimal:
      return "bigdecimal literal";
    case TokenKind::kPlus:
      return "'+'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kSlash:
      return "'/'";
    case TokenKind::kPercent:
      return "'%'";
    case TokenKind::kAmpersand:
      return "'&'";
    case TokenKind::kPipe:
      return "'|'";
    case TokenKind::kConcat:
      return "'||'";
    case TokenKind::kCaret:
      return "'^'";
    case TokenKind::kTilde:
      return "'~'";
    case TokenKind::kEq:
      return "'='";
    case TokenKind::kNullSafeEq:
      return "'<=>'";
    case TokenKind::kNe:
      return "'<>'";
    case TokenKind::kLt:
      return "'<'";
    case TokenKind::kLe:
      return "'<='";
    case TokenKind::kGt:
      return "'>'";
    case TokenKind::kGe:
      return "'>='";
    case TokenKind::kShiftLeft:
      return "'<<'";
    case TokenKind::kBang:
      return "'!'";
    case TokenKind::kDoubleColon:
      return "'::'";
    case TokenKind::kColon:
      return "':'";
    case TokenKind::kArrow:
      return "'->'";
    case TokenKind::kFatArrow:
      return "'=>'";
    case TokenKind::kLeftParen:
      return "'('";
    case TokenKind::kRightParen:
      return "')'";
    case TokenKind::kLeftBracket:
      return "'['";
    case TokenKind::kRightBracket:
      return "']'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kDot:
      return "'.'";
    case TokenKind::kSemicolon:
      return "';'";
    case TokenKind::kQuestion:
      return "'?'";
    case TokenKind::kHintStart:
      return "'/*+'";
    case TokenKind::kHintEnd:
      return "'*/'";
  }
  return "unknown token";
}

Result<std::vector<Token>> Tokenize(std::string_view sql) { return Lexer(sql).Run(); }

}  // namespace weir::sql

// Literals and data types: Spark's numeric literal typing, typed literals (DATE '..',
// TIMESTAMP '..'), the INTERVAL forms, and the data type of CAST and column
// definitions (delegated to ParseDdlType on the type's text).

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "weir/expr/typed_literal.h"
#include "weir/functions/ddl_schema.h"
#include "weir/sql/parser_internal.h"

namespace weir::sql::internal {

namespace {

Status RangeError(std::string_view text, std::string_view type, std::string_view min,
                  std::string_view max) {
  return Status::InvalidSql("[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal " + std::string(text) +
                            " is outside the valid range for " + std::string(type) +
                            " with minimum value of " + std::string(min) +
                            " and maximum value of " + std::string(max) +
                            ". Please adjust the value accordingly.");
}

Status PrecisionError(int precision) {
  return Status::InvalidSql("[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision " +
                            std::to_string(precision) + " exceeds max precision 38.");
}

// Java BigDecimal of "[-]digits[.digits][e[+-]digits]", with Spark's literal typing:
// DECIMAL(max(precision, scale), scale), a negative scale folded into the digits.
Result<Value> ExactDecimal(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  size_t e = text.find_first_of("eE");
  int exponent = 0;
  if (e != std::string_view::npos) {
    std::string exp(text.substr(e + 1));
    if (exp.size() > 6) return Status::InvalidSql("exponent too large: " + std::string(text));
    exponent = std::atoi(exp.c_str());
    text = text.substr(0, e);
  }
  std::string digits;
  int scale = 0;
  bool point = false;
  for (char c : text) {
    if (c == '.') {
      point = true;
    } else {
      digits += c;
      if (point) ++scale;
    }
  }
  scale -= exponent;
  size_t nz = digits.find_first_not_of('0');
  digits = nz == std::string::npos ? "0" : digits.substr(nz);
  if (scale < 0) {
    if (digits != "0") digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  int precision = std::max<int>(static_cast<int>(digits.size()), scale);
  if (precision > 38 || digits.size() > 38) {
    return PrecisionError(std::max<int>(precision, static_cast<int>(digits.size())));
  }
  Int128 unscaled = 0;
  for (char c : digits) unscaled = unscaled * 10 + (c - '0');
  return Value::Decimal(negative ? -unscaled : unscaled, std::max(precision, 1), scale);
}

// An INTEGER_VALUE: INT if it fits, else BIGINT, else DECIMAL(p, 0).
Result<Value> IntegerLiteral(std::string_view text) {
  std::string_view digits = text[0] == '-' ? text.substr(1) : text;
  size_t nz = digits.find_first_not_of('0');
  if (nz == std::string_view::npos || digits.size() - nz <= 18) {
    errno = 0;
    long long v = std::strtoll(std::string(text).c_str(), nullptr, 10);
    if (v >= INT32_MIN && v <= INT32_MAX) return Value::Int32(static_cast<int32_t>(v));
    return Value::Int64(v);
  }
  ASSIGN_OR_RAISE(Value d, ExactDecimal(text));
  Int128 u = d.decimal();
  if (u >= INT64_MIN && u <= INT64_MAX) return Value::Int64(static_cast<int64_t>(u));
  return d;
}

Result<Value> RangedInteger(std::string_view text, int64_t min, int64_t max,
                            std::string_view type) {
  bool negative = text[0] == '-';
  std::string_view digits = negative ? text.substr(1) : text;
  size_t nz = digits.find_first_not_of('0');
  Int128 v = 0;
  bool ok = nz == std::string_view::npos || digits.size() - nz <= 20;
  for (size_t i = 0; ok && i < digits.size(); ++i) v = v * 10 + (digits[i] - '0');
  if (negative) v = -v;
  ok = ok && v >= min && v <= max;
  if (!ok) return RangeError(text, type, std::to_string(min), std::to_string(max));
  if (max > INT32_MAX) return Value::Int64(static_cast<int64_t>(v));
  return Value::Int32(static_cast<int32_t>(v));
}

Result<Value> DoubleLiteral(std::string_view text) {
  double v = std::strtod(std::string(text).c_str(), nullptr);
  if (std::isinf(v)) {
    return RangeError(text, "double", "-1.7976931348623157E+308", "1.7976931348623157E+308");
  }
  return Value::Double(v);
}

Result<Value> NumberValue(const Token& t, std::string_view text) {
  switch (t.kind) {
    case TokenKind::kInteger:
      return IntegerLiteral(text);
    case TokenKind::kBigint:
      return RangedInteger(text, INT64_MIN, INT64_MAX, "bigint");
    case TokenKind::kSmallint:  // SMALLINT and TINYINT literals widen to INT in weir
      return RangedInteger(text, -32768, 32767, "smallint");
    case TokenKind::kTinyint:
      return RangedInteger(text, -128, 127, "tinyint");
    case TokenKind::kDecimal:
    case TokenKind::kBigDecimal:
      return ExactDecimal(text);
    default:  // kExponent, kDouble, kFloat (FLOAT widens to DOUBLE in weir)
      return DoubleLiteral(text);
  }
}

}  // namespace

Result<SqlExprPtr> Parser::ParseNumber(bool negative, size_t first) {
  const Token& t = Peek();
  size_t at = pos();
  Advance();
  std::string text = (negative ? "-" : "") + (t.value.empty() ? std::string(t.text) : t.value);
  Result<Value> v = NumberValue(t, text);
  if (!v.ok()) return v.status().WithPosition(tokens_at(first).position);
  (void)at;
  auto e = NewExpr(SqlExprKind::kLiteral, first);
  e->value = std::move(*v);
  Finish(e.get());
  return e;
}

// ---------------------------------------------------------------------------
// Typed literals

namespace {

std::string LowerTrimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

// X '0A1F', with a space: Spark's typeConstructor decodes it like X'0A1F'.
Result<SqlExprPtr> Parser::HexLiteral(size_t first) {
  const std::string original = Peek(1).value;
  std::string hex = original;
  Advance(2);
  if (hex.size() % 2 == 1) hex = "0" + hex;
  std::string bytes;
  auto digit = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return ErrorAtToken(first + 1,
                          "[INVALID_TYPED_LITERAL] The value of the typed literal "
                          "\"X\" is invalid: '" +
                              original + "'.");
    }
    bytes += static_cast<char>(hi * 16 + lo);
  }
  auto e = NewExpr(SqlExprKind::kLiteral, first);
  e->value = Value::Binary(std::move(bytes));
  Finish(e.get());
  return e;
}

// DATE 'today' and friends depend on the query's clock, which the parser does not
// know: they become current_date() / current_timestamp() calls, evaluated once per
// query as Spark evaluates the special value once per parse.
Result<SqlExprPtr> Parser::ParseTypedLiteral(size_t first, bool* handled) {
  *handled = true;
  const Token& type_tok = Peek();
  const Token& str = Peek(1);
  bool date = type_tok.Is("DATE");
  bool ts = type_tok.Is("TIMESTAMP") || type_tok.Is("TIMESTAMP_LTZ");
  if (type_tok.Is("TIMESTAMP_NTZ")) return Unsupported(first, "TIMESTAMP_NTZ");
  if (type_tok.Is("X")) return HexLiteral(first);
  if (!date && !ts) {
    std::string name(type_tok.text);
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return ErrorAtToken(first, "[UNSUPPORTED_TYPED_LITERAL] Literals of the type \"" + name +
                                   "\" are not supported. Supported types are DATE, "
                                   "TIMESTAMP_LTZ, TIMESTAMP, INTERVAL, X.");
  }
  Advance(2);
  std::string special = LowerTrimmed(str.value);
  if (special == "now" || special == "today" || special == "yesterday" || special == "tomorrow") {
    auto call = NewExpr(SqlExprKind::kFunction, first);
    call->names = {special == "now" && ts ? "current_timestamp" : "current_date"};
    SqlExprPtr e = std::move(call);
    if (special == "yesterday" || special == "tomorrow") {
      auto add = NewExpr(SqlExprKind::kFunction, first);
      add->names = {"date_add"};
      auto days = NewExpr(SqlExprKind::kLiteral, first);
      days->value = Value::Int32(special == "tomorrow" ? 1 : -1);
      add->children.push_back(std::move(e));
      add->children.push_back(std::move(days));
      e = std::move(add);
    }
    if (ts && special != "now") {
      auto cast = NewExpr(SqlExprKind::kCast, first);
      cast->cast_type = DataType::Timestamp();
      cast->children.push_back(std::move(e));
      e = std::move(cast);
    }
    Finish(e.get());
    return e;
  }
  EvalOptions eval;
  eval.time_zone = options_.time_zone;
  Result<Value> v =
      weir::ParseTypedLiteral(date ? DataType::Date() : DataType::Timestamp(), str.value, eval);
  if (!v.ok()) return v.status().WithPosition(str.position);
  auto e = NewExpr(SqlExprKind::kLiteral, first);
  e->value = std::move(*v);
  Finish(e.get());
  return e;
}

// ---------------------------------------------------------------------------
// Data types

namespace {

bool IsIntervalField(const Token& t) {
  return t.Is("YEAR") || t.Is("MONTH") || t.Is("DAY") || t.Is("HOUR") || t.Is("MINUTE") ||
         t.Is("SECOND");
}

}  // namespace

Result<DataType> Parser::ParseType() {
  size_t start = pos();
  if (!IsName()) return SyntaxErrorAt(pos(), "", "a data type is expected here");
  const Token& name = Peek();
  Advance();
  // INTERVAL YEAR TO MONTH, INTERVAL DAY TO SECOND, ...: weir has one INTERVAL type.
  if (name.Is("INTERVAL") && IsIntervalField(Peek())) {
    Advance();
    if (IsWord("TO") && IsIntervalField(Peek(1))) Advance(2);
    return DataType::Interval();
  }
  bool nested = name.Is("ARRAY") || name.Is("MAP") || name.Is("STRUCT");
  if (Is(TokenKind::kLeftParen) || (nested && (Is(TokenKind::kLt) || Is(TokenKind::kNe)))) {
    // Skip the balanced parameter list; `>>` is two kGt tokens.
    int angle = 0, paren = 0;
    size_t open = pos();
    do {
      switch (Peek().kind) {
        case TokenKind::kLt:
          ++angle;
          break;
        case TokenKind::kShiftLeft:
          angle += 2;
          break;
        case TokenKind::kGt:
          --angle;
          break;
        case TokenKind::kGe:
          --angle;
          break;
        case TokenKind::kLeftParen:
          ++paren;
          break;
        case TokenKind::kRightParen:
          --paren;
          break;
        case TokenKind::kEnd:
          return ExpectClose(open);
        default:
          break;
      }
      Advance();
    } while (angle > 0 || paren > 0);
  }
  size_t begin = tokens_at(start).offset;
  std::string_view text = sql().substr(begin, PrevEnd() - begin);
  Result<DataType> type = ParseDdlType(text);
  if (type.ok()) return type;
  // Re-anchor the error (relative to `text`) in the statement.
  std::string msg = type.status().message();
  size_t cut = msg.find("(line 1, pos ");
  if (cut != std::string::npos) msg.resize(cut);
  size_t offset = begin + static_cast<size_t>(std::max(0, type.status().position().column - 1));
  size_t index = start;
  while (index + 1 < pos() && tokens_at(index + 1).offset <= offset) ++index;
  return ErrorAtToken(index, std::move(msg), type.status().hint());
}

}  // namespace weir::sql::internal

// INTERVAL literals, in Spark's forms:
//   INTERVAL '1 day 2 hours'             the string as CAST(... AS INTERVAL) reads it
//   INTERVAL '1' DAY, INTERVAL 1 DAY 2 HOURS, INTERVAL -1.5 SECONDS
//                                        value/unit pairs, joined into such a string as
//                                        Spark's visitMultiUnitsInterval does
//   INTERVAL '1-2' YEAR TO MONTH, INTERVAL '1 10:00:00' DAY TO SECOND, ...
//                                        the ANSI unit-to-unit forms
// weir has one INTERVAL type (months, days, microseconds), so the ANSI forms give that
// type too: days in days, hours and below in microseconds.

#include <cctype>

#include "weir/expr/typed_literal.h"
#include "weir/sql/parser_internal.h"

namespace weir::sql::internal {

namespace {

bool IsMultiUnit(const Token& t) {
  for (std::string_view u : {"NANOSECOND", "MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR",
                             "DAY", "WEEK", "MONTH", "YEAR"}) {
    if (t.Is(u)) return true;
    if (t.kind == TokenKind::kIdentifier && t.text.size() == u.size() + 1 &&
        (t.text.back() == 's' || t.text.back() == 'S') &&
        EditDistance(t.text.substr(0, u.size()), u) == 0) {
      return true;
    }
  }
  return false;
}

// Index into DAY, HOUR, MINUTE, SECOND (YEAR = -2, MONTH = -1), or -3.
int FieldIndex(const Token& t) {
  if (t.Is("YEAR")) return -2;
  if (t.Is("MONTH")) return -1;
  if (t.Is("DAY")) return 0;
  if (t.Is("HOUR")) return 1;
  if (t.Is("MINUTE")) return 2;
  if (t.Is("SECOND")) return 3;
  return -3;
}

// Reads up to 9 digits; false when there are none or more.
bool ReadNumber(std::string_view s, size_t* i, int64_t* out) {
  size_t start = *i;
  int64_t v = 0;
  while (*i < s.size() && std::isdigit(static_cast<unsigned char>(s[*i]))) {
    if (*i - start >= 9) return false;
    v = v * 10 + (s[*i] - '0');
    ++*i;
  }
  *out = v;
  return *i > start;
}

// The unit-to-unit string `s` for fields `from`..`to` (FieldIndex values).
bool ParseUnitToUnit(std::string_view s, int from, int to, Interval* out) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  int64_t a = 0, b = 0;
  if (from == -2) {  // YEAR TO MONTH: y-m
    if (!ReadNumber(s, &i, &a) || i >= s.size() || s[i++] != '-' || !ReadNumber(s, &i, &b) ||
        i != s.size() || b > 11 || a > 178956970) {
      return false;
    }
    int64_t months = a * 12 + b;
    out->months = static_cast<int32_t>(negative ? -months : months);
    return true;
  }
  constexpr int64_t kUnitMicros[] = {0, 3'600'000'000LL, 60'000'000LL, 1'000'000LL};
  constexpr int64_t kLimit[] = {0, 23, 59, 59};
  int64_t days = 0, micros = 0;
  for (int f = from; f <= to; ++f) {
    if (f > from) {
      char sep = f == 1 && from == 0 ? ' ' : ':';
      if (i >= s.size() || s[i] != sep) return false;
      while (i < s.size() && s[i] == sep && sep == ' ') ++i;
      if (sep == ':') ++i;
    }
    int64_t v = 0;
    if (!ReadNumber(s, &i, &v)) return false;
    if (f > from && v > kLimit[f]) return false;
    if (f == 0) {
      days = v;
    } else {
      micros += v * kUnitMicros[f];
    }
    if (f == 3 && i < s.size() && s[i] == '.') {  // fraction of a second, to micros
      ++i;
      int64_t frac = 0, digits = 0;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        if (digits < 6) frac = frac * 10 + (s[i] - '0');
        ++digits;
        ++i;
      }
      if (digits == 0 || digits > 9) return false;
      for (int64_t d = digits; d < 6; ++d) frac *= 10;
      micros += frac;
    }
  }
  if (i != s.size()) return false;
  out->days = static_cast<int32_t>(negative ? -days : days);
  out->micros = negative ? -micros : micros;
  return true;
}

}  // namespace

Result<SqlExprPtr> Parser::ParseInterval(size_t first) {
  Advance();  // INTERVAL
  auto e = NewExpr(SqlExprKind::kLiteral, first);
  auto invalid = [&](std::string_view text) {
    return ErrorAtToken(first,
                        "[INVALID_TYPED_LITERAL] The value of the typed literal "
                        "\"INTERVAL\" is invalid: '" +
                            std::string(text) + "'.");
  };
  if (Is(TokenKind::kString) && !IsMultiUnit(Peek(1))) {  // INTERVAL '1 day 2 hours'
    std::string text = Peek().value;
    Advance();
    Result<Value> v = weir::ParseTypedLiteral(DataType::Interval(), text, EvalOptions{});
    if (!v.ok()) return invalid(text);
    e->value = std::move(*v);
    Finish(e.get());
    return e;
  }
  std::string joined;
  bool first_pair = true;
  while (true) {
    size_t k = Is(TokenKind::kMinus) || Is(TokenKind::kPlus) ? 1 : 0;
    TokenKind vk = Peek(k).kind;
    bool value = vk == TokenKind::kInteger || vk == TokenKind::kDecimal || vk == TokenKind::kString;
    if (!value || !IsMultiUnit(Peek(k + 1))) {
      if (first_pair)
        return SyntaxErrorAt(pos() + k + (value ? 1 : 0), "",
                             "an interval unit such as DAY is expected");
      break;
    }
    bool minus = k == 1 && Is(TokenKind::kMinus);
    const Token& v = Peek(k);
    const Token& unit = Peek(k + 1);
    std::string text = vk == TokenKind::kString ? v.value : std::string(v.text);
    // INTERVAL '1-2' YEAR TO MONTH
    if (first_pair && IsWord("TO", k + 2) && FieldIndex(unit) > -3 &&
        FieldIndex(Peek(k + 3)) > FieldIndex(unit)) {
      int from = FieldIndex(unit), to = FieldIndex(Peek(k + 3));
      if ((from == -2) != (to == -1) || vk != TokenKind::kString) return invalid(text);
      Advance(k + 4);
      Interval iv;
      if (!ParseUnitToUnit(text, from, to, &iv)) return invalid(text);
      if (minus) iv = Interval{-iv.months, -iv.days, -iv.micros};
      e->value = Value::IntervalValue(iv);
      Finish(e.get());
      return e;
    }
    if (vk == TokenKind::kString) {
      for (char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c))) return invalid(text);
      }
    }
    if (minus) text = !text.empty() && text[0] == '-' ? text.substr(1) : "-" + text;
    joined += " " + text + " " + std::string(unit.text);
    Advance(k + 2);
    first_pair = false;
  }
  Result<Value> v = weir::ParseTypedLiteral(DataType::Interval(), joined, EvalOptions{});
  if (!v.ok()) return invalid(joined.substr(1));
  e->value = std::move(*v);
  Finish(e.get());
  return e;
}

}  // namespace weir::sql::internal

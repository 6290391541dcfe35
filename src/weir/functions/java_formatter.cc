#include <algorithm>
#include <charconv>
#include <cmath>

#include "weir/functions/java_formatter_internal.h"
#include "weir/functions/string_internal.h"
#include "weir/functions/unicode_case.h"

namespace weir::formatter {

namespace {

const char* JavaClass(ArgKind kind) {
  switch (kind) {
    case ArgKind::kNull:
      return "null";
    case ArgKind::kBoolean:
      return "java.lang.Boolean";
    case ArgKind::kInteger:
      return "java.lang.Integer";
    case ArgKind::kLong:
      return "java.lang.Long";
    case ArgKind::kDouble:
      return "java.lang.Double";
    case ArgKind::kDecimal:
      return "org.apache.spark.sql.types.Decimal";
    case ArgKind::kString:
      return "org.apache.spark.unsafe.types.UTF8String";
  }
  return "?";
}

Status FormatError(std::string_view format, std::string_view what) {
  return Status::InvalidInput("Invalid format string '" + std::string(format) +
                              "' in `format_string`: " + std::string(what));
}

// Checks Java's per-conversion rules (FormatSpecifier's checks).
Status CheckSpec(std::string_view format, const FormatSpec& s) {
  auto bad_flags = [&](const char* flag) {
    return FormatError(format, "FormatFlagsConversionMismatchException: Conversion = " +
                                   std::string(1, s.conversion) + ", Flags = " + flag);
  };
  if ((s.left || s.zero) && s.width < 0 && s.conversion != 'n') {
    return FormatError(format, "MissingFormatWidthException: " + s.text);
  }
  if (s.left && s.zero) return FormatError(format, "IllegalFormatFlagsException: Flags = '-0'");
  if (s.plus && s.space) return FormatError(format, "IllegalFormatFlagsException: Flags = '+ '");
  switch (s.conversion) {
    case 'n':
      if (s.width >= 0)
        return FormatError(format, "IllegalFormatWidthException: " + std::to_string(s.width));
      [[fallthrough]];
    case '%':
      if (s.precision >= 0) {
        return FormatError(format,
                           "IllegalFormatPrecisionException: " + std::to_string(s.precision));
      }
      if (s.alternate || s.plus || s.space || s.zero || s.group || s.paren)
        return bad_flags("#+ 0,(");
      return Status::OK();
    case 'b':
    case 's':
      if (s.alternate) return bad_flags("#");
      if (s.plus || s.space || s.zero || s.group || s.paren) return bad_flags("+ 0,(");
      return Status::OK();
    case 'c':
      if (s.precision >= 0) {
        return FormatError(format,
                           "IllegalFormatPrecisionException: " + std::to_string(s.precision));
      }
      if (s.alternate || s.plus || s.space || s.zero || s.group || s.paren)
        return bad_flags("#+ 0,(");
      return Status::OK();
    case 'd':
    case 'o':
    case 'x':
      if (s.precision >= 0) {
        return FormatError(format,
                           "IllegalFormatPrecisionException: " + std::to_string(s.precision));
      }
      if (s.conversion == 'd' && s.alternate) return bad_flags("#");
      if (s.conversion != 'd' && (s.plus || s.space || s.group || s.paren))
        return bad_flags("+ ,(");
      return Status::OK();
    case 'e':
      if (s.group) return bad_flags(",");
      return Status::OK();
    case 'f':
      return Status::OK();
  }
  return Status::OK();
}

// ---- rendering ------------------------------------------------------------------------------

void Justify(const FormatSpec& s, std::string_view body, std::string* out) {
  const int64_t chars = strings::NumChars(body);
  const int64_t pad = s.width > chars ? s.width - chars : 0;
  if (!s.left) out->append(static_cast<size_t>(pad), ' ');
  out->append(body);
  if (s.left) out->append(static_cast<size_t>(pad), ' ');
}

// Sign, radix prefix, zero padding and parentheses around the digits of a number,
// as Formatter lays out %d, %o, %x, %f and %e.
void AppendNumber(const FormatSpec& s, bool negative, std::string_view digits, std::string* out,
                  std::string_view prefix = {}) {
  std::string body;
  if (negative) {
    body += s.paren ? '(' : '-';
  } else if (s.plus) {
    body += '+';
  } else if (s.space) {
    body += ' ';
  }
  body.append(prefix);
  const size_t closing = negative && s.paren ? 1 : 0;
  if (s.zero && s.width > 0) {
    const size_t len = body.size() + digits.size() + closing;
    if (static_cast<size_t>(s.width) > len) body.append(static_cast<size_t>(s.width) - len, '0');
  }
  body.append(digits);
  if (closing) body += ')';
  Justify(s, body, out);
}

std::string Grouped(std::string_view digits) {
  std::string out;
  for (size_t k = 0; k < digits.size(); ++k) {
    if (k > 0 && (digits.size() - k) % 3 == 0) out += ',';
    out += digits[k];
  }
  return out;
}

// The shortest decimal digits of |v| (no leading zeros) and the power of ten of the
// first digit: |v| = 0.d1d2... * 10^(exp10 + 1).
void ShortestDigits(double v, std::string* digits, int* exp10) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
  std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
  const size_t e = text.find('e');
  digits->clear();
  for (char c : text.substr(0, e)) {
    if (c != '.') *digits += c;
  }
  *exp10 = std::stoi(std::string(text.substr(e + 1)));
}

// Rounds the digit string HALF_UP to `keep` digits; returns true when the carry
// added a digit in front.
bool RoundHalfUp(std::string* digits, int keep) {
  if (keep >= static_cast<int>(digits->size())) return false;
  const bool up = keep >= 0 && (*digits)[static_cast<size_t>(keep)] >= '5';
  digits->resize(static_cast<size_t>(std::max(keep, 0)));
  if (!up) return false;
  for (size_t k = digits->size(); k-- > 0;) {
    if ((*digits)[k] != '9') {
      ++(*digits)[k];
      return false;
    }
    (*digits)[k] = '0';
  }
  digits->insert(digits->begin(), '1');
  return true;
}

// |v| with exactly `precision` fraction digits (Java's %f).
std::string FixedDigits(double v, int precision, bool group) {
  std::string d;
  int exp10;
  ShortestDigits(v, &d, &exp10);
  if (v == 0) exp10 = 0, d = "0";
  const int keep = exp10 + 1 + precision;
  if (keep < 0) {
    d = "0", exp10 = 0;
  } else {
    if (RoundHalfUp(&d, keep)) ++exp10;
    if (d.empty()) d = "0", exp10 = 0;
  }
  // Place the decimal point.
  std::string int_part, frac_part;
  if (exp10 >= 0) {
    const size_t n = static_cast<size_t>(exp10) + 1;
    int_part = d.substr(0, std::min(n, d.size()));
    if (int_part.size() < n) int_part.append(n - int_part.size(), '0');
    frac_part = d.size() > n ? d.substr(n) : "";
  } else {
    int_part = "0";
    frac_part = std::string(static_cast<size_t>(-exp10 - 1), '0') + d;
  }
  frac_part.resize(static_cast<size_t>(precision), '0');
  std::string out = group ? Grouped(int_part) : int_part;
  if (precision > 0) out += "." + frac_part;
  return out;
}

// |v| as Java's %e: one digit, `precision` fraction digits, e+XX.
std::string ScientificDigits(double v, int precision, bool upper) {
  std::string d;
  int exp10;
  ShortestDigits(v, &d, &exp10);
  if (v == 0) exp10 = 0, d = "0";
  if (RoundHalfUp(&d, precision + 1)) ++exp10;
  d.resize(static_cast<size_t>(precision) + 1, '0');
  std::string out = d.substr(0, 1);
  if (precision > 0) out += "." + d.substr(1);
  out += upper ? 'E' : 'e';
  out += exp10 < 0 ? '-' : '+';
  const std::string e = std::to_string(std::abs(exp10));
  if (e.size() < 2) out += '0';
  return out + e;
}

std::string UnsignedText(uint64_t v, int base, bool upper) {
  if (v == 0) return "0";
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (; v != 0; v /= static_cast<uint64_t>(base)) out.insert(out.begin(), digits[v % base]);
  return out;
}

Status Mismatch(std::string_view format, const FormatSpec& s, ArgKind kind) {
  return FormatError(format, "IllegalFormatConversionException: " + std::string(1, s.conversion) +
                                 " != " + JavaClass(kind));
}

}  // namespace

Result<std::vector<FormatSpec>> ParseFormat(std::string_view f) {
  std::vector<FormatSpec> specs;
  int ordinary = 0, last = 0;
  auto add_literal = [&](std::string_view text) {
    if (specs.empty() || specs.back().conversion != 0) specs.emplace_back();
    specs.back().literal.append(text);
  };
  auto digits = [&](size_t* i) {
    int v = 0;
    while (*i < f.size() && f[*i] >= '0' && f[*i] <= '9') {
      v = std::min(v * 10 + (f[*i] - '0'), 1 << 30);
      ++*i;
    }
    return v;
  };
  for (size_t i = 0; i < f.size();) {
    const size_t pct = f.find('%', i);
    if (pct == std::string_view::npos) {
      add_literal(f.substr(i));
      break;
    }
    if (pct > i) add_literal(f.substr(i, pct - i));
    FormatSpec s;
    size_t p = pct + 1;
    int explicit_index = -1;
    bool relative = false;
    if (p < f.size() && f[p] >= '1' && f[p] <= '9') {
      size_t q = p;
      const int v = digits(&q);
      if (q < f.size() && f[q] == '$') {
        explicit_index = v;
        p = q + 1;
      }
    }
    for (; p < f.size(); ++p) {
      const char c = f[p];
      if (c == '-')
        s.left = true;
      else if (c == '#')
        s.alternate = true;
      else if (c == '+')
        s.plus = true;
      else if (c == ' ')
        s.space = true;
      else if (c == '0')
        s.zero = true;
      else if (c == ',')
        s.group = true;
      else if (c == '(')
        s.paren = true;
      else if (c == '<')
        relative = true;
      else
        break;
    }
    if (p < f.size() && f[p] >= '1' && f[p] <= '9') s.width = digits(&p);
    if (p < f.size() && f[p] == '.') {
      ++p;
      if (p >= f.size() || f[p] < '0' || f[p] > '9') {
        return FormatError(f, "UnknownFormatConversionException: Conversion = '.'");
      }
      s.precision = digits(&p);
    }
    if (p >= f.size()) {
      return FormatError(f, "UnknownFormatConversionException: Conversion = '%'");
    }
    const char conv = f[p++];
    s.text = std::string(f.substr(pct, p - pct));
    switch (conv) {
      case 'b':
      case 'B':
      case 's':
      case 'S':
      case 'c':
      case 'C':
      case 'd':
      case 'o':
      case 'x':
      case 'X':
      case 'e':
      case 'E':
      case 'f':
      case '%':
      case 'n':
        break;
      case 'h':
      case 'H':
      case 'g':
      case 'G':
      case 'a':
      case 'A':
      case 't':
      case 'T':
        return FormatError(f, "the conversion " + s.text + " is not supported by weir");
      default:
        return FormatError(
            f, "UnknownFormatConversionException: Conversion = '" + std::string(1, conv) + "'");
    }
    s.conversion = static_cast<char>(conv | 0x20);
    s.upper = conv >= 'A' && conv <= 'Z';
    RETURN_NOT_OK(CheckSpec(f, s));
    if (s.conversion != '%' && s.conversion != 'n') {
      if (relative) {
        if (last == 0)
          return FormatError(f,
                             "MissingFormatArgumentException: Format specifier '" + s.text + "'");
        s.index = last;
      } else {
        s.index = explicit_index > 0 ? explicit_index : ++ordinary;
      }
      last = s.index;
    }
    specs.push_back(std::move(s));
    i = p;
  }
  return specs;
}

Status AppendSpec(std::string_view format, const FormatSpec& s, const RowArgs& row,
                  std::string* out, std::string* tmp, std::string* upper) {
  if (s.conversion == 0) {
    out->append(s.literal);
    return Status::OK();
  }
  if (s.conversion == '%') {
    Justify(s, "%", out);
    return Status::OK();
  }
  if (s.conversion == 'n') {
    out->push_back('\n');
    return Status::OK();
  }
  if (s.index > static_cast<int>(row.args.size())) {
    return FormatError(format, "MissingFormatArgumentException: Format specifier '" + s.text + "'");
  }
  const FormatArg& a = row.args[static_cast<size_t>(s.index - 1)];
  const Datum& d = row.in[a.datum];
  const bool null = row.IsNull(a);
  tmp->clear();
  auto finish_text = [&]() {
    if (s.precision >= 0 && strings::NumChars(*tmp) > s.precision) {
      tmp->resize(strings::SkipChars(*tmp, 0, s.precision));
    }
    if (s.upper) {
      upper->clear();
      unicode::AppendUpperCase(*tmp, upper);
      tmp->swap(*upper);
    }
    Justify(s, *tmp, out);
    return Status::OK();
  };
  if (s.conversion == 'b') {
    *tmp = null                          ? "false"
           : a.kind == ArgKind::kBoolean ? (d.Get<uint8_t>(row.row) ? "true" : "false")
                                         : "true";
    return finish_text();
  }
  if (null) {
    *tmp = "null";
    return finish_text();
  }
  switch (s.conversion) {
    case 's':
      switch (a.kind) {
        case ArgKind::kBoolean:
          *tmp = d.Get<uint8_t>(row.row) ? "true" : "false";
          break;
        case ArgKind::kInteger:
          *tmp = std::to_string(d.Get<int32_t>(row.row));
          break;
        case ArgKind::kLong:
          *tmp = std::to_string(d.Get<int64_t>(row.row));
          break;
        case ArgKind::kString:
          *tmp = d.Get<StringRef>(row.row).view();
          break;
        default:
          *tmp = row.Rendered(a);
          break;
      }
      return finish_text();
    case 'c': {
      if (a.kind != ArgKind::kInteger) return Mismatch(format, s, a.kind);
      const int32_t cp = d.Get<int32_t>(row.row);
      if (cp < 0 || cp > 0x10FFFF) {
        return FormatError(format, "IllegalFormatCodePointException: Code point = 0x" +
                                       UnsignedText(static_cast<uint32_t>(cp), 16, false));
      }
      strings::AppendUtf8(static_cast<uint32_t>(cp), tmp);
      return finish_text();
    }
    case 'd':
    case 'o':
    case 'x': {
      int64_t v;
      if (a.kind == ArgKind::kInteger) {
        v = d.Get<int32_t>(row.row);
      } else if (a.kind == ArgKind::kLong) {
        v = d.Get<int64_t>(row.row);
      } else {
        return Mismatch(format, s, a.kind);
      }
      if (s.conversion == 'd') {
        const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        const std::string digits = UnsignedText(mag, 10, false);
        AppendNumber(s, v < 0, s.group ? Grouped(digits) : digits, out);
        return Status::OK();
      }
      // Two's complement of the argument's own width, as Integer/Long.toHexString.
      const uint64_t bits = a.kind == ArgKind::kInteger
                                ? static_cast<uint64_t>(static_cast<uint32_t>(v))
                                : static_cast<uint64_t>(v);
      const std::string digits = UnsignedText(bits, s.conversion == 'o' ? 8 : 16, s.upper);
      const char* prefix = !s.alternate ? "" : s.conversion == 'o' ? "0" : s.upper ? "0X" : "0x";
      AppendNumber(s, false, digits, out, prefix);
      return Status::OK();
    }
    case 'e':
    case 'f': {
      if (a.kind != ArgKind::kDouble) return Mismatch(format, s, a.kind);
      const double v = d.Get<double>(row.row);
      if (std::isnan(v) || std::isinf(v)) {
        FormatSpec plain = s;
        plain.zero = false;
        const bool neg = std::isinf(v) && v < 0;
        AppendNumber(
            plain, neg,
            std::isnan(v) ? (s.upper ? "NAN" : "NaN") : (s.upper ? "INFINITY" : "Infinity"), out);
        return Status::OK();
      }
      const int precision = s.precision >= 0 ? s.precision : 6;
      const std::string digits = s.conversion == 'f' ? FixedDigits(v, precision, s.group)
                                                     : ScientificDigits(v, precision, s.upper);
      AppendNumber(s, std::signbit(v), digits, out);
      return Status::OK();
    }
  }
  return Status::Internal("format_string: unhandled conversion " + s.text);
}

}  // namespace weir::formatter

// format_number(x, d | pattern): Spark formats with java.text.DecimalFormat (Locale.US)
// and its default HALF_EVEN rounding. An INT `d` means the pattern
// "#,###,###,###,###,###,##0" followed by d fraction zeros (NULL for d < 0); a STRING
// is a DecimalFormat pattern ('' = the default without fraction digits).
//
// Patterns: the number part ('#', '0', ',', '.') is interpreted exactly as
// DecimalFormat.applyPattern counts it (so "#.00" prints 0.5 as ".50" and
// "##.##" as "0.5"), with literal prefix and suffix text (quotes allowed). Not
// supported, and an error naming them: exponents ('E'), percent / per-mille
// multipliers, currency signs and explicit negative subpatterns.
//
// Doubles keep their shortest decimal representation unless it has more fraction
// digits than the pattern allows; then they are rounded HALF_EVEN on their exact
// binary value, as DecimalFormat does since JDK 8. Negative values that round to
// zero keep their sign ("-0.00"), as in Java.

#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>

#include "weir/functions/registry.h"
#include "weir/functions/string_internal.h"

namespace weir {

namespace {

using strings::ArgView;
using strings::StrArg;

struct NumberPattern {
  int min_int = 1;
  int min_frac = 0;
  int max_frac = 0;
  int grouping = 3;  // 0: no grouping separators
  std::string prefix, suffix;
};

NumberPattern DefaultPattern(int fraction_digits) {
  NumberPattern p;
  p.min_frac = p.max_frac = fraction_digits;
  return p;
}

Status BadPattern(std::string_view pattern, std::string_view what) {
  return Status::InvalidInput("Invalid number format pattern '" + std::string(pattern) +
                              "' in `format_number`: " + std::string(what));
}

Result<NumberPattern> ParseNumberPattern(std::string_view pattern) {
  if (pattern.empty()) return DefaultPattern(0);
  NumberPattern p;
  int left = 0, zeros = 0, right = 0, grouping = -1, decimal = -1;
  int phase = 0;  // 0: prefix, 1: number, 2: suffix
  bool quoted = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    std::string& affix = phase == 0 ? p.prefix : p.suffix;
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        affix += '\'';
        ++i;
      } else {
        quoted = !quoted;
      }
      if (phase == 1) phase = 2;
      continue;
    }
    if (quoted) {
      affix += c;
      continue;
    }
    if (phase < 2 && (c == '#' || c == '0' || c == ',' || c == '.')) {
      phase = 1;
      if (c == '#') {
        (zeros > 0 ? right : left) += 1;
        if (grouping >= 0 && decimal < 0) ++grouping;
      } else if (c == '0') {
        if (right > 0) return BadPattern(pattern, "Unexpected '0' in pattern");
        ++zeros;
        if (grouping >= 0 && decimal < 0) ++grouping;
      } else if (c == ',') {
        if (decimal >= 0) return BadPattern(pattern, "Malformed pattern");
        grouping = 0;
      } else {
        if (decimal >= 0) return BadPattern(pattern, "Multiple decimal separators in pattern");
        decimal = left + zeros + right;
      }
      continue;
    }
    if (c == ';') return BadPattern(pattern, "negative subpatterns are not supported by weir");
    if (c == '%' || c == 'E' || pattern.substr(i, 2) == "\xC2\xA4" ||
        pattern.substr(i, 3) == "\xE2\x80\xB0") {
      return BadPattern(pattern, "'" + std::string(1, c) + "' is not supported by weir");
    }
    if (phase == 1) phase = 2;
    (phase == 0 ? p.prefix : p.suffix) += c;
  }
  if (quoted) return BadPattern(pattern, "Unterminated quote");
  if (left + zeros + right == 0) return BadPattern(pattern, "the pattern has no digits");
  // DecimalFormat reads "##.###" as "#0.###" and ".###" as ".0##".
  if (zeros == 0 && left > 0 && decimal >= 0) {
    const int n = decimal == 0 ? 1 : decimal;
    right = left - n;
    left = n - 1;
    zeros = 1;
  }
  const int total = left + zeros + right;
  p.min_int = (decimal >= 0 ? decimal : total) - left;
  p.max_frac = decimal >= 0 ? total - decimal : 0;
  p.min_frac = decimal >= 0 ? std::max(left + zeros - decimal, 0) : 0;
  p.grouping = grouping > 0 ? grouping : 0;
  return p;
}

// Integer digits without leading zeros ("" for zero) and fraction digits.
struct Digits {
  bool negative = false;
  std::string int_part, frac_part;
};

void SplitFixed(std::string_view text, Digits* d) {
  const size_t dot = text.find('.');
  d->int_part = std::string(text.substr(0, dot));
  d->frac_part = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
  const size_t nz = d->int_part.find_first_not_of('0');
  d->int_part = nz == std::string::npos ? "" : d->int_part.substr(nz);
}

void DoubleDigits(double v, int max_frac, Digits* d) {
  d->negative = std::signbit(v);
  v = std::fabs(v);
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  std::string_view shortest(buf, static_cast<size_t>(r.ptr - buf));
  const size_t dot = shortest.find('.');
  const size_t frac = dot == std::string_view::npos ? 0 : shortest.size() - dot - 1;
  if (static_cast<int>(frac) <= max_frac) {
    SplitFixed(shortest, d);
    return;
  }
  // Round the exact binary value; glibc breaks exact ties to even, as HALF_EVEN does.
  std::string fixed(static_cast<size_t>(std::snprintf(nullptr, 0, "%.*f", max_frac, v)) + 1, '\0');
  std::snprintf(fixed.data(), fixed.size(), "%.*f", max_frac, v);
  fixed.pop_back();
  SplitFixed(fixed, d);
}

void DecimalDigits(Int128 unscaled, int scale, int max_frac, Digits* d) {
  d->negative = unscaled < 0;
  if (scale > max_frac) {
    // HALF_EVEN to max_frac digits.
    const Int128 div = PowerOfTen(scale - max_frac);
    Int128 q = unscaled / div, rem = unscaled % div;
    if (rem < 0) rem = -rem;
    const Int128 twice = rem * 2;
    if (twice > div || (twice == div && (q % 2 != 0))) q += unscaled < 0 ? -1 : 1;
    unscaled = q;
    scale = max_frac;
  }
  std::string text = Int128ToString(unscaled < 0 ? -unscaled : unscaled);
  if (static_cast<int>(text.size()) <= scale) {
    text.insert(0, static_cast<size_t>(scale) - text.size() + 1, '0');
  }
  SplitFixed(text.substr(0, text.size() - static_cast<size_t>(scale)) + "." +
                 text.substr(text.size() - static_cast<size_t>(scale)),
             d);
}

void IntegerDigits(int64_t v, Digits* d) {
  d->negative = v < 0;
  const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  d->int_part = mag == 0 ? "" : std::to_string(mag);
  d->frac_part.clear();
}

void AppendFormatted(const NumberPattern& p, Digits& d, std::string* out) {
  // Fraction: drop trailing zeros beyond the minimum, pad up to it.
  while (static_cast<int>(d.frac_part.size()) > p.min_frac && !d.frac_part.empty() &&
         d.frac_part.back() == '0') {
    d.frac_part.pop_back();
  }
  if (static_cast<int>(d.frac_part.size()) < p.min_frac) {
    d.frac_part.append(static_cast<size_t>(p.min_frac) - d.frac_part.size(), '0');
  }
  std::string& digits = d.int_part;
  if (static_cast<int>(digits.size()) < p.min_int) {
    digits.insert(0, static_cast<size_t>(p.min_int) - digits.size(), '0');
  }
  // With no digits at all, DecimalFormat still prints a zero.
  if (digits.empty() && d.frac_part.empty()) digits = "0";
  if (d.negative) out->push_back('-');
  out->append(p.prefix);
  for (size_t k = 0; k < digits.size(); ++k) {
    if (p.grouping > 0 && k > 0 && (digits.size() - k) % static_cast<size_t>(p.grouping) == 0) {
      out->push_back(',');
    }
    out->push_back(digits[k]);
  }
  if (!d.frac_part.empty()) {
    out->push_back('.');
    out->append(d.frac_part);
  }
  out->append(p.suffix);
}

Status FormatOne(const Datum& x, int64_t i, const NumberPattern& p, std::string* out,
                 Digits* digits) {
  switch (x.type().id()) {
    case TypeId::kInt32:
      IntegerDigits(x.Get<int32_t>(i), digits);
      break;
    case TypeId::kInt64:
      IntegerDigits(x.Get<int64_t>(i), digits);
      break;
    case TypeId::kDecimal:
      DecimalDigits(x.Get<Int128>(i), x.type().scale(), p.max_frac, digits);
      break;
    case TypeId::kDouble: {
      const double v = x.Get<double>(i);
      if (std::isnan(v)) {
        out->append("NaN");
        return Status::OK();
      }
      if (std::isinf(v)) {
        if (v < 0) out->push_back('-');
        out->append(p.prefix + "\xE2\x88\x9E" + p.suffix);  // U+221E INFINITY
        return Status::OK();
      }
      DoubleDigits(v, p.max_frac, digits);
      break;
    }
    default:
      return Status::Internal("format_number: unexpected type " + x.type().ToString());
  }
  AppendFormatted(p, *digits, out);
  return Status::OK();
}

Result<ExprPtr> ResolveFormatNumber(std::vector<ExprPtr> args, const ResolveOptions&) {
  // ExpectsInputTypes (no implicit casts): a number, and an INT or a STRING. A NULL
  // literal is accepted as a NULL of the expected type.
  const std::vector<ExprPtr> original = args;
  auto mismatch = [&](size_t k, const char* expected) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall("format_number", original),
                            "Parameter " + std::to_string(k + 1) + " requires the " + expected +
                                " type, however \"" + original[k]->ToString() + "\" has the type " +
                                QuoteType(original[k]->type()) + ".");
  };
  const DataType& xt = args[0]->type();
  if (xt.is_null()) {
    args[0] = Literal(Value::Null(DataType::Double()));
  } else if (!xt.is_numeric()) {
    return mismatch(0, "\"NUMERIC\"");
  }
  const DataType& dt = args[1]->type();
  if (dt.is_null()) {
    args[1] = Literal(Value::Null(DataType::Int32()));
  } else if (dt.id() != TypeId::kInt32 && dt.id() != TypeId::kString) {
    return mismatch(1, "(\"INT\" or \"STRING\")");
  }
  const bool by_pattern = args[1]->type().id() == TypeId::kString;
  std::shared_ptr<const NumberPattern> constant;
  if (by_pattern) {
    std::optional<Value> v = strings::ConstantValue(args[1]);
    if (v && !v->is_null()) {
      ASSIGN_OR_RAISE(NumberPattern p, ParseNumberPattern(v->str()));
      constant = std::make_shared<const NumberPattern>(std::move(p));
    }
  }
  return strings::MakeCall(
      "format_number", DataType::String(),
      [by_pattern, constant](EvalContext&, const std::vector<Datum>& in,
                             const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        NumberPattern pattern;
        std::string last, scratch;
        bool have = false;
        Digits digits;
        RETURN_NOT_OK(
            strings::ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
              const NumberPattern* p = constant.get();
              if (p == nullptr && by_pattern) {
                const std::string_view text = in[1].Get<StringRef>(i).view();
                if (!have || text != last) {
                  ASSIGN_OR_RAISE(pattern, ParseNumberPattern(text));
                  last.assign(text);
                  have = true;
                }
                p = &pattern;
              } else if (p == nullptr) {
                const int32_t d = in[1].Get<int32_t>(i);
                if (d < 0) {
                  out.SetNull(i);
                  return Status::OK();
                }
                if (!have || d != pattern.max_frac) {
                  pattern = DefaultPattern(d);
                  have = true;
                }
                p = &pattern;
              }
              scratch.clear();
              RETURN_NOT_OK(FormatOne(in[0], i, *p, &scratch, &digits));
              out.Set(i, scratch);
              return Status::OK();
            }));
        return out.Finish();
      },
      std::move(args));
}

}  // namespace

void RegisterFormatNumberFunction(FunctionRegistry* registry) {
  registry->Register({"format_number", 2, 2,
                      "format_number(expr1, expr2) - Formats the number `expr1` like "
                      "'#,###,###.##', rounded to `expr2` decimal places. If `expr2` is 0, the "
                      "result has no decimal point or fractional part. `expr2` also accept a "
                      "user specified format.",
                      ResolveFormatNumber});
}

}  // namespace weir

// Spark's string parsers for CAST, numbers and booleans: UTF8String.toLong / toInt,
// Double.valueOf, BigDecimal(String), StringUtils.isTrueString.

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "weir/expr/cast_internal.h"

namespace weir::cast_internal {

std::string_view TrimAll(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpaceOrControl(s[b])) ++b;
  while (e > b && IsSpaceOrControl(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string_view TrimJava(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= 0x20) ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= 0x20) --e;
  return s.substr(b, e - b);
}

// ---------------------------------------------------------------------------------------
// Integers: UTF8String.toLong. The value is accumulated negatively so that the minimum
// parses; a '.' ends the integral part and the fraction must be digits only.

namespace {

template <typename T>
bool ParseSparkIntegral(std::string_view s, bool allow_fraction, T* out) {
  s = TrimAll(s);
  if (s.empty()) return false;
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative || s[0] == '+') {
    if (s.size() == 1) return false;
    ++i;
  }
  constexpr T kStop = std::numeric_limits<T>::min() / 10;
  T result = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && allow_fraction) {
      ++i;
      break;
    }
    if (!IsDigit(c)) return false;
    if (result < kStop) return false;
    T next = static_cast<T>(result * 10);
    T digit = static_cast<T>(c - '0');
    if (next < std::numeric_limits<T>::min() + digit) return false;
    result = static_cast<T>(next - digit);
  }
  for (; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return false;
  }
  if (!negative) {
    if (result == std::numeric_limits<T>::min()) return false;
    result = static_cast<T>(-result);
  }
  *out = result;
  return true;
}

}  // namespace

bool ParseSparkInt64(std::string_view s, bool allow_fraction, int64_t* out) {
  return ParseSparkIntegral<int64_t>(s, allow_fraction, out);
}

bool ParseSparkInt32(std::string_view s, bool allow_fraction, int32_t* out) {
  return ParseSparkIntegral<int32_t>(s, allow_fraction, out);
}

// ---------------------------------------------------------------------------------------
// Doubles: java.lang.Double.valueOf's grammar (FloatingDecimal.readJavaFormatString),
// evaluated with from_chars, which rounds correctly as Java does.

namespace {

// Decimal floating literal after the sign: digits [. digits] [(e|E) [+-] digits] [fFdD].
bool ParseJavaDecimalDouble(std::string_view s, bool negative, double* out) {
  size_t i = 0;
  size_t int_begin = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  size_t int_end = i;
  size_t frac_begin = i, frac_end = i;
  if (i < s.size() && s[i] == '.') {
    frac_begin = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    frac_end = i;
  }
  if (int_end == int_begin && frac_end == frac_begin) return false;
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    size_t exp_begin = i;
    while (i < s.size() && IsDigit(s[i])) {
      // Saturate: any exponent this large makes the value 0 or infinite.
      if (exponent < 100'000'000) exponent = exponent * 10 + (s[i] - '0');
      ++i;
    }
    if (i == exp_begin) return false;
    if (exp_negative) exponent = -exponent;
  }
  const size_t number_end = i;
  if (i < s.size() && (s[i] == 'f' || s[i] == 'F' || s[i] == 'd' || s[i] == 'D')) ++i;
  if (i != s.size()) return false;

  // from_chars reads this grammar (less the suffix) with Java's correct rounding.
  double v = 0;
  auto res = std::from_chars(s.data(), s.data() + number_end, v, std::chars_format::general);
  if (res.ec == std::errc() && res.ptr != s.data() + number_end) return false;
  if (res.ec == std::errc::result_out_of_range) {
    // Overflow or underflow: the decimal exponent of the leading non-zero digit says which.
    int64_t lead = 0;
    bool found = false;
    for (size_t k = int_begin; k < int_end && !found; ++k) {
      if (s[k] != '0') {
        lead = static_cast<int64_t>(int_end - k);
        found = true;
      }
    }
    for (size_t k = frac_begin; k < frac_end && !found; ++k) {
      if (s[k] != '0') {
        lead = -static_cast<int64_t>(k - frac_begin);
        found = true;
      }
    }
    v = found && lead + exponent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  } else if (res.ec != std::errc()) {
    return false;
  }
  *out = negative ? -v : v;
  return true;
}

// Hexadecimal literal after "0x": hexdigits [. hexdigits] (p|P) [+-] digits [fFdD].
bool ParseJavaHexDouble(std::string_view s, bool negative, double* out) {
  auto is_hex = [](char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  size_t i = 0;
  size_t digits = 0;
  while (i < s.size() && is_hex(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_hex(s[i])) ++i, ++digits;
  }
  if (digits == 0 || i >= s.size() || (s[i] != 'p' && s[i] != 'P')) return false;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t exp_begin = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == exp_begin) return false;
  size_t end = i;
  if (i < s.size() && (s[i] == 'f' || s[i] == 'F' || s[i] == 'd' || s[i] == 'D')) ++i;
  if (i != s.size()) return false;
  double v = 0;
  auto res = std::from_chars(s.data(), s.data() + end, v, std::chars_format::hex);
  if (res.ec == std::errc::result_out_of_range) {
    // The binary exponent's sign decides between overflow and underflow.
    size_t p = s.find_first_of("pP");
    v = s[p + 1] == '-' ? 0.0 : std::numeric_limits<double>::infinity();
  } else if (res.ec != std::errc() || res.ptr != s.data() + end) {
    return false;
  }
  *out = negative ? -v : v;
  return true;
}

bool ParseJavaDouble(std::string_view s, double* out) {
  s = TrimJava(s);
  if (s.empty()) return false;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (s == "Infinity") {
    *out = negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
    return true;
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    return ParseJavaHexDouble(s.substr(2), negative, out);
  }
  return ParseJavaDecimalDouble(s, negative, out);
}

}  // namespace

bool ParseSparkDouble(std::string_view s, double* out) {
  if (ParseJavaDouble(s, out)) return true;
  // Cast.processFloatingPointSpecialLiterals.
  std::string_view t = TrimJava(s);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (std::string_view w : {"inf", "+inf", "infinity", "+infinity"}) {
    if (EqualsIgnoreCase(t, w)) {
      *out = kInf;
      return true;
    }
  }
  for (std::string_view w : {"-inf", "-infinity"}) {
    if (EqualsIgnoreCase(t, w)) {
      *out = -kInf;
      return true;
    }
  }
  if (EqualsIgnoreCase(t, "nan")) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  return false;
}

bool ParseSparkBoolean(std::string_view s, bool* out) {
  s = TrimAll(s);
  for (std::string_view w : {"t", "true", "y", "yes", "1"}) {
    if (EqualsIgnoreCase(s, w)) {
      *out = true;
      return true;
    }
  }
  for (std::string_view w : {"f", "false", "n", "no", "0"}) {
    if (EqualsIgnoreCase(s, w)) {
      *out = false;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Decimals: java.math.BigDecimal(String) after String.trim, then Decimal.changePrecision.

bool ParseBigDecimalText(std::string_view s, DecimalText* out) {
  *out = DecimalText{};
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) out->negative = s[i++] == '-';
  size_t int_begin = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  out->int_digits = s.substr(int_begin, i - int_begin);
  if (i < s.size() && s[i] == '.') {
    size_t frac_begin = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    out->frac_digits = s.substr(frac_begin, i - frac_begin);
  }
  if (out->int_digits.empty() && out->frac_digits.empty()) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    size_t exp_begin = i;
    int64_t exponent = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      exponent = exponent * 10 + (s[i] - '0');
      // BigDecimal's exponent is an int.
      if (exponent > std::numeric_limits<int32_t>::max()) return false;
    }
    if (i == exp_begin) return false;
    out->exponent = exp_negative ? -exponent : exponent;
  }
  return i == s.size();
}

namespace {

// The significant digits of a parsed number: its integral then fraction digits with the
// leading zeros dropped, read in place (no copy), and the power of ten of the last one.
class Significand {
 public:
  explicit Significand(const DecimalText& t) : a_(t.int_digits), b_(t.frac_digits) {
    size_t skip = 0;
    while (skip < a_.size() + b_.size() && At(skip) == '0') ++skip;
    skip_ = skip;
    exp10_ = t.exponent - static_cast<int64_t>(b_.size());
  }
  // How many significant digits; 0 for zero.
  int64_t size() const { return static_cast<int64_t>(a_.size() + b_.size() - skip_); }
  char operator[](int64_t k) const { return At(skip_ + static_cast<size_t>(k)); }
  // value = digits * 10^exp10.
  int64_t exp10() const { return exp10_; }
  // The first `n` digits as an integer. REQUIRES: n <= 38.
  Int128 Prefix(int64_t n) const {
    Int128 v = 0;
    for (int64_t k = 0; k < n; ++k) v = v * 10 + ((*this)[k] - '0');
    return v;
  }

 private:
  char At(size_t i) const { return i < a_.size() ? a_[i] : b_[i - a_.size()]; }

  std::string_view a_, b_;
  size_t skip_ = 0;
  int64_t exp10_ = 0;
};

}  // namespace

DecimalFit FitDecimal(const DecimalText& t, int precision, int scale, Int128* out) {
  const Significand sig(t);
  // BigDecimal precision - scale, where a zero has precision 1.
  const int64_t n = sig.size();
  if (std::max<int64_t>(n, 1) + sig.exp10() > kMaxDecimalPrecision) {
    return DecimalFit::kTooManyDigits;
  }
  if (n == 0) {
    *out = 0;
    return DecimalFit::kOk;
  }
  const int64_t shift = sig.exp10() + scale;
  Int128 v = 0;
  if (shift >= 0) {
    if (n + shift > precision) return DecimalFit::kOverflow;
    v = sig.Prefix(n) * PowerOfTen(static_cast<int>(shift));
  } else {
    // Drop -shift digits, rounding HALF_UP on the first one dropped.
    const int64_t keep = n + shift;
    if (keep < 0) {
      v = 0;
    } else if (keep == 0) {
      v = sig[0] >= '5' ? 1 : 0;
    } else {
      if (keep > precision) return DecimalFit::kOverflow;
      v = sig.Prefix(keep);
      if (sig[keep] >= '5') v += 1;
    }
    if (!DecimalFitsPrecision(v, precision)) return DecimalFit::kOverflow;
  }
  *out = t.negative ? -v : v;
  return DecimalFit::kOk;
}

std::string DecimalTextPlain(const DecimalText& t) {
  const Significand sig(t);
  std::string digits;
  for (int64_t k = 0; k < sig.size(); ++k) digits.push_back(sig[k]);
  if (digits.empty()) digits = "0";
  // Decimal.set drops a negative BigDecimal scale by padding zeros.
  int64_t scale = -sig.exp10();
  if (scale < 0) {
    digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  std::string out;
  if (t.negative && sig.size() > 0) out.push_back('-');
  if (scale == 0) return out + digits;
  if (static_cast<int64_t>(digits.size()) <= scale) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  size_t int_len = digits.size() - static_cast<size_t>(scale);
  out.append(digits, 0, int_len);
  out.push_back('.');
  out.append(digits, int_len, std::string::npos);
  return out;
}

}  // namespace weir::cast_internal

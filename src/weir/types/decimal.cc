#include "weir/types/decimal.h"

#include <algorithm>

#include "weir/common/check.h"

namespace weir {

namespace {

constexpr Int128 ComputePowerOfTen(int n) {
  Int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

struct PowersOfTen {
  Int128 values[39];
  constexpr PowersOfTen() : values() {
    for (int i = 0; i <= 38; ++i) values[i] = ComputePowerOfTen(i);
  }
};

constexpr PowersOfTen kPowers;

using UInt128 = unsigned __int128;

}  // namespace

Int128 PowerOfTen(int n) {
  WEIR_DCHECK(n >= 0 && n <= 38);
  return kPowers.values[n];
}

bool DecimalFitsPrecision(Int128 unscaled, int precision) {
  Int128 limit = PowerOfTen(precision);
  return unscaled < limit && unscaled > -limit;
}

std::string Int128ToString(Int128 value) {
  // Work on the magnitude as unsigned so that the minimum value does not overflow.
  UInt128 mag = value < 0 ? UInt128(0) - static_cast<UInt128>(value) : static_cast<UInt128>(value);
  char buf[48];
  int pos = sizeof(buf);
  do {
    buf[--pos] = static_cast<char>('0' + static_cast<int>(mag % 10));
    mag /= 10;
  } while (mag != 0);
  if (value < 0) buf[--pos] = '-';
  return std::string(buf + pos, sizeof(buf) - pos);
}

void AppendDecimal(Int128 unscaled, int scale, std::string* out) {
  std::string digits = Int128ToString(unscaled);
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) {
    out->push_back('-');
    digits.erase(0, 1);
  }
  if (scale <= 0) {
    out->append(digits);
    return;
  }
  if (static_cast<int>(digits.size()) <= scale) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  size_t int_len = digits.size() - static_cast<size_t>(scale);
  out->append(digits, 0, int_len);
  out->push_back('.');
  out->append(digits, int_len, std::string::npos);
}

void AppendJavaBigDecimal(Int128 unscaled, int scale, std::string* out) {
  std::string digits = Int128ToString(unscaled);
  const bool negative = digits[0] == '-';
  const size_t len = digits.size() - (negative ? 1 : 0);
  const int64_t adjusted = static_cast<int64_t>(len) - 1 - scale;
  if (scale == 0 || adjusted >= -6) {
    AppendDecimal(unscaled, scale, out);
    return;
  }
  // Scientific notation: d[.ddd]E-n.
  if (negative) out->push_back('-');
  const size_t first = negative ? 1 : 0;
  out->push_back(digits[first]);
  if (len > 1) {
    out->push_back('.');
    out->append(digits, first + 1, std::string::npos);
  }
  out->push_back('E');
  *out += std::to_string(adjusted);
}

std::string DecimalToString(Int128 unscaled, int scale) {
  std::string out;
  AppendDecimal(unscaled, scale, &out);
  return out;
}

Result<Int128> ParseDecimal(std::string_view text, int precision, int scale) {
  auto invalid = [&]() {
    return Status::InvalidInput("'" + std::string(text) + "' is not a valid DECIMAL(" +
                                std::to_string(precision) + "," + std::to_string(scale) + ")");
  };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  // Collect significant digits and the position of the decimal point.
  std::string digits;
  int frac_digits = 0;
  bool seen_point = false;
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (digits.empty() && c == '0') {
        if (seen_point) ++frac_digits;
        continue;
      }
      digits.push_back(c);
      if (seen_point) ++frac_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return invalid();
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (i == text.size()) return invalid();
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return invalid();
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > 1000) return invalid();
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != text.size()) return invalid();
  // value = digits * 10^(exponent - frac_digits); we want digits * 10^(shift) with
  // shift = exponent - frac_digits + scale.
  int64_t shift = exponent - frac_digits + scale;
  if (digits.empty()) return Int128(0);
  if (shift >= 0) {
    if (static_cast<int64_t>(digits.size()) + shift > precision) return invalid();
    Int128 v = 0;
    for (char c : digits) v = v * 10 + (c - '0');
    v *= PowerOfTen(static_cast<int>(shift));
    return negative ? -v : v;
  }
  // Drop -shift trailing digits, rounding HALF_UP on the first dropped digit.
  int64_t keep = static_cast<int64_t>(digits.size()) + shift;
  if (keep < 0) return Int128(0);
  if (keep > precision) return invalid();
  Int128 v = 0;
  for (int64_t k = 0; k < keep; ++k) v = v * 10 + (digits[k] - '0');
  if (digits[keep] >= '5') v += 1;
  if (!DecimalFitsPrecision(v, precision)) return invalid();
  return negative ? -v : v;
}

}  // namespace weir

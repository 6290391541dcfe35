#include "weir/types/pretty.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace weir {

namespace {

// Splits to_chars' scientific form of a positive double, "d[.ddd]e[+-]xx", into its
// significant digits (without trailing zeros) and its decimal exponent.
void SplitScientific(std::string_view sci, std::string* digits, int* exponent) {
  size_t e = sci.find('e');
  digits->clear();
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits->push_back(c);
  }
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
  *exponent = std::atoi(std::string(sci.substr(e + 1)).c_str());
}

}  // namespace

void AppendJavaDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    *out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    *out += v > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (v == 0) {
    *out += std::signbit(v) ? "-0.0" : "0.0";
    return;
  }
  double mag = std::fabs(v);
  // Shortest round-trip digits in scientific form: "d[.ddd]e[+-]xx".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), mag, std::chars_format::scientific);
  std::string digits;
  int exponent = 0;
  SplitScientific(std::string_view(buf, static_cast<size_t>(res.ptr - buf)), &digits, &exponent);
  if (digits.size() == 1) {
    // Java never prints fewer than two significant digits; when the shortest form
    // has one, it takes the two-digit decimal nearest to v that still reads back
    // as v: Double.MIN_VALUE is "4.9E-324", not "5.0E-324".
    res = std::to_chars(buf, buf + sizeof(buf) - 1, mag, std::chars_format::scientific, 1);
    *res.ptr = '\0';
    if (std::strtod(buf, nullptr) == mag) {
      SplitScientific(std::string_view(buf, static_cast<size_t>(res.ptr - buf)), &digits,
                      &exponent);
    }
  }
  if (v < 0) out->push_back('-');
  if (mag >= 1e-3 && mag < 1e7) {
    if (exponent >= 0) {
      // Integer part is the first exponent+1 digits (zero-padded).
      size_t int_len = static_cast<size_t>(exponent) + 1;
      if (digits.size() < int_len) digits.append(int_len - digits.size(), '0');
      out->append(digits, 0, int_len);
      out->push_back('.');
      if (digits.size() > int_len) {
        out->append(digits, int_len, std::string::npos);
      } else {
        out->push_back('0');
      }
    } else {
      *out += "0.";
      out->append(static_cast<size_t>(-exponent - 1), '0');
      *out += digits;
    }
    return;
  }
  out->push_back(digits[0]);
  out->push_back('.');
  if (digits.size() > 1) {
    out->append(digits, 1, std::string::npos);
  } else {
    out->push_back('0');
  }
  out->push_back('E');
  *out += std::to_string(exponent);
}

std::string FormatJavaDouble(double v) {
  std::string out;
  AppendJavaDouble(v, &out);
  return out;
}

void AppendHexBytes(std::string_view bytes, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  out->push_back('[');
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out->push_back(' ');
    auto b = static_cast<unsigned char>(bytes[i]);
    out->push_back(kHex[b >> 4]);
    out->push_back(kHex[b & 15]);
  }
  out->push_back(']');
}

namespace {

template <typename T>
void AppendInteger(T v, std::string* out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(res.ptr - buf));
}

}  // namespace

void AppendPretty(const Column& column, int64_t row, const PrettyOptions& options,
                  std::string* out) {
  if (column.IsNull(row)) {
    out->append(options.null_string);
    return;
  }
  const DataType& type = column.type();
  switch (type.id()) {
    case TypeId::kNull:
      out->append(options.null_string);
      return;
    case TypeId::kBoolean:
      *out += column.Get<uint8_t>(row) ? "true" : "false";
      return;
    case TypeId::kInt32:
      AppendInteger(column.Get<int32_t>(row), out);
      return;
    case TypeId::kInt64:
      AppendInteger(column.Get<int64_t>(row), out);
      return;
    case TypeId::kDouble:
      AppendJavaDouble(column.Get<double>(row), out);
      return;
    case TypeId::kDecimal:
      if (options.decimal_plain) {
        AppendDecimal(column.Get<Int128>(row), type.scale(), out);
      } else {
        AppendJavaBigDecimal(column.Get<Int128>(row), type.scale(), out);
      }
      return;
    case TypeId::kString:
      out->append(column.Get<StringRef>(row).view());
      return;
    case TypeId::kBinary:
      if (options.binary_as_hex) {
        AppendHexBytes(column.Get<StringRef>(row).view(), out);
      } else {
        out->append(column.Get<StringRef>(row).view());
      }
      return;
    case TypeId::kDate:
      AppendDate(column.Get<int32_t>(row), out);
      return;
    case TypeId::kTimestamp: {
      static const TimeZone kUtc;
      AppendTimestamp(column.Get<int64_t>(row), options.time_zone ? *options.time_zone : kUtc, out);
      return;
    }
    case TypeId::kInterval:
      *out += column.Get<Interval>(row).ToString();
      return;
    case TypeId::kArray: {
      const int32_t* off = column.offsets();
      const Column& elems = *column.child(0);
      out->push_back('[');
      for (int32_t k = off[row]; k < off[row + 1]; ++k) {
        if (k > off[row]) *out += ", ";
        AppendPretty(elems, k, options, out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      const int32_t* off = column.offsets();
      out->push_back('{');
      for (int32_t k = off[row]; k < off[row + 1]; ++k) {
        if (k > off[row]) *out += ", ";
        AppendPretty(*column.child(0), k, options, out);
        *out += " -> ";
        AppendPretty(*column.child(1), k, options, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kStruct:
      out->push_back('{');
      for (int i = 0; i < column.num_children(); ++i) {
        if (i > 0) *out += ", ";
        AppendPretty(*column.child(i), row, options, out);
      }
      out->push_back('}');
      return;
  }
}

std::string FormatPretty(const Column& column, int64_t row, const PrettyOptions& options) {
  std::string out;
  AppendPretty(column, row, options, &out);
  return out;
}

}  // namespace weir

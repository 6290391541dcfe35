// CAST to STRING as Spark 3.5's Cast renders values (ToStringBase with nullString
// "null" and "{" "}" brackets), CAST to BINARY, and the SQL literal renderings of
// Spark's ANSI error messages.

#include <charconv>
#include <cmath>

#include "weir/expr/cast_internal.h"
#include "weir/types/pretty.h"

namespace weir::cast_internal {

// ---------------------------------------------------------------------------------------
// Error messages.

namespace {

constexpr std::string_view kAnsiBypass =
    " If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.";

}  // namespace

std::string SqlType(const DataType& type) { return "\"" + type.ToDdl() + "\""; }

std::string SqlString(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

Status CastInvalidInput(const std::string& value_sql, const DataType& from, const DataType& to) {
  return Status::InvalidInput(
      "[CAST_INVALID_INPUT] The value " + value_sql + " of the type " + SqlType(from) +
      " cannot be cast to " + SqlType(to) +
      " because it is malformed. Correct the value as per the syntax, or change its target "
      "type. Use `try_cast` to tolerate malformed input and return NULL instead." +
      std::string(kAnsiBypass));
}

Status CastOverflow(const std::string& value_sql, const DataType& from, const DataType& to) {
  return Status::InvalidInput("[CAST_OVERFLOW] The value " + value_sql + " of the type " +
                              SqlType(from) + " cannot be cast to " + SqlType(to) +
                              " due to an overflow. Use `try_cast` to tolerate overflow and "
                              "return NULL instead." +
                              std::string(kAnsiBypass));
}

Status DecimalOutOfRange(const std::string& plain_value, const DataType& to) {
  return Status::InvalidInput("[NUMERIC_VALUE_OUT_OF_RANGE] " + plain_value +
                              " cannot be represented as Decimal(" +
                              std::to_string(to.precision()) + ", " + std::to_string(to.scale()) +
                              "). If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
                              "bypass this error, and return NULL instead.");
}

Status DecimalTooManyDigits(std::string_view text) {
  return Status::InvalidInput("[NUMERIC_OUT_OF_SUPPORTED_RANGE] The value " + std::string(text) +
                              " cannot be interpreted as a numeric since it has more than 38 "
                              "digits.");
}

std::string SqlBigint(int64_t v) { return std::to_string(v) + "L"; }

std::string SqlDouble(double v) {
  // toSQLValue spells the special values without the "D" suffix.
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return FormatJavaDouble(v) + "D";
}

std::string SqlDecimal(Int128 unscaled, int scale) {
  std::string out;
  AppendJavaBigDecimal(unscaled, scale, &out);
  return out + "BD";
}

std::string SqlTimestamp(int64_t micros, const TimeZone& tz) {
  return "TIMESTAMP '" + FormatTimestamp(micros, tz) + "'";
}

// ---------------------------------------------------------------------------------------
// Rendering.

namespace {

template <typename T>
void AppendInteger(T v, std::string* out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(res.ptr - buf));
}

void AppendDecimalValue(Int128 unscaled, int scale, bool plain, std::string* out) {
  if (plain) {
    AppendDecimal(unscaled, scale, out);
  } else {
    AppendJavaBigDecimal(unscaled, scale, out);
  }
}

}  // namespace

void AppendCastString(const Column& column, int64_t row, const StringOptions& options,
                      std::string* out) {
  // Cast's rendering is show()'s with Cast's choices: "null", raw binary bytes, and
  // BigDecimal.toString outside ANSI mode.
  PrettyOptions pretty;
  pretty.time_zone = options.time_zone;
  pretty.null_string = "null";
  pretty.binary_as_hex = false;
  pretty.decimal_plain = options.decimal_plain;
  AppendPretty(column, row, pretty, out);
}

Result<Datum> CastToString(EvalContext& ctx, const Datum& in, const DataType& to,
                           const RowSet& rows) {
  const DataType& from = in.type();
  switch (from.id()) {
    case TypeId::kBinary: {
      // UTF8String.fromBytes: the same bytes, shared rather than copied.
      StringResult out(to, rows);
      out.validity().InitFromArgs(&in, 1, rows);
      out.KeepBuffersOf(in.col());
      const StringRef* src = in.col().values<StringRef>();
      rows.ForEach([&](int64_t i) { out.SetRef(i, src[i]); });
      return out.Finish();
    }
    case TypeId::kBoolean:
      return MapToText<uint8_t>(
          in, to, rows, [](uint8_t v, std::string* text) { *text += v ? "true" : "false"; });
    case TypeId::kInt32:
      return MapToText<int32_t>(in, to, rows,
                                [](int32_t v, std::string* text) { AppendInteger(v, text); });
    case TypeId::kInt64:
      return MapToText<int64_t>(in, to, rows,
                                [](int64_t v, std::string* text) { AppendInteger(v, text); });
    case TypeId::kDouble:
      return MapToText<double>(in, to, rows,
                               [](double v, std::string* text) { AppendJavaDouble(v, text); });
    case TypeId::kDecimal: {
      // BigDecimal.toString (scientific below 1E-6), or toPlainString in ANSI mode.
      const int scale = from.scale();
      const bool plain = ctx.ansi();
      return MapToText<Int128>(in, to, rows, [scale, plain](Int128 v, std::string* text) {
        AppendDecimalValue(v, scale, plain, text);
      });
    }
    case TypeId::kDate:
      return MapToText<int32_t>(in, to, rows,
                                [](int32_t v, std::string* text) { AppendDate(v, text); });
    case TypeId::kTimestamp: {
      const TimeZone& tz = ctx.time_zone();
      return MapToText<int64_t>(
          in, to, rows, [&tz](int64_t v, std::string* text) { AppendTimestamp(v, tz, text); });
    }
    case TypeId::kInterval:
      return MapToText<Interval>(
          in, to, rows, [](const Interval& v, std::string* text) { *text += v.ToString(); });
    case TypeId::kArray:
    case TypeId::kMap:
    case TypeId::kStruct: {
      const StringOptions options{&ctx.time_zone(), ctx.ansi()};
      StringResult out(to, rows);
      out.validity().InitFromArgs(&in, 1, rows);
      const Column& col = in.col();
      std::string text;
      rows.ForEach([&](int64_t i) {
        if (col.IsNull(i)) return;
        text.clear();
        AppendCastString(col, i, options, &text);
        out.Set(i, text);
      });
      return out.Finish();
    }
    default:
      return Status::Internal("no CAST kernel from " + from.ToDdl() + " to STRING");
  }
}

Result<Datum> CastToBinary(const Datum& in, const DataType& to, const RowSet& rows) {
  const DataType& from = in.type();
  switch (from.id()) {
    case TypeId::kString: {
      // UTF8String.getBytes: the same bytes, shared rather than copied.
      StringResult out(to, rows);
      out.validity().InitFromArgs(&in, 1, rows);
      out.KeepBuffersOf(in.col());
      const StringRef* src = in.col().values<StringRef>();
      rows.ForEach([&](int64_t i) { out.SetRef(i, src[i]); });
      return out.Finish();
    }
    case TypeId::kInt32:
    case TypeId::kInt64: {
      // NumberConverter.toBinary: the big-endian bytes of the value (4 or 8).
      auto be = [](uint64_t v, int bytes, std::string* text) {
        for (int k = bytes - 1; k >= 0; --k)
          text->push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
      };
      if (from.id() == TypeId::kInt32) {
        return MapToText<int32_t>(in, to, rows, [&](int32_t v, std::string* text) {
          be(static_cast<uint32_t>(v), 4, text);
        });
      }
      return MapToText<int64_t>(in, to, rows, [&](int64_t v, std::string* text) {
        be(static_cast<uint64_t>(v), 8, text);
      });
    }
    default:
      return Unsupported(from, to);
  }
}

}  // namespace weir::cast_internal

#include "weir/types/render.h"

#include <algorithm>
#include <cmath>

#include "weir/types/pretty.h"

namespace weir {

namespace {

// Decodes one UTF-8 code point starting at s[i]; advances i. Invalid bytes count as
// one code point each, so that malformed input still renders.
uint32_t NextCodePoint(std::string_view s, size_t* i) {
  auto b0 = static_cast<unsigned char>(s[*i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 1;
  if (*i + static_cast<size_t>(len) > s.size()) len = 1;
  uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += static_cast<size_t>(len);
  return cp;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) NextCodePoint(s, &i);
  return n;
}

// Spark counts East Asian full-width characters as two columns (stringHalfWidth).
bool IsFullWidth(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE10 && cp <= 0xFE19) || (cp >= 0xFE30 && cp <= 0xFE6F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6);
}

size_t DisplayWidth(std::string_view s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) w += IsFullWidth(NextCodePoint(s, &i)) ? 2 : 1;
  return w;
}

// The first n code points of s.
std::string_view PrefixCodePoints(std::string_view s, size_t n) {
  size_t i = 0;
  for (size_t k = 0; k < n && i < s.size(); ++k) NextCodePoint(s, &i);
  return s.substr(0, i);
}

std::string EscapeMeta(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\a':
        out += "\\a";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string ShowCell(std::string_view text, int truncate) {
  std::string s = EscapeMeta(text);
  if (truncate > 0 && CodePoints(s) > static_cast<size_t>(truncate)) {
    if (truncate < 4) return std::string(PrefixCodePoints(s, static_cast<size_t>(truncate)));
    return std::string(PrefixCodePoints(s, static_cast<size_t>(truncate - 3))) + "...";
  }
  return s;
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out->push_back(kAlphabet[(n >> 18) & 63]);
    out->push_back(kAlphabet[(n >> 12) & 63]);
    out->push_back(kAlphabet[(n >> 6) & 63]);
    out->push_back(kAlphabet[n & 63]);
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out->push_back(kAlphabet[(n >> 18) & 63]);
    out->push_back(kAlphabet[(n >> 12) & 63]);
    out->push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out->push_back('=');
  }
}

const TimeZone& ZoneOrUtc(const TimeZone* tz) {
  static const TimeZone kUtc;
  return tz ? *tz : kUtc;
}

}  // namespace

std::string ShowString(const std::vector<Batch>& batches, const ShowOptions& options) {
  SchemaPtr schema = batches.empty() ? std::make_shared<const Schema>() : batches[0].schema();
  const int num_cols = schema->num_fields();
  PrettyOptions pretty;
  pretty.time_zone = options.time_zone;

  std::vector<std::vector<std::string>> cells;  // header first
  std::vector<std::string> header;
  for (const Field& f : schema->fields()) header.push_back(ShowCell(f.name, 0));
  cells.push_back(std::move(header));
  int64_t total = 0;
  for (const Batch& b : batches) total += b.num_rows();
  int64_t shown = std::min<int64_t>(std::max<int64_t>(options.num_rows, 0), total);
  for (const Batch& b : batches) {
    for (int64_t r = 0; r < b.num_rows() && static_cast<int64_t>(cells.size()) - 1 < shown; ++r) {
      std::vector<std::string> row;
      int64_t phys = b.RowIndex(r);
      for (int c = 0; c < num_cols; ++c) {
        row.push_back(ShowCell(FormatPretty(*b.column(c), phys, pretty), options.truncate));
      }
      cells.push_back(std::move(row));
    }
  }

  std::vector<size_t> widths(static_cast<size_t>(num_cols), 3);
  for (const auto& row : cells) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  // Spark joins the cells with Seq.addString(start, sep, end), so a batch without
  // columns still gets both delimiters: "++" and "||".
  std::string sep = "+";
  for (size_t w : widths) sep += std::string(w, '-') + "+";
  if (num_cols == 0) sep += "+";
  sep += "\n";

  std::string out = sep;
  for (size_t r = 0; r < cells.size(); ++r) {
    out += num_cols == 0 ? "||" : "|";
    for (size_t c = 0; c < cells[r].size(); ++c) {
      const std::string& cell = cells[r][c];
      std::string pad(widths[c] - DisplayWidth(cell), ' ');
      out += options.truncate > 0 ? pad + cell : cell + pad;
      out += "|";
    }
    out += "\n";
    if (r == 0) out += sep;
  }
  out += sep;
  if (total > shown) {
    out += "only showing top " + std::to_string(shown) + (shown == 1 ? " row\n" : " rows\n");
  }
  return out;
}

std::string ShowString(const Batch& batch, const ShowOptions& options) {
  return ShowString(std::vector<Batch>{batch}, options);
}

Status AppendCsv(const Batch& batch, const CsvOptions& options, std::string* out) {
  const Schema& schema = *batch.schema();
  for (const Field& f : schema.fields()) {
    switch (f.type.id()) {
      case TypeId::kBinary:
      case TypeId::kInterval:
      case TypeId::kArray:
      case TypeId::kMap:
      case TypeId::kStruct:
        return Status::Unsupported("CSV data source does not support " + f.type.ToString() +
                                   " data type (column '" + f.name + "')");
      default:
        break;
    }
  }
  auto write_field = [&](std::string_view s, bool is_string) {
    bool needs_quote = options.quote_all;
    for (char c : s) {
      if (c == options.sep || c == options.quote || c == '\n' || c == '\r') needs_quote = true;
    }
    if (is_string && s.empty() && !options.quote_all) {
      *out += options.empty_value;
      return;
    }
    if (!needs_quote) {
      out->append(s);
      return;
    }
    out->push_back(options.quote);
    for (char c : s) {
      if (c == options.quote) out->push_back(options.escape);
      out->push_back(c);
    }
    out->push_back(options.quote);
  };
  if (options.header) {
    for (int c = 0; c < schema.num_fields(); ++c) {
      if (c > 0) out->push_back(options.sep);
      write_field(schema.field(c).name, false);
    }
    out->push_back('\n');
  }
  PrettyOptions pretty;
  pretty.time_zone = options.time_zone;
  std::string cell;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    int64_t phys = batch.RowIndex(r);
    for (int c = 0; c < batch.num_columns(); ++c) {
      if (c > 0) out->push_back(options.sep);
      const Column& col = *batch.column(c);
      if (col.IsNull(phys)) {
        *out += options.null_value;
        continue;
      }
      cell.clear();
      if (col.type().id() == TypeId::kTimestamp) {
        AppendTimestampIso(col.Get<int64_t>(phys), ZoneOrUtc(options.time_zone), &cell);
      } else {
        AppendPretty(col, phys, pretty, &cell);
      }
      write_field(cell, col.type().id() == TypeId::kString);
    }
    out->push_back('\n');
  }
  return Status::OK();
}

void AppendJsonEscaped(std::string_view s, std::string* out) {
  // Jackson, which Spark's JSON writer uses, writes other control characters as
  // \u00XX with upper-case hex digits (CharTypes.HC = "0123456789ABCDEF").
  static const char kHex[] = "0123456789ABCDEF";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      default:
        if (c < 0x20) {
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
}

namespace {

void AppendJsonValue(const Column& col, int64_t row, const JsonOptions& options, std::string* out) {
  if (col.IsNull(row)) {
    *out += "null";
    return;
  }
  auto quoted = [out](std::string_view s) {
    out->push_back('"');
    AppendJsonEscaped(s, out);
    out->push_back('"');
  };
  switch (col.type().id()) {
    case TypeId::kNull:
      *out += "null";
      return;
    case TypeId::kBoolean:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDecimal:
      AppendPretty(col, row, {}, out);
      return;
    case TypeId::kDouble: {
      double v = col.Get<double>(row);
      if (std::isfinite(v)) {
        AppendJavaDouble(v, out);
      } else {
        quoted(FormatJavaDouble(v));
      }
      return;
    }
    case TypeId::kString:
      quoted(col.Get<StringRef>(row).view());
      return;
    case TypeId::kBinary: {
      std::string b64;
      AppendBase64(col.Get<StringRef>(row).view(), &b64);
      quoted(b64);
      return;
    }
    case TypeId::kDate:
      quoted(FormatDate(col.Get<int32_t>(row)));
      return;
    case TypeId::kTimestamp: {
      std::string ts;
      AppendTimestampIso(col.Get<int64_t>(row), ZoneOrUtc(options.time_zone), &ts);
      quoted(ts);
      return;
    }
    case TypeId::kInterval:
      quoted(col.Get<Interval>(row).ToString());
      return;
    case TypeId::kArray: {
      out->push_back('[');
      for (int32_t k = col.offsets()[row]; k < col.offsets()[row + 1]; ++k) {
        if (k > col.offsets()[row]) out->push_back(',');
        AppendJsonValue(*col.child(0), k, options, out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      for (int32_t k = col.offsets()[row]; k < col.offsets()[row + 1]; ++k) {
        if (k > col.offsets()[row]) out->push_back(',');
        quoted(FormatPretty(*col.child(0), k));
        out->push_back(':');
        AppendJsonValue(*col.child(1), k, options, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      bool first = true;
      const auto& fields = col.type().fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        const Column& child = *col.child(static_cast<int>(i));
        if (options.ignore_null_fields && child.IsNull(row)) continue;
        if (!first) out->push_back(',');
        first = false;
        quoted(fields[i].name);
        out->push_back(':');
        AppendJsonValue(child, row, options, out);
      }
      out->push_back('}');
      return;
    }
  }
}

}  // namespace

void AppendJsonLines(const Batch& batch, const JsonOptions& options, std::string* out) {
  const Schema& schema = *batch.schema();
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    int64_t phys = batch.RowIndex(r);
    out->push_back('{');
    bool first = true;
    for (int c = 0; c < batch.num_columns(); ++c) {
      const Column& col = *batch.column(c);
      if (options.ignore_null_fields && col.IsNull(phys)) continue;
      if (!first) out->push_back(',');
      first = false;
      out->push_back('"');
      AppendJsonEscaped(schema.field(c).name, out);
      *out += "\":";
      AppendJsonValue(col, phys, options, out);
    }
    *out += "}\n";
  }
}

}  // namespace weir

// encode / decode: conversions between STRING and BINARY in a named charset, and the
// Oracle-style decode(expr, search, result, ..., default).
//
// The charsets are the ones Spark documents — US-ASCII, ISO-8859-1, UTF-8, UTF-16BE,
// UTF-16LE, UTF-16 — under their Java names and common Java aliases,
// case-insensitively; any other name is an INVALID_PARAMETER_VALUE.CHARSET error.
// As Java's String.getBytes / new String(bytes, cs) do, characters a charset cannot
// hold encode as '?' and malformed input decodes as U+FFFD. UTF-16 writes a
// big-endian byte order mark and honours one when decoding.

#include <cctype>
#include <optional>

#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/registry.h"
#include "weir/functions/string_internal.h"

namespace weir {

namespace {

using strings::Expect;
using strings::ForEachValidUntilError;
using strings::StrArg;
using strings::SubRef;

enum class Charset : uint8_t { kUtf8, kAscii, kLatin1, kUtf16, kUtf16Be, kUtf16Le };

std::optional<Charset> LookupCharset(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<const char*, Charset> kNames[] = {
      {"utf-8", Charset::kUtf8},
      {"utf8", Charset::kUtf8},
      {"unicode-1-1-utf-8", Charset::kUtf8},
      {"us-ascii", Charset::kAscii},
      {"ascii", Charset::kAscii},
      {"iso646-us", Charset::kAscii},
      {"us", Charset::kAscii},
      {"ansi_x3.4-1968", Charset::kAscii},
      {"ansi_x3.4-1986", Charset::kAscii},
      {"iso_646.irv:1991", Charset::kAscii},
      {"iso-ir-6", Charset::kAscii},
      {"ibm367", Charset::kAscii},
      {"cp367", Charset::kAscii},
      {"csascii", Charset::kAscii},
      {"646", Charset::kAscii},
      {"ascii7", Charset::kAscii},
      {"iso-8859-1", Charset::kLatin1},
      {"iso8859_1", Charset::kLatin1},
      {"iso_8859_1", Charset::kLatin1},
      {"iso_8859-1", Charset::kLatin1},
      {"iso8859-1", Charset::kLatin1},
      {"latin1", Charset::kLatin1},
      {"l1", Charset::kLatin1},
      {"ibm819", Charset::kLatin1},
      {"cp819", Charset::kLatin1},
      {"csisolatin1", Charset::kLatin1},
      {"819", Charset::kLatin1},
      {"ibm-819", Charset::kLatin1},
      {"iso-ir-100", Charset::kLatin1},
      {"8859_1", Charset::kLatin1},
      {"iso_8859-1:1987", Charset::kLatin1},
      {"utf-16", Charset::kUtf16},
      {"utf_16", Charset::kUtf16},
      {"utf16", Charset::kUtf16},
      {"unicode", Charset::kUtf16},
      {"unicodebig", Charset::kUtf16},
      {"utf-16be", Charset::kUtf16Be},
      {"utf_16be", Charset::kUtf16Be},
      {"x-utf-16be", Charset::kUtf16Be},
      {"iso-10646-ucs-2", Charset::kUtf16Be},
      {"unicodebigunmarked", Charset::kUtf16Be},
      {"utf-16le", Charset::kUtf16Le},
      {"utf_16le", Charset::kUtf16Le},
      {"x-utf-16le", Charset::kUtf16Le},
      {"unicodelittleunmarked", Charset::kUtf16Le}};
  for (const auto& [n, cs] : kNames) {
    if (lower == n) return cs;
  }
  return std::nullopt;
}

Status InvalidCharset(const char* function, std::string_view name) {
  return Status::InvalidInput(
      "[INVALID_PARAMETER_VALUE.CHARSET] The value of parameter(s) `charset` in `" +
      std::string(function) +
      "` is invalid: expects one of the charsets 'US-ASCII', 'ISO-8859-1', 'UTF-8', "
      "'UTF-16BE', 'UTF-16LE', 'UTF-16', but got " +
      std::string(name) + ".");
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    int len;
    const uint32_t cp = strings::DecodeUtf8(s, i, &len);
    if (len != strings::Utf8SequenceLength(b) || (cp == 0xFFFD && len == 1)) return false;
    i += static_cast<size_t>(len);
  }
  return true;
}

void PutUtf16(uint32_t unit, bool big_endian, std::string* out) {
  const char hi = static_cast<char>(unit >> 8), lo = static_cast<char>(unit & 0xFF);
  out->push_back(big_endian ? hi : lo);
  out->push_back(big_endian ? lo : hi);
}

// String.getBytes(charset) of UTF-8 text.
void EncodeText(Charset cs, std::string_view s, std::string* out) {
  if (cs == Charset::kUtf16 && !s.empty()) {
    out->append("\xFE\xFF");
    cs = Charset::kUtf16Be;
  }
  for (size_t i = 0; i < s.size();) {
    int len;
    const uint32_t cp = strings::DecodeUtf8(s, i, &len);
    i += static_cast<size_t>(len);
    switch (cs) {
      case Charset::kUtf8:
        strings::AppendUtf8(cp, out);
        break;
      case Charset::kAscii:
        out->push_back(cp < 0x80 ? static_cast<char>(cp) : '?');
        break;
      case Charset::kLatin1:
        out->push_back(cp < 0x100 ? static_cast<char>(cp) : '?');
        break;
      case Charset::kUtf16:
      case Charset::kUtf16Be:
      case Charset::kUtf16Le: {
        const bool be = cs != Charset::kUtf16Le;
        if (cp < 0x10000) {
          PutUtf16(cp, be, out);
        } else {
          PutUtf16(0xD800 + ((cp - 0x10000) >> 10), be, out);
          PutUtf16(0xDC00 + ((cp - 0x10000) & 0x3FF), be, out);
        }
        break;
      }
    }
  }
}

// new String(bytes, charset), as UTF-8.
void DecodeBytes(Charset cs, std::string_view b, std::string* out) {
  constexpr uint32_t kReplacement = 0xFFFD;
  switch (cs) {
    case Charset::kUtf8:
      for (size_t i = 0; i < b.size();) {
        int len;
        strings::AppendUtf8(strings::DecodeUtf8(b, i, &len), out);
        i += static_cast<size_t>(len);
      }
      return;
    case Charset::kAscii:
    case Charset::kLatin1:
      for (const char c : b) {
        const auto v = static_cast<uint8_t>(c);
        strings::AppendUtf8(cs == Charset::kAscii && v >= 0x80 ? kReplacement : v, out);
      }
      return;
    case Charset::kUtf16:
    case Charset::kUtf16Be:
    case Charset::kUtf16Le: {
      bool be = cs != Charset::kUtf16Le;
      size_t i = 0;
      if (cs == Charset::kUtf16 && b.size() >= 2) {
        const auto b0 = static_cast<uint8_t>(b[0]), b1 = static_cast<uint8_t>(b[1]);
        if ((b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE)) {
          be = b0 == 0xFE;
          i = 2;
        }
      }
      auto unit = [&](size_t k) -> uint32_t {
        const auto x = static_cast<uint8_t>(b[k]), y = static_cast<uint8_t>(b[k + 1]);
        return be ? (uint32_t{x} << 8 | y) : (uint32_t{y} << 8 | x);
      };
      for (; i + 1 < b.size(); i += 2) {
        const uint32_t u = unit(i);
        if (u >= 0xD800 && u < 0xDC00 && i + 3 < b.size()) {
          const uint32_t low = unit(i + 2);
          if (low >= 0xDC00 && low < 0xE000) {
            strings::AppendUtf8(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), out);
            i += 2;
            continue;
          }
        }
        strings::AppendUtf8(u >= 0xD800 && u < 0xE000 ? kReplacement : u, out);
      }
      if (i < b.size()) strings::AppendUtf8(kReplacement, out);  // a dangling odd byte
      return;
    }
  }
}

// encode(str, cs) when `encode`, else decode(bin, cs).
Result<ExprPtr> ResolveCharsetCall(bool encode, std::vector<ExprPtr> args) {
  const char* name = encode ? "encode" : "decode";
  RETURN_NOT_OK(strings::CoerceAll(name, &args,
                                   {encode ? Expect::kString : Expect::kBinary, Expect::kString}));
  std::optional<Charset> constant;
  if (std::optional<Value> v = strings::ConstantValue(args[1]); v && !v->is_null()) {
    constant = LookupCharset(v->str());
    if (!constant) return InvalidCharset(name, v->str());
  }
  const DataType type = encode ? DataType::Binary() : DataType::String();
  return strings::MakeCall(
      name, type,
      [encode, name, type, constant](EvalContext&, const std::vector<Datum>& in,
                                     const RowSet& rows) -> Result<Datum> {
        StringResult out(type, rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        out.KeepBuffersOf(in[0].col());
        const StrArg text(in[0]), charset(in[1]);
        std::string scratch;
        RETURN_NOT_OK(ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
          std::optional<Charset> cs = constant;
          if (!cs) {
            cs = LookupCharset(charset[i].view());
            if (!cs) return InvalidCharset(name, charset[i].view());
          }
          const std::string_view s = text[i].view();
          // UTF-8 to UTF-8 (and ASCII text to an ASCII-compatible charset) keeps the bytes.
          const bool same =
              (*cs == Charset::kUtf8 && IsValidUtf8(s)) ||
              ((*cs == Charset::kAscii || *cs == Charset::kLatin1) && strings::IsAscii(s));
          if (same) {
            out.SetRef(i, SubRef(s));
            return Status::OK();
          }
          scratch.clear();
          if (encode) {
            EncodeText(*cs, s, &scratch);
          } else {
            DecodeBytes(*cs, s, &scratch);
          }
          out.Set(i, scratch);
          return Status::OK();
        }));
        return out.Finish();
      },
      std::move(args));
}

// decode(expr, search1, result1, ..., [default]): CASE WHEN expr <=> search1 THEN
// result1 ... ELSE default END, the default being a STRING NULL when omitted (so the
// results are widened together with STRING, as in Spark).
Result<ExprPtr> ResolveOracleDecode(std::vector<ExprPtr> args, const ResolveOptions& options) {
  std::vector<std::pair<ExprPtr, ExprPtr>> branches;
  ExprPtr fallback = Literal(Value::Null(DataType::String()));
  for (size_t k = 1; k < args.size(); k += 2) {
    if (k + 1 == args.size()) {
      fallback = args[k];
      break;
    }
    ASSIGN_OR_RAISE(ExprPtr cond,
                    FunctionRegistry::Builtins().Resolve("<=>", {args[0], args[k]}, options));
    branches.emplace_back(std::move(cond), args[k + 1]);
  }
  DataType common = fallback->type();
  for (const auto& b : branches) {
    std::optional<DataType> w = WiderType(common, b.second->type());
    if (!w) {
      return DataTypeMismatch("DATA_DIFF_TYPES", DescribeCall("decode", args),
                              "Input to `casewhen` should all be the same type, but it's " +
                                  QuoteType(common) + " and " + QuoteType(b.second->type()) + ".");
    }
    common = *w;
  }
  for (auto& b : branches) {
    ASSIGN_OR_RAISE(b.second, Cast(b.second, common));
  }
  ASSIGN_OR_RAISE(fallback, Cast(fallback, common));
  return CaseWhen(std::move(branches), std::move(fallback));
}

}  // namespace

void RegisterCharsetFunctions(FunctionRegistry* registry) {
  registry->Register({"encode", 2, 2,
                      "encode(str, charset) - Encodes the first argument using the second "
                      "argument character set.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveCharsetCall(true, std::move(args));
                      }});
  registry->Register({"decode", 2, -1,
                      "decode(bin, charset) - Decodes the first argument using the second "
                      "argument character set. decode(expr, search, result [, search, result ] "
                      "... [, default]) - Compares expr to each search value in order.",
                      [](std::vector<ExprPtr> args, const ResolveOptions& options) {
                        if (args.size() == 2) return ResolveCharsetCall(false, std::move(args));
                        return ResolveOracleDecode(std::move(args), options);
                      }});
}

}  // namespace weir

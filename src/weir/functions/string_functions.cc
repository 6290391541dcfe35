// String functions, part one: concat, concat_ws, length / char_length /
// character_length / len, octet_length, bit_length, lower / lcase, upper / ucase,
// initcap, ascii, chr / char. RegisterStringFunctions also registers the other string
// families (see string_internal.h).
//
// Semantics are Spark 3.5's UTF8String / ByteArray methods: lengths count characters
// (code points) of STRING values and bytes of BINARY values; case mapping follows
// Java's full Unicode mappings (unicode_case.h).

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "weir/expr/cast.h"
#include "weir/functions/builtins.h"
#include "weir/functions/registry.h"
#include "weir/functions/string_internal.h"
#include "weir/functions/unicode_case.h"

namespace weir {

namespace {

using strings::ArgView;
using strings::EmitExact;
using strings::Expect;
using strings::ForEachValid;
using strings::ForEachValidUntilError;
using strings::StrArg;
using strings::SubRef;

// ---- concat / concat_ws --------------------------------------------------------------

Result<ExprPtr> ResolveConcat(std::vector<ExprPtr> args, const ResolveOptions&) {
  if (args.empty()) return Literal(Value::String(""));
  bool all_binary = true;
  for (const ExprPtr& a : args) {
    if (a->type().id() == TypeId::kArray) {
      return Status::Unsupported("concat of ARRAY arguments is not supported yet: " +
                                 DescribeCall("concat", args));
    }
    all_binary = all_binary && a->type().id() == TypeId::kBinary;
  }
  // Spark's ConcatCoercion: binaries stay binary only when every argument is one.
  const DataType type = all_binary ? DataType::Binary() : DataType::String();
  if (!all_binary) {
    RETURN_NOT_OK(
        strings::CoerceAll("concat", &args, std::vector<Expect>(args.size(), Expect::kString)));
  }
  return strings::MakeCall(
      "concat", type,
      [type](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        StringResult out(type, rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        std::vector<StrArg> parts;
        parts.reserve(in.size());
        for (const Datum& d : in) parts.emplace_back(d);
        RETURN_NOT_OK(ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
          int64_t total = 0;
          for (const StrArg& p : parts) total += p[i].size();
          if (total > strings::kMaxStringBytes) return strings::ResultTooLarge("concat", total);
          EmitExact(out, i, static_cast<size_t>(total), [&](char* dst) {
            for (const StrArg& p : parts) {
              const StringRef& v = p[i];
              std::memcpy(dst, v.data(), v.size());
              dst += v.size();
            }
          });
          return Status::OK();
        }));
        return out.Finish();
      },
      std::move(args));
}

// Calls f(piece) for the non-NULL strings concat_ws joins in row i: string arguments
// and the elements of array<string> arguments.
template <typename F>
void ForEachConcatWsPiece(const std::vector<Datum>& in, int64_t i, F&& f) {
  for (size_t k = 1; k < in.size(); ++k) {
    const Datum& d = in[k];
    if (d.IsNull(i)) continue;
    if (d.type().id() == TypeId::kString) {
      f(d.Get<StringRef>(i).view());
      continue;
    }
    const int64_t r = d.Index(i);
    const int32_t* offsets = d.col().offsets();
    const Column& elements = *d.col().child(0);
    const StringRef* values = elements.values<StringRef>();
    for (int32_t e = offsets[r]; e < offsets[r + 1]; ++e) {
      if (!elements.IsNull(e)) f(values[e].view());
    }
  }
}

Result<ExprPtr> ResolveConcatWs(std::vector<ExprPtr> args, const ResolveOptions&) {
  const std::vector<ExprPtr> original = args;
  ASSIGN_OR_RAISE(args[0], strings::Coerce("concat_ws", original, 0, Expect::kString));
  for (size_t k = 1; k < args.size(); ++k) {
    if (args[k]->type().id() == TypeId::kArray) {
      ASSIGN_OR_RAISE(args[k], Cast(args[k], DataType::Array(DataType::String())));
    } else {
      ASSIGN_OR_RAISE(args[k], strings::Coerce("concat_ws", original, k, Expect::kString));
    }
  }
  return strings::MakeCall(
      "concat_ws", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // NULL only when the separator is; NULL arguments and elements are skipped.
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), 1, rows);
        const StrArg sep(in[0]);
        RETURN_NOT_OK(ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
          const std::string_view s = sep[i].view();
          int64_t total = 0, pieces = 0;
          ForEachConcatWsPiece(in, i, [&](std::string_view p) {
            total += static_cast<int64_t>(p.size());
            ++pieces;
          });
          if (pieces > 1) total += (pieces - 1) * static_cast<int64_t>(s.size());
          if (total > strings::kMaxStringBytes) return strings::ResultTooLarge("concat_ws", total);
          EmitExact(out, i, static_cast<size_t>(total), [&](char* dst) {
            bool first = true;
            ForEachConcatWsPiece(in, i, [&](std::string_view p) {
              if (!first) {
                std::memcpy(dst, s.data(), s.size());
                dst += s.size();
              }
              first = false;
              std::memcpy(dst, p.data(), p.size());
              dst += p.size();
            });
          });
          return Status::OK();
        }));
        return out.Finish();
      },
      std::move(args));
}

// ---- length family ---------------------------------------------------------------------

enum class LengthKind : uint8_t { kChars, kBytes, kBits };

Result<ExprPtr> ResolveLength(const char* name, LengthKind kind, std::vector<ExprPtr> args) {
  RETURN_NOT_OK(strings::CoerceAll(name, &args, {Expect::kStringOrBinary}));
  // Characters for STRING, bytes for BINARY.
  const bool chars = kind == LengthKind::kChars && args[0]->type().id() == TypeId::kString;
  const int scale = kind == LengthKind::kBits ? 8 : 1;
  return strings::MakeCall(
      name, DataType::Int32(),
      [chars, scale](EvalContext&, const std::vector<Datum>& in,
                     const RowSet& rows) -> Result<Datum> {
        if (chars) {
          return kernels::MapUnary<StringRef, int32_t>(
              DataType::Int32(), in[0], rows,
              [](const StringRef& v) { return static_cast<int32_t>(strings::NumChars(v.view())); });
        }
        return kernels::MapUnary<StringRef, int32_t>(
            DataType::Int32(), in[0], rows,
            [scale](const StringRef& v) { return static_cast<int32_t>(v.size()) * scale; });
      },
      std::move(args));
}

// ---- lower / upper / initcap -----------------------------------------------------------

enum class CaseOp : uint8_t { kLower, kUpper, kInitCap };

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

// Java's initcap: lower-case everything, then title-case the first character and
// every character that follows a space (' ' only).
void AppendInitCap(std::string_view s, std::string* lowered, std::string* out) {
  lowered->clear();
  unicode::AppendLowerCase(s, lowered);
  uint32_t prev = ' ';
  for (size_t i = 0; i < lowered->size();) {
    int len;
    uint32_t cp = strings::DecodeUtf8(*lowered, i, &len);
    i += static_cast<size_t>(len);
    strings::AppendUtf8(prev == ' ' ? unicode::ToTitleSimple(cp) : cp, out);
    prev = cp;
  }
}

// True when `ref` is ASCII and has no letter in [lo, lo + 26) ('A' or 'a'), checked
// eight bytes at a time: for a byte b < 0x80, b + (0x80 - x) has its high bit set
// exactly when b >= x, and no sum carries into the next byte. An inline value is read
// from its zero-padded 12 bytes (a zero byte is neither), a longer one in words, the
// last word overlapping the one before.
bool AsciiWithoutLetters(const StringRef& ref, char lo) {
  constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  const uint64_t from = kOnes * static_cast<uint64_t>(0x80 - lo);
  const uint64_t past = kOnes * static_cast<uint64_t>(0x80 - (lo + 26));
  auto clean = [&](uint64_t w) {
    return (w & kHigh) == 0 && (((w + from) & ~(w + past)) & kHigh) == 0;
  };
  const char* d = ref.data();
  const size_t n = ref.size();
  if (ref.is_inline()) {
    uint64_t a;
    uint32_t b;
    std::memcpy(&a, d, 8);
    std::memcpy(&b, d + 8, 4);
    return clean(a) && clean(b);
  }
  size_t i = 0;
  uint64_t w;
  for (; i + 8 <= n; i += 8) {
    std::memcpy(&w, d + i, 8);
    if (!clean(w)) return false;
  }
  if (i == n) return true;
  std::memcpy(&w, d + n - 8, 8);
  return clean(w);
}

// lower / upper of an inline ASCII value, computed on the ref's two words (StringRef
// is the 4-byte length, then the zero-padded characters; x86-64 is little-endian):
// each letter of the case to change gets its 0x20 bit set (lower) or cleared
// (upper), found as in AsciiWithoutLetters; the length bytes are below 'A' and stay.
// False for a value that is not inline or not ASCII.
bool MapInlineAscii(const StringRef& ref, bool lower, StringRef* out) {
  static_assert(std::is_trivially_copyable_v<StringRef> && sizeof(StringRef) == 16);
  constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  const char lo = lower ? 'A' : 'a';
  const uint64_t from = kOnes * static_cast<uint64_t>(0x80 - lo);
  const uint64_t past = kOnes * static_cast<uint64_t>(0x80 - (lo + 26));
  uint64_t w[2];
  std::memcpy(w, &ref, sizeof(w));
  // The length is the low 4 bytes of w[0] (little-endian): at most 12 when inline.
  if ((w[0] & 0xFFFFFFFF) > StringRef::kInlineSize || ((w[0] | w[1]) & kHigh) != 0) return false;
  for (uint64_t& x : w) {
    const uint64_t bit = ((((x + from) & ~(x + past)) & kHigh) >> 2);  // 0x20 per letter
    x = lower ? (x | bit) : (x & ~bit);
  }
  std::memcpy(static_cast<void*>(out), w, sizeof(w));
  return true;
}

Result<Datum> InitCapColumn(const Datum& a, const RowSet& rows) {
  StringResult out(DataType::String(), rows);
  out.validity().InitFromArgs(&a, 1, rows);
  const StrArg in(a);
  std::string scratch, lowered;  // reused across rows: no allocation per row
  ForEachValid(out.validity(), rows, [&](int64_t i) {
    const std::string_view v = in[i].view();
    if (strings::IsAscii(v)) {
      EmitExact(out, i, v.size(), [&](char* dst) {
        char prev = ' ';
        for (size_t k = 0; k < v.size(); ++k) {
          dst[k] = prev == ' ' ? AsciiUpper(v[k]) : AsciiLower(v[k]);
          prev = v[k];
        }
      });
      return;
    }
    scratch.clear();
    AppendInitCap(v, &lowered, &scratch);
    out.Set(i, scratch);
  });
  return out.Finish();
}

Result<Datum> ChangeCase(CaseOp op, const Datum& a, const RowSet& rows) {
  if (op == CaseOp::kInitCap) return InitCapColumn(a, rows);
  const bool lower = op == CaseOp::kLower;
  StringResult out(DataType::String(), rows);
  out.validity().InitFromArgs(&a, 1, rows);
  const StrArg in(a);
  // A long ASCII value the operation leaves as it is (lower('apple...'), upper('ID'))
  // is stored as the input's own ref, without copying its bytes.
  out.KeepBuffersOf(a.col());
  std::string scratch;  // reused across rows: no allocation per row
  ForEachValid(out.validity(), rows, [&](int64_t i) {
    const StringRef ref = in[i];
    StringRef mapped;
    if (MapInlineAscii(ref, lower, &mapped)) {
      out.SetRef(i, mapped);
      return;
    }
    if (AsciiWithoutLetters(ref, lower ? 'A' : 'a')) {
      out.SetRef(i, ref);
      return;
    }
    const std::string_view v = ref.view();
    scratch.clear();
    if (strings::IsAscii(v)) {
      scratch.assign(v);
      for (char& c : scratch) c = lower ? AsciiLower(c) : AsciiUpper(c);
    } else if (lower) {
      unicode::AppendLowerCase(v, &scratch);
    } else {
      unicode::AppendUpperCase(v, &scratch);
    }
    out.Set(i, scratch);
  });
  return out.Finish();
}

Result<ExprPtr> ResolveCase(const char* name, CaseOp op, std::vector<ExprPtr> args) {
  RETURN_NOT_OK(strings::CoerceAll(name, &args, {Expect::kString}));
  return strings::MakeCall(
      name, DataType::String(),
      [op](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
        return ChangeCase(op, in[0], rows);
      },
      std::move(args));
}

// ---- ascii / chr -----------------------------------------------------------------------

Result<ExprPtr> ResolveAscii(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(strings::CoerceAll("ascii", &args, {Expect::kString}));
  return strings::MakeCall(
      "ascii", DataType::Int32(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // The code point of the first character; 0 for ''.
        return kernels::MapUnary<StringRef, int32_t>(
            DataType::Int32(), in[0], rows, [](const StringRef& v) -> int32_t {
              if (v.empty()) return 0;
              int len;
              return static_cast<int32_t>(strings::DecodeUtf8(v.view(), 0, &len));
            });
      },
      std::move(args));
}

Result<ExprPtr> ResolveChr(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(strings::CoerceAll("chr", &args, {Expect::kLong}));
  return strings::MakeCall(
      "chr", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // Negative: ''; otherwise the character U+00xx for xx = n mod 256 (0 gives U+0000).
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), 1, rows);
        const ArgView<int64_t> n(in[0]);
        ForEachValid(out.validity(), rows, [&](int64_t i) {
          if (n[i] < 0) {
            out.SetRef(i, StringRef());
            return;
          }
          char buf[4];
          int len = strings::EncodeUtf8(static_cast<uint32_t>(n[i] & 0xFF), buf);
          out.SetRef(i, StringRef(buf, static_cast<uint32_t>(len)));
        });
        return out.Finish();
      },
      std::move(args));
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry* registry) {
  registry->Register({"concat", 0, -1,
                      "concat(col1, col2, ..., colN) - Returns the concatenation of col1, col2, "
                      "..., colN.",
                      ResolveConcat});
  registry->Register({"concat_ws", 1, -1,
                      "concat_ws(sep[, str | array(str)]+) - Returns the concatenation of the "
                      "strings separated by `sep`, skipping null values.",
                      ResolveConcatWs});
  struct LengthFn {
    const char* name;
    LengthKind kind;
    const char* usage;
  };
  for (const LengthFn& f :
       {LengthFn{"length", LengthKind::kChars,
                 "length(expr) - Returns the character length of string data or number of bytes "
                 "of binary data."},
        LengthFn{"octet_length", LengthKind::kBytes,
                 "octet_length(expr) - Returns the byte length of string data or number of bytes "
                 "of binary data."},
        LengthFn{"bit_length", LengthKind::kBits,
                 "bit_length(expr) - Returns the bit length of string data or number of bits of "
                 "binary data."}}) {
    const char* name = f.name;
    const LengthKind kind = f.kind;
    registry->Register(
        {name, 1, 1, f.usage, [name, kind](std::vector<ExprPtr> args, const ResolveOptions&) {
           return ResolveLength(name, kind, std::move(args));
         }});
  }
  registry->Alias("char_length", "length");
  registry->Alias("character_length", "length");
  registry->Alias("len", "length");
  struct CaseFn {
    const char* name;
    CaseOp op;
    const char* usage;
  };
  for (const CaseFn& f :
       {CaseFn{"lower", CaseOp::kLower,
               "lower(str) - Returns `str` with all characters changed to lowercase."},
        CaseFn{"upper", CaseOp::kUpper,
               "upper(str) - Returns `str` with all characters changed to uppercase."},
        CaseFn{"initcap", CaseOp::kInitCap,
               "initcap(str) - Returns `str` with the first letter of each word in uppercase. "
               "All other letters are in lowercase. Words are delimited by white space."}}) {
    const char* name = f.name;
    const CaseOp op = f.op;
    registry->Register(
        {name, 1, 1, f.usage, [name, op](std::vector<ExprPtr> args, const ResolveOptions&) {
           return ResolveCase(name, op, std::move(args));
         }});
  }
  registry->Alias("lcase", "lower");
  registry->Alias("ucase", "upper");
  registry->Register({"ascii", 1, 1,
                      "ascii(str) - Returns the numeric value of the first character of `str`.",
                      ResolveAscii});
  registry->Register({"chr", 1, 1,
                      "chr(expr) - Returns the ASCII character having the binary equivalent to "
                      "`expr`. If n is larger than 256 the result is equivalent to chr(n % 256)",
                      ResolveChr});
  registry->Alias("char", "chr");
  RegisterTrimPadFunctions(registry);
  RegisterSubstringFunctions(registry);
  RegisterRegexpFunctions(registry);
  RegisterFormatFunctions(registry);
  RegisterFormatNumberFunction(registry);
  RegisterEncodingFunctions(registry);
  RegisterCharsetFunctions(registry);
}

}  // namespace weir

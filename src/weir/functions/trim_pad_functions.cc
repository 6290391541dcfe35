// String functions, part two — trimming and padding: trim / ltrim / rtrim / btrim,
// lpad / rpad, repeat, reverse.
//
// Semantics are Spark 3.5's UTF8String / ByteArray methods: trim without a trim
// string strips only ' ' (0x20); the two-argument trim, ltrim and rtrim take
// (trimStr, str), Spark's argument order for the function-call syntax (btrim takes
// (str, trimStr)); pad lengths count characters of STRING values and bytes of
// BINARY values. Trimmed and truncated results are refs into the input.

#include <algorithm>
#include <cstring>

#include "weir/functions/registry.h"
#include "weir/functions/string_internal.h"

namespace weir {

namespace {

using strings::ArgView;
using strings::EmitExact;
using strings::Expect;
using strings::ForEachValid;
using strings::ForEachValidUntilError;
using strings::StrArg;
using strings::SubRef;

// ---- trim family -----------------------------------------------------------------------

enum class TrimSide : uint8_t { kBoth, kLeading, kTrailing };

// The start of the character that ends just before byte `end` (end > 0).
size_t PrevCharStart(std::string_view s, size_t end) {
  size_t k = end - 1;
  while (k > 0 && end - k < 4 && (static_cast<uint8_t>(s[k]) & 0xC0) == 0x80) --k;
  // Accept the lead byte only if its sequence ends exactly at `end`.
  if (k + strings::Utf8SequenceLength(static_cast<uint8_t>(s[k])) != end) return end - 1;
  return k;
}

// s with the characters that occur in `set` removed from the chosen side(s), as
// UTF8String.trimLeft/trimRight(trimString) do.
std::string_view TrimChars(std::string_view s, std::string_view set, TrimSide side) {
  auto in_set = [&](std::string_view c) { return set.find(c) != std::string_view::npos; };
  size_t b = 0, e = s.size();
  if (side != TrimSide::kTrailing) {
    while (b < e) {
      size_t n = std::min<size_t>(strings::Utf8SequenceLength(static_cast<uint8_t>(s[b])), e - b);
      if (!in_set(s.substr(b, n))) break;
      b += n;
    }
  }
  if (side != TrimSide::kLeading) {
    while (e > b) {
      size_t start = std::max(PrevCharStart(s, e), b);
      if (!in_set(s.substr(start, e - start))) break;
      e = start;
    }
  }
  return s.substr(b, e - b);
}

std::string_view TrimSpaces(std::string_view s, TrimSide side) {
  size_t b = 0, e = s.size();
  if (side != TrimSide::kTrailing) {
    while (b < e && s[b] == ' ') ++b;
  }
  if (side != TrimSide::kLeading) {
    while (e > b && s[e - 1] == ' ') --e;
  }
  return s.substr(b, e - b);
}

// args: (str) or (str, trimStr), already in that order.
Result<ExprPtr> MakeTrim(const char* name, TrimSide side, std::vector<ExprPtr> args) {
  RETURN_NOT_OK(strings::CoerceAll(name, &args, {Expect::kString, Expect::kString}));
  return strings::MakeCall(
      name, DataType::String(),
      [side](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        out.KeepBuffersOf(in[0].col());  // results are refs into the input
        const StrArg src(in[0]);
        if (in.size() == 1) {
          ForEachValid(out.validity(), rows,
                       [&](int64_t i) { out.SetRef(i, SubRef(TrimSpaces(src[i].view(), side))); });
        } else {
          const StrArg set(in[1]);
          ForEachValid(out.validity(), rows, [&](int64_t i) {
            out.SetRef(i, SubRef(TrimChars(src[i].view(), set[i].view(), side)));
          });
        }
        return out.Finish();
      },
      std::move(args));
}

// trim(str) / trim(trimStr, str): the function-call form takes the trim string first.
Result<ExprPtr> ResolveTrim(const char* name, TrimSide side, std::vector<ExprPtr> args) {
  if (args.size() == 2) std::swap(args[0], args[1]);
  return MakeTrim(name, side, std::move(args));
}

// ---- lpad / rpad -----------------------------------------------------------------------

// The first `chars` characters of s (none when chars <= 0).
std::string_view PrefixChars(std::string_view s, int64_t chars) {
  return chars <= 0 ? s.substr(0, 0) : s.substr(0, strings::SkipChars(s, 0, chars));
}

Status PadString(bool left, StringResult& out, int64_t i, std::string_view s, int32_t len,
                 std::string_view pad) {
  const int64_t spaces = len - strings::NumChars(s);
  if (spaces <= 0 || pad.empty()) {
    out.SetRef(i, SubRef(PrefixChars(s, len)));
    return Status::OK();
  }
  const int64_t pad_chars = strings::NumChars(pad);
  const int64_t count = spaces / pad_chars;
  const std::string_view remain = PrefixChars(pad, spaces - pad_chars * count);
  const int64_t total = static_cast<int64_t>(s.size()) + static_cast<int64_t>(pad.size()) * count +
                        static_cast<int64_t>(remain.size());
  if (total > strings::kMaxStringBytes) {
    return strings::ResultTooLarge(left ? "lpad" : "rpad", total);
  }
  EmitExact(out, i, static_cast<size_t>(total), [&](char* dst) {
    if (!left) {
      std::memcpy(dst, s.data(), s.size());
      dst += s.size();
    }
    for (int64_t k = 0; k < count; ++k, dst += pad.size()) std::memcpy(dst, pad.data(), pad.size());
    std::memcpy(dst, remain.data(), remain.size());
    dst += remain.size();
    if (left) std::memcpy(dst, s.data(), s.size());
  });
  return Status::OK();
}

// ByteArray.lpad / rpad: exactly `len` bytes (the input's first bytes, then the
// pattern repeated); an empty pattern only truncates.
void PadBinary(bool left, StringResult& out, int64_t i, std::string_view s, int32_t len,
               std::string_view pad) {
  if (len <= 0) {  // Spark fails on a negative length (NegativeArraySizeException)
    out.SetRef(i, StringRef());
    return;
  }
  const size_t n = static_cast<size_t>(len);
  if (pad.empty() || s.size() >= n) {
    out.SetRef(i, SubRef(s.substr(0, std::min(s.size(), n))));
    return;
  }
  EmitExact(out, i, n, [&](char* dst) {
    const size_t fill = n - s.size();
    char* pattern = left ? dst : dst + s.size();
    std::memcpy(left ? dst + fill : dst, s.data(), s.size());
    for (size_t k = 0; k < fill; ++k) pattern[k] = pad[k % pad.size()];
  });
}

Result<ExprPtr> ResolvePad(bool left, std::vector<ExprPtr> args) {
  const char* name = left ? "lpad" : "rpad";
  const bool binary = args[0]->type().id() == TypeId::kBinary &&
                      (args.size() == 2 || args[2]->type().id() == TypeId::kBinary);
  if (args.size() == 2) {
    args.push_back(Literal(binary ? Value::Binary(std::string(1, '\0')) : Value::String(" ")));
  }
  const Expect text = binary ? Expect::kBinary : Expect::kString;
  RETURN_NOT_OK(strings::CoerceAll(name, &args, {text, Expect::kInt, text}));
  const DataType type = binary ? DataType::Binary() : DataType::String();
  return strings::MakeCall(
      name, type,
      [left, binary, type](EvalContext&, const std::vector<Datum>& in,
                           const RowSet& rows) -> Result<Datum> {
        StringResult out(type, rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        out.KeepBuffersOf(in[0].col());
        const StrArg str(in[0]), pad(in[2]);
        const ArgView<int32_t> len(in[1]);
        RETURN_NOT_OK(ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
          if (binary) {
            PadBinary(left, out, i, str[i].view(), len[i], pad[i].view());
            return Status::OK();
          }
          return PadString(left, out, i, str[i].view(), len[i], pad[i].view());
        }));
        return out.Finish();
      },
      std::move(args));
}

// ---- repeat / reverse ------------------------------------------------------------------

Result<ExprPtr> ResolveRepeat(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(strings::CoerceAll("repeat", &args, {Expect::kString, Expect::kInt}));
  return strings::MakeCall(
      "repeat", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        const StrArg str(in[0]);
        const ArgView<int32_t> times(in[1]);
        RETURN_NOT_OK(ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
          const std::string_view s = str[i].view();
          const int64_t n = std::max<int32_t>(times[i], 0);
          const int64_t total = static_cast<int64_t>(s.size()) * n;
          if (total > strings::kMaxStringBytes) return strings::ResultTooLarge("repeat", total);
          EmitExact(out, i, static_cast<size_t>(total), [&](char* dst) {
            for (int64_t k = 0; k < n; ++k, dst += s.size()) std::memcpy(dst, s.data(), s.size());
          });
          return Status::OK();
        }));
        return out.Finish();
      },
      std::move(args));
}

// reverse(array): the same elements in reverse order, gathered with Column::Take.
Result<Datum> ReverseArrays(const Datum& a, const RowSet& rows) {
  const Column& col = a.col();
  const int32_t* offsets = col.offsets();
  const int64_t n = rows.physical_rows();
  std::vector<uint32_t> take;
  std::vector<int32_t> new_offsets(static_cast<size_t>(n) + 1, 0);
  BufferPtr validity = AllocateBuffer(BitmapWords(n) * 8);
  validity->Resize(BitmapWords(n) * 8);
  std::memset(validity->data(), 0, validity->size());
  int64_t next = 0;
  rows.ForEach([&](int64_t i) {
    for (; next <= i; ++next)
      new_offsets[static_cast<size_t>(next)] = static_cast<int32_t>(take.size());
    if (a.IsNull(i)) return;
    SetBit(validity->as<uint64_t>(), i);
    const int64_t r = a.Index(i);
    for (int32_t e = offsets[r + 1]; e > offsets[r]; --e)
      take.push_back(static_cast<uint32_t>(e - 1));
  });
  for (; next <= n; ++next)
    new_offsets[static_cast<size_t>(next)] = static_cast<int32_t>(take.size());
  BufferPtr off = AllocateBuffer(new_offsets.size() * sizeof(int32_t));
  off->Resize(new_offsets.size() * sizeof(int32_t));
  std::memcpy(off->data(), new_offsets.data(), off->size());
  Column::Parts p;
  p.type = col.type();
  p.length = n;
  p.validity = std::move(validity);
  p.values = std::move(off);
  p.children.push_back(col.child(0)->Take(take.data(), static_cast<int64_t>(take.size())));
  return Datum::Flat(Column::Make(std::move(p)));
}

Result<ExprPtr> ResolveReverse(std::vector<ExprPtr> args, const ResolveOptions&) {
  if (args[0]->type().id() == TypeId::kArray) {
    const DataType type = args[0]->type();
    return strings::MakeCall(
        "reverse", type,
        [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
          return ReverseArrays(in[0], rows);
        },
        std::move(args));
  }
  RETURN_NOT_OK(strings::CoerceAll("reverse", &args, {Expect::kString}));
  return strings::MakeCall(
      "reverse", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), 1, rows);
        const StrArg str(in[0]);
        ForEachValid(out.validity(), rows, [&](int64_t i) {
          const std::string_view s = str[i].view();
          EmitExact(out, i, s.size(), [&](char* dst) {
            // Characters keep their bytes in order; their order is reversed.
            for (size_t k = 0; k < s.size();) {
              size_t n = std::min<size_t>(strings::Utf8SequenceLength(static_cast<uint8_t>(s[k])),
                                          s.size() - k);
              std::memcpy(dst + s.size() - k - n, s.data() + k, n);
              k += n;
            }
          });
        });
        return out.Finish();
      },
      std::move(args));
}

}  // namespace

void RegisterTrimPadFunctions(FunctionRegistry* registry) {
  struct TrimFn {
    const char* name;
    TrimSide side;
    const char* usage;
  };
  for (const TrimFn& f :
       {TrimFn{"trim", TrimSide::kBoth,
               "trim(str) / trim(trimStr, str) - Removes the leading and trailing space "
               "characters (or `trimStr` characters) from `str`."},
        TrimFn{"ltrim", TrimSide::kLeading,
               "ltrim(str) / ltrim(trimStr, str) - Removes the leading space characters (or "
               "`trimStr` characters) from `str`."},
        TrimFn{"rtrim", TrimSide::kTrailing,
               "rtrim(str) / rtrim(trimStr, str) - Removes the trailing space characters (or "
               "`trimStr` characters) from `str`."}}) {
    const char* name = f.name;
    const TrimSide side = f.side;
    registry->Register(
        {name, 1, 2, f.usage, [name, side](std::vector<ExprPtr> args, const ResolveOptions&) {
           return ResolveTrim(name, side, std::move(args));
         }});
  }
  registry->Register({"btrim", 1, 2,
                      "btrim(str[, trimStr]) - Removes the leading and trailing space characters "
                      "(or `trimStr` characters) from `str`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return MakeTrim("btrim", TrimSide::kBoth, std::move(args));
                      }});
  registry->Register({"lpad", 2, 3,
                      "lpad(str, len[, pad]) - Returns `str`, left-padded with `pad` to a length "
                      "of `len`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolvePad(true, std::move(args));
                      }});
  registry->Register({"rpad", 2, 3,
                      "rpad(str, len[, pad]) - Returns `str`, right-padded with `pad` to a "
                      "length of `len`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolvePad(false, std::move(args));
                      }});
  registry->Register({"repeat", 2, 2,
                      "repeat(str, n) - Returns the string which repeats the given string value "
                      "n times.",
                      ResolveRepeat});
  registry->Register({"reverse", 1, 1,
                      "reverse(array) - Returns a reversed string or an array with reverse order "
                      "of elements.",
                      ResolveReverse});
}

}  // namespace weir

// String functions, part two — positions and pieces: substring / substr, left,
// right, instr, locate / position, replace, translate, split_part.
//
// Positions are 1-based and count characters of STRING values (bytes of BINARY
// values), as Spark's UTF8String.substringSQL / indexOf / ByteArray.subStringSQL do.
// Results that are pieces of an input are refs into the input's buffers: no bytes
// are copied for substring, left, right, split_part, or a replace / translate that
// changes nothing.

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

// ---- substring / left / right -------------------------------------------------------------

// substringSQL(pos, len) over characters (`chars`) or bytes: 1-based `pos`, 0 read as
// 1, negative counting from the end; `len` characters from there, clipped.
std::string_view SubstringSql(std::string_view s, bool chars, int32_t pos, int32_t len) {
  int64_t start = 0;
  if (pos > 0) {
    start = pos - 1;
  } else if (pos < 0) {
    start = (chars ? strings::NumChars(s) : static_cast<int64_t>(s.size())) + pos;
  }
  const int64_t end = start + len;  // no overflow in 64 bits; clipping gives Spark's result
  start = std::max<int64_t>(start, 0);
  if (start >= end) return s.substr(0, 0);
  if (!chars) {
    const size_t b = static_cast<size_t>(std::min<int64_t>(start, static_cast<int64_t>(s.size())));
    const size_t e = static_cast<size_t>(std::min<int64_t>(end, static_cast<int64_t>(s.size())));
    return s.substr(b, e - b);
  }
  const size_t b = strings::SkipChars(s, 0, start);
  const size_t e = strings::SkipChars(s, b, end - start);
  return s.substr(b, e - b);
}

enum class SubKind : uint8_t { kSubstring, kLeft, kRight };

Result<Datum> SubstringKernel(SubKind kind, const DataType& type, const std::vector<Datum>& in,
                              const RowSet& rows) {
  StringResult out(type, rows);
  out.validity().InitFromArgs(in.data(), in.size(), rows);
  out.KeepBuffersOf(in[0].col());
  const bool chars = type.id() == TypeId::kString;
  const StrArg str(in[0]);
  const ArgView<int32_t> a1(in[1]);
  switch (kind) {
    case SubKind::kSubstring: {
      const ArgView<int32_t> len(in[2]);
      ForEachValid(out.validity(), rows, [&](int64_t i) {
        out.SetRef(i, SubRef(SubstringSql(str[i].view(), chars, a1[i], len[i])));
      });
      break;
    }
    case SubKind::kLeft:
      ForEachValid(out.validity(), rows, [&](int64_t i) {
        out.SetRef(i, SubRef(SubstringSql(str[i].view(), chars, 1, a1[i])));
      });
      break;
    case SubKind::kRight:
      // right(str, n) = '' for n <= 0, else substring(str, -n).
      ForEachValid(out.validity(), rows, [&](int64_t i) {
        const int32_t n = a1[i];
        out.SetRef(
            i, n <= 0 ? StringRef() : SubRef(SubstringSql(str[i].view(), chars, -n, INT32_MAX)));
      });
      break;
  }
  return out.Finish();
}

Result<ExprPtr> ResolveSubstring(const char* name, SubKind kind, std::vector<ExprPtr> args) {
  if (kind == SubKind::kSubstring) {
    if (args.size() == 2) args.push_back(Literal(Value::Int32(INT32_MAX)));
    RETURN_NOT_OK(
        strings::CoerceAll(name, &args, {Expect::kStringOrBinary, Expect::kInt, Expect::kInt}));
  } else {
    // right() takes only strings; left() strings and binaries.
    const Expect text = kind == SubKind::kLeft ? Expect::kStringOrBinary : Expect::kString;
    RETURN_NOT_OK(strings::CoerceAll(name, &args, {text, Expect::kInt}));
  }
  const DataType type = args[0]->type();
  return strings::MakeCall(
      name, type,
      [kind, type](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) {
        return SubstringKernel(kind, type, in, rows);
      },
      std::move(args));
}

// ---- instr / locate -------------------------------------------------------------------

// UTF8String.indexOf(sub, start): the 0-based character position of the first `sub`
// at or after character `start`; 0 for an empty `sub`; -1 when absent.
int64_t IndexOf(std::string_view s, std::string_view sub, int64_t start) {
  if (sub.empty()) return 0;
  const size_t from = strings::SkipChars(s, 0, start);
  const size_t at = s.find(sub, from);
  if (at == std::string_view::npos) return -1;
  int64_t skipped = 0;
  for (size_t i = 0; i < from; i += strings::Utf8SequenceLength(static_cast<uint8_t>(s[i]))) {
    ++skipped;
  }
  return skipped + strings::NumChars(s.substr(from, at - from));
}

Result<ExprPtr> ResolveInstr(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(strings::CoerceAll("instr", &args, {Expect::kString, Expect::kString}));
  return strings::MakeCall(
      "instr", DataType::Int32(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        FixedResult<int32_t> out(DataType::Int32(), rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        const StrArg str(in[0]), sub(in[1]);
        ForEachValid(out.validity(), rows, [&](int64_t i) {
          out.Set(i, static_cast<int32_t>(IndexOf(str[i].view(), sub[i].view(), 0) + 1));
        });
        return out.Finish();
      },
      std::move(args));
}

Result<ExprPtr> ResolveLocate(std::vector<ExprPtr> args, const ResolveOptions&) {
  if (args.size() == 2) args.push_back(Literal(Value::Int32(1)));
  RETURN_NOT_OK(
      strings::CoerceAll("locate", &args, {Expect::kString, Expect::kString, Expect::kInt}));
  return strings::MakeCall(
      "locate", DataType::Int32(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // StringLocate: a NULL start gives 0 (as Hive), before the strings are looked at;
        // then NULL if either string is NULL; 0 for a start below 1.
        FixedResult<int32_t> out(DataType::Int32(), rows);
        out.validity().InitFromRows(rows);
        const StrArg sub(in[0]), str(in[1]);
        const ArgView<int32_t> start(in[2]);
        rows.ForEach([&](int64_t i) {
          if (in[2].IsNull(i)) {
            out.Set(i, 0);
          } else if (in[0].IsNull(i) || in[1].IsNull(i)) {
            out.SetNull(i);
          } else if (start[i] < 1) {
            out.Set(i, 0);
          } else {
            out.Set(i,
                    static_cast<int32_t>(IndexOf(str[i].view(), sub[i].view(), start[i] - 1) + 1));
          }
        });
        return out.Finish();
      },
      std::move(args));
}

// ---- replace ----------------------------------------------------------------------------

Result<ExprPtr> ResolveReplace(std::vector<ExprPtr> args, const ResolveOptions&) {
  if (args.size() == 2) args.push_back(Literal(Value::String("")));
  RETURN_NOT_OK(
      strings::CoerceAll("replace", &args, {Expect::kString, Expect::kString, Expect::kString}));
  return strings::MakeCall(
      "replace", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        out.KeepBuffersOf(in[0].col());
        const StrArg str(in[0]), search(in[1]), rep(in[2]);
        RETURN_NOT_OK(ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
          const std::string_view s = str[i].view(), from = search[i].view(), to = rep[i].view();
          int64_t count = 0;
          if (!from.empty()) {
            for (size_t at = s.find(from); at != std::string_view::npos;
                 at = s.find(from, at + from.size())) {
              ++count;
            }
          }
          if (count == 0) {
            out.SetRef(i, SubRef(s));
            return Status::OK();
          }
          const int64_t total =
              static_cast<int64_t>(s.size()) +
              count * (static_cast<int64_t>(to.size()) - static_cast<int64_t>(from.size()));
          if (total > strings::kMaxStringBytes) return strings::ResultTooLarge("replace", total);
          EmitExact(out, i, static_cast<size_t>(total), [&](char* dst) {
            size_t last = 0;
            for (size_t at = s.find(from); at != std::string_view::npos; at = s.find(from, last)) {
              std::memcpy(dst, s.data() + last, at - last);
              dst += at - last;
              std::memcpy(dst, to.data(), to.size());
              dst += to.size();
              last = at + from.size();
            }
            std::memcpy(dst, s.data() + last, s.size() - last);
          });
          return Status::OK();
        }));
        return out.Finish();
      },
      std::move(args));
}

// ---- translate ----------------------------------------------------------------------------

// StringTranslate's dictionary: the i-th character of `from` maps to the i-th of `to`,
// or is deleted when `to` is shorter (or has U+0000 there); the first occurrence of a
// character in `from` wins.
class TranslateDict {
 public:
  static constexpr int32_t kKeep = -2;
  static constexpr int32_t kDelete = -1;

  void Build(std::string_view from, std::string_view to) {
    std::fill(std::begin(ascii_), std::end(ascii_), kKeep);
    other_.clear();
    size_t j = 0;
    for (size_t i = 0; i < from.size();) {
      int len;
      const uint32_t key = strings::DecodeUtf8(from, i, &len);
      i += static_cast<size_t>(len);
      int32_t value = kDelete;
      if (j < to.size()) {
        const uint32_t cp = strings::DecodeUtf8(to, j, &len);
        j += static_cast<size_t>(len);
        if (cp != 0) value = static_cast<int32_t>(cp);
      }
      Insert(key, value);
    }
    std::sort(other_.begin(), other_.end());
  }

  int32_t Lookup(uint32_t cp) const {
    if (cp < 128) return ascii_[cp];
    auto it = std::lower_bound(other_.begin(), other_.end(), std::make_pair(cp, INT32_MIN));
    return it != other_.end() && it->first == cp ? it->second : kKeep;
  }

 private:
  // Maps `key` unless it is mapped already (the first occurrence wins).
  void Insert(uint32_t key, int32_t value) {
    if (key < 128) {
      if (ascii_[key] == kKeep) ascii_[key] = value;
    } else {
      // Unsorted while building (so scanned), sorted once at the end.
      for (const auto& e : other_) {
        if (e.first == key) return;
      }
      other_.emplace_back(key, value);
    }
  }

  int32_t ascii_[128];
  std::vector<std::pair<uint32_t, int32_t>> other_;
};

Result<ExprPtr> ResolveTranslate(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(
      strings::CoerceAll("translate", &args, {Expect::kString, Expect::kString, Expect::kString}));
  return strings::MakeCall(
      "translate", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        out.KeepBuffersOf(in[0].col());
        const StrArg str(in[0]), from(in[1]), to(in[2]);
        TranslateDict dict;
        std::string last_from, last_to, scratch;
        bool built = false;
        ForEachValid(out.validity(), rows, [&](int64_t i) {
          const std::string_view f = from[i].view(), t = to[i].view();
          if (!built || f != last_from || t != last_to) {
            dict.Build(f, t);
            last_from.assign(f);
            last_to.assign(t);
            built = true;
          }
          const std::string_view s = str[i].view();
          scratch.clear();
          bool changed = false;
          for (size_t k = 0; k < s.size();) {
            int len;
            const uint32_t cp = strings::DecodeUtf8(s, k, &len);
            const int32_t mapped = dict.Lookup(cp);
            if (mapped == TranslateDict::kKeep) {
              scratch.append(s.data() + k, static_cast<size_t>(len));
            } else {
              changed = true;
              if (mapped != TranslateDict::kDelete) {
                strings::AppendUtf8(static_cast<uint32_t>(mapped), &scratch);
              }
            }
            k += static_cast<size_t>(len);
          }
          if (changed) {
            out.Set(i, scratch);
          } else {
            out.SetRef(i, SubRef(s));
          }
        });
        return out.Finish();
      },
      std::move(args));
}

// ---- split_part --------------------------------------------------------------------------

// Part `index` (0-based) of s split at every non-overlapping `delim` from the left,
// as Java's String.split(Pattern.quote(delim), -1) splits; *count receives the number
// of parts. REQUIRES: !delim.empty().
std::string_view SplitPartAt(std::string_view s, std::string_view delim, int64_t index,
                             int64_t* count) {
  std::string_view found;
  int64_t n = 0;
  size_t begin = 0;
  for (size_t at = s.find(delim); at != std::string_view::npos; at = s.find(delim, begin)) {
    if (n == index) found = s.substr(begin, at - begin);
    ++n;
    begin = at + delim.size();
  }
  if (n == index) found = s.substr(begin);
  *count = n + 1;
  return found;
}

Status IndexOfZero() {
  return Status::InvalidInput(
      "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or > 0 "
      "(the first element has index 1).");
}

Result<ExprPtr> ResolveSplitPart(std::vector<ExprPtr> args, const ResolveOptions&) {
  RETURN_NOT_OK(
      strings::CoerceAll("split_part", &args, {Expect::kString, Expect::kString, Expect::kInt}));
  return strings::MakeCall(
      "split_part", DataType::String(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // element_at(split(str, quoted delim, -1), part) with '' for a missing part;
        // an empty delimiter does not split.
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        out.KeepBuffersOf(in[0].col());
        const StrArg str(in[0]), delim(in[1]);
        const ArgView<int32_t> part(in[2]);
        RETURN_NOT_OK(ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
          const int32_t p = part[i];
          if (p == 0) return IndexOfZero();
          const std::string_view s = str[i].view(), d = delim[i].view();
          if (d.empty()) {
            out.SetRef(i, (p == 1 || p == -1) ? SubRef(s) : StringRef());
            return Status::OK();
          }
          int64_t count;
          std::string_view piece;
          if (p > 0) {
            piece = SplitPartAt(s, d, p - 1, &count);
            if (p > count) piece = {};
          } else {
            SplitPartAt(s, d, -1, &count);
            piece = count + p >= 0 ? SplitPartAt(s, d, count + p, &count) : std::string_view();
          }
          out.SetRef(i, piece.empty() ? StringRef() : SubRef(piece));
          return Status::OK();
        }));
        return out.Finish();
      },
      std::move(args));
}

}  // namespace

void RegisterSubstringFunctions(FunctionRegistry* registry) {
  registry->Register({"substring", 2, 3,
                      "substring(str, pos[, len]) - Returns the substring of `str` that starts at "
                      "`pos` and is of length `len`, or the slice of byte array that starts at "
                      "`pos` and is of length `len`.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveSubstring("substring", SubKind::kSubstring, std::move(args));
                      }});
  registry->Alias("substr", "substring");
  registry->Register({"left", 2, 2,
                      "left(str, len) - Returns the leftmost `len` characters from the string "
                      "`str`; if `len` is less or equal than 0 the result is an empty string.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveSubstring("left", SubKind::kLeft, std::move(args));
                      }});
  registry->Register({"right", 2, 2,
                      "right(str, len) - Returns the rightmost `len` characters from the string "
                      "`str`; if `len` is less or equal than 0 the result is an empty string.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveSubstring("right", SubKind::kRight, std::move(args));
                      }});
  registry->Register({"instr", 2, 2,
                      "instr(str, substr) - Returns the (1-based) index of the first occurrence "
                      "of `substr` in `str`.",
                      ResolveInstr});
  registry->Register({"locate", 2, 3,
                      "locate(substr, str[, pos]) - Returns the position of the first occurrence "
                      "of `substr` in `str` after position `pos`. The given `pos` and return "
                      "value are 1-based.",
                      ResolveLocate});
  registry->Alias("position", "locate");
  registry->Register({"replace", 2, 3,
                      "replace(str, search[, replace]) - Replaces all occurrences of `search` "
                      "with `replace`.",
                      ResolveReplace});
  registry->Register({"translate", 3, 3,
                      "translate(input, from, to) - Translates the `input` string by replacing "
                      "the characters present in the `from` string with the corresponding "
                      "characters in the `to` string.",
                      ResolveTranslate});
  registry->Register({"split_part", 3, 3,
                      "split_part(str, delimiter, partNum) - Splits `str` by delimiter and "
                      "return requested part of the split (1-based).",
                      ResolveSplitPart});
}

}  // namespace weir

// Regular-expression string functions: split, regexp_extract, regexp_extract_all,
// regexp_replace.
//
// Patterns are Java regular expressions run on RE2 (java_regex_internal.h): a
// pattern RE2 rejects is an INVALID_PARAMETER_VALUE.PATTERN error naming it, and
// matches are enumerated as Java's Matcher.find() does, so split, regexp_extract_all
// and regexp_replace give Java's results around empty matches.
//
// A pattern (and a replacement string) that is a constant is compiled once when the
// call is resolved; otherwise per row, reusing the last compiled pattern while the
// pattern does not change.

#include <cctype>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <re2/re2.h>

#include "weir/functions/java_regex_internal.h"
#include "weir/functions/registry.h"
#include "weir/functions/string_internal.h"

namespace weir {

namespace {

using regex::ConstantPattern;
using regex::ForEachMatch;
using regex::JavaRegex;
using regex::Offset;
using regex::RegexSource;
using strings::ArgView;
using strings::Expect;
using strings::ForEachValidUntilError;
using strings::StrArg;
using strings::SubRef;

// ---- split ----------------------------------------------------------------------------------

// UTF8String.split(regex, limit) for one row: the [begin, end) byte ranges of the parts.
void SplitRow(const JavaRegex& re, std::string_view s, int32_t limit,
              std::vector<re2::StringPiece>* groups,
              std::vector<std::pair<size_t, size_t>>* parts) {
  parts->clear();
  if (re.text.empty() && !s.empty()) {
    // Spark 3.5: an empty pattern splits into characters, without the trailing empty
    // string, and a positive limit keeps only the first `limit` characters.
    const int64_t n = strings::NumChars(s);
    const int64_t keep = (limit > n || limit <= 0) ? n : limit;
    size_t b = 0;
    for (int64_t k = 0; k < keep; ++k) {
      const size_t e = strings::SkipChars(s, b, 1);
      parts->emplace_back(b, e);
      b = e;
    }
    return;
  }
  if (limit == 0) limit = -1;  // Spark keeps trailing empty strings for 0 too
  const bool limited = limit > 0;
  size_t index = 0;
  ForEachMatch(re, s, groups, [&](const std::vector<re2::StringPiece>& g) {
    const size_t start = Offset(s, g[0]), end = start + g[0].size();
    const int64_t n = static_cast<int64_t>(parts->size());
    if (!limited || n < limit - 1) {
      // No empty leading part for an empty match at the very start.
      if (index == 0 && start == 0 && end == 0) return true;
      parts->emplace_back(index, start);
      index = end;
      return true;
    }
    parts->emplace_back(index, s.size());  // the last part takes the rest
    index = end;
    return false;
  });
  if (index == 0) {
    parts->assign(1, {0, s.size()});
    return;
  }
  if (!limited || static_cast<int64_t>(parts->size()) < limit) parts->emplace_back(index, s.size());
}

// Calls found(p) for each position p of byte `c` in `s`, in order. Compares 16 bytes
// at a time where SSE2 is there (every x86-64): a URL's few delimiters then cost a
// bit scan each, not a memchr call per part.
template <typename Found>
void SplitByByte(std::string_view s, char c, const Found& found) {
  const char* data = s.data();
  const size_t n = s.size();
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  for (; i + 16 <= n; i += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    auto mask = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, needle)));
    for (; mask != 0; mask &= mask - 1) found(i + static_cast<size_t>(__builtin_ctz(mask)));
  }
#endif
  for (; i < n; ++i) {
    if (data[i] == c) found(i);
  }
}

// split(str, literal) without a positive limit, the common case (split(url, '/')):
// every occurrence of the literal ends a part, the last part runs to the end, and the
// parts are refs into the input's bytes (short ones inline), so nothing is copied and
// no builder is involved. Gives SplitRow's parts: a literal pattern never matches
// empty, so Java's rules about empty matches do not arise.
Datum SplitByLiteral(const std::vector<Datum>& in, const RowSet& rows, const DataType& type,
                     std::string_view delim) {
  const int64_t n = rows.physical_rows();
  ResultValidity valid(n);
  valid.InitFromArgs(in.data(), in.size(), rows);
  BufferPtr offsets = AllocateBuffer(static_cast<size_t>(n + 1) * sizeof(int32_t));
  offsets->Resize(static_cast<size_t>(n + 1) * sizeof(int32_t));
  int32_t* off = offsets->as<int32_t>();
  BufferPtr elements = AllocateBuffer(static_cast<size_t>(n) * 8 * sizeof(StringRef));
  size_t count = 0;
  auto add = [&](const char* data, size_t size) {
    if ((count + 1) * sizeof(StringRef) > elements->size()) {
      elements->Resize((count + 1) * sizeof(StringRef));
    }
    elements->as<StringRef>()[count++] = StringRef(data, static_cast<uint32_t>(size));
  };
  const StrArg str(in[0]);
  int64_t next = 0;  // rows before it have their offsets
  off[0] = 0;
  rows.ForEach([&](int64_t i) {
    for (; next < i; ++next) off[next + 1] = static_cast<int32_t>(count);
    if (valid.IsValid(i)) {
      const StringRef& ref = str[i];
      const std::string_view s = ref.view();
      size_t b = 0;
      if (delim.size() == 1) {
        SplitByByte(s, delim[0], [&](size_t p) {
          add(s.data() + b, p - b);
          b = p + 1;
        });
      } else {
        for (size_t p; (p = s.find(delim, b)) != std::string_view::npos; b = p + delim.size()) {
          add(s.data() + b, p - b);
        }
      }
      add(s.data() + b, s.size() - b);
    }
    off[i + 1] = static_cast<int32_t>(count);
    next = i + 1;
  });
  for (; next < n; ++next) off[next + 1] = static_cast<int32_t>(count);
  elements->Resize(count * sizeof(StringRef));
  Column::Parts child;
  child.type = type.element_type();
  child.length = static_cast<int64_t>(count);
  child.values = std::move(elements);
  child.string_data = in[0].col().string_data();
  Column::Parts p;
  p.type = type;
  p.length = n;
  p.validity = valid.Take();
  p.values = std::move(offsets);
  p.children.push_back(Column::Make(std::move(child)));
  return Datum::Flat(Column::Make(std::move(p)));
}

Result<ExprPtr> ResolveSplit(std::vector<ExprPtr> args, const ResolveOptions&) {
  if (args.size() == 2) args.push_back(Literal(Value::Int32(-1)));
  RETURN_NOT_OK(
      strings::CoerceAll("split", &args, {Expect::kString, Expect::kString, Expect::kInt}));
  const DataType type = DataType::Array(DataType::String(), /*contains_null=*/false);
  bool null_pattern;
  ASSIGN_OR_RAISE(std::shared_ptr<const JavaRegex> constant,
                  ConstantPattern("split", args[1], &null_pattern));
  if (null_pattern) return Literal(Value::Null(type));
  return strings::MakeCall(
      "split", type,
      [type, constant](EvalContext&, const std::vector<Datum>& in,
                       const RowSet& rows) -> Result<Datum> {
        if (constant != nullptr && constant->literal && in[2].is_constant() && !in[2].IsNull(0) &&
            in[2].Get<int32_t>(0) <= 0) {
          return SplitByLiteral(in, rows, type, constant->text);
        }
        ResultValidity valid(rows.physical_rows());
        valid.InitFromArgs(in.data(), in.size(), rows);
        strings::StringArrayResult out(type, rows.physical_rows());
        const StrArg str(in[0]), pattern(in[1]);
        const ArgView<int32_t> limit(in[2]);
        RegexSource source("split", constant.get());
        std::vector<re2::StringPiece> groups(1);
        std::vector<std::pair<size_t, size_t>> parts;
        RETURN_NOT_OK(ForEachValidUntilError(valid, rows, [&](int64_t i) -> Status {
          ASSIGN_OR_RAISE(const JavaRegex* re, source.Get(pattern[i].view()));
          const std::string_view s = str[i].view();
          SplitRow(*re, s, limit[i], &groups, &parts);
          out.BeginRow(i);
          for (const auto& [b, e] : parts) out.Add(s.substr(b, e - b));
          return Status::OK();
        }));
        return out.Finish();
      },
      std::move(args));
}

// ---- regexp_extract / regexp_extract_all ----------------------------------------------------

Status BadGroupIndex(const char* function, int groups, int32_t index) {
  return Status::InvalidInput(
      "[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] The value of "
      "parameter(s) `idx` in `" +
      std::string(function) + "` is invalid: Expects group index between 0 and " +
      std::to_string(groups) + ", but got " + std::to_string(index) + ".");
}

// The capture-group vector for `re` (group 0 plus every capturing group).
void SizeGroups(const JavaRegex& re, std::vector<re2::StringPiece>* groups) {
  groups->resize(static_cast<size_t>(re.re->NumberOfCapturingGroups()) + 1);
}

Result<ExprPtr> ResolveExtract(bool all, std::vector<ExprPtr> args) {
  const char* name = all ? "regexp_extract_all" : "regexp_extract";
  if (args.size() == 2) args.push_back(Literal(Value::Int32(1)));
  RETURN_NOT_OK(strings::CoerceAll(name, &args, {Expect::kString, Expect::kString, Expect::kInt}));
  const DataType type = all ? DataType::Array(DataType::String()) : DataType::String();
  bool null_pattern;
  ASSIGN_OR_RAISE(std::shared_ptr<const JavaRegex> constant,
                  ConstantPattern(name, args[1], &null_pattern));
  if (null_pattern) return Literal(Value::Null(type));
  return strings::MakeCall(
      name, type,
      [all, name, type, constant](EvalContext&, const std::vector<Datum>& in,
                                  const RowSet& rows) -> Result<Datum> {
        const StrArg str(in[0]), pattern(in[1]);
        const ArgView<int32_t> idx(in[2]);
        RegexSource source(name, constant.get());
        std::vector<re2::StringPiece> groups;
        // The group `index` of a match, or '' when that group did not take part.
        auto group_of = [&](const JavaRegex& re, int32_t index, std::string_view* piece) -> Status {
          const int count = re.re->NumberOfCapturingGroups();
          if (index < 0 || index > count) return BadGroupIndex(name, count, index);
          const re2::StringPiece& g = groups[static_cast<size_t>(index)];
          *piece = g.data() == nullptr ? std::string_view() : std::string_view(g.data(), g.size());
          return Status::OK();
        };
        if (all) {
          ResultValidity valid(rows.physical_rows());
          valid.InitFromArgs(in.data(), in.size(), rows);
          strings::StringArrayResult out(type, rows.physical_rows());
          RETURN_NOT_OK(ForEachValidUntilError(valid, rows, [&](int64_t i) -> Status {
            ASSIGN_OR_RAISE(const JavaRegex* re, source.Get(pattern[i].view()));
            SizeGroups(*re, &groups);
            out.BeginRow(i);
            Status st;
            ForEachMatch(*re, str[i].view(), &groups, [&](const std::vector<re2::StringPiece>&) {
              std::string_view piece;
              st = group_of(*re, idx[i], &piece);
              if (st.ok()) out.Add(piece);
              return st.ok();
            });
            return st;
          }));
          return out.Finish();
        }
        StringResult out(type, rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        out.KeepBuffersOf(in[0].col());
        RETURN_NOT_OK(ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
          ASSIGN_OR_RAISE(const JavaRegex* re, source.Get(pattern[i].view()));
          SizeGroups(*re, &groups);
          bool matched = false;
          ForEachMatch(*re, str[i].view(), &groups, [&](const std::vector<re2::StringPiece>&) {
            matched = true;
            return false;  // the first match only
          });
          std::string_view piece;
          if (matched) RETURN_NOT_OK(group_of(*re, idx[i], &piece));
          out.SetRef(i, piece.empty() ? StringRef() : SubRef(piece));
          return Status::OK();
        }));
        return out.Finish();
      },
      std::move(args));
}

// ---- regexp_replace -----------------------------------------------------------------------

// A replacement string in Java's Matcher.appendReplacement syntax: `$n` and `${name}`
// insert a group, `\x` is x. Java reports a malformed replacement only when it is
// applied, so a parse error is kept and returned at the first match.
class Replacement {
 public:
  Replacement(std::string_view rep, const JavaRegex& re) : text_(rep) { status_ = Parse(re); }

  // Appends the replacement for one match. REQUIRES: status().ok().
  void Append(const std::vector<re2::StringPiece>& groups, std::string* out) const {
    for (const Piece& p : pieces_) {
      if (p.group < 0) {
        out->append(literal_, p.offset, p.length);
      } else if (const re2::StringPiece& g = groups[static_cast<size_t>(p.group)]; g.data()) {
        out->append(g.data(), g.size());
      }
    }
  }
  const Status& status() const { return status_; }
  const std::string& text() const { return text_; }

 private:
  struct Piece {
    int group;  // -1: literal_[offset, offset + length)
    size_t offset, length;
  };

  void AddLiteral(char c) {
    if (pieces_.empty() || pieces_.back().group >= 0) pieces_.push_back({-1, literal_.size(), 0});
    literal_ += c;
    ++pieces_.back().length;
  }

  Status Error(std::string_view what) const {
    return Status::InvalidInput("Invalid replacement string '" + text_ +
                                "' in `regexp_replace`: " + std::string(what));
  }

  Status Parse(const JavaRegex& re) {
    const int count = re.re->NumberOfCapturingGroups();
    const std::string_view r = text_;
    for (size_t i = 0; i < r.size();) {
      const char c = r[i];
      if (c == '\\') {
        if (++i == r.size()) return Error("character to be escaped is missing");
        AddLiteral(r[i++]);
        continue;
      }
      if (c != '$') {
        AddLiteral(r[i++]);
        continue;
      }
      if (++i == r.size()) return Error("Illegal group reference: group index is missing");
      int group;
      if (r[i] == '{') {
        const size_t name_begin = ++i;
        while (i < r.size() && std::isalnum(static_cast<unsigned char>(r[i]))) ++i;
        const std::string name(r.substr(name_begin, i - name_begin));
        if (name.empty()) return Error("named capturing group has 0 length name");
        if (i == r.size() || r[i] != '}') {
          return Error("named capturing group is missing trailing '}'");
        }
        ++i;
        auto it = re.re->NamedCapturingGroups().find(name);
        if (it == re.re->NamedCapturingGroups().end()) {
          return Error("No group with name {" + name + "}");
        }
        group = it->second;
      } else {
        if (!std::isdigit(static_cast<unsigned char>(r[i])))
          return Error("Illegal group reference");
        group = r[i++] - '0';
        // Java takes further digits while the number stays a valid group.
        while (i < r.size() && std::isdigit(static_cast<unsigned char>(r[i])) &&
               group * 10 + (r[i] - '0') <= count) {
          group = group * 10 + (r[i++] - '0');
        }
        if (group > count) return Error("No group " + std::to_string(group));
      }
      pieces_.push_back({group, 0, 0});
    }
    return Status::OK();
  }

  std::string text_;
  std::string literal_;
  std::vector<Piece> pieces_;
  Status status_;
};

// The byte offset of UTF-16 unit `units` of s (Java string positions), or npos when
// s has no more than `units` units.
size_t Utf16UnitsToBytes(std::string_view s, int64_t units) {
  size_t i = 0;
  while (units > 0 && i < s.size()) {
    const int len = strings::Utf8SequenceLength(static_cast<uint8_t>(s[i]));
    units -= len == 4 ? 2 : 1;
    i += static_cast<size_t>(len);
  }
  return units > 0 || i >= s.size() ? std::string_view::npos : std::min(i, s.size());
}

Result<ExprPtr> ResolveRegexpReplace(std::vector<ExprPtr> args, const ResolveOptions&) {
  if (args.size() == 3) args.push_back(Literal(Value::Int32(1)));
  RETURN_NOT_OK(strings::CoerceAll(
      "regexp_replace", &args, {Expect::kString, Expect::kString, Expect::kString, Expect::kInt}));
  // The position must be a constant > 0 (checked when the call is analysed).
  std::optional<Value> pos = strings::ConstantValue(args[3]);
  if (!pos) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", DescribeCall("regexp_replace", args),
                            "the input `position` should be a foldable \"INT\" expression; "
                            "however, got \"" +
                                args[3]->ToString() + "\".");
  }
  if (pos->is_null()) return Literal(Value::Null(DataType::String()));
  const int32_t position = pos->int32();
  if (position <= 0) {
    return DataTypeMismatch("VALUE_OUT_OF_RANGE", DescribeCall("regexp_replace", args),
                            "The `position` must be between (0, 2147483647]. Current value = " +
                                std::to_string(position) + ".");
  }
  bool null_pattern;
  ASSIGN_OR_RAISE(std::shared_ptr<const JavaRegex> constant,
                  ConstantPattern("regexp_replace", args[1], &null_pattern));
  if (null_pattern) return Literal(Value::Null(DataType::String()));
  return strings::MakeCall(
      "regexp_replace", DataType::String(),
      [constant, position](EvalContext&, const std::vector<Datum>& in,
                           const RowSet& rows) -> Result<Datum> {
        StringResult out(DataType::String(), rows);
        out.validity().InitFromArgs(in.data(), in.size(), rows);
        out.KeepBuffersOf(in[0].col());
        const StrArg str(in[0]), pattern(in[1]), rep(in[2]);
        RegexSource source("regexp_replace", constant.get());
        std::unique_ptr<Replacement> replacement;
        const JavaRegex* replacement_for = nullptr;
        std::vector<re2::StringPiece> groups;
        std::string scratch;
        RETURN_NOT_OK(ForEachValidUntilError(out.validity(), rows, [&](int64_t i) -> Status {
          ASSIGN_OR_RAISE(const JavaRegex* re, source.Get(pattern[i].view()));
          const std::string_view s = str[i].view(), r = rep[i].view();
          if (replacement == nullptr || replacement_for != re || replacement->text() != r) {
            replacement = std::make_unique<Replacement>(r, *re);
            replacement_for = re;
          }
          // Java replaces within the region [position - 1, end) (in UTF-16 units), which
          // anchors `^` at the region start; a position past the end changes nothing.
          const size_t begin = position == 1 ? 0 : Utf16UnitsToBytes(s, position - 1);
          if (begin == std::string_view::npos) {
            out.SetRef(i, SubRef(s));
            return Status::OK();
          }
          const std::string_view region = s.substr(begin);
          SizeGroups(*re, &groups);
          scratch.assign(s.data(), begin);
          size_t last = 0;
          bool matched = false;
          ForEachMatch(*re, region, &groups, [&](const std::vector<re2::StringPiece>& g) {
            matched = true;
            if (!replacement->status().ok()) return false;
            const size_t start = Offset(region, g[0]);
            scratch.append(region.data() + last, start - last);
            replacement->Append(g, &scratch);
            last = start + g[0].size();
            return true;
          });
          if (!matched) {
            out.SetRef(i, SubRef(s));
            return Status::OK();
          }
          RETURN_NOT_OK(replacement->status());
          scratch.append(region.data() + last, region.size() - last);
          out.Set(i, scratch);
          return Status::OK();
        }));
        return out.Finish();
      },
      std::move(args));
}

}  // namespace

void RegisterRegexpFunctions(FunctionRegistry* registry) {
  registry->Register({"split", 2, 3,
                      "split(str, regex, limit) - Splits `str` around occurrences that match "
                      "`regex` and returns an array with a length of at most `limit`",
                      ResolveSplit});
  registry->Register({"regexp_extract", 2, 3,
                      "regexp_extract(str, regexp[, idx]) - Extract the first string in the "
                      "`str` that match the `regexp` expression and corresponding to the regex "
                      "group index.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveExtract(false, std::move(args));
                      }});
  registry->Register({"regexp_extract_all", 2, 3,
                      "regexp_extract_all(str, regexp[, idx]) - Extract all strings in the `str` "
                      "that match the `regexp` expression and corresponding to the regex group "
                      "index.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveExtract(true, std::move(args));
                      }});
  registry->Register({"regexp_replace", 3, 4,
                      "regexp_replace(str, regexp, rep[, position]) - Replaces all substrings of "
                      "`str` that match `regexp` with `rep`.",
                      ResolveRegexpReplace});
}

}  // namespace weir

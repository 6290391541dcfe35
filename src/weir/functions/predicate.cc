// Predicates: IN, BETWEEN, LIKE, ILIKE, RLIKE (REGEXP, REGEXP_LIKE).
//
// LIKE patterns that are constant are analysed once: no wildcard is an equality
// test, 'abc%' a prefix test, '%abc' a suffix test, '%abc%' a substring search, and
// other shapes a left-to-right segment search; only ILIKE uses a regular expression. RLIKE uses
// RE2, whose syntax is Java's minus backreferences and lookaround (see docs/architecture.md).

#include <algorithm>
#include <cstring>
#include <memory>

#include <re2/re2.h>

#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/builtins.h"
#include "weir/functions/kernel_util.h"
#include "weir/functions/ordering.h"
#include "weir/functions/registry.h"

namespace weir {

namespace {

// ---- IN -------------------------------------------------------------------------

Result<ExprPtr> ResolveIn(std::vector<ExprPtr> args, const ResolveOptions&) {
  DataType common = DataType::Null();
  for (const ExprPtr& a : args) {
    std::optional<DataType> w = WiderType(common, a->type());
    if (!w) {
      return DataTypeMismatch("DATA_DIFF_TYPES", DescribeCall("in", args),
                              "Input to `in` should all be the same type, but it's " +
                                  QuoteType(args[0]->type()) + " and " + QuoteType(a->type()) +
                                  ".");
    }
    common = *w;
  }
  for (ExprPtr& a : args) {
    ASSIGN_OR_RAISE(a, Cast(a, common));
  }
  auto fn = std::make_shared<kernels::LambdaFunction>(
      "in", DataType::Boolean(),
      [](EvalContext&, const std::vector<Datum>& in, const RowSet& rows) -> Result<Datum> {
        // Spark: TRUE if any element equals the value; otherwise NULL when the value
        // or any element is NULL; otherwise FALSE.
        FixedResult<uint8_t> out(DataType::Boolean(), rows);
        out.validity().InitFromRows(rows);
        const Datum& v = in[0];
        rows.ForEach([&](int64_t i) {
          if (v.IsNull(i)) {
            out.SetNull(i);
            return;
          }
          bool saw_null = false;
          for (size_t k = 1; k < in.size(); ++k) {
            if (in[k].IsNull(i)) {
              saw_null = true;
            } else if (kernels::CompareRows(v.col(), v.Index(i), in[k].col(), in[k].Index(i)) ==
                       0) {
              out.Set(i, 1);
              return;
            }
          }
          if (saw_null) {
            out.SetNull(i);
          } else {
            out.Set(i, 0);
          }
        });
        return out.Finish();
      });
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

// ---- LIKE -----------------------------------------------------------------------

// A compiled LIKE pattern. Case-sensitive patterns never use a regular expression:
// the pattern is split at '%' into segments of literal text and '_' (one character),
// the first and last segments are anchored unless the pattern starts or ends with
// '%', and the segments in between are found left to right, earliest first (which is
// enough, because '%' absorbs anything between them). Each search starts with a
// substring search for the segment's first literal run.
class LikeMatcher {
 public:
  // Compiles `pattern` with `escape`; InvalidInput for a malformed escape sequence
  // (Spark: the escape character may only precede '_', '%' or itself).
  static Result<std::unique_ptr<LikeMatcher>> Make(std::string_view pattern, char escape,
                                                   bool ignore_case) {
    auto m = std::unique_ptr<LikeMatcher>(new LikeMatcher());
    std::vector<Segment> segments(1);
    bool starts_with_percent = false, ends_with_percent = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      char c = pattern[i];
      if (c == escape) {
        if (i + 1 == pattern.size() ||
            (pattern[i + 1] != '_' && pattern[i + 1] != '%' && pattern[i + 1] != escape)) {
          std::string next = i + 1 == pattern.size() ? "the end" : std::string(1, pattern[i + 1]);
          return Status::InvalidInput(
              "[INVALID_FORMAT.ESC_IN_THE_MIDDLE] The format is invalid: '" + std::string(pattern) +
              "'. The escape character is not allowed to precede '" + next + "'.");
        }
        AppendLiteral(&segments.back(), pattern[++i]);
        ends_with_percent = false;
      } else if (c == '%') {
        if (i == 0) starts_with_percent = true;
        ends_with_percent = true;
        if (!segments.back().empty()) segments.emplace_back();
      } else if (c == '_') {
        segments.back().push_back(Token{true, {}});
        ends_with_percent = false;
      } else {
        AppendLiteral(&segments.back(), c);
        ends_with_percent = false;
      }
    }
    if (segments.back().empty()) segments.pop_back();
    m->anchored_start_ = !starts_with_percent;
    m->anchored_end_ = !ends_with_percent;
    if (ignore_case) {
      std::string regex = "(?si)";
      if (!m->anchored_start_) regex += ".*";
      for (size_t k = 0; k < segments.size(); ++k) {
        if (k > 0) regex += ".*";
        for (const Token& t : segments[k]) regex += t.any ? "." : RE2::QuoteMeta(t.text);
      }
      if (!m->anchored_end_ && !segments.empty()) regex += ".*";
      m->kind_ = Kind::kRegex;
      m->regex_ = std::make_unique<RE2>(regex, RE2::Quiet);
      if (!m->regex_->ok())
        return Status::Internal("LIKE pattern compiled to a bad regex: " + regex);
      return m;
    }
    auto literal_only = [](const Segment& seg) { return seg.size() == 1 && !seg[0].any; };
    size_t n = segments.size();
    if (n == 0) {
      m->kind_ = m->anchored_start_ ? Kind::kEquals : Kind::kPrefix;  // '' or '%'
      return m;
    }
    if (n == 1 && literal_only(segments[0])) {
      const std::string& text = segments[0][0].text;
      m->needle_ = text;
      if (m->anchored_start_ && m->anchored_end_)
        m->kind_ = Kind::kEquals;
      else if (m->anchored_start_)
        m->kind_ = Kind::kPrefix;
      else if (m->anchored_end_)
        m->kind_ = Kind::kSuffix;
      else
        m->kind_ = Kind::kContains;
      return m;
    }
    m->kind_ = Kind::kSegments;
    m->segments_ = std::move(segments);
    return m;
  }

  bool Matches(std::string_view s) const {
    switch (kind_) {
      case Kind::kEquals:
        return s == needle_;
      case Kind::kPrefix:
        return s.substr(0, needle_.size()) == needle_;
      case Kind::kSuffix:
        return s.size() >= needle_.size() && s.substr(s.size() - needle_.size()) == needle_;
      case Kind::kContains:
        return s.find(needle_) != kNoMatch;
      case Kind::kSegments:
        return MatchSegments(s);
      case Kind::kRegex:
        return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *regex_);
    }
    return false;
  }

 private:
  // A literal run, or '_' (any one character).
  struct Token {
    bool any;
    std::string text;
  };
  using Segment = std::vector<Token>;
  enum class Kind { kEquals, kPrefix, kSuffix, kContains, kSegments, kRegex };
  static constexpr size_t kNoMatch = std::string_view::npos;

  static void AppendLiteral(Segment* seg, char c) {
    if (seg->empty() || seg->back().any) seg->push_back(Token{false, {}});
    seg->back().text.push_back(c);
  }

  // Bytes of the UTF-8 character starting with byte `b` (invalid bytes count as one).
  static size_t CharBytes(unsigned char b) {
    return b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
  }

  // Where `seg` ends if it matches s at byte p, or kNoMatch.
  static size_t MatchAt(std::string_view s, size_t p, const Segment& seg) {
    for (const Token& t : seg) {
      if (t.any) {
        if (p >= s.size()) return kNoMatch;
        p = std::min(s.size(), p + CharBytes(static_cast<unsigned char>(s[p])));
      } else {
        if (s.size() - p < t.text.size() || s.compare(p, t.text.size(), t.text) != 0)
          return kNoMatch;
        p += t.text.size();
      }
    }
    return p;
  }

  // The earliest match of `seg` at or after `from`: its end, with *start set.
  static size_t Find(std::string_view s, size_t from, const Segment& seg, size_t* start) {
    if (!seg[0].any) {
      for (size_t p = s.find(seg[0].text, from); p != kNoMatch; p = s.find(seg[0].text, p + 1)) {
        size_t e = MatchAt(s, p, seg);
        if (e != kNoMatch) {
          *start = p;
          return e;
        }
      }
      return kNoMatch;
    }
    for (size_t p = from; p < s.size(); p += CharBytes(static_cast<unsigned char>(s[p]))) {
      size_t e = MatchAt(s, p, seg);
      if (e != kNoMatch) {
        *start = p;
        return e;
      }
    }
    return kNoMatch;
  }

  // The byte where the last `chars` characters of s start, or kNoMatch.
  static size_t BackChars(std::string_view s, size_t chars) {
    size_t p = s.size();
    while (chars > 0) {
      if (p == 0) return kNoMatch;
      --p;
      while (p > 0 && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) --p;
      --chars;
    }
    return p;
  }

  static size_t SegmentChars(const Segment& seg) {
    size_t n = 0;
    for (const Token& t : seg) {
      if (t.any) {
        ++n;
      } else {
        for (unsigned char c : t.text) n += (c & 0xC0) != 0x80;
      }
    }
    return n;
  }

  bool MatchSegments(std::string_view s) const {
    size_t pos = 0, first = 0, last = segments_.size();
    if (anchored_start_) {
      pos = MatchAt(s, 0, segments_[0]);
      if (pos == kNoMatch) return false;
      first = 1;
      if (segments_.size() == 1) return !anchored_end_ || pos == s.size();
    }
    if (anchored_end_) --last;
    for (size_t k = first; k < last; ++k) {
      size_t start;
      pos = Find(s, pos, segments_[k], &start);
      if (pos == kNoMatch) return false;
    }
    if (!anchored_end_) return true;
    const Segment& tail = segments_.back();
    size_t q = BackChars(s, SegmentChars(tail));
    return q != kNoMatch && q >= pos && MatchAt(s, q, tail) == s.size();
  }

  Kind kind_ = Kind::kEquals;
  bool anchored_start_ = true;
  bool anchored_end_ = true;
  std::string needle_;
  std::vector<Segment> segments_;
  std::unique_ptr<RE2> regex_;
};

class LikeFunction final : public ScalarFunction {
 public:
  LikeFunction(std::string name, char escape, bool ignore_case,
               std::unique_ptr<LikeMatcher> constant_matcher)
      : ScalarFunction(std::move(name), DataType::Boolean()),
        escape_(escape),
        ignore_case_(ignore_case),
        constant_(std::move(constant_matcher)) {}

  std::string Format(const std::vector<std::string>& args) const override {
    return args[0] + " " + (ignore_case_ ? "ILIKE " : "LIKE ") + args[1];
  }

  Result<Datum> Eval(EvalContext&, const std::vector<Datum>& args,
                     const RowSet& rows) const override {
    const Datum& s = args[0];
    const Datum& p = args[1];
    if (constant_ != nullptr) {
      const LikeMatcher& m = *constant_;
      return kernels::MapUnary<StringRef, uint8_t>(
          DataType::Boolean(), s, rows,
          [&m](const StringRef& v) -> uint8_t { return m.Matches(v.view()); });
    }
    // A pattern per row: compile when it changes.
    FixedResult<uint8_t> out(DataType::Boolean(), rows);
    const Datum both[2] = {s, p};
    out.validity().InitFromArgs(both, 2, rows);
    std::string last;
    std::unique_ptr<LikeMatcher> m;
    Status st;
    rows.ForEach([&](int64_t i) {
      if (!st.ok() || s.IsNull(i) || p.IsNull(i)) return;
      std::string_view pat = p.Get<StringRef>(i).view();
      if (m == nullptr || pat != last) {
        Result<std::unique_ptr<LikeMatcher>> r = LikeMatcher::Make(pat, escape_, ignore_case_);
        if (!r.ok()) {
          st = r.status();
          return;
        }
        m = std::move(r).ValueOrDie();
        last = std::string(pat);
      }
      out.Set(i, m->Matches(s.Get<StringRef>(i).view()));
    });
    RETURN_NOT_OK(st);
    return out.Finish();
  }

 private:
  char escape_;
  bool ignore_case_;
  std::unique_ptr<LikeMatcher> constant_;
};

Result<ExprPtr> StringArg(std::string_view name, const std::vector<ExprPtr>& args, size_t k) {
  const DataType& t = args[k]->type();
  if (t.id() == TypeId::kString) return args[k];
  if (t.is_null() || t.is_numeric() || t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp) {
    return Cast(args[k], DataType::String());
  }
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", DescribeCall(name, args),
                          "Parameter " + std::to_string(k + 1) +
                              " requires the \"STRING\" type, however \"" + args[k]->ToString() +
                              "\" has the type " + QuoteType(t) + ".");
}

Result<ExprPtr> ResolveLike(bool ignore_case, std::vector<ExprPtr> args) {
  const char* name = ignore_case ? "ilike" : "like";
  char escape = '\\';
  if (args.size() == 3) {
    const Expr& e = *args[2];
    if (e.kind() != ExprKind::kLiteral || e.type().id() != TypeId::kString ||
        static_cast<const LiteralExpr&>(e).value().is_null() ||
        static_cast<const LiteralExpr&>(e).value().str().size() != 1) {
      return Status::InvalidSql(
          "[INVALID_ESCAPE_CHAR] The escape character of `" + std::string(name) +
          "` must be a string literal of length one, but it is " + e.ToString() + ".");
    }
    escape = static_cast<const LiteralExpr&>(e).value().str()[0];
    args.pop_back();
  }
  ASSIGN_OR_RAISE(args[0], StringArg(name, args, 0));
  ASSIGN_OR_RAISE(args[1], StringArg(name, args, 1));
  std::unique_ptr<LikeMatcher> constant;
  if (args[1]->kind() == ExprKind::kLiteral) {
    const Value& v = static_cast<const LiteralExpr&>(*args[1]).value();
    if (v.is_null()) return Literal(Value::Null(DataType::Boolean()));
    ASSIGN_OR_RAISE(constant, LikeMatcher::Make(v.str(), escape, ignore_case));
  }
  auto fn = std::make_shared<LikeFunction>(name, escape, ignore_case, std::move(constant));
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

// ---- RLIKE ----------------------------------------------------------------------

Status BadRegex(std::string_view pattern, const RE2& re) {
  return Status::InvalidInput(
      "[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) `regexp` in `rlike` is "
      "invalid: '" +
      std::string(pattern) + "': " + re.error());
}

class RLikeFunction final : public ScalarFunction {
 public:
  explicit RLikeFunction(std::unique_ptr<RE2> constant)
      : ScalarFunction("rlike", DataType::Boolean()), constant_(std::move(constant)) {}

  std::string Format(const std::vector<std::string>& args) const override {
    return args[0] + " RLIKE " + args[1];
  }

  Result<Datum> Eval(EvalContext&, const std::vector<Datum>& args,
                     const RowSet& rows) const override {
    const Datum& s = args[0];
    const Datum& p = args[1];
    FixedResult<uint8_t> out(DataType::Boolean(), rows);
    const Datum both[2] = {s, p};
    out.validity().InitFromArgs(both, 2, rows);
    std::string last;
    std::unique_ptr<RE2> re;
    Status st;
    rows.ForEach([&](int64_t i) {
      if (!st.ok() || s.IsNull(i) || p.IsNull(i)) return;
      const RE2* use = constant_.get();
      if (use == nullptr) {
        std::string_view pat = p.Get<StringRef>(i).view();
        if (re == nullptr || pat != last) {
          re = std::make_unique<RE2>(re2::StringPiece(pat.data(), pat.size()), RE2::Quiet);
          last = std::string(pat);
          if (!re->ok()) {
            st = BadRegex(pat, *re);
            return;
          }
        }
        use = re.get();
      }
      std::string_view v = s.Get<StringRef>(i).view();
      out.Set(i, RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), *use));
    });
    RETURN_NOT_OK(st);
    return out.Finish();
  }

 private:
  std::unique_ptr<RE2> constant_;
};

Result<ExprPtr> ResolveRLike(std::vector<ExprPtr> args, const ResolveOptions&) {
  ASSIGN_OR_RAISE(args[0], StringArg("rlike", args, 0));
  ASSIGN_OR_RAISE(args[1], StringArg("rlike", args, 1));
  std::unique_ptr<RE2> constant;
  if (args[1]->kind() == ExprKind::kLiteral) {
    const Value& v = static_cast<const LiteralExpr&>(*args[1]).value();
    if (v.is_null()) return Literal(Value::Null(DataType::Boolean()));
    constant = std::make_unique<RE2>(v.str(), RE2::Quiet);
    if (!constant->ok()) return BadRegex(v.str(), *constant);
  }
  auto fn = std::make_shared<RLikeFunction>(std::move(constant));
  return ExprPtr(std::make_shared<CallExpr>(std::move(fn), std::move(args), true));
}

}  // namespace

void RegisterPredicateFunctions(FunctionRegistry* registry) {
  registry->Register({"in", 2, -1,
                      "expr1 in(expr2, expr3, ...) - Returns true if `expr` equals to any valN.",
                      ResolveIn});
  registry->Register(
      {"between", 3, 3,
       "expr1 [NOT] BETWEEN expr2 AND expr3 - evaluate if `expr1` is [not] in "
       "between `expr2` and `expr3`.",
       [](std::vector<ExprPtr> args, const ResolveOptions& options) -> Result<ExprPtr> {
         const FunctionRegistry& r = FunctionRegistry::Builtins();
         ASSIGN_OR_RAISE(ExprPtr lo, r.Resolve(">=", {args[0], args[1]}, options));
         ASSIGN_OR_RAISE(ExprPtr hi, r.Resolve("<=", {args[0], args[2]}, options));
         return And(lo, hi);
       }});
  registry->Register({"like", 2, 3,
                      "str like pattern[ ESCAPE escape] - Returns true if str matches `pattern` "
                      "with `escape`, null if any arguments are null, false otherwise.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveLike(false, std::move(args));
                      }});
  registry->Register({"ilike", 2, 3,
                      "str ilike pattern[ ESCAPE escape] - Returns true if str matches `pattern` "
                      "with `escape` case-insensitively, null if any arguments are null, false "
                      "otherwise.",
                      [](std::vector<ExprPtr> args, const ResolveOptions&) {
                        return ResolveLike(true, std::move(args));
                      }});
  registry->Register({"rlike", 2, 2,
                      "str rlike regexp - Returns true if `str` matches `regexp`, or false "
                      "otherwise.",
                      ResolveRLike});
  registry->Alias("regexp", "rlike");
  registry->Alias("regexp_like", "rlike");
}

}  // namespace weir

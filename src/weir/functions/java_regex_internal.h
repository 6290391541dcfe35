// Java regular expressions on RE2, for the regexp string functions (internal to
// weir_functions).
//
// Spark evaluates java.util.regex patterns; weir compiles them with RE2, whose
// syntax is Java's minus backreferences, lookaround, possessive quantifiers, \Z and
// a few classes (see docs/architecture.md). Two Java spellings are translated:
// named groups `(?<name>...)` and the POSIX classes `\p{Alpha}`, `\p{Digit}`, ...
// Everything else is passed to RE2 as written.
//
// ForEachMatch enumerates matches as Java's Matcher.find() does — after an empty
// match the next search starts one character later, and an empty match may directly
// follow a non-empty one (RE2's own GlobalReplace differs there).
//
// Thread-safety: a JavaRegex is immutable (RE2 is thread-safe); a RegexSource belongs
// to one kernel invocation.

#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "weir/common/result.h"
#include "weir/expr/expr.h"
#include "weir/functions/string_internal.h"

namespace weir::regex {

// Rewrites the Java-only spellings RE2 has an equivalent for.
std::string TranslateJavaRegex(std::string_view pattern);

// A compiled pattern. `literal` is set when the pattern has no metacharacter, so
// matching is a plain substring search (split(s, ',') and the like).
struct JavaRegex {
  std::unique_ptr<RE2> re;
  bool literal = false;
  std::string text;

  // INVALID_PARAMETER_VALUE.PATTERN naming `function` when RE2 rejects the pattern.
  static Result<std::unique_ptr<JavaRegex>> Compile(std::string_view function,
                                                    std::string_view pattern);
};

// The pattern for a row: the one compiled when the call was resolved, or the last
// one compiled from a row's pattern text (recompiled only when the text changes).
class RegexSource {
 public:
  RegexSource(const char* function, const JavaRegex* constant)
      : function_(function), constant_(constant) {}

  Result<const JavaRegex*> Get(std::string_view pattern) {
    if (constant_ != nullptr) return constant_;
    if (last_ == nullptr || pattern != last_->text) {
      ASSIGN_OR_RAISE(last_, JavaRegex::Compile(function_, pattern));
    }
    return last_.get();
  }

 private:
  const char* function_;
  const JavaRegex* constant_;
  std::unique_ptr<JavaRegex> last_;
};

// Calls f(groups) for each match of `re` in `text` in Java's Matcher.find() order;
// groups[0] is the match, groups[1..n) the capturing groups (data() == nullptr when a
// group did not take part). f returns false to stop. REQUIRES: groups->size() >= 1.
template <typename F>
void ForEachMatch(const JavaRegex& re, std::string_view text, std::vector<re2::StringPiece>* groups,
                  F&& f) {
  const re2::StringPiece sp(text.data(), text.size());
  size_t from = 0;
  while (from <= text.size()) {
    size_t start, end;
    if (re.literal) {
      start = text.find(re.text, from);
      if (start == std::string_view::npos) return;
      end = start + re.text.size();
      (*groups)[0] = re2::StringPiece(text.data() + start, end - start);
    } else {
      if (!re.re->Match(sp, from, text.size(), RE2::UNANCHORED, groups->data(),
                        static_cast<int>(groups->size()))) {
        return;
      }
      start = static_cast<size_t>((*groups)[0].data() - text.data());
      end = start + (*groups)[0].size();
    }
    if (!f(*groups)) return;
    if (end == start) {
      if (end >= text.size()) return;
      from =
          end + static_cast<size_t>(strings::Utf8SequenceLength(static_cast<uint8_t>(text[end])));
    } else {
      from = end;
    }
  }
}

// The byte offset of `piece` in `text`. REQUIRES: piece points into text.
inline size_t Offset(std::string_view text, const re2::StringPiece& piece) {
  return static_cast<size_t>(piece.data() - text.data());
}

// The pattern argument compiled, when it is a constant; nullptr when it varies per
// row. *null_constant is set (and nullptr returned) for a constant NULL.
Result<std::unique_ptr<JavaRegex>> ConstantPattern(const char* function, const ExprPtr& arg,
                                                   bool* null_constant);

}  // namespace weir::regex

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

// A literal that every match of a pattern contains, and the most bytes of a match
// that can come before it (kUnbounded when a repetition without bound precedes it).
// From a pattern's top-level sequence, e.g. "channel_id=" with 1 byte before it in
// "(&|^)channel_id=([^&]*)". Patterns with inline flags, alternation at the top,
// \Q...\E or non-ASCII characters have none.
struct RequiredLiteral {
  static constexpr size_t kUnbounded = static_cast<size_t>(-1);
  std::string text;  // empty: none found
  size_t max_before = kUnbounded;
  // The byte of `text` searched for first: the one least likely in common text
  // (punctuation before digits before letters), so that few candidates are compared.
  size_t rare = 0;
};
RequiredLiteral FindRequiredLiteral(std::string_view re2_pattern);

// The first occurrence of req.text in `text` at or after `from`, or npos.
// REQUIRES: !req.text.empty().
size_t FindLiteral(std::string_view text, size_t from, const RequiredLiteral& req);

// A compiled pattern. `literal` is set when the pattern has no metacharacter, so
// matching is a plain substring search (split(s, ',') and the like). `required`
// lets ForEachMatch skip RE2 for a text without the literal, and start RE2 near its
// first occurrence instead of at the start of the text.
struct JavaRegex {
  std::unique_ptr<RE2> re;
  bool literal = false;
  std::string text;
  RequiredLiteral required;

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

// The leftmost match of `re` in `text` that starts at or after `from` (RE2 semantics
// with the whole text as context, so ^ and \b see the bytes before `from`), into
// groups; false when there is none. A match starting at s >= from contains the
// required literal at some p in [s, s + max_before], so p is at or after the first
// occurrence q >= from, and s >= q - max_before: the search starts there. With few
// bytes before the literal, the starts that reach its first occurrence are tried in
// order with anchored matches, cheaper than an unanchored search; past them, one
// unanchored search from the next occurrence (so the cost stays linear).
bool MatchFrom(const JavaRegex& re, std::string_view text, size_t from,
               std::vector<re2::StringPiece>* groups);

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
      if (!MatchFrom(re, text, from, groups)) return;
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

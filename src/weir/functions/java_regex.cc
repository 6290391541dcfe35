#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weir/functions/java_regex_internal.h"

namespace weir::regex {

namespace {

// Java's POSIX character classes (US-ASCII, as Java's default) in RE2 spelling.
const char* PosixClass(std::string_view name) {
  static const std::pair<const char*, const char*> kClasses[] = {
      {"Lower", "lower"}, {"Upper", "upper"}, {"ASCII", "ascii"}, {"Alpha", "alpha"},
      {"Digit", "digit"}, {"Alnum", "alnum"}, {"Punct", "punct"}, {"Graph", "graph"},
      {"Print", "print"}, {"Blank", "blank"}, {"Cntrl", "cntrl"}, {"XDigit", "xdigit"},
      {"Space", "space"}};
  for (const auto& [java, re2] : kClasses) {
    if (name == java) return re2;
  }
  return nullptr;
}

// The most bytes one UTF-8 character takes.
constexpr size_t kCharBytes = 4;
constexpr size_t kUnbounded = RequiredLiteral::kUnbounded;

size_t AddLen(size_t a, size_t b) {
  return a == kUnbounded || b == kUnbounded ? kUnbounded : a + b;
}
size_t MulLen(size_t a, size_t n) {
  if (a == 0 || n == 0) return 0;
  if (a == kUnbounded || n > 1000000) return kUnbounded;
  return a * n;
}

// One element of a pattern's sequence: a literal ASCII character (when `literal`),
// or anything else, with the most bytes it can match.
struct Atom {
  bool literal = false;
  char c = 0;
  size_t max_len = 0;
};

// A conservative reader of RE2 syntax that only needs lengths: it gives up (returns
// false) on anything it does not model, so that no literal is claimed wrongly.
class LengthParser {
 public:
  explicit LengthParser(std::string_view p) : p_(p) {}

  // The sequence from i to the end (top level): its atoms, each with its quantifier
  // applied. False on '|' at this level or anything not modelled.
  bool TopLevel(std::vector<Atom>* atoms) {
    size_t i = 0;
    while (i < p_.size()) {
      if (p_[i] == '|' || p_[i] == ')') return false;
      Atom a;
      if (!ParseQuantified(&i, &a)) return false;
      atoms->push_back(a);
    }
    return true;
  }

 private:
  // An atom and its quantifier, starting at *i.
  bool ParseQuantified(size_t* i, Atom* a) {
    if (!ParseAtom(i, a)) return false;
    if (*i >= p_.size()) return true;
    const char q = p_[*i];
    size_t times;
    if (q == '*' || q == '+') {
      times = kUnbounded;
      ++*i;
    } else if (q == '?') {
      times = 1;
      ++*i;
    } else if (q == '{') {
      const size_t close = p_.find('}', *i);
      if (close == std::string_view::npos) return false;
      std::string_view body = p_.substr(*i + 1, close - *i - 1);
      const size_t comma = body.find(',');
      std::string_view hi = comma == std::string_view::npos ? body : body.substr(comma + 1);
      // {n}, {n,} or {n,m}; RE2 reads anything else ("{,m}") as literal text.
      std::string_view lo = body.substr(0, comma);
      if (lo.empty() || lo.find_first_not_of("0123456789") != std::string_view::npos ||
          (comma != std::string_view::npos &&
           hi.find_first_not_of("0123456789") != std::string_view::npos)) {
        return false;
      }
      if (hi.empty()) {
        times = kUnbounded;
      } else {
        if (hi.size() > 6) return false;
        times = static_cast<size_t>(std::stoul(std::string(hi)));
      }
      *i = close + 1;
    } else {
      return true;
    }
    a->literal = false;
    a->max_len =
        times == kUnbounded ? (a->max_len == 0 ? 0 : kUnbounded) : MulLen(a->max_len, times);
    if (*i < p_.size() && (p_[*i] == '?' || p_[*i] == '+')) ++*i;  // lazy (or possessive)
    if (*i < p_.size() && (p_[*i] == '*' || p_[*i] == '+' || p_[*i] == '?' || p_[*i] == '{')) {
      return false;  // stacked quantifiers: not modelled
    }
    return true;
  }

  bool ParseAtom(size_t* i, Atom* a) {
    const char c = p_[*i];
    if (static_cast<unsigned char>(c) >= 0x80) return false;
    switch (c) {
      case '\\': {
        if (*i + 1 >= p_.size()) return false;
        const char n = p_[*i + 1];
        if (static_cast<unsigned char>(n) >= 0x80) return false;
        if (!std::isalnum(static_cast<unsigned char>(n))) {
          a->literal = true;  // an escaped punctuation character
          a->c = n;
          a->max_len = 1;
          *i += 2;
          return true;
        }
        if (n == 'Q' || n == 'E' || std::isdigit(static_cast<unsigned char>(n))) return false;
        if (n == 'b' || n == 'B' || n == 'A' || n == 'z') {
          a->max_len = 0;
          *i += 2;
          return true;
        }
        *i += 2;
        if ((n == 'p' || n == 'P' || n == 'x') && *i < p_.size() && p_[*i] == '{') {
          const size_t close = p_.find('}', *i);
          if (close == std::string_view::npos) return false;
          *i = close + 1;
        } else if (n == 'p' || n == 'P') {
          if (*i >= p_.size()) return false;
          ++*i;  // \pL
        } else if (n == 'x') {
          *i += 2;  // \xhh
        }
        a->max_len = kCharBytes;  // one character: \d \w \s \n \t \pL \x41 ...
        return *i <= p_.size();
      }
      case '.':
        ++*i;
        a->max_len = kCharBytes;
        return true;
      case '^':
      case '$':
        ++*i;
        a->max_len = 0;
        return true;
      case '[':
        a->max_len = kCharBytes;
        return SkipClass(i);
      case '(':
        return ParseGroup(i, a);
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case '|':
      case ')':
        return false;
      default:
        a->literal = true;
        a->c = c;
        a->max_len = 1;
        ++*i;
        return true;
    }
  }

  // [...], with escapes and [:name:] inside; any other nested '[' is not modelled.
  bool SkipClass(size_t* i) {
    size_t j = *i + 1;
    if (j < p_.size() && p_[j] == '^') ++j;
    if (j < p_.size() && p_[j] == ']') ++j;
    while (j < p_.size()) {
      const char c = p_[j];
      if (c == '\\') {
        j += 2;
      } else if (c == '[') {
        if (j + 1 >= p_.size() || p_[j + 1] != ':') return false;
        const size_t close = p_.find(":]", j + 2);
        if (close == std::string_view::npos) return false;
        j = close + 2;
      } else if (c == ']') {
        *i = j + 1;
        return true;
      } else {
        ++j;
      }
    }
    return false;
  }

  // (...), (?:...) or (?P<name>...): the most bytes of its longest alternative.
  bool ParseGroup(size_t* i, Atom* a) {
    size_t j = *i + 1;
    if (j < p_.size() && p_[j] == '?') {
      if (p_.substr(j, 2) == "?:") {
        j += 2;
      } else if (p_.substr(j, 3) == "?P<") {
        const size_t close = p_.find('>', j);
        if (close == std::string_view::npos) return false;
        j = close + 1;
      } else {
        return false;  // inline flags ((?i) changes what a literal matches) and the rest
      }
    }
    size_t best = 0, branch = 0;
    while (j < p_.size()) {
      const char c = p_[j];
      if (c == ')') {
        a->max_len = std::max(best, branch);
        a->literal = false;
        *i = j + 1;
        return true;
      }
      if (c == '|') {
        best = std::max(best, branch);
        branch = 0;
        ++j;
        continue;
      }
      Atom inner;
      if (!ParseQuantified(&j, &inner)) return false;
      branch = AddLen(branch, inner.max_len);
    }
    return false;
  }

  std::string_view p_;
};

}  // namespace

namespace {

// How common a byte is in everyday text (lower is rarer): space, then letters by
// English frequency, separators, digits, upper case, other punctuation.
int Commonness(char c) {
  static constexpr std::string_view kLetters = "zqxjkvbpygfwmucldrhsnioate";
  if (c == ' ') return 100;
  if (c >= 'a' && c <= 'z') return 60 + static_cast<int>(kLetters.find(c));
  if (std::string_view("/.,-_:").find(c) != std::string_view::npos) return 55;
  if (c >= '0' && c <= '9') return 50;
  if (c >= 'A' && c <= 'Z') return 40;
  return 10;
}

}  // namespace

size_t FindLiteral(std::string_view text, size_t from, const RequiredLiteral& req) {
  const size_t n = req.text.size(), r = req.rare;
  if (text.size() < n || from > text.size() - n) return std::string_view::npos;
  const char* base = text.data();
  const size_t last = text.size() - n + r;  // the last place for the rare byte
  for (size_t pos = from + r; pos <= last;) {
    const void* hit = std::memchr(base + pos, req.text[r], last - pos + 1);
    if (hit == nullptr) return std::string_view::npos;
    const size_t k = static_cast<size_t>(static_cast<const char*>(hit) - base);
    // The first byte before the call: most candidates fail there.
    if (base[k - r] == req.text[0] && std::memcmp(base + k - r, req.text.data(), n) == 0) {
      return k - r;
    }
    pos = k + 1;
  }
  return std::string_view::npos;
}

RequiredLiteral FindRequiredLiteral(std::string_view re2_pattern) {
  RequiredLiteral out;
  std::vector<Atom> atoms;
  if (!LengthParser(re2_pattern).TopLevel(&atoms)) return out;
  // The longest run of literal characters, preferring one with a bounded prefix.
  size_t before = 0;
  for (size_t k = 0; k < atoms.size();) {
    if (!atoms[k].literal) {
      before = AddLen(before, atoms[k].max_len);
      ++k;
      continue;
    }
    std::string run;
    const size_t run_before = before;
    for (; k < atoms.size() && atoms[k].literal; ++k) run.push_back(atoms[k].c);
    before = AddLen(before, run.size());
    const bool better_bound = run_before != kUnbounded && out.max_before == kUnbounded;
    const bool worse_bound = run_before == kUnbounded && out.max_before != kUnbounded;
    if (out.text.empty() || better_bound || (!worse_bound && run.size() > out.text.size())) {
      out.text = std::move(run);
      out.max_before = run_before;
    }
  }
  for (size_t k = 1; k < out.text.size(); ++k) {
    if (Commonness(out.text[k]) < Commonness(out.text[out.rare])) out.rare = k;
  }
  return out;
}

bool MatchFrom(const JavaRegex& re, std::string_view text, size_t from,
               std::vector<re2::StringPiece>* groups) {
  const re2::StringPiece sp(text.data(), text.size());
  const int n = static_cast<int>(groups->size());
  const RequiredLiteral& req = re.required;
  if (req.text.empty()) {
    return re.re->Match(sp, from, text.size(), RE2::UNANCHORED, groups->data(), n);
  }
  size_t q = FindLiteral(text, from, req);
  if (q == std::string_view::npos) return false;
  if (req.max_before == RequiredLiteral::kUnbounded) {
    return re.re->Match(sp, from, text.size(), RE2::UNANCHORED, groups->data(), n);
  }
  const auto first_start = [&](size_t occurrence) {
    return std::max(from, occurrence >= req.max_before ? occurrence - req.max_before : 0);
  };
  if (req.max_before > 8) {
    return re.re->Match(sp, first_start(q), text.size(), RE2::UNANCHORED, groups->data(), n);
  }
  // The starts that reach the first occurrence, in increasing order; anchored
  // attempts are few (at most 9) and each costs at most one pass over the text.
  size_t s = first_start(q);
  for (; s <= q; ++s) {
    if (re.re->Match(sp, s, text.size(), RE2::ANCHOR_START, groups->data(), n)) return true;
  }
  // None: one unanchored search from where a match through a later occurrence can
  // start (not anchored attempts per occurrence, which could add up to quadratic).
  q = FindLiteral(text, q + 1, req);
  if (q == std::string_view::npos) return false;
  return re.re->Match(sp, std::max(s, first_start(q)), text.size(), RE2::UNANCHORED, groups->data(),
                      n);
}

std::string TranslateJavaRegex(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 8);
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char next = p[i + 1];
      if ((next == 'p' || next == 'P') && i + 2 < p.size() && p[i + 2] == '{') {
        const size_t close = p.find('}', i + 3);
        const char* cls =
            close == std::string_view::npos ? nullptr : PosixClass(p.substr(i + 3, close - i - 3));
        if (cls != nullptr) {
          std::string body = std::string("[:") + (next == 'P' ? "^" : "") + cls + ":]";
          out += in_class ? body : "[" + body + "]";
          i = close;
          continue;
        }
      }
      out += c;
      out += next;
      ++i;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member, not the end.
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
      continue;
    }
    if (c == '(' && p.substr(i, 3) == "(?<" && i + 3 < p.size() &&
        std::isalpha(static_cast<unsigned char>(p[i + 3]))) {
      out += "(?P<";
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

Result<std::unique_ptr<JavaRegex>> JavaRegex::Compile(std::string_view function,
                                                      std::string_view pattern) {
  auto r = std::make_unique<JavaRegex>();
  r->text = std::string(pattern);
  r->literal =
      !pattern.empty() && pattern.find_first_of("\\^$.|?*+()[]{}") == std::string_view::npos;
  RE2::Options options;
  options.set_log_errors(false);
  const std::string translated = TranslateJavaRegex(pattern);
  r->re = std::make_unique<RE2>(translated, options);
  if (!r->re->ok()) return strings::InvalidPattern(function, pattern, r->re->error());
  if (!r->literal) r->required = FindRequiredLiteral(translated);
  return r;
}

Result<std::unique_ptr<JavaRegex>> ConstantPattern(const char* function, const ExprPtr& arg,
                                                   bool* null_constant) {
  *null_constant = false;
  std::optional<Value> v = strings::ConstantValue(arg);
  if (!v) return std::unique_ptr<JavaRegex>();
  if (v->is_null()) {
    *null_constant = true;
    return std::unique_ptr<JavaRegex>();
  }
  return JavaRegex::Compile(function, v->str());
}

}  // namespace weir::regex

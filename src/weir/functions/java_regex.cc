#include <cctype>
#include <optional>
#include <utility>

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

}  // namespace

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
  r->re = std::make_unique<RE2>(TranslateJavaRegex(pattern), options);
  if (!r->re->ok()) return strings::InvalidPattern(function, pattern, r->re->error());
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

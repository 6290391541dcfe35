// The required-literal fast path of the regexp functions (java_regex_internal.h):
// FindRequiredLiteral must claim only literals every match contains, with a true
// bound on the bytes before them, and MatchFrom / ForEachMatch must find exactly the
// matches RE2 finds without the fast path, for every start offset.

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "weir/functions/java_regex_internal.h"

namespace weir::regex {
namespace {

std::unique_ptr<JavaRegex> MustCompile(const std::string& pattern) {
  Result<std::unique_ptr<JavaRegex>> re = JavaRegex::Compile("test", pattern);
  EXPECT_TRUE(re.ok()) << pattern << ": " << re.status();
  return std::move(*re);
}

TEST(JavaRegexTest, FindRequiredLiteral) {
  struct Want {
    std::string pattern;
    std::string literal;
    size_t max_before;
  };
  constexpr size_t kU = RequiredLiteral::kUnbounded;
  for (const Want& w : std::vector<Want>{
           {"(&|^)channel_id=([^&]*)", "channel_id=", 1},
           {"abc", "abc", 0},
           {"^foo\\.bar", "foo.bar", 0},
           {"\\d+-x", "-x", kU},
           {"a*bcd", "bcd", kU},
           {"ab*cde", "a", 0},  // "cde" is longer, but after the unbounded "b*"
           {"[a-z]{2,3}key", "key", 12},
           {"(?:ab|c)\\wkey(x)", "key", 6},
           {"(?P<n>\\d{4})-(\\d\\d)", "-", 16},
           {".{0,5}needle.*", "needle", 20},
           {"x?yz", "yz", 1},
           {"\\bword\\b", "word", 0},
           {"(a|b)", "", kU},         // no literal at the top
           {"a|bc", "", kU},          // alternation at the top
           {"(?i)abc", "", kU},       // flags change what a literal matches
           {"(?i:ab)cd", "", kU},     // ... inside a group too
           {"\\Qa.b\\E", "", kU},     // quoted text is not modelled
           {"x{,3}y", "", kU},        // RE2 reads "{,3}" as text
           {"caf\xC3\xA9s", "", kU},  // non-ASCII
           {"", "", kU},
       }) {
    const RequiredLiteral r = FindRequiredLiteral(w.pattern);
    EXPECT_EQ(w.literal, r.text) << w.pattern;
    if (!w.literal.empty()) {
      EXPECT_EQ(w.max_before, r.max_before) << w.pattern;
    }
  }
  // A shorter literal with a bounded prefix wins over a longer one without.
  EXPECT_EQ("ab", FindRequiredLiteral("ab.*cdefgh").text);
}

// FindLiteral (memchr on the rarest byte, then compare) agrees with find() for every
// start, on texts full of near-misses.
TEST(JavaRegexTest, FindLiteralMatchesFind) {
  for (const std::string pattern : {"channel_id=", "a=b", "==", "x", "abcabd", "e-e"}) {
    const RequiredLiteral req = FindRequiredLiteral(pattern);
    ASSERT_EQ(pattern, req.text);
    for (const std::string& t :
         {std::string(""), std::string("="), std::string("channel_id"), std::string("channel_id="),
          std::string("id=channel_id=&channel_id=x=="), std::string("a=a=b==b"),
          std::string("abcabcabdabcabd"), std::string("xxe-ee-e"), std::string("===")}) {
      for (size_t from = 0; from <= t.size(); ++from) {
        EXPECT_EQ(t.find(pattern, from), FindLiteral(t, from, req))
            << pattern << " in '" << t << "' from " << from;
      }
    }
  }
  EXPECT_EQ(10u, FindRequiredLiteral("(&|^)channel_id=([^&]*)").rare);  // the '='
}

// Every (pattern, text, from): MatchFrom with the fast path equals RE2's unanchored
// search without it, and so do the whole ForEachMatch sequences.
TEST(JavaRegexTest, FastPathFindsTheSameMatches) {
  const std::vector<std::string> patterns = {"(&|^)channel_id=([^&]*)",
                                             "(^|,)ab",
                                             "\\bkey=(\\w*)",
                                             "[a-c]{1,2}x(y?)",
                                             ".?.?abc",
                                             "(?:ab|c)dd",
                                             "x",
                                             "(a)(b)?c",
                                             "\\d{2}-\\d{2}",
                                             "(?P<k>\\w+)=1",
                                             "(x|)yy",
                                             "$^|zz",
                                             ".{0,9}q"};
  const std::vector<std::string> texts = {
      "",
      "https://www.nexmark.com/abc/item.htm?query=1&channel_id=1234",
      "channel_id=7&channel_id=8",
      "xchannel_id=1&channel_id=2",
      "channel_id channel_id=0 xchannel_id=1 &channel_id=2 &channel_id=3",
      "abab,ab,ab",
      "ab,ab,xab",
      "key= key=abc akey=1 key=",
      "aax acx abxy cxy bbbbxy",
      "zabc abc aabc",
      "cdd abdd adddd",
      "abc ac a c abbc",
      "12-34 1-23 99-999",
      "a=1 bb=1 =1",
      "yy xyy xxyy",
      "zz",
      "\xC3\xA9q \xC3\xA9\xC3\xA9q",
  };
  for (const std::string& p : patterns) {
    std::unique_ptr<JavaRegex> fast = MustCompile(p);
    std::unique_ptr<JavaRegex> slow = MustCompile(p);
    slow->required = RequiredLiteral();
    const int n = fast->re->NumberOfCapturingGroups() + 1;
    for (const std::string& t : texts) {
      for (size_t from = 0; from <= t.size(); ++from) {
        std::vector<re2::StringPiece> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
        const bool got = MatchFrom(*fast, t, from, &a);
        const bool want = MatchFrom(*slow, t, from, &b);
        ASSERT_EQ(want, got) << p << " on '" << t << "' from " << from;
        if (!want) continue;
        for (int g = 0; g < n; ++g) {
          ASSERT_EQ(b[g].data(), a[g].data()) << p << " on '" << t << "' group " << g;
          ASSERT_EQ(b[g].size(), a[g].size()) << p << " on '" << t << "' group " << g;
        }
      }
      auto all = [&](const JavaRegex& re) {
        std::vector<std::pair<size_t, size_t>> out;
        std::vector<re2::StringPiece> g(static_cast<size_t>(n));
        ForEachMatch(re, t, &g, [&](const std::vector<re2::StringPiece>& m) {
          out.emplace_back(Offset(t, m[0]), m[0].size());
          return true;
        });
        return out;
      };
      EXPECT_EQ(all(*slow), all(*fast)) << p << " on '" << t << "'";
    }
  }
}

// The fast path sees the text before its start: '^' does not match there, and '&'
// just before the literal does.
TEST(JavaRegexTest, ContextBeforeTheLiteral) {
  std::unique_ptr<JavaRegex> re = MustCompile("(&|^)channel_id=([^&]*)");
  ASSERT_EQ("channel_id=", re->required.text);
  std::vector<re2::StringPiece> g(3);
  const std::string t = "xchannel_id=1&channel_id=22";
  ASSERT_TRUE(MatchFrom(*re, t, 0, &g));
  EXPECT_EQ("&channel_id=22", std::string(g[0].data(), g[0].size()));
  EXPECT_EQ("22", std::string(g[2].data(), g[2].size()));
  EXPECT_FALSE(MatchFrom(*re, "https://x/item.htm?query=1", 0, &g));
}

}  // namespace
}  // namespace weir::regex

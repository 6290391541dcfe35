#include "weir/types/string_ref.h"

#include <string>

#include <gtest/gtest.h>

namespace weir {
namespace {

TEST(StringRefTest, Empty) {
  StringRef r;
  EXPECT_EQ(0u, r.size());
  EXPECT_TRUE(r.empty());
  EXPECT_TRUE(r.is_inline());
  EXPECT_EQ("", r.view());
  EXPECT_EQ(StringRef(""), r);
  EXPECT_EQ(StringRef(nullptr, 0), r);
}

TEST(StringRefTest, InlineUpToTwelveBytes) {
  std::string twelve = "abcdefghijkl";
  ASSERT_EQ(12u, twelve.size());
  StringRef r(twelve);
  EXPECT_TRUE(r.is_inline());
  EXPECT_EQ(twelve, r.view());
  // Inline bytes are copied: the ref outlives and ignores its source.
  twelve[0] = 'X';
  EXPECT_EQ("abcdefghijkl", r.str());
  EXPECT_NE(static_cast<const void*>(twelve.data()), static_cast<const void*>(r.data()));
}

TEST(StringRefTest, OutOfLineFromThirteenBytes) {
  std::string thirteen = "abcdefghijklm";
  ASSERT_EQ(13u, thirteen.size());
  StringRef r(thirteen);
  EXPECT_FALSE(r.is_inline());
  EXPECT_EQ(13u, r.size());
  EXPECT_EQ(thirteen.data(), r.data());
  EXPECT_EQ(thirteen, r.view());
}

TEST(StringRefTest, CopiesOfInlineRefsPointAtTheirOwnBytes) {
  StringRef a("hello");
  StringRef b = a;
  EXPECT_EQ("hello", b.view());
  // An inline ref's data() is inside the ref itself, never in the ref it was copied from.
  const char* p = b.data();
  const char* begin = reinterpret_cast<const char*>(&b);
  EXPECT_TRUE(p >= begin && p < begin + sizeof(b));
  EXPECT_NE(a.data(), b.data());
}

TEST(StringRefTest, EmbeddedNulBytes) {
  std::string with_nul("a\0b", 3);
  StringRef r(with_nul);
  EXPECT_EQ(3u, r.size());
  EXPECT_EQ(with_nul, r.str());
  EXPECT_NE(StringRef("a"), r);
  EXPECT_NE(StringRef(std::string("a\0c", 3)), r);
  std::string long_nul(20, '\0');
  EXPECT_EQ(long_nul, StringRef(long_nul).str());
}

TEST(StringRefTest, Equality) {
  std::string a1 = "abcdefghijklmnop";
  std::string a2 = "abcdefghijklmnop";
  std::string b = "abcdefghijklmnoq";  // same prefix, differs at the end
  std::string c = "abcdefghijklmno";   // one shorter
  EXPECT_EQ(StringRef(a1), StringRef(a2));
  EXPECT_NE(StringRef(a1), StringRef(b));
  EXPECT_NE(StringRef(a1), StringRef(c));
  EXPECT_NE(StringRef("abcd"), StringRef("abce"));
  // Inline strings differing only after the 4-byte prefix.
  EXPECT_NE(StringRef("abcdefghijk1"), StringRef("abcdefghijk2"));
  EXPECT_EQ(StringRef("abcdefghijk1"), StringRef(std::string("abcdefghijk1")));
  EXPECT_NE(StringRef("ab"), StringRef("abc"));
  EXPECT_NE(StringRef(""), StringRef("a"));
  // 12 vs 13 bytes with a common prefix.
  EXPECT_NE(StringRef("abcdefghijkl"), StringRef("abcdefghijklm"));
}

TEST(StringRefTest, CompareIsBytewiseUnsigned) {
  EXPECT_EQ(0, StringRef("abc").Compare(StringRef("abc")));
  EXPECT_LT(StringRef("abc").Compare(StringRef("abd")), 0);
  EXPECT_GT(StringRef("abd").Compare(StringRef("abc")), 0);
  EXPECT_LT(StringRef("ab").Compare(StringRef("abc")), 0);
  EXPECT_GT(StringRef("abc").Compare(StringRef("ab")), 0);
  EXPECT_LT(StringRef("").Compare(StringRef("a")), 0);
  EXPECT_EQ(0, StringRef("").Compare(StringRef()));
  // 0xFF sorts after ASCII (unsigned), as Spark's UTF8String.binaryCompare does.
  EXPECT_GT(StringRef("\xff").Compare(StringRef("z")), 0);
  EXPECT_LT(StringRef("z").Compare(StringRef("\xc3\xa9")), 0);
  std::string long1 = std::string(100, 'x') + "a";
  std::string long2 = std::string(100, 'x') + "b";
  EXPECT_LT(StringRef(long1).Compare(StringRef(long2)), 0);
  EXPECT_LT(StringRef(std::string(100, 'x')).Compare(StringRef(long1)), 0);
}

}  // namespace
}  // namespace weir

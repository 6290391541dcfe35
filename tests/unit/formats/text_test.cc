// Text decoding, as Spark 3.5's text data source reads (TextSuite.scala,
// TextOptions.scala): one `value` row per line, or per file with wholetext.

#include <random>

#include <gtest/gtest.h>

#include "weir/formats/text_decoder.h"

#include "tests/unit/formats/formats_test_util.h"

namespace weir::formats {
namespace {

using testing::Ddl;
using testing::Rows;
using testing::Strings;

Strings Decode(std::string_view text, const TextReadOptions& o = {}) {
  Result<Batch> b = DecodeText(text, o);
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? Rows(*b) : Strings{};
}

TEST(Text, Lines) {
  EXPECT_EQ(Decode("a\nb\r\n\nc\rd"), Strings({"a", "b", "", "c", "d"}));
  // A final line break does not start another line.
  EXPECT_EQ(Decode("a\n"), Strings({"a"}));
  EXPECT_EQ(Decode(""), Strings{});
}

TEST(Text, LineSep) {
  TextReadOptions o;
  o.line_sep = "||";
  EXPECT_EQ(Decode("a||b\nc||", o), Strings({"a", "b\nc"}));
}

TEST(Text, WholeText) {
  TextReadOptions o;
  o.whole_text = true;
  EXPECT_EQ(Decode("a\nb\n", o), Strings({"a\nb\n"}));
  EXPECT_EQ(Decode("", o), Strings({""}));
}

TEST(Text, Schema) {
  EXPECT_EQ(TextSchema()->ToString(), "struct<value:string>");
  EXPECT_TRUE(MakeTextDecoder(Ddl("line STRING"), {0}, {}).ok());
  Result<RecordDecoderPtr> d = MakeTextDecoder(Ddl("a STRING, b STRING"), {0}, {});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("only a single column"), std::string::npos);
  EXPECT_FALSE(MakeTextDecoder(Ddl("a INT"), {0}, {}).ok());
  // An empty projection counts lines.
  d = MakeTextDecoder(TextSchema(), {}, {});
  ASSERT_TRUE(d.ok());
  Result<Batch> b = DecodeAll(d->get(), "x\ny\n");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->num_rows(), 2);
}

TEST(Text, RandomInputNeverCrashes) {
  std::mt19937 rng(3);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    size_t n = rng() % 64;
    for (size_t k = 0; k < n; ++k) s.push_back(static_cast<char>(rng() % 4 == 0 ? '\n' : rng()));
    TextReadOptions o;
    o.whole_text = i % 7 == 0;
    if (i % 5 == 0) o.line_sep = "\r";
    Result<Batch> b = DecodeText(s, o);
    ASSERT_TRUE(b.ok());
  }
}

}  // namespace
}  // namespace weir::formats

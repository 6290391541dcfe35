// CSV decoding and inference. Expected values follow Spark 3.5's CSVSuite
// (sql/core/src/test/scala/org/apache/spark/sql/execution/datasources/csv/CSVSuite.scala,
// data in sql/core/src/test/resources/test-data/cars.csv), UnivocityParser.scala and
// CSVInferSchema.scala.

#include <random>

#include <gtest/gtest.h>

#include "weir/formats/csv_decoder.h"
#include "weir/formats/csv_infer.h"

#include "tests/unit/formats/formats_test_util.h"

namespace weir::formats {
namespace {

using testing::Ddl;
using testing::Rows;
using testing::Strings;

// test-data/cars.csv.
constexpr std::string_view kCars =
    "year,make,model,comment,blank\n"
    "\"2012\",\"Tesla\",\"S\",\"No comment\",\n"
    "\n"
    "1997,Ford,E350,\"Go get one now they are going fast\",\n"
    "2015,Chevy,Volt\n";

CsvReadOptions Header(ParseMode mode = ParseMode::kPermissive) {
  CsvReadOptions o;
  o.header = true;
  o.common.mode = mode;
  return o;
}

Strings Decode(std::string_view text, std::string_view ddl, const CsvReadOptions& o = {},
               ParseStats* stats = nullptr) {
  Result<Batch> b = DecodeCsv(text, Ddl(ddl), o, stats);
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? Rows(*b) : Strings{};
}

std::string Infer(std::string_view text, CsvReadOptions o) {
  o.infer_schema = true;
  Result<SchemaPtr> s = InferCsvSchema(text, o);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? (*s)->ToString() : "";
}

// CSVSuite "test inferring schema" / "simple csv test" on cars.csv.
TEST(CsvInfer, Cars) {
  EXPECT_EQ(Infer(kCars, Header()),
            "struct<year:int,make:string,model:string,comment:string,blank:string>");
  CsvReadOptions no_infer = Header();
  Result<SchemaPtr> s = InferCsvSchema(kCars, no_infer);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->ToString(),
            "struct<year:string,make:string,model:string,comment:string,blank:string>");
  // Without a header the columns are _c0, _c1, ...
  EXPECT_EQ(Infer("1,a\n2,b\n", {}), "struct<_c0:int,_c1:string>");
}

TEST(CsvInfer, TypeOrder) {
  // INT -> BIGINT -> DECIMAL (integers only) -> DOUBLE -> DATE -> TIMESTAMP -> BOOLEAN
  // -> STRING (CSVInferSchema.inferField).
  EXPECT_EQ(Infer("1,1,1,1,2020-01-01,2020-01-01 10:00:00,true,x\n"
                  "2,3000000000,12345678901234567890,1.5,2020-12-31,2020-01-01T10:00:00Z,FALSE,1\n",
                  {}),
            "struct<_c0:int,_c1:bigint,_c2:decimal(20,0),_c3:double,_c4:date,_c5:timestamp,"
            "_c6:boolean,_c7:string>");
  // Mixing: INT with DOUBLE is DOUBLE, DECIMAL with DOUBLE is DOUBLE, DATE with
  // TIMESTAMP is STRING, BOOLEAN with INT is STRING; NULLs (empty, nullValue) are
  // skipped; a column only NULL is STRING; 1e5 and NaN are DOUBLE.
  EXPECT_EQ(Infer("1,12345678901234567890,2020-01-01,true,,1e5\n"
                  "2.5,1.5,2020-01-01 10:00:00,1,,NaN\n",
                  {}),
            "struct<_c0:double,_c1:double,_c2:string,_c3:string,_c4:string,_c5:double>");
  CsvReadOptions no_date;
  no_date.prefer_date = false;
  EXPECT_EQ(Infer("2020-01-01\n", no_date), "struct<_c0:timestamp>");
}

TEST(CsvInfer, HeaderNames) {
  // CSVUtils.makeSafeHeader: empty names are _c<i>; duplicates get their index.
  EXPECT_EQ(Infer("a,,A,b\n1,2,3,4\n", Header()), "struct<a0:int,_c1:int,A2:int,b:int>");
  EXPECT_EQ(Infer("", Header()), "struct<>");
}

TEST(CsvDecode, TypesAndNulls) {
  EXPECT_EQ(Decode("1,2,1.5,true,12.345,2024-02-29,2024-02-29 10:00:00,x\n"
                   ",,,,,,,\n"
                   "\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n",
                   "a INT, b BIGINT, c DOUBLE, d BOOLEAN, e DECIMAL(5,2), f DATE, g TIMESTAMP, "
                   "h STRING"),
            Strings({"1 | 2 | 1.5 | true | 12.35 | 2024-02-29 | 2024-02-29 10:00:00 | x",
                     "NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL",
                     "NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL"}));
  CsvReadOptions o;
  o.null_value = "-";
  o.empty_value = "<empty>";
  o.nan_value = "nan";
  EXPECT_EQ(Decode("-,\"\",nan,\n", "a STRING, b STRING, c DOUBLE, d STRING", o),
            Strings({"NULL | <empty> | NaN | NULL"}));
}

TEST(CsvDecode, Quoting) {
  // Embedded separators, doubled and escaped quotes, text after the closing quote.
  EXPECT_EQ(Decode("\"a,b\",\"say \"\"hi\"\"\",\"x\\\"y\",\"ab\"cd\n",
                   "a STRING, b STRING, c STRING, d STRING"),
            Strings({"a,b | say \"hi\" | x\"y | abcd"}));
  // With multiLine a quoted field may hold line breaks.
  CsvReadOptions ml;
  ml.multi_line = true;
  EXPECT_EQ(Decode("1,\"line one\nline two\"\r\n2,\"x\"\n", "a INT, b STRING", ml),
            Strings({"1 | line one\nline two", "2 | x"}));
  // Without it (Spark's default) records are lines: the quote runs to the line's end
  // and the rest is another (malformed) record.
  ParseStats stats;
  EXPECT_EQ(Decode("1,\"line one\nline two\"\n", "a INT, b STRING", {}, &stats),
            Strings({"1 | line one", "NULL | NULL"}));
  EXPECT_EQ(stats.malformed, 1);
}

TEST(CsvDecode, Options) {
  CsvReadOptions o;
  o.sep = ';';
  o.comment = '#';
  o.quote = '\'';
  o.ignore_leading_ws = true;
  o.ignore_trailing_ws = true;
  EXPECT_EQ(Decode("# a comment\n  1 ; 'a;b' \n#x\n2;c", "a INT, b STRING", o),
            Strings({"1 | a;b", "2 | c"}));
  CsvReadOptions fmt;
  fmt.common.date_format = "MM/dd/yyyy";
  fmt.common.timestamp_format = "MM/dd/yyyy HH:mm";
  EXPECT_EQ(Decode("02/29/2024,02/29/2024 10:30", "d DATE, t TIMESTAMP", fmt),
            Strings({"2024-02-29 | 2024-02-29 10:30:00"}));
}

TEST(CsvModes, PermissivePadsAndTruncates) {
  ParseStats stats;
  EXPECT_EQ(Decode(kCars,
                   "year INT, make STRING, model STRING, comment STRING, blank STRING, "
                   "_corrupt_record STRING",
                   Header(), &stats),
            Strings({"2012 | Tesla | S | No comment | NULL | NULL",
                     "1997 | Ford | E350 | Go get one now they are going fast | NULL | NULL",
                     "2015 | Chevy | Volt | NULL | NULL | 2015,Chevy,Volt"}));
  EXPECT_EQ(stats.records, 3);
  EXPECT_EQ(stats.malformed, 1);
  EXPECT_EQ(Decode("1,2,3\nx,2\n", "a INT, b INT", {}, &stats), Strings({"1 | 2", "NULL | 2"}));
}

// CSVSuite "test for DROPMALFORMED parsing mode" and "test for FAILFAST parsing mode".
TEST(CsvModes, DropMalformedAndFailFast) {
  ParseStats stats;
  EXPECT_EQ(Decode(kCars, "year INT, make STRING, model STRING, comment STRING, blank STRING",
                   Header(ParseMode::kDropMalformed), &stats)
                .size(),
            2u);
  EXPECT_EQ(stats.dropped, 1);
  Result<Batch> b = DecodeCsv(kCars,
                              Ddl("year INT, make STRING, model STRING, comment STRING, "
                                  "blank STRING"),
                              Header(ParseMode::kFailFast));
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("2015,Chevy,Volt"), std::string::npos);
  EXPECT_NE(b.status().message().find("line 5"), std::string::npos) << b.status();
}

TEST(CsvDecode, HeaderCheckWithoutEnforceSchema) {
  CsvReadOptions o = Header();
  o.enforce_schema = false;
  EXPECT_EQ(Decode("A,b\n1,2\n", "a INT, b INT", o), Strings({"1 | 2"}));
  Result<Batch> b = DecodeCsv("a,c\n1,2\n", Ddl("a INT, b INT"), o);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("Expected: b but found: c"), std::string::npos);
}

TEST(CsvDecode, ProjectionOnlyConvertsReadColumns) {
  Result<RecordDecoderPtr> d = MakeCsvDecoder(Ddl("a INT, b INT, c STRING"), {2}, {});
  ASSERT_TRUE(d.ok());
  Result<Batch> b = DecodeAll(d->get(), "x,1,p\n2,2,q\n");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Rows(*b), Strings({"p", "q"}));
  EXPECT_EQ((*d)->stats().malformed, 0);
  EXPECT_FALSE(MakeCsvDecoder(Ddl("a ARRAY<INT>"), {0}, {}).ok());
}

TEST(CsvDecode, EmptyInput) {
  EXPECT_EQ(Decode("", "a INT"), Strings{});
  EXPECT_EQ(Decode("\n\r\n\n", "a INT"), Strings{});
  EXPECT_EQ(Decode("a\n", "a INT", Header()), Strings{});
}

TEST(CsvFuzz, RandomInputNeverCrashes) {
  std::mt19937 rng(7);
  const std::string alphabet = "ab1.-,\"\\\n\r #e";
  SchemaPtr schema =
      Ddl("a INT, b STRING, c DOUBLE, d DATE, e DECIMAL(5,1), _corrupt_record STRING");
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    size_t n = rng() % 80;
    for (size_t k = 0; k < n; ++k) {
      s.push_back(i % 2 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng()));
    }
    CsvReadOptions o;
    o.multi_line = i % 3 == 0;
    o.header = i % 5 == 0;
    o.infer_schema = true;
    ParseStats stats;
    Result<Batch> b = DecodeCsv(s, schema, o, &stats);
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(b->num_rows(), stats.records);
    EXPECT_TRUE(InferCsvSchema(s, o).ok());
  }
}

}  // namespace
}  // namespace weir::formats

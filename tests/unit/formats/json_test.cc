// JSON lines decoding and inference. Expected values follow Spark 3.5's JsonSuite
// (sql/core/src/test/scala/org/apache/spark/sql/execution/datasources/json/
// JsonSuite.scala, data in TestJsonData.scala) and the converters of
// sql/catalyst/.../json/JacksonParser.scala and JsonInferSchema.scala.

#include <random>

#include <gtest/gtest.h>

#include "weir/formats/json_decoder.h"
#include "weir/formats/json_infer.h"

#include "tests/unit/formats/formats_test_util.h"

namespace weir::formats {
namespace {

using testing::Ddl;
using testing::Rows;
using testing::Strings;

JsonReadOptions Mode(ParseMode mode) {
  JsonReadOptions o;
  o.common.mode = mode;
  return o;
}

Strings Decode(std::string_view text, std::string_view ddl, const JsonReadOptions& o = {},
               ParseStats* stats = nullptr) {
  Result<Batch> b = DecodeJsonLines(text, Ddl(ddl), o, stats);
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? Rows(*b) : Strings{};
}

std::string Infer(std::string_view text, const JsonReadOptions& o = {}) {
  Result<SchemaPtr> s = InferJsonSchema(text, o);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? (*s)->ToString() : "";
}

TEST(JsonDecode, Primitives) {
  EXPECT_EQ(Decode(R"({"a":1,"b":2,"c":1.5,"d":true,"e":"x"})",
                   "a INT, b BIGINT, c DOUBLE, d BOOLEAN, e STRING"),
            Strings({"1 | 2 | 1.5 | true | x"}));
  // Missing keys and JSON null are NULL; unknown keys are ignored; last duplicate wins.
  EXPECT_EQ(Decode(R"({"a":null,"zz":[1,2],"b":1,"b":7})", "a INT, b BIGINT, c STRING"),
            Strings({"NULL | 7 | NULL"}));
  // Integers convert to DOUBLE; a STRING column takes any value as JSON text.
  EXPECT_EQ(Decode(R"({"c":3,"e":{"x":[1,2.5,"s"]}})", "c DOUBLE, e STRING"),
            Strings({"3.0 | {\"x\":[1,2.5,\"s\"]}"}));
  // Field names match case-sensitively (JacksonParser: schema.getFieldIndex).
  EXPECT_EQ(Decode(R"({"A":1})", "a INT"), Strings({"NULL"}));
}

TEST(JsonDecode, SpecialDoublesAndDecimals) {
  EXPECT_EQ(Decode(R"({"d":"NaN"})"
                   "\n"
                   R"({"d":"-Infinity"})"
                   "\n"
                   R"({"d":"+INF"})",
                   "d DOUBLE"),
            Strings({"NaN", "-Infinity", "Infinity"}));
  EXPECT_EQ(Decode(R"({"m":12.345,"n":"1,234.5","o":7})",
                   "m DECIMAL(5,2), n DECIMAL(6,1), o DECIMAL(3,0)"),
            Strings({"12.35 | 1234.5 | 7"}));
}

TEST(JsonDecode, DatesAndTimestamps) {
  // Default formats accept what CAST accepts; integers are seconds since the epoch.
  EXPECT_EQ(Decode(R"({"d":"2024-02-29","t":"2024-02-29T10:11:12.5Z","u":86400})",
                   "d DATE, t TIMESTAMP, u TIMESTAMP"),
            Strings({"2024-02-29 | 2024-02-29 10:11:12.5 | 1970-01-02 00:00:00"}));
  JsonReadOptions o;
  o.common.date_format = "dd/MM/yyyy";
  o.common.timestamp_format = "dd/MM/yyyy HH:mm";
  EXPECT_EQ(Decode(R"({"d":"29/02/2024","t":"29/02/2024 10:11"})", "d DATE, t TIMESTAMP", o),
            Strings({"2024-02-29 | 2024-02-29 10:11:00"}));
  // No fallback with a custom format: a value not in it is bad.
  EXPECT_EQ(Decode(R"({"d":"2024-02-29"})", "d DATE", o), Strings({"NULL"}));
}

TEST(JsonDecode, Nested) {
  EXPECT_EQ(Decode(R"({"s":{"x":1,"y":[1,null,3]},"m":{"k":1.5,"j":null},"a":[{"x":1},null]})",
                   "s STRUCT<x: INT, y: ARRAY<BIGINT>>, m MAP<STRING, DOUBLE>, "
                   "a ARRAY<STRUCT<x: INT>>"),
            Strings({"{1, [1, NULL, 3]} | {k -> 1.5, j -> NULL} | [{1}, NULL]"}));
  // A nested value that does not convert is NULL as a whole.
  EXPECT_EQ(
      Decode(R"({"s":{"x":"no","y":[1]},"b":2})", "s STRUCT<x: INT, y: ARRAY<BIGINT>>, b INT"),
      Strings({"NULL | 2"}));
}

TEST(JsonDecode, TopLevelArrayGivesRows) {
  EXPECT_EQ(Decode(R"([{"a":1},{"a":2}])"
                   "\n[]",
                   "a INT"),
            Strings({"1", "2"}));
}

// JsonSuite "Corrupt records: PERMISSIVE mode" with TestJsonData.corruptRecords.
constexpr std::string_view kCorrupt =
    "{\n"
    "{\"a\":1, b:2}\n"
    "{\"a\":{, b:3}\n"
    "{\"b\":\"str_b_4\", \"a\":\"str_a_4\", \"c\":\"str_c_4\"}\n"
    "]\n";

TEST(JsonModes, Permissive) {
  EXPECT_EQ(Infer(kCorrupt), "struct<_corrupt_record:string,a:string,b:string,c:string>");
  ParseStats stats;
  EXPECT_EQ(Decode(kCorrupt, "_corrupt_record STRING, a STRING, b STRING, c STRING", {}, &stats),
            Strings({"{ | NULL | NULL | NULL", "{\"a\":1, b:2} | NULL | NULL | NULL",
                     "{\"a\":{, b:3} | NULL | NULL | NULL", "NULL | str_a_4 | str_b_4 | str_c_4",
                     "] | NULL | NULL | NULL"}));
  EXPECT_EQ(stats.records, 5);
  EXPECT_EQ(stats.malformed, 4);
  EXPECT_EQ(stats.dropped, 0);
}

TEST(JsonModes, PermissiveKeepsConvertedFields) {
  ParseStats stats;
  EXPECT_EQ(Decode(R"({"a":"x","b":2})", "a INT, b INT, _corrupt_record STRING", {}, &stats),
            Strings({"NULL | 2 | {\"a\":\"x\",\"b\":2}"}));
  EXPECT_EQ(stats.malformed, 1);
  // Without the corrupt column the record still counts as malformed.
  EXPECT_EQ(Decode(R"({"a":3000000000})", "a INT"), Strings({"NULL"}));
  // A top-level scalar or null is malformed.
  EXPECT_EQ(Decode("1\nnull\n\"s\"", "a INT, _corrupt_record STRING"),
            Strings({"NULL | 1", "NULL | null", "NULL | \"s\""}));
}

TEST(JsonModes, DropMalformed) {
  ParseStats stats;
  EXPECT_EQ(
      Decode(kCorrupt, "a STRING, b STRING, c STRING", Mode(ParseMode::kDropMalformed), &stats),
      Strings({"str_a_4 | str_b_4 | str_c_4"}));
  EXPECT_EQ(stats.malformed, 4);
  EXPECT_EQ(stats.dropped, 4);
  // Inference skips malformed records: no corrupt column.
  EXPECT_EQ(Infer(kCorrupt, Mode(ParseMode::kDropMalformed)), "struct<a:string,b:string,c:string>");
}

TEST(JsonModes, FailFastNamesFileAndLine) {
  Result<RecordDecoderPtr> d = MakeJsonDecoder(Ddl("a INT"), {0}, Mode(ParseMode::kFailFast));
  ASSERT_TRUE(d.ok());
  Result<Batch> b = DecodeAll(d->get(), "{\"a\":1}\n\n{\"a\":\"x\"}\n", "/data/x.json");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(b.status().message().find("[MALFORMED_RECORD_IN_PARSING"), std::string::npos);
  EXPECT_NE(b.status().message().find("file /data/x.json, line 3"), std::string::npos)
      << b.status();
  EXPECT_FALSE(InferJsonSchema(kCorrupt, Mode(ParseMode::kFailFast)).ok());
}

TEST(JsonModes, BlankLinesAreNotRecords) {
  ParseStats stats;
  EXPECT_EQ(Decode("\n  \n{\"a\":1}\r\n\n", "a INT", {}, &stats), Strings({"1"}));
  EXPECT_EQ(stats.records, 1);
  EXPECT_EQ(Decode("", "a INT"), Strings{});
}

TEST(JsonDecode, Projection) {
  Result<RecordDecoderPtr> d = MakeJsonDecoder(Ddl("a INT, b STRING, c DOUBLE"), {2, 0}, {});
  ASSERT_TRUE(d.ok());
  Result<Batch> b = DecodeAll(d->get(), R"({"a":1,"b":"x","c":2.5})");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->schema()->ToString(), "struct<c:double,a:int>");
  EXPECT_EQ(Rows(*b), Strings({"2.5 | 1"}));
  // An empty projection counts rows.
  d = MakeJsonDecoder(Ddl("a INT"), {}, {});
  ASSERT_TRUE(d.ok());
  b = DecodeAll(d->get(), "{}\n{}\n{}");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->num_rows(), 3);
  EXPECT_EQ(b->num_columns(), 0);
}

TEST(JsonDecode, RefusesBadSchemas) {
  EXPECT_FALSE(MakeJsonDecoder(Ddl("m MAP<INT, INT>"), {0}, {}).ok());
  Result<RecordDecoderPtr> d = MakeJsonDecoder(Ddl("_corrupt_record INT"), {0}, {});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("INVALID_CORRUPT_RECORD_TYPE"), std::string::npos);
}

// Spark's docs example (examples/src/main/resources/people.json).
TEST(JsonInfer, People) {
  EXPECT_EQ(Infer("{\"name\":\"Michael\"}\n{\"name\":\"Andy\", \"age\":30}\n"
                  "{\"name\":\"Justin\", \"age\":19}\n"),
            "struct<age:bigint,name:string>");
}

// JsonSuite "Primitive field and type inferring" (TestJsonData.primitiveFieldAndType).
TEST(JsonInfer, PrimitiveFieldAndType) {
  EXPECT_EQ(Infer(R"({"string":"this is a simple string.", "integer":10, "long":21474836470, )"
                  R"("double":1.7976931348623157E308, "boolean":true, "null":null})"),
            "struct<boolean:boolean,double:double,integer:bigint,long:bigint,null:string,"
            "string:string>");
  // Beyond BIGINT, an integer is a DECIMAL of its digits.
  EXPECT_EQ(Infer(R"({"big":18446744073709551615})"), "struct<big:decimal(20,0)>");
}

// JsonSuite "Type conflict in primitive field values" (primitiveFieldValueTypeConflict),
// without the 92233720368547758070 values simdjson cannot hold.
TEST(JsonInfer, TypeConflicts) {
  EXPECT_EQ(
      Infer(
          R"({"num_num_1":11, "num_num_2":null, "num_num_3": 1.1, "num_bool":true, "num_str":13.1, "str_bool":"str1"})"
          "\n"
          R"({"num_num_1":null, "num_num_2":21474836470.9, "num_num_3": null, "num_bool":12, "num_str":null, "str_bool":true})"
          "\n"
          R"({"num_num_1":21474836470, "num_num_2":1, "num_num_3": 100, "num_bool":false, "num_str":"str1", "str_bool":false})"
          "\n"
          R"({"num_num_1":21474836570, "num_num_2":1.1, "num_num_3": 21474836470, "num_bool":null, "num_str":9, "str_bool":null})"),
      "struct<num_bool:string,num_num_1:bigint,num_num_2:double,num_num_3:double,"
      "num_str:string,str_bool:string>");
}

TEST(JsonInfer, NestedAndNulls) {
  // Struct fields sorted by name and merged across records; arrays merge elements;
  // all-null and empty-string fields are STRING; empty structs disappear.
  EXPECT_EQ(Infer(R"({"s":{"z":1,"a":"x"},"arr":[1,2.5],"n":null,"e":"","o":{}})"
                  "\n"
                  R"({"s":{"m":true},"arr":[],"n":null})"),
            "struct<arr:array<double>,e:string,n:string,s:struct<a:string,m:boolean,z:bigint>>");
  // Conflicting nested kinds become STRING.
  EXPECT_EQ(Infer("{\"a\":{\"x\":1}}\n{\"a\":[1]}"), "struct<a:string>");
  // Top-level arrays contribute their objects.
  EXPECT_EQ(Infer(R"([{"a":1},{"b":"x"}])"), "struct<a:bigint,b:string>");
  JsonReadOptions drop;
  drop.drop_field_if_all_null = true;
  EXPECT_EQ(Infer(R"({"a":null,"b":1})", drop), "struct<b:bigint>");
}

TEST(JsonInfer, Options) {
  JsonReadOptions o;
  o.primitives_as_string = true;
  EXPECT_EQ(Infer(R"({"a":1,"b":true,"c":[1.5]})", o), "struct<a:string,b:string,c:array<string>>");
  // JsonSuite "Loading a JSON dataset prefersDecimal returns schema with float types as
  // BigDecimal".
  JsonReadOptions d;
  d.prefers_decimal = true;
  EXPECT_EQ(Infer(R"({"a":1.1,"b":21474836470.9,"c":1})", d),
            "struct<a:decimal(2,1),b:decimal(12,1),c:bigint>");
  EXPECT_EQ(Infer("\n\n"), "struct<>");
}

TEST(JsonFuzz, RandomInputNeverCrashes) {
  std::mt19937 rng(42);
  const std::string alphabet = "{}[]\":,0123456789.eE-+truefalsnul \\\n\t\xff";
  SchemaPtr schema =
      Ddl("a INT, b STRING, c ARRAY<DOUBLE>, d STRUCT<x: BIGINT>, e MAP<STRING, BOOLEAN>, "
          "f TIMESTAMP, g DECIMAL(10,2), _corrupt_record STRING");
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    size_t n = rng() % 64;
    bool structured = i % 2 == 0;
    if (structured) s = "{\"a\":";
    for (size_t k = 0; k < n; ++k) {
      s.push_back(structured ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng()));
    }
    ParseStats stats;
    Result<Batch> b = DecodeJsonLines(s, schema, {}, &stats);
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(b->num_rows(), stats.records);
    EXPECT_TRUE(InferJsonSchema(s, {}).ok());
  }
}

}  // namespace
}  // namespace weir::formats

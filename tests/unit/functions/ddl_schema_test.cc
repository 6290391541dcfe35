// DDL schema strings, as Spark 3.5's DataType.fromDDL / CatalystSqlParser parse them
// (sql/api/.../parser/DataTypeAstBuilder.scala).

#include "weir/functions/ddl_schema.h"

#include <gtest/gtest.h>

namespace weir {
namespace {

DataType Parse(std::string_view text) {
  Result<DataType> r = ParseDdlSchema(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status();
  return r.ok() ? *r : DataType::Null();
}

std::string Error(std::string_view text) {
  Result<DataType> r = ParseDdlSchema(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().message();
}

TEST(DdlSchemaTest, ColumnList) {
  // from_json's doc example schema: 'a INT, b DOUBLE'.
  EXPECT_EQ("STRUCT<a: INT, b: DOUBLE>", SqlTypeString(Parse("a INT, b DOUBLE")));
  EXPECT_EQ("STRUCT<a: INT, b: STRING, c: ARRAY<STRUCT<x: DOUBLE>>>",
            SqlTypeString(Parse("a INT, b STRING, c ARRAY<STRUCT<x: DOUBLE>>")));
  // Keywords are case-insensitive.
  EXPECT_EQ("STRUCT<a: BIGINT, b: BOOLEAN>", SqlTypeString(Parse("a bigint, b Boolean")));
}

TEST(DdlSchemaTest, SingleTypes) {
  EXPECT_EQ(DataType::Int32(), Parse("INT"));
  EXPECT_EQ(DataType::Array(DataType::Int32()), Parse("array<int>"));
  EXPECT_EQ(DataType::Map(DataType::String(), DataType::Int64()), Parse("MAP<STRING, BIGINT>"));
  // `STRUCT<time: TIMESTAMP>` from the from_json doc example.
  EXPECT_EQ("STRUCT<time: TIMESTAMP>", SqlTypeString(Parse("STRUCT<time: TIMESTAMP>")));
  // The colon between a struct field's name and type is optional.
  EXPECT_EQ("STRUCT<a: INT>", SqlTypeString(Parse("struct<a int>")));
  EXPECT_EQ(DataType::Struct({}), Parse("STRUCT<>"));
}

TEST(DdlSchemaTest, Synonyms) {
  EXPECT_EQ(DataType::Int32(), Parse("integer"));
  EXPECT_EQ(DataType::Int64(), Parse("long"));
  EXPECT_EQ(DataType::DecimalUnchecked(10, 0), Parse("decimal"));
  EXPECT_EQ(DataType::DecimalUnchecked(5, 0), Parse("DEC(5)"));
  EXPECT_EQ(DataType::DecimalUnchecked(38, 18), Parse("numeric(38, 18)"));
  EXPECT_EQ(DataType::String(), Parse("varchar(10)"));
  EXPECT_EQ(DataType::String(), Parse("char(3)"));
  EXPECT_EQ(DataType::Timestamp(), Parse("timestamp_ltz"));
  EXPECT_EQ(DataType::Date(), Parse("date"));
  EXPECT_EQ(DataType::Binary(), Parse("binary"));
}

TEST(DdlSchemaTest, WidenedTypes) {
  // weir has no TINYINT/SMALLINT/FLOAT: they widen (docs/architecture.md).
  EXPECT_EQ(DataType::Int32(), Parse("tinyint"));
  EXPECT_EQ(DataType::Int32(), Parse("smallint"));
  EXPECT_EQ(DataType::Double(), Parse("float"));
}

TEST(DdlSchemaTest, QuotedNamesNotNullAndComments) {
  DataType t = Parse("`a b` INT NOT NULL, `x``y` STRING COMMENT 'the y'");
  ASSERT_EQ(TypeId::kStruct, t.id());
  EXPECT_EQ("a b", t.fields()[0].name);
  EXPECT_FALSE(t.fields()[0].nullable);
  EXPECT_EQ("x`y", t.fields()[1].name);
  EXPECT_EQ("STRUCT<`a b`: INT NOT NULL, `x``y`: STRING>", SqlTypeString(t));
  EXPECT_EQ(DataType::Struct({}), Parse(""));
}

TEST(DdlSchemaTest, SqlTypeStringQuotesAsSpark) {
  // QuotingUtils.quoteIfNeeded: all-digit names and names with other characters.
  DataType t = DataType::Struct({{"1", DataType::Int64(), true}, {"a_1", DataType::Int64(), true}});
  EXPECT_EQ("STRUCT<`1`: BIGINT, a_1: BIGINT>", SqlTypeString(t));
  EXPECT_EQ("MAP<STRING, ARRAY<DECIMAL(10,2)>>",
            SqlTypeString(DataType::Map(DataType::String(),
                                        DataType::Array(DataType::DecimalUnchecked(10, 2)))));
}

TEST(DdlSchemaTest, SyntaxErrorsNameTheTextAndPosition) {
  std::string e = Error("a INT, b");
  EXPECT_NE(std::string::npos, e.find("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input"))
      << e;
  EXPECT_NE(std::string::npos, e.find("pos 8")) << e;
  e = Error("a INT,, b INT");
  EXPECT_NE(std::string::npos, e.find("at or near ','")) << e;
  EXPECT_NE(std::string::npos, e.find("pos 6")) << e;
  e = Error("ARRAY<INT");
  EXPECT_NE(std::string::npos, e.find("end of input")) << e;
  e = Error("a INT $");
  EXPECT_NE(std::string::npos, e.find("'$'")) << e;
  e = Error("a 'unterminated");
  EXPECT_NE(std::string::npos, e.find("PARSE_SYNTAX_ERROR")) << e;
  Result<DataType> r = ParseDdlSchema("a INT,, b INT");
  EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
  EXPECT_EQ(7, r.status().position().column);
}

TEST(DdlSchemaTest, UnsupportedTypes) {
  std::string e = Error("a FOO");
  EXPECT_NE(std::string::npos, e.find("[UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\"")) << e;
  e = Error("a timestamp_ntz");
  EXPECT_NE(std::string::npos, e.find("\"TIMESTAMP_NTZ\"")) << e;
  e = Error("a INT(3)");
  EXPECT_NE(std::string::npos, e.find("\"INT(3)\"")) << e;
  e = Error("a DECIMAL(40, 2)");
  EXPECT_NE(std::string::npos, e.find("[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION]")) << e;
  e = Error("a DECIMAL(2, 5)");
  EXPECT_NE(std::string::npos, e.find("DECIMAL(2,5)")) << e;
}

TEST(DdlSchemaTest, NeverCrashesOnGarbage) {
  const char* inputs[] = {"<",          ">",
                          "ARRAY<",     "MAP<INT>",
                          "STRUCT<a:",  "`",
                          "a DECIMAL(", "a DECIMAL(99999999999999)",
                          "a INT NOT",  "a INT COMMENT",
                          "STRUCT<,>",  ",",
                          "((((",       "a\x01"};
  for (const char* in : inputs) EXPECT_FALSE(ParseDdlSchema(in).ok()) << in;
}

}  // namespace
}  // namespace weir

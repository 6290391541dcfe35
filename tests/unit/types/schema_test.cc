#include "weir/types/schema.h"

#include <gtest/gtest.h>

namespace weir {
namespace {

TEST(SchemaTest, Accessors) {
  Schema s({{"id", DataType::Int64(), false}, {"name", DataType::String()}});
  EXPECT_EQ(2, s.num_fields());
  EXPECT_EQ("id", s.field(0).name);
  EXPECT_FALSE(s.field(0).nullable);
  EXPECT_EQ(DataType::String(), s.field(1).type);
  EXPECT_EQ(2u, s.fields().size());
  EXPECT_EQ(0, Schema().num_fields());
}

// Spark resolves names case-insensitively by default (spark.sql.caseSensitive=false).
TEST(SchemaTest, FieldIndexIsCaseInsensitive) {
  Schema s({{"Id", DataType::Int64()}, {"name", DataType::String()}});
  EXPECT_EQ(0, *s.FieldIndex("id"));
  EXPECT_EQ(0, *s.FieldIndex("ID"));
  EXPECT_EQ(1, *s.FieldIndex("NaMe"));
  EXPECT_EQ(1, s.FindField("NAME"));
  EXPECT_EQ(std::nullopt, s.FindField("nam"));

  Result<int> missing = s.FieldIndex("age");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(StatusCode::kNotFound, missing.status().code());
  EXPECT_EQ("column 'age' not found", missing.status().message());
}

TEST(SchemaTest, AmbiguousName) {
  Schema s({{"a", DataType::Int64()}, {"b", DataType::String()}, {"A", DataType::Int32()}});
  Result<int> r = s.FieldIndex("a");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, r.status().code());
  EXPECT_EQ("column name 'a' is ambiguous", r.status().message());
  // FindField takes the first match.
  EXPECT_EQ(0, s.FindField("A"));
  EXPECT_EQ(1, *s.FieldIndex("B"));
}

TEST(SchemaTest, EqualsIgnoreCase) {
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_TRUE(EqualsIgnoreCase("abcXYZ_09", "ABCxyz_09"));
  EXPECT_FALSE(EqualsIgnoreCase("abc", "abcd"));
  EXPECT_FALSE(EqualsIgnoreCase("a_", "a-"));
  // Only ASCII letters fold; '@' (0x40) and '`' (0x60) stay distinct.
  EXPECT_FALSE(EqualsIgnoreCase("@", "`"));
  EXPECT_FALSE(EqualsIgnoreCase("[", "{"));
}

TEST(SchemaTest, ToStringAndAsStruct) {
  Schema s({{"a", DataType::Int32()}, {"b", DataType::String()}});
  EXPECT_EQ("struct<a:int,b:string>", s.ToString());
  EXPECT_EQ(DataType::Struct(s.fields()), s.AsStruct());
  EXPECT_EQ("struct<>", Schema().ToString());
}

TEST(SchemaTest, Equality) {
  EXPECT_EQ(Schema({{"a", DataType::Int32()}}), Schema({{"a", DataType::Int32()}}));
  EXPECT_FALSE(Schema({{"a", DataType::Int32()}}) == Schema({{"A", DataType::Int32()}}));
  EXPECT_FALSE(Schema({{"a", DataType::Int32()}}) == Schema({{"a", DataType::Int32(), false}}));
  EXPECT_FALSE(Schema({{"a", DataType::Int32()}}) == Schema({{"a", DataType::Int64()}}));
}

TEST(SchemaTest, MakeSchemaShares) {
  SchemaPtr p = MakeSchema({{"x", DataType::Double()}});
  EXPECT_EQ(1, p->num_fields());
  EXPECT_EQ("x", p->field(0).name);
}

// Spark 3.5 StructType.printTreeString / treeString, using DataType.typeName
// ("integer", "long", "interval", "decimal(p,s)"). MapType prints "-- key: <type>"
// without a nullability note.
TEST(SchemaTest, TreeStringMatchesSparkPrintSchema) {
  DataType inner = DataType::Struct({{"x", DataType::Int32()}, {"y", DataType::String(), false}});
  Schema s({
      {"id", DataType::Int64(), false},
      {"flag", DataType::Boolean()},
      {"price", DataType::DecimalUnchecked(10, 2)},
      {"d", DataType::Date()},
      {"ts", DataType::Timestamp()},
      {"iv", DataType::Interval()},
      {"bin", DataType::Binary()},
      {"dbl", DataType::Double()},
      {"n", DataType::Null()},
      {"s", inner},
      {"arr", DataType::Array(inner, false)},
      {"m", DataType::Map(DataType::String(), DataType::Array(DataType::Int32()), true)},
  });
  EXPECT_EQ(
      "root\n"
      " |-- id: long (nullable = false)\n"
      " |-- flag: boolean (nullable = true)\n"
      " |-- price: decimal(10,2) (nullable = true)\n"
      " |-- d: date (nullable = true)\n"
      " |-- ts: timestamp (nullable = true)\n"
      " |-- iv: interval (nullable = true)\n"
      " |-- bin: binary (nullable = true)\n"
      " |-- dbl: double (nullable = true)\n"
      " |-- n: void (nullable = true)\n"
      " |-- s: struct (nullable = true)\n"
      " |    |-- x: integer (nullable = true)\n"
      " |    |-- y: string (nullable = false)\n"
      " |-- arr: array (nullable = true)\n"
      " |    |-- element: struct (containsNull = false)\n"
      " |    |    |-- x: integer (nullable = true)\n"
      " |    |    |-- y: string (nullable = false)\n"
      " |-- m: map (nullable = true)\n"
      " |    |-- key: string\n"
      " |    |-- value: array (valueContainsNull = true)\n"
      " |    |    |-- element: integer (containsNull = true)\n",
      s.TreeString());
  EXPECT_EQ("root\n", Schema().TreeString());
}

}  // namespace
}  // namespace weir

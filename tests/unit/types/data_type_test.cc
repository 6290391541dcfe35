#include "weir/types/data_type.h"

#include <sstream>

#include <gtest/gtest.h>

#include "weir/types/decimal.h"
#include "weir/types/string_ref.h"

namespace weir {
namespace {

DataType StructAB() {
  return DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
}

TEST(DataTypeTest, DefaultIsNull) {
  DataType t;
  EXPECT_EQ(TypeId::kNull, t.id());
  EXPECT_TRUE(t.is_null());
  EXPECT_EQ(DataType::Null(), t);
}

TEST(DataTypeTest, Predicates) {
  EXPECT_TRUE(DataType::Array(DataType::Int32()).is_nested());
  EXPECT_TRUE(DataType::Map(DataType::String(), DataType::Int64()).is_nested());
  EXPECT_TRUE(StructAB().is_nested());
  EXPECT_FALSE(DataType::String().is_nested());
  EXPECT_TRUE(DataType::String().is_string_like());
  EXPECT_TRUE(DataType::Binary().is_string_like());
  EXPECT_FALSE(DataType::Date().is_string_like());
  EXPECT_TRUE(DataType::Int32().is_numeric());
  EXPECT_TRUE(DataType::Int64().is_numeric());
  EXPECT_TRUE(DataType::Double().is_numeric());
  EXPECT_TRUE(DataType::DecimalUnchecked(10, 2).is_numeric());
  EXPECT_FALSE(DataType::Boolean().is_numeric());
  EXPECT_FALSE(DataType::Timestamp().is_numeric());
  EXPECT_FALSE(DataType::Null().is_nested());
}

TEST(DataTypeTest, ByteWidthMatchesPhysicalLayout) {
  EXPECT_EQ(1, DataType::Boolean().byte_width());
  EXPECT_EQ(4, DataType::Int32().byte_width());
  EXPECT_EQ(4, DataType::Date().byte_width());
  EXPECT_EQ(8, DataType::Int64().byte_width());
  EXPECT_EQ(8, DataType::Timestamp().byte_width());
  EXPECT_EQ(8, DataType::Double().byte_width());
  EXPECT_EQ(static_cast<int>(sizeof(Int128)), DataType::DecimalUnchecked(38, 0).byte_width());
  EXPECT_EQ(static_cast<int>(sizeof(StringRef)), DataType::String().byte_width());
  EXPECT_EQ(static_cast<int>(sizeof(StringRef)), DataType::Binary().byte_width());
  EXPECT_EQ(16, DataType::Interval().byte_width());
  EXPECT_EQ(0, DataType::Null().byte_width());
  EXPECT_EQ(0, DataType::Array(DataType::Int32()).byte_width());
  EXPECT_EQ(0, DataType::Map(DataType::Int32(), DataType::Int32()).byte_width());
  EXPECT_EQ(0, StructAB().byte_width());
}

TEST(DataTypeTest, DecimalValidation) {
  Result<DataType> ok = DataType::Decimal(10, 2);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(10, ok->precision());
  EXPECT_EQ(2, ok->scale());
  EXPECT_TRUE(DataType::Decimal(1, 0).ok());
  EXPECT_TRUE(DataType::Decimal(38, 38).ok());
  EXPECT_TRUE(DataType::Decimal(38, 0).ok());

  for (auto [p, s] :
       std::vector<std::pair<int, int>>{{0, 0}, {39, 0}, {-1, 0}, {10, 11}, {10, -1}, {100, 2}}) {
    Result<DataType> bad = DataType::Decimal(p, s);
    ASSERT_FALSE(bad.ok()) << p << "," << s;
    EXPECT_EQ(StatusCode::kInvalidArgument, bad.status().code());
  }
  EXPECT_EQ("DECIMAL precision 39 is out of range [1, 38]",
            DataType::Decimal(39, 0).status().message());
  EXPECT_EQ("DECIMAL scale 11 is out of range [0, precision 10]",
            DataType::Decimal(10, 11).status().message());
}

// Spark's DataType.simpleString.
TEST(DataTypeTest, ToStringIsSparkSimpleString) {
  EXPECT_EQ("void", DataType::Null().ToString());
  EXPECT_EQ("boolean", DataType::Boolean().ToString());
  EXPECT_EQ("int", DataType::Int32().ToString());
  EXPECT_EQ("bigint", DataType::Int64().ToString());
  EXPECT_EQ("double", DataType::Double().ToString());
  EXPECT_EQ("decimal(10,2)", DataType::DecimalUnchecked(10, 2).ToString());
  EXPECT_EQ("string", DataType::String().ToString());
  EXPECT_EQ("binary", DataType::Binary().ToString());
  EXPECT_EQ("date", DataType::Date().ToString());
  EXPECT_EQ("timestamp", DataType::Timestamp().ToString());
  EXPECT_EQ("interval", DataType::Interval().ToString());
  EXPECT_EQ("array<string>", DataType::Array(DataType::String()).ToString());
  EXPECT_EQ("map<string,int>", DataType::Map(DataType::String(), DataType::Int32()).ToString());
  EXPECT_EQ("struct<a:int,b:string>", StructAB().ToString());
  EXPECT_EQ("struct<>", DataType::Struct({}).ToString());
  EXPECT_EQ("array<struct<a:int,b:string>>", DataType::Array(StructAB()).ToString());
  EXPECT_EQ(
      "map<string,array<map<int,decimal(38,18)>>>",
      DataType::Map(DataType::String(), DataType::Array(DataType::Map(
                                            DataType::Int32(), DataType::DecimalUnchecked(38, 18))))
          .ToString());
}

// Spark's DataType.sql: MapType.sql is "MAP<k, v>" and StructType.sql "STRUCT<a: T, ...>".
TEST(DataTypeTest, ToDdlIsSparkSql) {
  EXPECT_EQ("VOID", DataType::Null().ToDdl());
  EXPECT_EQ("BIGINT", DataType::Int64().ToDdl());
  EXPECT_EQ("DECIMAL(10,2)", DataType::DecimalUnchecked(10, 2).ToDdl());
  EXPECT_EQ("ARRAY<STRING>", DataType::Array(DataType::String()).ToDdl());
  EXPECT_EQ("MAP<STRING, INT>", DataType::Map(DataType::String(), DataType::Int32()).ToDdl());
  EXPECT_EQ("STRUCT<a: INT, b: STRING>", StructAB().ToDdl());
  EXPECT_EQ("STRUCT<a: INT NOT NULL>", DataType::Struct({{"a", DataType::Int32(), false}}).ToDdl());
  EXPECT_EQ("ARRAY<MAP<STRING, STRUCT<a: INT, b: STRING>>>",
            DataType::Array(DataType::Map(DataType::String(), StructAB())).ToDdl());
}

TEST(DataTypeTest, NestedAccessors) {
  DataType arr = DataType::Array(DataType::Int64(), false);
  EXPECT_EQ(DataType::Int64(), arr.element_type());
  EXPECT_FALSE(arr.contains_null());
  EXPECT_TRUE(DataType::Array(DataType::Int64()).contains_null());

  DataType map = DataType::Map(DataType::String(), DataType::Double(), false);
  EXPECT_EQ(DataType::String(), map.key_type());
  EXPECT_EQ(DataType::Double(), map.value_type());
  EXPECT_FALSE(map.value_contains_null());
  EXPECT_TRUE(DataType::Map(DataType::String(), DataType::Double()).value_contains_null());

  DataType st = StructAB();
  ASSERT_EQ(2u, st.fields().size());
  EXPECT_EQ("a", st.fields()[0].name);
  EXPECT_EQ(DataType::String(), st.fields()[1].type);
  EXPECT_TRUE(st.fields()[1].nullable);
}

TEST(DataTypeTest, EqualityIsStructural) {
  EXPECT_EQ(DataType::Int32(), DataType::Int32());
  EXPECT_NE(DataType::Int32(), DataType::Int64());
  EXPECT_NE(DataType::Int32(), DataType::Date());
  EXPECT_NE(DataType::String(), DataType::Binary());
  EXPECT_EQ(DataType::DecimalUnchecked(10, 2), DataType::DecimalUnchecked(10, 2));
  EXPECT_NE(DataType::DecimalUnchecked(10, 2), DataType::DecimalUnchecked(10, 3));
  EXPECT_NE(DataType::DecimalUnchecked(10, 2), DataType::DecimalUnchecked(11, 2));

  // Separately built trees compare equal.
  EXPECT_EQ(DataType::Array(StructAB()), DataType::Array(StructAB()));
  EXPECT_NE(DataType::Array(DataType::Int32()), DataType::Array(DataType::Int64()));
  EXPECT_NE(DataType::Array(DataType::Int32(), true), DataType::Array(DataType::Int32(), false));
  EXPECT_NE(DataType::Map(DataType::Int32(), DataType::Int32(), true),
            DataType::Map(DataType::Int32(), DataType::Int32(), false));
  EXPECT_NE(DataType::Map(DataType::Int32(), DataType::Int32()),
            DataType::Map(DataType::Int64(), DataType::Int32()));
  EXPECT_NE(DataType::Map(DataType::Int32(), DataType::Int32()),
            DataType::Map(DataType::Int32(), DataType::Int64()));
  // Field names, types and nullability all count.
  EXPECT_NE(StructAB(), DataType::Struct({{"a", DataType::Int32()}, {"c", DataType::String()}}));
  EXPECT_NE(StructAB(), DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::Binary()}}));
  EXPECT_NE(StructAB(),
            DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String(), false}}));
  EXPECT_NE(StructAB(), DataType::Struct({{"a", DataType::Int32()}}));
  // An array and a map never equal each other even with the same children.
  EXPECT_NE(DataType::Array(DataType::Int32()), DataType::Struct({}));
}

TEST(DataTypeTest, CopiesShareTheTree) {
  DataType a = DataType::Array(DataType::Array(StructAB()));
  DataType b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(&a.element_type(), &b.element_type());
}

TEST(DataTypeTest, StreamsSimpleString) {
  std::ostringstream os;
  os << DataType::Map(DataType::String(), DataType::Int64());
  EXPECT_EQ("map<string,bigint>", os.str());
}

}  // namespace
}  // namespace weir

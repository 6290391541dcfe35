#include "weir/types/value.h"

#include <cmath>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>

#include "types_test_util.h"

namespace weir {
namespace {

using testing::I32;
using testing::I64;
using testing::MakeColumn;
using testing::NullOf;
using testing::Str;

TEST(ValueTest, DefaultIsNullOfNullType) {
  Value v;
  EXPECT_TRUE(v.is_null());
  EXPECT_EQ(DataType::Null(), v.type());
  EXPECT_EQ("NULL", v.ToString());
}

TEST(ValueTest, TypedNull) {
  Value v = Value::Null(DataType::Int64());
  EXPECT_TRUE(v.is_null());
  EXPECT_EQ(DataType::Int64(), v.type());
  EXPECT_EQ("NULL", v.ToString());
}

TEST(ValueTest, ConstructorsAndAccessors) {
  EXPECT_TRUE(Value::Boolean(true).boolean());
  EXPECT_EQ(DataType::Boolean(), Value::Boolean(false).type());
  EXPECT_EQ(-5, Value::Int32(-5).int32());
  EXPECT_EQ(DataType::Int32(), Value::Int32(1).type());
  EXPECT_EQ(INT64_MIN, Value::Int64(INT64_MIN).int64());
  EXPECT_EQ(1.5, Value::Double(1.5).float64());
  Value d = Value::Decimal(-12345, 7, 2);
  EXPECT_EQ(Int128(-12345), d.decimal());
  EXPECT_EQ(DataType::DecimalUnchecked(7, 2), d.type());
  EXPECT_EQ("abc", Value::String("abc").str());
  EXPECT_EQ(DataType::String(), Value::String("").type());
  EXPECT_EQ(std::string("\0\1", 2), Value::Binary(std::string("\0\1", 2)).str());
  EXPECT_EQ(DataType::Binary(), Value::Binary("").type());
  EXPECT_EQ(19787, Value::Date(19787).int32());
  EXPECT_EQ(DataType::Date(), Value::Date(0).type());
  EXPECT_EQ(-1, Value::Timestamp(-1).int64());
  EXPECT_EQ(DataType::Timestamp(), Value::Timestamp(0).type());
  EXPECT_EQ((Interval{1, 2, 3}), Value::IntervalValue({1, 2, 3}).interval());
  EXPECT_EQ(DataType::Interval(), Value::IntervalValue({}).type());
  EXPECT_FALSE(Value::String("").is_null());

  Value arr = Value::Array(DataType::Int32(), {I32(1), NullOf(DataType::Int32())});
  EXPECT_EQ(DataType::Array(DataType::Int32()), arr.type());
  ASSERT_EQ(2u, arr.elements().size());
  EXPECT_TRUE(arr.elements()[1].is_null());

  Value map = Value::Map(DataType::String(), DataType::Int64(), {{Str("a"), I64(1)}});
  EXPECT_EQ(DataType::Map(DataType::String(), DataType::Int64()), map.type());
  ASSERT_EQ(1u, map.entries().size());
  EXPECT_EQ(Str("a"), map.entries()[0].first);

  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  Value s = Value::Struct(st, {I32(1), Str("x")});
  EXPECT_EQ(st, s.type());
  EXPECT_EQ(Str("x"), s.elements()[1]);
}

TEST(ValueTest, Equality) {
  EXPECT_EQ(I32(1), I32(1));
  EXPECT_NE(I32(1), I32(2));
  // Same number, different types.
  EXPECT_NE(I32(1), I64(1));
  EXPECT_NE(I32(1), Value::Date(1));
  EXPECT_NE(I64(1), Value::Timestamp(1));
  EXPECT_NE(Str("a"), Value::Binary("a"));
  EXPECT_NE(Value::Decimal(100, 5, 2), Value::Decimal(100, 5, 1));
  EXPECT_EQ(Value::Decimal(100, 5, 2), Value::Decimal(100, 5, 2));
  // NULLs are equal to NULLs of the same type only.
  EXPECT_EQ(Value(), Value());
  EXPECT_EQ(NullOf(DataType::Int32()), NullOf(DataType::Int32()));
  EXPECT_NE(NullOf(DataType::Int32()), NullOf(DataType::Int64()));
  EXPECT_NE(NullOf(DataType::Int32()), I32(0));
  EXPECT_NE(Value(), NullOf(DataType::Int32()));
  // NaN equals NaN here (structural equality), and 0.0 equals -0.0.
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Value::Double(nan), Value::Double(nan));
  EXPECT_NE(Value::Double(nan), Value::Double(1.0));
  EXPECT_EQ(Value::Double(0.0), Value::Double(-0.0));
  EXPECT_EQ(Value::IntervalValue({1, 2, 3}), Value::IntervalValue({1, 2, 3}));
  EXPECT_NE(Value::IntervalValue({1, 2, 3}), Value::IntervalValue({1, 2, 4}));

  // Nested: by contents, not by pointer.
  auto arr = [](std::vector<Value> v) { return Value::Array(DataType::Int32(), std::move(v)); };
  EXPECT_EQ(arr({I32(1), NullOf(DataType::Int32())}), arr({I32(1), NullOf(DataType::Int32())}));
  EXPECT_NE(arr({I32(1)}), arr({I32(1), I32(2)}));
  EXPECT_NE(arr({I32(1)}), arr({I32(2)}));
  EXPECT_NE(arr({}), Value::Array(DataType::Int64(), {}));
  EXPECT_EQ(arr({Value::Int32(1)}), arr({Value::Int32(1)}));
  auto map = [](std::vector<std::pair<Value, Value>> e) {
    return Value::Map(DataType::String(), DataType::Int64(), std::move(e));
  };
  EXPECT_EQ(map({{Str("a"), I64(1)}}), map({{Str("a"), I64(1)}}));
  EXPECT_NE(map({{Str("a"), I64(1)}}), map({{Str("a"), I64(2)}}));
  EXPECT_NE(map({{Str("a"), I64(1)}}), map({{Str("b"), I64(1)}}));
  DataType st = DataType::Struct({{"a", DataType::Int32()}});
  DataType st2 = DataType::Struct({{"b", DataType::Int32()}});
  EXPECT_EQ(Value::Struct(st, {I32(1)}), Value::Struct(st, {I32(1)}));
  EXPECT_NE(Value::Struct(st, {I32(1)}), Value::Struct(st, {I32(2)}));
  EXPECT_NE(Value::Struct(st, {I32(1)}), Value::Struct(st2, {I32(1)}));
}

TEST(ValueTest, CopiesShareNestedContents) {
  Value a = Value::Array(DataType::String(), {Str("x"), Str("y")});
  Value b = a;
  EXPECT_EQ(&a.elements(), &b.elements());
  EXPECT_EQ(a, b);
}

TEST(ValueTest, ToStringRendersLikeSparkShow) {
  EXPECT_EQ("true", Value::Boolean(true).ToString());
  EXPECT_EQ("-7", I32(-7).ToString());
  EXPECT_EQ("9223372036854775807", I64(INT64_MAX).ToString());
  EXPECT_EQ("1.0", Value::Double(1).ToString());
  EXPECT_EQ("-0.05", Value::Decimal(-5, 3, 2).ToString());
  EXPECT_EQ("hello", Str("hello").ToString());
  EXPECT_EQ("[01 AB]", Value::Binary("\x01\xab").ToString());
  EXPECT_EQ("2024-03-05", Value::Date(19787).ToString());
  EXPECT_EQ("1970-01-01 00:00:00.5", Value::Timestamp(500000).ToString());
  EXPECT_EQ("1 months 2 days", Value::IntervalValue({1, 2, 0}).ToString());
  EXPECT_EQ("[1, NULL]",
            Value::Array(DataType::Int32(), {I32(1), NullOf(DataType::Int32())}).ToString());
  EXPECT_EQ("{a -> NULL}", Value::Map(DataType::String(), DataType::Int64(),
                                      {{Str("a"), NullOf(DataType::Int64())}})
                               .ToString());
  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  EXPECT_EQ("{1, NULL}", Value::Struct(st, {I32(1), NullOf(DataType::String())}).ToString());
}

TEST(ValueTest, StreamOperatorPrintsValueAndType) {
  std::ostringstream os;
  os << I64(5) << " " << Value() << " " << Str("x");
  EXPECT_EQ("5:bigint NULL:void x:string", os.str());
}

TEST(ValueTest, GetValueReadsEveryType) {
  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  std::vector<std::pair<DataType, Value>> cases = {
      {DataType::Boolean(), Value::Boolean(false)},
      {DataType::Int32(), I32(42)},
      {DataType::Int64(), I64(-42)},
      {DataType::Double(), Value::Double(2.5)},
      {DataType::DecimalUnchecked(20, 5), Value::Decimal(Int128(123456789) * 1000000, 20, 5)},
      {DataType::String(), Str(std::string(100, 'q'))},
      {DataType::Binary(), Value::Binary(std::string("\0\xff\x10", 3))},
      {DataType::Date(), Value::Date(-1)},
      {DataType::Timestamp(), Value::Timestamp(INT64_MIN)},
      {DataType::Interval(), Value::IntervalValue({-1, 0, 7})},
      {DataType::Array(DataType::String()), Value::Array(DataType::String(), {Str(""), Str("b")})},
      {st, Value::Struct(st, {I32(9), Str("nine")})},
  };
  for (const auto& [type, value] : cases) {
    ColumnPtr c = MakeColumn(type, {NullOf(type), value});
    Value null = GetValue(*c, 0);
    EXPECT_TRUE(null.is_null()) << type;
    EXPECT_EQ(type, null.type());
    Value got = GetValue(*c, 1);
    EXPECT_EQ(value, got) << type;
    EXPECT_EQ(type, got.type());
  }
  ColumnPtr nulls = Column::MakeAllNull(DataType::Null(), 1);
  EXPECT_EQ(Value(), GetValue(*nulls, 0));
}

}  // namespace
}  // namespace weir

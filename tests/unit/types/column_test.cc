#include "weir/types/column.h"

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "weir/types/builder.h"
#include "weir/types/value.h"

#include "types_test_util.h"

namespace weir {
namespace {

using testing::ColumnValues;
using testing::I32;
using testing::I64;
using testing::MakeColumn;
using testing::NullOf;
using testing::Str;

// A raw int64 column with `n` rows valued i * 10 and the given bitmap (or none).
ColumnPtr RawInt64(int64_t n, const std::vector<bool>* valid) {
  Column::Parts p;
  p.type = DataType::Int64();
  p.length = n;
  p.values = AllocateBuffer(static_cast<size_t>(n) * 8);
  p.values->Resize(static_cast<size_t>(n) * 8);
  for (int64_t i = 0; i < n; ++i) p.values->as<int64_t>()[i] = i * 10;
  if (valid != nullptr) {
    p.validity = AllocateBuffer(BitmapWords(n) * 8);
    p.validity->Resize(BitmapWords(n) * 8);
    // Garbage past the end must not count as NULLs or values.
    std::memset(p.validity->data(), 0xA5, p.validity->size());
    for (int64_t i = 0; i < n; ++i) {
      if ((*valid)[static_cast<size_t>(i)]) {
        SetBit(p.validity->as<uint64_t>(), i);
      } else {
        ClearBit(p.validity->as<uint64_t>(), i);
      }
    }
  }
  return Column::Make(std::move(p));
}

std::vector<uint32_t> Indices(std::initializer_list<uint32_t> v) { return v; }

TEST(BitmapTest, Helpers) {
  EXPECT_EQ(0u, BitmapWords(0));
  EXPECT_EQ(1u, BitmapWords(1));
  EXPECT_EQ(1u, BitmapWords(64));
  EXPECT_EQ(2u, BitmapWords(65));
  uint64_t bits[2] = {0, 0};
  SetBit(bits, 0);
  SetBit(bits, 63);
  SetBit(bits, 64);
  EXPECT_EQ(0x8000000000000001ULL, bits[0]);
  EXPECT_EQ(1ULL, bits[1]);
  EXPECT_TRUE(GetBit(bits, 63));
  EXPECT_FALSE(GetBit(bits, 62));
  ClearBit(bits, 63);
  EXPECT_FALSE(GetBit(bits, 63));
  EXPECT_TRUE(GetBit(bits, 64));
}

TEST(ColumnTest, MakeWithoutValidityHasNoNulls) {
  ColumnPtr c = RawInt64(5, nullptr);
  EXPECT_EQ(5, c->length());
  EXPECT_EQ(0, c->null_count());
  EXPECT_FALSE(c->may_have_nulls());
  EXPECT_EQ(nullptr, c->validity_bits());
  for (int64_t i = 0; i < 5; ++i) {
    EXPECT_TRUE(c->IsValid(i));
    EXPECT_EQ(i * 10, c->Get<int64_t>(i));
  }
  EXPECT_EQ(c->values<int64_t>(), &c->Get<int64_t>(0));
}

TEST(ColumnTest, AllValidBitmapIsDropped) {
  std::vector<bool> valid(70, true);
  ColumnPtr c = RawInt64(70, &valid);
  EXPECT_EQ(0, c->null_count());
  EXPECT_EQ(nullptr, c->validity_bits());
  EXPECT_EQ(nullptr, c->validity_buffer());
}

TEST(ColumnTest, NullCountIgnoresBitsPastTheEnd) {
  for (int64_t n : {1, 63, 64, 65, 127, 128, 129, 200}) {
    std::vector<bool> valid(static_cast<size_t>(n));
    int64_t expected_nulls = 0;
    for (int64_t i = 0; i < n; ++i) {
      valid[static_cast<size_t>(i)] = i % 3 != 0;
      expected_nulls += i % 3 == 0;
    }
    ColumnPtr c = RawInt64(n, &valid);
    EXPECT_EQ(expected_nulls, c->null_count()) << n;
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(i % 3 == 0, c->IsNull(i)) << n << ":" << i;
  }
}

TEST(ColumnTest, NullCountsAtWordBoundaries) {
  for (int64_t null_row : {0, 62, 63, 64, 65, 127, 128, 129}) {
    std::vector<bool> valid(130, true);
    valid[static_cast<size_t>(null_row)] = false;
    ColumnPtr c = RawInt64(130, &valid);
    EXPECT_EQ(1, c->null_count()) << null_row;
    EXPECT_TRUE(c->IsNull(null_row));
    if (null_row > 0) {
      EXPECT_TRUE(c->IsValid(null_row - 1));
    }
    if (null_row + 1 < 130) {
      EXPECT_TRUE(c->IsValid(null_row + 1));
    }
  }
}

TEST(ColumnTest, NullTypeIsAllNull) {
  Column::Parts p;
  p.type = DataType::Null();
  p.length = 70;
  ColumnPtr c = Column::Make(std::move(p));
  EXPECT_EQ(70, c->null_count());
  for (int64_t i = 0; i < 70; ++i) EXPECT_TRUE(c->IsNull(i));

  Column::Parts empty;
  empty.type = DataType::Null();
  ColumnPtr e = Column::Make(std::move(empty));
  EXPECT_EQ(0, e->length());
  EXPECT_EQ(0, e->null_count());
}

TEST(ColumnTest, MakeAllNullEveryType) {
  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  std::vector<DataType> types = {
      DataType::Null(),
      DataType::Boolean(),
      DataType::Int32(),
      DataType::Int64(),
      DataType::Double(),
      DataType::DecimalUnchecked(38, 10),
      DataType::String(),
      DataType::Binary(),
      DataType::Date(),
      DataType::Timestamp(),
      DataType::Interval(),
      DataType::Array(DataType::Int32()),
      DataType::Map(DataType::String(), DataType::Int64()),
      st,
      DataType::Array(DataType::Map(DataType::String(), st)),
  };
  for (const DataType& t : types) {
    for (int64_t n : {0, 1, 64, 65, 130}) {
      ColumnPtr c = Column::MakeAllNull(t, n);
      EXPECT_EQ(t, c->type());
      EXPECT_EQ(n, c->length());
      EXPECT_EQ(n, c->null_count()) << t;
      for (int64_t i = 0; i < n; ++i) {
        ASSERT_TRUE(c->IsNull(i)) << t << " row " << i;
        EXPECT_EQ(Value::Null(t), GetValue(*c, i));
      }
      if (t.id() == TypeId::kArray || t.id() == TypeId::kMap) {
        EXPECT_EQ(t.id() == TypeId::kArray ? 1 : 2, c->num_children());
        for (int64_t i = 0; i <= n; ++i) EXPECT_EQ(0, c->offsets()[i]);
        EXPECT_EQ(0, c->child(0)->length());
      }
      if (t.id() == TypeId::kStruct) {
        ASSERT_EQ(2, c->num_children());
        EXPECT_EQ(n, c->child(0)->length());
        EXPECT_EQ(n, c->child(1)->null_count());
      }
      // Taking rows of an all-NULL column keeps them NULL.
      if (n > 0) {
        std::vector<uint32_t> idx = {0, static_cast<uint32_t>(n - 1)};
        ColumnPtr taken = c->Take(idx.data(), 2);
        EXPECT_EQ(2, taken->null_count()) << t;
      }
    }
  }
}

TEST(ColumnTest, TakePrimitiveWithNulls) {
  ColumnPtr c = MakeColumn(DataType::Int32(), {I32(1), NullOf(DataType::Int32()), I32(3), I32(4)});
  auto idx = Indices({3, 1, 0, 0, 2});
  ColumnPtr t = c->Take(idx.data(), 5);
  EXPECT_EQ(5, t->length());
  EXPECT_EQ(1, t->null_count());
  EXPECT_EQ((std::vector<Value>{I32(4), NullOf(DataType::Int32()), I32(1), I32(1), I32(3)}),
            ColumnValues(*t));
  // The source is unchanged.
  EXPECT_EQ(4, c->length());
  EXPECT_EQ(1, c->null_count());
}

TEST(ColumnTest, TakeDropsNullsWhenNoneSelected) {
  ColumnPtr c = MakeColumn(DataType::Int64(), {I64(1), NullOf(DataType::Int64()), I64(3)});
  auto idx = Indices({0, 2});
  ColumnPtr t = c->Take(idx.data(), 2);
  EXPECT_EQ(0, t->null_count());
  EXPECT_EQ((std::vector<Value>{I64(1), I64(3)}), ColumnValues(*t));
}

TEST(ColumnTest, TakeNothing) {
  ColumnPtr c = MakeColumn(DataType::String(),
                           {Str("a"), NullOf(DataType::String()), Str(std::string(40, 'z'))});
  ColumnPtr t = c->Take(nullptr, 0);
  EXPECT_EQ(0, t->length());
  EXPECT_EQ(0, t->null_count());
  EXPECT_EQ(DataType::String(), t->type());
  DataType arr = DataType::Array(DataType::Int32());
  ColumnPtr a = MakeColumn(arr, {NullOf(arr), Value::Array(DataType::Int32(), {I32(1)})});
  ColumnPtr ta = a->Take(nullptr, 0);
  EXPECT_EQ(0, ta->length());
  EXPECT_EQ(0, ta->offsets()[0]);
  EXPECT_EQ(0, ta->child(0)->length());
}

TEST(ColumnTest, TakeEveryFixedWidth) {
  struct Case {
    DataType type;
    std::vector<Value> values;
  };
  std::vector<Case> cases = {
      {DataType::Boolean(), {Value::Boolean(true), Value::Boolean(false), Value::Boolean(true)}},
      {DataType::Double(), {Value::Double(1.5), Value::Double(-0.0), Value::Double(1e300)}},
      {DataType::DecimalUnchecked(38, 2),
       {Value::Decimal(PowerOfTen(37), 38, 2), Value::Decimal(-5, 38, 2),
        Value::Decimal(0, 38, 2)}},
      {DataType::Date(), {Value::Date(0), Value::Date(-1), Value::Date(19787)}},
      {DataType::Timestamp(),
       {Value::Timestamp(0), Value::Timestamp(-1), Value::Timestamp(INT64_MAX)}},
      {DataType::Interval(),
       {Value::IntervalValue({1, 2, 3}), Value::IntervalValue({}),
        Value::IntervalValue({-1, -2, INT64_MIN})}},
  };
  auto idx = Indices({2, 0, 1, 2});
  for (const Case& k : cases) {
    ColumnPtr c = MakeColumn(k.type, k.values);
    ColumnPtr t = c->Take(idx.data(), 4);
    EXPECT_EQ((std::vector<Value>{k.values[2], k.values[0], k.values[1], k.values[2]}),
              ColumnValues(*t))
        << k.type;
  }
}

TEST(ColumnTest, TakeStringsSharesLongStringBytes) {
  std::string long1(100, 'a');
  std::string long2 = std::string(StringBuilder::kChunkBytes + 10, 'b');
  ColumnPtr c = MakeColumn(DataType::String(), {Str("short"), Str(long1),
                                                NullOf(DataType::String()), Str(long2), Str("")});
  ASSERT_FALSE(c->string_data().empty());
  auto idx = Indices({3, 1, 0, 2, 4, 1});
  ColumnPtr t = c->Take(idx.data(), 6);
  EXPECT_EQ((std::vector<Value>{Str(long2), Str(long1), Str("short"), NullOf(DataType::String()),
                                Str(""), Str(long1)}),
            ColumnValues(*t));
  // Same buffers, not copies.
  ASSERT_EQ(c->string_data().size(), t->string_data().size());
  for (size_t i = 0; i < c->string_data().size(); ++i) {
    EXPECT_EQ(c->string_data()[i].get(), t->string_data()[i].get());
  }
  EXPECT_EQ(c->Get<StringRef>(1).data(), t->Get<StringRef>(1).data());
  // The taken column keeps the bytes alive after the source is gone.
  c.reset();
  EXPECT_EQ(long2, t->Get<StringRef>(0).str());
}

TEST(ColumnTest, TakeArrays) {
  DataType t = DataType::Array(DataType::Int32());
  Value a0 = Value::Array(DataType::Int32(), {I32(1), NullOf(DataType::Int32()), I32(3)});
  Value a1 = NullOf(t);
  Value a2 = Value::Array(DataType::Int32(), {});
  Value a3 = Value::Array(DataType::Int32(), {I32(4)});
  ColumnPtr c = MakeColumn(t, {a0, a1, a2, a3});
  auto idx = Indices({3, 0, 1, 2, 0});
  ColumnPtr taken = c->Take(idx.data(), 5);
  EXPECT_EQ((std::vector<Value>{a3, a0, a1, a2, a0}), ColumnValues(*taken));
  EXPECT_EQ(1, taken->null_count());
  // Offsets are dense and the child holds exactly the taken elements.
  EXPECT_EQ((std::vector<int32_t>{0, 1, 4, 4, 4, 7}),
            std::vector<int32_t>(taken->offsets(), taken->offsets() + 6));
  EXPECT_EQ(7, taken->child(0)->length());
  EXPECT_EQ(2, taken->child(0)->null_count());
}

TEST(ColumnTest, TakeMapsAndStructs) {
  DataType mt = DataType::Map(DataType::String(), DataType::Int64());
  Value m0 = Value::Map(DataType::String(), DataType::Int64(), {{Str("a"), I64(1)}});
  Value m1 = Value::Map(DataType::String(), DataType::Int64(),
                        {{Str("b"), NullOf(DataType::Int64())}, {Str("c"), I64(3)}});
  ColumnPtr maps = MakeColumn(mt, {m0, NullOf(mt), m1});
  auto idx = Indices({2, 1, 0});
  EXPECT_EQ((std::vector<Value>{m1, NullOf(mt), m0}), ColumnValues(*maps->Take(idx.data(), 3)));

  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  Value s0 = Value::Struct(st, {I32(1), Str("x")});
  Value s1 = Value::Struct(st, {NullOf(DataType::Int32()), Str(std::string(30, 'y'))});
  ColumnPtr structs = MakeColumn(st, {s0, NullOf(st), s1});
  ColumnPtr taken = structs->Take(idx.data(), 3);
  EXPECT_EQ((std::vector<Value>{s1, NullOf(st), s0}), ColumnValues(*taken));
  EXPECT_EQ(1, taken->null_count());
  EXPECT_EQ(3, taken->child(0)->length());
}

TEST(ColumnTest, TakeNullType) {
  ColumnPtr c = Column::MakeAllNull(DataType::Null(), 3);
  auto idx = Indices({2, 2});
  ColumnPtr t = c->Take(idx.data(), 2);
  EXPECT_EQ(2, t->length());
  EXPECT_EQ(2, t->null_count());
}

TEST(ColumnTest, TakeAcrossWordBoundary) {
  std::vector<Value> values;
  for (int i = 0; i < 200; ++i) {
    values.push_back(i % 7 == 0 ? NullOf(DataType::Int64()) : I64(i));
  }
  ColumnPtr c = MakeColumn(DataType::Int64(), values);
  std::vector<uint32_t> idx;
  for (uint32_t i = 0; i < 200; ++i) idx.push_back(199 - i);
  ColumnPtr t = c->Take(idx.data(), 200);
  EXPECT_EQ(c->null_count(), t->null_count());
  for (int64_t i = 0; i < 200; ++i) {
    ASSERT_EQ(values[static_cast<size_t>(199 - i)], GetValue(*t, i)) << i;
  }
}

TEST(ColumnTest, MemoryUsageCountsAllBuffers) {
  ColumnPtr ints = RawInt64(100, nullptr);
  EXPECT_GE(ints->MemoryUsage(), 800);
  ColumnPtr strings = MakeColumn(DataType::String(), {Str(std::string(1000, 'x'))});
  EXPECT_GE(strings->MemoryUsage(),
            static_cast<int64_t>(sizeof(StringRef) + StringBuilder::kChunkBytes));
  DataType st = DataType::Struct({{"a", DataType::Int64()}});
  ColumnPtr nested = Column::MakeAllNull(st, 100);
  EXPECT_GE(nested->MemoryUsage(), 800 + 16 + 16);
}

}  // namespace
}  // namespace weir

#include "weir/types/builder.h"

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "types_test_util.h"

namespace weir {
namespace {

using testing::ColumnValues;
using testing::I32;
using testing::I64;
using testing::MakeBatch;
using testing::MakeColumn;
using testing::NullOf;
using testing::Str;

// The null patterns every builder must get right: which rows of `n` are NULL.
struct NullPattern {
  const char* name;
  int64_t n;
  bool (*is_null)(int64_t i, int64_t n);
};

const NullPattern kPatterns[] = {
    {"none", 150, [](int64_t, int64_t) { return false; }},
    {"all", 150, [](int64_t, int64_t) { return true; }},
    {"first", 150, [](int64_t i, int64_t) { return i == 0; }},
    {"last", 150, [](int64_t i, int64_t n) { return i == n - 1; }},
    {"word_boundary", 200,
     [](int64_t i, int64_t) { return i == 63 || i == 64 || i == 127 || i == 128; }},
    {"first_null_at_64", 130, [](int64_t i, int64_t) { return i == 64; }},
    {"first_null_at_128", 130, [](int64_t i, int64_t) { return i == 128; }},
    {"alternating", 129, [](int64_t i, int64_t) { return i % 2 == 1; }},
    {"all_but_one_word", 192, [](int64_t i, int64_t) { return i < 64 || i >= 128; }},
    {"single_null", 1, [](int64_t, int64_t) { return true; }},
    {"single_value", 1, [](int64_t, int64_t) { return false; }},
    {"empty", 0, [](int64_t, int64_t) { return false; }},
};

// Builds one column per pattern with `make(i)` for the non-NULL rows through the
// generic AppendValue path, and checks every row, the null count and the bitmap.
void CheckPatterns(const DataType& type, const std::function<Value(int64_t)>& make) {
  std::unique_ptr<ColumnBuilder> b = MakeBuilder(type);
  for (const NullPattern& p : kPatterns) {
    std::vector<Value> expected;
    int64_t nulls = 0;
    for (int64_t i = 0; i < p.n; ++i) {
      bool null = p.is_null(i, p.n);
      expected.push_back(null ? Value::Null(type) : make(i));
      nulls += null;
      // Alternate between AppendNull and AppendValue(NULL) for NULL rows.
      if (null && i % 2 == 0) {
        b->AppendNull();
      } else {
        ASSERT_TRUE(b->AppendValue(expected.back()).ok()) << type << " " << p.name;
      }
      ASSERT_EQ(i + 1, b->length());
    }
    ColumnPtr c = b->Finish();
    EXPECT_EQ(0, b->length()) << "Finish resets the builder";
    ASSERT_EQ(p.n, c->length()) << type << " " << p.name;
    EXPECT_EQ(type, c->type());
    EXPECT_EQ(nulls, c->null_count()) << type << " " << p.name;
    EXPECT_EQ(nulls != 0, c->validity_bits() != nullptr) << type << " " << p.name;
    for (int64_t i = 0; i < p.n; ++i) {
      ASSERT_EQ(p.is_null(i, p.n), c->IsNull(i)) << type << " " << p.name << " row " << i;
      ASSERT_EQ(expected[static_cast<size_t>(i)], GetValue(*c, i))
          << type << " " << p.name << " row " << i;
    }
  }
}

TEST(BuilderTest, EveryPrimitiveTypeEveryNullPattern) {
  CheckPatterns(DataType::Boolean(), [](int64_t i) { return Value::Boolean(i % 3 == 0); });
  CheckPatterns(DataType::Int32(),
                [](int64_t i) { return I32(static_cast<int32_t>(i * 7 - 100)); });
  CheckPatterns(DataType::Int64(), [](int64_t i) { return I64(i * 1'000'000'007LL); });
  CheckPatterns(DataType::Double(), [](int64_t i) { return Value::Double(i * 0.25 - 3); });
  CheckPatterns(DataType::DecimalUnchecked(38, 4), [](int64_t i) {
    return Value::Decimal(PowerOfTen(30) * (i % 2 ? -1 : 1) + i, 38, 4);
  });
  CheckPatterns(DataType::Date(),
                [](int64_t i) { return Value::Date(static_cast<int32_t>(i - 75)); });
  CheckPatterns(DataType::Timestamp(), [](int64_t i) { return Value::Timestamp(i * -1234567); });
  CheckPatterns(DataType::Interval(), [](int64_t i) {
    return Value::IntervalValue({static_cast<int32_t>(i), -static_cast<int32_t>(i), i * 1000});
  });
  CheckPatterns(DataType::String(), [](int64_t i) {
    // Mix empty, inline and out-of-line strings.
    return Str(i % 3 == 0 ? "" : std::string(static_cast<size_t>(i % 40), 'a' + i % 26));
  });
  CheckPatterns(DataType::Binary(), [](int64_t i) {
    return Value::Binary(std::string(static_cast<size_t>(i % 20), static_cast<char>(i)));
  });
}

TEST(BuilderTest, NestedTypesEveryNullPattern) {
  DataType arr = DataType::Array(DataType::Int32());
  CheckPatterns(arr, [](int64_t i) {
    std::vector<Value> elems;
    for (int64_t k = 0; k < i % 4; ++k) {
      elems.push_back(k == 1 ? NullOf(DataType::Int32()) : I32(static_cast<int32_t>(i + k)));
    }
    return Value::Array(DataType::Int32(), elems);
  });
  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  CheckPatterns(st, [&st](int64_t i) {
    return Value::Struct(st, {i % 5 == 0 ? NullOf(DataType::Int32()) : I32(static_cast<int32_t>(i)),
                              Str(std::string(static_cast<size_t>(i % 17), 's'))});
  });
  DataType map = DataType::Map(DataType::String(), DataType::Int64());
  CheckPatterns(map, [](int64_t i) {
    std::vector<std::pair<Value, Value>> entries;
    for (int64_t k = 0; k < i % 3; ++k) {
      entries.emplace_back(Str("k" + std::to_string(k)),
                           k == 1 ? NullOf(DataType::Int64()) : I64(i * k));
    }
    return Value::Map(DataType::String(), DataType::Int64(), entries);
  });
}

TEST(BuilderTest, TypedAppendPaths) {
  Int64Builder ints(DataType::Int64());
  ints.Reserve(100);
  for (int64_t i = 0; i < 100; ++i) {
    if (i == 64) {
      ints.AppendNull();
    } else {
      ints.Append(i);
    }
  }
  ColumnPtr c = ints.Finish();
  EXPECT_EQ(100, c->length());
  EXPECT_EQ(1, c->null_count());
  EXPECT_TRUE(c->IsNull(64));
  EXPECT_EQ(63, c->Get<int64_t>(63));
  EXPECT_EQ(65, c->Get<int64_t>(65));
  // A NULL slot is zero-filled, not garbage.
  EXPECT_EQ(0, c->Get<int64_t>(64));

  BooleanBuilder bools;
  bools.Append(true);
  bools.Append(false);
  bools.AppendNull();
  ColumnPtr bc = bools.Finish();
  EXPECT_EQ(DataType::Boolean(), bc->type());
  EXPECT_EQ(1, bc->Get<uint8_t>(0));
  EXPECT_EQ(0, bc->Get<uint8_t>(1));
  EXPECT_TRUE(bc->IsNull(2));

  Int32Builder dates(DataType::Date());
  dates.Append(19787);
  EXPECT_EQ(Value::Date(19787), GetValue(*dates.Finish(), 0));

  DecimalBuilder decs(DataType::DecimalUnchecked(5, 2));
  decs.Append(-12345);
  EXPECT_EQ("-123.45", GetValue(*decs.Finish(), 0).ToString());

  IntervalBuilder ivs(DataType::Interval());
  ivs.Append({1, 2, 3});
  EXPECT_EQ((Interval{1, 2, 3}), ivs.Finish()->Get<Interval>(0));
}

TEST(BuilderTest, ReuseAfterFinish) {
  StringBuilder b;
  b.AppendNull();
  b.Append(std::string(50, 'x'));
  ColumnPtr first = b.Finish();
  // The second column must not inherit the first one's bitmap or chunks.
  b.Append("a");
  b.Append(std::string(20, 'y'));
  ColumnPtr second = b.Finish();
  EXPECT_EQ(2, second->length());
  EXPECT_EQ(0, second->null_count());
  EXPECT_EQ((std::vector<Value>{Str("a"), Str(std::string(20, 'y'))}), ColumnValues(*second));
  EXPECT_EQ((std::vector<Value>{NullOf(DataType::String()), Str(std::string(50, 'x'))}),
            ColumnValues(*first));
  ColumnPtr empty = b.Finish();
  EXPECT_EQ(0, empty->length());
}

TEST(BuilderTest, EmptyStringsAndInlineBoundary) {
  StringBuilder b;
  std::string twelve = "abcdefghijkl";
  std::string thirteen = "abcdefghijklm";
  b.Append("");
  b.Append(twelve);
  b.Append(thirteen);
  b.Append("");
  b.AppendNull();
  ColumnPtr c = b.Finish();
  EXPECT_EQ(1, c->null_count());
  EXPECT_TRUE(c->Get<StringRef>(0).empty());
  EXPECT_TRUE(c->IsValid(0)) << "an empty string is not NULL";
  EXPECT_TRUE(c->Get<StringRef>(1).is_inline());
  EXPECT_FALSE(c->Get<StringRef>(2).is_inline());
  EXPECT_EQ(twelve, c->Get<StringRef>(1).view());
  EXPECT_EQ(thirteen, c->Get<StringRef>(2).view());
  EXPECT_EQ("", c->Get<StringRef>(3).view());
  // Only the 13-byte value needed out-of-line storage, inside the column's chunks.
  ASSERT_EQ(1u, c->string_data().size());
  const char* chunk = reinterpret_cast<const char*>(c->string_data()[0]->data());
  EXPECT_EQ(chunk, c->Get<StringRef>(2).data());
}

TEST(BuilderTest, StringsOutliveTheirSource) {
  StringBuilder b;
  {
    std::string temp(40, 'q');
    b.Append(temp);
    temp.assign(40, 'X');
  }
  ColumnPtr c = b.Finish();
  EXPECT_EQ(std::string(40, 'q'), c->Get<StringRef>(0).str());
}

TEST(BuilderTest, LongStringsLargerThanAChunk) {
  std::string big(100 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  ASSERT_GT(big.size(), StringBuilder::kChunkBytes);
  StringBuilder b;
  b.Append("before");
  b.Append(std::string(30, 'p'));
  b.Append(big);
  b.Append(std::string(30, 'n'));
  b.Append(big + "!");
  ColumnPtr c = b.Finish();
  EXPECT_EQ("before", c->Get<StringRef>(0).view());
  EXPECT_EQ(std::string(30, 'p'), c->Get<StringRef>(1).view());
  EXPECT_EQ(big, c->Get<StringRef>(2).view());
  EXPECT_EQ(std::string(30, 'n'), c->Get<StringRef>(3).view());
  EXPECT_EQ(big + "!", c->Get<StringRef>(4).view());
}

TEST(BuilderTest, ManyStringsSpanningSeveralChunks) {
  StringBuilder b(DataType::Binary());
  std::vector<std::string> expected;
  size_t total = 0;
  for (int i = 0; total < 6 * StringBuilder::kChunkBytes; ++i) {
    std::string s =
        "value-" + std::to_string(i) + "-" + std::string(static_cast<size_t>(i % 300), 'x');
    if (i % 97 == 0) s.clear();
    total += s.size();
    expected.push_back(s);
    b.Append(s);
  }
  ColumnPtr c = b.Finish();
  EXPECT_EQ(DataType::Binary(), c->type());
  EXPECT_GE(c->string_data().size(), 5u);
  ASSERT_EQ(static_cast<int64_t>(expected.size()), c->length());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(expected[i], c->Get<StringRef>(static_cast<int64_t>(i)).view()) << i;
  }
}

TEST(BuilderTest, ArrayBuilderProtocol) {
  ArrayBuilder b(DataType::Array(DataType::Int32()));
  auto* elems = static_cast<Int32Builder*>(b.element_builder());
  b.Append();  // [1, NULL, 3]
  elems->Append(1);
  elems->AppendNull();
  elems->Append(3);
  b.AppendNull();  // NULL
  b.Append();      // []
  b.Append();      // [4]
  elems->Append(4);
  ColumnPtr c = b.Finish();
  EXPECT_EQ(4, c->length());
  EXPECT_EQ(1, c->null_count());
  EXPECT_EQ((std::vector<int32_t>{0, 3, 3, 3, 4}),
            std::vector<int32_t>(c->offsets(), c->offsets() + 5));
  EXPECT_EQ(4, c->child(0)->length());
  EXPECT_EQ(1, c->child(0)->null_count());
  EXPECT_EQ("[1, NULL, 3]", GetValue(*c, 0).ToString());
  EXPECT_TRUE(GetValue(*c, 1).is_null());
  EXPECT_EQ("[]", GetValue(*c, 2).ToString());
  EXPECT_EQ("[4]", GetValue(*c, 3).ToString());

  // Reuse: offsets start from zero again.
  b.Append();
  elems->Append(9);
  ColumnPtr again = b.Finish();
  EXPECT_EQ((std::vector<int32_t>{0, 1}),
            std::vector<int32_t>(again->offsets(), again->offsets() + 2));
  EXPECT_EQ("[9]", GetValue(*again, 0).ToString());
}

TEST(BuilderTest, ArrayOfIntWithNullElementsNullArraysAndEmptyArrays) {
  DataType t = DataType::Array(DataType::Int32());
  std::vector<Value> rows = {
      Value::Array(DataType::Int32(), {I32(1), NullOf(DataType::Int32())}),
      NullOf(t),
      Value::Array(DataType::Int32(), {}),
      Value::Array(DataType::Int32(), {NullOf(DataType::Int32())}),
      Value::Array(DataType::Int32(), {I32(-1), I32(2), I32(3)}),
      NullOf(t),
  };
  ColumnPtr c = MakeColumn(t, rows);
  EXPECT_EQ(rows, ColumnValues(*c));
  EXPECT_EQ(2, c->null_count());
  EXPECT_EQ(6, c->child(0)->length());
  EXPECT_EQ(2, c->child(0)->null_count());
}

TEST(BuilderTest, MapOfStringToBigint) {
  DataType t = DataType::Map(DataType::String(), DataType::Int64());
  std::vector<Value> rows = {
      Value::Map(DataType::String(), DataType::Int64(),
                 {{Str("a"), I64(1)}, {Str(std::string(20, 'k')), NullOf(DataType::Int64())}}),
      NullOf(t),
      Value::Map(DataType::String(), DataType::Int64(), {}),
      Value::Map(DataType::String(), DataType::Int64(), {{Str(""), I64(-5)}}),
  };
  ColumnPtr c = MakeColumn(t, rows);
  EXPECT_EQ(rows, ColumnValues(*c));
  EXPECT_EQ(2, c->num_children());
  EXPECT_EQ(3, c->child(0)->length());
  EXPECT_EQ(0, c->child(0)->null_count());
  EXPECT_EQ(1, c->child(1)->null_count());
  EXPECT_EQ("{a -> 1, kkkkkkkkkkkkkkkkkkkk -> NULL}", GetValue(*c, 0).ToString());
}

TEST(BuilderTest, MapBuilderProtocol) {
  MapBuilder b(DataType::Map(DataType::String(), DataType::Int64()));
  auto* keys = static_cast<StringBuilder*>(b.key_builder());
  auto* vals = static_cast<Int64Builder*>(b.value_builder());
  b.Append();
  keys->Append("x");
  vals->Append(1);
  keys->Append("y");
  vals->AppendNull();
  b.AppendNull();
  ColumnPtr c = b.Finish();
  EXPECT_EQ("{x -> 1, y -> NULL}", GetValue(*c, 0).ToString());
  EXPECT_TRUE(c->IsNull(1));
  EXPECT_EQ((std::vector<int32_t>{0, 2, 2}), std::vector<int32_t>(c->offsets(), c->offsets() + 3));
}

TEST(BuilderTest, MapRejectsNullKeys) {
  DataType t = DataType::Map(DataType::String(), DataType::Int64());
  std::unique_ptr<ColumnBuilder> b = MakeBuilder(t);
  Value bad =
      Value::Map(DataType::String(), DataType::Int64(), {{NullOf(DataType::String()), I64(1)}});
  Status st = b->AppendValue(bad);
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  EXPECT_EQ(0, b->length());
}

TEST(BuilderTest, StructWithNullStruct) {
  DataType t = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  std::vector<Value> rows = {
      Value::Struct(t, {I32(1), Str("one")}),
      NullOf(t),
      Value::Struct(t, {NullOf(DataType::Int32()), NullOf(DataType::String())}),
      Value::Struct(t, {I32(4), Str(std::string(13, 'f'))}),
  };
  ColumnPtr c = MakeColumn(t, rows);
  EXPECT_EQ(rows, ColumnValues(*c));
  EXPECT_EQ(1, c->null_count());
  // A NULL struct still has one (NULL) row in every field, keeping children aligned.
  ASSERT_EQ(2, c->num_children());
  EXPECT_EQ(4, c->child(0)->length());
  EXPECT_EQ(4, c->child(1)->length());
  EXPECT_TRUE(c->child(0)->IsNull(1));
  EXPECT_TRUE(c->child(1)->IsNull(1));
  EXPECT_EQ(2, c->child(0)->null_count());
  // A struct whose fields are all NULL is not a NULL struct.
  EXPECT_FALSE(c->IsNull(2));
  EXPECT_EQ("{NULL, NULL}", GetValue(*c, 2).ToString());
}

TEST(BuilderTest, StructBuilderProtocol) {
  DataType t = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  StructBuilder b(t);
  EXPECT_EQ(2, b.num_fields());
  b.Append();
  static_cast<Int32Builder*>(b.field_builder(0))->Append(7);
  static_cast<StringBuilder*>(b.field_builder(1))->Append("seven");
  b.AppendNull();
  ColumnPtr c = b.Finish();
  EXPECT_EQ("{7, seven}", GetValue(*c, 0).ToString());
  EXPECT_TRUE(c->IsNull(1));
}

TEST(BuilderTest, ArrayOfStruct) {
  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  DataType t = DataType::Array(st);
  std::vector<Value> rows = {
      Value::Array(st, {Value::Struct(st, {I32(1), Str("x")}), NullOf(st),
                        Value::Struct(st, {I32(2), NullOf(DataType::String())})}),
      Value::Array(st, {}),
      NullOf(t),
      Value::Array(st, {Value::Struct(st, {I32(3), Str(std::string(100, 'z'))})}),
  };
  ColumnPtr c = MakeColumn(t, rows);
  EXPECT_EQ(rows, ColumnValues(*c));
  EXPECT_EQ("[{1, x}, NULL, {2, NULL}]", GetValue(*c, 0).ToString());
}

TEST(BuilderTest, MapWithArrayValues) {
  DataType at = DataType::Array(DataType::Int64());
  DataType t = DataType::Map(DataType::String(), at);
  std::vector<Value> rows = {
      Value::Map(DataType::String(), at,
                 {{Str("a"), Value::Array(DataType::Int64(), {I64(1), I64(2)})},
                  {Str("b"), NullOf(at)},
                  {Str("c"), Value::Array(DataType::Int64(), {})},
                  {Str("d"), Value::Array(DataType::Int64(), {NullOf(DataType::Int64())})}}),
      NullOf(t),
  };
  ColumnPtr c = MakeColumn(t, rows);
  EXPECT_EQ(rows, ColumnValues(*c));
  EXPECT_EQ("{a -> [1, 2], b -> NULL, c -> [], d -> [NULL]}", GetValue(*c, 0).ToString());
}

TEST(BuilderTest, DeepNesting) {
  // array<map<string, struct<x: array<array<int>>, y: struct<z: string>>>>
  DataType inner = DataType::Struct({{"z", DataType::String()}});
  DataType aai = DataType::Array(DataType::Array(DataType::Int32()));
  DataType st = DataType::Struct({{"x", aai}, {"y", inner}});
  DataType mt = DataType::Map(DataType::String(), st);
  DataType t = DataType::Array(mt);
  auto ai = [](std::vector<Value> v) { return Value::Array(DataType::Int32(), std::move(v)); };
  Value s1 = Value::Struct(
      st, {Value::Array(DataType::Array(DataType::Int32()),
                        {ai({I32(1), I32(2)}), ai({}), NullOf(DataType::Array(DataType::Int32())),
                         ai({NullOf(DataType::Int32())})}),
           Value::Struct(inner, {Str(std::string(20, 'd'))})});
  Value s2 = Value::Struct(st, {NullOf(aai), NullOf(inner)});
  std::vector<Value> rows = {
      Value::Array(mt, {Value::Map(DataType::String(), st, {{Str("k1"), s1}, {Str("k2"), s2}}),
                        NullOf(mt), Value::Map(DataType::String(), st, {})}),
      NullOf(t),
      Value::Array(mt, {}),
      Value::Array(mt, {Value::Map(DataType::String(), st, {{Str("k3"), NullOf(st)}})}),
  };
  ColumnPtr c = MakeColumn(t, rows);
  EXPECT_EQ(rows, ColumnValues(*c));
  EXPECT_EQ(
      "[{k1 -> {[[1, 2], [], NULL, [NULL]], {dddddddddddddddddddd}}, k2 -> {NULL, NULL}}, "
      "NULL, {}]",
      GetValue(*c, 0).ToString());
  EXPECT_EQ("[{k3 -> NULL}]", GetValue(*c, 3).ToString());
  // And it survives a Take.
  std::vector<uint32_t> idx = {3, 0};
  ColumnPtr taken = c->Take(idx.data(), 2);
  EXPECT_EQ((std::vector<Value>{rows[3], rows[0]}), ColumnValues(*taken));
}

TEST(BuilderTest, NullBuilder) {
  std::unique_ptr<ColumnBuilder> b = MakeBuilder(DataType::Null());
  b->AppendNull();
  ASSERT_TRUE(b->AppendValue(Value()).ok());
  ASSERT_TRUE(b->AppendValue(NullOf(DataType::Int32())).ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, b->AppendValue(I32(1)).code());
  ColumnPtr c = b->Finish();
  EXPECT_EQ(DataType::Null(), c->type());
  EXPECT_EQ(3, c->length());
  EXPECT_EQ(3, c->null_count());
  EXPECT_EQ(0, b->length());
}

TEST(BuilderTest, AppendValueTypeMismatch) {
  struct Case {
    DataType column;
    Value value;
  };
  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  std::vector<Case> cases = {
      {DataType::Int32(), I64(1)},
      {DataType::Int64(), I32(1)},
      {DataType::Int32(), Value::Date(1)},
      {DataType::Timestamp(), I64(1)},
      {DataType::String(), Value::Binary("x")},
      {DataType::Binary(), Str("x")},
      {DataType::Boolean(), I32(1)},
      {DataType::Double(), I64(1)},
      {DataType::DecimalUnchecked(10, 2), Value::Decimal(1, 10, 3)},
      {DataType::DecimalUnchecked(10, 2), Value::Decimal(1, 11, 2)},
      {DataType::Interval(), I64(1)},
      {DataType::Array(DataType::Int32()), Value::Array(DataType::Int64(), {I64(1)})},
      {DataType::Array(DataType::Int32()), I32(1)},
      // An empty array or one with only NULLs still has the wrong element type.
      {DataType::Array(DataType::Int32()), Value::Array(DataType::String(), {})},
      {DataType::Array(DataType::Int32()),
       Value::Array(DataType::String(), {NullOf(DataType::String())})},
      {DataType::Map(DataType::String(), DataType::Int64()),
       Value::Map(DataType::String(), DataType::Int32(), {{Str("a"), I32(1)}})},
      {DataType::Map(DataType::String(), DataType::Int64()),
       Value::Map(DataType::Int32(), DataType::Int64(), {})},
      {st, Value::Struct(DataType::Struct({{"a", DataType::Int32()}}), {I32(1)})},
      {st, Value::Struct(DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::Int32()}}),
                         {I32(1), I32(2)})},
      {st, Value::Struct(DataType::Struct({{"x", DataType::Int32()}, {"b", DataType::String()}}),
                         {I32(1), Str("s")})},
      {DataType::Array(st),
       Value::Array(st, {Value::Struct(
                            DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::Int64()}}),
                            {I32(1), I64(2)})})},
  };
  for (const Case& k : cases) {
    std::unique_ptr<ColumnBuilder> b = MakeBuilder(k.column);
    Status st2 = b->AppendValue(k.value);
    EXPECT_EQ(StatusCode::kInvalidArgument, st2.code()) << k.column << " <- " << k.value.type();
    EXPECT_EQ(0, b->length()) << k.column;
    // NULL of any type is accepted.
    EXPECT_TRUE(b->AppendValue(Value::Null(k.value.type())).ok());
    EXPECT_EQ(1, b->length());
  }
  std::unique_ptr<ColumnBuilder> b = MakeBuilder(DataType::Int32());
  EXPECT_EQ("cannot append a value of type bigint to a column of type int",
            b->AppendValue(I64(1)).message());
}

TEST(BuilderTest, NestedNullabilityFlagsDoNotMatter) {
  // Value::Array/Map always declare nullable elements; a column that says they are
  // not nullable accepts them anyway.
  DataType arr = DataType::Array(DataType::Int32(), false);
  ColumnPtr c = MakeColumn(arr, {Value::Array(DataType::Int32(), {I32(1)})});
  EXPECT_EQ(arr, c->type());
  DataType map = DataType::Map(DataType::String(), DataType::Int64(), false);
  MakeColumn(map, {Value::Map(DataType::String(), DataType::Int64(), {{Str("k"), I64(1)}})});
  DataType st = DataType::Struct({{"a", DataType::Int32(), false}});
  DataType st_nullable = DataType::Struct({{"a", DataType::Int32(), true}});
  MakeColumn(st, {Value::Struct(st_nullable, {I32(1)})});
}

SchemaPtr Schema3() {
  return MakeSchema({{"id", DataType::Int64()},
                     {"name", DataType::String()},
                     {"tags", DataType::Array(DataType::String())}});
}

TEST(BatchBuilderTest, AppendRows) {
  SchemaPtr schema = Schema3();
  BatchBuilder b(schema);
  EXPECT_EQ(schema, b.schema());
  EXPECT_EQ(0, b.num_rows());
  ASSERT_TRUE(b.AppendRow({I64(1), Str("a"), Value::Array(DataType::String(), {Str("t")})}).ok());
  ASSERT_TRUE(
      b.AppendRow({NullOf(DataType::Int64()), Value(), NullOf(DataType::Array(DataType::String()))})
          .ok());
  EXPECT_EQ(2, b.num_rows());
  Result<Batch> batch = b.Finish();
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(2, batch->num_rows());
  EXPECT_EQ(3, batch->num_columns());
  EXPECT_EQ(schema, batch->schema()) << "the schema pointer is kept";
  EXPECT_TRUE(batch->column(0)->IsNull(1));
  EXPECT_TRUE(batch->column(1)->IsNull(1));
  EXPECT_TRUE(batch->column(2)->IsNull(1));
  EXPECT_EQ(0, b.num_rows()) << "Finish resets";
}

TEST(BatchBuilderTest, ArityMismatchAppendsNothing) {
  BatchBuilder b(Schema3());
  ASSERT_TRUE(b.AppendRow({I64(1), Str("a"), NullOf(DataType::Array(DataType::String()))}).ok());
  Status st = b.AppendRow({I64(2), Str("b")});
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  EXPECT_EQ("row has 2 values but the schema has 3 fields", st.message());
  st = b.AppendRow({I64(2), Str("b"), NullOf(DataType::Array(DataType::String())), I64(4)});
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  st = b.AppendRow({});
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  EXPECT_EQ(1, b.num_rows());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(1, b.column_builder(i)->length()) << i;
}

TEST(BatchBuilderTest, TypeMismatchAppendsNothing) {
  BatchBuilder b(Schema3());
  // The bad value is last, so a builder that appended column by column would have
  // written the first two already.
  Status st = b.AppendRow({I64(1), Str("a"), Value::Array(DataType::Int64(), {I64(1)})});
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  EXPECT_EQ("value for column 'tags' has type array<bigint>, expected array<string>", st.message());
  st = b.AppendRow({I64(1), Str("a"), Value::Array(DataType::Int64(), {})});
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  st = b.AppendRow({I32(1), Str("a"), NullOf(DataType::Array(DataType::String()))});
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  st = b.AppendRow({I64(1), Value::Binary("a"), NullOf(DataType::Array(DataType::String()))});
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  // An element of the wrong type deep inside.
  st = b.AppendRow({I64(1), Str("a"), Value::Array(DataType::String(), {Str("ok"), I32(1)})});
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  EXPECT_EQ(0, b.num_rows());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(0, b.column_builder(i)->length()) << i;
  Result<Batch> batch = b.Finish();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(0, batch->num_rows());
  EXPECT_EQ(0, batch->column(2)->child(0)->length());
}

TEST(BatchBuilderTest, ColumnByColumnAndLengthMismatch) {
  BatchBuilder b(MakeSchema({{"a", DataType::Int64()}, {"b", DataType::Int64()}}));
  static_cast<Int64Builder*>(b.column_builder(0))->Append(1);
  static_cast<Int64Builder*>(b.column_builder(0))->Append(2);
  static_cast<Int64Builder*>(b.column_builder(1))->Append(3);
  Result<Batch> batch = b.Finish();
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, batch.status().code());

  static_cast<Int64Builder*>(b.column_builder(0))->Append(1);
  static_cast<Int64Builder*>(b.column_builder(1))->Append(2);
  Result<Batch> ok = b.Finish();
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(1, ok->num_rows());
  EXPECT_EQ(2, ok->column(1)->Get<int64_t>(0));
}

TEST(BatchBuilderTest, EmptySchema) {
  BatchBuilder b(MakeSchema({}));
  ASSERT_TRUE(b.AppendRow({}).ok());
  EXPECT_EQ(0, b.num_rows());
  EXPECT_EQ(StatusCode::kInvalidArgument, b.AppendRow({I32(1)}).code());
  Result<Batch> batch = b.Finish();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(0, batch->num_columns());
}

TEST(BatchBuilderTest, EveryTypeRoundTripsThroughABatch) {
  DataType st = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  SchemaPtr schema = MakeSchema({
      {"bool", DataType::Boolean()},
      {"i32", DataType::Int32()},
      {"i64", DataType::Int64()},
      {"dbl", DataType::Double()},
      {"dec", DataType::DecimalUnchecked(38, 10)},
      {"str", DataType::String()},
      {"bin", DataType::Binary()},
      {"date", DataType::Date()},
      {"ts", DataType::Timestamp()},
      {"iv", DataType::Interval()},
      {"arr", DataType::Array(DataType::Int32())},
      {"map", DataType::Map(DataType::String(), DataType::Int64())},
      {"st", st},
      {"null", DataType::Null()},
  });
  std::vector<Value> full = {
      Value::Boolean(true),
      I32(INT32_MIN),
      I64(INT64_MAX),
      Value::Double(-1.5),
      Value::Decimal(PowerOfTen(38) - 1, 38, 10),
      Str(std::string(13, 's')),
      Value::Binary(std::string("\x00\xff", 2)),
      Value::Date(-719528),
      Value::Timestamp(-1),
      Value::IntervalValue({1, 2, 3}),
      Value::Array(DataType::Int32(), {I32(1)}),
      Value::Map(DataType::String(), DataType::Int64(), {{Str("k"), I64(1)}}),
      Value::Struct(st, {I32(1), Str("b")}),
      Value(),
  };
  std::vector<Value> nulls;
  for (const Field& f : schema->fields()) nulls.push_back(Value::Null(f.type));
  Batch b = MakeBatch(schema, {full, nulls, full});
  ASSERT_EQ(3, b.num_rows());
  for (int c = 0; c < b.num_columns(); ++c) {
    EXPECT_EQ(full[static_cast<size_t>(c)], GetValue(*b.column(c), 0)) << schema->field(c).name;
    EXPECT_EQ(nulls[static_cast<size_t>(c)], GetValue(*b.column(c), 1)) << schema->field(c).name;
    EXPECT_EQ(full[static_cast<size_t>(c)], GetValue(*b.column(c), 2)) << schema->field(c).name;
  }
}

}  // namespace
}  // namespace weir

#include "weir/types/batch.h"

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

SchemaPtr IdName() { return MakeSchema({{"id", DataType::Int64()}, {"name", DataType::String()}}); }

// Rows (i, "n<i>") for i in [0, n), with a NULL name on every fifth row.
Batch Numbered(int n) {
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < n; ++i) {
    rows.push_back(
        {I64(i), i % 5 == 0 ? NullOf(DataType::String()) : Str("n" + std::to_string(i))});
  }
  return MakeBatch(IdName(), rows);
}

std::vector<int64_t> Ids(const Batch& b) {
  std::vector<int64_t> out;
  for (int64_t r = 0; r < b.num_rows(); ++r) {
    out.push_back(b.column(0)->Get<int64_t>(b.RowIndex(r)));
  }
  return out;
}

TEST(BatchTest, DefaultIsEmpty) {
  Batch b;
  ASSERT_NE(nullptr, b.schema());
  EXPECT_EQ(0, b.schema()->num_fields());
  EXPECT_EQ(0, b.num_columns());
  EXPECT_EQ(0, b.num_rows());
  EXPECT_EQ(nullptr, b.selection());
}

TEST(BatchTest, Make) {
  ColumnPtr ids = MakeColumn(DataType::Int64(), {I64(1), I64(2)});
  ColumnPtr names = MakeColumn(DataType::String(), {Str("a"), NullOf(DataType::String())});
  Result<Batch> b = Batch::Make(IdName(), {ids, names});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(2, b->num_columns());
  EXPECT_EQ(2, b->num_rows());
  EXPECT_EQ(2, b->physical_rows());
  EXPECT_EQ(ids, b->column(0));
  EXPECT_EQ(names, b->columns()[1]);
  EXPECT_EQ(1, b->RowIndex(1));
}

TEST(BatchTest, MakeValidationErrors) {
  ColumnPtr ids = MakeColumn(DataType::Int64(), {I64(1), I64(2)});
  ColumnPtr names = MakeColumn(DataType::String(), {Str("a"), Str("b")});
  ColumnPtr short_names = MakeColumn(DataType::String(), {Str("a")});
  ColumnPtr int_ids = MakeColumn(DataType::Int32(), {I32(1), I32(2)});

  Result<Batch> no_schema = Batch::Make(nullptr, {});
  ASSERT_FALSE(no_schema.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, no_schema.status().code());

  Result<Batch> arity = Batch::Make(IdName(), {ids});
  ASSERT_FALSE(arity.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, arity.status().code());
  EXPECT_EQ("batch has 1 columns but its schema has 2 fields", arity.status().message());

  Result<Batch> type = Batch::Make(IdName(), {int_ids, names});
  ASSERT_FALSE(type.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, type.status().code());
  EXPECT_EQ("column 'id' has type int but the schema says bigint", type.status().message());

  Result<Batch> length = Batch::Make(IdName(), {ids, short_names});
  ASSERT_FALSE(length.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, length.status().code());
  EXPECT_EQ("column 'name' has 1 rows, expected 2", length.status().message());

  auto sel = std::make_shared<const SelectionVector>(std::vector<uint32_t>{0, 2});
  Result<Batch> bad_sel = Batch::Make(IdName(), {ids, names}, sel);
  ASSERT_FALSE(bad_sel.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, bad_sel.status().code());
  EXPECT_EQ("selection index 2 is outside a batch of 2 rows", bad_sel.status().message());

  // Nested nullability is part of the type.
  SchemaPtr arr = MakeSchema({{"a", DataType::Array(DataType::Int32(), false)}});
  ColumnPtr nullable_arr = MakeColumn(DataType::Array(DataType::Int32()), {});
  EXPECT_FALSE(Batch::Make(arr, {nullable_arr}).ok());
}

TEST(BatchTest, MakeWithSelection) {
  ColumnPtr ids = MakeColumn(DataType::Int64(), {I64(10), I64(11), I64(12)});
  ColumnPtr names = MakeColumn(DataType::String(), {Str("a"), Str("b"), Str("c")});
  auto sel = std::make_shared<const SelectionVector>(std::vector<uint32_t>{2, 0});
  Result<Batch> b = Batch::Make(IdName(), {ids, names}, sel);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(2, b->num_rows());
  EXPECT_EQ(3, b->physical_rows());
  EXPECT_EQ((std::vector<int64_t>{12, 10}), Ids(*b));
}

TEST(BatchTest, MakeEmpty) {
  Batch b = Batch::MakeEmpty(IdName());
  EXPECT_EQ(2, b.num_columns());
  EXPECT_EQ(0, b.num_rows());
  EXPECT_EQ(DataType::String(), b.column(1)->type());
  EXPECT_EQ(0, b.column(1)->length());
  EXPECT_EQ(IdName()->fields(), b.schema()->fields());
}

TEST(BatchTest, MakeRowsOnly) {
  Batch b = Batch::MakeRowsOnly(42);
  EXPECT_EQ(0, b.num_columns());
  EXPECT_EQ(42, b.num_rows());
  Batch sel = b.Select(SelectionVector({1, 40}));
  EXPECT_EQ(2, sel.num_rows());
  Batch compact = sel.Compact();
  EXPECT_EQ(2, compact.num_rows());
  EXPECT_EQ(nullptr, compact.selection());
}

TEST(BatchTest, SelectWithoutSelection) {
  Batch b = Numbered(10);
  Batch s = b.Select(SelectionVector({1, 3, 9}));
  EXPECT_EQ(3, s.num_rows());
  EXPECT_EQ(10, s.physical_rows());
  EXPECT_EQ((std::vector<int64_t>{1, 3, 9}), Ids(s));
  // Columns are shared, not copied.
  EXPECT_EQ(b.column(0), s.column(0));
  // The original is untouched.
  EXPECT_EQ(10, b.num_rows());
  EXPECT_EQ(nullptr, b.selection());
}

TEST(BatchTest, SelectOnTopOfSelection) {
  Batch b = Numbered(10);
  Batch s1 = b.Select(SelectionVector({1, 2, 4, 6, 8, 9}));
  // Logical rows 0, 3, 5 of s1 are physical rows 1, 6, 9.
  Batch s2 = s1.Select(SelectionVector({0, 3, 5}));
  EXPECT_EQ(3, s2.num_rows());
  EXPECT_EQ((std::vector<int64_t>{1, 6, 9}), Ids(s2));
  EXPECT_EQ((std::vector<uint32_t>{1, 6, 9}), s2.selection()->indices());
  // And once more.
  Batch s3 = s2.Select(SelectionVector({2}));
  EXPECT_EQ((std::vector<int64_t>{9}), Ids(s3));
  // An empty selection.
  Batch none = s2.Select(SelectionVector());
  EXPECT_EQ(0, none.num_rows());
  EXPECT_EQ(10, none.physical_rows());
}

TEST(BatchTest, Compact) {
  Batch b = Numbered(130);
  std::vector<uint32_t> picks;
  for (uint32_t i = 0; i < 130; i += 3) picks.push_back(i);
  Batch s = b.Select(SelectionVector(picks)).Select(SelectionVector({0, 1, 21, 22, 43}));
  Batch c = s.Compact();
  EXPECT_EQ(nullptr, c.selection());
  EXPECT_EQ(5, c.num_rows());
  EXPECT_EQ(5, c.physical_rows());
  EXPECT_EQ(5, c.column(0)->length());
  EXPECT_EQ((std::vector<int64_t>{0, 3, 63, 66, 129}), Ids(c));
  EXPECT_EQ((std::vector<Value>{NullOf(DataType::String()), Str("n3"), Str("n63"), Str("n66"),
                                Str("n129")}),
            ColumnValues(*c.column(1)));
  EXPECT_EQ(1, c.column(1)->null_count());
  EXPECT_EQ(b.schema(), c.schema());
}

TEST(BatchTest, CompactWithoutSelectionIsTheSameBatch) {
  Batch b = Numbered(4);
  Batch c = b.Compact();
  EXPECT_EQ(b.column(0), c.column(0));
  EXPECT_EQ(b.column(1), c.column(1));
}

TEST(BatchTest, CompactIdentitySelection) {
  Batch b = Numbered(70);
  Batch c = b.Select(SelectionVector::Identity(70)).Compact();
  EXPECT_EQ(70, c.num_rows());
  for (int64_t r = 0; r < 70; ++r) {
    EXPECT_EQ(GetValue(*b.column(1), r), GetValue(*c.column(1), r));
  }
}

TEST(BatchTest, MemoryUsage) {
  Batch b = Numbered(100);
  int64_t base = b.MemoryUsage();
  EXPECT_GE(base, 100 * 8 + 100 * 16);
  Batch s = b.Select(SelectionVector({1, 2, 3}));
  EXPECT_EQ(base + 3 * 4, s.MemoryUsage());
}

TEST(SelectionVectorTest, Basics) {
  SelectionVector id = SelectionVector::Identity(4);
  EXPECT_EQ(4, id.size());
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(3u, id[3]);
  EXPECT_EQ((std::vector<uint32_t>{0, 1, 2, 3}), id.indices());
  EXPECT_EQ(id.indices().data(), id.data());
  EXPECT_TRUE(SelectionVector().empty());
  EXPECT_TRUE(SelectionVector::Identity(0).empty());
}

}  // namespace
}  // namespace weir

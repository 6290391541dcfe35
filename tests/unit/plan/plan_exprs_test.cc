// Tests of the binder's own expressions (src/weir/plan/plan_exprs.h) evaluated on
// batches: TRY_CAST (Spark 3.5's Cast with EvalMode.TRY: the ANSI cast, NULL where it
// would fail) and arr[i] in ANSI mode (GetArrayItem with failOnError,
// [INVALID_ARRAY_INDEX]).

#include "weir/plan/plan_exprs.h"

#include <gtest/gtest.h>

#include "weir/types/builder.h"

namespace weir::plan {
namespace {

Batch Rows(SchemaPtr schema, const std::vector<std::vector<Value>>& rows) {
  BatchBuilder b(std::move(schema));
  for (const auto& row : rows) EXPECT_TRUE(b.AppendRow(row).ok());
  Result<Batch> batch = b.Finish();
  EXPECT_TRUE(batch.ok());
  return *batch;
}

Batch OneColumn(const DataType& type, const std::vector<Value>& values) {
  std::vector<std::vector<Value>> rows;
  for (const Value& v : values) rows.push_back({v});
  return Rows(MakeSchema({{"v", type}}), rows);
}

// Each selected row's value as text ("NULL" for NULL), or "ERROR <message>".
std::vector<std::string> Eval(const ExprPtr& e, const Batch& batch, bool ansi) {
  EvalOptions options;
  options.ansi = ansi;
  EvalContext ctx(options);
  const RowSet rows = RowSet::Of(batch);
  Result<Datum> d = e->Eval(ctx, batch, rows);
  if (!d.ok()) return {"ERROR " + d.status().message()};
  std::vector<std::string> out;
  rows.ForEach(
      [&](int64_t i) { out.push_back(d->IsNull(i) ? "NULL" : d->GetValue(i).ToString()); });
  return out;
}

using Strings = std::vector<std::string>;

Value S(const char* s) { return Value::String(s); }

TEST(TryCast, IsTheAnsiCastWithNullsInBothModes) {
  // Spark: try_cast('12.7' AS INT), try_cast(2147483648L AS INT) and
  // try_cast(1e10D AS INT) are NULL (the ANSI cast fails), not 12 / -2147483648 /
  // 2147483647 as the non-ANSI cast gives.
  Batch strings = OneColumn(DataType::String(), {S("1"), S("12.7"), S("abc"), S("2147483648"),
                                                 Value::Null(DataType::String()), S("-3")});
  ExprPtr to_int =
      std::make_shared<TryCastExpr>(ColumnRef(0, "v", DataType::String()), DataType::Int32());
  Batch longs = OneColumn(DataType::Int64(), {Value::Int64(2147483648LL), Value::Int64(-5)});
  ExprPtr long_to_int =
      std::make_shared<TryCastExpr>(ColumnRef(0, "v", DataType::Int64()), DataType::Int32());
  Batch doubles = OneColumn(DataType::Double(), {Value::Double(1e10), Value::Double(1.9)});
  ExprPtr double_to_int =
      std::make_shared<TryCastExpr>(ColumnRef(0, "v", DataType::Double()), DataType::Int32());
  Batch dates = OneColumn(DataType::String(), {S("2024-02-30"), S("2024-02-29")});
  ExprPtr to_date =
      std::make_shared<TryCastExpr>(ColumnRef(0, "v", DataType::String()), DataType::Date());
  for (bool ansi : {false, true}) {
    EXPECT_EQ(Eval(to_int, strings, ansi), (Strings{"1", "NULL", "NULL", "NULL", "NULL", "-3"}));
    EXPECT_EQ(Eval(long_to_int, longs, ansi), (Strings{"NULL", "-5"}));
    EXPECT_EQ(Eval(double_to_int, doubles, ansi), (Strings{"NULL", "1"}));
    EXPECT_EQ(Eval(to_date, dates, ansi), (Strings{"NULL", "2024-02-29"}));
  }
}

TEST(TryCast, ManyFailingRowsAndSelections) {
  // Rows that fail are found among many that do not; rows outside the selection are
  // never cast.
  std::vector<Value> values;
  for (int i = 0; i < 5000; ++i) {
    values.push_back(i % 3 == 0 ? S("x") : Value::String(std::to_string(i)));
  }
  Batch batch = OneColumn(DataType::String(), values);
  ExprPtr e =
      std::make_shared<TryCastExpr>(ColumnRef(0, "v", DataType::String()), DataType::Int32());
  Strings got = Eval(e, batch, true);
  ASSERT_EQ(got.size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    EXPECT_EQ(got[static_cast<size_t>(i)], i % 3 == 0 ? "NULL" : std::to_string(i)) << i;
  }
  std::vector<uint32_t> keep;
  for (uint32_t i = 0; i < 5000; i += 5) keep.push_back(i);
  Batch selected = batch.Select(SelectionVector(keep));
  got = Eval(e, selected, false);
  ASSERT_EQ(got.size(), keep.size());
  for (size_t k = 0; k < keep.size(); ++k) {
    EXPECT_EQ(got[k], keep[k] % 3 == 0 ? "NULL" : std::to_string(keep[k])) << keep[k];
  }
}

TEST(TryCast, ConstantsAndNestedValues) {
  Batch three = OneColumn(DataType::Int32(), {Value::Int32(1), Value::Int32(2), Value::Int32(3)});
  ExprPtr bad = std::make_shared<TryCastExpr>(Literal(S("abc")), DataType::Int32());
  EXPECT_EQ(Eval(bad, three, true), (Strings{"NULL", "NULL", "NULL"}));
  // A nested value is all or nothing, as Spark's try block around the whole cast.
  const DataType strs = DataType::Array(DataType::String());
  Batch arrays = OneColumn(strs, {Value::Array(DataType::String(), {S("1"), S("x")}),
                                  Value::Array(DataType::String(), {S("1"), S("2")})});
  ExprPtr e =
      std::make_shared<TryCastExpr>(ColumnRef(0, "v", strs), DataType::Array(DataType::Int32()));
  EXPECT_EQ(Eval(e, arrays, false), (Strings{"NULL", "[1, 2]"}));
}

TEST(TryCast, CanTryCastIsCanAnsiCastExceptForElements) {
  // Cast.canTryCast: canAnsiCast for scalars; canCast for ARRAY/MAP/STRUCT elements.
  EXPECT_TRUE(CanTryCast(DataType::String(), DataType::Int32()));
  EXPECT_FALSE(CanTryCast(DataType::Date(), DataType::Int32()));
  EXPECT_FALSE(CanTryCast(DataType::Int32(), DataType::Date()));
  EXPECT_FALSE(CanTryCast(DataType::Boolean(), DataType::Timestamp()));
  EXPECT_TRUE(CanTryCast(DataType::Array(DataType::Date()), DataType::Array(DataType::Int32())));
  EXPECT_FALSE(CanTryCast(DataType::Array(DataType::Int32()), DataType::Int32()));
}

TEST(GetArrayItem, ZeroBasedWithNulls) {
  const DataType ints = DataType::Array(DataType::Int32());
  SchemaPtr schema = MakeSchema({{"a", ints}, {"i", DataType::Int64()}});
  Batch batch =
      Rows(schema,
           {{Value::Array(DataType::Int32(), {Value::Int32(1), Value::Int32(2)}), Value::Int64(1)},
            {Value::Array(DataType::Int32(), {Value::Null(DataType::Int32())}), Value::Int64(0)},
            {Value::Null(ints), Value::Int64(9)},
            {Value::Array(DataType::Int32(), {Value::Int32(7)}), Value::Null(DataType::Int64())}});
  ExprPtr e = std::make_shared<GetArrayItemExpr>(ColumnRef(0, "a", ints),
                                                 ColumnRef(1, "i", DataType::Int64()));
  EXPECT_EQ(e->ToString(), "a[i]");
  EXPECT_EQ(Eval(e, batch, true), (Strings{"2", "NULL", "NULL", "NULL"}));
}

TEST(GetArrayItem, OutOfRangeIsInvalidArrayIndex) {
  // Spark 3.5 (ComplexTypeSuite "SPARK-33386: GetArrayItem ArrayIndexOutOfBoundsException"):
  // with ANSI both 5 and -1 fail with "The index 5 is out of bounds. The array has 2
  // elements."
  const DataType ints = DataType::Array(DataType::Int32());
  Batch batch =
      OneColumn(ints, {Value::Array(DataType::Int32(), {Value::Int32(1), Value::Int32(2)}),
                       Value::Array(DataType::Int32(), {Value::Int32(3)})});
  auto item = [&](int32_t i) {
    return std::make_shared<GetArrayItemExpr>(ColumnRef(0, "v", ints), Literal(Value::Int32(i)));
  };
  EXPECT_EQ(Eval(item(5), batch, true),
            (Strings{"ERROR [INVALID_ARRAY_INDEX] The index 5 is out of bounds. The array has 2 "
                     "elements. Use the SQL function `get()` to tolerate accessing element at "
                     "invalid index and return NULL instead. If necessary set "
                     "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error."}));
  EXPECT_EQ(Eval(item(-1), batch, true).at(0).substr(0, 77),
            "ERROR [INVALID_ARRAY_INDEX] The index -1 is out of bounds. The array has 2 el");
  // Index 1 fails on the second row only; a selection without it succeeds.
  EXPECT_EQ(Eval(item(1), batch, true).at(0).substr(0, 61),
            "ERROR [INVALID_ARRAY_INDEX] The index 1 is out of bounds. The");
  Batch first = batch.Select(SelectionVector(std::vector<uint32_t>{0}));
  EXPECT_EQ(Eval(item(1), first, true), (Strings{"2"}));
}

}  // namespace
}  // namespace weir::plan

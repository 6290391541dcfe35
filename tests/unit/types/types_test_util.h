// Helpers shared by the tests of src/weir/types: building columns and batches from
// Values and reading them back.

#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/types/batch.h"
#include "weir/types/builder.h"
#include "weir/types/column.h"
#include "weir/types/value.h"

namespace weir::testing {

// A column of `type` holding `values` (NULLs allowed). Fails the test on a type
// mismatch.
inline ColumnPtr MakeColumn(const DataType& type, const std::vector<Value>& values) {
  std::unique_ptr<ColumnBuilder> b = MakeBuilder(type);
  for (const Value& v : values) {
    Status st = b->AppendValue(v);
    EXPECT_TRUE(st.ok()) << st;
  }
  return b->Finish();
}

// Every row of `column` as a Value.
inline std::vector<Value> ColumnValues(const Column& column) {
  std::vector<Value> out;
  for (int64_t i = 0; i < column.length(); ++i) out.push_back(GetValue(column, i));
  return out;
}

// A batch of `schema` holding `rows`. Fails the test if a row does not fit.
inline Batch MakeBatch(const SchemaPtr& schema, const std::vector<std::vector<Value>>& rows) {
  BatchBuilder b(schema);
  for (const auto& row : rows) {
    Status st = b.AppendRow(row);
    EXPECT_TRUE(st.ok()) << st;
  }
  Result<Batch> batch = b.Finish();
  EXPECT_TRUE(batch.ok()) << batch.status();
  return *std::move(batch);
}

inline Value Str(std::string s) { return Value::String(std::move(s)); }
inline Value I32(int32_t v) { return Value::Int32(v); }
inline Value I64(int64_t v) { return Value::Int64(v); }
inline Value NullOf(const DataType& t) { return Value::Null(t); }

}  // namespace weir::testing

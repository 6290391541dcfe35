// Value: one SQL value of any type, owned. For literals, constants, test fixtures and
// other paths that handle one value at a time — never for hot per-row loops, which
// read Columns directly.
//
// Thread-safety: immutable; nested contents are shared on copy.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "weir/types/column.h"
#include "weir/types/data_type.h"
#include "weir/types/datetime.h"
#include "weir/types/decimal.h"

namespace weir {

class Value {
 public:
  // NULL of the NULL type.
  Value() = default;

  static Value Null(DataType type);
  static Value Boolean(bool v) { return Value(DataType::Boolean(), v); }
  static Value Int32(int32_t v) { return Value(DataType::Int32(), v); }
  static Value Int64(int64_t v) { return Value(DataType::Int64(), v); }
  static Value Double(double v) { return Value(DataType::Double(), v); }
  // REQUIRES: valid precision/scale and an unscaled value that fits the precision.
  static Value Decimal(Int128 unscaled, int precision, int scale);
  static Value String(std::string v) { return Value(DataType::String(), std::move(v)); }
  static Value Binary(std::string v) { return Value(DataType::Binary(), std::move(v)); }
  static Value Date(int32_t days) { return Value(DataType::Date(), days); }
  static Value Timestamp(int64_t micros) { return Value(DataType::Timestamp(), micros); }
  static Value IntervalValue(struct Interval v) { return Value(DataType::Interval(), v); }
  // REQUIRES: every element has `element_type` (or is NULL).
  static Value Array(DataType element_type, std::vector<Value> elements);
  static Value Map(DataType key_type, DataType value_type,
                   std::vector<std::pair<Value, Value>> entries);
  // REQUIRES: one value per field of `struct_type`.
  static Value Struct(DataType struct_type, std::vector<Value> fields);

  const DataType& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }

  // Accessors. REQUIRES: !is_null() and the matching type.
  bool boolean() const { return std::get<bool>(v_); }
  int32_t int32() const { return std::get<int32_t>(v_); }  // INT and DATE
  int64_t int64() const { return std::get<int64_t>(v_); }  // BIGINT and TIMESTAMP
  double float64() const { return std::get<double>(v_); }
  Int128 decimal() const { return std::get<Int128>(v_); }
  const std::string& str() const { return std::get<std::string>(v_); }  // STRING and BINARY
  const struct Interval& interval() const { return std::get<struct Interval>(v_); }
  // ARRAY elements or STRUCT fields.
  const std::vector<Value>& elements() const { return *std::get<ValuesPtr>(v_); }
  const std::vector<std::pair<Value, Value>>& entries() const { return *std::get<EntriesPtr>(v_); }

  // Structural equality: same type and same value; NULL equals NULL here (this is
  // for tests and constants, not SQL's three-valued `=`).
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  // The value as Spark's show() renders it, in UTC.
  std::string ToString() const;

 private:
  using ValuesPtr = std::shared_ptr<const std::vector<Value>>;
  using EntriesPtr = std::shared_ptr<const std::vector<std::pair<Value, Value>>>;
  using Payload = std::variant<std::monostate, bool, int32_t, int64_t, double, Int128, std::string,
                               struct Interval, ValuesPtr, EntriesPtr>;

  template <typename T>
  Value(DataType type, T v) : type_(std::move(type)), v_(std::move(v)) {}

  DataType type_;
  Payload v_;
};

// Row `row` of `column` as a Value (slow path: tests, rendering, constant folding).
Value GetValue(const Column& column, int64_t row);

std::ostream& operator<<(std::ostream& os, const Value& v);

}  // namespace weir

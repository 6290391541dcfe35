#include "weir/types/value.h"

#include <cmath>
#include <ostream>

#include "weir/types/builder.h"
#include "weir/types/pretty.h"

namespace weir {

Value Value::Null(DataType type) {
  Value v;
  v.type_ = std::move(type);
  return v;
}

Value Value::Decimal(Int128 unscaled, int precision, int scale) {
  WEIR_CHECK(DecimalFitsPrecision(unscaled, precision));
  return Value(DataType::DecimalUnchecked(precision, scale), unscaled);
}

Value Value::Array(DataType element_type, std::vector<Value> elements) {
  return Value(DataType::Array(std::move(element_type)),
               std::make_shared<const std::vector<Value>>(std::move(elements)));
}

Value Value::Map(DataType key_type, DataType value_type,
                 std::vector<std::pair<Value, Value>> entries) {
  return Value(DataType::Map(std::move(key_type), std::move(value_type)),
               std::make_shared<const std::vector<std::pair<Value, Value>>>(std::move(entries)));
}

Value Value::Struct(DataType struct_type, std::vector<Value> fields) {
  WEIR_CHECK(struct_type.id() == TypeId::kStruct);
  WEIR_CHECK_EQ(struct_type.fields().size(), fields.size());
  return Value(std::move(struct_type),
               std::make_shared<const std::vector<Value>>(std::move(fields)));
}

bool Value::operator==(const Value& other) const {
  if (type_ != other.type_ || v_.index() != other.v_.index()) return false;
  if (std::holds_alternative<double>(v_)) {
    double a = std::get<double>(v_), b = std::get<double>(other.v_);
    return a == b || (std::isnan(a) && std::isnan(b));
  }
  if (std::holds_alternative<ValuesPtr>(v_)) return elements() == other.elements();
  if (std::holds_alternative<EntriesPtr>(v_)) return entries() == other.entries();
  return v_ == other.v_;
}

std::string Value::ToString() const {
  auto builder = MakeBuilder(type_);
  builder->AppendValue(*this).Check();
  ColumnPtr col = builder->Finish();
  return FormatPretty(*col, 0);
}

std::ostream& operator<<(std::ostream& os, const Value& v) {
  return os << v.ToString() << ":" << v.type().ToString();
}

Value GetValue(const Column& column, int64_t row) {
  const DataType& type = column.type();
  if (column.IsNull(row)) return Value::Null(type);
  switch (type.id()) {
    case TypeId::kNull:
      return Value::Null(type);
    case TypeId::kBoolean:
      return Value::Boolean(column.Get<uint8_t>(row) != 0);
    case TypeId::kInt32:
      return Value::Int32(column.Get<int32_t>(row));
    case TypeId::kDate:
      return Value::Date(column.Get<int32_t>(row));
    case TypeId::kInt64:
      return Value::Int64(column.Get<int64_t>(row));
    case TypeId::kTimestamp:
      return Value::Timestamp(column.Get<int64_t>(row));
    case TypeId::kDouble:
      return Value::Double(column.Get<double>(row));
    case TypeId::kDecimal:
      return Value::Decimal(column.Get<Int128>(row), type.precision(), type.scale());
    case TypeId::kString:
      return Value::String(column.Get<StringRef>(row).str());
    case TypeId::kBinary:
      return Value::Binary(column.Get<StringRef>(row).str());
    case TypeId::kInterval:
      return Value::IntervalValue(column.Get<Interval>(row));
    case TypeId::kArray: {
      std::vector<Value> elems;
      for (int32_t k = column.offsets()[row]; k < column.offsets()[row + 1]; ++k) {
        elems.push_back(GetValue(*column.child(0), k));
      }
      return Value::Array(type.element_type(), std::move(elems));
    }
    case TypeId::kMap: {
      std::vector<std::pair<Value, Value>> entries;
      for (int32_t k = column.offsets()[row]; k < column.offsets()[row + 1]; ++k) {
        entries.emplace_back(GetValue(*column.child(0), k), GetValue(*column.child(1), k));
      }
      return Value::Map(type.key_type(), type.value_type(), std::move(entries));
    }
    case TypeId::kStruct: {
      std::vector<Value> fields;
      for (int i = 0; i < column.num_children(); ++i)
        fields.push_back(GetValue(*column.child(i), row));
      return Value::Struct(type, std::move(fields));
    }
  }
  return Value();
}

}  // namespace weir

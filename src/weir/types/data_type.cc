#include "weir/types/data_type.h"

#include <ostream>

#include "weir/common/check.h"

namespace weir {

struct DataType::Nested {
  // ARRAY: children[0] is the element. MAP: children[0] key, children[1] value.
  std::vector<DataType> children;
  bool contains_null = true;
  // STRUCT only.
  std::vector<Field> fields;
};

Result<DataType> DataType::Decimal(int precision, int scale) {
  if (precision < 1 || precision > kMaxDecimalPrecision) {
    return Status::InvalidArgument("DECIMAL precision " + std::to_string(precision) +
                                   " is out of range [1, 38]");
  }
  if (scale < 0 || scale > precision) {
    return Status::InvalidArgument("DECIMAL scale " + std::to_string(scale) +
                                   " is out of range [0, precision " + std::to_string(precision) +
                                   "]");
  }
  return DecimalUnchecked(precision, scale);
}

DataType DataType::DecimalUnchecked(int precision, int scale) {
  WEIR_CHECK(precision >= 1 && precision <= kMaxDecimalPrecision);
  WEIR_CHECK(scale >= 0 && scale <= precision);
  DataType t(TypeId::kDecimal);
  t.precision_ = static_cast<uint8_t>(precision);
  t.scale_ = static_cast<uint8_t>(scale);
  return t;
}

DataType DataType::Array(DataType element, bool contains_null) {
  DataType t(TypeId::kArray);
  auto n = std::make_shared<Nested>();
  n->children.push_back(std::move(element));
  n->contains_null = contains_null;
  t.nested_ = std::move(n);
  return t;
}

DataType DataType::Map(DataType key, DataType value, bool value_contains_null) {
  DataType t(TypeId::kMap);
  auto n = std::make_shared<Nested>();
  n->children.push_back(std::move(key));
  n->children.push_back(std::move(value));
  n->contains_null = value_contains_null;
  t.nested_ = std::move(n);
  return t;
}

DataType DataType::Struct(std::vector<Field> fields) {
  DataType t(TypeId::kStruct);
  auto n = std::make_shared<Nested>();
  n->fields = std::move(fields);
  t.nested_ = std::move(n);
  return t;
}

const DataType& DataType::element_type() const {
  WEIR_CHECK(id_ == TypeId::kArray);
  return nested_->children[0];
}

bool DataType::contains_null() const {
  WEIR_CHECK(id_ == TypeId::kArray);
  return nested_->contains_null;
}

const DataType& DataType::key_type() const {
  WEIR_CHECK(id_ == TypeId::kMap);
  return nested_->children[0];
}

const DataType& DataType::value_type() const {
  WEIR_CHECK(id_ == TypeId::kMap);
  return nested_->children[1];
}

bool DataType::value_contains_null() const {
  WEIR_CHECK(id_ == TypeId::kMap);
  return nested_->contains_null;
}

const std::vector<Field>& DataType::fields() const {
  WEIR_CHECK(id_ == TypeId::kStruct);
  return nested_->fields;
}

int DataType::byte_width() const {
  switch (id_) {
    case TypeId::kBoolean:
      return 1;
    case TypeId::kInt32:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDouble:
      return 8;
    case TypeId::kDecimal:
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kInterval:
      return 16;
    case TypeId::kNull:
    case TypeId::kArray:
    case TypeId::kMap:
    case TypeId::kStruct:
      return 0;
  }
  return 0;
}

namespace {

std::string Render(const DataType& t, bool ddl) {
  auto name = [ddl](const char* lower, const char* upper) {
    return std::string(ddl ? upper : lower);
  };
  switch (t.id()) {
    case TypeId::kNull:
      return name("void", "VOID");
    case TypeId::kBoolean:
      return name("boolean", "BOOLEAN");
    case TypeId::kInt32:
      return name("int", "INT");
    case TypeId::kInt64:
      return name("bigint", "BIGINT");
    case TypeId::kDouble:
      return name("double", "DOUBLE");
    case TypeId::kString:
      return name("string", "STRING");
    case TypeId::kBinary:
      return name("binary", "BINARY");
    case TypeId::kDate:
      return name("date", "DATE");
    case TypeId::kTimestamp:
      return name("timestamp", "TIMESTAMP");
    case TypeId::kInterval:
      return name("interval", "INTERVAL");
    case TypeId::kDecimal:
      return name("decimal", "DECIMAL") + "(" + std::to_string(t.precision()) + "," +
             std::to_string(t.scale()) + ")";
    case TypeId::kArray:
      return name("array", "ARRAY") + "<" + Render(t.element_type(), ddl) + ">";
    case TypeId::kMap:
      // Spark: simpleString "map<string,int>", sql "MAP<STRING, INT>".
      return name("map", "MAP") + "<" + Render(t.key_type(), ddl) + (ddl ? ", " : ",") +
             Render(t.value_type(), ddl) + ">";
    case TypeId::kStruct: {
      std::string out = name("struct", "STRUCT") + "<";
      bool first = true;
      for (const Field& f : t.fields()) {
        if (!first) out += ddl ? ", " : ",";
        first = false;
        out += f.name;
        out += ddl ? ": " : ":";
        out += Render(f.type, ddl);
        if (ddl && !f.nullable) out += " NOT NULL";
      }
      return out + ">";
    }
  }
  return "unknown";
}

}  // namespace

std::string DataType::ToString() const { return Render(*this, false); }
std::string DataType::ToDdl() const { return Render(*this, true); }

bool DataType::operator==(const DataType& other) const {
  if (id_ != other.id_) return false;
  switch (id_) {
    case TypeId::kDecimal:
      return precision_ == other.precision_ && scale_ == other.scale_;
    case TypeId::kArray:
    case TypeId::kMap:
      return nested_->contains_null == other.nested_->contains_null &&
             nested_->children == other.nested_->children;
    case TypeId::kStruct:
      return nested_->fields == other.nested_->fields;
    default:
      return true;
  }
}

std::ostream& operator<<(std::ostream& os, const DataType& type) { return os << type.ToString(); }

}  // namespace weir

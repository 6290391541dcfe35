// DataType: the SQL types of weir (DESIGN.md section 3), with Spark's names.
//
// A DataType is a small immutable value. Primitive types carry only their id (and
// precision/scale for DECIMAL); nested types share their children through a
// shared_ptr, so copying a type never copies its tree.
//
// Physical layout per type (how a Column stores one value):
//   BOOLEAN   uint8_t (0 or 1)            INT       int32_t
//   BIGINT    int64_t                     DOUBLE    double
//   DECIMAL   Int128 unscaled value       STRING    StringRef (16 bytes, see string_ref.h)
//   BINARY    StringRef                   DATE      int32_t days since 1970-01-01
//   TIMESTAMP int64_t microseconds since 1970-01-01 00:00:00 UTC
//   INTERVAL  Interval {months, days, micros}
//   ARRAY     int32_t offsets (n+1) into one child column
//   MAP       int32_t offsets (n+1) into a key child and a value child
//   STRUCT    one child column per field
//   NULL      no values buffer (the type of an untyped NULL literal)
//
// Thread-safety: immutable; safe to share across threads.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weir/common/result.h"

namespace weir {

enum class TypeId : uint8_t {
  kNull,
  kBoolean,
  kInt32,
  kInt64,
  kDouble,
  kDecimal,
  kString,
  kBinary,
  kDate,
  kTimestamp,
  kInterval,
  kArray,
  kMap,
  kStruct,
};

// DECIMAL precision bounds, as in Spark.
inline constexpr int kMaxDecimalPrecision = 38;

struct Field;

class DataType {
 public:
  // The NULL type. A default-constructed DataType is NULL.
  DataType() = default;

  static DataType Null() { return DataType(TypeId::kNull); }
  static DataType Boolean() { return DataType(TypeId::kBoolean); }
  static DataType Int32() { return DataType(TypeId::kInt32); }
  static DataType Int64() { return DataType(TypeId::kInt64); }
  static DataType Double() { return DataType(TypeId::kDouble); }
  static DataType String() { return DataType(TypeId::kString); }
  static DataType Binary() { return DataType(TypeId::kBinary); }
  static DataType Date() { return DataType(TypeId::kDate); }
  static DataType Timestamp() { return DataType(TypeId::kTimestamp); }
  static DataType Interval() { return DataType(TypeId::kInterval); }
  // Returns an error unless 1 <= precision <= 38 and 0 <= scale <= precision.
  static Result<DataType> Decimal(int precision, int scale);
  // REQUIRES: valid precision and scale (for constants in code, not user input).
  static DataType DecimalUnchecked(int precision, int scale);
  static DataType Array(DataType element, bool contains_null = true);
  static DataType Map(DataType key, DataType value, bool value_contains_null = true);
  static DataType Struct(std::vector<Field> fields);

  TypeId id() const { return id_; }
  bool is_null() const { return id_ == TypeId::kNull; }
  bool is_nested() const {
    return id_ == TypeId::kArray || id_ == TypeId::kMap || id_ == TypeId::kStruct;
  }
  bool is_string_like() const { return id_ == TypeId::kString || id_ == TypeId::kBinary; }
  bool is_numeric() const {
    return id_ == TypeId::kInt32 || id_ == TypeId::kInt64 || id_ == TypeId::kDouble ||
           id_ == TypeId::kDecimal;
  }

  // DECIMAL only.
  int precision() const { return precision_; }
  int scale() const { return scale_; }

  // REQUIRES: id() == kArray.
  const DataType& element_type() const;
  bool contains_null() const;
  // REQUIRES: id() == kMap.
  const DataType& key_type() const;
  const DataType& value_type() const;
  bool value_contains_null() const;
  // REQUIRES: id() == kStruct.
  const std::vector<Field>& fields() const;

  // Bytes one value takes in a column's values buffer; 0 for NULL and nested types.
  int byte_width() const;

  // Spark's simpleString: "bigint", "decimal(10,2)", "array<string>",
  // "map<string,int>", "struct<a:int,b:string>", "void" for NULL.
  std::string ToString() const;
  // Spark's DDL spelling: "BIGINT", "DECIMAL(10,2)", "ARRAY<STRING>",
  // "STRUCT<a: INT, b: STRING>".
  std::string ToDdl() const;

  // Structural equality, including nested nullability and field names.
  bool operator==(const DataType& other) const;
  bool operator!=(const DataType& other) const { return !(*this == other); }

 private:
  struct Nested;
  explicit DataType(TypeId id) : id_(id) {}

  TypeId id_ = TypeId::kNull;
  uint8_t precision_ = 0;
  uint8_t scale_ = 0;
  std::shared_ptr<const Nested> nested_;
};

// A named member of a struct or schema.
struct Field {
  std::string name;
  DataType type;
  bool nullable = true;

  bool operator==(const Field& other) const = default;
};

std::ostream& operator<<(std::ostream& os, const DataType& type);

}  // namespace weir

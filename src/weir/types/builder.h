// Builders: how columns and batches are made.
//
// Typed builders (Int64Builder, StringBuilder, ...) have inline, non-virtual Append
// methods for loops that produce values: sources, decoders, kernels. The virtual
// ColumnBuilder interface (AppendValue, AppendNull, Finish) serves generic code
// that does not know the type statically.
//
// Nested builders follow one protocol: Append() opens a new row (an array, a map or
// a struct), then the caller appends that row's contents to the child builders.
//
// Thread-safety: a builder is used by one thread at a time.

#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/types/batch.h"
#include "weir/types/column.h"
#include "weir/types/datetime.h"
#include "weir/types/value.h"

namespace weir {

class ColumnBuilder {
 public:
  explicit ColumnBuilder(DataType type) : type_(std::move(type)) {}
  virtual ~ColumnBuilder() = default;
  ColumnBuilder(const ColumnBuilder&) = delete;
  ColumnBuilder& operator=(const ColumnBuilder&) = delete;

  const DataType& type() const { return type_; }
  int64_t length() const { return length_; }

  virtual void AppendNull() = 0;
  // Appends `v`; InvalidArgument if its type is not this builder's type (a NULL of
  // any type is accepted).
  virtual Status AppendValue(const Value& v) = 0;
  // Returns the column built so far and resets the builder to empty.
  virtual ColumnPtr Finish() = 0;
  // Makes room for `n` more rows.
  virtual void Reserve(int64_t n) { (void)n; }

 protected:
  // Records the validity of the row being appended (call once per row, before
  // length_ is incremented). The bitmap is materialized at the first NULL.
  void AppendValidity(bool valid) {
    if (validity_ == nullptr) {
      if (valid) return;
      MaterializeValidity();
    }
    size_t words = BitmapWords(length_ + 1);
    if (validity_->size() < words * 8) validity_->Resize(words * 8);
    auto* bits = validity_->as<uint64_t>();
    if ((length_ & 63) == 0) bits[length_ >> 6] = 0;
    if (valid) SetBit(bits, length_);
  }
  // The bitmap for Column::Parts, resetting validity state.
  BufferPtr TakeValidity() {
    BufferPtr v = std::move(validity_);
    validity_ = nullptr;
    return v;
  }
  Status TypeMismatch(const Value& v) const;

  DataType type_;
  int64_t length_ = 0;

 private:
  void MaterializeValidity();

  BufferPtr validity_;
};

// Builder for a fixed-width type whose values are stored as T:
// BOOLEAN (uint8_t), INT and DATE (int32_t), BIGINT and TIMESTAMP (int64_t),
// DOUBLE (double), DECIMAL (Int128), INTERVAL (Interval).
template <typename T>
class PrimitiveBuilder : public ColumnBuilder {
 public:
  explicit PrimitiveBuilder(DataType type);

  void Append(T v) {
    AppendValidity(true);
    Grow();
    values_->template as<T>()[length_++] = v;
  }
  void AppendNull() override {
    AppendValidity(false);
    Grow();
    values_->template as<T>()[length_++] = T{};
  }
  Status AppendValue(const Value& v) override;
  ColumnPtr Finish() override;
  void Reserve(int64_t n) override {
    values_->Reserve(static_cast<size_t>(length_ + n) * sizeof(T));
  }

 private:
  void Grow() {
    size_t need = static_cast<size_t>(length_ + 1) * sizeof(T);
    if (need > values_->size()) values_->Resize(need);
  }

  BufferPtr values_;
};

class BooleanBuilder : public PrimitiveBuilder<uint8_t> {
 public:
  BooleanBuilder() : PrimitiveBuilder<uint8_t>(DataType::Boolean()) {}
  void Append(bool v) { PrimitiveBuilder<uint8_t>::Append(v ? 1 : 0); }
};

using Int32Builder = PrimitiveBuilder<int32_t>;
using Int64Builder = PrimitiveBuilder<int64_t>;
using DoubleBuilder = PrimitiveBuilder<double>;
using DecimalBuilder = PrimitiveBuilder<Int128>;
using IntervalBuilder = PrimitiveBuilder<Interval>;

// STRING and BINARY. Bytes of values longer than StringRef::kInlineSize are copied
// into chunks the finished column owns; chunks never move, so refs stay valid.
class StringBuilder : public ColumnBuilder {
 public:
  static constexpr size_t kChunkBytes = size_t{64} * 1024;

  explicit StringBuilder(DataType type = DataType::String());

  void Append(std::string_view s);
  void AppendNull() override;
  Status AppendValue(const Value& v) override;
  ColumnPtr Finish() override;
  void Reserve(int64_t n) override;

 private:
  const char* CopyBytes(std::string_view s);

  BufferPtr values_;
  std::vector<BufferPtr> chunks_;
};

class NullBuilder : public ColumnBuilder {
 public:
  NullBuilder() : ColumnBuilder(DataType::Null()) {}
  void AppendNull() override { ++length_; }
  Status AppendValue(const Value& v) override;
  ColumnPtr Finish() override;
};

// ARRAY: Append() opens a new array; its elements go to element_builder().
class ArrayBuilder : public ColumnBuilder {
 public:
  explicit ArrayBuilder(DataType type);
  void Append();
  void AppendNull() override;
  Status AppendValue(const Value& v) override;
  ColumnPtr Finish() override;
  ColumnBuilder* element_builder() { return element_.get(); }

 private:
  std::vector<int32_t> offsets_;
  std::unique_ptr<ColumnBuilder> element_;
};

// MAP: Append() opens a new map; its entries go to key_builder() and
// value_builder(), one key and one value per entry.
class MapBuilder : public ColumnBuilder {
 public:
  explicit MapBuilder(DataType type);
  void Append();
  void AppendNull() override;
  Status AppendValue(const Value& v) override;
  ColumnPtr Finish() override;
  ColumnBuilder* key_builder() { return keys_.get(); }
  ColumnBuilder* value_builder() { return values_.get(); }

 private:
  std::vector<int32_t> offsets_;
  std::unique_ptr<ColumnBuilder> keys_;
  std::unique_ptr<ColumnBuilder> values_;
};

// STRUCT: Append() opens a new, non-NULL struct; the caller then appends exactly
// one value to every field_builder(i). AppendNull() appends a NULL struct (and
// NULLs to every field, keeping children aligned).
class StructBuilder : public ColumnBuilder {
 public:
  explicit StructBuilder(DataType type);
  void Append();
  void AppendNull() override;
  Status AppendValue(const Value& v) override;
  ColumnPtr Finish() override;
  int num_fields() const { return static_cast<int>(fields_.size()); }
  ColumnBuilder* field_builder(int i) { return fields_[static_cast<size_t>(i)].get(); }

 private:
  std::vector<std::unique_ptr<ColumnBuilder>> fields_;
};

// A builder for any type.
std::unique_ptr<ColumnBuilder> MakeBuilder(const DataType& type);

// Builds a batch row by row from Values (tests, literals, small inputs) or column by
// column through column_builder(i).
class BatchBuilder {
 public:
  explicit BatchBuilder(SchemaPtr schema);

  const SchemaPtr& schema() const { return schema_; }
  ColumnBuilder* column_builder(int i) { return builders_[static_cast<size_t>(i)].get(); }
  // Appends one row; InvalidArgument if the arity or a type does not match, in which
  // case nothing is appended.
  Status AppendRow(const std::vector<Value>& row);
  int64_t num_rows() const;
  // The batch built so far; resets the builder. Fails if the columns' lengths differ.
  Result<Batch> Finish();

 private:
  SchemaPtr schema_;
  std::vector<std::unique_ptr<ColumnBuilder>> builders_;
};

}  // namespace weir

// Column: one field of a Batch, as a vector of values of one DataType.
//
// A column is a validity bitmap (bit i set = row i is not NULL; no bitmap = no
// NULLs), a values buffer laid out as data_type.h describes, the buffers that hold
// the bytes of long strings (StringRef points into them), and child columns for
// nested types. Columns are immutable once built and shared through ColumnPtr.
//
// Build one with the builders of builder.h, or from raw parts with Column::Make.
//
// Thread-safety: immutable; safe to read from any thread.

#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "weir/common/check.h"
#include "weir/types/buffer.h"
#include "weir/types/data_type.h"
#include "weir/types/decimal.h"
#include "weir/types/string_ref.h"

namespace weir {

class Column;
using ColumnPtr = std::shared_ptr<const Column>;

// Validity bitmaps are arrays of 64-bit words, bit (i % 64) of word (i / 64).
inline size_t BitmapWords(int64_t length) { return static_cast<size_t>((length + 63) / 64); }
inline bool GetBit(const uint64_t* bits, int64_t i) { return (bits[i >> 6] >> (i & 63)) & 1; }
inline void SetBit(uint64_t* bits, int64_t i) { bits[i >> 6] |= uint64_t{1} << (i & 63); }
inline void ClearBit(uint64_t* bits, int64_t i) { bits[i >> 6] &= ~(uint64_t{1} << (i & 63)); }

class Column {
 public:
  struct Parts {
    DataType type;
    int64_t length = 0;
    // ceil(length / 64) words, or null when no value is NULL.
    BufferPtr validity;
    // length * type.byte_width() bytes for primitive types; (length + 1) int32
    // offsets for ARRAY and MAP; null for STRUCT and NULL.
    BufferPtr values;
    // Buffers that long StringRefs point into.
    std::vector<BufferPtr> string_data;
    // ARRAY: {elements}; MAP: {keys, values}; STRUCT: one per field.
    std::vector<ColumnPtr> children;
  };

  // Assembles a column. REQUIRES: the parts agree with each other (checked); they
  // come from weir's own builders and kernels, never directly from user input.
  static ColumnPtr Make(Parts parts);
  // A column of `length` NULLs of any type.
  static ColumnPtr MakeAllNull(const DataType& type, int64_t length);

  const DataType& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }
  bool may_have_nulls() const { return null_count_ != 0; }

  bool IsNull(int64_t i) const {
    WEIR_DCHECK(i >= 0 && i < length_);
    return validity_bits_ != nullptr && !GetBit(validity_bits_, i);
  }
  bool IsValid(int64_t i) const { return !IsNull(i); }
  // The bitmap, or nullptr when no value is NULL.
  const uint64_t* validity_bits() const { return validity_bits_; }

  // The values buffer as an array of T. REQUIRES: T matches the physical type.
  template <typename T>
  const T* values() const {
    return values_ ? values_->as<T>() : nullptr;
  }
  template <typename T>
  const T& Get(int64_t i) const {
    WEIR_DCHECK(i >= 0 && i < length_);
    return values<T>()[i];
  }
  // ARRAY and MAP: row i spans children [offsets()[i], offsets()[i + 1]).
  const int32_t* offsets() const { return values<int32_t>(); }

  int num_children() const { return static_cast<int>(children_.size()); }
  const ColumnPtr& child(int i) const { return children_[static_cast<size_t>(i)]; }
  const std::vector<ColumnPtr>& children() const { return children_; }
  const std::vector<BufferPtr>& string_data() const { return string_data_; }
  const BufferPtr& values_buffer() const { return values_; }
  const BufferPtr& validity_buffer() const { return validity_; }

  // A new column holding rows indices[0..n) of this one, in that order. String bytes
  // are shared, not copied. REQUIRES: every index < length().
  ColumnPtr Take(const uint32_t* indices, int64_t n) const;

  // Bytes held by this column's buffers (shared buffers counted in full).
  int64_t MemoryUsage() const;

 private:
  Column() = default;

  DataType type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  BufferPtr validity_;
  const uint64_t* validity_bits_ = nullptr;
  BufferPtr values_;
  std::vector<BufferPtr> string_data_;
  std::vector<ColumnPtr> children_;
};

}  // namespace weir

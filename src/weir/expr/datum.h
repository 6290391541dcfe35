// Datum: the value of an expression over a batch — either a flat column with one
// value per physical row, or a constant: a one-row column standing for every row
// (literals, and anything computed only from literals). Kernels read row i through
// Index(i), which is i for a flat column and 0 for a constant, without a branch.
//
// Thread-safety: immutable; cheap to copy.

#pragma once

#include <cstdint>

#include "weir/types/column.h"
#include "weir/types/value.h"

namespace weir {

class Datum {
 public:
  Datum() = default;

  static Datum Flat(ColumnPtr column) { return Datum(std::move(column), false); }
  // REQUIRES: column->length() == 1.
  static Datum Constant(ColumnPtr column);
  static Datum Constant(const Value& value);
  // A constant NULL of `type`.
  static Datum Null(const DataType& type);

  const ColumnPtr& column() const { return column_; }
  const Column& col() const { return *column_; }
  const DataType& type() const { return column_->type(); }
  bool is_constant() const { return mask_ == 0; }
  bool valid() const { return column_ != nullptr; }

  // The physical row of column() that holds row i's value.
  int64_t Index(int64_t i) const { return i & mask_; }
  bool IsNull(int64_t i) const { return column_->IsNull(Index(i)); }
  template <typename T>
  const T& Get(int64_t i) const {
    return column_->values<T>()[Index(i)];
  }
  // True when no row can be NULL.
  bool no_nulls() const { return !column_->may_have_nulls(); }
  // A constant that is NULL.
  bool is_null_constant() const { return is_constant() && column_->IsNull(0); }

  // The datum as a flat column of `physical_rows` rows, repeating a constant.
  ColumnPtr Materialize(int64_t physical_rows) const;
  // Row i as a Value (slow path).
  Value GetValue(int64_t i) const { return weir::GetValue(*column_, Index(i)); }

 private:
  Datum(ColumnPtr column, bool constant)
      : column_(std::move(column)), mask_(constant ? 0 : ~int64_t{0}) {}

  ColumnPtr column_;
  int64_t mask_ = ~int64_t{0};
};

}  // namespace weir

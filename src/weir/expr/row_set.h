// RowSet: the rows of a batch an evaluation covers — every physical row [0, n), or
// an ascending subset of them (a batch's selection vector, or the rows a CASE branch
// or the right side of AND still has to decide).
//
// Kernels loop with ForEach, which the compiler inlines: no call per row.
//
// A RowSet does not own its indices; they must outlive it.
//
// Thread-safety: a value type.

#pragma once

#include <cstdint>
#include <vector>

#include "weir/types/batch.h"

namespace weir {

class RowSet {
 public:
  // All rows [0, physical_rows).
  explicit RowSet(int64_t physical_rows) : physical_rows_(physical_rows), size_(physical_rows) {}
  // The rows `indices[0..count)`, ascending, each < physical_rows.
  RowSet(int64_t physical_rows, const uint32_t* indices, int64_t count)
      : physical_rows_(physical_rows), size_(count), indices_(indices) {}
  explicit RowSet(int64_t physical_rows, const std::vector<uint32_t>& indices)
      : RowSet(physical_rows, indices.data(), static_cast<int64_t>(indices.size())) {}

  // The logical rows of `batch` (its selection vector, if any).
  static RowSet Of(const Batch& batch) {
    if (batch.selection() == nullptr) return RowSet(batch.physical_rows());
    return RowSet(batch.physical_rows(), batch.selection()->data(), batch.selection()->size());
  }

  // The length of the columns this set indexes.
  int64_t physical_rows() const { return physical_rows_; }
  // How many rows are in the set.
  int64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // True when the set is [0, physical_rows) with no index array.
  bool is_all() const { return indices_ == nullptr; }
  // The index array; nullptr when is_all().
  const uint32_t* indices() const { return indices_; }

  template <typename F>
  void ForEach(F&& f) const {
    if (indices_ == nullptr) {
      for (int64_t i = 0; i < size_; ++i) f(i);
    } else {
      for (int64_t k = 0; k < size_; ++k) f(static_cast<int64_t>(indices_[k]));
    }
  }

 private:
  int64_t physical_rows_;
  int64_t size_;
  const uint32_t* indices_ = nullptr;
};

}  // namespace weir

// SelectionVector: the rows of a batch that are still "in" after a filter, as
// ascending physical row indices. Filters produce one instead of copying columns;
// the copy (Batch::Compact) happens only when an operator needs dense columns.
//
// Thread-safety: immutable once shared.

#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace weir {

class SelectionVector {
 public:
  SelectionVector() = default;
  explicit SelectionVector(std::vector<uint32_t> indices) : indices_(std::move(indices)) {}

  // The selection [0, n).
  static SelectionVector Identity(uint32_t n) {
    std::vector<uint32_t> v(n);
    for (uint32_t i = 0; i < n; ++i) v[i] = i;
    return SelectionVector(std::move(v));
  }

  int64_t size() const { return static_cast<int64_t>(indices_.size()); }
  bool empty() const { return indices_.empty(); }
  uint32_t operator[](int64_t i) const { return indices_[static_cast<size_t>(i)]; }
  const uint32_t* data() const { return indices_.data(); }
  const std::vector<uint32_t>& indices() const { return indices_; }

 private:
  std::vector<uint32_t> indices_;
};

using SelectionPtr = std::shared_ptr<const SelectionVector>;

}  // namespace weir

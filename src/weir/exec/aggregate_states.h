// AggregateStates: the states of a list of aggregate calls for a growing number of
// groups, laid out as one fixed-size row per group in 64-byte aligned blocks (an
// arena: states never move once created) (internal to weir_exec).
//
// Thread-safety: not thread-safe; owned by one task at a time.

#pragma once

#include <cstdint>
#include <vector>

#include "weir/common/check.h"
#include "weir/functions/aggregate.h"
#include "weir/types/buffer.h"

namespace weir::exec {

class AggregateStates {
 public:
  explicit AggregateStates(const std::vector<AggregateCall>* calls) : calls_(calls) {
    size_t at = 0;
    size_t align = 8;
    for (const AggregateCall& c : *calls_) {
      size_t a = std::max<size_t>(1, c.function->state_align());
      WEIR_CHECK_LE(a, Buffer::kAlignment);
      align = std::max(align, a);
      at = (at + a - 1) / a * a;
      offsets_.push_back(at);
      at += c.function->state_size();
      if (c.function->needs_destroy()) destroy_ = true;
    }
    row_size_ = std::max<size_t>(align, (at + align - 1) / align * align);
  }
  ~AggregateStates() { Clear(); }
  AggregateStates(const AggregateStates&) = delete;
  AggregateStates& operator=(const AggregateStates&) = delete;

  uint32_t size() const { return size_; }
  size_t offset(size_t agg) const { return offsets_[agg]; }
  // The state row of group g. REQUIRES: g < size().
  uint8_t* row(uint32_t g) const {
    return blocks_[g >> kBlockShift]->data() + (g & (kBlockRows - 1)) * row_size_;
  }
  uint8_t* state(uint32_t g, size_t agg) const { return row(g) + offsets_[agg]; }

  // Creates and Inits the states of groups [size(), n).
  void Grow(uint32_t n) {
    while (size_ < n) {
      if ((size_ >> kBlockShift) >= blocks_.size()) {
        blocks_.push_back(AllocateBuffer(kBlockRows * row_size_));
      }
      uint8_t* r = row(size_);
      for (size_t a = 0; a < calls_->size(); ++a) (*calls_)[a].function->Init(r + offsets_[a]);
      ++size_;
    }
  }

  // Destroys (when needed) and re-Inits the states of group g, so that a scratch
  // row can be reused without reallocating. REQUIRES: g < size().
  void ResetRow(uint32_t g) {
    uint8_t* r = row(g);
    for (size_t a = 0; a < calls_->size(); ++a) {
      const auto& f = (*calls_)[a].function;
      if (f->needs_destroy()) f->Destroy(r + offsets_[a]);
      f->Init(r + offsets_[a]);
    }
  }

  // Destroys every state (for functions that need it) and forgets them.
  void Clear() {
    if (destroy_) {
      for (uint32_t g = 0; g < size_; ++g) {
        for (size_t a = 0; a < calls_->size(); ++a) {
          const auto& f = (*calls_)[a].function;
          if (f->needs_destroy()) f->Destroy(state(g, a));
        }
      }
    }
    blocks_.clear();
    size_ = 0;
  }

  int64_t MemoryUsage() const {
    return static_cast<int64_t>(blocks_.size() * kBlockRows * row_size_);
  }

 private:
  static constexpr uint32_t kBlockShift = 12;
  static constexpr uint32_t kBlockRows = 1u << kBlockShift;

  const std::vector<AggregateCall>* calls_;
  std::vector<size_t> offsets_;
  size_t row_size_ = 8;
  bool destroy_ = false;
  std::vector<BufferPtr> blocks_;
  uint32_t size_ = 0;
};

}  // namespace weir::exec

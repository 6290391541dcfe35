#include "weir/types/buffer.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace weir {

namespace {

uint8_t* AlignedAlloc(size_t capacity) {
  if (capacity == 0) return nullptr;
  size_t rounded = (capacity + Buffer::kAlignment - 1) / Buffer::kAlignment * Buffer::kAlignment;
  void* p = std::aligned_alloc(Buffer::kAlignment, rounded);
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<uint8_t*>(p);
}

}  // namespace

Buffer::Buffer(size_t capacity) : data_(AlignedAlloc(capacity)), capacity_(capacity) {}

Buffer::~Buffer() { std::free(data_); }

void Buffer::Reserve(size_t capacity) {
  if (capacity <= capacity_) return;
  uint8_t* fresh = AlignedAlloc(capacity);
  if (size_ > 0) std::memcpy(fresh, data_, size_);
  std::free(data_);
  data_ = fresh;
  capacity_ = capacity;
}

void Buffer::Resize(size_t size) {
  if (size > capacity_) {
    size_t grown = capacity_ < 64 ? 64 : capacity_ * 2;
    Reserve(size > grown ? size : grown);
  }
  size_ = size;
}

}  // namespace weir

// Buffer: a contiguous, 64-byte aligned heap allocation that columns share.
//
// Columns hold their buffers through shared_ptr because a column passed unchanged
// from one batch to the next (a projection that keeps it, a filter that only adds a
// selection vector) is truly shared by both. A buffer is mutable only while its
// single builder owns it; once a Column holds it, it is read-only.
//
// Thread-safety: reads of a finished buffer are safe from any thread.

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace weir {

class Buffer {
 public:
  static constexpr size_t kAlignment = 64;

  // An empty buffer with room for `capacity` bytes. Contents are uninitialized.
  explicit Buffer(size_t capacity = 0);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  template <typename T>
  T* as() {
    return reinterpret_cast<T*>(data_);
  }
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data_);
  }

  // Grows the capacity to at least `capacity`, moving the contents; pointers into
  // the old allocation are invalidated. REQUIRES: the buffer is not yet shared.
  void Reserve(size_t capacity);
  // Sets the size, growing the capacity geometrically when needed.
  void Resize(size_t size);

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

using BufferPtr = std::shared_ptr<Buffer>;

inline BufferPtr AllocateBuffer(size_t capacity) { return std::make_shared<Buffer>(capacity); }

}  // namespace weir

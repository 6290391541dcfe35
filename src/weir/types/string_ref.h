// StringRef: how a Column stores one STRING or BINARY value. 16 bytes: the length,
// then either the bytes themselves when they fit in 12 (no pointer chase for short
// strings, which most keys are), or a 4-byte prefix and a pointer into a buffer the
// column owns. Comparing two refs looks at length and prefix before any pointer.
//
// A StringRef does not own its bytes. One taken from a Column lives as long as that
// Column (or the buffers it shares) lives.
//
// Thread-safety: a value type.

#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace weir {

class StringRef {
 public:
  static constexpr uint32_t kInlineSize = 12;

  StringRef() : size_(0), bytes_{} {}
  // REQUIRES: `data` stays valid while the ref is used, unless size <= kInlineSize.
  StringRef(const char* data, uint32_t size) : size_(size), bytes_{} {
    if (size <= kInlineSize) {
      if (size > 0) std::memcpy(bytes_, data, size);
    } else {
      std::memcpy(bytes_, data, kPrefixSize);
      std::memcpy(bytes_ + kPrefixSize, &data, sizeof(data));
    }
  }
  explicit StringRef(std::string_view s) : StringRef(s.data(), static_cast<uint32_t>(s.size())) {}

  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool is_inline() const { return size_ <= kInlineSize; }

  const char* data() const {
    if (is_inline()) return bytes_;
    const char* p;
    std::memcpy(&p, bytes_ + kPrefixSize, sizeof(p));
    return p;
  }

  std::string_view view() const { return {data(), size_}; }
  std::string str() const { return std::string(view()); }

  bool operator==(const StringRef& other) const {
    // Length and the first four bytes decide most comparisons.
    uint64_t a, b;
    std::memcpy(&a, this, sizeof(a));
    std::memcpy(&b, &other, sizeof(b));
    if (a != b) return false;
    if (is_inline()) return std::memcmp(bytes_ + kPrefixSize, other.bytes_ + kPrefixSize, 8) == 0;
    return std::memcmp(data(), other.data(), size_) == 0;
  }
  bool operator!=(const StringRef& other) const { return !(*this == other); }

  // Byte-wise (unsigned) ordering, as Spark orders UTF-8 strings and binaries.
  int Compare(const StringRef& other) const {
    uint32_t n = size_ < other.size_ ? size_ : other.size_;
    int c = std::memcmp(data(), other.data(), n);
    if (c != 0) return c;
    return size_ < other.size_ ? -1 : (size_ > other.size_ ? 1 : 0);
  }

 private:
  static constexpr uint32_t kPrefixSize = 4;

  uint32_t size_;
  // Inline: the bytes, zero-padded. Otherwise: a 4-byte prefix, then the pointer.
  char bytes_[12];
};

static_assert(sizeof(StringRef) == 16, "StringRef must stay 16 bytes");

}  // namespace weir

#include "weir/types/column.h"

#include <bit>
#include <cstring>

namespace weir {

namespace {

int64_t CountNulls(const uint64_t* bits, int64_t length) {
  int64_t valid = 0;
  int64_t full_words = length / 64;
  for (int64_t w = 0; w < full_words; ++w) valid += std::popcount(bits[w]);
  int64_t tail = length % 64;
  if (tail != 0) valid += std::popcount(bits[full_words] & ((uint64_t{1} << tail) - 1));
  return length - valid;
}

void CheckParts(const Column::Parts& p) {
  WEIR_CHECK_GE(p.length, 0);
  if (p.validity) WEIR_CHECK_GE(p.validity->size(), BitmapWords(p.length) * 8);
  switch (p.type.id()) {
    case TypeId::kNull:
      break;
    case TypeId::kArray:
    case TypeId::kMap: {
      WEIR_CHECK(p.values != nullptr);
      WEIR_CHECK_GE(p.values->size(), static_cast<size_t>(p.length + 1) * sizeof(int32_t));
      WEIR_CHECK_EQ(p.children.size(), p.type.id() == TypeId::kArray ? 1u : 2u);
      const int32_t* off = p.values->as<int32_t>();
      for (const ColumnPtr& c : p.children) WEIR_CHECK_GE(c->length(), off[p.length]);
      break;
    }
    case TypeId::kStruct:
      WEIR_CHECK_EQ(p.children.size(), p.type.fields().size());
      for (const ColumnPtr& c : p.children) WEIR_CHECK_EQ(c->length(), p.length);
      break;
    default:
      if (p.length > 0) {
        WEIR_CHECK(p.values != nullptr);
        WEIR_CHECK_GE(p.values->size(), static_cast<size_t>(p.length * p.type.byte_width()));
      }
      break;
  }
}

// Copies fixed-width values of `width` bytes by index.
void GatherFixed(const uint8_t* src, uint8_t* dst, int width, const uint32_t* idx, int64_t n) {
  switch (width) {
    case 1:
      for (int64_t i = 0; i < n; ++i) dst[i] = src[idx[i]];
      break;
    case 4: {
      auto* d = reinterpret_cast<uint32_t*>(dst);
      auto* s = reinterpret_cast<const uint32_t*>(src);
      for (int64_t i = 0; i < n; ++i) d[i] = s[idx[i]];
      break;
    }
    case 8: {
      auto* d = reinterpret_cast<uint64_t*>(dst);
      auto* s = reinterpret_cast<const uint64_t*>(src);
      for (int64_t i = 0; i < n; ++i) d[i] = s[idx[i]];
      break;
    }
    default:
      for (int64_t i = 0; i < n; ++i) {
        std::memcpy(dst + i * width, src + static_cast<int64_t>(idx[i]) * width,
                    static_cast<size_t>(width));
      }
      break;
  }
}

}  // namespace

ColumnPtr Column::Make(Parts parts) {
  CheckParts(parts);
  auto col = std::shared_ptr<Column>(new Column());
  col->type_ = std::move(parts.type);
  col->length_ = parts.length;
  col->values_ = std::move(parts.values);
  col->string_data_ = std::move(parts.string_data);
  col->children_ = std::move(parts.children);
  if (col->type_.is_null()) {
    // Every value of the NULL type is NULL: give it an all-zero bitmap.
    parts.validity = AllocateBuffer(BitmapWords(parts.length) * 8);
    parts.validity->Resize(BitmapWords(parts.length) * 8);
    // A 0-byte buffer has no data pointer, and memset(nullptr, 0, 0) is undefined.
    if (parts.validity->size() > 0) std::memset(parts.validity->data(), 0, parts.validity->size());
  }
  if (parts.validity) {
    int64_t nulls = CountNulls(parts.validity->as<uint64_t>(), parts.length);
    if (nulls > 0) {
      col->null_count_ = nulls;
      col->validity_ = std::move(parts.validity);
      col->validity_bits_ = col->validity_->as<uint64_t>();
    }
  }
  return col;
}

ColumnPtr Column::MakeAllNull(const DataType& type, int64_t length) {
  Parts p;
  p.type = type;
  p.length = length;
  p.validity = AllocateBuffer(BitmapWords(length) * 8);
  p.validity->Resize(BitmapWords(length) * 8);
  if (p.validity->size() > 0) std::memset(p.validity->data(), 0, p.validity->size());
  switch (type.id()) {
    case TypeId::kNull:
      break;
    case TypeId::kArray:
    case TypeId::kMap: {
      p.values = AllocateBuffer(static_cast<size_t>(length + 1) * sizeof(int32_t));
      p.values->Resize(static_cast<size_t>(length + 1) * sizeof(int32_t));
      std::memset(p.values->data(), 0, p.values->size());
      if (type.id() == TypeId::kArray) {
        p.children.push_back(MakeAllNull(type.element_type(), 0));
      } else {
        p.children.push_back(MakeAllNull(type.key_type(), 0));
        p.children.push_back(MakeAllNull(type.value_type(), 0));
      }
      break;
    }
    case TypeId::kStruct:
      for (const Field& f : type.fields()) p.children.push_back(MakeAllNull(f.type, length));
      break;
    default: {
      size_t bytes = static_cast<size_t>(length * type.byte_width());
      p.values = AllocateBuffer(bytes);
      p.values->Resize(bytes);
      if (bytes > 0) std::memset(p.values->data(), 0, bytes);
      break;
    }
  }
  return Make(std::move(p));
}

ColumnPtr Column::Take(const uint32_t* indices, int64_t n) const {
  Parts p;
  p.type = type_;
  p.length = n;
  if (validity_bits_ != nullptr || type_.is_null()) {
    p.validity = AllocateBuffer(BitmapWords(n) * 8);
    p.validity->Resize(BitmapWords(n) * 8);
    auto* bits = p.validity->as<uint64_t>();
    if (n > 0) std::memset(bits, 0, p.validity->size());
    for (int64_t i = 0; i < n; ++i) {
      WEIR_DCHECK_LT(indices[i], static_cast<uint64_t>(length_));
      if (!IsNull(indices[i])) SetBit(bits, i);
    }
  }
  switch (type_.id()) {
    case TypeId::kNull:
      break;
    case TypeId::kStruct:
      for (const ColumnPtr& c : children_) p.children.push_back(c->Take(indices, n));
      break;
    case TypeId::kArray:
    case TypeId::kMap: {
      const int32_t* off = offsets();
      p.values = AllocateBuffer(static_cast<size_t>(n + 1) * sizeof(int32_t));
      p.values->Resize(static_cast<size_t>(n + 1) * sizeof(int32_t));
      int32_t* out_off = p.values->as<int32_t>();
      std::vector<uint32_t> child_idx;
      out_off[0] = 0;
      for (int64_t i = 0; i < n; ++i) {
        uint32_t r = indices[i];
        for (int32_t k = off[r]; k < off[r + 1]; ++k) child_idx.push_back(static_cast<uint32_t>(k));
        out_off[i + 1] = static_cast<int32_t>(child_idx.size());
      }
      for (const ColumnPtr& c : children_) {
        p.children.push_back(c->Take(child_idx.data(), static_cast<int64_t>(child_idx.size())));
      }
      break;
    }
    default: {
      int width = type_.byte_width();
      size_t bytes = static_cast<size_t>(n * width);
      p.values = AllocateBuffer(bytes);
      p.values->Resize(bytes);
      if (n > 0) GatherFixed(values_->data(), p.values->data(), width, indices, n);
      // StringRefs still point into the same string buffers: share them.
      p.string_data = string_data_;
      break;
    }
  }
  return Make(std::move(p));
}

int64_t Column::MemoryUsage() const {
  int64_t bytes = 0;
  if (validity_) bytes += static_cast<int64_t>(validity_->capacity());
  if (values_) bytes += static_cast<int64_t>(values_->capacity());
  for (const BufferPtr& b : string_data_) bytes += static_cast<int64_t>(b->capacity());
  for (const ColumnPtr& c : children_) bytes += c->MemoryUsage();
  return bytes;
}

}  // namespace weir

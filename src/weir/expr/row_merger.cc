#include "weir/expr/row_merger.h"

#include <cstring>

#include "weir/types/builder.h"

namespace weir {

RowMerger::RowMerger(DataType type, int64_t physical_rows)
    : type_(std::move(type)), physical_rows_(physical_rows), width_(type_.byte_width()) {
  size_t words = BitmapWords(physical_rows);
  validity_ = AllocateBuffer(words * 8);
  validity_->Resize(words * 8);
  if (words > 0) std::memset(validity_->data(), 0, words * 8);
  if (width_ > 0) {
    size_t bytes = static_cast<size_t>(physical_rows) * static_cast<size_t>(width_);
    values_ = AllocateBuffer(bytes);
    values_->Resize(bytes);
    if (bytes > 0) std::memset(values_->data(), 0, bytes);
  } else if (!type_.is_null()) {
    source_.assign(static_cast<size_t>(physical_rows), -1);
  }
}

void RowMerger::Put(const Datum& part, const RowSet& rows) {
  WEIR_DCHECK(part.type() == type_);
  auto* bits = validity_->as<uint64_t>();
  if (width_ > 0) {
    const uint8_t* src = part.col().values_buffer() ? part.col().values_buffer()->data() : nullptr;
    uint8_t* dst = values_->data();
    const size_t w = static_cast<size_t>(width_);
    rows.ForEach([&](int64_t i) {
      if (part.IsNull(i)) return;
      SetBit(bits, i);
      std::memcpy(dst + static_cast<size_t>(i) * w, src + static_cast<size_t>(part.Index(i)) * w,
                  w);
    });
    if (type_.is_string_like()) {
      for (const BufferPtr& b : part.col().string_data()) string_data_.push_back(b);
    }
    return;
  }
  if (type_.is_null()) return;
  auto idx = static_cast<int32_t>(parts_.size());
  parts_.push_back(part);
  rows.ForEach([&](int64_t i) {
    if (part.IsNull(i)) return;
    SetBit(bits, i);
    source_[static_cast<size_t>(i)] = idx;
  });
}

Datum RowMerger::Finish() {
  if (width_ > 0 || type_.is_null()) {
    Column::Parts p;
    p.type = type_;
    p.length = physical_rows_;
    p.validity = std::move(validity_);
    p.values = std::move(values_);
    p.string_data = std::move(string_data_);
    return Datum::Flat(Column::Make(std::move(p)));
  }
  // Nested types: rebuild row by row.
  auto builder = MakeBuilder(type_);
  for (int64_t i = 0; i < physical_rows_; ++i) {
    int32_t s = source_[static_cast<size_t>(i)];
    if (s < 0) {
      builder->AppendNull();
    } else {
      builder->AppendValue(parts_[static_cast<size_t>(s)].GetValue(i)).Check();
    }
  }
  return Datum::Flat(builder->Finish());
}

}  // namespace weir

#include "weir/expr/result_builder.h"

#include <cstring>

namespace weir {

namespace {

BufferPtr NewBitmap(int64_t physical_rows, bool all_set) {
  size_t bytes = BitmapWords(physical_rows) * 8;
  BufferPtr b = AllocateBuffer(bytes);
  b->Resize(bytes);
  if (bytes > 0) std::memset(b->data(), all_set ? 0xFF : 0, bytes);
  return b;
}

BufferPtr RowsBitmap(const RowSet& rows) {
  if (rows.is_all()) return NewBitmap(rows.physical_rows(), true);
  BufferPtr b = NewBitmap(rows.physical_rows(), false);
  auto* bits = b->as<uint64_t>();
  rows.ForEach([bits](int64_t i) { SetBit(bits, i); });
  return b;
}

}  // namespace

BufferPtr IntersectValidity(const Datum* args, size_t num_args, const RowSet& rows, bool* shared) {
  *shared = false;
  std::vector<const BufferPtr*> nullable;
  for (size_t a = 0; a < num_args; ++a) {
    const Datum& d = args[a];
    if (d.is_constant()) {
      if (d.IsNull(0)) return NewBitmap(rows.physical_rows(), false);
      continue;
    }
    if (d.col().validity_bits() != nullptr) nullable.push_back(&d.col().validity_buffer());
  }
  if (nullable.empty() && rows.is_all()) return nullptr;
  if (nullable.size() == 1 && rows.is_all()) {
    *shared = true;
    return *nullable[0];
  }
  BufferPtr out = RowsBitmap(rows);
  auto* bits = out->as<uint64_t>();
  size_t words = BitmapWords(rows.physical_rows());
  for (const BufferPtr* b : nullable) {
    const auto* in = (*b)->as<uint64_t>();
    for (size_t w = 0; w < words; ++w) bits[w] &= in[w];
  }
  return out;
}

void ResultValidity::InitFromRows(const RowSet& rows) {
  bits_ = rows.is_all() ? nullptr : RowsBitmap(rows);
  shared_ = false;
}

uint64_t* ResultValidity::MutableBits() {
  if (bits_ == nullptr) {
    bits_ = NewBitmap(physical_rows_, true);
  } else if (shared_) {
    BufferPtr copy = AllocateBuffer(bits_->size());
    copy->Resize(bits_->size());
    std::memcpy(copy->data(), bits_->data(), bits_->size());
    bits_ = std::move(copy);
    shared_ = false;
  }
  return bits_->as<uint64_t>();
}

StringResult::StringResult(DataType type, const RowSet& rows)
    : type_(std::move(type)), rows_(rows), validity_(rows.physical_rows()) {
  size_t bytes = static_cast<size_t>(rows.physical_rows()) * sizeof(StringRef);
  values_ = AllocateBuffer(bytes);
  values_->Resize(bytes);
  // Rows outside the set stay empty refs rather than garbage.
  if (bytes > 0) std::memset(values_->data(), 0, bytes);
}

char* StringResult::ReserveBytes(size_t n) {
  if (chunks_.empty() || chunks_.back()->capacity() - chunks_.back()->size() < n) {
    chunks_.push_back(AllocateBuffer(n > kChunkBytes ? n : kChunkBytes));
  }
  Buffer& b = *chunks_.back();
  char* dst = reinterpret_cast<char*>(b.data()) + b.size();
  b.Resize(b.size() + n);  // within capacity: never moves
  return dst;
}

void StringResult::Set(int64_t i, std::string_view s) {
  const char* data = s.data();
  if (s.size() > StringRef::kInlineSize) {
    char* dst = ReserveBytes(s.size());
    std::memcpy(dst, s.data(), s.size());
    data = dst;
  }
  values_->as<StringRef>()[i] = StringRef(data, static_cast<uint32_t>(s.size()));
}

void StringResult::KeepBuffersOf(const Column& input) {
  for (const BufferPtr& b : input.string_data()) kept_.push_back(b);
}

Datum StringResult::Finish() {
  Column::Parts p;
  p.type = std::move(type_);
  p.length = rows_.physical_rows();
  p.validity = validity_.Take();
  p.values = std::move(values_);
  p.string_data = std::move(chunks_);
  for (BufferPtr& b : kept_) p.string_data.push_back(std::move(b));
  return Datum::Flat(Column::Make(std::move(p)));
}

}  // namespace weir

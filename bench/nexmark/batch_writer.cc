// BatchWriter (generator.h): the generator's columnar form.

#include <algorithm>
#include <cstring>
#include <limits>

#include "weir/common/check.h"

#include "nexmark/generator.h"
#include "nexmark/generator_internal.h"
#include "nexmark/random.h"

namespace weir::nexmark {

namespace internal {

// A BIGINT or TIMESTAMP column, appended to through a raw pointer: Int64Builder
// calls Buffer::Resize on every value.
//
// Thread-safety: one thread at a time.
class Int64ColumnWriter {
 public:
  explicit Int64ColumnWriter(DataType type) : type_(std::move(type)) {}

  void Reserve(int64_t rows) {
    if (length_ + rows > capacity_) Grow(length_ + rows);
  }
  void Append(int64_t v) {
    if (length_ == capacity_) Grow(2 * capacity_ + 64);
    data_[length_++] = v;
  }
  ColumnPtr Finish() {
    values_->Resize(static_cast<size_t>(length_) * sizeof(int64_t));
    Column::Parts p;
    p.type = type_;
    p.length = length_;
    p.values = std::move(values_);
    values_ = AllocateBuffer(0);
    data_ = nullptr;
    length_ = capacity_ = 0;
    return Column::Make(std::move(p));
  }

 private:
  void Grow(int64_t rows) {
    values_->Resize(static_cast<size_t>(length_) * sizeof(int64_t));  // what Reserve keeps
    values_->Reserve(static_cast<size_t>(rows) * sizeof(int64_t));
    data_ = values_->as<int64_t>();
    capacity_ = rows;
  }

  DataType type_;
  BufferPtr values_ = AllocateBuffer(0);
  int64_t* data_ = nullptr;
  int64_t length_ = 0;
  int64_t capacity_ = 0;
};

// A STRING column written in place: the bytes of a long value go straight into a
// chunk the column will own (Prepare, then Commit), or stay in a buffer the column
// shares (AppendShared). StringBuilder copies every value from a caller's buffer
// instead; the letters of `extra` would be written twice.
//
// Thread-safety: one thread at a time.
class StringColumnWriter {
 public:
  static constexpr size_t kChunkBytes = size_t{64} * 1024;

  void Reserve(int64_t rows) {
    if (length_ + rows > capacity_) Grow(length_ + rows);
  }

  // Where to write the next value's `n` bytes before Commit(that pointer, n).
  char* Prepare(size_t n) {
    if (n <= StringRef::kInlineSize) return small_;
    if (chunk_ == nullptr || chunk_->capacity() - chunk_->size() < n) {
      chunks_.push_back(AllocateBuffer(std::max(n, kChunkBytes)));
      chunk_ = chunks_.back().get();
    }
    return reinterpret_cast<char*>(chunk_->data()) + chunk_->size();
  }
  // Appends the value of `n` bytes written at `data` = Prepare(n).
  void Commit(const char* data, size_t n) {
    if (n > StringRef::kInlineSize) chunk_->Resize(chunk_->size() + n);  // within capacity
    Push(StringRef(data, static_cast<uint32_t>(n)));
  }
  void Append(std::string_view s) {
    char* dst = Prepare(s.size());
    if (!s.empty()) std::memcpy(dst, s.data(), s.size());
    Commit(dst, s.size());
  }
  // Appends `ref`, whose bytes (unless inline) live in `owner`; the column keeps
  // `owner` alive instead of copying them.
  void AppendShared(StringRef ref, const BufferPtr& owner) {
    if (!ref.is_inline() && shared_ != owner.get()) {
      chunks_.push_back(owner);
      shared_ = owner.get();
    }
    Push(ref);
  }

  // The column of the values appended so far; resets the writer.
  ColumnPtr Finish() {
    values_->Resize(static_cast<size_t>(length_) * sizeof(StringRef));
    Column::Parts p;
    p.type = DataType::String();
    p.length = length_;
    p.values = std::move(values_);
    p.string_data = std::move(chunks_);
    values_ = AllocateBuffer(0);
    refs_ = nullptr;
    chunks_.clear();
    chunk_ = nullptr;
    shared_ = nullptr;
    length_ = capacity_ = 0;
    return Column::Make(std::move(p));
  }

 private:
  void Push(StringRef ref) {
    if (length_ == capacity_) Grow(2 * capacity_ + 64);
    refs_[length_++] = ref;
  }
  void Grow(int64_t rows) {
    values_->Resize(static_cast<size_t>(length_) * sizeof(StringRef));  // what Reserve keeps
    values_->Reserve(static_cast<size_t>(rows) * sizeof(StringRef));
    refs_ = values_->as<StringRef>();
    capacity_ = rows;
  }

  BufferPtr values_ = AllocateBuffer(0);
  StringRef* refs_ = nullptr;
  int64_t capacity_ = 0;
  std::vector<BufferPtr> chunks_;   // the column's string_data
  Buffer* chunk_ = nullptr;         // the chunk being filled (one of chunks_)
  const Buffer* shared_ = nullptr;  // the shared buffer already in chunks_
  int64_t length_ = 0;
  char small_[StringRef::kInlineSize];
};

}  // namespace internal

namespace {

void Put(const std::unique_ptr<internal::Int64ColumnWriter>& b, int64_t v) {
  if (b != nullptr) b->Append(v);
}
void Put(const std::unique_ptr<internal::StringColumnWriter>& w, std::string_view v) {
  if (w != nullptr) w->Append(v);
}
void PutShared(const std::unique_ptr<internal::StringColumnWriter>& w, StringRef ref,
               const BufferPtr& owner) {
  if (w != nullptr) w->AppendShared(ref, owner);
}
// The `size` letters of `extra`, drawn by `r` straight into the column.
void PutLetters(const std::unique_ptr<internal::StringColumnWriter>& w, EventRandom* r,
                int64_t size) {
  if (w == nullptr) return;
  char* dst = w->Prepare(static_cast<size_t>(size));
  r->Letters(dst, size);
  w->Commit(dst, static_cast<size_t>(size));
}

}  // namespace

Result<std::unique_ptr<BatchWriter>> BatchWriter::Make(const Generator& generator, EventKind kind,
                                                       std::vector<int> columns) {
  const int num = SchemaOf(kind)->num_fields();
  for (int c : columns) {
    if (c < 0 || c >= num) {
      return Status::InvalidArgument("Nexmark " + std::string(KindName(kind)) + " has no column " +
                                     std::to_string(c) + ".");
    }
  }
  return std::unique_ptr<BatchWriter>(new BatchWriter(generator, kind, std::move(columns)));
}

BatchWriter::BatchWriter(const Generator& generator, EventKind kind, std::vector<int> columns)
    : generator_(generator),
      channels_(&internal::GetChannels()),
      kind_(kind),
      columns_(std::move(columns)) {
  const Schema& full = *SchemaOf(kind);
  ints_.resize(static_cast<size_t>(full.num_fields()));
  strings_.resize(static_cast<size_t>(full.num_fields()));
  std::vector<Field> fields;
  for (int c : columns_) {
    const Field& f = full.field(c);
    fields.push_back(f);
    const auto i = static_cast<size_t>(c);
    if (f.type.id() == TypeId::kString) {
      if (strings_[i] == nullptr) strings_[i] = std::make_unique<internal::StringColumnWriter>();
    } else if (ints_[i] == nullptr) {
      ints_[i] = std::make_unique<internal::Int64ColumnWriter>(f.type);
    }
  }
  schema_ = MakeSchema(std::move(fields));
  const int extra = kind == EventKind::kPerson    ? int{kPersonExtra}
                    : kind == EventKind::kAuction ? int{kAuctionExtra}
                                                  : int{kBidExtra};
  want_extra_ = strings_[static_cast<size_t>(extra)] != nullptr;
}

BatchWriter::~BatchWriter() = default;

void BatchWriter::AppendPerson(int64_t k) {
  internal::Scratch s;
  internal::PersonFields f;
  EventRandom r(0);
  internal::DrawPerson(generator_, k, want_extra_, &r, &s, &f);
  Put(ints_[kPersonId], f.id);
  Put(strings_[kPersonName], f.name);
  Put(strings_[kPersonEmailAddress], f.email_address);
  Put(strings_[kPersonCreditCard], f.credit_card);
  Put(strings_[kPersonCity], f.city);
  Put(strings_[kPersonState], f.state);
  Put(ints_[kPersonDateTime], f.date_time);
  PutLetters(strings_[kPersonExtra], &r, f.extra_size);
}

void BatchWriter::AppendAuction(int64_t k) {
  internal::Scratch s;
  internal::AuctionFields f;
  EventRandom r(0);
  internal::DrawAuction(generator_, k, want_extra_, &r, &s, &f);
  Put(ints_[kAuctionId], f.id);
  Put(strings_[kAuctionItemName], f.item_name);
  Put(strings_[kAuctionDescription], f.description);
  Put(ints_[kAuctionInitialBid], f.initial_bid);
  Put(ints_[kAuctionReserve], f.reserve);
  Put(ints_[kAuctionDateTime], f.date_time);
  Put(ints_[kAuctionExpires], f.expires);
  Put(ints_[kAuctionSeller], f.seller);
  Put(ints_[kAuctionCategory], f.category);
  PutLetters(strings_[kAuctionExtra], &r, f.extra_size);
}

void BatchWriter::AppendBid(int64_t k) {
  internal::BidFields f;
  EventRandom r(0);
  internal::DrawBid(generator_, *channels_, k, want_extra_, &r, &f);
  Put(ints_[kBidAuction], f.auction);
  Put(ints_[kBidBidder], f.bidder);
  Put(ints_[kBidPrice], f.price);
  PutShared(strings_[kBidChannel], f.channel, channels_->bytes);
  PutShared(strings_[kBidUrl], f.url, channels_->bytes);
  Put(ints_[kBidDateTime], f.date_time);
  PutLetters(strings_[kBidExtra], &r, f.extra_size);
}

int64_t BatchWriter::Append(int64_t* k, int64_t end, int64_t max_rows) {
  WEIR_DCHECK(*k >= 0 && end <= generator_.max_events());
  if (*k >= end) return 0;
  // Room for the rows to come, so that columns grow once per batch.
  const int64_t expected = std::min(max_rows, CountOfKind(kind_, end) - CountOfKind(kind_, *k));
  for (auto& b : ints_) {
    if (b != nullptr) b->Reserve(expected);
  }
  for (auto& w : strings_) {
    if (w != nullptr) w->Reserve(expected);
  }
  int64_t appended = 0;
  int64_t i = NextEventOfKind(kind_, *k);
  while (i < end && appended < max_rows) {
    switch (kind_) {
      case EventKind::kPerson:
        AppendPerson(i);
        break;
      case EventKind::kAuction:
        AppendAuction(i);
        break;
      case EventKind::kBid:
        AppendBid(i);
        break;
    }
    ++appended;
    i = NextEventOfKind(kind_, i + 1);
  }
  *k = std::min(i, end);
  rows_ += appended;
  return appended;
}

Result<Batch> BatchWriter::Finish() {
  const int64_t rows = rows_;
  rows_ = 0;
  if (columns_.empty()) return Batch::MakeRowsOnly(rows);
  std::vector<ColumnPtr> finished(ints_.size());
  for (size_t i = 0; i < ints_.size(); ++i) {
    if (ints_[i] != nullptr) finished[i] = ints_[i]->Finish();
    if (strings_[i] != nullptr) finished[i] = strings_[i]->Finish();
  }
  std::vector<ColumnPtr> columns;
  columns.reserve(columns_.size());
  for (int c : columns_) columns.push_back(finished[static_cast<size_t>(c)]);
  return Batch::Make(schema_, std::move(columns));
}

Result<Batch> GenerateBatch(const Generator& generator, EventKind kind, int64_t k0, int64_t k1) {
  ASSIGN_OR_RAISE(std::unique_ptr<BatchWriter> writer,
                  BatchWriter::Make(generator, kind, AllFieldIndices(*SchemaOf(kind))));
  int64_t k = k0;
  writer->Append(&k, k1, std::numeric_limits<int64_t>::max());
  return writer->Finish();
}

Result<EventBatches> GenerateBatches(const Generator& generator, int64_t k0, int64_t k1) {
  EventBatches out;
  ASSIGN_OR_RAISE(out.person, GenerateBatch(generator, EventKind::kPerson, k0, k1));
  ASSIGN_OR_RAISE(out.auction, GenerateBatch(generator, EventKind::kAuction, k0, k1));
  ASSIGN_OR_RAISE(out.bid, GenerateBatch(generator, EventKind::kBid, k0, k1));
  return out;
}

}  // namespace weir::nexmark

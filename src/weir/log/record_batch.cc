#include "weir/log/record_batch.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "weir/common/check.h"
#include "weir/common/crc32c.h"
#include "weir/log/coding.h"

namespace weir::log {

namespace {

// Byte positions of the header fields (docs/log_format.md, section 2).
constexpr size_t kBaseOffsetPos = 0;
constexpr size_t kLengthPos = 8;
constexpr size_t kCrcPos = 12;
constexpr size_t kCrcStart = 16;  // the CRC covers [16, end)
constexpr size_t kVersionPos = 16;
constexpr size_t kAttributesPos = 17;
constexpr size_t kLastOffsetDeltaPos = 19;
constexpr size_t kFirstTimestampPos = 23;
constexpr size_t kMaxTimestampPos = 31;
constexpr size_t kProducerIdPos = 39;
constexpr size_t kProducerEpochPos = 47;
constexpr size_t kBaseSequencePos = 49;
constexpr size_t kRecordCountPos = 53;
static_assert(kRecordCountPos + 4 == kBatchHeaderSize);

// The smallest encoded record (six one-byte varints) and header (two).
constexpr size_t kMinRecordSize = 6;
constexpr size_t kMinHeaderSize = 2;
constexpr int16_t kKnownAttributes =
    kAttrCompressionMask | kAttrCompacted | kAttrTransactional | kAttrControl;

Status CheckFieldSize(size_t size, std::string_view what) {
  if (size > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument(fmt::format("record {} of {} bytes is too large", what, size));
  }
  return Status::OK();
}

void PutNullableBytes(std::string* dst, const std::optional<std::string>& bytes) {
  if (!bytes.has_value()) {
    PutVarint32(dst, -1);
    return;
  }
  PutVarint32(dst, static_cast<int32_t>(bytes->size()));
  dst->append(*bytes);
}

// Appends the encoding of `r` (without its length prefix) to `dst`.
Status EncodeRecordBody(const Record& r, int64_t first_timestamp, int32_t offset_delta,
                        std::string* dst) {
  int64_t ts_delta;
  if (__builtin_sub_overflow(r.timestamp, first_timestamp, &ts_delta)) {
    return Status::InvalidArgument(
        fmt::format("record timestamps {} and {} are too far apart", r.timestamp, first_timestamp));
  }
  if (r.key) RETURN_NOT_OK(CheckFieldSize(r.key->size(), "key"));
  if (r.value) RETURN_NOT_OK(CheckFieldSize(r.value->size(), "value"));
  if (r.headers.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("too many record headers");
  }
  PutVarint64(dst, ts_delta);
  PutVarint32(dst, offset_delta);
  PutNullableBytes(dst, r.key);
  PutNullableBytes(dst, r.value);
  PutVarint32(dst, static_cast<int32_t>(r.headers.size()));
  for (const auto& [key, value] : r.headers) {
    RETURN_NOT_OK(CheckFieldSize(key.size(), "header key"));
    if (value) RETURN_NOT_OK(CheckFieldSize(value->size(), "header value"));
    PutVarint32(dst, static_cast<int32_t>(key.size()));
    dst->append(key);
    PutNullableBytes(dst, value);
  }
  return Status::OK();
}

Result<std::string> EncodeRecords(std::span<const Record> records, int64_t first_timestamp) {
  std::string section;
  std::string body;
  for (size_t i = 0; i < records.size(); ++i) {
    body.clear();
    RETURN_NOT_OK(EncodeRecordBody(records[i], first_timestamp, static_cast<int32_t>(i), &body));
    if (body.size() > kMaxUncompressedRecordsSize ||
        section.size() + body.size() + 5 > kMaxUncompressedRecordsSize) {
      return Status::InvalidArgument(fmt::format(
          "the records of a batch exceed the limit of {} bytes", kMaxUncompressedRecordsSize));
    }
    PutVarint32(&section, static_cast<int32_t>(body.size()));
    section.append(body);
  }
  return section;
}

// A reader over one record's bytes that turns every failure into a Corruption
// naming the record.
class RecordReader {
 public:
  RecordReader(std::string_view in, int32_t index) : in_(in), index_(index) {}

  Status Fail(std::string_view what) const {
    return Status::Corruption(fmt::format("record {}: {}", index_, what));
  }

  Status Varint32(int32_t* v, std::string_view field) {
    if (!GetVarint32(&in_, v)) return Fail(fmt::format("malformed varint in {}", field));
    return Status::OK();
  }

  // Reads a length-prefixed byte string; -1 is null only when `nullable`.
  Status Bytes(std::optional<std::string_view>* out, bool nullable, std::string_view field) {
    int32_t len;
    RETURN_NOT_OK(Varint32(&len, field));
    if (len == -1 && nullable) {
      out->reset();
      return Status::OK();
    }
    if (len < 0 || static_cast<size_t>(len) > in_.size()) {
      return Fail(
          fmt::format("{} length {} out of range (remaining {} bytes)", field, len, in_.size()));
    }
    out->emplace(in_.substr(0, static_cast<size_t>(len)));
    in_.remove_prefix(static_cast<size_t>(len));
    return Status::OK();
  }

  std::string_view* input() { return &in_; }

 private:
  std::string_view in_;
  const int32_t index_;
};

// The common case of DecodeRecord without building a Status: false on anything
// unusual, and then DecodeRecord decodes the record again to name the problem.
inline bool FastBytes(std::string_view* in, std::optional<std::string_view>* out, bool nullable) {
  int32_t len;
  if (!GetVarint32(in, &len)) return false;
  if (len == -1 && nullable) {
    out->reset();
    return true;
  }
  if (len < 0 || static_cast<size_t>(len) > in->size()) return false;
  out->emplace(in->data(), static_cast<size_t>(len));
  in->remove_prefix(static_cast<size_t>(len));
  return true;
}

inline bool FastDecodeRecord(std::string_view in, int32_t index, const BatchHeader& h,
                             RecordView* out, std::vector<HeaderView>* headers,
                             uint32_t* num_headers) {
  int64_t ts_delta;
  int32_t offset_delta, header_count;
  if (!GetVarint64(&in, &ts_delta) || (index == 0 && ts_delta != 0) ||
      __builtin_add_overflow(h.first_timestamp, ts_delta, &out->timestamp) ||
      !GetVarint32(&in, &offset_delta) || offset_delta != index ||
      !FastBytes(&in, &out->key, true) || !FastBytes(&in, &out->value, true) ||
      !GetVarint32(&in, &header_count) || header_count < 0 ||
      static_cast<size_t>(header_count) > in.size() / kMinHeaderSize) {
    return false;
  }
  out->offset = h.base_offset + offset_delta;
  const size_t before = headers->size();
  for (int32_t i = 0; i < header_count; ++i) {
    std::optional<std::string_view> key, value;
    if (!FastBytes(&in, &key, false) || !FastBytes(&in, &value, true)) {
      headers->resize(before);
      return false;
    }
    headers->push_back(HeaderView{*key, value});
  }
  *num_headers = static_cast<uint32_t>(header_count);
  if (!in.empty()) {
    headers->resize(before);
    return false;
  }
  return true;
}

// Decodes one record into views of `bytes`, appending its headers to *headers.
Status DecodeRecord(std::string_view bytes, int32_t index, const BatchHeader& h, RecordView* out,
                    std::vector<HeaderView>* headers, uint32_t* num_headers) {
  RecordReader r(bytes, index);
  int64_t ts_delta;
  if (!GetVarint64(r.input(), &ts_delta)) return r.Fail("malformed timestamp delta");
  if (index == 0 && ts_delta != 0) return r.Fail("first record's timestamp delta is not 0");
  if (__builtin_add_overflow(h.first_timestamp, ts_delta, &out->timestamp)) {
    return r.Fail("timestamp overflows");
  }
  int32_t offset_delta;
  RETURN_NOT_OK(r.Varint32(&offset_delta, "offset delta"));
  if (offset_delta != index) return r.Fail(fmt::format("offset delta {}", offset_delta));
  out->offset = h.base_offset + offset_delta;
  RETURN_NOT_OK(r.Bytes(&out->key, /*nullable=*/true, "key"));
  RETURN_NOT_OK(r.Bytes(&out->value, /*nullable=*/true, "value"));
  int32_t header_count;
  RETURN_NOT_OK(r.Varint32(&header_count, "header count"));
  if (header_count < 0 || static_cast<size_t>(header_count) > r.input()->size() / kMinHeaderSize) {
    return r.Fail(fmt::format("header count {} out of range", header_count));
  }
  for (int32_t i = 0; i < header_count; ++i) {
    std::optional<std::string_view> key, value;
    RETURN_NOT_OK(r.Bytes(&key, /*nullable=*/false, "header key"));
    RETURN_NOT_OK(r.Bytes(&value, /*nullable=*/true, "header value"));
    headers->push_back(HeaderView{*key, value});
  }
  *num_headers = static_cast<uint32_t>(header_count);
  if (!r.input()->empty()) {
    return r.Fail(fmt::format("{} trailing bytes", r.input()->size()));
  }
  return Status::OK();
}

// Decodes the records section `in` of the batch `h` into views, appended to the
// vectors (header_ranges parallel to records).
Status DecodeRecords(std::string_view in, const BatchHeader& h, std::vector<RecordView>* records,
                     std::vector<HeaderView>* headers,
                     std::vector<std::pair<uint32_t, uint32_t>>* header_ranges) {
  if (static_cast<size_t>(h.record_count) > in.size() / kMinRecordSize) {
    return Status::Corruption(
        fmt::format("record count {} does not fit in {} bytes", h.record_count, in.size()));
  }
  // Geometric growth: an exact reserve per batch would copy the views once per batch.
  const size_t needed = records->size() + static_cast<size_t>(h.record_count);
  if (records->capacity() < needed) records->reserve(std::max(needed, 2 * records->capacity()));
  if (header_ranges->capacity() < needed) {
    header_ranges->reserve(std::max(needed, 2 * header_ranges->capacity()));
  }
  int64_t max_timestamp = std::numeric_limits<int64_t>::min();
  for (int32_t i = 0; i < h.record_count; ++i) {
    int32_t len;
    if (!GetVarint32(&in, &len)) {
      return Status::Corruption(fmt::format("record {}: malformed length", i));
    }
    if (len < 0 || static_cast<size_t>(len) > in.size()) {
      return Status::Corruption(
          fmt::format("record {}: length {} out of range (remaining {} bytes)", i, len, in.size()));
    }
    RecordView& rec = records->emplace_back();
    const auto first_header = static_cast<uint32_t>(headers->size());
    uint32_t num_headers = 0;
    const std::string_view bytes = in.substr(0, static_cast<size_t>(len));
    if (!FastDecodeRecord(bytes, i, h, &rec, headers, &num_headers)) {
      RETURN_NOT_OK(DecodeRecord(bytes, i, h, &rec, headers, &num_headers));
    }
    header_ranges->emplace_back(first_header, num_headers);
    in.remove_prefix(static_cast<size_t>(len));
    max_timestamp = std::max(max_timestamp, rec.timestamp);
  }
  if (!in.empty()) {
    return Status::Corruption(fmt::format("{} bytes after the last record", in.size()));
  }
  if (max_timestamp != h.max_timestamp) {
    return Status::Corruption(fmt::format("max timestamp {} but the records' largest is {}",
                                          h.max_timestamp, max_timestamp));
  }
  return Status::OK();
}

}  // namespace

Result<std::string> EncodeBatch(int64_t base_offset, std::span<const Record> records,
                                const BatchOptions& options) {
  if (records.empty()) return Status::InvalidArgument("a record batch needs at least one record");
  int64_t last_offset;
  if (base_offset < 0 ||
      records.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()) ||
      __builtin_add_overflow(base_offset, static_cast<int64_t>(records.size() - 1), &last_offset)) {
    return Status::InvalidArgument(
        fmt::format("offsets of {} records from {} out of range", records.size(), base_offset));
  }
  const int64_t first_timestamp = records[0].timestamp;
  int64_t max_timestamp = first_timestamp;
  for (const Record& r : records) max_timestamp = std::max(max_timestamp, r.timestamp);

  ASSIGN_OR_RAISE(std::string section, EncodeRecords(records, first_timestamp));
  std::string compressed;
  if (options.compression != Compression::kNone) {
    ASSIGN_OR_RAISE(std::string c, Compress(options.compression, section));
    PutFixed32(&compressed, static_cast<uint32_t>(section.size()));
    compressed.append(c);
    section = std::move(compressed);
  }
  const size_t total = kBatchHeaderSize + section.size();
  if (total > kMaxBatchSize) {
    return Status::InvalidArgument(
        fmt::format("a batch of {} bytes exceeds the limit of {} bytes", total, kMaxBatchSize));
  }

  int16_t attributes = static_cast<int16_t>(options.compression);
  if (options.transactional) attributes |= kAttrTransactional;
  if (options.control) attributes |= kAttrControl;
  if (options.compacted) attributes |= kAttrCompacted;

  std::string out;
  out.reserve(total);
  PutFixed64(&out, static_cast<uint64_t>(base_offset));
  PutFixed32(&out, static_cast<uint32_t>(total - kBatchLogOverhead));
  PutFixed32(&out, 0);  // the CRC, filled in below
  out.push_back(static_cast<char>(kBatchVersion));
  PutFixed16(&out, static_cast<uint16_t>(attributes));
  PutFixed32(&out, static_cast<uint32_t>(records.size() - 1));
  PutFixed64(&out, static_cast<uint64_t>(first_timestamp));
  PutFixed64(&out, static_cast<uint64_t>(max_timestamp));
  PutFixed64(&out, static_cast<uint64_t>(options.producer_id));
  PutFixed16(&out, static_cast<uint16_t>(options.producer_epoch));
  PutFixed32(&out, static_cast<uint32_t>(options.base_sequence));
  PutFixed32(&out, static_cast<uint32_t>(records.size()));
  WEIR_DCHECK_EQ(out.size(), kBatchHeaderSize);
  out.append(section);
  EncodeFixed32(out.data() + kCrcPos,
                crc32c::Value(out.data() + kCrcStart, out.size() - kCrcStart));
  return out;
}

void SetBaseOffset(std::string* batch, int64_t base_offset) {
  WEIR_CHECK_GE(batch->size(), kBatchLogOverhead);
  WEIR_CHECK_GE(base_offset, 0);
  EncodeFixed64(batch->data() + kBaseOffsetPos, static_cast<uint64_t>(base_offset));
}

Result<BatchHeader> DecodeBatchHeader(std::string_view data) {
  if (data.size() < kBatchHeaderSize) {
    return Status::Corruption(
        fmt::format("truncated batch header: {} of {} bytes", data.size(), kBatchHeaderSize));
  }
  const char* p = data.data();
  BatchHeader h;
  h.base_offset = static_cast<int64_t>(DecodeFixed64(p + kBaseOffsetPos));
  h.batch_length = static_cast<int32_t>(DecodeFixed32(p + kLengthPos));
  h.crc = DecodeFixed32(p + kCrcPos);
  h.version = static_cast<int8_t>(p[kVersionPos]);
  h.attributes = static_cast<int16_t>(DecodeFixed16(p + kAttributesPos));
  h.last_offset_delta = static_cast<int32_t>(DecodeFixed32(p + kLastOffsetDeltaPos));
  h.first_timestamp = static_cast<int64_t>(DecodeFixed64(p + kFirstTimestampPos));
  h.max_timestamp = static_cast<int64_t>(DecodeFixed64(p + kMaxTimestampPos));
  h.producer_id = static_cast<int64_t>(DecodeFixed64(p + kProducerIdPos));
  h.producer_epoch = static_cast<int16_t>(DecodeFixed16(p + kProducerEpochPos));
  h.base_sequence = static_cast<int32_t>(DecodeFixed32(p + kBaseSequencePos));
  h.record_count = static_cast<int32_t>(DecodeFixed32(p + kRecordCountPos));

  if (h.base_offset < 0) {
    return Status::Corruption(fmt::format("negative base offset {}", h.base_offset));
  }
  constexpr int64_t kMinLength = kBatchHeaderSize - kBatchLogOverhead;
  constexpr int64_t kMaxLength = kMaxBatchSize - kBatchLogOverhead;
  if (h.batch_length < kMinLength || h.batch_length > kMaxLength) {
    return Status::Corruption(fmt::format("batch length {} at offset {} out of range [{}, {}]",
                                          h.batch_length, h.base_offset, kMinLength, kMaxLength));
  }
  if (h.version != kBatchVersion) {
    return Status::Corruption(fmt::format("unsupported batch version {}", h.version));
  }
  if ((h.attributes & ~kKnownAttributes) != 0 ||
      (h.attributes & kAttrCompressionMask) > static_cast<int16_t>(Compression::kLz4)) {
    return Status::Corruption(
        fmt::format("invalid batch attributes 0x{:04x}", static_cast<uint16_t>(h.attributes)));
  }
  int64_t last_offset;
  if (h.last_offset_delta < 0 || h.record_count != h.last_offset_delta + 1 ||
      __builtin_add_overflow(h.base_offset, static_cast<int64_t>(h.last_offset_delta),
                             &last_offset)) {
    return Status::Corruption(fmt::format("record count {} and last offset delta {} disagree",
                                          h.record_count, h.last_offset_delta));
  }
  if (h.max_timestamp < h.first_timestamp) {
    return Status::Corruption(fmt::format("max timestamp {} below first timestamp {}",
                                          h.max_timestamp, h.first_timestamp));
  }
  return h;
}

Result<BatchHeader> ValidateBatch(std::string_view batch) {
  ASSIGN_OR_RAISE(BatchHeader h, DecodeBatchHeader(batch));
  if (batch.size() != h.size()) {
    return Status::Corruption(fmt::format("batch at offset {} is {} bytes, its length says {}",
                                          h.base_offset, batch.size(), h.size()));
  }
  const uint32_t actual = crc32c::Value(batch.data() + kCrcStart, batch.size() - kCrcStart);
  if (actual != h.crc) {
    return Status::Corruption(
        fmt::format("batch at offset {}: CRC mismatch (stored {:08x}, computed {:08x})",
                    h.base_offset, h.crc, actual));
  }
  return h;
}

Result<RecordBatch> DecodeBatch(std::string_view batch) {
  BatchViews views;
  RETURN_NOT_OK(views.AddBatch(batch).status());
  views.Finish();
  return ToRecordBatch(views.batches()[0]);
}

RecordBatch ToRecordBatch(const BatchView& view) {
  auto owned = [](const std::optional<std::string_view>& v) {
    return v ? std::optional<std::string>(std::in_place, *v) : std::nullopt;
  };
  RecordBatch out;
  out.header = view.header;
  out.records.resize(view.records.size());
  for (size_t i = 0; i < view.records.size(); ++i) {
    const RecordView& r = view.records[i];
    LogRecord& o = out.records[i];
    o.offset = r.offset;
    o.record.timestamp = r.timestamp;
    o.record.key = owned(r.key);
    o.record.value = owned(r.value);
    o.record.headers.reserve(r.headers.size());
    for (const HeaderView& hv : r.headers) o.record.headers.emplace_back(hv.key, owned(hv.value));
  }
  return out;
}

void BatchViews::Clear() {
  buffers_used_ = 0;
  records_.clear();
  headers_.clear();
  header_ranges_.clear();
  ranges_.clear();
  batches_.clear();
}

std::string* BatchViews::NewBuffer() {
  if (buffers_used_ == buffers_.size()) buffers_.push_back(std::make_unique<std::string>());
  std::string* b = buffers_[buffers_used_++].get();
  b->clear();
  return b;
}

Result<BatchHeader> BatchViews::AddBatch(std::string_view batch) {
  ASSIGN_OR_RAISE(BatchHeader h, ValidateBatch(batch));
  const size_t buffers_before = buffers_used_;
  std::string_view section = batch.substr(kBatchHeaderSize);
  auto fail = [&](Status s) {
    buffers_used_ = buffers_before;
    return s.WithContext(fmt::format("batch at offset {}", h.base_offset));
  };
  if (h.compression() != Compression::kNone) {
    if (section.size() < 4) {
      return Status::Corruption(
          fmt::format("batch at offset {}: truncated compressed section", h.base_offset));
    }
    const uint32_t size = DecodeFixed32(section.data());
    if (size == 0 || size > kMaxUncompressedRecordsSize) {
      return Status::Corruption(fmt::format("batch at offset {}: uncompressed size {} out of range",
                                            h.base_offset, size));
    }
    std::string* decompressed = NewBuffer();
    Status s = Decompress(h.compression(), section.substr(4), size, decompressed);
    if (!s.ok()) return fail(std::move(s));
    section = *decompressed;
  }
  const size_t first = records_.size();
  const size_t first_header = headers_.size();
  Status s = DecodeRecords(section, h, &records_, &headers_, &header_ranges_);
  if (!s.ok()) {
    records_.resize(first);
    header_ranges_.resize(first);
    headers_.resize(first_header);
    return fail(std::move(s));
  }
  ranges_.push_back(Range{h, first, records_.size() - first, buffers_before});
  return h;
}

void BatchViews::PopBatch() {
  WEIR_CHECK(!ranges_.empty());
  const Range& r = ranges_.back();
  buffers_used_ = r.buffers_used_before;
  records_.resize(r.first_record);
  header_ranges_.resize(r.first_record);
  headers_.resize(r.first_record == 0 ? 0
                                      : header_ranges_.back().first + header_ranges_.back().second);
  ranges_.pop_back();
}

void BatchViews::Finish() {
  if (!headers_.empty()) {
    for (size_t i = 0; i < records_.size(); ++i) {
      const auto [first, count] = header_ranges_[i];
      records_[i].headers = std::span<const HeaderView>(headers_.data() + first, count);
    }
  }
  batches_.clear();
  batches_.reserve(ranges_.size());
  for (const Range& r : ranges_) {
    batches_.push_back(BatchView{
        r.header, std::span<const RecordView>(records_.data() + r.first_record, r.num_records)});
  }
}

}  // namespace weir::log

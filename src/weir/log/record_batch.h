// Records and record batches: the unit the log writes, indexes, checksums and reads.
// The byte layout is specified in docs/log_format.md, section 2; the constants and
// the validity rules here follow it.
//
//   ASSIGN_OR_RAISE(std::string bytes, EncodeBatch(base_offset, records));
//   ASSIGN_OR_RAISE(RecordBatch batch, DecodeBatch(bytes));
//
// Decoding never trusts the input: every length and count is bounded by the bytes
// that remain before anything is allocated, and bad input is a Corruption status
// naming the problem, never a crash.
//
// Thread-safety: value types and free functions; safe to use concurrently on
// distinct objects.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/common/result.h"
#include "weir/common/status.h"
#include "weir/log/compression.h"

namespace weir::log {

// One record of a topic. Timestamps are milliseconds since the Unix epoch.
struct Record {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  int64_t timestamp = 0;

  bool operator==(const Record&) const = default;
};

// A record as read back from the log, with the offset the log gave it.
struct LogRecord {
  int64_t offset = 0;
  Record record;

  bool operator==(const LogRecord&) const = default;
};

// Bytes of base_offset and batch_length, which precede what batch_length counts.
inline constexpr size_t kBatchLogOverhead = 12;
// The fixed header, up to and including record_count.
inline constexpr size_t kBatchHeaderSize = 57;
// The largest batch, header included: a length field above it is corrupt.
inline constexpr size_t kMaxBatchSize = 16 << 20;
// The largest decompressed records section.
inline constexpr size_t kMaxUncompressedRecordsSize = 64 << 20;
inline constexpr int8_t kBatchVersion = 1;

// Attribute bits (docs/log_format.md, section 2.1).
inline constexpr int16_t kAttrCompressionMask = 0x07;
// Written by compaction: the batch may start after a gap in the offsets (section 2.4).
inline constexpr int16_t kAttrCompacted = 0x08;
inline constexpr int16_t kAttrTransactional = 0x10;
inline constexpr int16_t kAttrControl = 0x20;

// The decoded fixed header of a batch.
struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  uint32_t crc = 0;
  int8_t version = kBatchVersion;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t first_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;

  int64_t last_offset() const { return base_offset + last_offset_delta; }
  // The size of the whole batch in the file.
  size_t size() const { return kBatchLogOverhead + static_cast<size_t>(batch_length); }
  Compression compression() const {
    return static_cast<Compression>(attributes & kAttrCompressionMask);
  }
  bool transactional() const { return (attributes & kAttrTransactional) != 0; }
  bool control() const { return (attributes & kAttrControl) != 0; }
  bool compacted() const { return (attributes & kAttrCompacted) != 0; }
};

// A decoded batch. records[i].offset == header.base_offset + i.
struct RecordBatch {
  BatchHeader header;
  std::vector<LogRecord> records;
};

// Zero-copy reads: a record's key, value and headers as views into the bytes read
// (or into the batch's records section decompressed once), owned by a BatchViews.
struct HeaderView {
  std::string_view key;
  std::optional<std::string_view> value;
};

struct RecordView {
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::span<const HeaderView> headers;
};

// A decoded batch of views. records[i].offset == header.base_offset + i, except that
// a read may leave out records before the offset it asked for (Partition::Read).
struct BatchView {
  BatchHeader header;
  std::span<const RecordView> records;
};

// The storage behind zero-copy reads (Partition::ReadViews): the bytes read, the
// decompressed record sections and the views into them. Every view it hands out lives
// until the next Clear() (which a read does first) or its destruction. Reusing one
// BatchViews across reads reuses its buffers, so a steady reader allocates nothing.
//
// Thread-safety: not thread-safe.
class BatchViews {
 public:
  BatchViews() = default;
  BatchViews(const BatchViews&) = delete;
  BatchViews& operator=(const BatchViews&) = delete;

  // REQUIRES: Finish() was called after the last AddBatch().
  const std::vector<BatchView>& batches() const { return batches_; }
  std::vector<BatchView>* mutable_batches() { return &batches_; }
  size_t num_batches() const { return ranges_.size(); }
  // REQUIRES: num_batches() > 0. The header of the batch added last.
  const BatchHeader& last_header() const { return ranges_.back().header; }

  // Drops every batch and view; keeps the buffers' memory for the next read.
  void Clear();
  // A buffer that keeps its address until Clear(); for the bytes of batches.
  std::string* NewBuffer();
  // Checks and decodes one batch (as DecodeBatch) into views of `batch`, which must
  // stay unchanged until Clear() (a NewBuffer() or memory the caller keeps). A
  // compressed section is decompressed once, into a NewBuffer(). Corruption naming
  // the problem; nothing is added then.
  Result<BatchHeader> AddBatch(std::string_view batch);
  // Removes the batch added last. REQUIRES: num_batches() > 0 and before Finish().
  void PopBatch();
  // Builds the spans of batches(); call once after the last AddBatch().
  void Finish();

 private:
  std::vector<std::unique_ptr<std::string>> buffers_;
  size_t buffers_used_ = 0;
  std::vector<RecordView> records_;
  std::vector<HeaderView> headers_;
  // Per record (parallel to records_), its headers' [first, first + count) in headers_.
  std::vector<std::pair<uint32_t, uint32_t>> header_ranges_;
  // Per batch, its header and its records' [first, first + count) in records_.
  struct Range {
    BatchHeader header;
    size_t first_record = 0;
    size_t num_records = 0;
    size_t buffers_used_before = 0;
  };
  std::vector<Range> ranges_;
  std::vector<BatchView> batches_;
};

// An owned copy of a batch of views.
RecordBatch ToRecordBatch(const BatchView& view);

// How a batch is written. The producer fields are stored as given; -1 means none.
struct BatchOptions {
  Compression compression = Compression::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  bool transactional = false;
  bool control = false;
  // Set by compaction only: the batch may follow a gap in the offsets. Default false.
  bool compacted = false;
};

// Encodes `records` as one batch whose first record has offset `base_offset`.
// InvalidArgument if `records` is empty, base_offset is negative or the offsets would
// overflow, a timestamp difference overflows int64, a key, value or header is larger
// than 2 GiB, or the batch would exceed kMaxBatchSize (or its records section
// kMaxUncompressedRecordsSize).
Result<std::string> EncodeBatch(int64_t base_offset, std::span<const Record> records,
                                const BatchOptions& options = {});

// Rewrites the base offset of an encoded batch; it is outside the CRC.
// REQUIRES: batch->size() >= kBatchLogOverhead and base_offset >= 0.
void SetBaseOffset(std::string* batch, int64_t base_offset);

// Decodes the fixed header from the first kBatchHeaderSize bytes of `data` and checks
// every rule that needs only the header (sizes, version, attributes, counts, offsets
// and timestamps). Does not check the CRC. Corruption if `data` is shorter than a
// header or a rule fails.
Result<BatchHeader> DecodeBatchHeader(std::string_view data);

// Checks that `batch` is exactly one batch with a valid header and CRC, without
// decoding its records; returns the header. Corruption otherwise.
Result<BatchHeader> ValidateBatch(std::string_view batch);

// Checks and decodes exactly one batch, records included. Corruption naming the
// problem if any rule of docs/log_format.md section 2.4 (1 to 7) fails.
Result<RecordBatch> DecodeBatch(std::string_view batch);

}  // namespace weir::log

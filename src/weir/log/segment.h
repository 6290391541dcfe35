// A segment of a partition: one .log file of record batches with its sparse offset
// index and time index (docs/log_format.md). A segment is created empty and active,
// is appended to by the partition's writer, and is sealed when the partition rolls
// to a new segment; a sealed segment never changes.
//
// Opening a segment recovers it (docs/log_format.md section 5): the indexes are
// validated, the tail of the log is scanned from the last index entry, an active
// segment's torn or corrupt tail is truncated, and a missing or damaged index is
// rebuilt.
//
// Visibility: appended batches are invisible to readers until Publish(), so that the
// partition can make a batch readable only once it is acknowledged.
//
// Read-only segments (OpenReadOnly) serve a process that reads a partition another
// process may be writing: nothing on disk is changed, a torn or invalid tail only ends
// what is visible, and Refresh() makes batches the writer appended since visible.
//
// Thread-safety: the reader methods (end_offset, max_timestamp, Read,
// FindOffsetByTimestamp, index_entries) are thread-safe and may run concurrently with
// each other and with one writer thread calling the writer methods (Append, Flush,
// Sync, Publish, Seal, Close, size, next_offset, written); writer methods must not be
// called concurrently with each other. SyncLog() is the exception: it may run on any
// thread concurrently with the writer methods (group commit: a leader syncs while the
// writer appends the next batches). mu_ guards the published state and the in-memory
// index; file_mu_ serializes the calls on the log's WritableFile.

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/common/status.h"
#include "weir/log/index.h"
#include "weir/log/record_batch.h"

namespace weir::log {

struct SegmentOptions {
  // Bytes of log between two index entries (docs/log_format.md section 3). Default 4096.
  int32_t index_interval_bytes = 4096;
};

// kTxnIndex: a sealed segment's transaction index (docs/log_format.md section 9),
// written and read by the partition, not by Segment.
enum class SegmentFileKind : uint8_t { kLog, kIndex, kTimeIndex, kTxnIndex };

// "00000000000000000042.log" for base offset 42 and kind kLog.
std::string SegmentFileName(int64_t base_offset, SegmentFileKind kind);

// Parses a segment file name; false for any other name.
bool ParseSegmentFileName(std::string_view name, int64_t* base_offset, SegmentFileKind* kind);

// Whether the batch `h` may follow a batch that ends before `expected`: it starts at
// `expected`, or later if it has the compacted attribute (docs/log_format.md 2.4).
bool ContinuesOffsets(const BatchHeader& h, int64_t expected);

class Segment {
 public:
  // Creates the three files of an empty active segment in `dir`, truncating any that
  // exist. The caller must SyncDir(dir) before acknowledging an append to it.
  static Result<std::unique_ptr<Segment>> Create(Env* env, const std::string& dir,
                                                 int64_t base_offset,
                                                 const SegmentOptions& options);

  // Opens and recovers the last segment of a partition: its torn or corrupt tail is
  // truncated (with a WARN) and the log is synced, so what it holds is durable.
  static Result<std::unique_ptr<Segment>> OpenActive(Env* env, const std::string& dir,
                                                     int64_t base_offset,
                                                     const SegmentOptions& options);

  // Opens a sealed segment, whose offsets end before `end_offset` (the next segment's
  // base offset). Nothing in its log is changed; invalid data is reported (WARN) and
  // reads that reach it return Corruption.
  static Result<std::unique_ptr<Segment>> OpenSealed(Env* env, const std::string& dir,
                                                     int64_t base_offset,
                                                     const SegmentOptions& options,
                                                     int64_t end_offset);

  // Opens a segment without changing anything on disk, for a reader in a process that
  // does not hold the partition's writer lock. A missing or damaged index is rebuilt
  // in memory only; the log is scanned from the last valid index entry and everything
  // up to the first incomplete or invalid batch becomes visible.
  static Result<std::unique_ptr<Segment>> OpenReadOnly(Env* env, const std::string& dir,
                                                       int64_t base_offset,
                                                       const SegmentOptions& options);

  // Closes open files, ignoring errors; see Close().
  ~Segment();

  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  int64_t base_offset() const { return base_offset_; }
  const std::string& log_path() const { return log_path_; }
  // True for a sealed segment written by compaction (its last batch has the compacted
  // attribute, or its log is empty): its offsets may have gaps, also before the next
  // segment's base offset (docs/log_format.md section 2.4). Set when opened.
  bool compacted() const { return compacted_; }

  // --- Writer methods. REQUIRES: the segment is active (not sealed or closed). ---

  // Bytes in the log, appended or not yet published.
  uint64_t size() const { return size_; }
  // The offset the next appended batch must start at.
  int64_t next_offset() const { return next_offset_; }

  // How far the writer has appended: what Publish(position) makes visible.
  struct WritePosition {
    uint64_t size = 0;
    int64_t next_offset = 0;
    int64_t max_timestamp = 0;
  };
  WritePosition written() const {
    return WritePosition{size_, next_offset_, builder_.max_timestamp()};
  }

  // Appends an encoded batch. REQUIRES: `header` is ValidateBatch(batch) and
  // header.base_offset == next_offset() (checked). On error the segment's file is
  // in an unknown state; the partition stops appending.
  Status Append(std::string_view batch, const BatchHeader& header);
  // Makes appended bytes visible to other handles of the file (not durable).
  Status Flush();
  // Makes appended bytes of the log durable.
  Status Sync();
  // Makes every appended batch visible to readers.
  void Publish();
  // Makes the batches up to `upto` (an earlier written()) visible to readers; a
  // position behind what is already visible changes nothing. Thread-safe.
  void Publish(const WritePosition& upto);

  // Thread-safe, also beside the writer methods: makes every byte appended to the log
  // before the call durable. OK without doing anything when the segment was sealed
  // (Seal() synced it); an error when it was closed without Seal(). `synced` (when
  // given) tells whether this call synced the file.
  Status SyncLog(bool* synced = nullptr);
  // Syncs the log and the indexes and closes the writers; the segment becomes sealed.
  Status Seal();
  // Closes the writers without syncing; the first error is returned.
  Status Close();

  // REQUIRES: opened with OpenReadOnly; called by one thread at a time. Scans the log
  // past what is visible and makes the valid batches found there visible. A batch
  // still being written (or invalid) stops the scan and is looked at again next time.
  Status Refresh();

  // --- Reader methods: thread-safe. ---

  // One past the last offset readers may read.
  int64_t end_offset() const;
  // The largest timestamp of the published batches; INT64_MIN when there is none.
  int64_t max_timestamp() const;
  // Bytes of the log readers may read.
  uint64_t published_size() const;

  // Appends to *out the published batches from the one holding `offset` on while the
  // bytes added stay within max_bytes (but when *out is empty, the first batch is
  // added whatever its size), and sets *bytes to the bytes added. Corruption if *out
  // is empty and the batch holding `offset` (or one passed to find it) is damaged; a
  // damaged batch after good ones just ends the read.
  // REQUIRES: base_offset() <= offset < end_offset().
  Status Read(int64_t offset, size_t max_bytes, std::vector<RecordBatch>* out, size_t* bytes) const;

  // As Read, but into views held by *out (record_batch.h), without copying records:
  // the batches from the located one on are read with one read of up to max_bytes
  // (a first batch larger than that with one more), and each is checked and decoded
  // in place. "*out is empty" means out->num_batches() == 0.
  // REQUIRES: as Read; out->Finish() not called since its last Clear().
  Status ReadViews(int64_t offset, size_t max_bytes, BatchViews* out, size_t* bytes) const;

  // The offset of the first record with timestamp >= ts, or nullopt if none.
  Result<std::optional<int64_t>> FindOffsetByTimestamp(int64_t ts) const;

  // Calls fn with the header of each published batch, oldest first, reading only the
  // headers: the CRC is not checked (recovery checked the active segment's tail). An
  // unreadable header or an error from fn ends the walk and is returned.
  Status ForEachBatchHeader(const std::function<Status(const BatchHeader&)>& fn) const;

  // A copy of the in-memory index, for tests.
  std::vector<IndexEntry> index_entries() const;

 private:
  Segment(Env* env, const std::string& dir, int64_t base_offset, const SegmentOptions& options);

  // Where a scan of the log stopped and why.
  struct ScanResult {
    uint64_t end = 0;             // position after the last valid batch
    int64_t next_offset = 0;      // offset after the last valid batch
    bool last_compacted = false;  // the last valid batch has the compacted attribute
    Status stop;                  // why the scan stopped before the limit; OK at the limit
  };

  enum class OpenMode : uint8_t { kActive, kSealed, kReadOnly };
  Status Recover(OpenMode mode, int64_t sealed_end_offset);
  Result<std::vector<IndexEntry>> LoadIndex(uint64_t log_size, bool quiet, bool* damaged);
  ScanResult Scan(uint64_t pos, int64_t expected, uint64_t limit, std::vector<IndexEntry>* entries);
  Status WriteIndex(const std::vector<IndexEntry>& entries, size_t first_new, bool rewrite,
                    bool active);

  // Bytes of the log already read, starting at position `pos`.
  struct Chunk {
    uint64_t pos = 0;
    std::string_view data;
    bool Holds(uint64_t p, size_t n) const { return p >= pos && p - pos + n <= data.size(); }
    std::string_view At(uint64_t p, size_t n) const { return data.substr(p - pos, n); }
  };
  // Reads and checks the header of the batch at `pos`, which must fit before `limit`;
  // from `chunk` when it holds the header.
  Result<BatchHeader> ReadHeader(uint64_t pos, uint64_t limit, const Chunk* chunk = nullptr) const;
  // Reads, checks and decodes the batch at `pos`, which must end by `limit`.
  Result<RecordBatch> ReadBatch(uint64_t pos, uint64_t limit) const;
  enum class SearchBy : uint8_t { kOffset, kTimestamp };
  // Returns the position of the first published batch whose last offset is >= target
  // (kOffset) or whose max timestamp is >= target (kTimestamp), starting from the
  // index; `limit` (kTimestamp only) when there is none. `limit` and `end` are the
  // published size and end offset.
  Result<uint64_t> Locate(SearchBy by, int64_t target, uint64_t limit, int64_t end) const;

  Env* const env_;
  const std::string dir_;
  const int64_t base_offset_;
  const SegmentOptions options_;
  const std::string log_path_;
  const std::string index_path_;
  const std::string time_index_path_;

  // Set once when opened; thread-safe.
  std::unique_ptr<RandomAccessFile> reader_;
  bool compacted_ = false;

  // Serializes the calls on log_writer_, so that SyncLog() may run beside the
  // writer; guards log_writer_ (the pointer and the file) and sealed_.
  mutable std::mutex file_mu_;
  bool sealed_ = false;

  // Writer state, used only by the writer thread (log_writer_ also under file_mu_).
  std::unique_ptr<WritableFile> log_writer_;
  std::unique_ptr<WritableFile> index_writer_;
  std::unique_ptr<WritableFile> time_index_writer_;
  uint64_t size_ = 0;
  int64_t next_offset_;
  IndexBuilder builder_;

  mutable std::mutex mu_;
  // Entries of all appended batches, published or not; readers only use entries
  // below their published offset. Guarded by mu_.
  std::vector<IndexEntry> entries_;
  uint64_t visible_size_ = 0;      // guarded by mu_
  int64_t visible_end_offset_;     // guarded by mu_
  int64_t visible_max_timestamp_;  // guarded by mu_
};

}  // namespace weir::log

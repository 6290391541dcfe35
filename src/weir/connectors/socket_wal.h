// The socket source's write-ahead log: every line received is appended here and
// synced before it counts as available, so an epoch's lines can be read again after a
// restart (DESIGN.md section 5).
//
// Layout: <dir>/<first line, 20 digits>.wal segment files. Segment k holds lines
// [first_k, first_{k+1}); the last one, being appended, holds [first_last, lines()).
// A segment is rolled once it reaches `segment_bytes`. Each line is one record:
//
//   u32 length | u32 crc32c(timestamp bytes + line) | i64 timestamp micros | line
//
// little-endian. On open, a torn or corrupt record at the end of the last segment
// (bytes that were never synced, so never counted) is cut off; a bad record anywhere
// else is Corruption. Commit-driven cleanup deletes whole segments below a line.
//
// Thread-safety: Append is called by one thread (the socket reader); every other
// method may be called concurrently with it and with each other.

#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/plan/table.h"

namespace weir::connectors {

// Records longer than this are corrupt (the source's line limit is lower).
inline constexpr int64_t kMaxWalRecordBytes = 16 << 20;

class SocketWal {
 public:
  struct Segment {
    int64_t first_line = 0;
    std::string path;
  };

  // Opens (creating if needed) the log in `dir`, recovering it as described above.
  static Result<std::unique_ptr<SocketWal>> Open(Env* env, std::string dir, int64_t segment_bytes);
  ~SocketWal();

  // Appends `lines`, all received at `timestamp_micros`, and syncs them; they count
  // in lines() only once durable. After a failed write or sync every later Append
  // returns the same error (the file's state is unknown).
  Status Append(int64_t timestamp_micros, const std::vector<std::string>& lines);

  // Lines ever appended (the end of the log) and the first line still kept.
  int64_t lines() const;
  int64_t first_line() const;

  // Deletes the segments whose lines all lie below `line` (never the last one).
  Status DeleteBefore(int64_t line);

  // Lines [start, end) as a one-partition table of (value STRING[, timestamp
  // TIMESTAMP]). InvalidArgument when the range is not in the log.
  Result<plan::TableProviderPtr> ReadRange(int64_t start, int64_t end, SchemaPtr schema,
                                           bool include_timestamp) const;

 private:
  SocketWal(Env* env, std::string dir, int64_t segment_bytes)
      : env_(env), dir_(std::move(dir)), segment_bytes_(segment_bytes) {}
  Status Recover();
  Status Roll(int64_t first_line);

  Env* env_;
  std::string dir_;
  int64_t segment_bytes_;
  // Used only by the appending thread (and Open).
  std::unique_ptr<WritableFile> active_;
  Status write_error_;

  mutable std::mutex mu_;
  std::vector<Segment> segments_;  // guarded by mu_; ascending, never empty after Open
  int64_t lines_ = 0;              // guarded by mu_
};

// The segment file name for a first line: "00000000000000000042.wal".
std::string WalSegmentName(int64_t first_line);

}  // namespace weir::connectors

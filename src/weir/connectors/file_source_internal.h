// Private parts of the streaming file source (file_source.cc): its seen-files log and
// its factory. docs/connectors.md ("file") is the user's view.
//
// The seen-files log is Spark's FileStreamSource metadata log: which files each log
// batch (an offset {"logOffset":N}) holds, so that Read(start, end) returns the same
// files after a restart and no file is processed twice. It is one append-only file,
// <metadata_dir>/seen-files.log, of records
//
//   fixed32 crc32c   CRC32C of the 4 length bytes and the payload
//   fixed32 length   of the payload, at most kMaxRecordBytes
//   payload          fixed64 batch id, fixed32 file count, then per file:
//                    fixed64 timestamp (micros), fixed32 path length, path bytes
//
// all little-endian. Batch ids are 0, 1, 2, ... in order. A record is appended and
// synced before the offset naming it is returned, so a torn last record (a crash
// mid-append: short, or failing its checksum at the very end of the file) was never
// handed out; opening the log drops it. A bad record followed by more bytes is
// Corruption: it held a batch that may have been handed out.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/stream/connector_registry.h"

namespace weir::connectors {

struct SeenFile {
  std::string path;          // as listed (the read path)
  int64_t timestamp_us = 0;  // when the source first saw the file (see file_source.cc)
};

struct SeenBatch {
  int64_t id = 0;
  std::vector<SeenFile> files;
};

// Thread-safety: not thread-safe; owned by one source.
class SeenFilesLog {
 public:
  static constexpr uint32_t kMaxRecordBytes = 64u << 20;
  static constexpr const char* kFileName = "seen-files.log";

  // Opens the log in `dir` (created if missing) and reads its batches; drops a torn
  // tail (truncating the file). An empty `dir` keeps the log in memory only (nothing
  // survives the process: for sources made outside a query, e.g. to show a schema).
  static Result<std::unique_ptr<SeenFilesLog>> Open(Env* env, std::string dir);

  // The batches read at Open, by ascending id.
  const std::vector<SeenBatch>& recovered() const { return recovered_; }
  // Bytes of torn tail Open dropped.
  uint64_t dropped_tail_bytes() const { return dropped_tail_bytes_; }
  const std::string& path() const { return path_; }

  // Appends `batch` durably (append + sync; the first append also syncs the
  // directory and its ancestors, which Open may have created). REQUIRES: batch.id is one past the
  // last batch. After a failed append every later one fails too: the file is damaged until
  // reopened.
  Status Append(const SeenBatch& batch);

  // Encoding, for tests.
  static std::string EncodeRecord(const SeenBatch& batch);

 private:
  SeenFilesLog(Env* env, std::string dir, std::string path)
      : env_(env), dir_(std::move(dir)), path_(std::move(path)) {}
  Status Load();

  Env* env_;
  std::string dir_;
  std::string path_;
  std::vector<SeenBatch> recovered_;
  uint64_t dropped_tail_bytes_ = 0;
  bool dir_synced_ = false;
  std::unique_ptr<WritableFile> file_;
  Status broken_;
};

// The "file" source and sink (docs/connectors.md). ctx.env is required; the source
// takes time from ctx.clock (or the Env's clock) and keeps its seen-files log in
// ctx.metadata_dir.
Result<stream::SourcePtr> MakeFileSource(const stream::ConnectorContext& ctx);
Result<stream::SinkPtr> MakeFileSink(const stream::ConnectorContext& ctx);

// Spark's time strings (Utils.timeStringAsMs): "7d", "12h", "30m"/"30min", "10s",
// "500ms", "100us"; a bare number is milliseconds. Returns microseconds, or nullopt.
std::optional<int64_t> ParseSparkTimeMicros(std::string_view text);

}  // namespace weir::connectors

#include "weir/connectors/socket_wal.h"

#include <algorithm>
#include <cstring>

#include "weir/common/crc32c.h"
#include "weir/types/builder.h"

namespace weir::connectors {

namespace {

constexpr size_t kHeaderBytes = 16;
constexpr size_t kReadChunk = 64 << 10;
constexpr std::string_view kSuffix = ".wal";

void PutFixed32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 4);
}

void PutFixed64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 8);
}

uint64_t GetFixed(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// The first line of a segment from its file name; -1 when the name is not a segment's.
int64_t ParseSegmentName(std::string_view name) {
  if (name.size() != 20 + kSuffix.size() || name.substr(20) != kSuffix) return -1;
  int64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    if (v > (INT64_MAX - (name[i] - '0')) / 10) return -1;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}

// Reads the records of one segment file from its start.
class RecordReader {
 public:
  enum class State { kRecord, kEnd, kBad };

  explicit RecordReader(std::unique_ptr<SequentialFile> file) : file_(std::move(file)) {}

  // The next record into *timestamp / *line; kEnd at a clean end of file; kBad (with
  // *why) at a torn or corrupt record. An I/O error is a Status.
  Result<State> Next(int64_t* timestamp, std::string_view* line, std::string* why) {
    RETURN_NOT_OK(Fill(kHeaderBytes));
    const size_t have = buf_.size() - pos_;
    if (have == 0) return State::kEnd;
    if (have < kHeaderBytes) {
      *why = "a torn record header";
      return State::kBad;
    }
    const char* h = buf_.data() + pos_;
    const uint64_t length = GetFixed(h, 4);
    const auto crc = static_cast<uint32_t>(GetFixed(h + 4, 4));
    if (length > static_cast<uint64_t>(kMaxWalRecordBytes)) {
      *why = "a record length of " + std::to_string(length) + " bytes";
      return State::kBad;
    }
    RETURN_NOT_OK(Fill(kHeaderBytes + length));
    if (buf_.size() - pos_ < kHeaderBytes + length) {
      *why = "a torn record";
      return State::kBad;
    }
    h = buf_.data() + pos_;
    if (crc32c::Value(h + 8, 8 + length) != crc) {
      *why = "a record whose checksum does not match";
      return State::kBad;
    }
    *timestamp = static_cast<int64_t>(GetFixed(h + 8, 8));
    *line = std::string_view(h + kHeaderBytes, length);
    pos_ += kHeaderBytes + length;
    good_bytes_ += kHeaderBytes + length;
    return State::kRecord;
  }

  // Bytes from the file's start to the end of the last record returned.
  uint64_t good_bytes() const { return good_bytes_; }

 private:
  // Buffers at least `need` bytes after pos_, or all that is left of the file.
  Status Fill(size_t need) {
    if (buf_.size() - pos_ >= need || eof_) return Status::OK();
    buf_.erase(0, pos_);
    pos_ = 0;
    std::string chunk;
    while (buf_.size() < need && !eof_) {
      RETURN_NOT_OK(file_->Read(std::max(kReadChunk, need - buf_.size()), &chunk));
      if (chunk.empty()) eof_ = true;
      buf_ += chunk;
    }
    return Status::OK();
  }

  std::unique_ptr<SequentialFile> file_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint64_t good_bytes_ = 0;
};

// Lines [start, end) of a snapshot of the log's segments, in batches.
class WalReader final : public plan::BatchReader {
 public:
  WalReader(Env* env, std::vector<SocketWal::Segment> segments, int64_t start, int64_t end,
            std::vector<int> columns, SchemaPtr schema, bool include_timestamp)
      : env_(env),
        segments_(std::move(segments)),
        end_(end),
        next_wanted_(start),
        columns_(std::move(columns)),
        schema_(std::move(schema)),
        include_timestamp_(include_timestamp) {}

  Result<bool> Next(Batch* out) override {
    if (next_wanted_ >= end_) return false;
    StringBuilder values;
    Int64Builder timestamps(DataType::Timestamp());
    int64_t rows = 0;
    while (rows < kDefaultBatchRows && next_wanted_ < end_) {
      if (reader_ == nullptr) RETURN_NOT_OK(OpenSegment());
      int64_t ts = 0;
      std::string_view line;
      std::string why;
      ASSIGN_OR_RAISE(RecordReader::State state, reader_->Next(&ts, &line, &why));
      if (state != RecordReader::State::kRecord) {
        if (state == RecordReader::State::kEnd && segment_ + 1 < segments_.size() &&
            line_ == segments_[segment_ + 1].first_line) {
          ++segment_;
          reader_.reset();
          continue;
        }
        return Status::Corruption("socket source write-ahead log " + segments_[segment_].path +
                                  ": " + (why.empty() ? "ends early" : why) + " at line " +
                                  std::to_string(line_) + ", before line " + std::to_string(end_));
      }
      if (line_++ < next_wanted_) continue;
      values.Append(line);
      timestamps.Append(ts);
      ++next_wanted_;
      ++rows;
    }
    if (columns_.empty()) {
      *out = Batch::MakeRowsOnly(rows);
      return true;
    }
    ColumnPtr value_col = values.Finish();
    ColumnPtr ts_col = include_timestamp_ ? timestamps.Finish() : nullptr;
    std::vector<ColumnPtr> cols;
    for (int c : columns_) cols.push_back(c == 0 ? value_col : ts_col);
    ASSIGN_OR_RAISE(*out, Batch::Make(schema_, std::move(cols)));
    return true;
  }

 private:
  // Opens the segment holding next_wanted_ (the first time) or segment_ (later).
  Status OpenSegment() {
    if (!opened_) {
      opened_ = true;
      size_t i = 0;
      while (i + 1 < segments_.size() && segments_[i + 1].first_line <= next_wanted_) ++i;
      if (segments_.empty() || segments_[i].first_line > next_wanted_) {
        return Status::InvalidArgument("The socket source's write-ahead log no longer holds line " +
                                       std::to_string(next_wanted_) +
                                       " (lines before a committed offset are deleted).");
      }
      segment_ = i;
    }
    line_ = segments_[segment_].first_line;
    ASSIGN_OR_RAISE(std::unique_ptr<SequentialFile> file,
                    env_->NewSequentialFile(segments_[segment_].path));
    reader_ = std::make_unique<RecordReader>(std::move(file));
    return Status::OK();
  }

  Env* env_;
  std::vector<SocketWal::Segment> segments_;
  int64_t end_;
  int64_t next_wanted_;
  std::vector<int> columns_;
  SchemaPtr schema_;
  bool include_timestamp_;
  bool opened_ = false;
  size_t segment_ = 0;
  int64_t line_ = 0;  // the line number of the next record reader_ returns
  std::unique_ptr<RecordReader> reader_;
};

class WalTable final : public plan::TableProvider {
 public:
  WalTable(Env* env, std::vector<SocketWal::Segment> segments, int64_t start, int64_t end,
           SchemaPtr schema, bool include_timestamp)
      : env_(env),
        segments_(std::move(segments)),
        start_(start),
        end_(end),
        schema_(std::move(schema)),
        include_timestamp_(include_timestamp) {}

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override {
    return "socket lines [" + std::to_string(start_) + ", " + std::to_string(end_) + ")";
  }
  int NumPartitions() const override { return 1; }
  Result<plan::BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    if (partition != 0) {
      return Status::InvalidArgument("partition " + std::to_string(partition) + " out of range");
    }
    std::vector<Field> fields;
    for (int c : columns) {
      if (c < 0 || c >= schema_->num_fields())
        return Status::InvalidArgument("column out of range");
      fields.push_back(schema_->field(c));
    }
    return std::make_unique<WalReader>(env_, segments_, start_, end_, columns,
                                       MakeSchema(std::move(fields)), include_timestamp_);
  }

 private:
  Env* env_;
  std::vector<SocketWal::Segment> segments_;
  int64_t start_;
  int64_t end_;
  SchemaPtr schema_;
  bool include_timestamp_;
};

}  // namespace

std::string WalSegmentName(int64_t first_line) {
  std::string digits = std::to_string(first_line);
  return std::string(20 - std::min<size_t>(20, digits.size()), '0') + digits + std::string(kSuffix);
}

Result<std::unique_ptr<SocketWal>> SocketWal::Open(Env* env, std::string dir,
                                                   int64_t segment_bytes) {
  std::unique_ptr<SocketWal> wal(new SocketWal(env, std::move(dir), segment_bytes));
  RETURN_NOT_OK(wal->Recover());
  return wal;
}

SocketWal::~SocketWal() {
  if (active_ != nullptr) active_->Close().IgnoreError();
}

Status SocketWal::Recover() {
  RETURN_NOT_OK(env_->CreateDirs(dir_));
  ASSIGN_OR_RAISE(std::vector<std::string> names, env_->GetChildren(dir_));
  std::vector<Segment> segments;
  for (const std::string& name : names) {
    const int64_t first = ParseSegmentName(name);
    if (first >= 0) segments.push_back(Segment{first, dir_ + "/" + name});
  }
  std::sort(segments.begin(), segments.end(),
            [](const Segment& a, const Segment& b) { return a.first_line < b.first_line; });
  if (segments.empty()) return Roll(0);

  // Only the last segment can end in a torn record: earlier ones were complete (and
  // synced) before the next was created.
  const Segment& last = segments.back();
  ASSIGN_OR_RAISE(std::unique_ptr<SequentialFile> file, env_->NewSequentialFile(last.path));
  RecordReader reader(std::move(file));
  int64_t count = 0;
  while (true) {
    int64_t ts = 0;
    std::string_view line;
    std::string why;
    ASSIGN_OR_RAISE(RecordReader::State state, reader.Next(&ts, &line, &why));
    if (state == RecordReader::State::kRecord) {
      ++count;
      continue;
    }
    if (state == RecordReader::State::kBad) {
      // Never-synced bytes of the last append: cut them off.
      RETURN_NOT_OK(env_->Truncate(last.path, reader.good_bytes()));
    }
    break;
  }
  ASSIGN_OR_RAISE(active_, env_->NewAppendableFile(last.path));
  std::lock_guard<std::mutex> lock(mu_);
  lines_ = last.first_line + count;
  segments_ = std::move(segments);
  return Status::OK();
}

Status SocketWal::Roll(int64_t first_line) {
  if (active_ != nullptr) {
    RETURN_NOT_OK(active_->Close());
    active_.reset();
  }
  Segment segment{first_line, dir_ + "/" + WalSegmentName(first_line)};
  ASSIGN_OR_RAISE(active_, env_->NewWritableFile(segment.path));
  RETURN_NOT_OK(env_->SyncDir(dir_));
  std::lock_guard<std::mutex> lock(mu_);
  segments_.push_back(std::move(segment));
  return Status::OK();
}

Status SocketWal::Append(int64_t timestamp_micros, const std::vector<std::string>& lines) {
  if (!write_error_.ok()) return write_error_;
  if (lines.empty()) return Status::OK();
  if (active_->Size() >= static_cast<uint64_t>(segment_bytes_) && active_->Size() > 0) {
    Status st = Roll(this->lines());
    if (!st.ok()) return write_error_ = st;
  }
  std::string data;
  size_t bytes = 0;
  for (const std::string& line : lines) bytes += kHeaderBytes + line.size();
  data.reserve(bytes);
  std::string ts;
  PutFixed64(&ts, static_cast<uint64_t>(timestamp_micros));
  for (const std::string& line : lines) {
    PutFixed32(&data, static_cast<uint32_t>(line.size()));
    PutFixed32(&data, crc32c::Extend(crc32c::Value(ts), line.data(), line.size()));
    data += ts;
    data += line;
  }
  Status st = active_->Append(data);
  if (st.ok()) st = active_->Sync();
  if (!st.ok()) return write_error_ = st;
  std::lock_guard<std::mutex> lock(mu_);
  lines_ += static_cast<int64_t>(lines.size());
  return Status::OK();
}

int64_t SocketWal::lines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

int64_t SocketWal::first_line() const {
  std::lock_guard<std::mutex> lock(mu_);
  return segments_.empty() ? lines_ : segments_.front().first_line;
}

Status SocketWal::DeleteBefore(int64_t line) {
  std::vector<Segment> doomed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    size_t keep = 0;
    while (keep + 1 < segments_.size() && segments_[keep + 1].first_line <= line) ++keep;
    doomed.assign(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(keep));
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(keep));
  }
  for (const Segment& s : doomed) {
    Status st = env_->DeleteFile(s.path);
    if (!st.ok() && !st.IsNotFound()) return st;
  }
  return Status::OK();
}

Result<plan::TableProviderPtr> SocketWal::ReadRange(int64_t start, int64_t end, SchemaPtr schema,
                                                    bool include_timestamp) const {
  std::vector<Segment> segments;
  int64_t lines = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    segments = segments_;
    lines = lines_;
  }
  const int64_t first = segments.empty() ? lines : segments.front().first_line;
  if (start < 0 || end < start || end > lines || (start < end && start < first)) {
    return Status::InvalidArgument("The socket source's write-ahead log holds lines [" +
                                   std::to_string(first) + ", " + std::to_string(lines) +
                                   "), which do not cover [" + std::to_string(start) + ", " +
                                   std::to_string(end) + ").");
  }
  return std::make_shared<WalTable>(env_, std::move(segments), start, end, std::move(schema),
                                    include_timestamp);
}

}  // namespace weir::connectors

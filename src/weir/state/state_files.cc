// The delta and snapshot files of a state store (state_files.h). The byte format is
// specified in docs/checkpoint_format.md, section "State"; this file follows it.
//
//   file    := header record* end
//   header  := "weirstat" format_version:u32 kind:u32 version:i64 crc:u32   (28 bytes)
//   record  := crc:u32 length:u32 payload[length]     crc covers length and payload
//   payload := 1 key_size:u32 key value               put
//            | 2 key_size:u32 key                     remove (deltas only)
//   end     := a record whose payload is 3 count:u64  (the number of puts and removes)
//
// Integers are little-endian. Nothing may follow the end record.

#include "weir/state/state_files.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include "weir/common/check.h"
#include "weir/common/crash_point.h"
#include "weir/common/crc32c.h"

namespace weir::state {
namespace {

constexpr char kMagic[8] = {'w', 'e', 'i', 'r', 's', 't', 'a', 't'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderBytes = 28;
constexpr size_t kFrameBytes = 8;  // crc, length
// The largest payload: a key and a value of up to 2 GiB - 6 bytes together.
constexpr uint32_t kMaxPayloadBytes = 0x7fffffff;

constexpr uint8_t kPut = 1;
constexpr uint8_t kRemove = 2;
constexpr uint8_t kEnd = 3;

// The header's kind field.
constexpr uint32_t kDeltaKind = 1;
constexpr uint32_t kSnapshotKind = 2;

// Appended bytes are handed to the file in chunks of about this size.
constexpr size_t kWriteChunkBytes = 256 * 1024;
// And read in chunks of this size (more when one record is larger).
constexpr size_t kReadChunkBytes = 1024 * 1024;

constexpr std::string_view kDeltaSuffix = ".delta";
constexpr std::string_view kSnapshotSuffix = ".snapshot";
constexpr std::string_view kRocksDbSuffix = ".rocksdb";
constexpr std::string_view kRocksDbDoneSuffix = ".rocksdb.done";
constexpr std::string_view kTmpSuffix = ".tmp";

void PutFixed32(char* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(v >> (8 * i));
}
void PutFixed64(char* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (8 * i));
}
uint32_t GetFixed32(const char* in) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}
uint64_t GetFixed64(const char* in) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

const char* KindName(StateFiles::Kind kind) {
  switch (kind) {
    case StateFiles::Kind::kDelta:
      return "delta";
    case StateFiles::Kind::kSnapshot:
      return "snapshot";
    case StateFiles::Kind::kRocksDbSnapshot:
      return "rocksdb";
  }
  return "?";
}

// The version a name starts with when the rest of it is `suffix`: canonical decimal
// (no sign, no leading zero), at least 1. -1 otherwise.
int64_t VersionOf(std::string_view name, std::string_view suffix) {
  if (name.size() <= suffix.size() || !name.ends_with(suffix)) return -1;
  const std::string_view digits = name.substr(0, name.size() - suffix.size());
  if (digits.size() > 18 || digits.front() == '0') return -1;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || v < 1) return -1;
  return v;
}

bool IsTemp(std::string_view name) {
  return name.size() > kTmpSuffix.size() && name.ends_with(kTmpSuffix);
}

Status CorruptFile(const std::string& path, const std::string& why) {
  return Status::Corruption("corrupt state file " + path + ": " + why)
      .WithHint(
          "the file failed its checks; restore it from a backup, or move the checkpoint "
          "away to start the query from scratch");
}

// Deletes a file, or a directory with everything in it. Missing is not an error.
Status DeleteTree(Env* env, const std::string& path) {
  Result<std::vector<std::string>> children = env->GetChildren(path);
  if (children.ok()) {
    for (const std::string& child : *children) RETURN_NOT_OK(DeleteTree(env, path + "/" + child));
    Status st = env->DeleteDir(path);
    return st.IsNotFound() ? Status::OK() : st;
  }
  if (children.status().IsNotFound()) return Status::OK();
  // Not a directory (ENOTDIR): a file.
  Status st = env->DeleteFile(path);
  return st.IsNotFound() ? Status::OK() : st;
}

// What a directory holds, by name.
struct Listing {
  std::vector<StateFiles::File> files;    // complete files, by version then kind
  std::vector<int64_t> unmarked_rocksdb;  // <v>.rocksdb directories without their marker
  std::vector<std::string> temps;         // names ending in .tmp
};

Result<Listing> ListDir(Env* env, const std::string& dir) {
  Listing listing;
  Result<std::vector<std::string>> names = env->GetChildren(dir);
  if (!names.ok()) {
    if (names.status().IsNotFound()) return listing;
    return names.status();
  }
  std::set<int64_t> rocksdb_dirs;
  std::set<int64_t> rocksdb_done;
  for (const std::string& name : *names) {
    int64_t v;
    if (IsTemp(name)) {
      listing.temps.push_back(name);
    } else if ((v = VersionOf(name, kDeltaSuffix)) > 0) {
      listing.files.push_back({v, StateFiles::Kind::kDelta});
    } else if ((v = VersionOf(name, kSnapshotSuffix)) > 0) {
      listing.files.push_back({v, StateFiles::Kind::kSnapshot});
    } else if ((v = VersionOf(name, kRocksDbDoneSuffix)) > 0) {
      rocksdb_done.insert(v);
    } else if ((v = VersionOf(name, kRocksDbSuffix)) > 0) {
      rocksdb_dirs.insert(v);
    }
  }
  for (int64_t v : rocksdb_done) listing.files.push_back({v, StateFiles::Kind::kRocksDbSnapshot});
  for (int64_t v : rocksdb_dirs) {
    if (!rocksdb_done.contains(v)) listing.unmarked_rocksdb.push_back(v);
  }
  std::sort(listing.files.begin(), listing.files.end(),
            [](const StateFiles::File& a, const StateFiles::File& b) {
              return a.version != b.version ? a.version < b.version : a.kind < b.kind;
            });
  return listing;
}

// Thread-safety: not thread-safe.
class FileWriter final : public StateFileWriter {
 public:
  FileWriter(Env* env, std::string dir, std::string tmp, std::string path, bool snapshot,
             std::unique_ptr<WritableFile> file)
      : env_(env),
        dir_(std::move(dir)),
        tmp_(std::move(tmp)),
        path_(std::move(path)),
        snapshot_(snapshot),
        file_(std::move(file)) {
    buffer_.reserve(kWriteChunkBytes + 4096);
  }

  ~FileWriter() override {
    file_.reset();
    if (!finished_) env_->DeleteFile(tmp_).IgnoreError();  // best effort; debris otherwise
  }

  void WriteHeader(uint32_t kind, int64_t version) {
    char header[kHeaderBytes];
    std::memcpy(header, kMagic, sizeof(kMagic));
    PutFixed32(header + 8, kFormatVersion);
    PutFixed32(header + 12, kind);
    PutFixed64(header + 16, static_cast<uint64_t>(version));
    PutFixed32(header + 24, crc32c::Value(header, 24));
    buffer_.append(header, kHeaderBytes);
  }

  Status Put(std::string_view key, std::string_view value) override {
    RETURN_NOT_OK(CheckWritable());
    return AddRecord(kPut, key, value);
  }

  Status Remove(std::string_view key) override {
    RETURN_NOT_OK(CheckWritable());
    if (snapshot_) return Status::Internal("Remove in the state snapshot " + path_);
    return AddRecord(kRemove, key, {});
  }

  Status Finish() override {
    RETURN_NOT_OK(CheckWritable());
    char end[9];
    end[0] = static_cast<char>(kEnd);
    PutFixed64(end + 1, count_);
    AppendFrame(std::string_view(end, sizeof(end)), {}, {});
    Status st = [&]() -> Status {
      RETURN_NOT_OK(Flush());
      RETURN_NOT_OK(file_->Sync());
      RETURN_NOT_OK(file_->Close());
      file_.reset();
      CrashPoint("state-write");
      return env_->RenameFile(tmp_, path_);
    }();
    if (!st.ok()) return Fail(st);
    finished_ = true;  // the temp file is gone: nothing to delete
    return env_->SyncDir(dir_);
  }

 private:
  Status CheckWritable() const {
    if (!failed_.ok()) return failed_;
    if (finished_) return Status::Internal("write to the finished state file " + path_);
    return Status::OK();
  }

  Status Fail(Status st) {
    failed_ = st;
    return st;
  }

  // A put's or remove's record: the type, the key's size and key, the value.
  Status AddRecord(uint8_t type, std::string_view key, std::string_view value) {
    const uint64_t payload = 5 + uint64_t{key.size()} + value.size();
    if (payload > kMaxPayloadBytes) {
      return Fail(Status::InvalidArgument(
          "a state entry of " + std::to_string(key.size()) + " key bytes and " +
          std::to_string(value.size()) + " value bytes is larger than a state file can hold (" +
          std::to_string(kMaxPayloadBytes - 5) + " bytes together)"));
    }
    char head[5];
    head[0] = static_cast<char>(type);
    PutFixed32(head + 1, static_cast<uint32_t>(key.size()));
    AppendFrame(std::string_view(head, sizeof(head)), key, value);
    ++count_;
    if (buffer_.size() >= kWriteChunkBytes) return Flush();
    return Status::OK();
  }

  // Appends crc, length and the payload a ++ b ++ c to the buffer.
  void AppendFrame(std::string_view a, std::string_view b, std::string_view c) {
    const size_t start = buffer_.size();
    const auto length = static_cast<uint32_t>(a.size() + b.size() + c.size());
    buffer_.resize(start + kFrameBytes);
    PutFixed32(buffer_.data() + start + 4, length);
    buffer_.append(a);
    buffer_.append(b);
    buffer_.append(c);
    const char* covered = buffer_.data() + start + 4;
    PutFixed32(buffer_.data() + start, crc32c::Value(covered, buffer_.size() - start - 4));
  }

  Status Flush() {
    if (buffer_.empty()) return Status::OK();
    Status st = file_->Append(buffer_);
    buffer_.clear();
    return st.ok() ? st : Fail(st);
  }

  Env* const env_;
  const std::string dir_;
  const std::string tmp_;
  const std::string path_;
  const bool snapshot_;
  std::unique_ptr<WritableFile> file_;
  std::string buffer_;
  uint64_t count_ = 0;
  bool finished_ = false;
  Status failed_;  // the first error; every later call returns it
};

// Reads a file's bytes in order, checking each length against what is left.
//
// Thread-safety: not thread-safe.
class FileReader {
 public:
  FileReader(std::string path, std::unique_ptr<SequentialFile> file, uint64_t size)
      : path_(std::move(path)), file_(std::move(file)), size_(size) {}

  uint64_t offset() const { return offset_; }
  uint64_t remaining() const { return size_ - offset_; }

  // Sets *out to the next `n` bytes, valid until the next call (which may move the
  // buffer). A Corruption naming the file when fewer are left.
  Status Next(size_t n, std::string_view* out, const char* what) {
    if (n > remaining()) {
      return CorruptFile(path_, "truncated: " + std::string(what) + " at byte " +
                                    std::to_string(offset_) + " needs " + std::to_string(n) +
                                    " bytes, the file has " + std::to_string(remaining()) +
                                    " more");
    }
    if (buffer_.size() - pos_ < n) {
      buffer_.erase(0, pos_);
      pos_ = 0;
      const size_t want = std::max(kReadChunkBytes, n - buffer_.size());
      RETURN_NOT_OK(file_->Read(want, &chunk_));
      buffer_.append(chunk_);
      if (buffer_.size() < n) {
        return CorruptFile(path_, "truncated: " + std::string(what) + " at byte " +
                                      std::to_string(offset_) + " is cut short");
      }
    }
    *out = std::string_view(buffer_.data() + pos_, n);
    pos_ += n;
    offset_ += n;
    return Status::OK();
  }

 private:
  const std::string path_;
  std::unique_ptr<SequentialFile> file_;
  const uint64_t size_;  // the file's size when it was opened
  uint64_t offset_ = 0;
  std::string buffer_;  // bytes read, from pos_ on not yet returned
  size_t pos_ = 0;
  std::string chunk_;
};

}  // namespace

StateFiles::StateFiles(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}

std::string StateFiles::Path(int64_t version, Kind kind) const {
  std::string name = std::to_string(version);
  switch (kind) {
    case Kind::kDelta:
      name += kDeltaSuffix;
      break;
    case Kind::kSnapshot:
      name += kSnapshotSuffix;
      break;
    case Kind::kRocksDbSnapshot:
      name += kRocksDbSuffix;
      break;
  }
  return dir_ + "/" + name;
}

std::string StateFiles::RocksDbDonePath(int64_t version) const {
  return dir_ + "/" + std::to_string(version) + std::string(kRocksDbDoneSuffix);
}

Status StateFiles::CreateDir() {
  if (dir_created_) return Status::OK();
  std::vector<std::string> missing;
  for (std::string d = dir_; !d.empty() && d != "/" && d != ".";) {
    ASSIGN_OR_RAISE(bool exists, env_->FileExists(d));
    if (exists) break;
    missing.push_back(d);
    d = DirName(d);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    RETURN_NOT_OK(env_->CreateDirIfMissing(*it));
    RETURN_NOT_OK(env_->SyncDir(DirName(*it)));
  }
  dir_created_ = true;
  return Status::OK();
}

Result<std::unique_ptr<StateFileWriter>> StateFiles::NewWriter(int64_t version, Kind kind) {
  WEIR_CHECK_GE(version, 1);
  WEIR_CHECK(kind != Kind::kRocksDbSnapshot);
  RETURN_NOT_OK(CreateDir());
  const std::string path = Path(version, kind);
  const std::string tmp = dir_ + "/." + path.substr(dir_.size() + 1) + std::string(kTmpSuffix);
  ASSIGN_OR_RAISE(std::unique_ptr<WritableFile> file, env_->NewWritableFile(tmp));
  const bool snapshot = kind == Kind::kSnapshot;
  auto writer = std::make_unique<FileWriter>(env_, dir_, tmp, path, snapshot, std::move(file));
  writer->WriteHeader(snapshot ? kSnapshotKind : kDeltaKind, version);
  return std::unique_ptr<StateFileWriter>(std::move(writer));
}

Result<std::unique_ptr<StateFileWriter>> StateFiles::NewDelta(int64_t version) {
  return NewWriter(version, Kind::kDelta);
}

Result<std::unique_ptr<StateFileWriter>> StateFiles::NewSnapshot(int64_t version) {
  return NewWriter(version, Kind::kSnapshot);
}

Result<std::vector<StateFiles::File>> StateFiles::List() {
  ASSIGN_OR_RAISE(Listing listing, ListDir(env_, dir_));
  return std::move(listing.files);
}

Status StateFiles::DeleteDebris() {
  ASSIGN_OR_RAISE(Listing listing, ListDir(env_, dir_));
  for (const std::string& name : listing.temps) RETURN_NOT_OK(DeleteTree(env_, dir_ + "/" + name));
  for (int64_t v : listing.unmarked_rocksdb) {
    RETURN_NOT_OK(DeleteTree(env_, Path(v, Kind::kRocksDbSnapshot)));
  }
  return Status::OK();
}

Status StateFiles::Read(int64_t version, Kind kind, const StateFileVisitor& visit) {
  if (kind == Kind::kRocksDbSnapshot) {
    return Status::InvalidArgument("StateFiles::Read of a RocksDB snapshot (" +
                                   Path(version, kind) + "), which RocksDB reads");
  }
  const std::string path = Path(version, kind);
  ASSIGN_OR_RAISE(uint64_t size, env_->GetFileSize(path));
  ASSIGN_OR_RAISE(std::unique_ptr<SequentialFile> file, env_->NewSequentialFile(path));
  FileReader reader(path, std::move(file), size);

  std::string_view header;
  RETURN_NOT_OK(reader.Next(kHeaderBytes, &header, "the header"));
  if (GetFixed32(header.data() + 24) != crc32c::Value(header.data(), 24)) {
    return CorruptFile(path, "the header's checksum does not match");
  }
  if (std::memcmp(header.data(), kMagic, sizeof(kMagic)) != 0) {
    return CorruptFile(path, "not a state file (bad magic)");
  }
  const uint32_t format = GetFixed32(header.data() + 8);
  if (format != kFormatVersion) {
    return CorruptFile(path, "unknown format version " + std::to_string(format));
  }
  const uint32_t file_kind = GetFixed32(header.data() + 12);
  const uint32_t want_kind = kind == Kind::kSnapshot ? kSnapshotKind : kDeltaKind;
  if (file_kind != want_kind) {
    return CorruptFile(path, "the header says kind " + std::to_string(file_kind) + ", not " +
                                 std::to_string(want_kind) + " (" + KindName(kind) + ")");
  }
  const auto file_version = static_cast<int64_t>(GetFixed64(header.data() + 16));
  if (file_version != version) {
    return CorruptFile(path, "the header says version " + std::to_string(file_version));
  }

  uint64_t count = 0;
  std::string key;  // the visitor's key outlives the reader's buffer only for its call
  std::string value;
  for (;;) {
    const uint64_t at = reader.offset();
    std::string_view frame;
    RETURN_NOT_OK(reader.Next(kFrameBytes, &frame, "a record's frame"));
    const uint32_t crc = GetFixed32(frame.data());
    const uint32_t length = GetFixed32(frame.data() + 4);
    // The next Next() may move the buffer `frame` points into.
    const uint32_t length_crc = crc32c::Value(frame.data() + 4, 4);
    if (length == 0 || length > kMaxPayloadBytes || length > reader.remaining()) {
      return CorruptFile(path, "the record at byte " + std::to_string(at) + " has length " +
                                   std::to_string(length) + ", with " +
                                   std::to_string(reader.remaining()) + " bytes left in the file");
    }
    std::string_view payload;
    RETURN_NOT_OK(reader.Next(length, &payload, "a record"));
    const uint32_t actual = crc32c::Extend(length_crc, payload.data(), payload.size());
    if (actual != crc) {
      return CorruptFile(
          path, "the checksum of the record at byte " + std::to_string(at) + " does not match");
    }
    const auto type = static_cast<uint8_t>(payload[0]);
    if (type == kEnd) {
      if (payload.size() != 9) {
        return CorruptFile(path, "the end record at byte " + std::to_string(at) + " has length " +
                                     std::to_string(length));
      }
      const uint64_t expected = GetFixed64(payload.data() + 1);
      if (expected != count) {
        return CorruptFile(path, "the end record counts " + std::to_string(expected) +
                                     " items, the file has " + std::to_string(count));
      }
      if (reader.remaining() != 0) {
        return CorruptFile(path,
                           std::to_string(reader.remaining()) + " bytes follow the end record");
      }
      return Status::OK();
    }
    if (type != kPut && type != kRemove) {
      return CorruptFile(
          path, "unknown record type " + std::to_string(type) + " at byte " + std::to_string(at));
    }
    if (type == kRemove && kind == Kind::kSnapshot) {
      return CorruptFile(path, "a remove record at byte " + std::to_string(at) + " in a snapshot");
    }
    if (payload.size() < 5) {
      return CorruptFile(path, "the record at byte " + std::to_string(at) + " is too short");
    }
    const uint32_t key_size = GetFixed32(payload.data() + 1);
    if (key_size > payload.size() - 5 || (type == kRemove && key_size != payload.size() - 5)) {
      return CorruptFile(path, "the record at byte " + std::to_string(at) + " has a key of " +
                                   std::to_string(key_size) + " bytes in a payload of " +
                                   std::to_string(payload.size()));
    }
    ++count;
    key.assign(payload.substr(5, key_size));
    if (type == kRemove) {
      RETURN_NOT_OK(visit(key, nullptr));
    } else {
      value.assign(payload.substr(5 + key_size));
      RETURN_NOT_OK(visit(key, &value));
    }
  }
}

Result<StateFiles::LoadPlan> StateFiles::PlanLoad(int64_t version, Kind snapshot_kind) {
  WEIR_CHECK(snapshot_kind != Kind::kDelta);
  LoadPlan plan;
  if (version == 0) return plan;
  if (version < 0) {
    return Status::NotFound("state version " + std::to_string(version) + " does not exist");
  }
  ASSIGN_OR_RAISE(Listing listing, ListDir(env_, dir_));
  std::set<int64_t> deltas;
  int64_t latest = 0;
  for (const File& f : listing.files) {
    latest = std::max(latest, f.version);
    if (f.kind == Kind::kDelta) deltas.insert(f.version);
    if (f.kind == snapshot_kind && f.version <= version) {
      plan.snapshot_version = std::max(plan.snapshot_version, f.version);
    }
  }
  if (latest < version) {
    return Status::NotFound("state version " + std::to_string(version) + " is not in " + dir_ +
                            (latest == 0
                                 ? std::string(": it has no state files")
                                 : ": the latest version there is " + std::to_string(latest)));
  }
  for (int64_t v = plan.snapshot_version + 1; v <= version; ++v) {
    if (!deltas.contains(v)) {
      return Status::NotFound("cannot load state version " + std::to_string(version) + " from " +
                              dir_ + ": " + Path(v, Kind::kDelta) + " is missing");
    }
    plan.deltas.push_back(v);
  }
  return plan;
}

Status StateFiles::DeleteFile(const File& file) {
  if (file.kind == Kind::kRocksDbSnapshot) {
    // The marker first: without it the directory is debris, never a snapshot.
    Status st = env_->DeleteFile(RocksDbDonePath(file.version));
    if (!st.ok() && !st.IsNotFound()) return st;
    return DeleteTree(env_, Path(file.version, file.kind));
  }
  Status st = env_->DeleteFile(Path(file.version, file.kind));
  return st.IsNotFound() ? Status::OK() : st;
}

Status StateFiles::Purge(int64_t min_version) {
  ASSIGN_OR_RAISE(Listing listing, ListDir(env_, dir_));
  int64_t snapshot = 0;
  for (const File& f : listing.files) {
    if (f.kind != Kind::kDelta && f.version <= min_version) {
      snapshot = std::max(snapshot, f.version);
    }
  }
  if (snapshot == 0) return Status::OK();
  // Oldest first: an interrupted purge leaves a suffix of the files, all usable.
  for (const File& f : listing.files) {
    if (f.version >= snapshot) break;
    RETURN_NOT_OK(DeleteFile(f));
  }
  return Status::OK();
}

Status StateFiles::DeleteAfter(int64_t version) {
  ASSIGN_OR_RAISE(Listing listing, ListDir(env_, dir_));
  bool deleted = false;
  // Newest first: an interrupted deletion leaves a prefix of the versions, a
  // consistent history.
  for (auto it = listing.files.rbegin(); it != listing.files.rend() && it->version > version;
       ++it) {
    RETURN_NOT_OK(DeleteFile(*it));
    deleted = true;
  }
  for (int64_t v : listing.unmarked_rocksdb) {
    if (v > version) {
      RETURN_NOT_OK(DeleteTree(env_, Path(v, Kind::kRocksDbSnapshot)));
      deleted = true;
    }
  }
  return deleted ? env_->SyncDir(dir_) : Status::OK();
}

}  // namespace weir::state

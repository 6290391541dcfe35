// SeenFilesLog (file_source_internal.h) and ParseSparkTimeMicros.

#include <cstring>

#include "weir/common/crc32c.h"
#include "weir/connectors/file_source_internal.h"

namespace weir::connectors {

namespace {

void PutFixed32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

uint64_t GetFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

bool AllZero(std::string_view s) {
  for (char c : s) {
    if (c != 0) return false;
  }
  return true;
}

// Decodes a payload whose checksum held; false when its contents do not add up.
bool DecodePayload(std::string_view p, SeenBatch* out) {
  if (p.size() < 12) return false;
  out->id = static_cast<int64_t>(GetFixed64(p.data()));
  const uint32_t count = GetFixed32(p.data() + 8);
  p.remove_prefix(12);
  // Each file takes at least 12 bytes: bounds `count` before reserving.
  if (count > p.size() / 12) return false;
  out->files.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (p.size() < 12) return false;
    SeenFile f;
    f.timestamp_us = static_cast<int64_t>(GetFixed64(p.data()));
    const uint32_t len = GetFixed32(p.data() + 8);
    p.remove_prefix(12);
    if (len > p.size()) return false;
    f.path = std::string(p.substr(0, len));
    p.remove_prefix(len);
    out->files.push_back(std::move(f));
  }
  return p.empty();
}

}  // namespace

std::string SeenFilesLog::EncodeRecord(const SeenBatch& batch) {
  std::string payload;
  PutFixed64(&payload, static_cast<uint64_t>(batch.id));
  PutFixed32(&payload, static_cast<uint32_t>(batch.files.size()));
  for (const SeenFile& f : batch.files) {
    PutFixed64(&payload, static_cast<uint64_t>(f.timestamp_us));
    PutFixed32(&payload, static_cast<uint32_t>(f.path.size()));
    payload += f.path;
  }
  std::string len;
  PutFixed32(&len, static_cast<uint32_t>(payload.size()));
  uint32_t crc = crc32c::Value(len);
  crc = crc32c::Extend(crc, payload.data(), payload.size());
  std::string out;
  PutFixed32(&out, crc);
  out += len;
  out += payload;
  return out;
}

Result<std::unique_ptr<SeenFilesLog>> SeenFilesLog::Open(Env* env, std::string dir) {
  std::string path = dir.empty() ? std::string() : dir + "/" + kFileName;
  std::unique_ptr<SeenFilesLog> log(new SeenFilesLog(env, std::move(dir), std::move(path)));
  if (!log->dir_.empty()) RETURN_NOT_OK(log->Load());
  return log;
}

Status SeenFilesLog::Load() {
  RETURN_NOT_OK(env_->CreateDirs(dir_));
  Result<std::string> read = ReadFileToString(env_, path_);
  if (!read.ok()) {
    if (read.status().IsNotFound()) return Status::OK();
    return read.status();
  }
  dir_synced_ = true;  // the file's entry was made durable when it was created
  const std::string& data = *read;
  size_t pos = 0;
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption("file source seen-files log " + path_ + " is corrupt at offset " +
                              std::to_string(pos) + ": " + std::string(why));
  };
  while (pos < data.size()) {
    const size_t left = data.size() - pos;
    if (left < 8) break;  // torn header
    const uint32_t crc = GetFixed32(data.data() + pos);
    const uint32_t len = GetFixed32(data.data() + pos + 4);
    if (len > left - 8) {
      // Torn payload, or a damaged length; either way nothing whole follows.
      if (len > kMaxRecordBytes) return corrupt("record length " + std::to_string(len));
      break;
    }
    uint32_t actual = crc32c::Value(data.data() + pos + 4, 4);
    actual = crc32c::Extend(actual, data.data() + pos + 8, len);
    const bool at_tail = pos + 8 + len == data.size();
    if (actual != crc) {
      // The last record torn by a crash, or a tail the file system zero-filled.
      if (at_tail || AllZero(std::string_view(data).substr(pos))) break;
      return corrupt("checksum mismatch");
    }
    SeenBatch batch;
    if (!DecodePayload(std::string_view(data).substr(pos + 8, len), &batch)) {
      return corrupt("malformed record");
    }
    const int64_t expected = recovered_.empty() ? 0 : recovered_.back().id + 1;
    if (batch.id != expected) {
      return corrupt("batch " + std::to_string(batch.id) + " where " + std::to_string(expected) +
                     " was expected");
    }
    recovered_.push_back(std::move(batch));
    pos += 8 + len;
  }
  if (pos < data.size()) {
    dropped_tail_bytes_ = data.size() - pos;
    RETURN_NOT_OK(env_->Truncate(path_, pos));
  }
  return Status::OK();
}

Status SeenFilesLog::Append(const SeenBatch& batch) {
  if (dir_.empty()) return Status::OK();
  RETURN_NOT_OK(broken_);
  auto fail = [&](Status s) {
    broken_ = s;
    file_.reset();
    return s;
  };
  if (file_ == nullptr) {
    ASSIGN_OR_RAISE(file_, env_->NewAppendableFile(path_));
  }
  const std::string record = EncodeRecord(batch);
  if (Status s = file_->Append(record); !s.ok()) return fail(std::move(s));
  if (Status s = file_->Sync(); !s.ok()) return fail(std::move(s));
  if (!dir_synced_) {
    // The file's entry, and the entries of the directories Load may have created.
    for (std::string d = dir_;; d = DirName(d)) {
      if (Status s = env_->SyncDir(d); !s.ok()) return fail(std::move(s));
      if (d == "/" || d == "." || DirName(d) == d) break;
    }
    dir_synced_ = true;
  }
  return Status::OK();
}

std::optional<int64_t> ParseSparkTimeMicros(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 15) return std::nullopt;
  const int64_t n = std::stoll(std::string(text.substr(0, digits)));
  std::string unit(text.substr(digits));
  for (char& c : unit) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  int64_t scale = 0;
  if (unit == "us") {
    scale = 1;
  } else if (unit.empty() || unit == "ms") {
    scale = 1000;
  } else if (unit == "s") {
    scale = 1000 * 1000;
  } else if (unit == "m" || unit == "min") {
    scale = int64_t{60} * 1000 * 1000;
  } else if (unit == "h") {
    scale = int64_t{3600} * 1000 * 1000;
  } else if (unit == "d") {
    scale = int64_t{86400} * 1000 * 1000;
  } else {
    return std::nullopt;
  }
  // 15 digits of days would overflow; bound the product.
  if (n > INT64_MAX / scale) return std::nullopt;
  return n * scale;
}

}  // namespace weir::connectors

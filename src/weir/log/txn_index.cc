#include "weir/log/txn_index.h"

#include <fmt/format.h>

#include "weir/common/crc32c.h"
#include "weir/log/coding.h"

namespace weir::log {

namespace {

constexpr std::string_view kMagic = "WTXI";
constexpr int8_t kVersion = 1;
constexpr size_t kFixedSize = 29;  // magic, version, base, end, two counts
constexpr size_t kAbortedSize = 24;
constexpr size_t kOpenSize = 18;
constexpr size_t kCrcSize = 4;

}  // namespace

std::string EncodeTxnIndex(const TxnIndex& index) {
  std::string out(kMagic);
  out.push_back(static_cast<char>(kVersion));
  PutFixed64(&out, static_cast<uint64_t>(index.base_offset));
  PutFixed64(&out, static_cast<uint64_t>(index.end_offset));
  PutFixed32(&out, static_cast<uint32_t>(index.aborted.size()));
  PutFixed32(&out, static_cast<uint32_t>(index.open.size()));
  for (const TransactionState::AbortedTransaction& a : index.aborted) {
    PutFixed64(&out, static_cast<uint64_t>(a.producer_id));
    PutFixed64(&out, static_cast<uint64_t>(a.first_offset));
    PutFixed64(&out, static_cast<uint64_t>(a.marker_offset));
  }
  for (const auto& [id, t] : index.open) {
    PutFixed64(&out, static_cast<uint64_t>(id));
    PutFixed16(&out, static_cast<uint16_t>(t.epoch));
    PutFixed64(&out, static_cast<uint64_t>(t.first_offset));
  }
  PutFixed32(&out, crc32c::Value(out));
  return out;
}

Result<TxnIndex> DecodeTxnIndex(std::string_view data) {
  if (data.size() < kFixedSize + kCrcSize || data.substr(0, kMagic.size()) != kMagic) {
    return Status::Corruption("txnindex: too short or bad magic");
  }
  const std::string_view body = data.substr(0, data.size() - kCrcSize);
  if (DecodeFixed32(data.data() + body.size()) != crc32c::Value(body)) {
    return Status::Corruption("txnindex: checksum mismatch");
  }
  if (static_cast<int8_t>(data[4]) != kVersion) {
    return Status::Corruption(fmt::format("txnindex: unsupported version {}", data[4]));
  }
  TxnIndex index;
  index.base_offset = static_cast<int64_t>(DecodeFixed64(data.data() + 5));
  index.end_offset = static_cast<int64_t>(DecodeFixed64(data.data() + 13));
  const auto aborted = static_cast<int32_t>(DecodeFixed32(data.data() + 21));
  const auto open = static_cast<int32_t>(DecodeFixed32(data.data() + 25));
  if (index.base_offset < 0 || index.end_offset < index.base_offset || aborted < 0 || open < 0 ||
      body.size() != kFixedSize + kAbortedSize * static_cast<uint64_t>(aborted) +
                         kOpenSize * static_cast<uint64_t>(open)) {
    return Status::Corruption("txnindex: bad offsets, counts or size");
  }
  const char* p = data.data() + kFixedSize;
  for (int32_t i = 0; i < aborted; ++i, p += kAbortedSize) {
    TransactionState::AbortedTransaction a;
    a.producer_id = static_cast<int64_t>(DecodeFixed64(p));
    a.first_offset = static_cast<int64_t>(DecodeFixed64(p + 8));
    a.marker_offset = static_cast<int64_t>(DecodeFixed64(p + 16));
    if (a.producer_id < 0 || a.first_offset < 0 || a.first_offset >= a.marker_offset ||
        a.marker_offset < index.base_offset || a.marker_offset >= index.end_offset ||
        (!index.aborted.empty() && a.marker_offset <= index.aborted.back().marker_offset)) {
      return Status::Corruption(fmt::format("txnindex: bad aborted transaction {}", i));
    }
    index.aborted.push_back(a);
  }
  for (int32_t i = 0; i < open; ++i, p += kOpenSize) {
    const auto id = static_cast<int64_t>(DecodeFixed64(p));
    TransactionState::OpenTransaction t;
    t.epoch = static_cast<int16_t>(DecodeFixed16(p + 8));
    t.first_offset = static_cast<int64_t>(DecodeFixed64(p + 10));
    if (id < 0 || t.epoch < 0 || t.first_offset < 0 || t.first_offset >= index.end_offset ||
        (!index.open.empty() && id <= index.open.back().first)) {
      return Status::Corruption(fmt::format("txnindex: bad open transaction {}", i));
    }
    index.open.emplace_back(id, t);
  }
  return index;
}

Status WriteTxnIndex(Env* env, const std::string& path, const TxnIndex& index) {
  ASSIGN_OR_RAISE(std::unique_ptr<WritableFile> f, env->NewWritableFile(path));
  RETURN_NOT_OK(f->Append(EncodeTxnIndex(index)));
  RETURN_NOT_OK(f->Sync());
  return f->Close();
}

Result<TxnIndex> ReadTxnIndex(Env* env, const std::string& path) {
  ASSIGN_OR_RAISE(std::unique_ptr<RandomAccessFile> f, env->NewRandomAccessFile(path));
  ASSIGN_OR_RAISE(uint64_t size, f->Size());
  if (size > kMaxTxnIndexSize) {
    return Status::Corruption(fmt::format("{}: {} bytes is too large", path, size));
  }
  std::string data;
  RETURN_NOT_OK(f->Read(0, size, &data));
  Result<TxnIndex> index = DecodeTxnIndex(data);
  if (!index.ok()) return index.status().WithContext(path);
  return index;
}

}  // namespace weir::log

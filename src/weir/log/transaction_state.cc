#include "weir/log/transaction_state.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "weir/log/coding.h"

namespace weir::log {

namespace {
constexpr int16_t kControlVersion = 0;
constexpr size_t kControlKeySize = 4;
}  // namespace

Record MakeControlRecord(ControlType type, int64_t timestamp) {
  std::string key;
  PutFixed16(&key, static_cast<uint16_t>(kControlVersion));
  PutFixed16(&key, static_cast<uint16_t>(type));
  Record r;
  r.key = std::move(key);
  r.timestamp = timestamp;
  return r;
}

Result<ControlType> ParseControlBatch(const RecordBatch& batch) {
  const BatchHeader& h = batch.header;
  if (!h.control() || batch.records.size() != 1) {
    return Status::Corruption(
        fmt::format("batch at offset {} is not a control batch of one record", h.base_offset));
  }
  const Record& r = batch.records[0].record;
  if (!r.key || r.key->size() != kControlKeySize) {
    return Status::Corruption(
        fmt::format("control record at offset {} has no 4-byte key", h.base_offset));
  }
  const auto version = static_cast<int16_t>(DecodeFixed16(r.key->data()));
  const auto type = static_cast<int16_t>(DecodeFixed16(r.key->data() + 2));
  if (version != kControlVersion || (type != static_cast<int16_t>(ControlType::kAbort) &&
                                     type != static_cast<int16_t>(ControlType::kCommit))) {
    return Status::Corruption(fmt::format("control record at offset {} has version {} type {}",
                                          h.base_offset, version, type));
  }
  return static_cast<ControlType>(type);
}

void TransactionState::ApplyData(const BatchHeader& h, int64_t now_micros) {
  if (!h.transactional() || h.control() || h.producer_id < 0) return;
  open_.try_emplace(h.producer_id, OpenTransaction{h.producer_epoch, h.base_offset, now_micros});
}

void TransactionState::ApplyMarker(const BatchHeader& h, ControlType type) {
  auto it = open_.find(h.producer_id);
  if (it == open_.end()) return;
  if (type == ControlType::kAbort) {
    aborted_[h.producer_id].push_back(Range{it->second.first_offset, h.base_offset});
  }
  open_.erase(it);
}

std::optional<TransactionState::OpenTransaction> TransactionState::Open(int64_t producer_id) const {
  auto it = open_.find(producer_id);
  if (it == open_.end()) return std::nullopt;
  return it->second;
}

int64_t TransactionState::FirstUnstableOffset() const {
  int64_t first = std::numeric_limits<int64_t>::max();
  for (const auto& [id, txn] : open_) first = std::min(first, txn.first_offset);
  return first;
}

bool TransactionState::IsAborted(int64_t producer_id, int64_t offset) const {
  auto it = aborted_.find(producer_id);
  if (it == aborted_.end()) return false;
  const std::vector<Range>& ranges = it->second;
  // The last range starting at or before offset.
  auto r = std::upper_bound(ranges.begin(), ranges.end(), offset,
                            [](int64_t o, const Range& range) { return o < range.first; });
  if (r == ranges.begin()) return false;
  return offset < std::prev(r)->marker;
}

void TransactionState::PruneBefore(int64_t start_offset) {
  for (auto it = aborted_.begin(); it != aborted_.end();) {
    std::vector<Range>& ranges = it->second;
    ranges.erase(ranges.begin(),
                 std::find_if(ranges.begin(), ranges.end(),
                              [start_offset](const Range& r) { return r.marker >= start_offset; }));
    it = ranges.empty() ? aborted_.erase(it) : std::next(it);
  }
}

std::vector<TransactionState::AbortedTransaction> TransactionState::AbortedWithMarkerIn(
    int64_t from, int64_t to) const {
  std::vector<AbortedTransaction> out;
  for (const auto& [id, ranges] : aborted_) {
    for (const Range& r : ranges) {
      if (r.marker >= from && r.marker < to) out.push_back({id, r.first, r.marker});
    }
  }
  std::sort(out.begin(), out.end(), [](const AbortedTransaction& a, const AbortedTransaction& b) {
    return a.marker_offset < b.marker_offset;
  });
  return out;
}

std::vector<std::pair<int64_t, TransactionState::OpenTransaction>>
TransactionState::OpenTransactions() const {
  std::vector<std::pair<int64_t, OpenTransaction>> out(open_.begin(), open_.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

void TransactionState::AddAborted(const AbortedTransaction& t) {
  aborted_[t.producer_id].push_back(Range{t.first_offset, t.marker_offset});
}

size_t TransactionState::num_aborted() const {
  size_t n = 0;
  for (const auto& [id, ranges] : aborted_) n += ranges.size();
  return n;
}

}  // namespace weir::log

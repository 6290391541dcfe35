#include "weir/log/producer_state.h"

#include <limits>

#include <fmt/format.h>

namespace weir::log {

int32_t NextSequence(int32_t base, int32_t count) {
  constexpr int64_t kModulus = int64_t{std::numeric_limits<int32_t>::max()} + 1;
  return static_cast<int32_t>((int64_t{base} + count) % kModulus);
}

Result<std::optional<ProducerBatch>> ProducerStateTable::Check(const BatchOptions& o,
                                                               int32_t record_count) const {
  if (o.producer_id < 0) return std::optional<ProducerBatch>();
  if (o.producer_epoch < 0 || o.base_sequence < 0) {
    return Status::InvalidArgument(
        fmt::format("producer {} needs an epoch and base sequence >= 0, got epoch {} sequence {}",
                    o.producer_id, o.producer_epoch, o.base_sequence));
  }
  auto it = producers_.find(o.producer_id);
  if (it == producers_.end()) return std::optional<ProducerBatch>();
  const Entry& e = it->second;
  if (o.producer_epoch < e.epoch) {
    return Status::InvalidArgument(
        fmt::format("ProducerFenced: producer {} epoch {} is older than its current epoch {}",
                    o.producer_id, o.producer_epoch, e.epoch));
  }
  if (o.producer_epoch > e.epoch) {
    if (o.base_sequence != 0) {
      return Status::InvalidArgument(fmt::format(
          "OutOfOrderSequence: producer {} starts epoch {} at sequence {}; a new epoch starts "
          "at 0",
          o.producer_id, o.producer_epoch, o.base_sequence));
    }
    return std::optional<ProducerBatch>();
  }
  for (const ProducerBatch& b : e.batches) {
    if (b.base_sequence == o.base_sequence && b.record_count == record_count) {
      return std::optional<ProducerBatch>(b);
    }
  }
  const ProducerBatch& last = e.batches.back();
  const int32_t expected = NextSequence(last.base_sequence, last.record_count);
  if (o.base_sequence != expected) {
    return Status::InvalidArgument(fmt::format(
        "OutOfOrderSequence: producer {} epoch {} sent sequence {}, expected {} (its last "
        "batch was sequences {} to {} at offsets {} to {})",
        o.producer_id, o.producer_epoch, o.base_sequence, expected, last.base_sequence,
        NextSequence(last.base_sequence, last.record_count - 1), last.base_offset,
        last.last_offset));
  }
  return std::optional<ProducerBatch>();
}

void ProducerStateTable::Update(const BatchHeader& h) {
  if (h.producer_id < 0 || h.control() || h.producer_epoch < 0 || h.base_sequence < 0) return;
  Entry& e = producers_[h.producer_id];
  if (e.batches.empty() || h.producer_epoch != e.epoch) {
    e.epoch = h.producer_epoch;
    e.batches.clear();
  }
  e.batches.push_back(
      ProducerBatch{h.base_sequence, h.record_count, h.base_offset, h.last_offset()});
  if (e.batches.size() > kRetainedBatches) e.batches.pop_front();
}

}  // namespace weir::log

// The idempotent-producer state of one partition (docs/log.md, "Idempotent
// producers"): for each producer id, its current epoch, the sequence its next batch
// must start at and the offsets of its most recent batches, so that a retried batch
// is recognized and answered with the offsets it was first given instead of being
// appended twice. Kafka's rules:
//
//   - a batch whose (epoch, base sequence, record count) equals one of the producer's
//     last kRetainedBatches batches is a duplicate: return its offsets;
//   - an epoch older than the producer's current one is fenced (ProducerFenced);
//   - a newer epoch starts over and must begin at sequence 0;
//   - otherwise the base sequence must be the one after the producer's last record,
//     or the batch is out of order (OutOfOrderSequence);
//   - a producer the table does not know may start at any sequence (its state may
//     have aged out of the scanned segments, see Partition::Open).
//
// Sequences are per record, 31-bit, and wrap from INT32_MAX to 0, as in Kafka.
//
// Thread-safety: not thread-safe; the partition uses it under its write mutex.

#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>

#include "weir/common/result.h"
#include "weir/log/record_batch.h"

namespace weir::log {

// A batch the table remembers for deduplication.
struct ProducerBatch {
  int32_t base_sequence = 0;
  int32_t record_count = 0;
  int64_t base_offset = 0;
  int64_t last_offset = 0;
};

class ProducerStateTable {
 public:
  // How many of each producer's latest batches are remembered (Kafka keeps 5, the
  // most in-flight requests an idempotent producer may have).
  static constexpr size_t kRetainedBatches = 5;

  // Checks a batch about to be appended. Returns the original batch if it is a
  // retry of one already appended, nullopt if it is new and may be appended, and
  // InvalidArgument (message starting "ProducerFenced:" or "OutOfOrderSequence:")
  // if it must be refused. InvalidArgument also for producer fields out of range.
  // Batches without a producer id (-1) are always new.
  Result<std::optional<ProducerBatch>> Check(const BatchOptions& options,
                                             int32_t record_count) const;

  // Records an appended (or recovered) batch. Batches without a producer id and
  // control batches are ignored.
  void Update(const BatchHeader& header);

  size_t size() const { return producers_.size(); }
  // The producer's latest batch; nullopt if unknown.
  std::optional<ProducerBatch> LastBatch(int64_t producer_id) const {
    auto it = producers_.find(producer_id);
    if (it == producers_.end()) return std::nullopt;
    return it->second.batches.back();
  }
  // The producer's current epoch, from its sequenced batches; nullopt if unknown.
  std::optional<int16_t> Epoch(int64_t producer_id) const {
    auto it = producers_.find(producer_id);
    if (it == producers_.end()) return std::nullopt;
    return it->second.epoch;
  }

 private:
  struct Entry {
    int16_t epoch = 0;
    std::deque<ProducerBatch> batches;  // oldest first; never empty
  };
  std::unordered_map<int64_t, Entry> producers_;
};

// The sequence after the last record of a batch of `count` records starting at `base`.
int32_t NextSequence(int32_t base, int32_t count);

}  // namespace weir::log

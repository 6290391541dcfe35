// Which partition a produced record goes to, the way Kafka's default partitioner
// decides, so that a key lands on the same partition number whether weir or a Kafka
// client produced it:
//   - an explicit partition wins;
//   - a record with a key goes to (murmur2(key) & 0x7fffffff) % partitions, Kafka's
//     Utils.murmur2 and toPositive over the key's bytes;
//   - records without a key stick to one partition per batch and move round-robin to
//     the next partition for the next batch (Kafka's sticky partitioning since 2.4,
//     which keeps batches large).
//
// Thread-safety: the free functions are thread-safe; StickyPartitioner is not.

#pragma once

#include <cstdint>
#include <string_view>

namespace weir::log {

// Kafka's org.apache.kafka.common.utils.Utils.murmur2 (seed 0x9747b28c), bit for bit.
int32_t Murmur2(std::string_view data);

// The partition Kafka's default partitioner picks for `key`.
// REQUIRES: partitions > 0.
int32_t PartitionForKey(std::string_view key, int32_t partitions);

// The partition for records without a key: the same for a whole batch, the next
// one (round-robin) after NextBatch().
class StickyPartitioner {
 public:
  // Starts at partition `first` (e.g. chosen at random by the caller).
  explicit StickyPartitioner(int32_t first = 0) : current_(first) {}

  // REQUIRES: partitions > 0.
  int32_t Current(int32_t partitions) const { return current_ % partitions; }
  void NextBatch() { current_ = current_ == INT32_MAX ? 0 : current_ + 1; }

 private:
  int32_t current_;
};

}  // namespace weir::log

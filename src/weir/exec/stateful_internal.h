// What the stateful operators share (internal to weir_exec): the timings of an
// epoch (Spark's allUpdatesTimeMs, allRemovalsTimeMs, commitTimeMs), a state
// partition's counts, and — for the window operators that aggregate an epoch into
// one table and then send each group to the state partition of its other keys
// (session and paned windows) — that split.
//
// Thread-safety: EpochTimer's Add* may run from every partition's task at once.

#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "weir/exec/group_table.h"
#include "weir/exec/hash_aggregate_internal.h"
#include "weir/exec/stateful.h"

namespace weir::exec {

inline int64_t StatefulNowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Times one operator's epoch: created when Prepare starts; partitions add the time
// they spent removing and committing; Report credits the rest to updates.
class EpochTimer {
 public:
  EpochTimer() : start_(StatefulNowNanos()) {}
  void AddRemoval(int64_t nanos) { removal_.fetch_add(nanos, std::memory_order_relaxed); }
  void AddCommit(int64_t nanos) { commit_.fetch_add(nanos, std::memory_order_relaxed); }
  void Report(StatefulMetrics* metrics) const {
    if (metrics == nullptr) return;
    const int64_t removal = removal_.load(), commit = commit_.load();
    metrics->all_updates_time_ns.fetch_add(
        std::max<int64_t>(0, StatefulNowNanos() - start_ - removal - commit));
    metrics->all_removals_time_ns.fetch_add(removal);
    metrics->commit_time_ns.fetch_add(commit);
  }

 private:
  int64_t start_;
  std::atomic<int64_t> removal_{0};
  std::atomic<int64_t> commit_{0};
};

// Adds one committed state partition's counts to `metrics` (may be null).
inline void AddPartitionMetrics(StatefulMetrics* metrics, const state::StateStoreMetrics& store,
                                int64_t updated, int64_t removed, int64_t dropped) {
  if (metrics == nullptr) return;
  metrics->num_rows_total.fetch_add(store.num_keys);
  metrics->memory_used_bytes.fetch_add(store.memory_used_bytes);
  metrics->num_rows_updated.fetch_add(updated);
  metrics->num_rows_removed.fetch_add(removed);
  metrics->num_rows_dropped_by_watermark.fetch_add(dropped);
  metrics->num_state_store_instances.fetch_add(1);
}

// The groups of an epoch's aggregation table, with the group keys other than the
// window at `window_group` encoded, split into `partitions` by the hash of those
// other keys (so that one key's windows or sessions meet in one state partition).
struct GroupsByOtherKeys {
  std::vector<ColumnPtr> key_columns;  // every group key, one row per group
  KeyEncoder others;                   // the other keys, by group
  std::vector<std::vector<uint32_t>> by_partition;
};

// Groups whose window is NULL are left out.
inline Result<GroupsByOtherKeys> SplitByOtherKeys(const AggTable& table, int window_group,
                                                  int partitions) {
  GroupsByOtherKeys out;
  const uint32_t n = table.groups.num_groups();
  std::vector<uint32_t> ids(n);
  for (uint32_t g = 0; g < n; ++g) ids[g] = g;
  ASSIGN_OR_RAISE(out.key_columns, table.groups.KeyColumns(ids));
  std::vector<Datum> others;
  for (size_t i = 0; i < out.key_columns.size(); ++i) {
    if (static_cast<int>(i) != window_group) others.push_back(Datum::Flat(out.key_columns[i]));
  }
  out.others.Encode(others, RowSet(n));
  const Column& window = *out.key_columns[static_cast<size_t>(window_group)];
  out.by_partition.resize(static_cast<size_t>(partitions));
  for (uint32_t g = 0; g < n; ++g) {
    if (window.IsNull(g) || window.child(0)->IsNull(g) || window.child(1)->IsNull(g)) continue;
    const uint64_t h = Mix64(std::hash<std::string_view>{}(out.others.key(g)));
    out.by_partition[(h >> 32) % static_cast<uint64_t>(partitions)].push_back(g);
  }
  return out;
}

}  // namespace weir::exec

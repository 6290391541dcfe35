// Stateful physical operators: what a streaming query's stateful steps run as in
// each epoch (DESIGN.md section 4). Each keeps its state in one StateStore per
// partition (src/weir/state), opened at the version the previous epoch committed
// and committed when the operator has seen all of its input, so a re-run epoch
// starts from the same state.
//
// The streaming engine (src/weir/stream) decides which plan nodes keep state,
// gives each a stable operator id and its stores, and sets the per-epoch context:
// the epoch, the output mode and the two watermarks Spark 3.5 uses — the one for
// late rows (the watermark the previous epoch ran with) and the one for eviction
// (this epoch's).
//
// Thread-safety: an operator runs within one epoch; its metrics are atomics that
// the engine reads after the epoch.

#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "weir/exec/operator.h"
#include "weir/functions/aggregate.h"
#include "weir/state/state_store.h"

namespace weir::exec {

enum class StatefulOutputMode : uint8_t { kAppend, kUpdate, kComplete };

// Spark's StateOperatorProgress counters for one epoch.
struct StatefulMetrics {
  std::atomic<int64_t> num_rows_total{0};
  std::atomic<int64_t> num_rows_updated{0};
  std::atomic<int64_t> num_rows_removed{0};
  std::atomic<int64_t> num_rows_dropped_by_watermark{0};
  std::atomic<int64_t> memory_used_bytes{0};
  std::atomic<int64_t> all_updates_time_ns{0};
  std::atomic<int64_t> all_removals_time_ns{0};
  std::atomic<int64_t> commit_time_ns{0};
  std::atomic<int64_t> num_state_store_instances{0};
  // Keys the eviction watermark should have removed but that are still in state
  // after the epoch (checked by tests: state stays bounded). Filled by operators
  // that evict.
  std::atomic<int64_t> num_keys_behind_watermark{0};
  // Not a metric, and not Reset: the groups the operator's last epoch aggregated,
  // which sizes the next epoch's tables (GroupTable::Reserve).
  std::atomic<int64_t> last_epoch_groups{0};

  void Reset();
};

// Which columns of a stateful operator's key carry event time. With several (a
// window's start and end, as TUMBLE's window_start and window_end), a key's event
// time is the latest of them, so it is final only when all of them are.
struct EventTimeKey {
  int index = -1;                          // -1: none
  bool window_struct = false;              // a STRUCT<start, end>: its end is compared
  std::vector<std::pair<int, bool>> more;  // further (index, window_struct)
};

// The late rows an epoch routes to the query's late-rows sink. Batches keep the
// operator's input schema and may carry a selection vector.
struct LateRows {
  std::mutex mu;
  std::vector<Batch> batches;  // guarded by mu
  int64_t rows = 0;            // guarded by mu

  void Add(Batch batch) {
    std::lock_guard<std::mutex> lock(mu);
    rows += batch.num_rows();
    batches.push_back(std::move(batch));
  }
  std::vector<Batch> Take() {
    std::lock_guard<std::mutex> lock(mu);
    rows = 0;
    return std::move(batches);
  }
};

// One epoch's context of one stateful operator.
struct StatefulContext {
  int operator_id = 0;
  // The epoch: stores open at version batch_id and commit batch_id + 1.
  int64_t batch_id = 0;
  // One provider per state partition (the number of partitions is fixed when the
  // query first starts).
  std::vector<state::StateStoreProviderPtr> providers;
  StatefulOutputMode mode = StatefulOutputMode::kAppend;
  // Milliseconds, as Spark's; unset when the query has no watermark.
  std::optional<int64_t> late_watermark_ms;
  std::optional<int64_t> eviction_watermark_ms;
  std::shared_ptr<StatefulMetrics> metrics;
  // When the query routes late rows to a sink: where the operator puts the input
  // rows it finds late, instead of dropping them (MakeStatefulAggregate).
  std::shared_ptr<LateRows> late_rows;
};

// The event time (µs) of a key column value at physical row `row`, for comparing
// with a watermark: the timestamp itself, or a window's end. Unset for NULL.
std::optional<int64_t> EventTimeOf(const Column& column, int64_t row, bool window_struct);

// Streaming aggregation (Spark's StateStoreRestore/Save): aggregates the epoch's
// input (partially, then by key hash into the state partitions), merges every group
// with its stored state, and
//  - Complete: outputs every group in state;
//  - Update: outputs the groups this epoch changed, then removes groups whose event
//    time is at or before the eviction watermark;
//  - Append: outputs and removes the groups whose event time is at or before the
//    eviction watermark (REQUIRES: event_time.index >= 0).
// In Append and Update modes, a group of this epoch whose event time is at or before
// the late-rows watermark is dropped and counted (numRowsDroppedByWatermark counts
// such aggregated groups, as Spark's does). With context.late_rows, the late rows are
// found before aggregation instead: each input row whose event time is at or before
// that watermark goes to late_rows and is counted, row by row.
PhysicalOperatorPtr MakeStatefulAggregate(PhysicalOperatorPtr child, std::vector<ExprPtr> groups,
                                          std::vector<AggregateCall> aggregates, SchemaPtr schema,
                                          EventTimeKey event_time, StatefulContext context);

// Sliding windows computed from panes: groups()[window_group] is each row's pane,
// the tumbling window of size slide_micros holding it (the sliding window's
// __time_window call with the window size replaced by the slide), and the output
// has, at that index, the windows of size window_micros (a multiple of the slide)
// merged from their panes, so that each row is aggregated once whatever the number
// of windows holding it. Modes, late rows and eviction as MakeStatefulAggregate,
// with a window's end as its event time (stateful_paned.cc).
struct PaneSpec {
  int window_group = -1;
  int64_t window_micros = 0;
  int64_t slide_micros = 0;
};
PhysicalOperatorPtr MakeStatefulPanedAggregate(PhysicalOperatorPtr child,
                                               std::vector<ExprPtr> groups,
                                               std::vector<AggregateCall> aggregates,
                                               SchemaPtr schema, PaneSpec panes,
                                               StatefulContext context);

// Streaming session window aggregation: groups()[session_group] is each row's
// initial session STRUCT<start, end> (the binder's __session_window); a key's
// sessions (the other groups) that overlap or touch merge across epochs, as in the
// batch session window aggregate. Modes as MakeStatefulAggregate, with a session's
// end as its event time.
PhysicalOperatorPtr MakeStatefulSessionAggregate(PhysicalOperatorPtr child,
                                                 std::vector<ExprPtr> groups, int session_group,
                                                 std::vector<AggregateCall> aggregates,
                                                 SchemaPtr schema, StatefulContext context);

// What bounds a streaming deduplication's state (see MakeStatefulDeduplicate).
struct DeduplicateSpec {
  // The key columns (indices into the input; none: every row has the same key).
  std::vector<int> keys;
  // The input's first event-time column (Spark's findEventTimeColumn): a row whose
  // event time is at or before the late-rows watermark is dropped and counted.
  // index -1: no row is late.
  EventTimeKey event_time;
  // dropDuplicates: the key (index into `keys`) whose event time bounds a key's
  // state: a key is removed once it is at or before the eviction watermark. -1: the
  // state is never evicted.
  EventTimeKey evict_by;
  // dropDuplicatesWithinWatermark: a key is removed once the eviction watermark
  // reaches the event time of its first row plus `delay_micros` (the delay of
  // event_time's watermark). REQUIRES: event_time.index >= 0.
  bool within_watermark = false;
  int64_t delay_micros = 0;
};

// Streaming deduplication (Spark's StreamingDeduplicateExec and
// StreamingDeduplicateWithinWatermarkExec): the input is split by a hash of the keys
// into the state partitions; per partition, each row that is not late and whose key
// is not in state is output (in input order) and its key put into state; other rows
// are dropped. Then keys are evicted as `spec` says. Output modes do not change it.
// State: key = [8-byte event-time prefix of spec.evict_by] ++ the keys in
// GroupTable's KeyEncoder encoding; value = empty, or (within the watermark) the
// expiry time as an 8-byte prefix (state_codec.h).
PhysicalOperatorPtr MakeStatefulDeduplicate(PhysicalOperatorPtr child, DeduplicateSpec spec,
                                            StatefulContext context);

// A stream-stream join (Spark's StreamingSymmetricHashJoinExec).
enum class StreamJoinType : uint8_t { kInner, kLeftOuter, kRightOuter, kFullOuter, kLeftSemi };

// What a stream-stream join knows about one of its inputs.
struct StreamJoinSide {
  std::vector<ExprPtr> keys;  // over this input; both sides' keys have the same types
  // Conjuncts of the condition over this input only (may be null): a row failing
  // them can never match, so it is never stored (and, on an outer side, is output
  // with NULLs at once, as Spark's pre-join filter does).
  ExprPtr filter;
  // The input's event-time columns (Spark's findEventTimeColumn; `more` lists the
  // others): a row whose event time — the latest of them, so that a window
  // aggregation's row counts by its window's end — is at or before the late-rows
  // watermark is dropped and counted. index -1: no row is late.
  EventTimeKey late;
  // Eviction by a time-range condition (Spark's state value watermark): the
  // TIMESTAMP column of this input the condition bounds; -1: none (or by key).
  int value_time_column = -1;
  // This epoch's state watermark (ms): stored rows at or before it (by the key's
  // event time, or by value_time_column) are evicted. Unset: nothing is evicted.
  std::optional<int64_t> state_watermark_ms;
};

struct StreamJoinSpec {
  StreamJoinType type = StreamJoinType::kInner;
  std::vector<bool> null_safe;  // per key: compared with <=> (NULL matches NULL)
  // The rest of the condition, over left ++ right (may be null).
  ExprPtr residual;
  // Eviction by a join key that carries event time (Spark's state key watermark):
  // its index in the keys; -1: none. Then neither side has a value_time_column.
  EventTimeKey time_key;
  StreamJoinSide left;
  StreamJoinSide right;
};

// Stream-stream join: both inputs are split by a hash of their keys into the state
// partitions; per partition, each side's rows are kept in state by key, and
//  1. every new left row probes the right side's state (rows of earlier epochs),
//  2. the new left rows are stored,
//  3. every new right row probes the left side's state (earlier epochs' rows and
//     this epoch's), so a pair of this epoch's rows is output once;
// a pair is output when the residual holds, and both rows are marked matched. Left
// semi outputs a left row once, on its first match (a matched new left row is not
// stored; a right row outputs only stored left rows not matched before). Then rows
// at or before each side's state watermark are evicted; an outer side outputs its
// evicted rows that never matched, with NULLs for the other side — never earlier.
// Late rows (see StreamJoinSide::late) are dropped first. A right row that would be
// evicted in this epoch is not stored unless it is an unmatched outer row (Spark).
// Output: left ++ right columns (left only for left semi).
//
// State, per side, in blocks (stateful_join_state.h): the rows one input batch
// stores under one key are one entry, key = side byte ++ [8-byte event-time prefix
// of the time key] ++ the join key in KeyEncoder bytes ++ an 8-byte block sequence
// number; value = per row a length, [its value time], a matched byte and the row.
// With a value_time_column, index entries (side byte | 0x10 ++ 8-byte event-time
// prefix of the earliest row ++ sequence number -> a list of blocks with their
// earliest and latest value times) keep eviction ordered.
PhysicalOperatorPtr MakeStreamStreamJoin(PhysicalOperatorPtr left, PhysicalOperatorPtr right,
                                         StreamJoinSpec spec, SchemaPtr schema,
                                         StatefulContext context);

}  // namespace weir::exec

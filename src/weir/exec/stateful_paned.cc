// Sliding-window streaming aggregation over panes (see stateful.h): windows of W
// sliding every S, with S dividing W, share their work. Each row is aggregated once,
// into its pane (the tumbling window of size S holding it); a window is the merge
// of its n = W / S panes, computed only when it is output.
//
// State layout, per pane and key: key = the pane's end as an order-preserving 8-byte
// prefix (state_codec.h) ++ the other group keys in KeyEncoder bytes; value = the
// aggregate states (SerializeStates). One more entry, under the key kEmittedKey
// (which sorts after every pane), holds how far Append mode has output windows:
// every window ending at or before it was output.
//
// Per epoch and state partition (keys are partitioned by the other group keys, so a
// key's panes are in one partition):
//  - each pane of the epoch is merged into its stored state; a pane all of whose
//    windows end at or before the late-rows watermark is dropped; the late (window,
//    key) groups are counted, as Spark counts them;
//  - Update: every window holding a changed pane that is not late is output, merged
//    from its panes in state;
//  - Append: the windows ending after the last output and at or before the eviction
//    watermark are output, merged by one scan over the panes they hold;
//  - Complete: every window of every stored pane is output;
//  - panes whose last window ends at or before the eviction watermark are removed
//    (not in Complete mode).

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <limits>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "weir/common/check.h"
#include "weir/exec/exec_internal.h"
#include "weir/exec/hash_aggregate_internal.h"
#include "weir/exec/state_codec.h"
#include "weir/exec/stateful.h"
#include "weir/exec/stateful_internal.h"

namespace weir::exec {

namespace {

// Sorts after every pane key (whose prefix is an event time, never all 0xff).
const std::string& EmittedKey() {
  static const std::string* key = new std::string(std::string(8, '\xff') + "emitted");
  return *key;
}

// The windows being output in one partition: (window start, other keys) -> a row of
// `states`. A pane's other keys are looked up once (KeyId) for all its windows, and
// each distinct one is copied once.
class WindowTable {
 public:
  // Windows of `panes` panes of `slide` µs each.
  WindowTable(const std::vector<AggregateCall>* calls, int64_t slide, int64_t panes)
      : states_(calls), slide_(slide), panes_(static_cast<size_t>(panes)) {}

  // The id of the encoded other keys `key`, added when new.
  uint32_t KeyId(std::string_view key) {
    auto it = key_ids_.find(key);
    if (it != key_ids_.end()) return it->second;
    const auto id = static_cast<uint32_t>(keys_.size());
    keys_.emplace_back(key);  // a deque: the string, and a view of it, never move
    key_ids_.emplace(std::string_view(keys_.back()), id);
    slots_.resize(slots_.size() + panes_, Slot{});
    return id;
  }
  // Row, for panes visited in pane-end order (Append's and Complete's scans of the
  // store): a pane's windows are the `panes` latest of its key's windows so far, so
  // each key keeps its windows in `panes` slots, by start / slide modulo `panes`. A
  // window a slot held before is never asked for again: every later pane's windows
  // start after it. REQUIRES: the panes of the calls come in pane-end order.
  uint32_t RowInPaneOrder(int64_t start, uint32_t key_id) {
    int64_t q = start / slide_;
    if (start % slide_ != 0 && start < 0) --q;  // floor
    const auto n = static_cast<int64_t>(panes_);
    Slot& slot = slots_[key_id * panes_ + static_cast<size_t>(((q % n) + n) % n)];
    if (slot.row != kNoRow && slot.start == start) return slot.row;
    WEIR_CHECK(slot.row == kNoRow || slot.start < start);
    slot.start = start;
    slot.row = NewRow(start, key_id);
    return slot.row;
  }
  // The state row of window `start` for the other keys of id `key_id`.
  uint32_t Row(int64_t start, uint32_t key_id) {
    auto [it, inserted] = rows_.try_emplace(std::make_pair(key_id, start), 0);
    if (inserted) it->second = NewRow(start, key_id);
    return it->second;
  }
  AggregateStates& states() { return states_; }
  // Window start and other keys of row r.
  int64_t start(uint32_t r) const { return starts_[r]; }
  std::string_view other(uint32_t r) const { return keys_[row_keys_[r]]; }
  uint32_t size() const { return states_.size(); }
  // Whether the newest row has had nothing merged into it yet.
  bool fresh() const { return fresh_; }
  void set_fresh(bool fresh) { fresh_ = fresh; }

 private:
  static constexpr uint32_t kNoRow = std::numeric_limits<uint32_t>::max();
  struct Slot {
    int64_t start = 0;
    uint32_t row = kNoRow;
  };
  uint32_t NewRow(int64_t start, uint32_t key_id) {
    const uint32_t row = states_.size();
    states_.Grow(row + 1);
    fresh_ = true;
    row_keys_.push_back(key_id);
    starts_.push_back(start);
    return row;
  }

  AggregateStates states_;
  int64_t slide_;
  size_t panes_;
  bool fresh_ = false;
  std::vector<Slot> slots_;  // RowInPaneOrder's: `panes_` per key id
  absl::flat_hash_map<std::string_view, uint32_t> key_ids_;
  std::deque<std::string> keys_;
  absl::flat_hash_map<std::pair<uint32_t, int64_t>, uint32_t> rows_;  // (key id, start)
  std::vector<uint32_t> row_keys_;                                    // per row: its key id
  std::vector<int64_t> starts_;
};

class StatefulPanedAggregateOp final : public PhysicalOperator {
 public:
  StatefulPanedAggregateOp(PhysicalOperatorPtr child, std::vector<ExprPtr> groups,
                           std::vector<AggregateCall> aggregates, SchemaPtr schema, PaneSpec panes,
                           StatefulContext context)
      : PhysicalOperator(std::move(schema), {std::move(child)}),
        core_(groups, aggregates, 1),
        panes_(panes),
        context_(std::move(context)) {
    for (size_t i = 0; i < groups.size(); ++i) {
      if (static_cast<int>(i) != panes_.window_group) other_types_.push_back(groups[i]->type());
    }
    window_type_ = groups[static_cast<size_t>(panes_.window_group)]->type();
  }

  int num_partitions() const override { return static_cast<int>(context_.providers.size()); }

  Status Prepare(ExecContext& ctx) override {
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    if (context_.providers.empty()) return Status::Internal("paned aggregate without state");
    if (panes_.slide_micros <= 0 || panes_.window_micros % panes_.slide_micros != 0) {
      return Status::Internal("paned aggregate: the slide must divide the window");
    }
    EpochTimer timer;
    RETURN_NOT_OK(core_.Build(*children()[0], ctx));
    AggTable& t = *core_.tables()[0];
    const int parts = num_partitions();
    ASSIGN_OR_RAISE(GroupsByOtherKeys split, SplitByOtherKeys(t, panes_.window_group, parts));
    const Column& pane = *split.key_columns[static_cast<size_t>(panes_.window_group)];
    const int64_t* pane_ends = pane.child(1)->values<int64_t>();
    outputs_.assign(static_cast<size_t>(parts), {});
    TaskGroup group(ctx.pool);
    for (int p = 0; p < parts; ++p) {
      group.Spawn([&, p]() -> Status {
        return RunPartition(ctx, p, t, split.others, pane_ends,
                            split.by_partition[static_cast<size_t>(p)], &timer);
      });
    }
    RETURN_NOT_OK(group.Wait());
    timer.Report(context_.metrics.get());
    prepared_ = true;
    return Status::OK();
  }

  Result<BatchStreamPtr> Execute(ExecContext&, int p) override {
    if (!prepared_) return Status::Internal("StatefulPanedAggregate executed before Prepare");
    auto batches =
        std::make_shared<const std::vector<Batch>>(std::move(outputs_[static_cast<size_t>(p)]));
    return BatchStreamPtr(std::make_unique<VectorStream>(std::move(batches)));
  }

  std::string Describe() const override {
    const std::string fns = core_.AggregateList();
    return "StatefulPanedAggregate(keys=[" + ExprList(core_.groups()) +
           "], window=" + std::to_string(panes_.window_micros) +
           "us, slide=" + std::to_string(panes_.slide_micros) + "us, functions=[" + fns +
           "], operator=" + std::to_string(context_.operator_id) + ")";
  }

 private:
  int64_t W() const { return panes_.window_micros; }
  int64_t S() const { return panes_.slide_micros; }
  int64_t PanesPerWindow() const { return W() / S(); }

  // Merges the stored state `bytes` of a pane into window row `row`.
  Status MergeStored(EvalContext& ectx, std::string_view bytes, WindowTable* table, uint32_t row,
                     AggregateStates* scratch) const {
    const auto& calls = core_.aggregates();
    if (row + 1 == table->size() && table->fresh()) {
      // The window's first pane: its states become the window's (an Init'ed state
      // merged with x is x).
      table->set_fresh(false);
      return DeserializeStates(calls, bytes, table->states(), row);
    }
    if (scratch->size() == 0) {
      scratch->Grow(1);
    } else {
      scratch->ResetRow(0);
    }
    RETURN_NOT_OK(DeserializeStates(calls, bytes, *scratch, 0));
    for (size_t c = 0; c < calls.size(); ++c) {
      RETURN_NOT_OK(
          calls[c].function->Merge(ectx, table->states().state(row, c), scratch->state(0, c)));
    }
    return Status::OK();
  }

  Status RunPartition(ExecContext& ctx, int p, AggTable& t, const KeyEncoder& encoder,
                      const int64_t* pane_ends, const std::vector<uint32_t>& groups,
                      EpochTimer* timer) {
    EvalContext ectx(ctx.eval);
    const auto& calls = core_.aggregates();
    StatefulMetrics* metrics = context_.metrics.get();
    ASSIGN_OR_RAISE(state::StateStorePtr store,
                    context_.providers[static_cast<size_t>(p)]->GetStore(context_.batch_id));
    const bool complete = context_.mode == StatefulOutputMode::kComplete;
    const bool append = context_.mode == StatefulOutputMode::kAppend;
    const bool filter_late = !complete && context_.late_watermark_ms.has_value();
    const int64_t late = filter_late ? *context_.late_watermark_ms * 1000 : 0;

    // Merge the epoch's panes into state.
    AggregateStates merged(&calls);
    std::string key, value, stored;
    int64_t dropped = 0, updated = 0;
    absl::flat_hash_set<std::string> late_groups;          // (window start, keys) counted late
    std::vector<std::pair<int64_t, std::string>> touched;  // (pane end, other keys)
    for (uint32_t g : groups) {
      const int64_t pane_end = pane_ends[g];
      const int64_t last_window_end = pane_end - S() + W();
      if (filter_late) {
        // Spark counts the late (window, key) groups of the epoch's rows.
        for (int64_t j = 0; j < PanesPerWindow(); ++j) {
          const int64_t wstart = pane_end - S() - j * S();
          if (wstart + W() > late) continue;
          key.clear();
          AppendEventTimePrefix(wstart, &key);
          key.append(encoder.key(g));
          if (late_groups.insert(key).second) ++dropped;
        }
        if (last_window_end <= late) continue;  // every window of the pane is late
      }
      key.clear();
      AppendEventTimePrefix(pane_end, &key);
      key.append(encoder.key(g));
      if (merged.size() == 0) {
        merged.Grow(1);
      } else {
        merged.ResetRow(0);
      }
      ASSIGN_OR_RAISE(bool found, store->Get(key, &stored));
      if (found) RETURN_NOT_OK(DeserializeStates(calls, stored, merged, 0));
      for (size_t c = 0; c < calls.size(); ++c) {
        RETURN_NOT_OK(calls[c].function->Merge(ectx, merged.state(0, c), t.states.state(g, c)));
      }
      value.clear();
      SerializeStates(calls, merged, 0, &value);
      RETURN_NOT_OK(store->Put(key, value));
      ++updated;
      if (context_.mode == StatefulOutputMode::kUpdate) {
        touched.emplace_back(pane_end, std::string(encoder.key(g)));
      }
    }

    WindowTable out(&calls, S(), PanesPerWindow());
    AggregateStates scratch(&calls);
    if (context_.mode == StatefulOutputMode::kUpdate) {
      // Every window holding a changed pane, unless late; merged from state.
      for (const auto& [pane_end, other] : touched) {
        const int64_t pane_start = pane_end - S();
        const uint32_t key_id = out.KeyId(other);
        for (int64_t j = 0; j < PanesPerWindow(); ++j) {
          const int64_t wstart = pane_start - j * S();
          if (filter_late && wstart + W() <= late) continue;
          const uint32_t before = out.size();
          const uint32_t row = out.Row(wstart, key_id);
          if (row < before) continue;  // already merged
          for (int64_t q = 1; q <= PanesPerWindow(); ++q) {
            key.clear();
            AppendEventTimePrefix(wstart + q * S(), &key);
            key.append(other);
            ASSIGN_OR_RAISE(bool found, store->Get(key, &stored));
            if (found) RETURN_NOT_OK(MergeStored(ectx, stored, &out, row, &scratch));
          }
        }
      }
    }

    const int64_t removal_start = StatefulNowNanos();
    int64_t removed = 0;
    if (append && context_.eviction_watermark_ms.has_value()) {
      // The windows ending after the last output and at or before the watermark.
      const int64_t wm = *context_.eviction_watermark_ms * 1000;
      int64_t emitted = std::numeric_limits<int64_t>::min();
      ASSIGN_OR_RAISE(bool has_emitted, store->Get(EmittedKey(), &stored));
      if (has_emitted && stored.size() == 8) std::memcpy(&emitted, stored.data(), 8);
      if (wm > emitted) {
        Status bad;
        RETURN_NOT_OK(store->Iterate([&](std::string_view k, std::string_view v) {
          std::optional<int64_t> pane_end = DecodeEventTimePrefix(k);
          if (!pane_end.has_value() || *pane_end > wm) return false;
          const std::string_view other = k.substr(kEventTimePrefixBytes);
          std::optional<uint32_t> key_id;  // looked up once for the pane's windows
          for (int64_t j = 0; j < PanesPerWindow(); ++j) {
            const int64_t wstart = *pane_end - S() - j * S();
            const int64_t wend = wstart + W();
            if (wend <= emitted || wend > wm) continue;
            if (!key_id.has_value()) key_id = out.KeyId(other);
            const uint32_t row = out.RowInPaneOrder(wstart, *key_id);
            Status st = MergeStored(ectx, v, &out, row, &scratch);
            if (!st.ok()) {
              bad = st;
              return false;
            }
          }
          return true;
        }));
        RETURN_NOT_OK(bad);
        std::string bytes(8, '\0');
        std::memcpy(bytes.data(), &wm, 8);
        RETURN_NOT_OK(store->Put(EmittedKey(), bytes));
      }
    } else if (complete) {
      Status bad;
      RETURN_NOT_OK(store->Iterate([&](std::string_view k, std::string_view v) {
        std::optional<int64_t> pane_end = DecodeEventTimePrefix(k);
        if (!pane_end.has_value()) return false;
        const uint32_t key_id = out.KeyId(k.substr(kEventTimePrefixBytes));
        for (int64_t j = 0; j < PanesPerWindow(); ++j) {
          const uint32_t row = out.RowInPaneOrder(*pane_end - S() - j * S(), key_id);
          Status st = MergeStored(ectx, v, &out, row, &scratch);
          if (!st.ok()) {
            bad = st;
            return false;
          }
        }
        return true;
      }));
      RETURN_NOT_OK(bad);
    }
    if (!complete && context_.eviction_watermark_ms.has_value()) {
      // Panes whose last window has ended.
      const int64_t limit = *context_.eviction_watermark_ms * 1000 + S() - W();
      std::vector<std::string> gone;
      RETURN_NOT_OK(store->Iterate([&](std::string_view k, std::string_view) {
        std::optional<int64_t> pane_end = DecodeEventTimePrefix(k);
        if (!pane_end.has_value() || *pane_end > limit) return false;
        gone.emplace_back(k);
        return true;
      }));
      for (const std::string& k : gone) RETURN_NOT_OK(store->Remove(k));
      removed = static_cast<int64_t>(gone.size());
      if (metrics != nullptr) {
        int64_t behind = 0;
        RETURN_NOT_OK(store->Iterate([&](std::string_view k, std::string_view) {
          std::optional<int64_t> pane_end = DecodeEventTimePrefix(k);
          if (!pane_end.has_value() || *pane_end > limit) return false;
          ++behind;
          return true;
        }));
        metrics->num_keys_behind_watermark.fetch_add(behind);
      }
    }
    timer->AddRemoval(StatefulNowNanos() - removal_start);
    RETURN_NOT_OK(Emit(ectx, out, &outputs_[static_cast<size_t>(p)]));

    state::StateStoreMetrics sm = store->metrics();
    ASSIGN_OR_RAISE(bool bookkeeping, store->Get(EmittedKey(), &stored));
    if (bookkeeping) sm.num_keys -= 1;  // not a row of state
    const int64_t commit_start = StatefulNowNanos();
    RETURN_NOT_OK(store->Commit().status());
    timer->AddCommit(StatefulNowNanos() - commit_start);
    AddPartitionMetrics(metrics, sm, updated, removed, dropped);
    return Status::OK();
  }

  Status Emit(EvalContext& ectx, WindowTable& table, std::vector<Batch>* out) const {
    const uint32_t total = table.size();
    for (uint32_t begin = 0; begin < total; begin += static_cast<uint32_t>(kDefaultBatchRows)) {
      const uint32_t end = std::min(total, begin + static_cast<uint32_t>(kDefaultBatchRows));
      std::vector<std::string_view> keys;
      for (uint32_t r = begin; r < end; ++r) keys.push_back(table.other(r));
      std::vector<ColumnPtr> others;
      RETURN_NOT_OK(DecodeKeys(keys, other_types_, &others));
      StructBuilder window(window_type_);
      auto* starts = static_cast<PrimitiveBuilder<int64_t>*>(window.field_builder(0));
      auto* ends = static_cast<PrimitiveBuilder<int64_t>*>(window.field_builder(1));
      std::vector<uint32_t> rows;
      for (uint32_t r = begin; r < end; ++r) {
        window.Append();
        starts->Append(table.start(r));
        ends->Append(table.start(r) + W());
        rows.push_back(r);
      }
      std::vector<ColumnPtr> cols;
      size_t next_other = 0;
      for (size_t g = 0; g < other_types_.size() + 1; ++g) {
        if (static_cast<int>(g) == panes_.window_group) {
          cols.push_back(window.Finish());
        } else {
          cols.push_back(others[next_other++]);
        }
      }
      RETURN_NOT_OK(core_.FinalizeStates(ectx, table.states(), rows, &cols));
      ASSIGN_OR_RAISE(Batch b, Batch::Make(schema(), std::move(cols)));
      out->push_back(std::move(b));
    }
    return Status::OK();
  }

  AggregationCore core_;
  PaneSpec panes_;
  StatefulContext context_;
  std::vector<DataType> other_types_;
  DataType window_type_;
  std::vector<std::vector<Batch>> outputs_;
  bool prepared_ = false;
};

}  // namespace

PhysicalOperatorPtr MakeStatefulPanedAggregate(PhysicalOperatorPtr child,
                                               std::vector<ExprPtr> groups,
                                               std::vector<AggregateCall> aggregates,
                                               SchemaPtr schema, PaneSpec panes,
                                               StatefulContext context) {
  return std::make_shared<StatefulPanedAggregateOp>(std::move(child), std::move(groups),
                                                    std::move(aggregates), std::move(schema), panes,
                                                    std::move(context));
}

}  // namespace weir::exec

// Streaming aggregation over a StateStore per partition (see stateful.h).
//
// State layout, per group: key = [8-byte event-time prefix, when the operator has an
// event-time key] ++ the group key in GroupTable's KeyEncoder encoding; value = for
// every aggregate a fixed32 length and the state's Serialize bytes. The prefix is
// the event time (a timestamp, or a window's end) as a big-endian integer with its
// sign bit flipped, 0xff.. for NULL, so the store's key order is event-time order and
// eviction reads only the keys it removes (plus one).
//
// Prepare does all the work of the epoch: AggregationCore builds this epoch's groups
// in the state partitions; then, per partition in parallel, each group is merged
// with its stored state (stored first: stored (+) new), written back, and kept for
// output as the mode says (a group with no stored state is written and output from
// this epoch's state itself: one Get and one Put per group, no Merge); eviction and Complete's full
// scan read the store. The store is committed before Prepare returns. Execute streams the
// partition's output.

#include <algorithm>
#include <chrono>
#include <cstring>

#include "weir/exec/exec_internal.h"
#include "weir/exec/hash_aggregate_internal.h"
#include "weir/exec/state_codec.h"
#include "weir/exec/stateful.h"
#include "weir/exec/stateful_internal.h"

namespace weir::exec {

void StatefulMetrics::Reset() {
  for (std::atomic<int64_t>* c :
       {&num_rows_total, &num_rows_updated, &num_rows_removed, &num_rows_dropped_by_watermark,
        &memory_used_bytes, &all_updates_time_ns, &all_removals_time_ns, &commit_time_ns,
        &num_state_store_instances, &num_keys_behind_watermark}) {
    c->store(0, std::memory_order_relaxed);
  }
}

std::optional<int64_t> EventTimeOf(const Column& column, int64_t row, bool window_struct) {
  if (column.IsNull(row)) return std::nullopt;
  if (!window_struct) return column.values<int64_t>()[row];
  const Column& end = *column.child(1);
  if (end.IsNull(row)) return std::nullopt;
  return end.values<int64_t>()[row];
}

namespace {

// Passes the on-time rows of its child through and puts the late ones (event time,
// the latest of the key's event-time columns, at or before `late_micros`) into
// `late`, counting them; NULL event times are never late.
class LateRowSplitOp final : public PhysicalOperator {
 public:
  LateRowSplitOp(PhysicalOperatorPtr child, std::vector<ExprPtr> groups, EventTimeKey key,
                 int64_t late_micros, std::shared_ptr<LateRows> late,
                 std::shared_ptr<StatefulMetrics> metrics)
      : PhysicalOperator(child->schema(), {child}),
        groups_(std::move(groups)),
        key_(std::move(key)),
        late_micros_(late_micros),
        late_(std::move(late)),
        metrics_(std::move(metrics)) {}

  int num_partitions() const override { return children()[0]->num_partitions(); }

  Result<BatchStreamPtr> Execute(ExecContext& ctx, int partition) override {
    ASSIGN_OR_RAISE(BatchStreamPtr inner, children()[0]->Execute(ctx, partition));
    return BatchStreamPtr(std::make_unique<Stream>(this, ctx, std::move(inner)));
  }

  std::string Describe() const override { return "LateRowSplit"; }

 private:
  class Stream final : public BatchStream {
   public:
    Stream(LateRowSplitOp* op, ExecContext& ctx, BatchStreamPtr inner)
        : op_(op), ctx_(ctx), inner_(std::move(inner)) {}
    Result<bool> Next(Batch* out) override {
      while (true) {
        ASSIGN_OR_RAISE(bool more, inner_->Next(out));
        if (!more) return false;
        ASSIGN_OR_RAISE(bool any, op_->Split(ctx_, out));
        if (any) return true;
      }
    }

   private:
    LateRowSplitOp* op_;
    ExecContext& ctx_;
    BatchStreamPtr inner_;
  };

  // Moves the late rows of *batch to late_; false when none is left.
  Result<bool> Split(ExecContext& ctx, Batch* batch) const {
    EvalContext ectx(ctx.eval);
    std::vector<std::pair<int, bool>> columns{{key_.index, key_.window_struct}};
    columns.insert(columns.end(), key_.more.begin(), key_.more.end());
    std::vector<ColumnPtr> times;
    const RowSet rows = RowSet::Of(*batch);
    for (const auto& [index, window] : columns) {
      ASSIGN_OR_RAISE(Datum d, groups_[static_cast<size_t>(index)]->Eval(ectx, *batch, rows));
      times.push_back(d.Materialize(batch->physical_rows()));
    }
    std::vector<uint32_t> keep, late;
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      const int64_t i = batch->RowIndex(r);
      std::optional<int64_t> et;
      for (size_t c = 0; c < columns.size(); ++c) {
        std::optional<int64_t> v = EventTimeOf(*times[c], i, columns[c].second);
        if (v.has_value() && (!et.has_value() || *v > *et)) et = v;
      }
      (et.has_value() && *et <= late_micros_ ? late : keep).push_back(static_cast<uint32_t>(i));
    }
    if (late.empty()) return batch->num_rows() > 0;
    std::vector<ColumnPtr> cols(batch->columns().begin(), batch->columns().end());
    ASSIGN_OR_RAISE(Batch routed,
                    Batch::Make(batch->schema(), cols,
                                std::make_shared<const SelectionVector>(std::move(late))));
    if (metrics_ != nullptr) metrics_->num_rows_dropped_by_watermark.fetch_add(routed.num_rows());
    late_->Add(std::move(routed));
    if (keep.empty()) return false;
    ASSIGN_OR_RAISE(*batch, Batch::Make(batch->schema(), std::move(cols),
                                        std::make_shared<const SelectionVector>(std::move(keep))));
    return true;
  }

  std::vector<ExprPtr> groups_;
  EventTimeKey key_;
  int64_t late_micros_;
  std::shared_ptr<LateRows> late_;
  std::shared_ptr<StatefulMetrics> metrics_;
};

// Output of one partition: stored (key, value) pairs to decode, or groups of this
// epoch's merged table.
struct PartitionOutput {
  std::vector<Batch> batches;
};

class StatefulAggregateOp final : public PhysicalOperator {
 public:
  StatefulAggregateOp(PhysicalOperatorPtr child, std::vector<ExprPtr> groups,
                      std::vector<AggregateCall> aggregates, SchemaPtr schema,
                      EventTimeKey event_time, StatefulContext context)
      : PhysicalOperator(std::move(schema), {std::move(child)}),
        core_(std::move(groups), std::move(aggregates), static_cast<int>(context.providers.size())),
        event_time_(event_time),
        context_(std::move(context)) {}

  int num_partitions() const override { return core_.partitions(); }

  Status Prepare(ExecContext& ctx) override {
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    if (context_.providers.size() != static_cast<size_t>(core_.partitions())) {
      return Status::Internal("stateful aggregate: " + std::to_string(context_.providers.size()) +
                              " state partitions for " + std::to_string(core_.partitions()) +
                              " output partitions");
    }
    EpochTimer timer;
    PhysicalOperatorPtr input = children()[0];
    if (RoutesLateRows()) {
      input = std::make_shared<LateRowSplitOp>(input, core_.groups(), event_time_,
                                               *context_.late_watermark_ms * 1000,
                                               context_.late_rows, context_.metrics);
    }
    if (context_.metrics != nullptr) {
      core_.ExpectGroups(context_.metrics->last_epoch_groups.load(std::memory_order_relaxed));
    }
    RETURN_NOT_OK(core_.Build(*input, ctx));
    if (context_.metrics != nullptr) {
      int64_t groups = 0;
      for (const auto& t : core_.tables()) groups += t->groups.num_groups();
      context_.metrics->last_epoch_groups.store(groups, std::memory_order_relaxed);
    }
    outputs_.assign(static_cast<size_t>(core_.partitions()), PartitionOutput{});
    TaskGroup group(ctx.pool);
    for (int p = 0; p < core_.partitions(); ++p) {
      group.Spawn([this, &ctx, p, &timer]() { return RunPartition(ctx, p, &timer); });
    }
    RETURN_NOT_OK(group.Wait());
    timer.Report(context_.metrics.get());
    prepared_ = true;
    return Status::OK();
  }

  Result<BatchStreamPtr> Execute(ExecContext&, int p) override {
    if (!prepared_) return Status::Internal("StatefulAggregate executed before Prepare");
    auto batches = std::make_shared<const std::vector<Batch>>(
        std::move(outputs_[static_cast<size_t>(p)].batches));
    return BatchStreamPtr(std::make_unique<VectorStream>(std::move(batches)));
  }

  std::string Describe() const override {
    const std::string fns = core_.AggregateList();
    static const char* const kModes[] = {"Append", "Update", "Complete"};
    return "StatefulAggregate(keys=[" + ExprList(core_.groups()) + "], functions=[" + fns +
           "], operator=" + std::to_string(context_.operator_id) +
           ", mode=" + kModes[static_cast<int>(context_.mode)] + ")";
  }

 private:
  bool HasEventTime() const { return event_time_.index >= 0; }
  bool RoutesLateRows() const {
    return context_.late_rows != nullptr && HasEventTime() && !core_.groups().empty() &&
           context_.mode != StatefulOutputMode::kComplete && context_.late_watermark_ms.has_value();
  }

  // The key's event time (µs), from the prefix of a stored key.
  static std::optional<int64_t> PrefixTime(std::string_view key) {
    return DecodeEventTimePrefix(key);
  }

  Status RunPartition(ExecContext& ctx, int p, EpochTimer* timer) {
    EvalContext ectx(ctx.eval);
    StatefulMetrics* metrics = context_.metrics.get();
    const auto& calls = core_.aggregates();
    ASSIGN_OR_RAISE(state::StateStorePtr store,
                    context_.providers[static_cast<size_t>(p)]->GetStore(context_.batch_id));
    AggTable& t = *core_.tables()[static_cast<size_t>(p)];
    const bool global = core_.groups().empty();
    const uint32_t n = global ? 1 : t.groups.num_groups();

    // The keys of this epoch's groups.
    std::vector<uint32_t> ids(n);
    for (uint32_t g = 0; g < n; ++g) ids[g] = g;
    std::vector<ColumnPtr> key_cols;
    if (!global) {
      ASSIGN_OR_RAISE(key_cols, t.groups.KeyColumns(ids));
    }
    KeyEncoder encoder;
    if (!global) {
      std::vector<Datum> datums;
      for (const ColumnPtr& c : key_cols) datums.push_back(Datum::Flat(c));
      encoder.Encode(datums, RowSet(n));
    }
    const Column* et_col = HasEventTime() && !global
                               ? key_cols[static_cast<size_t>(event_time_.index)].get()
                               : nullptr;
    // The key's event time: the latest of its event-time columns.
    auto event_time_of = [&](uint32_t g) -> std::optional<int64_t> {
      std::optional<int64_t> et = EventTimeOf(*et_col, g, event_time_.window_struct);
      for (const auto& [index, window] : event_time_.more) {
        std::optional<int64_t> v = EventTimeOf(*key_cols[static_cast<size_t>(index)], g, window);
        if (v.has_value() && (!et.has_value() || *v > *et)) et = v;
      }
      return et;
    };
    const bool filter_late = context_.mode != StatefulOutputMode::kComplete && et_col != nullptr &&
                             context_.late_watermark_ms.has_value();
    const int64_t late_micros = filter_late ? *context_.late_watermark_ms * 1000 : 0;

    // stored (+) new, for the groups the store already holds. A group it does not
    // hold is output and stored from its state in `t` as it is (Init (+) x == x),
    // which spares a state, a Merge and a Destroy per new group.
    AggregateStates merged(&calls);
    std::vector<uint32_t> updated;         // groups to output (Update mode)
    std::vector<const uint8_t*> out_rows;  // their state rows, in `merged` or `t`
    std::string key, value, stored;
    size_t last_size = 0;  // of the last serialized state row
    int64_t dropped = 0, num_updated = 0;
    store->ReserveKeys(n);  // at most n groups are new
    // The store is told each key kPrefetchAhead groups early: looking a key up in a
    // large table misses the cache, and the misses of several keys then overlap.
    constexpr uint32_t kPrefetchAhead = 8;
    std::string ahead;
    auto prefetch = [&](uint32_t g) {
      if (global) return;
      if (!HasEventTime()) {
        store->Prefetch(encoder.key(g));
        return;
      }
      ahead.clear();
      AppendEventTimePrefix(et_col != nullptr ? event_time_of(g) : std::nullopt, &ahead);
      ahead.append(encoder.key(g));
      store->Prefetch(ahead);
    };
    for (uint32_t g = 0; g < std::min(n, kPrefetchAhead); ++g) prefetch(g);
    for (uint32_t g = 0; g < n; ++g) {
      if (g + kPrefetchAhead < n) prefetch(g + kPrefetchAhead);
      std::optional<int64_t> et;
      if (et_col != nullptr) et = event_time_of(g);
      if (filter_late && et.has_value() && *et <= late_micros) {
        ++dropped;
        continue;
      }
      key.clear();
      if (HasEventTime()) AppendEventTimePrefix(et, &key);
      if (!global) key.append(encoder.key(g));
      ASSIGN_OR_RAISE(bool found, store->Get(key, &stored));
      const uint8_t* row = t.states.row(g);
      if (found) {
        const uint32_t m = merged.size();
        merged.Grow(m + 1);
        RETURN_NOT_OK(DeserializeStates(calls, stored, merged, m));
        for (size_t a = 0; a < calls.size(); ++a) {
          RETURN_NOT_OK(calls[a].function->Merge(ectx, merged.state(m, a), t.states.state(g, a)));
        }
        row = merged.row(m);
      }
      value.clear();
      // Sized like the previous row's, so that it is not grown by doubling (rows of
      // one query are mostly of about one size).
      if (value.capacity() < last_size) value.reserve(last_size + last_size / 8);
      SerializeStateRow(calls, t.states, row, &value);
      last_size = value.size();
      // The buffer goes to the store as it is, unless it is far larger than the
      // bytes (grown by doubling): the store then keeps a copy of their size.
      if (value.capacity() <= value.size() + value.size() / 4 + 32) {
        RETURN_NOT_OK(store->PutSwap(key, &value));
      } else {
        RETURN_NOT_OK(store->Put(key, value));
      }
      ++num_updated;
      if (context_.mode == StatefulOutputMode::kUpdate) {
        updated.push_back(g);
        out_rows.push_back(row);
      }
    }
    PartitionOutput& out = outputs_[static_cast<size_t>(p)];
    if (context_.mode == StatefulOutputMode::kUpdate && !updated.empty()) {
      RETURN_NOT_OK(EmitGroups(ectx, key_cols, t.states, updated, out_rows, &out));
    }

    // Eviction (Append: with output), or Complete's full output.
    std::vector<std::string> out_keys, out_values;
    const int64_t removal_start = StatefulNowNanos();
    int64_t removed = 0;
    if (context_.mode != StatefulOutputMode::kComplete && HasEventTime() &&
        context_.eviction_watermark_ms.has_value()) {
      const int64_t wm = *context_.eviction_watermark_ms * 1000;
      std::vector<std::string> evict;
      const bool append = context_.mode == StatefulOutputMode::kAppend;
      RETURN_NOT_OK(store->Iterate([&](std::string_view k, std::string_view v) {
        std::optional<int64_t> kt = PrefixTime(k);
        if (!kt.has_value() || *kt > wm) return false;  // key order is event-time order
        evict.emplace_back(k);
        if (append) out_values.emplace_back(v);
        return true;
      }));
      for (const std::string& k : evict) RETURN_NOT_OK(store->Remove(k));
      removed = static_cast<int64_t>(evict.size());
      if (append) out_keys = std::move(evict);
      // What should be gone now is (a check that state stays bounded).
      int64_t behind = 0;
      RETURN_NOT_OK(store->Iterate([&](std::string_view k, std::string_view) {
        std::optional<int64_t> kt = PrefixTime(k);
        if (!kt.has_value() || *kt > wm) return false;
        ++behind;
        return true;
      }));
      if (metrics != nullptr) metrics->num_keys_behind_watermark.fetch_add(behind);
    } else if (context_.mode == StatefulOutputMode::kComplete) {
      RETURN_NOT_OK(store->Iterate([&](std::string_view k, std::string_view v) {
        out_keys.emplace_back(k);
        out_values.emplace_back(v);
        return true;
      }));
    }
    if (!out_keys.empty()) RETURN_NOT_OK(EmitStored(ectx, out_keys, out_values, &out));
    const int64_t removal_ns = StatefulNowNanos() - removal_start;

    const state::StateStoreMetrics sm = store->metrics();
    const int64_t commit_start = StatefulNowNanos();
    ASSIGN_OR_RAISE(int64_t version, store->Commit());
    (void)version;
    timer->AddCommit(StatefulNowNanos() - commit_start);
    timer->AddRemoval(removal_ns);
    AddPartitionMetrics(metrics, sm, num_updated, removed, dropped);
    return Status::OK();
  }

  // Output rows for groups `rows`, keys from `key_cols` (same rows), states from
  // `state_rows` (one state row per group, laid out as `layout`'s).
  Status EmitGroups(EvalContext& ectx, const std::vector<ColumnPtr>& key_cols,
                    const AggregateStates& layout, const std::vector<uint32_t>& rows,
                    const std::vector<const uint8_t*>& state_rows, PartitionOutput* out) const {
    for (size_t begin = 0; begin < rows.size(); begin += kDefaultBatchRows) {
      const size_t end = std::min(rows.size(), begin + static_cast<size_t>(kDefaultBatchRows));
      std::vector<uint32_t> part(rows.begin() + static_cast<std::ptrdiff_t>(begin),
                                 rows.begin() + static_cast<std::ptrdiff_t>(end));
      std::vector<const uint8_t*> part_rows(state_rows.begin() + static_cast<std::ptrdiff_t>(begin),
                                            state_rows.begin() + static_cast<std::ptrdiff_t>(end));
      std::vector<ColumnPtr> cols;
      if (!key_cols.empty()) {
        for (const ColumnPtr& c : key_cols) {
          cols.push_back(c->Take(part.data(), static_cast<int64_t>(part.size())));
        }
      }
      RETURN_NOT_OK(core_.FinalizeStateRows(ectx, layout, part_rows, &cols));
      ASSIGN_OR_RAISE(Batch b, MakeOutput(std::move(cols), static_cast<int64_t>(part.size())));
      out->batches.push_back(std::move(b));
    }
    return Status::OK();
  }

  // Output rows for stored entries.
  Status EmitStored(EvalContext& ectx, const std::vector<std::string>& keys,
                    const std::vector<std::string>& values, PartitionOutput* out) const {
    const auto& calls = core_.aggregates();
    const size_t prefix = HasEventTime() ? kEventTimePrefixBytes : 0;
    for (size_t begin = 0; begin < keys.size(); begin += kDefaultBatchRows) {
      const size_t end = std::min(keys.size(), begin + static_cast<size_t>(kDefaultBatchRows));
      const auto count = static_cast<uint32_t>(end - begin);
      std::vector<ColumnPtr> cols;
      if (!core_.groups().empty()) {
        std::vector<std::string_view> encoded;
        for (size_t i = begin; i < end; ++i) {
          if (keys[i].size() < prefix) return Status::Corruption("stateful aggregate: short key");
          encoded.push_back(std::string_view(keys[i]).substr(prefix));
        }
        RETURN_NOT_OK(DecodeKeys(encoded, core_.key_types(), &cols));
      }
      AggregateStates states(&calls);
      states.Grow(count);
      std::vector<uint32_t> rows(count);
      for (uint32_t i = 0; i < count; ++i) {
        rows[i] = i;
        RETURN_NOT_OK(DeserializeStates(calls, values[begin + i], states, i));
      }
      RETURN_NOT_OK(core_.FinalizeStates(ectx, states, rows, &cols));
      ASSIGN_OR_RAISE(Batch b, MakeOutput(std::move(cols), count));
      out->batches.push_back(std::move(b));
    }
    return Status::OK();
  }

  Result<Batch> MakeOutput(std::vector<ColumnPtr> cols, int64_t rows) const {
    if (schema()->num_fields() == 0) return Batch::MakeRowsOnly(rows);
    return Batch::Make(schema(), std::move(cols));
  }

  AggregationCore core_;
  EventTimeKey event_time_;
  StatefulContext context_;
  std::vector<PartitionOutput> outputs_;
  bool prepared_ = false;
};

}  // namespace

PhysicalOperatorPtr MakeStatefulAggregate(PhysicalOperatorPtr child, std::vector<ExprPtr> groups,
                                          std::vector<AggregateCall> aggregates, SchemaPtr schema,
                                          EventTimeKey event_time, StatefulContext context) {
  return std::make_shared<StatefulAggregateOp>(std::move(child), std::move(groups),
                                               std::move(aggregates), std::move(schema), event_time,
                                               std::move(context));
}

}  // namespace weir::exec

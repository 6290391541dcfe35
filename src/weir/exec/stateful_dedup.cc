// Streaming deduplication over a StateStore per partition (see stateful.h), Spark's
// StreamingDeduplicateExec and StreamingDeduplicateWithinWatermarkExec.
//
// State layout, per key seen: key = [8-byte event-time prefix of the evicting key
// column, when the operator evicts by one] ++ the key columns in GroupTable's
// KeyEncoder encoding; value = empty, or for dropDuplicatesWithinWatermark the
// key's expiry time (the event time of its first row + the watermark delay) as an
// 8-byte prefix. Prefixes are state_codec.h's order-preserving encoding, so the
// store's key order is event-time order and eviction by the key's event time reads
// only the keys it removes (plus one); expiry times sit in values, so
// within-watermark eviction scans the partition's state, as Spark's does.
//
// Prepare does all the work of the epoch: the input is hash-partitioned on the keys
// (an exchange below), then per partition in parallel, each row is checked against
// the store (and the rows of its own epoch before it), kept or dropped, and the new
// keys are put; eviction follows and the store is committed before Prepare returns.
// Execute streams the partition's kept rows.

#include <chrono>

#include "weir/exec/exec_internal.h"
#include "weir/exec/group_table.h"
#include "weir/exec/operators.h"
#include "weir/exec/state_codec.h"
#include "weir/exec/stateful.h"
#include "weir/exec/stateful_internal.h"

namespace weir::exec {

namespace {

PhysicalOperatorPtr PartitionByKeys(PhysicalOperatorPtr child, const std::vector<int>& keys,
                                    int partitions) {
  if (keys.empty()) return MakeGather(std::move(child));
  std::vector<ExprPtr> exprs;
  for (int k : keys) exprs.push_back(ColumnRef(*child->schema(), k));
  return MakeHashExchange(std::move(child), std::move(exprs), partitions);
}

// What one partition did in the epoch.
struct PartitionCounts {
  int64_t updated = 0;
  int64_t removed = 0;
  int64_t dropped = 0;
  int64_t behind = 0;
};

class StatefulDeduplicateOp final : public PhysicalOperator {
 public:
  StatefulDeduplicateOp(PhysicalOperatorPtr child, DeduplicateSpec spec, StatefulContext context)
      : PhysicalOperator(
            child->schema(),
            {PartitionByKeys(child, spec.keys, static_cast<int>(context.providers.size()))}),
        spec_(std::move(spec)),
        context_(std::move(context)) {}

  int num_partitions() const override { return static_cast<int>(context_.providers.size()); }

  Status Prepare(ExecContext& ctx) override {
    if (context_.providers.empty()) return Status::Internal("stateful deduplicate: no state");
    if (spec_.within_watermark && spec_.event_time.index < 0) {
      return Status::Internal("stateful deduplicate: within the watermark without event time");
    }
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    EpochTimer timer;
    outputs_.assign(context_.providers.size(), {});
    TaskGroup group(ctx.pool);
    for (int p = 0; p < num_partitions(); ++p) {
      group.Spawn([this, &ctx, p, &timer]() { return RunPartition(ctx, p, &timer); });
    }
    RETURN_NOT_OK(group.Wait());
    timer.Report(context_.metrics.get());
    prepared_ = true;
    return Status::OK();
  }

  Result<BatchStreamPtr> Execute(ExecContext&, int p) override {
    if (!prepared_) return Status::Internal("StatefulDeduplicate executed before Prepare");
    auto batches =
        std::make_shared<const std::vector<Batch>>(std::move(outputs_[static_cast<size_t>(p)]));
    return BatchStreamPtr(std::make_unique<VectorStream>(std::move(batches)));
  }

  std::string Describe() const override {
    std::string names;
    for (size_t i = 0; i < spec_.keys.size(); ++i) {
      names += (i > 0 ? ", " : "") + schema()->field(spec_.keys[i]).name;
    }
    return std::string(spec_.within_watermark ? "StreamingDeduplicateWithinWatermark"
                                              : "StreamingDeduplicate") +
           "(keys=[" + names + "], operator=" + std::to_string(context_.operator_id) + ")";
  }

 private:
  bool EvictsByKey() const { return spec_.evict_by.index >= 0; }

  Status RunPartition(ExecContext& ctx, int p, EpochTimer* timer) {
    ASSIGN_OR_RAISE(state::StateStorePtr store,
                    context_.providers[static_cast<size_t>(p)]->GetStore(context_.batch_id));
    PartitionCounts counts;
    ASSIGN_OR_RAISE(BatchStreamPtr input, children()[0]->Execute(ctx, p));
    KeyEncoder encoder;
    for (;;) {
      RETURN_NOT_OK(CheckCancelled(ctx));
      Batch b;
      ASSIGN_OR_RAISE(bool more, input->Next(&b));
      if (!more) break;
      RETURN_NOT_OK(Consume(*store, b, &encoder, &counts, &outputs_[static_cast<size_t>(p)]));
    }
    const int64_t removal_start = StatefulNowNanos();
    RETURN_NOT_OK(Evict(*store, &counts));
    timer->AddRemoval(StatefulNowNanos() - removal_start);

    const state::StateStoreMetrics sm = store->metrics();
    const int64_t commit_start = StatefulNowNanos();
    RETURN_NOT_OK(store->Commit().status());
    timer->AddCommit(StatefulNowNanos() - commit_start);
    StatefulMetrics* metrics = context_.metrics.get();
    AddPartitionMetrics(metrics, sm, counts.updated, counts.removed, counts.dropped);
    if (metrics != nullptr) metrics->num_keys_behind_watermark.fetch_add(counts.behind);
    return Status::OK();
  }

  // Keeps the rows of `b` that are not late and whose key is new; puts their keys.
  Status Consume(state::StateStore& store, const Batch& b, KeyEncoder* encoder,
                 PartitionCounts* counts, std::vector<Batch>* out) const {
    const RowSet rows = RowSet::Of(b);
    std::vector<Datum> keys;
    for (int k : spec_.keys) keys.push_back(Datum::Flat(b.column(k)));
    encoder->Encode(keys, rows);
    const Column* late_col = spec_.event_time.index >= 0 && context_.late_watermark_ms.has_value()
                                 ? b.column(spec_.event_time.index).get()
                                 : nullptr;
    const int64_t late_micros = late_col != nullptr ? *context_.late_watermark_ms * 1000 : 0;
    const Column* evict_col =
        EvictsByKey() ? b.column(spec_.keys[static_cast<size_t>(spec_.evict_by.index)]).get()
                      : nullptr;
    const Column* time_col =
        spec_.within_watermark ? b.column(spec_.event_time.index).get() : nullptr;

    std::vector<uint32_t> keep;  // logical rows of b
    std::string key, stored, value;
    Status status;
    int64_t pos = 0;  // the logical row, and the encoder's key index
    rows.ForEach([&](int64_t i) {
      const int64_t logical = pos++;
      if (!status.ok()) return;
      if (late_col != nullptr) {
        std::optional<int64_t> et = EventTimeOf(*late_col, i, spec_.event_time.window_struct);
        if (et.has_value() && *et <= late_micros) {
          ++counts->dropped;
          return;
        }
      }
      key.clear();
      if (evict_col != nullptr) {
        AppendEventTimePrefix(EventTimeOf(*evict_col, i, spec_.evict_by.window_struct), &key);
      }
      key.append(encoder->key(logical));
      Result<bool> found = store.Get(key, &stored);
      if (!found.ok() || *found) {
        status = found.status();
        return;
      }
      value.clear();
      if (time_col != nullptr) {
        // Spark reads a NULL event time as 0 here (UnsafeRow.getLong of a null field).
        const int64_t et =
            EventTimeOf(*time_col, i, spec_.event_time.window_struct).value_or(int64_t{0});
        AppendEventTimePrefix(et + spec_.delay_micros, &value);
      }
      status = store.Put(key, value);
      ++counts->updated;
      keep.push_back(static_cast<uint32_t>(logical));
    });
    RETURN_NOT_OK(status);
    if (keep.empty()) return Status::OK();
    if (static_cast<int64_t>(keep.size()) == b.num_rows()) {
      out->push_back(b);
    } else if (b.num_columns() == 0) {
      out->push_back(Batch::MakeRowsOnly(static_cast<int64_t>(keep.size())));
    } else {
      out->push_back(b.Select(SelectionVector(std::move(keep))));
    }
    return Status::OK();
  }

  // Removes the keys the eviction watermark has passed, then counts those still in
  // state that it should have removed (none, unless state leaks).
  Status Evict(state::StateStore& store, PartitionCounts* counts) const {
    if (!context_.eviction_watermark_ms.has_value()) return Status::OK();
    const int64_t wm = *context_.eviction_watermark_ms * 1000;
    // Whether the entry is due: its key's event time (the store's order: stop at the
    // first one that is not), or its expiry, is at or before the watermark.
    std::function<Status(const std::function<bool(std::string_view)>&)> scan;
    if (EvictsByKey()) {
      scan = [&](const std::function<bool(std::string_view)>& due) {
        return store.Iterate([&](std::string_view k, std::string_view) {
          std::optional<int64_t> t = DecodeEventTimePrefix(k);
          if (!t.has_value() || *t > wm) return false;
          return due(k);
        });
      };
    } else if (spec_.within_watermark) {
      scan = [&](const std::function<bool(std::string_view)>& due) {
        return store.Iterate([&](std::string_view k, std::string_view v) {
          std::optional<int64_t> expires = DecodeEventTimePrefix(v);
          if (expires.has_value() && *expires <= wm) return due(k);
          return true;
        });
      };
    } else {
      return Status::OK();  // nothing bounds the state
    }
    std::vector<std::string> evict;
    RETURN_NOT_OK(scan([&](std::string_view k) {
      evict.emplace_back(k);
      return true;
    }));
    for (const std::string& k : evict) RETURN_NOT_OK(store.Remove(k));
    counts->removed += static_cast<int64_t>(evict.size());
    return scan([&](std::string_view) {
      ++counts->behind;
      return true;
    });
  }

  DeduplicateSpec spec_;
  StatefulContext context_;
  std::vector<std::vector<Batch>> outputs_;
  bool prepared_ = false;
};

}  // namespace

PhysicalOperatorPtr MakeStatefulDeduplicate(PhysicalOperatorPtr child, DeduplicateSpec spec,
                                            StatefulContext context) {
  return std::make_shared<StatefulDeduplicateOp>(std::move(child), std::move(spec),
                                                 std::move(context));
}

}  // namespace weir::exec

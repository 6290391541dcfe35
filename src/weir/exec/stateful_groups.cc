// The streaming [flat]mapGroupsWithState operator (Spark's FlatMapGroupsWithStateExec
// with state format 2), over one StateStore per state partition.
//
// State layout, per partition:
//   0x00 ++ key               -> timeout (fixed64 little-endian ms, -1: none)
//                                ++ 1 byte (1: the state exists)
//                                ++ the state's bytes
//   0x01 ++ timeout ++ key    -> "" (the timeout index: the 8-byte order-preserving
//                                prefix of state_codec.h, so a scan from the start
//                                visits keys in timeout order and stops at the first
//                                that is not due)
//   0x02                      -> fixed64: the number of 0x00 entries (numRowsTotal)
// where `key` is the group key in GroupTable's KeyEncoder encoding. A key has an
// index entry exactly when its timeout is set. A key whose state was removed while
// the call set a timeout keeps an entry without state until then (as Spark).
//
// Prepare does the epoch's work: the child (a hash exchange on the keys into the
// state partitions) is drained, and per partition, in parallel: late rows are dropped
// (EventTimeTimeout only), every key with rows is called (in the order keys first
// appear), then every key whose timeout is before the threshold (the batch timestamp,
// or the eviction watermark) is called with no rows; each call's state changes are
// written as Spark's callFunctionAndUpdateState writes them; the store is committed.
// Execute streams a partition's output.

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>

#include "weir/exec/exec_internal.h"
#include "weir/exec/groups_with_state_internal.h"
#include "weir/exec/operators.h"
#include "weir/exec/state_codec.h"

namespace weir::exec {

namespace {

constexpr char kStateSpace = '\x00';
constexpr char kTimeoutSpace = '\x01';
constexpr std::string_view kCountKey("\x02", 1);

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void PutFixed64(int64_t v, std::string* out) {
  char b[8];
  std::memcpy(b, &v, 8);
  out->append(b, 8);
}

int64_t GetFixed64(std::string_view in) {
  int64_t v;
  std::memcpy(&v, in.data(), 8);
  return v;
}

// A key's stored entry.
struct Stored {
  bool found = false;
  int64_t timeout_ms = kNoTimestamp;
  std::optional<std::string_view> state;  // into `buffer`
  std::string buffer;
};

Status Load(state::StateStore& store, const std::string& key, Stored* out) {
  out->state.reset();
  out->timeout_ms = kNoTimestamp;
  ASSIGN_OR_RAISE(out->found, store.Get(key, &out->buffer));
  if (!out->found) return Status::OK();
  if (out->buffer.size() < 9) return Status::Corruption("[flat]mapGroupsWithState: short state");
  out->timeout_ms = GetFixed64(out->buffer);
  if (out->buffer[8] != 0) out->state = std::string_view(out->buffer).substr(9);
  return Status::OK();
}

std::string TimeoutKey(int64_t timeout_ms, std::string_view key) {
  std::string k(1, kTimeoutSpace);
  AppendEventTimePrefix(timeout_ms, &k);
  k.append(key);
  return k;
}

// The counters of one partition's epoch.
struct PartitionCounters {
  int64_t rows = 0;  // state rows (0x00 entries)
  int64_t updated = 0;
  int64_t removed = 0;
  int64_t dropped = 0;
};

class StatefulGroupsWithStateOp final : public PhysicalOperator {
 public:
  StatefulGroupsWithStateOp(PhysicalOperatorPtr exchange,
                            std::shared_ptr<const GroupsWithStateSpec> spec, SchemaPtr schema,
                            GroupsWithStateContext context)
      : PhysicalOperator(std::move(schema), {std::move(exchange)}),
        spec_(std::move(spec)),
        context_(std::move(context)) {}

  int num_partitions() const override {
    return static_cast<int>(context_.stateful.providers.size());
  }

  Status Prepare(ExecContext& ctx) override {
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    const int parts = num_partitions();
    if (children()[0]->num_partitions() != parts) {
      return Status::Internal(
          "[flat]mapGroupsWithState: " + std::to_string(parts) + " state partitions for " +
          std::to_string(children()[0]->num_partitions()) + " input partitions");
    }
    if (context_.next_timeout_ms != nullptr) {
      context_.next_timeout_ms->store(std::numeric_limits<int64_t>::max());
    }
    const int64_t start = NowNanos();
    outputs_.assign(static_cast<size_t>(parts), {});
    TaskGroup group(ctx.pool);
    for (int p = 0; p < parts; ++p) {
      group.Spawn([this, &ctx, p]() { return RunPartition(ctx, p); });
    }
    RETURN_NOT_OK(group.Wait());
    if (StatefulMetrics* m = context_.stateful.metrics.get()) {
      m->all_updates_time_ns.fetch_add(NowNanos() - start - timeout_ns_.load() - commit_ns_.load());
      m->all_removals_time_ns.fetch_add(timeout_ns_.load());
      m->commit_time_ns.fetch_add(commit_ns_.load());
    }
    prepared_ = true;
    return Status::OK();
  }

  Result<BatchStreamPtr> Execute(ExecContext&, int p) override {
    if (!prepared_) return Status::Internal("[flat]mapGroupsWithState executed before Prepare");
    auto batches =
        std::make_shared<const std::vector<Batch>>(std::move(outputs_[static_cast<size_t>(p)]));
    return BatchStreamPtr(std::make_unique<VectorStream>(std::move(batches)));
  }

  std::string Describe() const override {
    return std::string(spec_->is_map ? "MapGroupsWithState" : "FlatMapGroupsWithState") +
           "(keys=[" + ExprList(spec_->keys) + "], " +
           std::string(GroupStateTimeoutName(spec_->timeout)) +
           ", operator=" + std::to_string(context_.stateful.operator_id) + ")";
  }

 private:
  // Drops the input rows at or before the late watermark (EventTimeTimeout only, as
  // Spark's FlatMapGroupsWithStateExec); returns how many.
  int64_t DropLateRows(std::vector<Batch>* input) const {
    const EventTimeKey& column = context_.late_column;
    if (spec_->timeout != GroupStateTimeout::kEventTimeTimeout || column.index < 0 ||
        !context_.stateful.late_watermark_ms.has_value()) {
      return 0;
    }
    const int64_t late_micros = *context_.stateful.late_watermark_ms * 1000;
    int64_t dropped = 0;
    for (Batch& b : *input) {
      const Column& et = *b.column(column.index);
      std::vector<uint32_t> keep;
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        std::optional<int64_t> t = EventTimeOf(et, b.RowIndex(r), column.window_struct);
        if (t.has_value() && *t <= late_micros) {
          ++dropped;
        } else {
          keep.push_back(static_cast<uint32_t>(r));
        }
      }
      if (static_cast<int64_t>(keep.size()) != b.num_rows()) {
        b = b.Select(SelectionVector(std::move(keep)));
      }
    }
    return dropped;
  }

  // Writes a call's effect on `key`'s state (Spark's onIteratorCompletion in
  // FlatMapGroupsWithStateExec.callFunctionAndUpdateState).
  Status Apply(state::StateStore& store, const std::string& key, const Stored& before,
               const GroupStateCore& state, PartitionCounters* counters) const {
    const std::string_view raw_key = std::string_view(key).substr(1);
    const int64_t timeout = state.timeout_timestamp_ms();
    if (state.removed() && timeout == kNoTimestamp) {
      if (before.found) {
        RETURN_NOT_OK(store.Remove(key));
        if (before.timeout_ms != kNoTimestamp) {
          RETURN_NOT_OK(store.Remove(TimeoutKey(before.timeout_ms, raw_key)));
        }
        --counters->rows;
      }
      ++counters->removed;  // Spark counts the call, state or not
      return Status::OK();
    }
    const bool timeout_changed = timeout != before.timeout_ms;
    if (!state.updated() && !state.removed() && !timeout_changed) return Status::OK();
    std::string value;
    PutFixed64(timeout, &value);
    value.push_back(state.exists() ? 1 : 0);
    if (state.exists()) value.append(state.bytes());
    RETURN_NOT_OK(store.Put(key, value));
    if (!before.found) ++counters->rows;
    if (timeout_changed) {
      if (before.timeout_ms != kNoTimestamp) {
        RETURN_NOT_OK(store.Remove(TimeoutKey(before.timeout_ms, raw_key)));
      }
      if (timeout != kNoTimestamp) RETURN_NOT_OK(store.Put(TimeoutKey(timeout, raw_key), ""));
    }
    ++counters->updated;
    return Status::OK();
  }

  // The keys (encoded, without the space byte) whose timeout is before `threshold_ms`,
  // with their timeouts, in timeout order.
  static Status DueTimeouts(state::StateStore& store, int64_t threshold_ms,
                            std::vector<std::pair<int64_t, std::string>>* due) {
    Status error;
    RETURN_NOT_OK(store.PrefixScan(
        std::string_view(&kTimeoutSpace, 1), [&](std::string_view k, std::string_view) {
          std::optional<int64_t> t = DecodeEventTimePrefix(k.substr(1));
          if (!t.has_value()) {
            error = Status::Corruption("[flat]mapGroupsWithState: bad timeout entry");
            return false;
          }
          if (*t >= threshold_ms) return false;
          due->emplace_back(*t, std::string(k.substr(9)));
          return true;
        }));
    return error;
  }

  // The earliest timeout in the store, or INT64_MAX.
  static Status FirstTimeout(state::StateStore& store, int64_t* first) {
    *first = std::numeric_limits<int64_t>::max();
    return store.PrefixScan(
        std::string_view(&kTimeoutSpace, 1), [&](std::string_view k, std::string_view) {
          *first = DecodeEventTimePrefix(k.substr(1)).value_or(std::numeric_limits<int64_t>::max());
          return false;
        });
  }

  Status RunPartition(ExecContext& ctx, int p) {
    const StatefulContext& sc = context_.stateful;
    ASSIGN_OR_RAISE(state::StateStorePtr store,
                    sc.providers[static_cast<size_t>(p)]->GetStore(sc.batch_id));
    PartitionCounters counters;
    std::string count_value;
    ASSIGN_OR_RAISE(bool counted, store->Get(kCountKey, &count_value));
    if (counted && count_value.size() == 8) counters.rows = GetFixed64(count_value);

    GroupStateEnv env;
    env.timeout = spec_->timeout;
    env.batch_timestamp_ms = context_.batch_timestamp_ms;
    env.watermark_ms = sc.eviction_watermark_ms.value_or(kNoTimestamp);
    env.watermark_present = context_.watermark_present;
    GroupStateCore state(&env);
    GroupOutput out(schema());
    std::vector<Batch>& batches = outputs_[static_cast<size_t>(p)];
    RETURN_NOT_OK(RunKeysWithRows(ctx, p, *store, &state, &out, &batches, &counters));

    // Keys whose timeout passed (after the keys with rows, as Spark's
    // processTimedOutState, so that their new timeouts count).
    const int64_t timeout_start = NowNanos();
    std::optional<int64_t> threshold;
    if (spec_->timeout == GroupStateTimeout::kProcessingTimeTimeout) {
      threshold = context_.batch_timestamp_ms;
    } else if (spec_->timeout == GroupStateTimeout::kEventTimeTimeout) {
      threshold = sc.eviction_watermark_ms;
    }
    if (threshold.has_value()) {
      RETURN_NOT_OK(RunTimeouts(*store, *threshold, &state, &out, &batches, &counters));
    }
    RETURN_NOT_OK(out.Flush(&batches));
    timeout_ns_.fetch_add(NowNanos() - timeout_start);
    return Finish(std::move(store), threshold, counters);
  }

  // Calls the function for every key with rows in partition `p`.
  Status RunKeysWithRows(ExecContext& ctx, int p, state::StateStore& store, GroupStateCore* state,
                         GroupOutput* out, std::vector<Batch>* batches,
                         PartitionCounters* counters) const {
    PhysicalOperator& child = *children()[0];
    ASSIGN_OR_RAISE(std::vector<Batch> input, DrainPartition(child, ctx, p));
    counters->dropped = DropLateRows(&input);
    EvalContext ectx(ctx.eval);
    GroupedPartition groups;
    RETURN_NOT_OK(GroupPartition(input, child.schema(), spec_->keys, ectx, &groups));
    input.clear();
    Stored before;
    std::string key;
    for (uint32_t g = 0; g < groups.num_groups(); ++g) {
      key.assign(1, kStateSpace);
      key.append(groups.encoder.key(g));
      RETURN_NOT_OK(Load(store, key, &before));
      state->Begin(before.state, false);
      RETURN_NOT_OK(
          CallGroupsFunction(*spec_->function, groups.Key(g), groups.Rows(g), *state, *out));
      RETURN_NOT_OK(Apply(store, key, before, *state, counters));
      if (out->num_rows() >= kDefaultBatchRows) RETURN_NOT_OK(out->Flush(batches));
    }
    return Status::OK();
  }

  // Publishes the earliest timeout, checks that none is left behind the threshold,
  // commits the store and fills the metrics.
  Status Finish(state::StateStorePtr store, std::optional<int64_t> threshold,
                const PartitionCounters& counters) {
    int64_t first = std::numeric_limits<int64_t>::max();
    RETURN_NOT_OK(FirstTimeout(*store, &first));
    if (context_.next_timeout_ms != nullptr) {
      int64_t seen = context_.next_timeout_ms->load();
      while (first < seen && !context_.next_timeout_ms->compare_exchange_weak(seen, first)) {
      }
    }
    // A timeout before the threshold left in state would be a leak (never: every due
    // key was called, and a call cannot set a timeout that is already due).
    int64_t behind = 0;
    if (spec_->timeout == GroupStateTimeout::kEventTimeTimeout && threshold.has_value() &&
        first < *threshold) {
      std::vector<std::pair<int64_t, std::string>> left;
      RETURN_NOT_OK(DueTimeouts(*store, *threshold, &left));
      behind = static_cast<int64_t>(left.size());
    }
    std::string count;
    PutFixed64(counters.rows, &count);
    RETURN_NOT_OK(store->Put(kCountKey, count));

    const state::StateStoreMetrics sm = store->metrics();
    const int64_t commit_start = NowNanos();
    RETURN_NOT_OK(store->Commit().status());
    commit_ns_.fetch_add(NowNanos() - commit_start);
    if (StatefulMetrics* m = context_.stateful.metrics.get()) {
      m->num_rows_total.fetch_add(counters.rows);
      m->num_rows_updated.fetch_add(counters.updated);
      m->num_rows_removed.fetch_add(counters.removed);
      m->num_rows_dropped_by_watermark.fetch_add(counters.dropped);
      m->memory_used_bytes.fetch_add(sm.memory_used_bytes);
      m->num_state_store_instances.fetch_add(1);
      m->num_keys_behind_watermark.fetch_add(behind);
    }
    return Status::OK();
  }

  Status RunTimeouts(state::StateStore& store, int64_t threshold_ms, GroupStateCore* state,
                     GroupOutput* out, std::vector<Batch>* batches,
                     PartitionCounters* counters) const {
    std::vector<std::pair<int64_t, std::string>> due;
    RETURN_NOT_OK(DueTimeouts(store, threshold_ms, &due));
    if (due.empty()) return Status::OK();
    std::vector<std::string_view> encoded;
    for (const auto& [t, k] : due) encoded.emplace_back(k);
    std::vector<DataType> key_types;
    for (const ExprPtr& e : spec_->keys) key_types.push_back(e->type());
    std::vector<ColumnPtr> key_columns;
    RETURN_NOT_OK(DecodeKeys(encoded, key_types, &key_columns));
    const Batch no_rows = Batch::MakeEmpty(children()[0]->schema());
    const GroupRows empty(&no_rows, 0, 0);
    Stored before;
    std::string key;
    for (size_t i = 0; i < due.size(); ++i) {
      key.assign(1, kStateSpace);
      key.append(due[i].second);
      RETURN_NOT_OK(Load(store, key, &before));
      if (!before.found || before.timeout_ms != due[i].first) {
        // An index entry its key no longer has (never written so; tolerated).
        RETURN_NOT_OK(store.Remove(TimeoutKey(due[i].first, due[i].second)));
        continue;
      }
      std::vector<Value> values;
      for (const ColumnPtr& c : key_columns)
        values.push_back(GetValue(*c, static_cast<int64_t>(i)));
      state->Begin(before.state, true);
      RETURN_NOT_OK(CallGroupsFunction(*spec_->function, values, empty, *state, *out));
      RETURN_NOT_OK(Apply(store, key, before, *state, counters));
      if (out->num_rows() >= kDefaultBatchRows) RETURN_NOT_OK(out->Flush(batches));
    }
    return Status::OK();
  }

  std::shared_ptr<const GroupsWithStateSpec> spec_;
  GroupsWithStateContext context_;
  std::vector<std::vector<Batch>> outputs_;
  std::atomic<int64_t> timeout_ns_{0};
  std::atomic<int64_t> commit_ns_{0};
  bool prepared_ = false;
};

}  // namespace

PhysicalOperatorPtr MakeStatefulGroupsWithState(PhysicalOperatorPtr child,
                                                std::shared_ptr<const GroupsWithStateSpec> spec,
                                                SchemaPtr schema, GroupsWithStateContext context) {
  const int partitions = static_cast<int>(context.stateful.providers.size());
  PhysicalOperatorPtr exchange = MakeHashExchange(std::move(child), spec->keys, partitions);
  return std::make_shared<StatefulGroupsWithStateOp>(std::move(exchange), std::move(spec),
                                                     std::move(schema), std::move(context));
}

}  // namespace weir::exec

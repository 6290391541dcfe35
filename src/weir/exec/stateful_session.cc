// Streaming session window aggregation (Spark's SessionWindowStateStoreRestoreExec /
// SaveExec, see stateful.h).
//
// State layout, per session: key = the other group keys in KeyEncoder bytes (a
// self-delimiting encoding, so one key's sessions are exactly a PrefixScan of its
// bytes) ++ the session's start as an order-preserving 8-byte prefix (state_codec.h);
// value = the session's end (8 bytes, little-endian) ++ the aggregate states
// (SerializeStates). A key's sessions in state never overlap or touch.
//
// An epoch aggregates its rows by (key, initial session [ts, ts + gap)) with the
// shared AggregationCore, sends each key to the state partition of its hash, and
// there merges the key's new sessions with its stored ones in start order: a session
// that starts at or before the end so far joins it (the batch operator's rule,
// Spark's MergingSessionsIterator), its states merged in start order. Merged
// sessions that contain new rows replace the stored sessions they absorbed. Output:
// Update, the sessions the epoch changed; Append, the sessions whose end is at or
// before the eviction watermark (removed with their output; Update removes them
// silently); Complete, every session. New sessions that end at or before the late
// watermark are dropped and counted.

#include <algorithm>
#include <chrono>
#include <cstring>

#include "weir/exec/exec_internal.h"
#include "weir/exec/hash_aggregate_internal.h"
#include "weir/exec/state_codec.h"
#include "weir/exec/stateful.h"
#include "weir/exec/stateful_internal.h"

namespace weir::exec {

namespace {

void PutFixed64(int64_t v, std::string* out) {
  char b[8];
  std::memcpy(b, &v, 8);
  out->append(b, 8);
}

// One session being assembled for a key: its bounds, and where its states come from.
struct Piece {
  int64_t start;
  int64_t end;
  int stored = -1;     // index into the key's stored sessions, or -1
  uint32_t group = 0;  // this epoch's group (when stored < 0)
};

struct StoredSession {
  std::string key;  // the full state key
  int64_t start;
  int64_t end;
  std::string states;  // serialized aggregate states
};

// One output row of a partition: the other keys (encoded), the session, and its
// aggregate states (a row of the partition's output table).
struct OutputRow {
  std::string key;
  int64_t start;
  int64_t end;
  uint32_t states_row;
};

class StatefulSessionAggregateOp final : public PhysicalOperator {
 public:
  StatefulSessionAggregateOp(PhysicalOperatorPtr child, std::vector<ExprPtr> groups,
                             int session_group, std::vector<AggregateCall> aggregates,
                             SchemaPtr schema, StatefulContext context)
      : PhysicalOperator(std::move(schema), {std::move(child)}),
        core_(groups, aggregates, 1),
        session_group_(session_group),
        context_(std::move(context)) {
    for (size_t i = 0; i < groups.size(); ++i) {
      if (static_cast<int>(i) != session_group_) other_types_.push_back(groups[i]->type());
    }
    session_type_ = groups[static_cast<size_t>(session_group_)]->type();
  }

  int num_partitions() const override { return static_cast<int>(context_.providers.size()); }

  Status Prepare(ExecContext& ctx) override {
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    if (context_.providers.empty()) return Status::Internal("session aggregate without state");
    EpochTimer timer;
    RETURN_NOT_OK(core_.Build(*children()[0], ctx));
    AggTable& t = *core_.tables()[0];
    const int parts = num_partitions();
    ASSIGN_OR_RAISE(GroupsByOtherKeys split, SplitByOtherKeys(t, session_group_, parts));
    const Column& session = *split.key_columns[static_cast<size_t>(session_group_)];
    const int64_t* starts = session.child(0)->values<int64_t>();
    const int64_t* ends = session.child(1)->values<int64_t>();
    outputs_.assign(static_cast<size_t>(parts), {});
    TaskGroup group(ctx.pool);
    for (int p = 0; p < parts; ++p) {
      group.Spawn([&, p]() -> Status {
        return RunPartition(ctx, p, t, split.others, starts, ends,
                            split.by_partition[static_cast<size_t>(p)], &timer);
      });
    }
    RETURN_NOT_OK(group.Wait());
    timer.Report(context_.metrics.get());
    prepared_ = true;
    return Status::OK();
  }

  Result<BatchStreamPtr> Execute(ExecContext&, int p) override {
    if (!prepared_) return Status::Internal("StatefulSessionAggregate executed before Prepare");
    auto batches =
        std::make_shared<const std::vector<Batch>>(std::move(outputs_[static_cast<size_t>(p)]));
    return BatchStreamPtr(std::make_unique<VectorStream>(std::move(batches)));
  }

  std::string Describe() const override {
    const std::string fns = core_.AggregateList();
    return "StatefulSessionWindowAggregate(keys=[" + ExprList(core_.groups()) +
           "], session=" + std::to_string(session_group_) + ", functions=[" + fns +
           "], operator=" + std::to_string(context_.operator_id) + ")";
  }

 private:
  static int64_t ReadFixed64(std::string_view in) {
    int64_t v;
    std::memcpy(&v, in.data(), 8);
    return v;
  }

  Status RunPartition(ExecContext& ctx, int p, AggTable& t, const KeyEncoder& encoder,
                      const int64_t* starts, const int64_t* ends,
                      const std::vector<uint32_t>& groups, EpochTimer* timer) {
    EvalContext ectx(ctx.eval);
    const auto& calls = core_.aggregates();
    StatefulMetrics* metrics = context_.metrics.get();
    ASSIGN_OR_RAISE(state::StateStorePtr store,
                    context_.providers[static_cast<size_t>(p)]->GetStore(context_.batch_id));
    const bool complete = context_.mode == StatefulOutputMode::kComplete;
    const bool filter_late = !complete && context_.late_watermark_ms.has_value();
    const int64_t late = filter_late ? *context_.late_watermark_ms * 1000 : 0;

    // This epoch's sessions, grouped by key (the encoded other keys).
    std::vector<uint32_t> sorted = groups;
    std::sort(sorted.begin(), sorted.end(), [&](uint32_t a, uint32_t b) {
      const int c = encoder.key(a).compare(encoder.key(b));
      return c != 0 ? c < 0 : starts[a] < starts[b];
    });
    AggregateStates out_states(&calls);  // one row per output row
    AggregateStates restored(&calls);    // scratch: one stored session's states
    std::vector<OutputRow> out_rows;
    int64_t dropped = 0, updated = 0, removed = 0;
    std::string state_key, value;
    std::vector<StoredSession> stored;
    std::vector<Piece> pieces;
    for (size_t i = 0; i < sorted.size();) {
      const std::string_view key = encoder.key(sorted[i]);
      size_t j = i;
      pieces.clear();
      while (j < sorted.size() && encoder.key(sorted[j]) == key) {
        const uint32_t g = sorted[j++];
        if (filter_late && ends[g] <= late) {
          ++dropped;
          continue;
        }
        pieces.push_back(Piece{starts[g], ends[g], -1, g});
      }
      i = j;
      if (pieces.empty()) continue;
      stored.clear();
      RETURN_NOT_OK(store->PrefixScan(key, [&](std::string_view k, std::string_view v) {
        if (k.size() != key.size() + kEventTimePrefixBytes || v.size() < 8) return true;
        StoredSession s;
        s.key.assign(k);
        s.start = DecodeEventTimePrefix(k.substr(key.size())).value_or(0);
        s.end = ReadFixed64(v);
        s.states.assign(v.substr(8));
        stored.push_back(std::move(s));
        return true;
      }));
      for (size_t s = 0; s < stored.size(); ++s) {
        pieces.push_back(Piece{stored[s].start, stored[s].end, static_cast<int>(s), 0});
      }
      std::stable_sort(pieces.begin(), pieces.end(),
                       [](const Piece& a, const Piece& b) { return a.start < b.start; });
      // Sweep: merge pieces that start at or before the end so far.
      for (size_t a = 0; a < pieces.size();) {
        size_t b = a + 1;
        int64_t end = pieces[a].end;
        bool fresh = pieces[a].stored < 0;
        while (b < pieces.size() && pieces[b].start <= end) {
          end = std::max(end, pieces[b].end);
          fresh = fresh || pieces[b].stored < 0;
          ++b;
        }
        if (fresh) {
          const uint32_t row = out_states.size();
          out_states.Grow(row + 1);
          for (size_t x = a; x < b; ++x) {
            const Piece& piece = pieces[x];
            if (piece.stored >= 0) {
              if (restored.size() == 0) {
                restored.Grow(1);
              } else {
                restored.ResetRow(0);
              }
              RETURN_NOT_OK(DeserializeStates(
                  calls, stored[static_cast<size_t>(piece.stored)].states, restored, 0));
              for (size_t c = 0; c < calls.size(); ++c) {
                RETURN_NOT_OK(
                    calls[c].function->Merge(ectx, out_states.state(row, c), restored.state(0, c)));
              }
              RETURN_NOT_OK(store->Remove(stored[static_cast<size_t>(piece.stored)].key));
            } else {
              for (size_t c = 0; c < calls.size(); ++c) {
                RETURN_NOT_OK(calls[c].function->Merge(ectx, out_states.state(row, c),
                                                       t.states.state(piece.group, c)));
              }
            }
          }
          state_key.assign(key);
          AppendEventTimePrefix(pieces[a].start, &state_key);
          value.clear();
          PutFixed64(end, &value);
          SerializeStates(calls, out_states, row, &value);
          RETURN_NOT_OK(store->Put(state_key, value));
          ++updated;
          out_rows.push_back(OutputRow{std::string(key), pieces[a].start, end, row});
        }
        a = b;
      }
    }
    std::vector<OutputRow> emit;
    if (context_.mode == StatefulOutputMode::kUpdate) emit = out_rows;

    // Eviction (Append: with output) or Complete's whole state.
    const int64_t removal_start = StatefulNowNanos();
    const bool evict = !complete && context_.eviction_watermark_ms.has_value();
    const int64_t wm = evict ? *context_.eviction_watermark_ms * 1000 : 0;
    AggregateStates stored_states(&calls);
    if (evict || complete) {
      std::vector<std::string> gone;
      const bool append = context_.mode == StatefulOutputMode::kAppend;
      Status bad;
      RETURN_NOT_OK(store->Iterate([&](std::string_view k, std::string_view v) {
        if (k.size() < kEventTimePrefixBytes || v.size() < 8) return true;
        const int64_t end = ReadFixed64(v);
        const bool expired = evict && end <= wm;
        if (expired) gone.emplace_back(k);
        if (complete || (append && expired)) {
          const uint32_t row = stored_states.size();
          stored_states.Grow(row + 1);
          Status st = DeserializeStates(calls, v.substr(8), stored_states, row);
          if (!st.ok()) {
            bad = st;
            return false;
          }
          const std::string_view other = k.substr(0, k.size() - kEventTimePrefixBytes);
          emit.push_back(OutputRow{std::string(other),
                                   DecodeEventTimePrefix(k.substr(other.size())).value_or(0), end,
                                   row | kStoredRow});
        }
        return true;
      }));
      RETURN_NOT_OK(bad);
      for (const std::string& k : gone) RETURN_NOT_OK(store->Remove(k));
      removed = static_cast<int64_t>(gone.size());
      if (evict && metrics != nullptr) {
        int64_t behind = 0;
        RETURN_NOT_OK(store->Iterate([&](std::string_view, std::string_view v) {
          if (v.size() >= 8 && ReadFixed64(v) <= wm) ++behind;
          return true;
        }));
        metrics->num_keys_behind_watermark.fetch_add(behind);
      }
    }
    timer->AddRemoval(StatefulNowNanos() - removal_start);
    RETURN_NOT_OK(Emit(ectx, emit, out_states, stored_states, &outputs_[static_cast<size_t>(p)]));

    const state::StateStoreMetrics sm = store->metrics();
    const int64_t commit_start = StatefulNowNanos();
    RETURN_NOT_OK(store->Commit().status());
    timer->AddCommit(StatefulNowNanos() - commit_start);
    AddPartitionMetrics(metrics, sm, updated, removed, dropped);
    return Status::OK();
  }

  // Rows whose states_row has kStoredRow set index `stored`, the others `fresh`.
  static constexpr uint32_t kStoredRow = 0x80000000u;

  Status Emit(EvalContext& ectx, const std::vector<OutputRow>& rows, const AggregateStates& fresh,
              const AggregateStates& stored, std::vector<Batch>* out) const {
    const auto& calls = core_.aggregates();
    for (size_t begin = 0; begin < rows.size(); begin += kDefaultBatchRows) {
      const size_t end = std::min(rows.size(), begin + static_cast<size_t>(kDefaultBatchRows));
      std::vector<std::string_view> keys;
      for (size_t i = begin; i < end; ++i) keys.push_back(rows[i].key);
      std::vector<ColumnPtr> others;
      RETURN_NOT_OK(DecodeKeys(keys, other_types_, &others));
      StructBuilder session(session_type_);
      auto* starts = static_cast<PrimitiveBuilder<int64_t>*>(session.field_builder(0));
      auto* ends = static_cast<PrimitiveBuilder<int64_t>*>(session.field_builder(1));
      AggregateStates states(&calls);
      states.Grow(static_cast<uint32_t>(end - begin));
      for (size_t i = begin; i < end; ++i) {
        session.Append();
        starts->Append(rows[i].start);
        ends->Append(rows[i].end);
        const bool from_store = (rows[i].states_row & kStoredRow) != 0;
        const AggregateStates& src = from_store ? stored : fresh;
        const uint32_t r = rows[i].states_row & ~kStoredRow;
        for (size_t c = 0; c < calls.size(); ++c) {
          RETURN_NOT_OK(calls[c].function->Merge(
              ectx, states.state(static_cast<uint32_t>(i - begin), c), src.state(r, c)));
        }
      }
      std::vector<ColumnPtr> cols;
      size_t next_other = 0;
      const size_t num_groups = other_types_.size() + 1;
      for (size_t g = 0; g < num_groups; ++g) {
        if (static_cast<int>(g) == session_group_) {
          cols.push_back(session.Finish());
        } else {
          cols.push_back(others[next_other++]);
        }
      }
      std::vector<uint32_t> ids(end - begin);
      for (uint32_t i = 0; i < ids.size(); ++i) ids[i] = i;
      RETURN_NOT_OK(core_.FinalizeStates(ectx, states, ids, &cols));
      ASSIGN_OR_RAISE(Batch b, Batch::Make(schema(), std::move(cols)));
      out->push_back(std::move(b));
    }
    return Status::OK();
  }

  AggregationCore core_;
  int session_group_;
  StatefulContext context_;
  std::vector<DataType> other_types_;
  DataType session_type_;
  std::vector<std::vector<Batch>> outputs_;
  bool prepared_ = false;
};

}  // namespace

PhysicalOperatorPtr MakeStatefulSessionAggregate(PhysicalOperatorPtr child,
                                                 std::vector<ExprPtr> groups, int session_group,
                                                 std::vector<AggregateCall> aggregates,
                                                 SchemaPtr schema, StatefulContext context) {
  return std::make_shared<StatefulSessionAggregateOp>(std::move(child), std::move(groups),
                                                      session_group, std::move(aggregates),
                                                      std::move(schema), std::move(context));
}

}  // namespace weir::exec

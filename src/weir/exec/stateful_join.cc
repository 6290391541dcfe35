// Stream-stream join over a StateStore per partition (see stateful.h; the state
// layout is stateful_join_state.h's).
//
// Prepare does the epoch's work. Both inputs go through a hash exchange on their
// keys into the state partitions; then, per partition in parallel, the left rows
// are processed, then the right rows, then eviction, and the store is committed.
// Execute streams the partition's output.
//
// One input batch of one side (PartitionJoin::ProcessBatch) is processed in
// batches, not rows: late rows are dropped by one pass over the event-time
// columns; keys and the side's own filter are evaluated over the whole batch; keys
// are encoded by one KeyEncoder call; each distinct key reads the other side's rows
// once (one prefix scan), and those are decoded into columns once; candidate pairs
// are formed in chunks of kDefaultBatchRows and the residual is evaluated on each
// chunk as one batch. Matched flags of the other side's rows are written back once
// per batch. The rows a side keeps are buffered by JoinState (one block per
// distinct key and epoch) and reach the store when the other side first reads the
// side, at the latest before eviction: a side never reads its own rows, and the
// left side is done before the right one starts, so nothing reads a buffered row.

#include <algorithm>
#include <chrono>
#include <span>

#include <absl/container/flat_hash_map.h>

#include "weir/exec/exec_internal.h"
#include "weir/exec/group_table.h"
#include "weir/exec/operators.h"
#include "weir/exec/state_codec.h"
#include "weir/exec/stateful.h"
#include "weir/exec/stateful_internal.h"
#include "weir/exec/stateful_join_state.h"

namespace weir::exec {

namespace {

class StreamJoinOp;

// The other side's rows that a batch's distinct keys found in state, decoded.
struct Candidates {
  JoinState::Rows rows;
  std::vector<ColumnPtr> columns;  // the rows decoded
  std::vector<uint32_t> start;     // per distinct key: its rows are [start[g], start[g + 1])
};

// One partition's work in one epoch. Not thread-safe: one task.
class PartitionJoin {
 public:
  PartitionJoin(const StreamJoinOp& op, state::StateStore* store, EvalContext& ectx,
                std::vector<Batch>* out);

  JoinState& state() { return state_; }
  Status ProcessBatch(bool left, const Batch& input);
  // Evicts the side's rows at or before its state watermark; an outer side outputs
  // those that never matched, with NULLs for the other side.
  Status Evict(bool left);
  // Rows at or before the side's state watermark still in state.
  Result<int64_t> CountBehind(bool left);

  int64_t dropped = 0;
  int64_t updated = 0;
  int64_t removed = 0;

 private:
  // The rows of `b` that are not late.
  std::vector<uint32_t> NotLate(bool left, const Batch& b);
  // Splits `rows` into those that may match (*probe) and those that never can: they
  // fail the side's own filter, have a NULL key (not compared with <=>) or a NULL
  // value-time column. An outer side outputs the latter at once.
  Status SplitMatchable(bool left, const Batch& b, const std::vector<Datum>& keys,
                        const std::vector<uint32_t>& rows, std::vector<uint32_t>* probe);
  // Each probe row's state key: [event time of the time key] ++ the encoded key.
  std::vector<std::string> StateKeys(int64_t n, const std::vector<Datum>& keys,
                                     const std::vector<uint32_t>& probe);
  // The other side's rows for every distinct key; *group_of[k] is probe row k's key.
  Status FindCandidates(bool left, const std::vector<std::string>& keys, Candidates* cands,
                        std::vector<uint32_t>* group_of);
  // Forms the candidate pairs in chunks and processes each (ProbeChunk).
  Status JoinCandidates(bool left, const Batch& b, const std::vector<uint32_t>& probe,
                        const std::vector<uint32_t>& group_of, Candidates* cands,
                        std::vector<uint8_t>* row_matched);
  Status ProbeChunk(bool left, const Batch& b, const std::vector<uint32_t>& probe_idx,
                    const std::vector<uint32_t>& cand_idx, Candidates* cands,
                    std::vector<uint8_t>* row_matched);
  // Stores the batch's probe rows that the side keeps.
  Status StoreRows(bool left, const Batch& b, const std::vector<uint32_t>& probe,
                   const std::vector<std::string>& keys, const std::vector<uint8_t>& row_matched);
  // Output: rows `rows` of `b`'s columns (left semi), a side's rows with NULLs for
  // the other side, or full output columns.
  Status EmitRows(const Batch& b, const std::vector<uint32_t>& rows);
  Status EmitNullJoined(bool left, std::vector<ColumnPtr> own, int64_t rows);
  Status EmitBatch(std::vector<ColumnPtr> cols, int64_t rows);

  const StreamJoinOp& op_;
  EvalContext& ectx_;
  std::vector<Batch>* out_;
  JoinState state_;
  KeyEncoder encoder_;
};

class StreamJoinOp final : public PhysicalOperator {
 public:
  StreamJoinOp(PhysicalOperatorPtr left, PhysicalOperatorPtr right, StreamJoinSpec spec,
               SchemaPtr schema, StatefulContext context)
      : PhysicalOperator(
            std::move(schema),
            {MakeHashExchange(std::move(left), spec.left.keys, Partitions(context)),
             MakeHashExchange(std::move(right), spec.right.keys, Partitions(context))}),
        spec_(std::move(spec)),
        context_(std::move(context)) {
    std::vector<Field> fields = children()[0]->schema()->fields();
    for (const Field& f : children()[1]->schema()->fields()) fields.push_back(f);
    for (Field& f : fields) f.nullable = true;
    pair_schema_ = MakeSchema(std::move(fields));
  }

  int num_partitions() const override { return Partitions(context_); }

  Status Prepare(ExecContext& ctx) override {
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    if (context_.providers.empty()) {
      return Status::Internal("stream-stream join without state partitions");
    }
    EpochTimer timer;
    outputs_.assign(context_.providers.size(), std::vector<Batch>{});
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
    if (!prepared_) return Status::Internal("stream-stream join executed before Prepare");
    auto batches =
        std::make_shared<const std::vector<Batch>>(std::move(outputs_[static_cast<size_t>(p)]));
    return BatchStreamPtr(std::make_unique<VectorStream>(std::move(batches)));
  }

  std::string Describe() const override {
    static const char* const kTypes[] = {"Inner", "LeftOuter", "RightOuter", "FullOuter",
                                         "LeftSemi"};
    std::string out = "StreamingSymmetricHashJoin(" +
                      std::string(kTypes[static_cast<int>(spec_.type)]) + ", keys=[" +
                      ExprList(spec_.left.keys) + "], [" + ExprList(spec_.right.keys) + "]";
    if (spec_.residual) out += ", condition=" + spec_.residual->ToString();
    out += ", operator=" + std::to_string(context_.operator_id);
    for (const StreamJoinSide* s : {&spec_.left, &spec_.right}) {
      out += s == &spec_.left ? ", left state watermark=" : ", right state watermark=";
      out += s->state_watermark_ms.has_value() ? std::to_string(*s->state_watermark_ms) : "none";
    }
    return out + ")";
  }

  const StreamJoinSpec& spec() const { return spec_; }
  const StreamJoinSide& side(bool left) const { return left ? spec_.left : spec_.right; }
  const SchemaPtr& input_schema(bool left) const { return children()[left ? 0 : 1]->schema(); }
  const SchemaPtr& pair_schema() const { return pair_schema_; }
  const StatefulContext& context() const { return context_; }
  bool by_key() const { return spec_.time_key.index >= 0; }
  bool semi() const { return spec_.type == StreamJoinType::kLeftSemi; }
  // Whether unmatched rows of the side are output (with NULLs for the other side).
  bool preserved(bool left) const {
    const StreamJoinType t = spec_.type;
    return t == StreamJoinType::kFullOuter ||
           (left ? t == StreamJoinType::kLeftOuter : t == StreamJoinType::kRightOuter);
  }

 private:
  static int Partitions(const StatefulContext& context) {
    return std::max(1, static_cast<int>(context.providers.size()));
  }

  Status DrainSide(ExecContext& ctx, int p, bool left, PartitionJoin* join) const {
    ASSIGN_OR_RAISE(BatchStreamPtr input, children()[left ? 0 : 1]->Execute(ctx, p));
    Batch b;
    while (true) {
      RETURN_NOT_OK(CheckCancelled(ctx));
      ASSIGN_OR_RAISE(bool more, input->Next(&b));
      if (!more) return Status::OK();
      RETURN_NOT_OK(join->ProcessBatch(left, b));
    }
  }

  Status RunPartition(ExecContext& ctx, int p, EpochTimer* timer) {
    EvalContext ectx(ctx.eval);
    ASSIGN_OR_RAISE(state::StateStorePtr store,
                    context_.providers[static_cast<size_t>(p)]->GetStore(context_.batch_id));
    PartitionJoin join(*this, store.get(), ectx, &outputs_[static_cast<size_t>(p)]);
    RETURN_NOT_OK(join.state().Load());
    RETURN_NOT_OK(DrainSide(ctx, p, true, &join));
    RETURN_NOT_OK(DrainSide(ctx, p, false, &join));

    // Eviction, after all of the epoch's matches; outer rows left before right.
    const int64_t removal_start = StatefulNowNanos();
    RETURN_NOT_OK(join.Evict(true));
    RETURN_NOT_OK(join.Evict(false));
    ASSIGN_OR_RAISE(int64_t behind_left, join.CountBehind(true));
    ASSIGN_OR_RAISE(int64_t behind_right, join.CountBehind(false));
    RETURN_NOT_OK(join.state().Save());
    timer->AddRemoval(StatefulNowNanos() - removal_start);

    const state::StateStoreMetrics sm = store->metrics();
    const int64_t commit_start = StatefulNowNanos();
    ASSIGN_OR_RAISE(int64_t version, store->Commit());
    (void)version;
    timer->AddCommit(StatefulNowNanos() - commit_start);
    if (StatefulMetrics* m = context_.metrics.get()) {
      m->num_rows_total.fetch_add(join.state().rows(true) + join.state().rows(false));
      m->memory_used_bytes.fetch_add(sm.memory_used_bytes);
      m->num_rows_updated.fetch_add(join.updated);
      m->num_rows_removed.fetch_add(join.removed);
      m->num_rows_dropped_by_watermark.fetch_add(join.dropped);
      m->num_keys_behind_watermark.fetch_add(behind_left + behind_right);
      m->num_state_store_instances.fetch_add(1);
    }
    return Status::OK();
  }

  StreamJoinSpec spec_;
  StatefulContext context_;
  SchemaPtr pair_schema_;
  std::vector<std::vector<Batch>> outputs_;
  bool prepared_ = false;
};

// ---- PartitionJoin ----------------------------------------------------------------

PartitionJoin::PartitionJoin(const StreamJoinOp& op, state::StateStore* store, EvalContext& ectx,
                             std::vector<Batch>* out)
    : op_(op),
      ectx_(ectx),
      out_(out),
      state_(store, op.by_key(), op.side(true).value_time_column >= 0,
             op.side(false).value_time_column >= 0) {}

Status PartitionJoin::EmitBatch(std::vector<ColumnPtr> cols, int64_t rows) {
  if (rows == 0) return Status::OK();
  if (op_.schema()->num_fields() == 0) {
    out_->push_back(Batch::MakeRowsOnly(rows));
    return Status::OK();
  }
  ASSIGN_OR_RAISE(Batch b, Batch::Make(op_.schema(), std::move(cols)));
  out_->push_back(std::move(b));
  return Status::OK();
}

Status PartitionJoin::EmitRows(const Batch& b, const std::vector<uint32_t>& rows) {
  std::vector<ColumnPtr> cols;
  for (const ColumnPtr& c : b.columns()) {
    cols.push_back(c->Take(rows.data(), static_cast<int64_t>(rows.size())));
  }
  return EmitBatch(std::move(cols), static_cast<int64_t>(rows.size()));
}

Status PartitionJoin::EmitNullJoined(bool left, std::vector<ColumnPtr> own, int64_t rows) {
  if (rows == 0) return Status::OK();
  std::vector<ColumnPtr> nulls;
  for (const Field& f : op_.input_schema(!left)->fields()) {
    nulls.push_back(Column::MakeAllNull(f.type, rows));
  }
  std::vector<ColumnPtr> cols = left ? std::move(own) : std::move(nulls);
  const std::vector<ColumnPtr>& rest = left ? nulls : own;
  cols.insert(cols.end(), rest.begin(), rest.end());
  return EmitBatch(std::move(cols), rows);
}

Status PartitionJoin::ProcessBatch(bool left, const Batch& input) {
  if (input.num_rows() == 0) return Status::OK();
  const Batch b = input.selection() != nullptr ? input.Compact() : input;
  const std::vector<uint32_t> rows = NotLate(left, b);
  if (rows.empty()) return Status::OK();
  ASSIGN_OR_RAISE(std::vector<Datum> keys, EvalAll(op_.side(left).keys, ectx_, b));
  std::vector<uint32_t> probe;
  RETURN_NOT_OK(SplitMatchable(left, b, keys, rows, &probe));
  if (probe.empty()) return Status::OK();
  const std::vector<std::string> state_keys = StateKeys(b.num_rows(), keys, probe);
  Candidates cands;
  std::vector<uint32_t> group_of;
  RETURN_NOT_OK(FindCandidates(left, state_keys, &cands, &group_of));
  std::vector<uint8_t> row_matched(static_cast<size_t>(b.num_rows()), 0);
  RETURN_NOT_OK(JoinCandidates(left, b, probe, group_of, &cands, &row_matched));
  RETURN_NOT_OK(state_.WriteBack(cands.rows));
  if (op_.semi() && left) {
    // A new left row that matched is output once (and not stored).
    std::vector<uint32_t> hits;
    for (uint32_t r : probe) {
      if (row_matched[r]) hits.push_back(r);
    }
    if (!hits.empty()) RETURN_NOT_OK(EmitRows(b, hits));
  }
  return StoreRows(left, b, probe, state_keys, row_matched);
}

std::vector<uint32_t> PartitionJoin::NotLate(bool left, const Batch& b) {
  const int64_t n = b.num_rows();
  std::vector<uint32_t> rows;
  rows.reserve(static_cast<size_t>(n));
  const EventTimeKey& late = op_.side(left).late;
  const std::optional<int64_t>& wm = op_.context().late_watermark_ms;
  if (late.index < 0 || !wm.has_value()) {
    for (int64_t i = 0; i < n; ++i) rows.push_back(static_cast<uint32_t>(i));
    return rows;
  }
  const Column& first = *b.column(late.index);
  const int64_t limit = *wm * 1000;
  for (int64_t i = 0; i < n; ++i) {
    // The latest of the event-time columns.
    std::optional<int64_t> t = EventTimeOf(first, i, late.window_struct);
    for (const auto& [index, window] : late.more) {
      std::optional<int64_t> v = EventTimeOf(*b.column(index), i, window);
      if (v.has_value() && (!t.has_value() || *v > *t)) t = v;
    }
    if (t.has_value() && *t <= limit) {
      ++dropped;
    } else {
      rows.push_back(static_cast<uint32_t>(i));
    }
  }
  return rows;
}

Status PartitionJoin::SplitMatchable(bool left, const Batch& b, const std::vector<Datum>& keys,
                                     const std::vector<uint32_t>& rows,
                                     std::vector<uint32_t>* probe) {
  const StreamJoinSide& me = op_.side(left);
  std::vector<uint8_t> ok(static_cast<size_t>(b.num_rows()), 1);
  if (me.filter) {
    ASSIGN_OR_RAISE(SelectionVector sel, EvaluateFilter(*me.filter, ectx_, b));
    std::fill(ok.begin(), ok.end(), 0);
    for (uint32_t i : sel.indices()) ok[i] = 1;
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    if (op_.spec().null_safe[k] || keys[k].no_nulls()) continue;
    for (uint32_t r : rows) {
      if (keys[k].IsNull(r)) ok[r] = 0;
    }
  }
  if (me.value_time_column >= 0) {
    const Column& t = *b.column(me.value_time_column);
    for (uint32_t r : rows) {
      if (t.IsNull(r)) ok[r] = 0;
    }
  }
  std::vector<uint32_t> never;
  for (uint32_t r : rows) (ok[r] ? *probe : never).push_back(r);
  if (never.empty() || !op_.preserved(left)) return Status::OK();
  std::vector<ColumnPtr> own;
  for (const ColumnPtr& c : b.columns()) {
    own.push_back(c->Take(never.data(), static_cast<int64_t>(never.size())));
  }
  return EmitNullJoined(left, std::move(own), static_cast<int64_t>(never.size()));
}

std::vector<std::string> PartitionJoin::StateKeys(int64_t n, const std::vector<Datum>& keys,
                                                  const std::vector<uint32_t>& probe) {
  const EventTimeKey& time_key = op_.spec().time_key;
  encoder_.Encode(keys, RowSet(n, probe));
  std::vector<std::string> out(probe.size());
  for (size_t k = 0; k < probe.size(); ++k) {
    if (time_key.index >= 0) {
      const Datum& d = keys[static_cast<size_t>(time_key.index)];
      AppendEventTimePrefix(EventTimeOf(d.col(), d.Index(probe[k]), time_key.window_struct),
                            &out[k]);
    }
    out[k].append(encoder_.key(static_cast<int64_t>(k)));
  }
  return out;
}

Status PartitionJoin::FindCandidates(bool left, const std::vector<std::string>& keys,
                                     Candidates* cands, std::vector<uint32_t>* group_of) {
  group_of->assign(keys.size(), 0);
  if (state_.rows(!left) == 0) {
    cands->start.assign(2, 0);  // nothing to scan for
    return Status::OK();
  }
  absl::flat_hash_map<std::string_view, uint32_t> groups;
  for (size_t k = 0; k < keys.size(); ++k) {
    auto [it, inserted] = groups.try_emplace(keys[k], static_cast<uint32_t>(groups.size()));
    (*group_of)[k] = it->second;
    if (!inserted) continue;
    cands->start.push_back(static_cast<uint32_t>(cands->rows.size()));
    RETURN_NOT_OK(state_.Find(!left, keys[k], &cands->rows));
  }
  cands->start.push_back(static_cast<uint32_t>(cands->rows.size()));
  if (cands->rows.size() == 0) return Status::OK();
  std::vector<std::string_view> values(cands->rows.size());
  for (size_t i = 0; i < values.size(); ++i) values[i] = cands->rows.value(i);
  return DecodeJoinRows(*op_.input_schema(!left), values, &cands->columns);
}

Status PartitionJoin::JoinCandidates(bool left, const Batch& b, const std::vector<uint32_t>& probe,
                                     const std::vector<uint32_t>& group_of, Candidates* cands,
                                     std::vector<uint8_t>* row_matched) {
  // A right row of a left semi join skips left rows matched before (Spark's
  // excludeRowsAlreadyMatched).
  const bool semi_right = op_.semi() && !left;
  std::vector<uint32_t> probe_idx, cand_idx;
  for (size_t k = 0; k < probe.size(); ++k) {
    const uint32_t g = group_of[k];
    for (uint32_t c = cands->start[g]; c < cands->start[g + 1]; ++c) {
      if (semi_right && cands->rows.matched(c)) continue;
      probe_idx.push_back(probe[k]);
      cand_idx.push_back(c);
      if (probe_idx.size() < static_cast<size_t>(kDefaultBatchRows)) continue;
      RETURN_NOT_OK(ProbeChunk(left, b, probe_idx, cand_idx, cands, row_matched));
      probe_idx.clear();
      cand_idx.clear();
    }
  }
  if (probe_idx.empty()) return Status::OK();
  return ProbeChunk(left, b, probe_idx, cand_idx, cands, row_matched);
}

Status PartitionJoin::ProbeChunk(bool left, const Batch& b, const std::vector<uint32_t>& probe_idx,
                                 const std::vector<uint32_t>& cand_idx, Candidates* cands,
                                 std::vector<uint8_t>* row_matched) {
  const auto m = static_cast<int64_t>(probe_idx.size());
  std::vector<ColumnPtr> mine, theirs;
  for (const ColumnPtr& c : b.columns()) mine.push_back(c->Take(probe_idx.data(), m));
  for (const ColumnPtr& c : cands->columns) theirs.push_back(c->Take(cand_idx.data(), m));
  std::vector<ColumnPtr> cols = left ? std::move(mine) : std::move(theirs);
  const std::vector<ColumnPtr>& rest = left ? theirs : mine;
  cols.insert(cols.end(), rest.begin(), rest.end());

  std::vector<uint32_t> pass;  // pairs (positions in the chunk) the residual keeps
  if (const ExprPtr& residual = op_.spec().residual) {
    ASSIGN_OR_RAISE(Batch pairs, Batch::Make(op_.pair_schema(), cols));
    ASSIGN_OR_RAISE(SelectionVector sel, EvaluateFilter(*residual, ectx_, pairs));
    pass = sel.indices();
  } else {
    pass.resize(static_cast<size_t>(m));
    for (uint32_t k = 0; k < static_cast<uint32_t>(m); ++k) pass[k] = k;
  }
  if (op_.semi() && left) {
    for (uint32_t k : pass) (*row_matched)[probe_idx[k]] = 1;
    return Status::OK();
  }
  if (op_.semi()) {
    // A right row outputs the stored left rows it is the first to match.
    std::vector<uint32_t> first;
    for (uint32_t k : pass) {
      const uint32_t c = cand_idx[k];
      if (cands->rows.matched(c)) continue;
      JoinState::SetMatched(&cands->rows, c);
      first.push_back(c);
    }
    if (first.empty()) return Status::OK();
    std::vector<ColumnPtr> out;
    for (const ColumnPtr& c : cands->columns) {
      out.push_back(c->Take(first.data(), static_cast<int64_t>(first.size())));
    }
    return EmitBatch(std::move(out), static_cast<int64_t>(first.size()));
  }
  for (uint32_t k : pass) {
    (*row_matched)[probe_idx[k]] = 1;
    JoinState::SetMatched(&cands->rows, cand_idx[k]);
  }
  if (pass.empty()) return Status::OK();
  const auto kept = static_cast<int64_t>(pass.size());
  if (kept != m) {
    for (ColumnPtr& c : cols) c = c->Take(pass.data(), kept);
  }
  return EmitBatch(std::move(cols), kept);
}

Status PartitionJoin::StoreRows(bool left, const Batch& b, const std::vector<uint32_t>& probe,
                                const std::vector<std::string>& keys,
                                const std::vector<uint8_t>& row_matched) {
  // The left side stores every row (this epoch's right rows have yet to probe
  // them), but a left semi join's matched ones. A right row that its state
  // watermark already evicts is kept only when it is an unmatched outer row, for the
  // eviction that follows to output (Spark's AddingProcessedRowToStateCompletionIterator).
  // The rows kept are stored as one block per distinct key, in first-seen order:
  // grouped by a counting sort, which keeps each key's rows in order.
  const StreamJoinSide& me = op_.side(left);
  const std::optional<int64_t>& wm = me.state_watermark_ms;
  const bool timed = me.value_time_column >= 0;
  std::vector<uint32_t> kept, group;
  std::vector<uint8_t> matched_of;
  std::vector<std::optional<int64_t>> time_of;
  std::vector<std::string_view> block_keys;
  absl::flat_hash_map<std::string_view, uint32_t> block_of;
  for (size_t k = 0; k < probe.size(); ++k) {
    const uint32_t r = probe[k];
    const bool matched = row_matched[r] != 0;
    std::optional<int64_t> value_time;
    if (timed) value_time = EventTimeOf(*b.column(me.value_time_column), r, false);
    if (op_.semi() && left && matched) continue;
    if (!left && wm.has_value()) {
      const std::optional<int64_t> t = op_.by_key() ? DecodeEventTimePrefix(keys[k]) : value_time;
      const bool evicted_now = t.has_value() && *t <= *wm * 1000;
      if (evicted_now && !(op_.preserved(false) && !matched)) continue;
    }
    auto [it, inserted] = block_of.try_emplace(keys[k], static_cast<uint32_t>(block_keys.size()));
    if (inserted) block_keys.push_back(keys[k]);
    kept.push_back(r);
    group.push_back(it->second);
    matched_of.push_back(matched ? 1 : 0);
    if (timed) time_of.push_back(value_time);
    ++updated;
  }
  if (kept.empty()) return Status::OK();
  std::vector<uint32_t> start(block_keys.size() + 1, 0);
  for (uint32_t g : group) ++start[g + 1];
  for (size_t g = 1; g < start.size(); ++g) start[g] += start[g - 1];
  std::vector<uint32_t> rows(kept.size());
  std::vector<uint8_t> matched(kept.size());
  std::vector<std::optional<int64_t>> times(timed ? kept.size() : 0);
  {
    std::vector<uint32_t> next(start.begin(), start.end() - 1);
    for (size_t i = 0; i < kept.size(); ++i) {
      const uint32_t at = next[group[i]]++;
      rows[at] = kept[i];
      matched[at] = matched_of[i];
      if (timed) times[at] = time_of[i];
    }
  }
  for (size_t g = 0; g < block_keys.size(); ++g) {
    const size_t begin = start[g];
    const size_t n = start[g + 1] - begin;
    RETURN_NOT_OK(state_.Append(
        left, block_keys[g], b.columns(), std::span<const uint32_t>(rows.data() + begin, n),
        std::span<const uint8_t>(matched.data() + begin, n),
        timed ? std::span<const std::optional<int64_t>>(times.data() + begin, n)
              : std::span<const std::optional<int64_t>>()));
  }
  return Status::OK();
}

Status PartitionJoin::Evict(bool left) {
  const std::optional<int64_t>& wm = op_.side(left).state_watermark_ms;
  if (!wm.has_value()) return Status::OK();
  const bool emit = op_.preserved(left);
  std::vector<std::string> unmatched;
  ASSIGN_OR_RAISE(int64_t n, state_.Evict(left, *wm * 1000, emit ? &unmatched : nullptr));
  removed += n;
  for (size_t begin = 0; begin < unmatched.size(); begin += kDefaultBatchRows) {
    const size_t end = std::min(unmatched.size(), begin + static_cast<size_t>(kDefaultBatchRows));
    const std::vector<std::string_view> part(unmatched.begin() + static_cast<std::ptrdiff_t>(begin),
                                             unmatched.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<ColumnPtr> own;
    RETURN_NOT_OK(DecodeJoinRows(*op_.input_schema(left), part, &own));
    RETURN_NOT_OK(EmitNullJoined(left, std::move(own), static_cast<int64_t>(part.size())));
  }
  return Status::OK();
}

Result<int64_t> PartitionJoin::CountBehind(bool left) {
  const std::optional<int64_t>& wm = op_.side(left).state_watermark_ms;
  if (!wm.has_value()) return 0;
  return state_.CountBehind(left, *wm * 1000);
}

}  // namespace

PhysicalOperatorPtr MakeStreamStreamJoin(PhysicalOperatorPtr left, PhysicalOperatorPtr right,
                                         StreamJoinSpec spec, SchemaPtr schema,
                                         StatefulContext context) {
  return std::make_shared<StreamJoinOp>(std::move(left), std::move(right), std::move(spec),
                                        std::move(schema), std::move(context));
}

}  // namespace weir::exec

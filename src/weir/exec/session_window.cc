// Session window aggregation: Spark's MergingSessionsExec for a batch query (an
// Aggregate with session_window_group, see plan::AggregateNode).
//
// The planner puts a hash exchange on the groups other than the session struct (a
// gather when there are none) below this operator, so every row of a key is in one
// input partition. Prepare processes the input partitions in parallel: each one is
// concatenated and sorted by (key, session start); walking that order, a row of the
// same key whose start is at most the end of the current session joins it and may
// extend its end (sessions that overlap or touch merge: MergingSessionsIterator's
// `sessionStart <= getSessionEnd(currentSession)`), any other row starts a session.
// Every aggregate is updated per session in that order (so first() / last() follow
// the session's time order, as Spark's sort-based aggregation does) and finalized.
// Output, one row per session: the groups in their order, the session group being
// the merged [first start, max end), then the aggregates.
//
// Rows whose session struct (or its start or end) is NULL form one session of their
// key with a NULL session; the binder's filter removes such rows before, as Spark's.
//
// Thread-safety: the operator contract of operator.h (Prepare's tasks each own one
// input partition and write only its output slot).

#include <algorithm>
#include <memory>
#include <numeric>

#include "weir/exec/aggregate_states.h"
#include "weir/exec/exec_internal.h"
#include "weir/exec/group_table.h"
#include "weir/exec/operators.h"
#include "weir/expr/result_builder.h"
#include "weir/functions/time_window.h"

namespace weir::exec {

namespace {

class SessionWindowAggregateOp final : public PhysicalOperator {
 public:
  SessionWindowAggregateOp(PhysicalOperatorPtr child, std::vector<ExprPtr> groups,
                           int session_group, std::vector<AggregateCall> aggregates,
                           SchemaPtr schema)
      : PhysicalOperator(std::move(schema), {std::move(child)}),
        groups_(std::move(groups)),
        session_group_(session_group),
        aggregates_(std::move(aggregates)) {
    for (size_t j = 0; j < groups_.size(); ++j) {
      if (static_cast<int>(j) == session_group_) continue;
      keys_.push_back(groups_[j]);
      key_types_.push_back(groups_[j]->type());
    }
  }

  int num_partitions() const override { return children()[0]->num_partitions(); }

  Status Prepare(ExecContext& ctx) override {
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    return ProcessWholePartitions(
        *children()[0], ctx, [&](Batch batch) { return Process(ctx, std::move(batch)); },
        &outputs_);
  }

  Result<BatchStreamPtr> Execute(ExecContext&, int p) override {
    if (outputs_.empty()) return Status::Internal("SessionWindowAggregate executed before Prepare");
    return BatchStreamPtr(std::make_unique<VectorStream>(outputs_[static_cast<size_t>(p)]));
  }

  std::string Describe() const override {
    std::string fns;
    for (size_t i = 0; i < aggregates_.size(); ++i) {
      fns += (i > 0 ? ", " : "") + aggregates_[i].ToString();
    }
    return "SessionWindowAggregate(keys=[" + ExprList(keys_) +
           "], session=" + groups_[static_cast<size_t>(session_group_)]->ToString() +
           ", functions=[" + fns + "])";
  }

 private:
  // The output rows of one partition's input (dense).
  Result<Batch> Process(ExecContext& ctx, const Batch& input) const;

  std::vector<ExprPtr> groups_;
  int session_group_;
  std::vector<AggregateCall> aggregates_;
  std::vector<ExprPtr> keys_;  // the groups other than the session
  std::vector<DataType> key_types_;
  std::vector<std::shared_ptr<const std::vector<Batch>>> outputs_;
};

Result<Batch> SessionWindowAggregateOp::Process(ExecContext& ctx, const Batch& input) const {
  EvalContext ectx(ctx.eval);
  const int64_t n = input.num_rows();
  const RowSet all(n);

  // Each row's key id and initial session.
  ASSIGN_OR_RAISE(std::vector<Datum> keys, EvalAll(keys_, ectx, input));
  std::vector<uint32_t> key_of(static_cast<size_t>(n));
  GroupTable table(key_types_);
  table.FindOrInsert(keys, all, key_of.data());
  ASSIGN_OR_RAISE(std::vector<Datum> sessions,
                  EvalAll({groups_[static_cast<size_t>(session_group_)]}, ectx, input));
  const ColumnPtr session = sessions[0].Materialize(n);
  if (!time_window::IsWindowStructType(session->type())) {
    return Status::Internal("a session window group of type " + session->type().ToDdl());
  }
  const Column& starts = *session->child(0);
  const Column& ends = *session->child(1);
  auto is_null = [&](int64_t i) {
    return session->IsNull(i) || starts.IsNull(i) || ends.IsNull(i);
  };
  auto start_of = [&](int64_t i) { return starts.values<int64_t>()[i]; };
  auto end_of = [&](int64_t i) { return ends.values<int64_t>()[i]; };

  // Sort by (key, NULL session first, start).
  std::vector<uint32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (key_of[a] != key_of[b]) return key_of[a] < key_of[b];
    const bool na = is_null(a), nb = is_null(b);
    if (na != nb) return na;
    if (na) return a < b;
    if (start_of(a) != start_of(b)) return start_of(a) < start_of(b);
    return a < b;
  });

  // Cut into sessions (over the sorted order).
  std::vector<uint32_t> session_of(static_cast<size_t>(n));
  std::vector<uint32_t> first_row;  // per session: its first input row
  std::vector<int64_t> session_start, session_end;
  std::vector<bool> session_null;
  for (int64_t k = 0; k < n; ++k) {
    const uint32_t i = order[static_cast<size_t>(k)];
    const bool null = is_null(i);
    bool joins = false;
    if (k > 0) {
      const uint32_t prev = order[static_cast<size_t>(k - 1)];
      joins = key_of[prev] == key_of[i] && session_null.back() == null &&
              (null || start_of(i) <= session_end.back());
    }
    if (joins) {
      if (!null) session_end.back() = std::max(session_end.back(), end_of(i));
    } else {
      first_row.push_back(i);
      session_start.push_back(null ? 0 : start_of(i));
      session_end.push_back(null ? 0 : end_of(i));
      session_null.push_back(null);
    }
    session_of[static_cast<size_t>(k)] = static_cast<uint32_t>(first_row.size() - 1);
  }
  const auto num_sessions = static_cast<uint32_t>(first_row.size());

  // The input in session order, and the aggregates over it.
  std::vector<ColumnPtr> sorted_cols;
  for (const ColumnPtr& c : input.columns()) sorted_cols.push_back(c->Take(order.data(), n));
  Batch sorted;
  if (input.num_columns() == 0) {
    sorted = Batch::MakeRowsOnly(n);
  } else {
    ASSIGN_OR_RAISE(sorted, Batch::Make(input.schema(), std::move(sorted_cols)));
  }
  AggregateStates states(&aggregates_);
  states.Grow(num_sessions);
  std::vector<uint8_t*> ptrs(static_cast<size_t>(n));
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    RETURN_NOT_OK(CheckCancelled(ctx));
    const AggregateCall& call = aggregates_[a];
    ASSIGN_OR_RAISE(std::vector<Datum> args, EvalAll(call.args, ectx, sorted));
    for (int64_t k = 0; k < n; ++k) {
      ptrs[static_cast<size_t>(k)] = states.state(session_of[static_cast<size_t>(k)], a);
    }
    if (call.filter) {
      ASSIGN_OR_RAISE(SelectionVector sel, EvaluateFilter(*call.filter, ectx, sorted));
      RETURN_NOT_OK(call.function->Update(ectx, ptrs.data(), args, RowSet(n, sel.indices())));
    } else {
      RETURN_NOT_OK(call.function->Update(ectx, ptrs.data(), args, all));
    }
  }

  // One row per session.
  const RowSet out_rows(static_cast<int64_t>(num_sessions));
  FixedResult<int64_t> out_start(DataType::Timestamp(), out_rows);
  FixedResult<int64_t> out_end(DataType::Timestamp(), out_rows);
  ResultValidity valid(num_sessions);
  valid.InitFromRows(out_rows);
  out_start.validity().InitFromRows(out_rows);
  out_end.validity().InitFromRows(out_rows);
  for (uint32_t s = 0; s < num_sessions; ++s) {
    out_start.Set(s, session_start[s]);
    out_end.Set(s, session_end[s]);
    if (session_null[s]) {
      valid.SetNull(s);
      out_start.SetNull(s);
      out_end.SetNull(s);
    }
  }
  Column::Parts parts;
  parts.type = session->type();
  parts.length = num_sessions;
  parts.validity = valid.Take();
  parts.children = {out_start.Finish().column(), out_end.Finish().column()};
  ColumnPtr session_col = Column::Make(std::move(parts));

  std::vector<ColumnPtr> cols;
  size_t next_key = 0;
  for (size_t j = 0; j < groups_.size(); ++j) {
    if (static_cast<int>(j) == session_group_) {
      cols.push_back(session_col);
    } else {
      cols.push_back(keys[next_key++].Materialize(n)->Take(first_row.data(),
                                                           static_cast<int64_t>(num_sessions)));
    }
  }
  std::vector<const uint8_t*> state_ptrs(num_sessions);
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    for (uint32_t s = 0; s < num_sessions; ++s) state_ptrs[s] = states.state(s, a);
    std::unique_ptr<ColumnBuilder> out = MakeBuilder(aggregates_[a].function->result_type());
    RETURN_NOT_OK(aggregates_[a].function->Finalize(ectx, state_ptrs.data(),
                                                    static_cast<int64_t>(num_sessions), out.get()));
    cols.push_back(out->Finish());
  }
  return Batch::Make(schema(), std::move(cols));
}

}  // namespace

PhysicalOperatorPtr MakeSessionWindowAggregate(PhysicalOperatorPtr child,
                                               std::vector<ExprPtr> groups, int session_group,
                                               std::vector<AggregateCall> aggregates,
                                               SchemaPtr schema) {
  return std::make_shared<SessionWindowAggregateOp>(
      std::move(child), std::move(groups), session_group, std::move(aggregates), std::move(schema));
}

}  // namespace weir::exec

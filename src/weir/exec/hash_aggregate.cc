// Two-phase hash aggregation (see hash_aggregate_internal.h): Prepare builds the
// final tables through AggregationCore; Execute(p) Finalizes partition p's groups in
// batches.

#include <algorithm>
#include <memory>

#include "weir/exec/exec_internal.h"
#include "weir/exec/hash_aggregate_internal.h"
#include "weir/exec/operators.h"

namespace weir::exec {

AggregationCore::AggregationCore(std::vector<ExprPtr> groups, std::vector<AggregateCall> aggregates,
                                 int partitions)
    : groups_(std::move(groups)),
      aggregates_(std::move(aggregates)),
      partitions_(groups_.empty() ? 1 : std::max(1, partitions)) {
  for (const ExprPtr& g : groups_) key_types_.push_back(g->type());
}

Status AggregationCore::Build(PhysicalOperator& child, ExecContext& ctx) {
  const int tasks = DrainTasks(child, ctx);
  std::vector<std::unique_ptr<AggTable>> partial;
  for (int t = 0; t < tasks; ++t) {
    partial.push_back(std::make_unique<AggTable>(key_types_, &aggregates_));
    if (groups_.empty()) partial.back()->states.Grow(1);
  }
  RETURN_NOT_OK(DrainPartitions(child, ctx, [&](int t, Batch b) -> Status {
    return Consume(ctx, partial[static_cast<size_t>(t)].get(), b);
  }));
  RETURN_NOT_OK(CheckCancelled(ctx));
  final_.clear();
  if (partial.empty()) {
    // A child without partitions: empty input.
    for (int p = 0; p < partitions_; ++p) {
      final_.push_back(std::make_unique<AggTable>(key_types_, &aggregates_));
      if (groups_.empty()) final_.back()->states.Grow(1);
    }
    return Status::OK();
  }
  if (partial.size() == 1 && partitions_ == 1) {
    final_.push_back(std::move(partial[0]));
    return Status::OK();
  }
  if (groups_.empty()) {
    EvalContext ectx(ctx.eval);
    for (size_t t = 1; t < partial.size(); ++t) {
      RETURN_NOT_OK(MergeGroup(ectx, *partial[0], 0, *partial[t], 0));
    }
    final_.push_back(std::move(partial[0]));
    return Status::OK();
  }
  for (int p = 0; p < partitions_; ++p) {
    final_.push_back(std::make_unique<AggTable>(key_types_, &aggregates_));
  }
  TaskGroup group(ctx.pool);
  for (int p = 0; p < partitions_; ++p) {
    group.Spawn([&, p]() -> Status {
      EvalContext ectx(ctx.eval);
      AggTable& out = *final_[static_cast<size_t>(p)];
      for (const auto& in : partial) {
        RETURN_NOT_OK(CheckCancelled(ctx));
        const uint32_t n = in->groups.num_groups();
        for (uint32_t g = 0; g < n; ++g) {
          if (PartitionOf(in->groups.group_hash(g)) != p) continue;
          uint32_t fg = out.groups.InsertFrom(in->groups, g);
          if (fg >= out.states.size()) out.states.Grow(fg + 1);
          RETURN_NOT_OK(MergeGroup(ectx, out, fg, *in, g));
        }
      }
      return Status::OK();
    });
  }
  return group.Wait();
}

Status AggregationCore::MergeGroup(EvalContext& ectx, AggTable& out, uint32_t fg,
                                   const AggTable& in, uint32_t g) const {
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    RETURN_NOT_OK(
        aggregates_[a].function->Merge(ectx, out.states.state(fg, a), in.states.state(g, a)));
  }
  return Status::OK();
}

Status AggregationCore::Consume(ExecContext& ctx, AggTable* t, const Batch& b) const {
  EvalContext ectx(ctx.eval);
  RowSet rows = RowSet::Of(b);
  const auto phys = static_cast<size_t>(b.physical_rows());
  if (groups_.empty()) {
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      const AggregateCall& call = aggregates_[a];
      ASSIGN_OR_RAISE(std::vector<Datum> args, EvalAll(call.args, ectx, b));
      uint8_t* state = t->states.state(0, a);
      if (call.filter) {
        ASSIGN_OR_RAISE(SelectionVector sel, EvaluateFilter(*call.filter, ectx, b));
        RETURN_NOT_OK(
            call.function->UpdateAll(ectx, state, args, RowSet(b.physical_rows(), sel.indices())));
      } else {
        RETURN_NOT_OK(call.function->UpdateAll(ectx, state, args, rows));
      }
    }
    return Status::OK();
  }
  ASSIGN_OR_RAISE(std::vector<Datum> keys, EvalAll(groups_, ectx, b));
  t->group_ids.resize(phys);
  t->groups.FindOrInsert(keys, rows, t->group_ids.data());
  t->states.Grow(t->groups.num_groups());
  t->rows.resize(phys);
  t->ptrs.resize(phys);
  uint8_t** base = t->rows.data();
  const uint32_t* gid = t->group_ids.data();
  const AggregateStates& states = t->states;
  rows.ForEach([&](int64_t i) {
    base[i] = states.row(gid[i]);
    __builtin_prefetch(base[i], 1);
  });
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    const AggregateCall& call = aggregates_[a];
    ASSIGN_OR_RAISE(std::vector<Datum> args, EvalAll(call.args, ectx, b));
    const size_t off = states.offset(a);
    uint8_t** ptrs = t->ptrs.data();
    rows.ForEach([&](int64_t i) { ptrs[i] = base[i] + off; });
    if (call.filter) {
      ASSIGN_OR_RAISE(SelectionVector sel, EvaluateFilter(*call.filter, ectx, b));
      RETURN_NOT_OK(
          call.function->Update(ectx, ptrs, args, RowSet(b.physical_rows(), sel.indices())));
    } else {
      RETURN_NOT_OK(call.function->Update(ectx, ptrs, args, rows));
    }
  }
  return Status::OK();
}

std::string AggregationCore::AggregateList() const {
  std::string out;
  for (size_t i = 0; i < aggregates_.size(); ++i) {
    out += (i > 0 ? ", " : "") + aggregates_[i].ToString();
  }
  return out;
}

Status AggregationCore::FinalizeStates(EvalContext& ectx, const AggregateStates& states,
                                       const std::vector<uint32_t>& rows,
                                       std::vector<ColumnPtr>* cols) const {
  std::vector<const uint8_t*> ptrs(rows.size());
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    for (size_t i = 0; i < rows.size(); ++i) ptrs[i] = states.state(rows[i], a);
    std::unique_ptr<ColumnBuilder> out = MakeBuilder(aggregates_[a].function->result_type());
    RETURN_NOT_OK(aggregates_[a].function->Finalize(ectx, ptrs.data(),
                                                    static_cast<int64_t>(ptrs.size()), out.get()));
    cols->push_back(out->Finish());
  }
  return Status::OK();
}

namespace {

class HashAggregateOp final : public PhysicalOperator {
 public:
  HashAggregateOp(PhysicalOperatorPtr child, std::vector<ExprPtr> groups,
                  std::vector<AggregateCall> aggregates, SchemaPtr schema, int partitions)
      : PhysicalOperator(std::move(schema), {std::move(child)}),
        core_(std::move(groups), std::move(aggregates), partitions) {}

  int num_partitions() const override { return core_.partitions(); }

  Status Prepare(ExecContext& ctx) override {
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    prepared_ = false;
    RETURN_NOT_OK(core_.Build(*children()[0], ctx));
    prepared_ = true;
    return Status::OK();
  }

  Result<BatchStreamPtr> Execute(ExecContext& ctx, int p) override {
    if (!prepared_) return Status::Internal("HashAggregate executed before Prepare");
    return BatchStreamPtr(std::make_unique<OutputStream>(this, ctx, p));
  }

  std::string Describe() const override {
    const std::string fns = core_.AggregateList();
    return "HashAggregate(keys=[" + ExprList(core_.groups()) + "], functions=[" + fns + "])";
  }

 private:
  class OutputStream final : public BatchStream {
   public:
    OutputStream(HashAggregateOp* op, ExecContext& ctx, int p) : op_(op), ctx_(ctx), p_(p) {}
    Result<bool> Next(Batch* out) override {
      AggTable& t = *op_->core_.tables()[static_cast<size_t>(p_)];
      const uint32_t n = op_->core_.groups().empty() ? 1 : t.groups.num_groups();
      if (next_ >= n) return false;
      RETURN_NOT_OK(CheckCancelled(ctx_));
      uint32_t end = std::min<uint32_t>(n, next_ + static_cast<uint32_t>(kDefaultBatchRows));
      ASSIGN_OR_RAISE(*out, op_->Finalize(ctx_, t, next_, end));
      next_ = end;
      return true;
    }

   private:
    HashAggregateOp* op_;
    ExecContext& ctx_;
    int p_;
    uint32_t next_ = 0;
  };

  // The output rows of groups [begin, end) of `t`.
  Result<Batch> Finalize(ExecContext& ctx, AggTable& t, uint32_t begin, uint32_t end) const {
    EvalContext ectx(ctx.eval);
    std::vector<uint32_t> ids;
    for (uint32_t g = begin; g < end; ++g) ids.push_back(g);
    std::vector<ColumnPtr> cols;
    if (!core_.groups().empty()) {
      ASSIGN_OR_RAISE(cols, t.groups.KeyColumns(ids));
    }
    RETURN_NOT_OK(core_.FinalizeStates(ectx, t.states, ids, &cols));
    if (schema()->num_fields() == 0) return Batch::MakeRowsOnly(end - begin);
    return Batch::Make(schema(), std::move(cols));
  }

  AggregationCore core_;
  bool prepared_ = false;
};

}  // namespace

PhysicalOperatorPtr MakeHashAggregate(PhysicalOperatorPtr child, std::vector<ExprPtr> groups,
                                      std::vector<AggregateCall> aggregates, SchemaPtr schema,
                                      int partitions) {
  return std::make_shared<HashAggregateOp>(std::move(child), std::move(groups),
                                           std::move(aggregates), std::move(schema), partitions);
}

}  // namespace weir::exec

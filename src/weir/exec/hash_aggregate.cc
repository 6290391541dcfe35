// Two-phase hash aggregation (see hash_aggregate_internal.h): Prepare builds the
// final tables through AggregationCore; Execute(p) Finalizes partition p's groups in
// batches.

#include <algorithm>
#include <memory>

#include "weir/exec/exec_internal.h"
#include "weir/exec/hash_aggregate_internal.h"
#include "weir/exec/operators.h"

namespace weir::exec {

namespace {

// True when a and b are the same deterministic expression over the same columns
// (a column reference prints only its name, so the indexes are compared too).
bool SameTree(const Expr& a, const Expr& b) {
  if (a.kind() != b.kind() || a.type() != b.type() || a.children().size() != b.children().size()) {
    return false;
  }
  if (a.kind() == ExprKind::kColumnRef && static_cast<const ColumnRefExpr&>(a).index() !=
                                              static_cast<const ColumnRefExpr&>(b).index()) {
    return false;
  }
  for (size_t i = 0; i < a.children().size(); ++i) {
    if (!SameTree(*a.child(i), *b.child(i))) return false;
  }
  return true;
}
bool SameExpr(const ExprPtr& a, const ExprPtr& b) {
  if (a == nullptr || b == nullptr) return a == b;
  return a->deterministic() && b->deterministic() && SameTree(*a, *b) &&
         a->ToString() == b->ToString();
}
bool SameExprs(const std::vector<ExprPtr>& a, const std::vector<ExprPtr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameExpr(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

AggregationCore::AggregationCore(std::vector<ExprPtr> groups, std::vector<AggregateCall> aggregates,
                                 int partitions)
    : groups_(std::move(groups)),
      aggregates_(std::move(aggregates)),
      partitions_(groups_.empty() ? 1 : std::max(1, partitions)) {
  for (const ExprPtr& g : groups_) key_types_.push_back(g->type());
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    same_filter_.push_back(a);
    same_args_.push_back(a);
    for (size_t e = 0; e < a; ++e) {
      if (aggregates_[a].filter != nullptr &&
          SameExpr(aggregates_[a].filter, aggregates_[e].filter)) {
        same_filter_[a] = e;
        break;
      }
    }
    for (size_t e = 0; e < a; ++e) {
      if (SameExprs(aggregates_[a].args, aggregates_[e].args)) {
        same_args_[a] = e;
        break;
      }
    }
  }
}

Status AggregationCore::Build(PhysicalOperator& child, ExecContext& ctx) {
  const int tasks = DrainTasks(child, ctx);
  std::vector<std::unique_ptr<AggTable>> partial;
  // Each task's table may see any of the groups; with one task it sees them all. At
  // most 4M: a table's slots are written when reserved, and a much smaller epoch
  // after a large one should not pay for a huge table.
  const auto expected = static_cast<uint32_t>(
      std::clamp<int64_t>(expected_groups_ / std::max(tasks, 1), 0, int64_t{1} << 22));
  for (int t = 0; t < tasks; ++t) {
    partial.push_back(std::make_unique<AggTable>(key_types_, &aggregates_));
    if (groups_.empty()) partial.back()->states.Grow(1);
    if (!groups_.empty()) partial.back()->groups.Reserve(expected);
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
  // Each distinct argument list and FILTER is evaluated once per batch.
  std::vector<std::vector<Datum>> args(aggregates_.size());
  std::vector<SelectionVector> sels(aggregates_.size());
  auto eval = [&](size_t a) -> Result<RowSet> {
    const AggregateCall& call = aggregates_[a];
    if (same_args_[a] == a) {
      ASSIGN_OR_RAISE(args[a], EvalAll(call.args, ectx, b));
    }
    if (!call.filter) return rows;
    if (same_filter_[a] == a) {
      ASSIGN_OR_RAISE(sels[a], EvaluateFilter(*call.filter, ectx, b));
    }
    return RowSet(b.physical_rows(), sels[same_filter_[a]].indices());
  };
  if (groups_.empty()) {
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      ASSIGN_OR_RAISE(RowSet selected, eval(a));
      RETURN_NOT_OK(aggregates_[a].function->UpdateAll(ectx, t->states.state(0, a),
                                                       args[same_args_[a]], selected));
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
    ASSIGN_OR_RAISE(RowSet selected, eval(a));
    const size_t off = states.offset(a);
    uint8_t** ptrs = t->ptrs.data();
    rows.ForEach([&](int64_t i) { ptrs[i] = base[i] + off; });
    RETURN_NOT_OK(aggregates_[a].function->Update(ectx, ptrs, args[same_args_[a]], selected));
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

Status AggregationCore::FinalizeStateRows(EvalContext& ectx, const AggregateStates& layout,
                                          const std::vector<const uint8_t*>& rows,
                                          std::vector<ColumnPtr>* cols) const {
  std::vector<const uint8_t*> ptrs(rows.size());
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    const size_t off = layout.offset(a);
    for (size_t i = 0; i < rows.size(); ++i) ptrs[i] = rows[i] + off;
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

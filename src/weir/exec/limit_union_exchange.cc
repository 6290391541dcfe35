// Operators that move batches between partitions without computing on them: Limit,
// LocalLimit, UnionAll, HashExchange and Gather.

#include <algorithm>
#include <memory>

#include "weir/exec/exec_internal.h"
#include "weir/exec/group_table.h"
#include "weir/exec/operators.h"

namespace weir::exec {

namespace {

// ---- Limit ------------------------------------------------------------------------

// Skips `offset` rows, then passes at most `limit` rows (limit < 0: all), reading
// `inputs` one after the other.
class LimitStream final : public BatchStream {
 public:
  LimitStream(PhysicalOperator* child, ExecContext& ctx, int64_t limit, int64_t offset,
              bool all_partitions, int partition)
      : child_(child),
        ctx_(ctx),
        left_(limit),
        skip_(offset),
        next_part_(all_partitions ? 0 : partition),
        end_part_(all_partitions ? child->num_partitions() : partition + 1) {}

  Result<bool> Next(Batch* out) override {
    while (left_ != 0) {
      if (input_ == nullptr) {
        if (next_part_ >= end_part_) return false;
        ASSIGN_OR_RAISE(input_, child_->Execute(ctx_, next_part_++));
      }
      RETURN_NOT_OK(CheckCancelled(ctx_));
      Batch b;
      ASSIGN_OR_RAISE(bool more, input_->Next(&b));
      if (!more) {
        input_.reset();
        continue;
      }
      int64_t n = b.num_rows();
      if (n <= skip_) {
        skip_ -= n;
        continue;
      }
      int64_t begin = skip_;
      skip_ = 0;
      int64_t end = left_ < 0 ? n : std::min(n, begin + left_);
      if (left_ > 0) left_ -= end - begin;
      if (begin == 0 && end == n) {
        *out = std::move(b);
      } else {
        std::vector<uint32_t> sel;
        for (int64_t i = begin; i < end; ++i) sel.push_back(static_cast<uint32_t>(i));
        *out = b.num_columns() == 0 ? Batch::MakeRowsOnly(end - begin)
                                    : b.Select(SelectionVector(std::move(sel)));
      }
      return true;
    }
    return false;
  }

 private:
  PhysicalOperator* child_;
  ExecContext& ctx_;
  int64_t left_;
  int64_t skip_;
  int next_part_;
  int end_part_;
  BatchStreamPtr input_;
};

class LimitOp final : public PhysicalOperator {
 public:
  LimitOp(PhysicalOperatorPtr child, int64_t limit, int64_t offset, bool local)
      : PhysicalOperator(child->schema(), {child}), limit_(limit), offset_(offset), local_(local) {}
  int num_partitions() const override { return local_ ? children()[0]->num_partitions() : 1; }
  Result<BatchStreamPtr> Execute(ExecContext& ctx, int p) override {
    return BatchStreamPtr(
        std::make_unique<LimitStream>(children()[0].get(), ctx, limit_, offset_, !local_, p));
  }
  std::string Describe() const override {
    std::string out = local_ ? "LocalLimit " : "GlobalLimit ";
    out += std::to_string(limit_);
    if (offset_ > 0) out += ", offset " + std::to_string(offset_);
    return out;
  }

 private:
  int64_t limit_;
  int64_t offset_;
  bool local_;
};

// ---- UnionAll ---------------------------------------------------------------------

class UnionAllOp final : public PhysicalOperator {
 public:
  UnionAllOp(std::vector<PhysicalOperatorPtr> children, SchemaPtr schema)
      : PhysicalOperator(std::move(schema), std::move(children)) {}
  int num_partitions() const override {
    int n = 0;
    for (const auto& c : children()) n += c->num_partitions();
    return n;
  }
  Result<BatchStreamPtr> Execute(ExecContext& ctx, int p) override {
    for (const auto& c : children()) {
      if (p < c->num_partitions()) return c->Execute(ctx, p);
      p -= c->num_partitions();
    }
    return Status::Internal("union partition out of range");
  }
  std::string Describe() const override { return "Union"; }
};

// ---- HashExchange / Gather ----------------------------------------------------------

class ExchangeOp final : public PhysicalOperator {
 public:
  // partitions == 1 with no keys: a gather.
  ExchangeOp(PhysicalOperatorPtr child, std::vector<ExprPtr> keys, int partitions)
      : PhysicalOperator(child->schema(), {child}),
        keys_(std::move(keys)),
        partitions_(std::max(1, partitions)) {}

  int num_partitions() const override { return partitions_; }

  Status Prepare(ExecContext& ctx) override {
    RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
    PhysicalOperator& child = *children()[0];
    const int tasks = DrainTasks(child, ctx);
    // Per task, per output partition: the batches (with selections, no copies).
    std::vector<std::vector<std::vector<Batch>>> local(
        static_cast<size_t>(tasks), std::vector<std::vector<Batch>>(partitions_));
    struct Scratch {
      KeyEncoder encoder;
      std::vector<uint64_t> hashes;
      std::vector<std::vector<uint32_t>> sel;
    };
    std::vector<Scratch> scratch(static_cast<size_t>(tasks));
    RETURN_NOT_OK(DrainPartitions(child, ctx, [&](int t, Batch b) -> Status {
      auto& out = local[static_cast<size_t>(t)];
      if (partitions_ == 1) {
        out[0].push_back(std::move(b));
        return Status::OK();
      }
      Scratch& s = scratch[static_cast<size_t>(t)];
      EvalContext ectx(ctx.eval);
      ASSIGN_OR_RAISE(std::vector<Datum> keys, EvalAll(keys_, ectx, b));
      RowSet rows = RowSet::Of(b);
      s.hashes.resize(static_cast<size_t>(b.physical_rows()));
      HashKeys(keys, rows, s.hashes.data(), &s.encoder);
      s.sel.assign(static_cast<size_t>(partitions_), {});
      rows.ForEach([&](int64_t i) {
        size_t p = static_cast<size_t>((s.hashes[static_cast<size_t>(i)] >> 32) %
                                       static_cast<uint64_t>(partitions_));
        s.sel[p].push_back(static_cast<uint32_t>(i));
      });
      for (int p = 0; p < partitions_; ++p) {
        auto& sel = s.sel[static_cast<size_t>(p)];
        if (sel.empty()) continue;
        if (b.num_columns() == 0) {
          out[static_cast<size_t>(p)].push_back(
              Batch::MakeRowsOnly(static_cast<int64_t>(sel.size())));
          continue;
        }
        ASSIGN_OR_RAISE(Batch part,
                        Batch::Make(b.schema(), b.columns(),
                                    std::make_shared<const SelectionVector>(std::move(sel))));
        out[static_cast<size_t>(p)].push_back(std::move(part));
      }
      return Status::OK();
    }));
    outputs_.assign(static_cast<size_t>(partitions_), nullptr);
    for (int p = 0; p < partitions_; ++p) {
      auto v = std::make_shared<std::vector<Batch>>();
      for (auto& t : local) {
        for (Batch& b : t[static_cast<size_t>(p)]) v->push_back(std::move(b));
      }
      outputs_[static_cast<size_t>(p)] = std::move(v);
    }
    return Status::OK();
  }

  Result<BatchStreamPtr> Execute(ExecContext&, int p) override {
    if (outputs_.empty()) return Status::Internal("Exchange executed before Prepare");
    return BatchStreamPtr(std::make_unique<VectorStream>(outputs_[static_cast<size_t>(p)]));
  }

  std::string Describe() const override {
    if (keys_.empty()) return "Exchange SinglePartition";
    return "Exchange hashpartitioning(" + ExprList(keys_) + ", " + std::to_string(partitions_) +
           ")";
  }

 private:
  std::vector<ExprPtr> keys_;
  int partitions_;
  std::vector<std::shared_ptr<const std::vector<Batch>>> outputs_;
};

}  // namespace

PhysicalOperatorPtr MakeLimit(PhysicalOperatorPtr child, int64_t limit, int64_t offset) {
  return std::make_shared<LimitOp>(std::move(child), limit, offset, false);
}

PhysicalOperatorPtr MakeLocalLimit(PhysicalOperatorPtr child, int64_t limit) {
  return std::make_shared<LimitOp>(std::move(child), limit, 0, true);
}

PhysicalOperatorPtr MakeUnionAll(std::vector<PhysicalOperatorPtr> children, SchemaPtr schema) {
  return std::make_shared<UnionAllOp>(std::move(children), std::move(schema));
}

PhysicalOperatorPtr MakeHashExchange(PhysicalOperatorPtr child, std::vector<ExprPtr> keys,
                                     int partitions) {
  return std::make_shared<ExchangeOp>(std::move(child), std::move(keys), partitions);
}

PhysicalOperatorPtr MakeGather(PhysicalOperatorPtr child) {
  return std::make_shared<ExchangeOp>(std::move(child), std::vector<ExprPtr>{}, 1);
}

}  // namespace weir::exec

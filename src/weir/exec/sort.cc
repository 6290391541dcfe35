// Sort and top-N.
//
// Prepare drains the input on the pool; each task buffers its batches and, at the
// end, sorts them into one run (a stable sort of a row permutation, then a gather).
// When a task's buffered bytes exceed its share of ctx.memory_budget it sorts what it
// holds and writes it to a spill file (a sorted run on disk) under ctx.spill_dir. The
// single output partition is a k-way merge of all runs, in memory and on disk, with
// a binary heap of cursors; spill files are deleted once read (or with the operator).
//
// Top-N (limit >= 0): a task keeps only its best offset + limit rows, re-sorting and
// truncating its buffer whenever it doubles; the merge stops after them.

#include <algorithm>
#include <memory>
#include <mutex>
#include <numeric>

#include "weir/exec/exec_internal.h"
#include "weir/exec/operators.h"
#include "weir/exec/sort_internal.h"
#include "weir/exec/spill.h"

namespace weir::exec {

std::vector<uint32_t> SortPermutation(const std::vector<SortColumn>& keys, int64_t n) {
  std::vector<uint32_t> perm(static_cast<size_t>(n));
  std::iota(perm.begin(), perm.end(), 0u);
  if (keys.empty()) return perm;
  // A single non-null BIGINT key: compare the values directly.
  if (keys.size() == 1 && !keys[0].column->may_have_nulls() &&
      (keys[0].column->type().id() == TypeId::kInt64 ||
       keys[0].column->type().id() == TypeId::kTimestamp)) {
    const int64_t* v = keys[0].column->values<int64_t>();
    if (keys[0].ascending) {
      std::stable_sort(perm.begin(), perm.end(),
                       [v](uint32_t a, uint32_t b) { return v[a] < v[b]; });
    } else {
      std::stable_sort(perm.begin(), perm.end(),
                       [v](uint32_t a, uint32_t b) { return v[a] > v[b]; });
    }
    return perm;
  }
  std::stable_sort(perm.begin(), perm.end(), [&keys](uint32_t a, uint32_t b) {
    return CompareKeyRows(keys, a, keys, b) < 0;
  });
  return perm;
}

namespace {

// Rows [begin, end) of `perm` gathered from `batch`.
Batch Gather(const Batch& batch, const std::vector<uint32_t>& perm, size_t begin, size_t end) {
  const auto n = static_cast<int64_t>(end - begin);
  if (batch.num_columns() == 0) return Batch::MakeRowsOnly(n);
  std::vector<ColumnPtr> cols;
  for (const ColumnPtr& c : batch.columns()) cols.push_back(c->Take(perm.data() + begin, n));
  return Batch::Make(batch.schema(), std::move(cols)).ValueOrDie();
}

class SortOp final : public PhysicalOperator {
 public:
  SortOp(PhysicalOperatorPtr child, std::vector<plan::SortKey> keys, int64_t limit, int64_t offset)
      : PhysicalOperator(child->schema(), {child}),
        keys_(std::move(keys)),
        limit_(limit),
        offset_(std::max<int64_t>(0, offset)) {}

  int num_partitions() const override { return 1; }

  Status Prepare(ExecContext& ctx) override;
  Result<BatchStreamPtr> Execute(ExecContext& ctx, int p) override;

  std::string Describe() const override {
    std::string k;
    for (size_t i = 0; i < keys_.size(); ++i) k += (i > 0 ? ", " : "") + keys_[i].ToString();
    if (limit_ >= 0) {
      return "TakeOrderedAndProject(limit=" + std::to_string(limit_) +
             (offset_ > 0 ? ", offset=" + std::to_string(offset_) : "") + ", orderBy=[" + k + "])";
    }
    return "Sort [" + k + "]";
  }

  ~SortOp() override {
    for (const std::string& p : spill_paths_) (void)env_->DeleteFile(p);
  }

 private:
  struct TaskBuffer {
    std::vector<Batch> batches;
    int64_t rows = 0;
    int64_t bytes = 0;
  };

  // Sorts `batches` into one dense batch (truncated to `keep` rows when keep >= 0).
  Result<Batch> SortRun(ExecContext& ctx, const std::vector<Batch>& batches, int64_t keep) const {
    EvalContext ectx(ctx.eval);
    Batch all = ConcatBatches(schema(), batches);
    ASSIGN_OR_RAISE(std::vector<SortColumn> keys, EvalSortColumns(keys_, ectx, all));
    std::vector<uint32_t> perm = SortPermutation(keys, all.num_rows());
    size_t n = perm.size();
    if (keep >= 0) n = std::min(n, static_cast<size_t>(keep));
    return Gather(all, perm, 0, n);
  }

  Status Spill(ExecContext& ctx, TaskBuffer* buf) {
    ASSIGN_OR_RAISE(Batch run, SortRun(ctx, buf->batches, -1));
    std::string path = NewSpillPath(ctx, "sort");
    RETURN_NOT_OK(WriteSpillFile(EnvOf(ctx), path, SplitBatch(run)));
    {
      std::lock_guard<std::mutex> lock(mu_);
      spill_paths_.push_back(path);
    }
    buf->batches.clear();
    buf->rows = 0;
    buf->bytes = 0;
    return Status::OK();
  }

  std::vector<plan::SortKey> keys_;
  int64_t limit_;
  int64_t offset_;

  Env* env_ = nullptr;
  std::mutex mu_;
  std::vector<Batch> runs_;               // in-memory sorted runs
  std::vector<std::string> spill_paths_;  // sorted runs on disk; guarded by mu_ in Prepare
};

Status SortOp::Prepare(ExecContext& ctx) {
  RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
  PhysicalOperator& child = *children()[0];
  const int tasks = DrainTasks(child, ctx);
  std::vector<TaskBuffer> bufs(static_cast<size_t>(tasks));
  const int64_t keep = limit_ >= 0 ? limit_ + offset_ : -1;
  const int64_t budget = std::max<int64_t>(1, ctx.memory_budget / tasks);
  runs_.clear();
  env_ = EnvOf(ctx);
  RETURN_NOT_OK(DrainPartitions(child, ctx, [&](int t, Batch b) -> Status {
    TaskBuffer& buf = bufs[static_cast<size_t>(t)];
    buf.rows += b.num_rows();
    buf.bytes += b.MemoryUsage();
    buf.batches.push_back(std::move(b));
    if (keep >= 0) {
      if (buf.rows > std::max<int64_t>(2 * keep, kDefaultBatchRows)) {
        ASSIGN_OR_RAISE(Batch top, SortRun(ctx, buf.batches, keep));
        buf.batches.assign(1, top);
        buf.rows = top.num_rows();
      }
      return Status::OK();
    }
    if (buf.bytes > budget) return Spill(ctx, &buf);
    return Status::OK();
  }));
  std::vector<Batch> runs(bufs.size());
  TaskGroup group(ctx.pool);
  for (size_t t = 0; t < bufs.size(); ++t) {
    if (bufs[t].batches.empty()) continue;
    group.Spawn([&, t]() -> Status {
      ASSIGN_OR_RAISE(runs[t], SortRun(ctx, bufs[t].batches, keep));
      bufs[t].batches.clear();
      return Status::OK();
    });
  }
  RETURN_NOT_OK(group.Wait());
  for (Batch& r : runs) {
    if (r.num_rows() > 0) runs_.push_back(std::move(r));
  }
  return Status::OK();
}

// A run read batch by batch, with the sort keys of its current batch.
struct Cursor {
  BatchStreamPtr source;
  Batch batch;
  std::vector<SortColumn> keys;
  int64_t row = 0;
};

class MergeStream final : public BatchStream {
 public:
  MergeStream(ExecContext& ctx, SchemaPtr schema, const std::vector<plan::SortKey>* keys,
              std::vector<BatchStreamPtr> sources, int64_t limit, int64_t offset)
      : ctx_(ctx),
        ectx_(ctx.eval),
        schema_(std::move(schema)),
        keys_(keys),
        left_(limit),
        skip_(offset) {
    for (auto& s : sources) {
      auto c = std::make_unique<Cursor>();
      c->source = std::move(s);
      cursors_.push_back(std::move(c));
    }
  }

  Result<bool> Next(Batch* out) override {
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < cursors_.size(); ++i) {
        ASSIGN_OR_RAISE(bool ok, Advance(cursors_[i].get()));
        if (ok) heap_.push_back(i);
      }
      std::make_heap(heap_.begin(), heap_.end(), Greater{this});
    }
    std::vector<std::unique_ptr<ColumnBuilder>> builders;
    for (const Field& f : schema_->fields()) builders.push_back(MakeBuilder(f.type));
    int64_t rows = 0;
    while (!heap_.empty() && left_ != 0 && rows < kDefaultBatchRows) {
      std::pop_heap(heap_.begin(), heap_.end(), Greater{this});
      Cursor* c = cursors_[heap_.back()].get();
      const int64_t r = c->batch.RowIndex(c->row);
      if (skip_ > 0) {
        --skip_;
      } else {
        for (size_t k = 0; k < builders.size(); ++k) {
          AppendCell(builders[k].get(), *c->batch.column(static_cast<int>(k)), r);
        }
        ++rows;
        if (left_ > 0) --left_;
      }
      ++c->row;
      bool alive = true;
      if (c->row >= c->batch.num_rows()) {
        RETURN_NOT_OK(CheckCancelled(ctx_));
        ASSIGN_OR_RAISE(alive, Advance(c));
      }
      if (alive) {
        std::push_heap(heap_.begin(), heap_.end(), Greater{this});
      } else {
        heap_.pop_back();
      }
    }
    if (rows == 0) return false;
    if (builders.empty()) {
      *out = Batch::MakeRowsOnly(rows);
      return true;
    }
    std::vector<ColumnPtr> cols;
    for (auto& b : builders) cols.push_back(b->Finish());
    ASSIGN_OR_RAISE(*out, Batch::Make(schema_, std::move(cols)));
    return true;
  }

 private:
  // Orders cursor indices so that the heap's top is the smallest row; ties go to the
  // lower cursor index (earlier run), which keeps the merge stable.
  struct Greater {
    const MergeStream* self;
    bool operator()(size_t a, size_t b) const {
      const Cursor& x = *self->cursors_[a];
      const Cursor& y = *self->cursors_[b];
      int c = CompareKeyRows(x.keys, x.row, y.keys, y.row);
      return c != 0 ? c > 0 : a > b;
    }
  };

  Result<bool> Advance(Cursor* c) {
    while (true) {
      ASSIGN_OR_RAISE(bool more, c->source->Next(&c->batch));
      if (!more) return false;
      if (c->batch.num_rows() == 0) continue;
      c->batch = c->batch.Compact();
      ASSIGN_OR_RAISE(c->keys, EvalSortColumns(*keys_, ectx_, c->batch));
      c->row = 0;
      return true;
    }
  }

  ExecContext& ctx_;
  EvalContext ectx_;
  SchemaPtr schema_;
  const std::vector<plan::SortKey>* keys_;
  std::vector<std::unique_ptr<Cursor>> cursors_;
  std::vector<size_t> heap_;
  bool started_ = false;
  int64_t left_;
  int64_t skip_;
};

Result<BatchStreamPtr> SortOp::Execute(ExecContext& ctx, int) {
  std::vector<BatchStreamPtr> sources;
  for (const Batch& r : runs_) {
    sources.push_back(
        std::make_unique<VectorStream>(std::make_shared<const std::vector<Batch>>(SplitBatch(r))));
  }
  std::vector<std::string> paths;
  {
    std::lock_guard<std::mutex> lock(mu_);
    paths.swap(spill_paths_);
  }
  for (std::string& p : paths) {
    ASSIGN_OR_RAISE(std::unique_ptr<SpillReader> reader,
                    SpillReader::Open(EnvOf(ctx), std::move(p), schema()));
    sources.push_back(std::move(reader));
  }
  if (sources.size() == 1 && limit_ < 0 && offset_ == 0) return std::move(sources[0]);
  return BatchStreamPtr(
      std::make_unique<MergeStream>(ctx, schema(), &keys_, std::move(sources), limit_, offset_));
}

}  // namespace

PhysicalOperatorPtr MakeSort(PhysicalOperatorPtr child, std::vector<plan::SortKey> keys,
                             int64_t limit, int64_t offset) {
  return std::make_shared<SortOp>(std::move(child), std::move(keys), limit, offset);
}

}  // namespace weir::exec

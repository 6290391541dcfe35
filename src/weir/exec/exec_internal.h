// Helpers shared by the physical operators (internal to weir_exec): batch streams
// over materialized data, draining an operator's partitions on the pool, column
// concatenation and cell copying, and the cancellation check.
//
// Thread-safety: free functions and single-thread stream objects.

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "weir/common/result.h"
#include "weir/exec/operator.h"
#include "weir/expr/expr.h"
#include "weir/types/batch.h"
#include "weir/types/builder.h"

namespace weir::exec {

// Cancelled when ctx.cancelled is set; called between batches.
inline Status CheckCancelled(const ExecContext& ctx) {
  if (ctx.cancelled != nullptr && ctx.cancelled->load(std::memory_order_relaxed)) {
    return Status::Cancelled("query cancelled");
  }
  return Status::OK();
}

inline Env* EnvOf(const ExecContext& ctx) { return ctx.env != nullptr ? ctx.env : Env::Default(); }

// A stream over batches held in memory (shared so that a stream can outlive the
// operator call that made it). Skips empty batches.
class VectorStream final : public BatchStream {
 public:
  explicit VectorStream(std::shared_ptr<const std::vector<Batch>> batches)
      : batches_(std::move(batches)) {}
  Result<bool> Next(Batch* out) override {
    while (pos_ < batches_->size()) {
      const Batch& b = (*batches_)[pos_++];
      if (b.num_rows() == 0) continue;
      *out = b;
      return true;
    }
    return false;
  }

 private:
  std::shared_ptr<const std::vector<Batch>> batches_;
  size_t pos_ = 0;
};

// A stream that yields nothing.
class EmptyStream final : public BatchStream {
 public:
  Result<bool> Next(Batch*) override { return false; }
};

// Runs every partition of `op` (already prepared) on ctx.pool, at most
// `max_tasks` partitions at a time (0: the pool's thread count), and calls
// `consume(task, batch)` for every non-empty batch. `task` is in [0, tasks) where
// tasks = the returned value; calls with the same task never run concurrently, so a
// consumer may keep per-task state without locking. Checks cancellation between
// batches. Returns the number of tasks used through *tasks_used (may be null).
Status DrainPartitions(PhysicalOperator& op, ExecContext& ctx,
                       const std::function<Status(int task, Batch batch)>& consume,
                       int* tasks_used = nullptr, int max_tasks = 0);

// The number of tasks DrainPartitions will use for `op`.
int DrainTasks(const PhysicalOperator& op, const ExecContext& ctx, int max_tasks = 0);

// For operators that process each input partition whole (window functions, session
// windows): runs every partition of `child` on ctx.pool, concatenates its rows into
// one dense batch and sets (*outputs)[p] to `process`'s result split into batches
// (empty for an empty partition).
Status ProcessWholePartitions(PhysicalOperator& child, ExecContext& ctx,
                              const std::function<Result<Batch>(Batch)>& process,
                              std::vector<std::shared_ptr<const std::vector<Batch>>>* outputs);

// Collects every partition's batches (partition order kept) into one vector.
Result<std::vector<Batch>> DrainAll(PhysicalOperator& op, ExecContext& ctx);

// Concatenates columns of one type into one column (string bytes are shared, not
// copied). REQUIRES: at least one column; all of the same type.
ColumnPtr ConcatColumns(const std::vector<ColumnPtr>& columns);

// Concatenates the logical rows of `batches` (all of `schema`) into one dense batch.
Batch ConcatBatches(const SchemaPtr& schema, const std::vector<Batch>& batches);

// Appends physical row `row` of `col` (NULL or not) to `b`, whose type is the
// column's. A switch on the type, no virtual call, for primitive and string types.
void AppendCell(ColumnBuilder* b, const Column& col, int64_t row);

// Splits a dense batch into batches of at most kDefaultBatchRows rows.
std::vector<Batch> SplitBatch(const Batch& batch);

// The rows [begin, end) of a dense batch as a new dense batch.
Batch SliceBatch(const Batch& batch, int64_t begin, int64_t end);

// Evaluates `exprs` over the logical rows of `batch` as full-length datums.
Result<std::vector<Datum>> EvalAll(const std::vector<ExprPtr>& exprs, EvalContext& ectx,
                                   const Batch& batch);

// A schema made of the expressions' types, named name0, name1... (internal batches).
SchemaPtr SchemaOfExprs(const std::vector<ExprPtr>& exprs, const std::string& prefix);

// Comma-separated ToString of expressions, for Describe().
std::string ExprList(const std::vector<ExprPtr>& exprs);

}  // namespace weir::exec

// Physical operators: what a batch query (and, later, each micro-batch of a stream)
// runs. An operator produces its output in num_partitions() partitions; each
// partition is a stream of batches that one worker pulls.
//
// Execution is staged, as DESIGN.md section 4 describes: operators that must see all
// of their input before producing output (the final phase of a hash aggregate, the
// build side of a hash join, a sort, an exchange) do that work in Prepare, which the
// driver calls once, top-down, from a thread that is not a pool worker. Prepare of
// such an operator first prepares its children, then drains its input's partitions in
// parallel on the pool (TaskGroup), and keeps the result. Execute never blocks on
// other tasks, so any number of partitions can run on the pool at once without
// deadlock.
//
// Contract:
//  - Prepare is called exactly once before any Execute.
//  - Execute(p) for 0 <= p < num_partitions() may run concurrently for different p;
//    each partition is executed at most once per Prepare.
//  - Batches carry the operator's schema() (a selection vector may be present).
//  - Errors (an ANSI overflow, a malformed record with FAILFAST) end the query with
//    that status; no operator crashes on data.
//
// Thread-safety: see the contract; operators are built by one thread.

#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/common/thread_pool.h"
#include "weir/expr/eval_context.h"
#include "weir/types/batch.h"
#include "weir/types/schema.h"

namespace weir::exec {

struct ExecContext {
  ThreadPool* pool = nullptr;  // required
  EvalOptions eval;
  // Bytes an operator may hold before it spills (a sort writes sorted runs to
  // spill_dir through env).
  int64_t memory_budget = int64_t{1} << 30;
  Env* env = nullptr;  // defaults to Env::Default() when null
  std::string spill_dir = "/tmp";
  // Set by another thread to stop the query; operators check it between batches.
  std::atomic<bool>* cancelled = nullptr;
};

// A stream of batches: one partition of an operator's output.
class BatchStream {
 public:
  virtual ~BatchStream() = default;
  // Sets *out to the next batch and returns true, or returns false at the end.
  virtual Result<bool> Next(Batch* out) = 0;
};
using BatchStreamPtr = std::unique_ptr<BatchStream>;

class PhysicalOperator;
using PhysicalOperatorPtr = std::shared_ptr<PhysicalOperator>;

class PhysicalOperator {
 public:
  PhysicalOperator(SchemaPtr schema, std::vector<PhysicalOperatorPtr> children)
      : schema_(std::move(schema)), children_(std::move(children)) {}
  virtual ~PhysicalOperator() = default;
  PhysicalOperator(const PhysicalOperator&) = delete;
  PhysicalOperator& operator=(const PhysicalOperator&) = delete;

  const SchemaPtr& schema() const { return schema_; }
  const std::vector<PhysicalOperatorPtr>& children() const { return children_; }

  virtual int num_partitions() const = 0;
  // Default: prepares the children.
  virtual Status Prepare(ExecContext& ctx);
  virtual Result<BatchStreamPtr> Execute(ExecContext& ctx, int partition) = 0;

  // One line for EXPLAIN: "HashAggregate(keys=[k], functions=[count(1)], partial)".
  virtual std::string Describe() const = 0;

 private:
  SchemaPtr schema_;
  std::vector<PhysicalOperatorPtr> children_;
};

// The tree, one operator per line, children indented (EXPLAIN's physical plan).
std::string ExplainString(const PhysicalOperator& op);

// Prepares `op` and runs all of its partitions on ctx.pool; returns the batches in
// partition order (the order within a partition kept).
Result<std::vector<Batch>> CollectBatches(PhysicalOperator& op, ExecContext& ctx);

}  // namespace weir::exec

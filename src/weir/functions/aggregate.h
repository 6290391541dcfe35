// Aggregate functions: count, sum, avg, min, max, ... as init / update / merge /
// finalize over fixed-size states, with a compact binary form of the state.
//
// The hash aggregation operator owns the states: for each group it reserves
// state_size() bytes (aligned to state_align()) in an arena and calls Init. For a
// batch it maps every row to its group's state and calls Update once with the
// per-row state pointers — one virtual call per batch, a plain loop inside.
// Partial aggregation (before an exchange) and streaming state use the same states:
// Merge combines two, Serialize/Deserialize move one across a shuffle or into a
// StateStore. Variable-size states (collect_list, approx_count_distinct) keep a
// pointer to heap data in their fixed part and say so with needs_destroy().
//
// Contract:
//   - Update reads args only at the rows of `rows`; states[i] is the state of
//     physical row i (only entries for rows in `rows` are read).
//   - Deserialize validates its input (sizes are bounded before allocating) and
//     returns Corruption on bad bytes; it never crashes.
//   - Finalize appends exactly one value per state, in order.
//
// Thread-safety: an AggregateFunction is immutable; states are owned by one thread.

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/datum.h"
#include "weir/expr/eval_context.h"
#include "weir/expr/expr.h"
#include "weir/expr/row_set.h"
#include "weir/types/builder.h"

namespace weir {

class AggregateFunction {
 public:
  AggregateFunction(std::string name, std::vector<DataType> arg_types, DataType result_type)
      : name_(std::move(name)),
        arg_types_(std::move(arg_types)),
        result_type_(std::move(result_type)) {}
  virtual ~AggregateFunction() = default;

  const std::string& name() const { return name_; }
  const std::vector<DataType>& arg_types() const { return arg_types_; }
  const DataType& result_type() const { return result_type_; }

  virtual size_t state_size() const = 0;
  virtual size_t state_align() const { return alignof(std::max_align_t); }
  // True when Destroy must run before a state's memory is released.
  virtual bool needs_destroy() const { return false; }

  virtual void Init(uint8_t* state) const = 0;
  virtual void Destroy(uint8_t* state) const { (void)state; }

  // Accumulates args at `rows` into states[row].
  virtual Status Update(EvalContext& ctx, uint8_t* const* states, const std::vector<Datum>& args,
                        const RowSet& rows) const = 0;
  // Accumulates args at `rows` into one state (a global aggregate). The default
  // calls Update with the same state for every row.
  virtual Status UpdateAll(EvalContext& ctx, uint8_t* state, const std::vector<Datum>& args,
                           const RowSet& rows) const;
  // state := state (+) other.
  virtual Status Merge(EvalContext& ctx, uint8_t* state, const uint8_t* other) const = 0;
  // Appends the result of each state to `out` (whose type is result_type()).
  virtual Status Finalize(EvalContext& ctx, const uint8_t* const* states, int64_t n,
                          ColumnBuilder* out) const = 0;

  // The state's bytes, appended to `out`; Deserialize reads them back into an
  // Init'ed state.
  virtual void Serialize(const uint8_t* state, std::string* out) const = 0;
  virtual Status Deserialize(std::string_view in, uint8_t* state) const = 0;

  // "count(x)", "sum(DISTINCT x)" — for plans and output column names.
  virtual std::string Format(const std::vector<std::string>& args) const;

 private:
  std::string name_;
  std::vector<DataType> arg_types_;
  DataType result_type_;
};

using AggregateFunctionPtr = std::shared_ptr<const AggregateFunction>;

// A resolved aggregate call: the function and its (already coerced) argument
// expressions, plus DISTINCT and FILTER (WHERE ...) as Spark allows them.
struct AggregateCall {
  AggregateFunctionPtr function;
  std::vector<ExprPtr> args;
  bool distinct = false;
  ExprPtr filter;  // null when absent

  std::string ToString() const;
};

// Resolves an aggregate by name with implicit casts, like FunctionRegistry::Resolve
// does for scalar functions. Errors: unknown aggregate, wrong argument count, type
// mismatch (INVALID_SQL, Spark's words).
Result<AggregateCall> ResolveAggregate(std::string_view name, std::vector<ExprPtr> args,
                                       bool distinct = false, ExprPtr filter = nullptr);
// True if `name` names an aggregate function.
bool IsAggregateFunction(std::string_view name);

}  // namespace weir
